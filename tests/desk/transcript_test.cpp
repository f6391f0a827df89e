// Golden transcripts: whole support-desk sessions kept as readable files in
// tests/desk/transcripts (the path is compiled in as TELECHAT_DESK_TRANSCRIPTS).
// Each file says what the clients send (`bob >> MSG hi`) and what every
// client receives after each step (`ann << MSG bob hi`); its header explains
// the notation, whose rows telechat/protocol/transcript.hpp reads. The test
// plays the client side through the harness and requires the desk's output
// to be the file's, byte for byte:
//   - fed whole, byte by byte and in random chunks (the rendering of the run,
//     steps and replies interleaved, must equal the file, and every client's
//     bytes, CRLFs included, must equal its `<<` lines);
//   - with each client's consecutive lines sent in one receive (pipelined),
//     every client's bytes must still be the same.
// A wire trace of telechat-server (`--trace DIR`, rows with a TIME) placed
// there is a test too: its TIMEs move the desk's clock, the rows of one read
// travel in one piece, and every client must receive its `<<` bytes (HIST
// record times aside, which came from the server's clock), and be closed by
// the server where the trace says so.
// When the desk's output changes on purpose, the failing run is written to
// <name>.actual in the working directory: read it, and copy it over the
// golden file if it is right.
#include <catch2/catch.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <telechat/protocol/escaping.hpp>
#include <telechat/protocol/transcript.hpp>
#include <telechat/protocol/transcript_session.hpp>

#include "harness.hpp"

using namespace desk_test;

namespace {

using telechat::protocol::Row;
using telechat::protocol::RowKind;
using telechat::protocol::TranscriptError;

/// A golden transcript file, or a folder of a server's traces (one file
/// per connection, rows with TIMEs) played as one session.
struct Transcript {
    std::string name;
    std::string text;  ///< a golden file's text
    std::vector<telechat::protocol::Transcript> files;
    DeskOptions options = test_options();
    bool trace = false;
};

[[nodiscard]] std::size_t number(std::string_view text, std::size_t line_number) {
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
        throw TranscriptError(line_number, "not a number: '" + std::string(text) + "'");
    }
    return value;
}

void set_option(DeskOptions& options, std::string_view setting, std::size_t line_number) {
    const std::size_t equals = setting.find('=');
    if (equals == std::string_view::npos) {
        throw TranscriptError(line_number, "an option without '=': '" + std::string(setting) + "'");
    }
    const std::string_view key = setting.substr(0, equals);
    const std::size_t value = number(setting.substr(equals + 1), line_number);
    static constexpr std::pair<std::string_view, std::size_t DeskOptions::*> counts[] = {
        {"agent_capacity", &DeskOptions::agent_capacity},
        {"max_clients", &DeskOptions::max_clients},
        {"history_limit", &DeskOptions::history_limit},
        {"waiting_backlog_limit", &DeskOptions::waiting_backlog_limit},
        {"max_line_bytes", &DeskOptions::max_line_bytes},
        {"output_cap_bytes", &DeskOptions::output_cap_bytes},
        {"max_auth_failures", &DeskOptions::max_auth_failures}};
    static constexpr std::pair<std::string_view, UnixMillis DeskOptions::*> durations[] = {
        {"register_timeout_ms", &DeskOptions::register_timeout_ms},
        {"idle_timeout_ms", &DeskOptions::idle_timeout_ms}};
    for (const auto& [name, member] : counts) {
        if (key == name) {
            options.*member = value;
            return;
        }
    }
    for (const auto& [name, member] : durations) {
        if (key == name) {
            options.*member = static_cast<UnixMillis>(value);
            return;
        }
    }
    throw TranscriptError(line_number, "unknown option '" + std::string(key) + "'");
}

void set_options(DeskOptions& options, std::string_view settings, std::size_t line_number) {
    while (!settings.empty()) {
        const std::size_t space = std::min(settings.find(' '), settings.size());
        set_option(options, settings.substr(0, space), line_number);
        settings.remove_prefix(std::min(space + 1, settings.size()));
    }
}

std::string file_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path.string());
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Reads a golden file, or every .txt of a folder of traces.
Transcript read_transcript(const std::filesystem::path& path) {
    Transcript transcript;
    transcript.name = path.filename().string();
    std::vector<std::filesystem::path> paths{path};
    if (std::filesystem::is_directory(path)) {
        paths.clear();
        for (const auto& entry : std::filesystem::directory_iterator(path)) {
            if (entry.path().extension() == ".txt") {
                paths.push_back(entry.path());
            }
        }
        std::sort(paths.begin(), paths.end());
    }
    for (const std::filesystem::path& file : paths) {
        transcript.text = file_text(file);
        try {
            transcript.files.push_back(
                {file.filename().string(), telechat::protocol::parse_transcript(transcript.text)});
        } catch (const TranscriptError& error) {
            throw std::runtime_error(file.string() + ":" + error.what());
        }
        transcript.trace =
            transcript.trace || telechat::protocol::is_trace(transcript.files.back().rows);
        for (const Row& row : transcript.files.back().rows) {
            if (row.kind == RowKind::options) {
                set_options(transcript.options, row.text, row.line);
            }
        }
    }
    return transcript;
}

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t end = std::min(text.find('\n'), text.size());
        lines.push_back(text.substr(0, end));
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    return lines;
}

/// What a run of a transcript produced.
struct Run {
    std::string rendered;                         ///< the transcript, as this run shows it
    std::map<std::string, std::string> received;  ///< every byte each client received
    std::set<std::string> closed_by_server;
};

[[nodiscard]] telechat::protocol::TranscriptKeys keys_of(const Transcript& transcript) {
    return {transcript.options.agent_key, "not-the-agent-key"};
}

/// Plays the client side of `transcript`, split as `split` says. A send
/// row's bytes go to the desk in one piece with the rows that continue its
/// chunk (a trace's rows without TIME); with `pipelined`, a client's
/// consecutive sends go in one piece too. A trace's TIMEs move the clock.
/// The rendering (golden files only) is the transcript as the run shows it.
Run play(const Transcript& transcript, Split split, bool pipelined) {
    World world(split, transcript.options);
    std::vector<std::pair<std::string, Client*>> clients;  // in opening order
    std::map<std::string, std::size_t> lines_shown;
    Run run;

    const auto client_named = [&](const std::string& name) -> Client& {
        for (const auto& [label, client] : clients) {
            if (label == name) {
                return *client;
            }
        }
        throw std::runtime_error("no client named '" + name + "' has connected");
    };
    // After each step: what every client received, client by client.
    const auto show_output = [&] {
        for (const auto& [name, client] : clients) {
            const Lines& lines = client->lines();
            for (std::size_t i = lines_shown[name]; i < lines.size(); ++i) {
                run.rendered += name + " << " + telechat::protocol::escaped(lines[i]) + "\n";
            }
            lines_shown[name] = lines.size();
            if (client->closed_by_server() && run.closed_by_server.insert(name).second) {
                run.rendered += name + " -- " +
                                (client->dropped() ? "dropped by the server (output cap)"
                                                   : "closed by the server") +
                                "\n";
            }
        }
    };
    std::string pending_bytes;
    Client* pending_client = nullptr;
    const auto send_pending = [&] {
        if (pending_client != nullptr) {
            pending_client->send(pending_bytes);
            pending_client = nullptr;
            pending_bytes.clear();
            show_output();
        }
    };
    UnixMillis traced_ms = 0;  // how far a trace's TIMEs have moved the clock
    const std::vector<std::string_view> source = lines_of(transcript.text);
    const auto as_written = [&](const Row& row) {
        return (transcript.trace ? render_row(row) : std::string(source.at(row.line - 1))) + "\n";
    };

    const std::vector<telechat::protocol::Transcript>& files = transcript.files;
    const std::vector<telechat::protocol::SessionRow> session =
        telechat::protocol::merge_transcripts(files);
    for (std::size_t i = 0; i < session.size(); ++i) {
        const telechat::protocol::SessionRow& at = session[i];
        const Row& row = *at.row;
        if (row.kind == RowKind::receives || row.kind == RowKind::closed) {
            continue;  // what the run shows instead
        }
        if (row.kind == RowKind::sends) {
            Client& client = client_named(row.who);
            if (!at.continues && (!pipelined || pending_client != &client)) {
                send_pending();
            }
            if (row.time_ms && *row.time_ms > traced_ms) {
                world.advance(*row.time_ms - std::exchange(traced_ms, *row.time_ms));
            }
            run.rendered += as_written(row);
            pending_client = &client;
            pending_bytes += row_bytes(row, keys_of(transcript));
            if (!pipelined && (i + 1 == session.size() || !session[i + 1].continues)) {
                send_pending();
            }
            continue;
        }
        if (row.kind == RowKind::note || row.kind == RowKind::options) {
            run.rendered += as_written(row);
            continue;
        }
        send_pending();
        if (row.time_ms && *row.time_ms > traced_ms) {
            world.advance(*row.time_ms - std::exchange(traced_ms, *row.time_ms));
        }
        run.rendered += as_written(row);
        switch (row.kind) {
            case RowKind::connects:
                clients.emplace_back(row.who, &world.open(row.who));
                break;
            case RowKind::hangs_up:
            case RowKind::breaks:
                if (!client_named(row.who).closed()) {
                    client_named(row.who).disconnect();
                }
                break;
            case RowKind::time_passes:
                world.advance(row.pass_ms);
                break;
            case RowKind::shuts_down:
                world.shut_down();
                break;
            default:
                break;
        }
        show_output();
    }
    send_pending();
    for (const auto& [name, client] : clients) {
        run.received[name] = client->raw();
    }
    return run;
}

std::vector<Row> all_rows(const Transcript& transcript) {
    std::vector<Row> rows;
    for (const telechat::protocol::Transcript& file : transcript.files) {
        rows.insert(rows.end(), file.rows.begin(), file.rows.end());
    }
    return rows;
}

/// Checks that every client received the bytes the transcript shows it,
/// CRLFs included, and that the server closed the connections it shows
/// closed. A trace's HIST records come from another clock: their times are
/// not compared.
void check_received(const Run& run, const Transcript& transcript) {
    std::map<std::string, std::string> expected;
    std::set<std::string> closed;
    for (const Row& row : all_rows(transcript)) {
        if (row.kind == RowKind::connects) {
            expected[row.who];
        } else if (row.kind == RowKind::closed) {
            closed.insert(row.who);
        } else if (row.kind == RowKind::receives) {
            expected[row.who] += row_bytes(row, keys_of(transcript));
        }
    }
    const auto comparable = [&](const std::string& bytes) {
        return transcript.trace ? telechat::protocol::without_hist_times(bytes) : bytes;
    };
    CHECK(run.received.size() == expected.size());
    for (const auto& [name, bytes] : expected) {
        INFO("the bytes " << name << " received");
        const auto received = run.received.find(name);
        REQUIRE(received != run.received.end());
        CHECK(comparable(received->second) == comparable(bytes));
    }
    CHECK(run.closed_by_server == closed);
}

/// "none", or the first line where a run differs from the golden file.
std::string first_difference(const std::string& golden, const std::string& actual) {
    if (golden == actual) {
        return "none";
    }
    const std::vector<std::string_view> golden_lines = lines_of(golden);
    const std::vector<std::string_view> actual_lines = lines_of(actual);
    std::size_t i = 0;
    while (i < golden_lines.size() && i < actual_lines.size() &&
           golden_lines[i] == actual_lines[i]) {
        ++i;
    }
    const auto line = [](const std::vector<std::string_view>& lines, std::size_t at) {
        return at < lines.size() ? std::string(lines[at]) : std::string("(end of file)");
    };
    return "line " + std::to_string(i + 1) + "\n  golden: " + line(golden_lines, i) +
           "\n  actual: " + line(actual_lines, i);
}

std::vector<Transcript> golden_transcripts() {
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::directory_iterator(TELECHAT_DESK_TRANSCRIPTS)) {
        if (entry.path().extension() == ".txt" || entry.is_directory()) {
            paths.push_back(entry.path());
        }
    }
    std::sort(paths.begin(), paths.end());
    std::vector<Transcript> result;
    result.reserve(paths.size());
    for (const auto& path : paths) {
        result.push_back(read_transcript(path));
    }
    return result;
}

}  // namespace

TEST_CASE("the desk's output is the golden transcripts', byte for byte, under every split",
          "[desk][splits][transcript]") {
    const std::vector<Transcript> transcripts = golden_transcripts();
    REQUIRE(transcripts.size() >= 2);
    for (const Transcript& transcript : transcripts) {
        for (const Split split : {Split::whole, Split::bytewise, Split::chunked}) {
            INFO("transcript " << transcript.name << ", split " << split);
            const Run run = play(transcript, split, false);
            const std::string difference = first_difference(transcript.text, run.rendered);
            const std::string actual_path =
                std::filesystem::path(transcript.name).stem().string() + ".actual";
            if (difference != "none" && !transcript.trace) {
                std::ofstream(actual_path, std::ios::binary) << run.rendered;
            }
            INFO("a failing run is written to " << std::filesystem::absolute(actual_path).string());
            if (!transcript.trace) {  // a trace is not laid out as a run shows it
                CHECK(difference == "none");
            }
            check_received(run, transcript);
        }
    }
}

TEST_CASE("each client's lines sent in one receive give the golden transcripts' bytes",
          "[desk][splits][pipelining][transcript]") {
    for (const Transcript& transcript : golden_transcripts()) {
        for (const Split split : {Split::whole, Split::bytewise, Split::chunked}) {
            INFO("transcript " << transcript.name << ", pipelined, split " << split);
            const Run run = play(transcript, split, true);
            check_received(run, transcript);
        }
    }
}

// Golden transcripts: whole support-desk sessions kept as readable files in
// tests/desk/transcripts (the path is compiled in as TELECHAT_DESK_TRANSCRIPTS).
// Each file says what the clients send (`bob >> MSG hi`) and what every
// client receives after each step (`ann << MSG bob hi`); its header explains
// the notation. The test plays the client side through the harness and
// requires the desk's output to be the file's, byte for byte:
//   - fed whole, byte by byte and in random chunks (the rendering of the run,
//     steps and replies interleaved, must equal the file, and every client's
//     bytes, CRLFs included, must equal its `<<` lines);
//   - with each client's consecutive lines sent in one receive (pipelined),
//     every client's bytes must still be the same.
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

#include "harness.hpp"

using namespace desk_test;

namespace {

/// A transcript line that the test could not read.
class BadTranscript : public std::runtime_error {
public:
    BadTranscript(std::size_t line, const std::string& what)
        : std::runtime_error("line " + std::to_string(line) + ": " + what) {}
};

/// One line of a transcript file.
struct Step {
    enum class Kind {
        text,         ///< a comment or a blank line, kept as it is
        options,      ///< `== options key=value ...`: the desk's settings
        output,       ///< `bob << ...` or `bob -- ...`: what the run must show
        connect,      ///< `== bob connects`
        hang_up,      ///< `== bob hangs up`
        time_passes,  ///< `== 30 s pass`, `== 500 ms pass`
        shut_down,    ///< `== the server shuts down`
        send,         ///< `bob >> MSG hi`
    };
    Kind kind = Kind::text;
    std::string line;     ///< as written
    std::string client;   ///< connect, hang_up, send, output
    std::string bytes;    ///< send: the bytes, CRLF included; output: the line received
    UnixMillis ms = 0;    ///< time_passes
    bool closed = false;  ///< output: a `--` line, the server closed the connection
};

struct Transcript {
    std::string name;
    std::string text;
    std::vector<Step> steps;
    DeskOptions options = test_options();
};

[[nodiscard]] std::string hex_byte(unsigned char byte) {
    static constexpr char digits[] = "0123456789ABCDEF";
    return {'\\', 'x', digits[byte >> 4U], digits[byte & 0xFU]};
}

/// A received line as the transcript shows it: `\\`, `\t` and `\xHH` for
/// backslashes, tabs and other control bytes, and a final space as `\x20`
/// (so that no editor strips it); everything else, UTF-8 included, as it is.
[[nodiscard]] std::string shown(std::string_view line) {
    std::string result;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const auto byte = static_cast<unsigned char>(line[i]);
        if (byte == '\\') {
            result += "\\\\";
        } else if (byte == '\t') {
            result += "\\t";
        } else if (byte < 0x20U || byte == 0x7FU || (byte == ' ' && i + 1 == line.size())) {
            result += hex_byte(byte);
        } else {
            result.push_back(static_cast<char>(byte));
        }
    }
    return result;
}

/// The bytes a shown line stands for: the inverse of shown(), plus `\r` and `\n`.
[[nodiscard]] std::string unshown(std::string_view text, std::size_t line_number) {
    std::string result;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            result.push_back(text[i]);
            continue;
        }
        if (i + 1 == text.size()) {
            throw BadTranscript(line_number, "a lone backslash at the end");
        }
        const char code = text[++i];
        if (code == '\\') {
            result.push_back('\\');
        } else if (code == 't') {
            result.push_back('\t');
        } else if (code == 'r') {
            result.push_back('\r');
        } else if (code == 'n') {
            result.push_back('\n');
        } else if (code == 'x') {
            if (i + 2 >= text.size()) {
                throw BadTranscript(line_number, "\\x needs two hex digits");
            }
            unsigned value = 0;
            const char* first = text.data() + i + 1;
            const auto [end, error] = std::from_chars(first, first + 2, value, 16);
            if (error != std::errc{} || end != first + 2) {
                throw BadTranscript(line_number, "\\x needs two hex digits");
            }
            result.push_back(static_cast<char>(static_cast<unsigned char>(value)));
            i += 2;
        } else {
            throw BadTranscript(line_number, std::string("unknown escape \\") + code);
        }
    }
    return result;
}

[[nodiscard]] std::size_t number(std::string_view text, std::size_t line_number) {
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) {
        throw BadTranscript(line_number, "not a number: '" + std::string(text) + "'");
    }
    return value;
}

void set_option(DeskOptions& options, std::string_view setting, std::size_t line_number) {
    const std::size_t equals = setting.find('=');
    if (equals == std::string_view::npos) {
        throw BadTranscript(line_number, "an option without '=': '" + std::string(setting) + "'");
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
    throw BadTranscript(line_number, "unknown option '" + std::string(key) + "'");
}

/// Reads an `== ...` line: an event that is not a client sending.
Step event(std::string_view what, std::size_t line_number, DeskOptions& options) {
    Step step;
    const auto ends_with = [&](std::string_view suffix) {
        return what.size() > suffix.size() && what.substr(what.size() - suffix.size()) == suffix;
    };
    const auto head = [&](std::string_view suffix) {
        return std::string(what.substr(0, what.size() - suffix.size()));
    };
    if (starts_with(what, "options ")) {
        step.kind = Step::Kind::options;
        what.remove_prefix(8);
        while (!what.empty()) {
            const std::size_t space = std::min(what.find(' '), what.size());
            set_option(options, what.substr(0, space), line_number);
            what.remove_prefix(std::min(space + 1, what.size()));
        }
    } else if (what == "the server shuts down") {
        step.kind = Step::Kind::shut_down;
    } else if (ends_with(" connects")) {
        step.kind = Step::Kind::connect;
        step.client = head(" connects");
    } else if (ends_with(" hangs up")) {
        step.kind = Step::Kind::hang_up;
        step.client = head(" hangs up");
    } else if (ends_with(" ms pass")) {
        step.kind = Step::Kind::time_passes;
        step.ms = static_cast<UnixMillis>(number(head(" ms pass"), line_number));
    } else if (ends_with(" s pass")) {
        step.kind = Step::Kind::time_passes;
        step.ms = static_cast<UnixMillis>(number(head(" s pass"), line_number)) * 1000;
    } else {
        throw BadTranscript(line_number, "unknown event '== " + std::string(what) + "'");
    }
    return step;
}

Step parse_line(std::string_view line, std::size_t line_number, DeskOptions& options) {
    Step step;
    if (line.empty() || line.front() == '#') {
        step.kind = Step::Kind::text;
    } else if (starts_with(line, "== ")) {
        step = event(line.substr(3), line_number, options);
    } else {
        const std::size_t space = line.find(' ');
        const std::string_view marker = line.substr(std::min(space + 1, line.size()), 2);
        std::string_view rest = line.substr(std::min(space + 4, line.size()));
        if (space == std::string_view::npos ||
            (marker != ">>" && marker != "<<" && marker != "--")) {
            throw BadTranscript(line_number,
                                "neither a comment, an event, nor 'name >>', "
                                "'name <<' or 'name --'");
        }
        step.client = std::string(line.substr(0, space));
        if (marker == ">>") {
            step.kind = Step::Kind::send;
            step.bytes = unshown(rest, line_number) + "\r\n";
        } else {
            step.kind = Step::Kind::output;
            step.closed = marker == "--";
            step.bytes = step.closed ? std::string() : unshown(rest, line_number);
        }
    }
    step.line = std::string(line);
    return step;
}

Transcript read_transcript(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path.string());
    }
    Transcript transcript;
    transcript.name = path.stem().string();
    transcript.text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    std::string_view rest = transcript.text;
    for (std::size_t line_number = 1; !rest.empty(); ++line_number) {
        const std::size_t newline = rest.find('\n');
        if (newline == std::string_view::npos) {
            throw BadTranscript(line_number, "the file does not end with a newline");
        }
        transcript.steps.push_back(
            parse_line(rest.substr(0, newline), line_number, transcript.options));
        rest.remove_prefix(newline + 1);
    }
    return transcript;
}

/// What a run of a transcript produced.
struct Run {
    std::string rendered;                         ///< the transcript, as this run shows it
    std::map<std::string, std::string> received;  ///< every byte each client received
    std::set<std::string> closed_by_server;
};

/// Plays the client side of `transcript`, split as `split` says. With
/// `pipelined`, a client's consecutive lines go to the desk in one send.
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
                run.rendered += name + " << " + shown(lines[i]) + "\n";
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

    for (const Step& step : transcript.steps) {
        if (step.kind == Step::Kind::output) {
            continue;  // what the run shows instead
        }
        if (step.kind == Step::Kind::send) {
            Client& client = client_named(step.client);
            if (!pipelined || pending_client != &client) {
                send_pending();
            }
            run.rendered += step.line + "\n";
            pending_client = &client;
            pending_bytes += step.bytes;
            if (!pipelined) {
                send_pending();
            }
            continue;
        }
        if (step.kind == Step::Kind::text || step.kind == Step::Kind::options) {
            run.rendered += step.line + "\n";
            continue;
        }
        send_pending();
        run.rendered += step.line + "\n";
        switch (step.kind) {
            case Step::Kind::connect:
                clients.emplace_back(step.client, &world.open(step.client));
                break;
            case Step::Kind::hang_up:
                client_named(step.client).disconnect();
                break;
            case Step::Kind::time_passes:
                world.advance(step.ms);
                break;
            case Step::Kind::shut_down:
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

/// Checks that every client received the bytes the transcript shows it,
/// CRLFs included, and that the server closed the connections it shows closed.
void check_received(const Run& run, const Transcript& transcript) {
    std::map<std::string, std::string> expected;
    std::set<std::string> closed;
    for (const Step& step : transcript.steps) {
        if (step.kind == Step::Kind::connect) {
            expected[step.client];
        } else if (step.kind == Step::Kind::output && step.closed) {
            closed.insert(step.client);
        } else if (step.kind == Step::Kind::output) {
            expected[step.client] += step.bytes + "\r\n";
        }
    }
    CHECK(run.received.size() == expected.size());
    for (const auto& [name, bytes] : expected) {
        INFO("the bytes " << name << " received");
        const auto received = run.received.find(name);
        REQUIRE(received != run.received.end());
        CHECK(received->second == bytes);
    }
    CHECK(run.closed_by_server == closed);
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
        if (entry.path().extension() == ".txt") {
            paths.push_back(entry.path());
        }
    }
    std::sort(paths.begin(), paths.end());
    std::vector<Transcript> result;
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
            INFO("transcript " << transcript.name << ".txt, split " << split);
            const Run run = play(transcript, split, false);
            const std::string difference = first_difference(transcript.text, run.rendered);
            const std::string actual_path = transcript.name + ".actual";
            if (difference != "none") {
                std::ofstream(actual_path, std::ios::binary) << run.rendered;
            }
            INFO("a failing run is written to " << std::filesystem::absolute(actual_path).string());
            CHECK(difference == "none");
            check_received(run, transcript);
        }
    }
}

TEST_CASE("each client's lines sent in one receive give the golden transcripts' bytes",
          "[desk][splits][pipelining][transcript]") {
    for (const Transcript& transcript : golden_transcripts()) {
        for (const Split split : {Split::whole, Split::bytewise, Split::chunked}) {
            INFO("transcript " << transcript.name << ".txt, pipelined, split " << split);
            const Run run = play(transcript, split, true);
            check_received(run, transcript);
        }
    }
}

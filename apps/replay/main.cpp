// telechat-replay: plays the client side of transcripts (a server's wire
// traces, or a golden transcript of the test suite) against a 3MCP server,
// and reports the first difference in what comes back.
//
//     telechat-replay TRACE [TRACE...] HOST:PORT [--agent-key KEY] [--timeout S] [-v]
//
// Exit codes: 0 if every client received what its transcript shows, 1 at
// the first difference (FILE:LINE, expected, received), 2 for bad usage, a
// malformed transcript (FILE:LINE: what is wrong) or a server it cannot reach.
#include <telechat/protocol/transcript.hpp>
#include <telechat/protocol/transcript_session.hpp>

#include "player.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

constexpr const char* usage_text =
    R"(usage: telechat-replay TRACE [TRACE...] HOST:PORT [--agent-key KEY] [--timeout SECONDS] [-v]

Plays the client side of one or more transcripts against a 3MCP server: one
connection per client, opened at its "connects" row; each ">>" row's bytes
sent (the rows of one read in one send); closed at "hangs up". What each
client receives is compared with its "<<" rows byte for byte, ignoring timing,
how the bytes were split, and the time field of HIST records. Several traces
of one server run are merged by their TIMEs.

options:
  --agent-key KEY     what \{agent-key} stands for (the server's key)
  --timeout SECONDS   how long to wait for each expected reply   default: 5
  -v                  say each step as it is played

Exit codes: 0 no difference, 1 a difference (FILE:LINE, expected and received,
escaped), 2 bad usage, a malformed transcript (FILE:LINE: what is wrong), or a
server that cannot be reached.
)";

[[noreturn]] void fail(const std::string& message) {
    std::fprintf(stderr, "telechat-replay: %s\n", message.c_str());
    std::exit(2);
}

[[noreturn]] void usage_error(const std::string& message) {
    fail(message + " (try --help)");
}

struct Arguments {
    std::vector<std::string> files;
    replay::PlayOptions play;
};

// HOST:PORT, with [::1]:PORT for an IPv6 address.
void read_address(const std::string& text, replay::PlayOptions& play) {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size() ||
        text.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
        usage_error("'" + text + "' is not HOST:PORT");
    }
    play.host = text.substr(0, colon);
    if (play.host.size() > 2 && play.host.front() == '[' && play.host.back() == ']') {
        play.host = play.host.substr(1, play.host.size() - 2);
    }
    play.port = text.substr(colon + 1);
}

Arguments parse_arguments(int argc, char** argv) {
    Arguments arguments;
    std::vector<std::string> positional;
    for (int i = 1; i < argc; ++i) {
        const std::string option = argv[i];
        if (option == "--help" || option == "-h") {
            std::fputs(usage_text, stdout);
            std::exit(0);
        }
        if (option == "-v") {
            arguments.play.verbose = true;
        } else if (option == "--agent-key" || option == "--timeout") {
            if (i + 1 >= argc) {
                usage_error(option + " needs a value");
            }
            const std::string value = argv[++i];
            if (option == "--agent-key") {
                arguments.play.keys.agent_key = value;
                continue;
            }
            char* end = nullptr;
            const double seconds = std::strtod(value.c_str(), &end);
            if (value.empty() || *end != '\0' || !(seconds > 0) || seconds > 3600) {
                usage_error("--timeout: '" + value + "' is not a number of seconds, 0 to 3600");
            }
            arguments.play.timeout = std::chrono::milliseconds(static_cast<long>(seconds * 1000));
        } else if (option.size() > 1 && option.front() == '-') {
            usage_error("unknown option '" + option + "'");
        } else {
            positional.push_back(option);
        }
    }
    if (positional.size() < 2) {
        usage_error("needs a transcript and HOST:PORT");
    }
    read_address(positional.back(), arguments.play);
    positional.pop_back();
    arguments.files = std::move(positional);
    if (arguments.play.keys.agent_key == arguments.play.keys.wrong_key) {
        arguments.play.keys.wrong_key += "-2";
    }
    return arguments;
}

// A transcript file's rows; a malformed one ends the run with FILE:LINE.
telechat::protocol::Transcript read_transcript(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        fail("cannot read " + path);
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    try {
        return {path, telechat::protocol::parse_transcript(text)};
    } catch (const telechat::protocol::TranscriptError& error) {
        fail(path + ":" + std::to_string(error.line()) + ": " + error.problem());
    }
}

}  // namespace

int main(int argc, char** argv) {
    Arguments arguments = parse_arguments(argc, argv);
    std::vector<telechat::protocol::Transcript> files;
    for (const std::string& path : arguments.files) {
        files.push_back(read_transcript(path));
    }
    try {
        const std::vector<telechat::protocol::SessionRow> session =
            telechat::protocol::merge_transcripts(files);
        replay::Player player(files, arguments.play);
        if (const std::optional<replay::Difference> difference = player.play(session)) {
            std::printf("%s: %s\n", difference->where.c_str(), difference->what.c_str());
            return 1;
        }
    } catch (const std::exception& error) {
        fail(error.what());
    }
    std::size_t rows = 0;
    for (const telechat::protocol::Transcript& file : files) {
        rows += file.rows.size();
    }
    std::printf("no difference: %s rows of %s file(s) played\n", std::to_string(rows).c_str(),
                std::to_string(files.size()).c_str());
    return 0;
}

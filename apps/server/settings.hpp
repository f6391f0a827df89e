// telechat-server's command line: the usage text, the settings it fills,
// and the parser, which exits with status 2 on any bad option before
// anything listens (apps/telechat_server.cpp runs the result).
#pragma once

#include <telechat/history/file_storage.hpp>
#include <telechat/server/server.hpp>

#if defined(_WIN32)
#include "platform_windows.hpp"
#else
#include "platform_posix.hpp"
#endif
#include "trace_directory.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace server_app {

using telechat::server::ServerOptions;

inline constexpr const char* usage_text = R"(usage: telechat-server [options]

Serves the 3MCP customer-support chat protocol over TCP.

options:
  --bind ADDR             address to listen on (IPv4 or IPv6)   default: all interfaces
  --port N                TCP port, 0 picks a free one           default: 3333
  --agent-key KEY         the key agents log in with (one word)  default: $TELECHAT_AGENT_KEY,
                          else a random key, printed once as "agent key: <key>"
  --agent-capacity N      customers one agent serves at once     default: 3
  --max-clients N         connections served at once             default: 10000
  --history-limit N       messages kept per user                 default: 1000
  --remembered-users N    histories kept of users who left; past it the one
                          that left longest ago is forgotten     default: 100000
  --history-reserve B     bytes per kept message reserved when a user's first
                          conversation starts (0 = grow as needed) default: 96
  --history-file PATH     keep history in this append-only log (created 0600),
                          reloaded at every start             default: memory only
  --fsync WHEN            always | everysec | never           default: everysec
                          +OK to a message is sent only once its record is
                          written to the file, so a killed or crashed server
                          loses no acknowledged message, whatever WHEN is.
                          A power loss loses none with always (one fsync per
                          server turn, before its replies), about the last
                          second with everysec, what the OS held with never
  --history-repair        if the log is damaged before its end, keep the good
                          records before the damage, move the original aside
                          to PATH.corrupt-<UTC time>, and start
  --max-line BYTES        longest line, line ending included     default: 1024
  --output-cap BYTES      unread output before a client is dropped  default: 1048576
  --register-timeout S    seconds to send CONNECT (0 = off)      default: 30
  --idle-timeout S        seconds a user may stay silent (0 = off)  default: 0
  --model M               threads | reactor | reactors           default: reactor
  --loops N               event loops for --model reactors       default: number of cores
  --trace DIR             write every connection's bytes, both ways, to
                          DIR/connection-NNNNNN.txt (created 0600; DIR is
                          created if missing), the agent key hidden; replay
                          one with telechat-replay            default: off
  --help                  show this help and exit

When ready it prints "listening on <addr>:<port>" on stdout, then one line
"history: ..." saying where history lives and how it is synced. Connection
events are logged to stderr, one line each; message text never is.
Exit codes: 0 after SIGINT/SIGTERM, 1 if it cannot listen or its history log
cannot be used (damaged, not a history log, unwritable), 2 for bad usage.
)";

struct Settings {
    ServerOptions server;
    std::string model = "reactor";
    std::optional<std::string> key;
    std::optional<std::string> history_file;
    telechat::history::SyncPolicy sync = telechat::history::SyncPolicy::every_second;
    bool history_repair = false;
    std::optional<std::string> trace_folder;
};

[[noreturn]] inline void usage_error(const std::string& message) {
    std::fprintf(stderr, "telechat-server: %s (try --help)\n", message.c_str());
    std::exit(2);
}

inline std::uint64_t parse_count(const std::string& option, const std::string& text,
                                 std::uint64_t smallest, std::uint64_t largest) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
        usage_error(option + ": '" + text + "' is not a whole number");
    }
    errno = 0;
    const unsigned long long value = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE || value < smallest || value > largest) {
        usage_error(option + ": " + text + " is out of range (" + std::to_string(smallest) +
                    " to " + std::to_string(largest) + ")");
    }
    return value;
}

inline telechat::UnixMillis parse_seconds(const std::string& option, const std::string& text) {
    char* end = nullptr;
    const double seconds = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !(seconds >= 0) || seconds > 1e9) {
        usage_error(option + ": '" + text + "' is not a number of seconds >= 0");
    }
    return static_cast<telechat::UnixMillis>(seconds * 1000.0 + 0.5);
}

// A key must be something a client can type as the one word CONNECT takes.
inline bool is_usable_key(std::string_view key) {
    return !key.empty() && key.size() <= 256 && key.find(' ') == std::string_view::npos &&
           telechat::protocol::is_valid_text(key);
}

// The options that take a value; checked first, so that an unknown option is
// called unknown even when it comes last.
inline telechat::history::SyncPolicy parse_sync_policy(const std::string& value) {
    using telechat::history::SyncPolicy;
    if (value == "always") {
        return SyncPolicy::always;
    }
    if (value == "everysec") {
        return SyncPolicy::every_second;
    }
    if (value != "never") {
        usage_error("--fsync: '" + value + "' is not one of always, everysec, never");
    }
    return SyncPolicy::never;
}

inline bool takes_value(std::string_view option) {
    constexpr std::string_view options[] = {
        "--bind",        "--port",          "--agent-key",        "--agent-capacity",
        "--max-clients", "--history-limit", "--remembered-users", "--history-reserve",
        "--max-line",    "--output-cap",    "--register-timeout", "--idle-timeout",
        "--model",       "--loops",         "--history-file",     "--fsync",
        "--trace"};
    for (const std::string_view known : options) {
        if (option == known) {
            return true;
        }
    }
    return false;
}

inline Settings parse_arguments(int argc, char** argv) {
    Settings settings;
    settings.server.endpoint = {"", 3333};
    telechat::DeskOptions& desk = settings.server.desk;
    const std::vector<std::string> args(argv + 1, argv + argc);
    constexpr std::uint64_t large = std::uint64_t{1} << 40;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& option = args[i];
        if (option == "--help" || option == "-h") {
            std::fputs(usage_text, stdout);
            std::exit(0);
        }
        if (option.rfind("--", 0) != 0) {
            usage_error("unexpected argument '" + option + "'");
        }
        if (option == "--history-repair") {
            settings.history_repair = true;
            continue;
        }
        if (!takes_value(option)) {
            usage_error("unknown option '" + option + "'");
        }
        if (i + 1 >= args.size()) {
            usage_error(option + " needs a value");
        }
        const std::string& value = args[++i];
        if (option == "--bind") {
            if (!server_app::is_numeric_address(value)) {
                usage_error("--bind: '" + value + "' is not a numeric IPv4 or IPv6 address");
            }
            settings.server.endpoint.address = value;
        } else if (option == "--port") {
            settings.server.endpoint.port =
                static_cast<std::uint16_t>(parse_count(option, value, 0, 65535));
        } else if (option == "--agent-key") {
            if (!is_usable_key(value)) {
                usage_error("--agent-key: the key must be one word of printable text");
            }
            settings.key = value;
        } else if (option == "--agent-capacity") {
            desk.agent_capacity = parse_count(option, value, 1, 1'000'000);
        } else if (option == "--max-clients") {
            desk.max_clients = parse_count(option, value, 1, 10'000'000);
        } else if (option == "--history-limit") {
            desk.history_limit = parse_count(option, value, 0, 10'000'000);
        } else if (option == "--remembered-users") {
            desk.max_remembered_users = parse_count(option, value, 1, 100'000'000);
        } else if (option == "--history-reserve") {
            desk.history_reserve_per_record = parse_count(option, value, 0, 1 << 20);
        } else if (option == "--max-line") {
            desk.max_line_bytes = parse_count(option, value, 16, 1 << 20);
        } else if (option == "--output-cap") {
            desk.output_cap_bytes = parse_count(option, value, 1, large);
        } else if (option == "--register-timeout") {
            desk.register_timeout_ms = parse_seconds(option, value);
        } else if (option == "--idle-timeout") {
            desk.idle_timeout_ms = parse_seconds(option, value);
        } else if (option == "--model") {
            if (value != "threads" && value != "reactor" && value != "reactors") {
                usage_error("--model: '" + value + "' is not one of threads, reactor, reactors");
            }
            settings.model = value;
        } else if (option == "--history-file") {
            if (value.empty()) {
                usage_error("--history-file: the path is empty");
            }
            settings.history_file = value;
        } else if (option == "--trace") {
            if (const auto problem = server_app::prepare_trace_folder(value)) {
                usage_error("--trace: " + *problem);
            }
            settings.trace_folder = value;
        } else if (option == "--fsync") {
            settings.sync = parse_sync_policy(value);
        } else if (option == "--loops") {
            settings.server.loops = parse_count(option, value, 1, 1024);
        } else {
            usage_error("unknown option '" + option + "'");
        }
    }
    return settings;
}

}  // namespace server_app

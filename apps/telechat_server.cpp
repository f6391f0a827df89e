// telechat-server: the 3MCP support-desk server.
//
// Parses the command line (every bad option is exit code 2, before anything
// listens), picks the agent key, raises the descriptor limit, and runs
// telechat::server::Server with the system's backend (POSIX, or Winsock on
// Windows) and the chosen threading model until SIGINT or SIGTERM (Ctrl-C,
// Ctrl-Break or a closed console on Windows).
#include <telechat/history/file_storage.hpp>
#include <telechat/server/server.hpp>
#include <telechat/server/threading/policies.hpp>

// What differs per system (backend, addresses, limits, signals), in one
// small file per system.
#if defined(_WIN32)
#include "server/platform_windows.hpp"
#else
#include "server/platform_posix.hpp"
#endif
#include "server/trace_directory.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

using telechat::server::ServerOptions;

constexpr const char* usage_text = R"(usage: telechat-server [options]

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

[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr, "telechat-server: %s (try --help)\n", message.c_str());
    std::exit(2);
}

std::uint64_t parse_count(const std::string& option, const std::string& text,
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

telechat::UnixMillis parse_seconds(const std::string& option, const std::string& text) {
    char* end = nullptr;
    const double seconds = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !(seconds >= 0) || seconds > 1e9) {
        usage_error(option + ": '" + text + "' is not a number of seconds >= 0");
    }
    return static_cast<telechat::UnixMillis>(seconds * 1000.0 + 0.5);
}

// A key must be something a client can type as the one word CONNECT takes.
bool is_usable_key(std::string_view key) {
    return !key.empty() && key.size() <= 256 && key.find(' ') == std::string_view::npos &&
           telechat::protocol::is_valid_text(key);
}

// The options that take a value; checked first, so that an unknown option is
// called unknown even when it comes last.
telechat::history::SyncPolicy parse_sync_policy(const std::string& value) {
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

bool takes_value(std::string_view option) {
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

Settings parse_arguments(int argc, char** argv) {
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

std::string random_key() {
    std::random_device device;
    constexpr const char* hex = "0123456789abcdef";
    std::string key;
    for (int i = 0; i < 32; ++i) {
        key.push_back(hex[device() % 16]);
    }
    return key;
}

// The key from --agent-key, else the environment, else a fresh random one
// that the operator sees exactly once.
std::string choose_agent_key(const Settings& settings) {
    if (settings.key) {
        return *settings.key;
    }
    const char* from_environment = std::getenv("TELECHAT_AGENT_KEY");
    if (from_environment != nullptr && *from_environment != '\0') {  // empty counts as unset
        if (!is_usable_key(from_environment)) {
            usage_error("TELECHAT_AGENT_KEY: the key must be one word of printable text");
        }
        return from_environment;
    }
    std::string key = random_key();
    std::printf("agent key: %s\n", key.c_str());
    std::fflush(stdout);
    return key;
}

std::string printable_address(const std::string& address) {
    if (address.empty() || address == "*") {
        return "0.0.0.0";
    }
    return address.find(':') == std::string::npos ? address : "[" + address + "]";
}

// Where the history goes: memory only, or the log of --history-file,
// recovered now (what recovery did is said on stderr).
telechat::history::AnyHistoryStorage open_history(const Settings& settings) {
    if (!settings.history_file) {
        return telechat::history::MemoryStorage{};
    }
    telechat::history::FileStorageOptions options;
    options.path = *settings.history_file;
    options.sync = settings.sync;
    options.repair = settings.history_repair;
    options.now = server_app::Backend{}.now();
    try {
        telechat::history::FileStorage storage(std::move(options));
        for (const std::string& notice : storage.notices()) {
            std::fprintf(stderr, "telechat-server: %s\n", notice.c_str());
        }
        return storage;
    } catch (const telechat::history::LogCorrupted& error) {
        throw std::runtime_error(std::string(error.what()) +
                                 "; --history-repair keeps them and moves the original aside");
    }
}

// Runs until the platform's shutdown signal stops the server.
template <class Backend, class Threading>
int serve(Backend backend, Settings& settings, server_app::ShutdownSignal& shutdown_signal) {
    telechat::server::Server<Backend, Threading> server(std::move(backend), settings.server, {},
                                                        open_history(settings));
    try {
        server.listen();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "telechat-server: %s\n", error.what());
        return 1;
    }
    std::printf("listening on %s:%u\n%s\n",
                printable_address(settings.server.endpoint.address).c_str(),
                static_cast<unsigned>(server.port()), server.history_storage().c_str());
    if (settings.trace_folder) {
        std::printf("tracing every connection to %s\n", settings.trace_folder->c_str());
    }
    std::fflush(stdout);
    shutdown_signal.start([&server](const char* received) {
        std::fprintf(stderr, "received %s: shutting down\n", received);
        server.stop();
    });
    // The signal thread ends before the server is destroyed, also when run()
    // throws (a failed history log): it must never stop a server that is gone.
    struct FinishSignal {
        server_app::ShutdownSignal& signal;
        ~FinishSignal() { signal.finish(); }
    } finish_signal{shutdown_signal};
    server.run();
    return 0;
}

template <class Backend>
int serve_with_model(Backend backend, Settings& settings,
                     server_app::ShutdownSignal& shutdown_signal) {
    using namespace telechat::server;
    if (settings.model == "threads") {
        return serve<Backend, ThreadPerConnection>(std::move(backend), settings, shutdown_signal);
    }
    if (settings.model == "reactors") {
        return serve<Backend, ReactorPerCore>(std::move(backend), settings, shutdown_signal);
    }
    return serve<Backend, SingleReactor>(std::move(backend), settings, shutdown_signal);
}

}  // namespace

int main(int argc, char** argv) {
    Settings settings = parse_arguments(argc, argv);
    server_app::ShutdownSignal shutdown_signal;  // before any thread starts

    settings.server.desk.agent_key = choose_agent_key(settings);
    server_app::raise_descriptor_limit();
    server_app::return_big_blocks_to_the_system();
    static std::mutex log_mutex;
    settings.server.log = [](std::string_view line) {
        std::lock_guard<std::mutex> guard(log_mutex);
        std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
        std::fflush(stderr);
    };
    try {
        settings.server.desk.validate();
        // Tracing is a backend of its own, chosen here: a server without
        // --trace runs the plain backend, and pays nothing for the option.
        if (settings.trace_folder) {
            telechat::server::TracingBackend<server_app::Backend> tracing(
                server_app::Backend{},
                server_app::trace_directory(*settings.trace_folder, settings.server.desk,
                                            settings.server.log));
            return serve_with_model(std::move(tracing), settings, shutdown_signal);
        }
        return serve_with_model(server_app::Backend{}, settings, shutdown_signal);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "telechat-server: %s\n", error.what());
        return 1;
    }
}

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
#include "server/settings.hpp"
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

using server_app::is_usable_key;
using server_app::parse_arguments;
using server_app::Settings;
using server_app::usage_error;

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

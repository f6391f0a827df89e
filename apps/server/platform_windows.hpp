// What telechat-server does differently on Windows: the Winsock backend,
// how it reads a numeric address, no descriptor limit to raise, and how
// Ctrl-C, Ctrl-Break and closing the console stop it. The POSIX twin is
// platform_posix.hpp.
#pragma once

#include <telechat/server/backends/winsock.hpp>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace server_app {

/// The server's backend on this system.
using Backend = telechat::server::WinsockBackend;

/// Whether `text` is a numeric IPv4 or IPv6 address.
inline bool is_numeric_address(const std::string& text) {
    const telechat::server::WinsockSession winsock;  // inet_pton is part of Winsock
    unsigned char buffer[sizeof(in6_addr)];
    return ::inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
           ::inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

/// A new file (replacing one of that name), open for writing; null if it
/// cannot be. Windows has no mode 0600: the file inherits its folder's
/// permissions, private to the user under the user's own folders.
inline std::FILE* create_private_file(const std::filesystem::path& path) {
    return ::_wfopen(path.c_str(), L"wb");
}

/// `when` as UTC, `2024-05-01T12:00:00Z`.
inline std::string utc_time_text(std::time_t when) {
    std::tm parts{};
    ::gmtime_s(&parts, &when);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

/// Windows has no descriptor limit like RLIMIT_NOFILE to raise: sockets are
/// kernel handles, bounded by memory.
inline void raise_descriptor_limit() {}

/// Nothing to do: the Windows heap returns large blocks to the system by
/// itself (platform_posix.hpp says why glibc needs telling).
inline void return_big_blocks_to_the_system() {}

/// Ctrl-C, Ctrl-Break, closing the console window, logging off and shutting
/// down all reach a console program as a call of its console control handler,
/// on a thread Windows makes for it; the handler calls the stop function.
///
/// Ctrl-C and Ctrl-Break return at once: the server then shuts down and
/// main() returns 0. For the other three, Windows ends the process as soon as
/// the handler returns (and after about 5 s regardless), so the handler waits
/// until the server has shut down, then a little longer, so that main()
/// returns 0 first and the exit code is the program's own.
class ShutdownSignal {
public:
    ShutdownSignal() = default;
    ShutdownSignal(const ShutdownSignal&) = delete;
    ShutdownSignal& operator=(const ShutdownSignal&) = delete;
    ~ShutdownSignal() { finish(); }

    /// Installs the handler; on an event it calls `stop` with its name
    /// ("Ctrl-C", "Ctrl-Break", "console close", ...), once.
    template <class Stop>
    void start(Stop stop) {
        State& s = state();
        {
            const std::lock_guard<std::mutex> guard(s.mutex);
            s.stop = std::move(stop);
        }
        ::SetConsoleCtrlHandler(&on_console_event, TRUE);
    }

    /// Says the server has stopped (a waiting handler may let Windows end
    /// the process now) and removes the handler.
    void finish() {
        State& s = state();
        {
            const std::lock_guard<std::mutex> guard(s.mutex);
            s.finished = true;
        }
        s.changed.notify_all();
        ::SetConsoleCtrlHandler(&on_console_event, FALSE);
    }

private:
    struct State {
        std::mutex mutex;
        std::condition_variable changed;
        std::function<void(const char*)> stop;
        bool stopping = false;
        bool finished = false;
    };

    // Never destroyed: a handler thread may still be waiting on it while
    // the process exits.
    static State& state() {
        static State* const s = new State;
        return *s;
    }

    static const char* name_of(DWORD event) {
        switch (event) {
            case CTRL_C_EVENT:
                return "Ctrl-C";
            case CTRL_BREAK_EVENT:
                return "Ctrl-Break";
            case CTRL_CLOSE_EVENT:
                return "console close";
            case CTRL_LOGOFF_EVENT:
                return "logoff";
            default:
                return "system shutdown";
        }
    }

    static BOOL WINAPI on_console_event(DWORD event) {
        State& s = state();
        std::unique_lock<std::mutex> lock(s.mutex);
        if (!s.stopping && s.stop) {
            s.stopping = true;
            const std::function<void(const char*)> stop = s.stop;
            lock.unlock();
            stop(name_of(event));
            lock.lock();
        }
        if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT) {
            s.changed.wait_for(lock, std::chrono::seconds(4), [&s] { return s.finished; });
            lock.unlock();
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
        }
        return TRUE;
    }
};

}  // namespace server_app

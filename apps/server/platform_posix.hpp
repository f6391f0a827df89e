// What telechat-server does differently on POSIX: its backend, how it reads
// a numeric address, the descriptor limit, and how a signal stops it. The
// Windows twin is platform_windows.hpp; telechat_server.cpp includes
// whichever the system has.
#pragma once

#include <telechat/server/backends/posix.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <utility>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace server_app {

/// The server's backend on this system.
using Backend = telechat::server::PosixBackend;

/// Whether `text` is a numeric IPv4 or IPv6 address.
inline bool is_numeric_address(const std::string& text) {
    unsigned char buffer[sizeof(in6_addr)];
    return ::inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
           ::inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

/// Raises the soft descriptor limit to the hard one, so that --max-clients
/// up to the hard limit works without `ulimit -n`.
inline void raise_descriptor_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

/// Big blocks (the arrays that double as users arrive) come straight from
/// the OS and go back to it when freed. glibc otherwise raises its mmap
/// threshold after the first such free, and every array the server outgrew
/// stays in its heap: about 120 bytes per idle user at 19,900 users
/// (bench/LOAD.md, the idle shape). Other C libraries keep their defaults.
inline void return_big_blocks_to_the_system() {
#if defined(__GLIBC__)
    ::mallopt(M_MMAP_THRESHOLD, 128 * 1024);  // glibc's default, now fixed
#endif
}

/// A new file (replacing one of that name) that only its owner may read or
/// write (mode 0600 whatever the umask), open for writing; null if it cannot be.
inline std::FILE* create_private_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return nullptr;
    }
    std::FILE* file = ::fchmod(fd, 0600) == 0 ? ::fdopen(fd, "wb") : nullptr;
    if (file == nullptr) {
        ::close(fd);
    }
    return file;
}

/// `when` as UTC, `2024-05-01T12:00:00Z`.
inline std::string utc_time_text(std::time_t when) {
    std::tm parts{};
    ::gmtime_r(&when, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

/// SIGINT and SIGTERM, blocked in every thread and taken by one thread with
/// sigwait, which then calls the stop function: no async-signal-safety
/// puzzles. SIGPIPE is ignored (the backend's writes use MSG_NOSIGNAL too).
class ShutdownSignal {
public:
    /// Blocks the signals; make it before any thread, which then inherits the mask.
    ShutdownSignal() {
        std::signal(SIGPIPE, SIG_IGN);
        // Past a file size limit (ulimit -f), a write to the history log
        // fails with EFBIG, which refuses the message, instead of killing us.
        std::signal(SIGXFSZ, SIG_IGN);
        sigemptyset(&m_signals);
        sigaddset(&m_signals, SIGINT);
        sigaddset(&m_signals, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &m_signals, nullptr);
    }
    ShutdownSignal(const ShutdownSignal&) = delete;
    ShutdownSignal& operator=(const ShutdownSignal&) = delete;
    ~ShutdownSignal() { finish(); }

    /// Waits for a signal on a thread of its own, then calls `stop` with
    /// the signal's name ("SIGINT" or "SIGTERM").
    template <class Stop>
    void start(Stop stop) {
        m_waiter = std::thread([this, stop = std::move(stop)] {
            int received = 0;
            sigwait(&m_signals, &received);
            stop(received == SIGINT ? "SIGINT" : "SIGTERM");
        });
    }

    /// Ends the waiting thread, signal or not (the server has stopped).
    void finish() {
        if (m_waiter.joinable()) {
            // If no signal came, this one wakes the waiter; if one did, it
            // stays pending, blocked, and harmless.
            pthread_kill(m_waiter.native_handle(), SIGTERM);
            m_waiter.join();
        }
    }

private:
    sigset_t m_signals{};
    std::thread m_waiter;
};

}  // namespace server_app

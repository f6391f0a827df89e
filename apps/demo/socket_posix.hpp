// The demo's system calls on POSIX: the server's backend, a participant's
// blocking TCP socket, and whether stdout is a terminal. Its Windows twin is
// socket_windows.hpp; main.cpp includes whichever the system has.
#pragma once

#include <telechat/server/backends/posix.hpp>
#include <telechat/server/backends/tcp_connect.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace demo {

/// The server's backend on this system.
using Backend = telechat::server::PosixBackend;

/// A blocking TCP connection to 127.0.0.1.
class Socket {
public:
    explicit Socket(std::uint16_t port) {
        telechat::server::ConnectOptions blocking;
        blocking.non_blocking = false;
        m_fd = telechat::server::tcp_connect("127.0.0.1", port, blocking).fd;
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    ~Socket() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }

    [[nodiscard]] bool ok() const noexcept { return m_fd >= 0; }

    // Whether every byte was sent (MSG_NOSIGNAL: a closed server is an error, not SIGPIPE).
    bool send_all(std::string_view bytes) {
        return ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
               static_cast<ssize_t>(bytes.size());
    }

    // Bytes received within `timeout_ms`, or 0 on a timeout, end of stream or error.
    std::size_t receive(char* into, std::size_t size, int timeout_ms) {
        pollfd readable{m_fd, POLLIN, 0};
        const ssize_t got = timeout_ms > 0 && ::poll(&readable, 1, timeout_ms) == 1
                                ? ::recv(m_fd, into, size, 0)
                                : -1;
        return got > 0 ? static_cast<std::size_t>(got) : 0;
    }

private:
    int m_fd = -1;
};

/// Whether stdout is a terminal that understands colour escapes.
inline bool stdout_takes_colour() {
    return ::isatty(STDOUT_FILENO) == 1;
}

}  // namespace demo

// The demo's system calls on Windows: the server's backend (Winsock), a
// participant's blocking TCP socket, and whether stdout is a console that
// takes colour escapes. Its POSIX twin is socket_posix.hpp.
#pragma once

#include <telechat/server/backends/winsock.hpp>
#include <telechat/server/backends/winsock_connect.hpp>

#include <io.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

namespace demo {

/// The server's backend on this system.
using Backend = telechat::server::WinsockBackend;

/// A blocking TCP connection to 127.0.0.1.
class Socket {
public:
    explicit Socket(std::uint16_t port) {
        telechat::server::ConnectOptions blocking;
        blocking.non_blocking = false;
        m_socket = telechat::server::tcp_connect("127.0.0.1", port, blocking).fd;
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    ~Socket() { telechat::detail::close_socket(m_socket); }

    [[nodiscard]] bool ok() const noexcept { return m_socket != INVALID_SOCKET; }

    // Whether every byte was sent (Windows has no SIGPIPE to avoid).
    bool send_all(std::string_view bytes) {
        return bytes.size() <= INT_MAX &&
               ::send(m_socket, bytes.data(), static_cast<int>(bytes.size()), 0) ==
                   static_cast<int>(bytes.size());
    }

    // Bytes received within `timeout_ms`, or 0 on a timeout, end of stream or error.
    std::size_t receive(char* into, std::size_t size, int timeout_ms) {
        WSAPOLLFD readable{m_socket, POLLRDNORM, 0};
        const int wanted = static_cast<int>(size < INT_MAX ? size : std::size_t{INT_MAX});
        const int got = timeout_ms > 0 && ::WSAPoll(&readable, 1, timeout_ms) == 1
                            ? ::recv(m_socket, into, wanted, 0)
                            : -1;
        return got > 0 ? static_cast<std::size_t>(got) : 0;
    }

private:
    SOCKET m_socket = INVALID_SOCKET;
};

/// Whether stdout is a console that takes colour escapes: the console's
/// virtual-terminal mode is turned on if it can be (Windows 10 and later).
inline bool stdout_takes_colour() {
    if (::_isatty(::_fileno(stdout)) == 0) {
        return false;
    }
    const HANDLE console = ::GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD mode = 0;
    return ::GetConsoleMode(console, &mode) != 0 &&
           ::SetConsoleMode(console, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0;
}

}  // namespace demo

// A client app's TCP socket on POSIX: the library's tcp_connect() (non-blocking,
// TCP_NODELAY), and send/receive with deadlines in poll(). Its Windows twin
// is socket_windows.hpp; socket.hpp picks one.
#pragma once

#include <telechat/server/backends/tcp_connect.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include "deadline.hpp"

namespace app_net {

/// One client connection to the server under test. Every wait ends at a
/// deadline; nothing here blocks without one.
class Socket {
public:
    Socket() = default;
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    Socket(Socket&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Socket& operator=(Socket&& other) noexcept {
        std::swap(m_fd, other.m_fd);
        return *this;
    }
    ~Socket() { close(); }

    /// Whether it is connected (connect() succeeded and close() was not called).
    [[nodiscard]] bool is_open() const noexcept { return m_fd != -1; }

    /// Connects to `host`:`port`; false and `error` on failure.
    bool connect(const std::string& host, const std::string& port, Milliseconds timeout,
                 std::string& error) {
        telechat::server::ConnectOptions options;
        options.timeout = timeout;
        auto connection = telechat::server::tcp_connect(host, port, options);
        m_fd = connection.fd;
        error = connection.error;
        return connection.ok();
    }

    /// Sends every byte before `deadline`. MSG_NOSIGNAL: a closed peer is
    /// an error to report, not a SIGPIPE that kills the kit.
    Io send_all(std::string_view bytes, Clock::time_point deadline) {
        while (!bytes.empty()) {
            const ssize_t count = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (count > 0) {
                bytes.remove_prefix(static_cast<std::size_t>(count));
                continue;
            }
            if (count < 0 && errno == EINTR) {
                continue;
            }
            if (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                return errno == ECONNRESET ? Io::reset : Io::closed;
            }
            if (!wait_for(POLLOUT, deadline)) {
                return Io::timeout;
            }
        }
        return Io::ok;
    }

    /// Appends what arrives to `into`: at least one byte, or why not.
    Io receive(std::string& into, Clock::time_point deadline) {
        for (;;) {
            char chunk[16 * 1024];
            const ssize_t count = ::recv(m_fd, chunk, sizeof chunk, 0);
            if (count > 0) {
                into.append(chunk, static_cast<std::size_t>(count));
                return Io::ok;
            }
            if (count == 0) {
                return Io::closed;
            }
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                return Io::reset;
            }
            if (!wait_for(POLLIN, deadline)) {
                return Io::timeout;
            }
        }
    }

    /// Ends the kit's sending side: the server reads the end of the stream.
    void shutdown_write() {
        if (m_fd >= 0) {
            ::shutdown(m_fd, SHUT_WR);
        }
    }

    /// Closes the connection (an ordinary close, as a client program would).
    void close() {
        if (m_fd >= 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }

private:
    // Whether `events` came before the deadline (an error counts: the next
    // call reports it).
    bool wait_for(short events, Clock::time_point deadline) const {
        for (;;) {
            const int left = milliseconds_until(deadline);
            pollfd waiting{m_fd, events, 0};
            const int ready = ::poll(&waiting, 1, left);
            if (ready < 0 && errno == EINTR) {
                continue;
            }
            return ready != 0;
        }
    }

    int m_fd = -1;
};

}  // namespace app_net

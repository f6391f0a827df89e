// telechat-replay's client sockets on POSIX: tcp_connect() from the
// library, then non-blocking sends and receives, each waiting in poll()
// until a deadline. Its Windows twin is socket_windows.hpp, with the same
// names; main.cpp includes whichever the system has.
#pragma once

#include <telechat/server/backends/tcp_connect.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace replay {

using Clock = std::chrono::steady_clock;

/// Nothing to start on POSIX (Windows starts Winsock).
struct NetworkSession {};

/// How a receive ended.
enum class Received { data, end, timeout, failed };

/// One client's TCP connection.
class Connection {
public:
    Connection() = default;
    Connection(Connection&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Connection& operator=(Connection&& other) noexcept {
        std::swap(m_fd, other.m_fd);
        return *this;
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() { close(); }

    /// Connects to `host`:`port` within `timeout`; the reason in `error` if not.
    static Connection open(const std::string& host, const std::string& port,
                           std::chrono::milliseconds timeout, std::string& error) {
        telechat::server::ConnectOptions options;
        options.timeout = timeout;
        telechat::server::TcpConnection made = telechat::server::tcp_connect(host, port, options);
        error = made.error;
        Connection connection;
        connection.m_fd = made.fd;
        return connection;
    }

    [[nodiscard]] bool ok() const noexcept { return m_fd >= 0; }

    /// Sends all of `bytes` before `deadline`; false if the connection broke or stalled.
    bool send_all(std::string_view bytes, Clock::time_point deadline) {
        while (!bytes.empty()) {
            const ssize_t count = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (count > 0) {
                bytes.remove_prefix(static_cast<std::size_t>(count));
            } else if (count < 0 && errno != EINTR &&
                       ((errno != EAGAIN && errno != EWOULDBLOCK) || !wait(POLLOUT, deadline))) {
                return false;
            }
        }
        return true;
    }

    /// Appends what arrives to `into`, waiting until `deadline` for something.
    Received receive(std::string& into, Clock::time_point deadline) {
        for (;;) {
            char chunk[16 * 1024];
            const ssize_t count = ::recv(m_fd, chunk, sizeof chunk, 0);
            if (count > 0) {
                into.append(chunk, static_cast<std::size_t>(count));
                return Received::data;
            }
            if (count == 0) {
                return Received::end;
            }
            if (errno == EINTR) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                return Received::failed;
            }
            if (!wait(POLLIN, deadline)) {
                return Received::timeout;
            }
        }
    }

    /// Closes the connection (the server reads end of stream).
    void close() {
        if (m_fd >= 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }

private:
    // False once the deadline has passed without the socket being ready.
    bool wait(short events, Clock::time_point deadline) const {
        for (;;) {
            const auto left =
                std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
            pollfd waiting{m_fd, events, 0};
            const int ready = ::poll(&waiting, 1, static_cast<int>(std::max<long long>(left, 0)));
            if (ready > 0) {
                return true;
            }
            if (ready == 0 || errno != EINTR) {
                return false;
            }
        }
    }

    int m_fd = -1;
};

}  // namespace replay

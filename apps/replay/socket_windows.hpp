// telechat-replay's client sockets on Windows: tcp_connect() from the
// library (winsock_connect.hpp), then non-blocking sends and receives, each
// waiting in WSAPoll() until a deadline. The same names as its POSIX twin,
// socket_posix.hpp.
#pragma once

#include <telechat/server/backends/winsock_connect.hpp>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace replay {

using Clock = std::chrono::steady_clock;

/// Winsock, started for as long as the replay runs.
using NetworkSession = telechat::server::WinsockSession;

/// How a receive ended.
enum class Received { data, end, timeout, failed };

/// One client's TCP connection.
class Connection {
public:
    Connection() = default;
    Connection(Connection&& other) noexcept
        : m_socket(std::exchange(other.m_socket, INVALID_SOCKET)) {}
    Connection& operator=(Connection&& other) noexcept {
        std::swap(m_socket, other.m_socket);
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
        connection.m_socket = made.fd;
        return connection;
    }

    [[nodiscard]] bool ok() const noexcept { return m_socket != INVALID_SOCKET; }

    /// Sends all of `bytes` before `deadline`; false if the connection broke or stalled.
    bool send_all(std::string_view bytes, Clock::time_point deadline) {
        while (!bytes.empty()) {
            const int size = static_cast<int>(std::min<std::size_t>(bytes.size(), INT_MAX));
            const int count = ::send(m_socket, bytes.data(), size, 0);
            if (count > 0) {
                bytes.remove_prefix(static_cast<std::size_t>(count));
            } else if (::WSAGetLastError() != WSAEWOULDBLOCK || !wait(POLLWRNORM, deadline)) {
                return false;
            }
        }
        return true;
    }

    /// Appends what arrives to `into`, waiting until `deadline` for something.
    Received receive(std::string& into, Clock::time_point deadline) {
        for (;;) {
            char chunk[16 * 1024];
            const int count = ::recv(m_socket, chunk, static_cast<int>(sizeof chunk), 0);
            if (count > 0) {
                into.append(chunk, static_cast<std::size_t>(count));
                return Received::data;
            }
            if (count == 0) {
                return Received::end;
            }
            if (::WSAGetLastError() != WSAEWOULDBLOCK) {
                return Received::failed;
            }
            if (!wait(POLLRDNORM, deadline)) {
                return Received::timeout;
            }
        }
    }

    /// Closes the connection (the server reads end of stream).
    void close() { m_socket = telechat::detail::close_socket(m_socket); }

private:
    // False once the deadline has passed without the socket being ready.
    bool wait(SHORT events, Clock::time_point deadline) const {
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        WSAPOLLFD waiting{m_socket, events, 0};
        return ::WSAPoll(&waiting, 1, static_cast<INT>(std::clamp<long long>(left, 0, INT_MAX))) >
               0;
    }

    SOCKET m_socket = INVALID_SOCKET;
};

}  // namespace replay

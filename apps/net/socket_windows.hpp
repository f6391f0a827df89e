// A client app's TCP socket on Windows: the library's tcp_connect() over Winsock
// (non-blocking, TCP_NODELAY), and send/receive with deadlines in WSAPoll().
// Its POSIX twin is socket_posix.hpp; socket.hpp picks one.
#pragma once

#include <telechat/server/backends/winsock_connect.hpp>

#include <chrono>
#include <climits>
#include <cstddef>
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
    Socket(Socket&& other) noexcept : m_socket(std::exchange(other.m_socket, INVALID_SOCKET)) {}
    Socket& operator=(Socket&& other) noexcept {
        std::swap(m_socket, other.m_socket);
        return *this;
    }
    ~Socket() { close(); }

    /// Whether it is connected (connect() succeeded and close() was not called).
    [[nodiscard]] bool is_open() const noexcept { return m_socket != INVALID_SOCKET; }

    /// Connects to `host`:`port`; false and `error` on failure.
    bool connect(const std::string& host, const std::string& port, Milliseconds timeout,
                 std::string& error) {
        telechat::server::ConnectOptions options;
        options.timeout = timeout;
        auto connection = telechat::server::tcp_connect(host, port, options);
        m_socket = connection.fd;
        error = connection.error;
        return connection.ok();
    }

    /// Sends every byte before `deadline`.
    Io send_all(std::string_view bytes, Clock::time_point deadline) {
        while (!bytes.empty()) {
            const int wanted = static_cast<int>(bytes.size() < INT_MAX ? bytes.size() : INT_MAX);
            const int count = ::send(m_socket, bytes.data(), wanted, 0);
            if (count > 0) {
                bytes.remove_prefix(static_cast<std::size_t>(count));
                continue;
            }
            const int error = ::WSAGetLastError();
            if (error != WSAEWOULDBLOCK) {
                return error == WSAECONNRESET ? Io::reset : Io::closed;
            }
            if (!wait_for(POLLWRNORM, deadline)) {
                return Io::timeout;
            }
        }
        return Io::ok;
    }

    /// Appends what arrives to `into`: at least one byte, or why not.
    Io receive(std::string& into, Clock::time_point deadline) {
        for (;;) {
            char chunk[16 * 1024];
            const int count = ::recv(m_socket, chunk, static_cast<int>(sizeof chunk), 0);
            if (count > 0) {
                into.append(chunk, static_cast<std::size_t>(count));
                return Io::ok;
            }
            if (count == 0) {
                return Io::closed;
            }
            if (::WSAGetLastError() != WSAEWOULDBLOCK) {
                return Io::reset;
            }
            if (!wait_for(POLLRDNORM, deadline)) {
                return Io::timeout;
            }
        }
    }

    /// Ends the kit's sending side: the server reads the end of the stream.
    void shutdown_write() {
        if (m_socket != INVALID_SOCKET) {
            ::shutdown(m_socket, SD_SEND);
        }
    }

    /// Closes the connection (an ordinary close, as a client program would).
    void close() { m_socket = telechat::detail::close_socket(m_socket); }

private:
    // Whether `events` came before the deadline (an error counts: the next
    // call reports it).
    bool wait_for(short events, Clock::time_point deadline) const {
        WSAPOLLFD waiting{m_socket, events, 0};
        return ::WSAPoll(&waiting, 1, milliseconds_until(deadline)) != 0;
    }

    SOCKET m_socket = INVALID_SOCKET;
};

}  // namespace app_net

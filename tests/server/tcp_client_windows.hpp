// TcpClient over Winsock, and the backend the TCP fixtures serve with on
// Windows: WinsockBackend. The same client as tcp_client_posix.hpp, in
// Winsock's words: closesocket, WSAPoll, WSAGetLastError, SD_SEND.
#pragma once

#include <telechat/server/backends/winsock.hpp>
#include <telechat/server/backends/winsock_connect.hpp>

#include "client.hpp"

#include <catch2/catch.hpp>

#include <climits>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace server_test {

/// The backend of the TCP fixtures.
using TcpBackend = telechat::server::WinsockBackend;

/// A client on a real loopback TCP socket: non-blocking, every wait in WSAPoll().
class TcpClient final : public Client {
public:
    /// A client that connect() connects.
    explicit TcpClient(std::string label, ClientOptions options = {})
        : Client(std::move(label)), m_options(options) {}
    ~TcpClient() override { telechat::detail::close_socket(m_socket); }

    /// Connects to 127.0.0.1:`port`: non-blocking, with TCP_NODELAY.
    void connect(std::uint16_t port) {
        telechat::server::ConnectOptions options;
        options.timeout = read_timeout;
        options.receive_buffer = m_options.receive_buffer;
        auto connection = telechat::server::tcp_connect("127.0.0.1", port, options);
        INFO(label() << ": connect: " << connection.error);
        REQUIRE(connection.ok());
        m_socket = connection.fd;
    }

    void close() override {
        if (m_socket != INVALID_SOCKET) {
            const linger reset{1, 0};  // a hard close: the peer gets a reset
            ::setsockopt(m_socket, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&reset),
                         sizeof reset);
            m_socket = telechat::detail::close_socket(m_socket);
        }
    }
    void hang_up() override { m_socket = telechat::detail::close_socket(m_socket); }
    void shutdown_write() override { REQUIRE(::shutdown(m_socket, SD_SEND) == 0); }

protected:
    Io write_some(std::string_view bytes, Clock::time_point deadline,
                  std::size_t& written) override {
        for (;;) {
            const int count = ::send(m_socket, bytes.data(), clamped(bytes.size()), 0);
            if (count > 0) {
                written = static_cast<std::size_t>(count);
                return Io::ok;
            }
            if (count < 0 && ::WSAGetLastError() != WSAEWOULDBLOCK) {
                return Io::closed;
            }
            if (!wait_for(POLLWRNORM, deadline)) {
                return Io::timeout;
            }
        }
    }

    Io read_some(std::string& into, Clock::time_point deadline) override {
        for (;;) {
            char chunk[16 * 1024];
            const int count = ::recv(m_socket, chunk, static_cast<int>(sizeof chunk), 0);
            if (count > 0) {
                into.append(chunk, static_cast<std::size_t>(count));
                return Io::ok;
            }
            if (count == 0) {
                return Io::closed;  // (wine says this after a reset too)
            }
            if (::WSAGetLastError() != WSAEWOULDBLOCK) {
                return Io::reset;  // the server closed with input unread
            }
            if (!wait_for(POLLRDNORM, deadline)) {
                return Io::timeout;
            }
        }
    }

private:
    static int clamped(std::size_t size) {
        return static_cast<int>(size < INT_MAX ? size : std::size_t{INT_MAX});
    }

    // False when the deadline passed with nothing to report.
    bool wait_for(SHORT events, Clock::time_point deadline) {
        WSAPOLLFD waiting{m_socket, events, 0};
        return ::WSAPoll(&waiting, 1, millis_until(deadline)) != 0;
    }

    ClientOptions m_options;
    SOCKET m_socket = INVALID_SOCKET;
};

}  // namespace server_test

// TcpClient over POSIX sockets, and the backend the TCP fixtures serve
// with on this system: PosixBackend. Its Windows twin is tcp_client_windows.hpp.
#pragma once

#include <telechat/server/backends/posix.hpp>
#include <telechat/server/backends/tcp_connect.hpp>

#include "client.hpp"

#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace server_test {

/// The backend of the TCP fixtures.
using TcpBackend = telechat::server::PosixBackend;

/// A client on a real loopback TCP socket: non-blocking, every wait in poll().
class TcpClient final : public Client {
public:
    /// A client that connect() connects.
    explicit TcpClient(std::string label, ClientOptions options = {})
        : Client(std::move(label)), m_options(options) {}
    ~TcpClient() override {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }

    /// Connects to 127.0.0.1:`port`: non-blocking, with TCP_NODELAY.
    void connect(std::uint16_t port) {
        telechat::server::ConnectOptions options;
        options.timeout = read_timeout;
        options.receive_buffer = m_options.receive_buffer;
        auto connection = telechat::server::tcp_connect("127.0.0.1", port, options);
        INFO(label() << ": connect: " << connection.error);
        REQUIRE(connection.ok());
        m_fd = connection.fd;
    }

    void close() override {
        if (m_fd >= 0) {
            const linger reset{1, 0};
            ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
            ::close(m_fd);
            m_fd = -1;
        }
    }
    void hang_up() override {
        if (m_fd >= 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }
    void shutdown_write() override { REQUIRE(::shutdown(m_fd, SHUT_WR) == 0); }

protected:
    Io write_some(std::string_view bytes, Clock::time_point deadline,
                  std::size_t& written) override {
        for (;;) {
            const ssize_t count = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (count > 0) {
                written = static_cast<std::size_t>(count);
                return Io::ok;
            }
            if (count < 0 && errno == EINTR) {
                continue;
            }
            if (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                return Io::closed;
            }
            pollfd waiting{m_fd, POLLOUT, 0};
            if (::poll(&waiting, 1, millis_until(deadline)) == 0) {
                return Io::timeout;
            }
        }
    }

    Io read_some(std::string& into, Clock::time_point deadline) override {
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
                return Io::reset;  // the server closed with input unread
            }
            pollfd waiting{m_fd, POLLIN, 0};
            const int ready = ::poll(&waiting, 1, millis_until(deadline));
            if (ready == 0) {
                return Io::timeout;
            }
        }
    }

private:
    ClientOptions m_options;
    int m_fd = -1;
};

}  // namespace server_test

// telechat::server::tcp_connect(): the client end of a TCP connection, against
// a PosixBackend listener on loopback: it connects, sets the socket up as
// asked, and says why when it cannot.
#include <catch2/catch.hpp>

#include <telechat/server/backends/posix.hpp>
#include <telechat/server/backends/tcp_connect.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>

using telechat::server::ConnectOptions;
using telechat::server::PosixBackend;
using telechat::server::tcp_connect;

namespace {

int socket_option(int fd, int level, int name) {
    int value = 0;
    socklen_t length = sizeof value;
    REQUIRE(::getsockopt(fd, level, name, &value, &length) == 0);
    return value;
}

bool is_non_blocking(int fd) {
    return (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0;
}

// A listener on 127.0.0.1 and a free port; the kernel completes connections
// to it without an accept().
struct Listener {
    PosixBackend backend;
    int fd = backend.listen({"127.0.0.1", 0});
    std::uint16_t port = backend.local_port(fd);
    ~Listener() { backend.close(fd); }
};

// A port on 127.0.0.1 that nothing listens on (a moment ago).
std::uint16_t closed_port() {
    Listener listener;
    return listener.port;
}

}  // namespace

TEST_CASE("tcp_connect: connects, non-blocking with TCP_NODELAY by default", "[tcp_connect]") {
    Listener listener;
    const auto connection = tcp_connect("127.0.0.1", listener.port);
    REQUIRE(connection.ok());
    CHECK(connection.error.empty());
    CHECK(is_non_blocking(connection.fd));
    CHECK(socket_option(connection.fd, IPPROTO_TCP, TCP_NODELAY) != 0);
    CHECK((::fcntl(connection.fd, F_GETFD) & FD_CLOEXEC) != 0);
    const auto accepted = listener.backend.accept(listener.fd);
    CHECK(accepted.first == telechat::server::IoStatus::ok);
    CHECK(::send(connection.fd, "PING\n", 5, MSG_NOSIGNAL) == 5);
    char bytes[8] = {};
    pollfd readable{accepted.second, POLLIN, 0};
    REQUIRE(::poll(&readable, 1, 5000) == 1);
    CHECK(::recv(accepted.second, bytes, sizeof bytes, 0) == 5);
    CHECK(std::string(bytes) == "PING\n");
    ::close(accepted.second);
    ::close(connection.fd);
}

TEST_CASE("tcp_connect: the options are applied", "[tcp_connect]") {
    Listener listener;
    SECTION("blocking, without TCP_NODELAY, with a receive buffer") {
        ConnectOptions options;
        options.non_blocking = false;
        options.no_delay = false;
        options.receive_buffer = 4096;
        const auto connection = tcp_connect("127.0.0.1", std::to_string(listener.port), options);
        REQUIRE(connection.ok());
        CHECK_FALSE(is_non_blocking(connection.fd));
        CHECK(socket_option(connection.fd, IPPROTO_TCP, TCP_NODELAY) == 0);
        CHECK(socket_option(connection.fd, SOL_SOCKET, SO_RCVBUF) <= 2 * 4096);  // Linux doubles it
        ::close(connection.fd);
    }
    SECTION("no wait: the connection is under way, and completes") {
        ConnectOptions options;
        options.timeout = std::chrono::milliseconds(0);
        options.local_address = "127.0.0.3";
        const auto connection = tcp_connect("127.0.0.1", listener.port, options);
        REQUIRE(connection.ok());
        CHECK(is_non_blocking(connection.fd));
        pollfd writable{connection.fd, POLLOUT, 0};
        REQUIRE(::poll(&writable, 1, 5000) == 1);
        CHECK(socket_option(connection.fd, SOL_SOCKET, SO_ERROR) == 0);
        sockaddr_in local{};
        socklen_t length = sizeof local;
        REQUIRE(::getsockname(connection.fd, reinterpret_cast<sockaddr*>(&local), &length) == 0);
        CHECK(ntohl(local.sin_addr.s_addr) == 0x7F000003U);
        ::close(connection.fd);
    }
}

TEST_CASE("tcp_connect: a failure says why, and leaves no descriptor", "[tcp_connect]") {
    const int probe_before = ::dup(0);
    ::close(probe_before);
    SECTION("nothing listens") {
        const auto connection = tcp_connect("127.0.0.1", closed_port());
        CHECK_FALSE(connection.ok());
        CHECK(connection.fd == -1);
        CHECK(connection.error == "Connection refused");
    }
    SECTION("a port that is no port") {
        const auto connection = tcp_connect("127.0.0.1", "no-such-service");
        CHECK_FALSE(connection.ok());
        CHECK_FALSE(connection.error.empty());
    }
    SECTION("a bad local address") {
        Listener listener;
        ConnectOptions options;
        options.local_address = "not-an-address";
        const auto connection = tcp_connect("127.0.0.1", listener.port, options);
        CHECK_FALSE(connection.ok());
        CHECK_FALSE(connection.error.empty());
    }
    const int probe_after = ::dup(0);  // the lowest free descriptor: none leaked
    ::close(probe_after);
    CHECK(probe_after == probe_before);
}

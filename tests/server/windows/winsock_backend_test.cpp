// WINDOWS ONLY: WinsockBackend and WsaPollPoller against SocketBackend's
// semantic requirements, one by one, on loopback sockets (IPv4 and IPv6),
// and the mapping of Winsock's errors to IoStatus. The end-to-end suite
// (scenarios, robustness, threading) runs over this backend too, through
// the Tcp fixtures of harness.hpp.
//
// These run under wine in CI, which is not Windows: where wine differs
// (a reset reads as a clean end of stream), the test accepts what the
// documented Winsock behaviour and wine's both satisfy.
#include <catch2/catch.hpp>

#include <telechat/server/backends/winsock.hpp>
#include <telechat/server/backends/winsock_connect.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using telechat::server::ConnectOptions;
using telechat::server::IoStatus;
using telechat::server::PollEvent;
using telechat::server::tcp_connect;
using telechat::server::wake_token;
using telechat::server::WinsockBackend;
using telechat::server::WsaPollPoller;

namespace {

constexpr int patience_ms = 5000;  // the longest any wait here may take

// A listener, and the accepted end and client end of one connection.
struct Pair {
    explicit Pair(const std::string& address = "127.0.0.1") {
        listener = backend.listen({address, 0});
        const std::string host = address == "::1" ? "::1" : "127.0.0.1";
        client = tcp_connect(host, backend.local_port(listener)).fd;
        REQUIRE(client != INVALID_SOCKET);
        // The connection is complete on the client's side; the listener
        // may take a moment to see it.
        for (int i = 0; i < patience_ms && server == INVALID_SOCKET; ++i) {
            const auto [status, handle] = backend.accept(listener);
            if (status == IoStatus::ok) {
                server = handle;
            } else {
                REQUIRE(status == IoStatus::would_block);
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        }
        REQUIRE(server != INVALID_SOCKET);
    }
    Pair(const Pair&) = delete;
    Pair& operator=(const Pair&) = delete;
    ~Pair() {
        telechat::detail::close_socket(client);
        if (server != INVALID_SOCKET) {
            backend.close(server);
        }
        backend.close(listener);
    }

    // Reads on the server's end until `count` bytes came or the stream ended.
    std::string server_reads(std::size_t count) {
        std::string got;
        for (int i = 0; i < patience_ms && got.size() < count; ++i) {
            std::array<char, 4096> chunk{};
            const auto result = backend.read(server, chunk);
            if (result.status == IoStatus::ok) {
                got.append(chunk.data(), result.bytes);
            } else if (result.status == IoStatus::would_block) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            } else {
                break;
            }
        }
        return got;
    }

    // Polls the server's end until a read says something other than would_block.
    IoStatus server_read_status() {
        for (int i = 0; i < patience_ms; ++i) {
            std::array<char, 64> chunk{};
            const auto result = backend.read(server, chunk);
            if (result.status != IoStatus::would_block) {
                return result.status;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        return IoStatus::would_block;
    }

    WinsockBackend backend;
    SOCKET listener = INVALID_SOCKET;
    SOCKET client = INVALID_SOCKET;
    SOCKET server = INVALID_SOCKET;
};

void client_sends(SOCKET client, std::string_view bytes) {
    REQUIRE(::send(client, bytes.data(), static_cast<int>(bytes.size()), 0) ==
            static_cast<int>(bytes.size()));
}

std::string client_reads_to_end(SOCKET client) {
    std::string got;
    for (;;) {
        WSAPOLLFD readable{client, POLLRDNORM, 0};
        REQUIRE(::WSAPoll(&readable, 1, patience_ms) == 1);
        char chunk[4096];
        const int count = ::recv(client, chunk, static_cast<int>(sizeof chunk), 0);
        if (count <= 0) {
            return got;
        }
        got.append(chunk, static_cast<std::size_t>(count));
    }
}

bool has_event(std::span<const PollEvent> events, std::uint64_t token, bool readable,
               bool writable) {
    for (const PollEvent& event : events) {
        if (event.token == token && event.readable == readable && event.writable == writable) {
            return true;
        }
    }
    return false;
}

// Waits (a bounded number of times) until the poller reports `token`.
std::vector<PollEvent> wait_for(WsaPollPoller& poller, std::uint64_t token) {
    std::array<PollEvent, 16> events{};
    for (int attempt = 0; attempt < 50; ++attempt) {
        const std::size_t count = poller.wait(events, 100);
        const std::vector<PollEvent> got(events.begin(),
                                         events.begin() + static_cast<std::ptrdiff_t>(count));
        for (const PollEvent& event : got) {
            if (event.token == token) {
                return got;
            }
        }
    }
    FAIL("the poller never reported token " << token);
    return {};
}

}  // namespace

TEST_CASE("Winsock errors map to IoStatus as SocketBackend documents", "[winsock][errors]") {
    using telechat::detail::winsock_accept_status;
    using telechat::detail::winsock_transfer_status;
    // Out of sockets: what POSIX says with EMFILE, ENFILE, ENOBUFS, ENOMEM.
    CHECK(winsock_accept_status(WSAEMFILE) == IoStatus::exhausted);
    CHECK(winsock_accept_status(WSAENOBUFS) == IoStatus::exhausted);
    // Nothing to accept now, or a connection that vanished before accept().
    CHECK(winsock_accept_status(WSAEWOULDBLOCK) == IoStatus::would_block);
    CHECK(winsock_accept_status(WSAECONNRESET) == IoStatus::would_block);
    CHECK(winsock_accept_status(WSAECONNABORTED) == IoStatus::would_block);
    CHECK(winsock_accept_status(WSAENOTSOCK) == IoStatus::error);
    CHECK(winsock_accept_status(WSAEINVAL) == IoStatus::error);
    // A read or write: not ready, or the connection is gone.
    CHECK(winsock_transfer_status(WSAEWOULDBLOCK) == IoStatus::would_block);
    for (const int gone : {WSAECONNRESET, WSAECONNABORTED, WSAESHUTDOWN, WSAENETRESET, WSAETIMEDOUT,
                           WSAENOTCONN, WSAENOTSOCK}) {
        CHECK(winsock_transfer_status(gone) == IoStatus::closed);
    }
}

TEST_CASE("WinsockSession: starts are counted, so copies and nesting are safe", "[winsock]") {
    auto first = std::make_unique<telechat::server::WinsockSession>();
    {
        const telechat::server::WinsockSession copy(*first);
        const telechat::server::WinsockSession nested;
    }
    first.reset();
    // Still started by the backend made here: a socket can be opened.
    WinsockBackend backend;
    const WinsockBackend copy = backend;
    const SOCKET listener = backend.listen({"127.0.0.1", 0});
    CHECK(copy.local_port(listener) != 0);
    backend.close(listener);
}

TEST_CASE("WinsockBackend: listens on IPv4, IPv6 and every interface, port 0 picks one",
          "[winsock][listen]") {
    SECTION("IPv4 loopback") {
        Pair pair("127.0.0.1");
        CHECK(pair.backend.peer_name(pair.server).rfind("127.0.0.1:", 0) == 0);
    }
    SECTION("IPv6 loopback") {
        Pair pair("::1");
        CHECK(pair.backend.peer_name(pair.server).rfind("[::1]:", 0) == 0);
    }
    SECTION("every interface takes IPv4 and IPv6 clients (IPV6_V6ONLY off)") {
        WinsockBackend backend;
        const SOCKET listener = backend.listen({"", 0});
        const std::uint16_t port = backend.local_port(listener);
        REQUIRE(port != 0);
        const auto v4 = tcp_connect("127.0.0.1", port);
        const auto v6 = tcp_connect("::1", port);
        CHECK(v4.ok());
        CHECK(v6.ok());
        telechat::detail::close_socket(v4.fd);
        telechat::detail::close_socket(v6.fd);
        backend.close(listener);
    }
    SECTION("a bad address throws, naming it") {
        WinsockBackend backend;
        CHECK_THROWS_WITH(backend.listen({"not-an-address", 0}),
                          Catch::Contains("cannot listen on not-an-address:0"));
    }
}

TEST_CASE("WinsockBackend: accept is would_block with nothing pending, sockets are non-blocking",
          "[winsock][accept]") {
    WinsockBackend backend;
    const SOCKET listener = backend.listen({"127.0.0.1", 0});
    CHECK(backend.accept(listener).first == IoStatus::would_block);
    backend.close(listener);

    Pair pair;
    std::array<char, 16> chunk{};
    CHECK(pair.backend.read(pair.server, chunk).status == IoStatus::would_block);
    BOOL no_delay = FALSE;
    int length = sizeof no_delay;
    REQUIRE(::getsockopt(pair.server, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<char*>(&no_delay),
                         &length) == 0);
    CHECK(no_delay != FALSE);
}

TEST_CASE("WinsockBackend: bytes both ways, end of stream, half-close", "[winsock][io]") {
    Pair pair;
    client_sends(pair.client, "PING\r\n");
    CHECK(pair.server_reads(6) == "PING\r\n");
    const std::string_view reply = "+OK PONG\r\n";
    const auto written = pair.backend.write(pair.server, std::span<const char>(reply));
    CHECK(written.status == IoStatus::ok);
    CHECK(written.bytes == reply.size());

    SECTION("shutdown_sending: the peer reads everything, then end of stream; reads go on") {
        pair.backend.shutdown_sending(pair.server);
        CHECK(client_reads_to_end(pair.client) == reply);
        client_sends(pair.client, "QUIT\r\n");
        CHECK(pair.server_reads(6) == "QUIT\r\n");
    }
    SECTION("the peer closes: read says closed") {
        pair.client = telechat::detail::close_socket(pair.client);
        CHECK(pair.server_read_status() == IoStatus::closed);
    }
    SECTION("the peer resets: read says closed (an error on Windows, 0 bytes under wine)") {
        const linger reset{1, 0};
        ::setsockopt(pair.client, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&reset),
                     sizeof reset);
        pair.client = telechat::detail::close_socket(pair.client);
        CHECK(pair.server_read_status() == IoStatus::closed);
    }
}

TEST_CASE("WinsockBackend: writing to a vanished peer is closed, never a crash", "[winsock][io]") {
    Pair pair;
    const linger reset{1, 0};
    ::setsockopt(pair.client, SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&reset),
                 sizeof reset);
    pair.client = telechat::detail::close_socket(pair.client);
    const std::string line(1024, 'x');
    IoStatus last = IoStatus::ok;
    // The first writes may still be taken by the system; a bounded number later, one fails.
    for (int i = 0; i < 10'000 && last != IoStatus::closed; ++i) {
        last = pair.backend.write(pair.server, std::span<const char>(line)).status;
        if (last == IoStatus::would_block) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    CHECK(last == IoStatus::closed);
}

TEST_CASE("WinsockBackend: a peer that does not read makes writes short, then would_block",
          "[winsock][io]") {
    Pair pair;
    const std::string block(64 * 1024, 'y');
    std::size_t total = 0;
    IoStatus last = IoStatus::ok;
    for (int i = 0; i < 100'000 && last == IoStatus::ok; ++i) {
        const auto result = pair.backend.write(pair.server, std::span<const char>(block));
        last = result.status;
        total += result.bytes;
    }
    CHECK(last == IoStatus::would_block);
    CHECK(total > 0);
}

TEST_CASE("WsaPollPoller: readable, writable, removal, and a wake from another thread",
          "[winsock][poller]") {
    Pair pair;
    WsaPollPoller poller = pair.backend.make_poller();
    constexpr std::uint64_t token = 42;
    std::array<PollEvent, 16> events{};

    SECTION("nothing happens: a wait times out with no event") {
        poller.add(pair.server, token);
        CHECK(poller.wait(events, 10) == 0);
    }
    SECTION("bytes make the socket readable until read") {
        poller.add(pair.server, token);
        client_sends(pair.client, "x");
        CHECK(has_event(wait_for(poller, token), token, true, false));
        CHECK(has_event(wait_for(poller, token), token, true, false));  // level-triggered
    }
    SECTION("a closed peer is readable (wine says POLLHUP alone): the read then says closed") {
        poller.add(pair.server, token);
        pair.client = telechat::detail::close_socket(pair.client);
        CHECK(has_event(wait_for(poller, token), token, true, false));
        CHECK(pair.server_read_status() == IoStatus::closed);
    }
    SECTION("watch_writes reports writability, and stops") {
        poller.add(pair.server, token);
        poller.watch_writes(pair.server, token, true);
        CHECK(has_event(wait_for(poller, token), token, false, true));
        poller.watch_writes(pair.server, token, false);
        CHECK(poller.wait(events, 10) == 0);
    }
    SECTION("a removed socket is not reported; the others still are") {
        Pair other;
        poller.add(pair.server, token);
        poller.add(other.server, token + 1);
        poller.remove(pair.server);
        client_sends(pair.client, "x");
        client_sends(other.client, "y");
        const auto got = wait_for(poller, token + 1);
        CHECK_FALSE(has_event(got, token, true, false));
        poller.remove(other.server);
        CHECK(poller.wait(events, 10) == 0);
    }
    SECTION("wake() from another thread ends a wait that would last for ever") {
        std::atomic<bool> woken{false};
        std::thread waker([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            poller.wake();
            woken = true;
        });
        const std::size_t count = poller.wait(events, -1);
        waker.join();
        CHECK(woken);
        REQUIRE(count == 1);
        CHECK(events[0].token == wake_token);
        CHECK(poller.wait(events, 0) == 0);  // drained: one wake, one event
    }
    SECTION("a wake before the wait is kept for it, and many wakes are one") {
        for (int i = 0; i < 1000; ++i) {
            poller.wake();
        }
        REQUIRE(poller.wait(events, patience_ms) >= 1);
        CHECK(events[0].token == wake_token);
        CHECK(poller.wait(events, 0) == 0);
    }
}

TEST_CASE("WsaPollPoller: more ready sockets than room for events - each is reported in turn",
          "[winsock][poller]") {
    constexpr std::size_t count = 5;
    std::vector<std::unique_ptr<Pair>> pairs;
    WinsockBackend backend;
    WsaPollPoller poller = backend.make_poller();
    for (std::size_t i = 0; i < count; ++i) {
        pairs.push_back(std::make_unique<Pair>());
        poller.add(pairs.back()->server, i);
        client_sends(pairs.back()->client, "x");
    }
    std::vector<bool> seen(count, false);
    std::array<PollEvent, 2> events{};  // room for two at a time
    for (int turn = 0; turn < 50; ++turn) {
        const std::size_t got = poller.wait(events, 100);
        for (std::size_t i = 0; i < got; ++i) {
            seen[static_cast<std::size_t>(events[i].token)] = true;
        }
    }
    for (std::size_t i = 0; i < count; ++i) {
        INFO("socket " << i);
        CHECK(seen[i]);
    }
}

TEST_CASE("tcp_connect on Windows: connects, and says why when it cannot", "[winsock][connect]") {
    WinsockBackend backend;
    SOCKET listener = backend.listen({"127.0.0.1", 0});
    const std::uint16_t port = backend.local_port(listener);
    SECTION("blocking or not, as asked") {
        ConnectOptions options;
        options.non_blocking = false;
        const auto connection = tcp_connect("127.0.0.1", port, options);
        REQUIRE(connection.ok());
        CHECK(connection.error.empty());
        telechat::detail::close_socket(connection.fd);
    }
    SECTION("nothing listens: refused, no socket") {
        backend.close(listener);
        listener = backend.listen({"127.0.0.1", 0});
        const std::uint16_t other = backend.local_port(listener);
        backend.close(listener);
        listener = INVALID_SOCKET;
        const auto connection = tcp_connect("127.0.0.1", other);
        CHECK_FALSE(connection.ok());
        CHECK_FALSE(connection.error.empty());
    }
    SECTION("a port that is no port") {
        const auto connection = tcp_connect("127.0.0.1", "no-such-service");
        CHECK_FALSE(connection.ok());
        CHECK_FALSE(connection.error.empty());
    }
    if (listener != INVALID_SOCKET) {
        backend.close(listener);
    }
}

// WINDOWS ONLY: out of sockets on accept. POSIX's test (descriptors_test.cpp)
// lowers RLIMIT_NOFILE in a forked child; Windows has neither, and a process
// cannot cheaply run out of sockets. So the two halves are tested apart:
// winsock_backend_test.cpp checks that WSAEMFILE and WSAENOBUFS map to
// IoStatus::exhausted, and here a WinsockBackend whose accept() answers
// exhausted while a switch is on shows that the server, over real Winsock
// sockets, neither dies nor spins, and accepts again once the switch is off.
#include "../harness.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>

using namespace server_test;
using telechat::server::IoStatus;
using telechat::server::WinsockBackend;

namespace {

/// WinsockBackend, with an accept() that says "out of sockets" on demand.
class ExhaustibleWinsock : public WinsockBackend {
public:
    struct Switch {
        std::atomic<bool> exhausted{false};
        std::atomic<int> refused_accepts{0};
    };
    explicit ExhaustibleWinsock(std::shared_ptr<Switch> state) : m_switch(std::move(state)) {}

    std::pair<IoStatus, Handle> accept(Handle listener) {
        if (m_switch->exhausted) {
            ++m_switch->refused_accepts;
            return {IoStatus::exhausted, Handle{}};
        }
        return WinsockBackend::accept(listener);
    }

private:
    std::shared_ptr<Switch> m_switch;
};

}  // namespace

TEMPLATE_TEST_CASE(
    "Winsock: out of sockets on accept neither kills nor spins the server, and "
    "it recovers",
    "[server][robustness][emfile][tcp]", SingleReactor, ReactorPerCore, ThreadPerConnection,
    lab::DeskActor) {
    static_assert(telechat::server::SocketBackend<ExhaustibleWinsock>);
    auto state = std::make_shared<ExhaustibleWinsock::Switch>();
    Running<ExhaustibleWinsock, TestType> server(
        ExhaustibleWinsock(state), telechat::server::Endpoint{"127.0.0.1", 0}, Setup{});
    TcpClient alive("alive");
    alive.connect(server.port());
    alive.send("CONNECT CUSTOMER alive\r\n");
    alive.expect_lines({"+OK welcome alive", "QUEUED 1"});

    state->exhausted = true;
    TcpClient waiting("waiting");
    waiting.connect(server.port());  // the system completes it; the server cannot accept it
    waiting.send("PING w\r\n");
    for (int k = 0; k < 4; ++k) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        alive.sync("a" + std::to_string(k));
    }
    // Paused 100 ms after each refusal: a handful of tries in 400 ms, where
    // a spinning loop would have made many thousands.
    const int tries = state->refused_accepts.load();
    INFO(tries << " accepts were refused");
    CHECK(tries >= 1);
    CHECK(tries < 200);
    REQUIRE(waiting.read_line(std::chrono::milliseconds(0)).kind == Read::Kind::timeout);
    CHECK(server.log_count("out of file descriptors") >= 1);
    REQUIRE(server.running());

    state->exhausted = false;
    waiting.expect_line("+OK PONG w");
    alive.sync("after");
    server.stop();
    alive.expect_line("QUIT server shutting down");
    alive.expect_eof();
}

// TracingBackend (telechat/server/backends/tracing.hpp): over the in-memory
// network, under every threading model, each connection's trace shows
// exactly the bytes that moved, cut where the reads were cut, with the agent
// key hidden in CONNECT AGENT (right and wrong) and elsewhere; and a handle
// the system hands out again gets a trace of its own.
#include <telechat/server/backends/memory.hpp>
#include <telechat/server/backends/tracing.hpp>
#include <telechat/server/server.hpp>
#include <telechat/server/threading/policies.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "harness.hpp"

using namespace server_test;

namespace {

using telechat::server::IoResult;
using telechat::server::IoStatus;
using telechat::server::TraceSettings;
using telechat::server::TraceSink;
using telechat::server::TracingBackend;

static_assert(telechat::server::SocketBackend<TracingBackend<MemoryBackend>>);

/// Every trace's text by connection number, and a log of sink writes and
/// inner closes in the order they happened.
struct Traces {
    std::mutex mutex;
    std::map<std::uint64_t, std::string> text;
    std::vector<std::string> events;

    [[nodiscard]] std::string of(std::uint64_t number) {
        const std::lock_guard<std::mutex> guard(mutex);
        return text[number];
    }
};

class CollectingSink final : public TraceSink {
public:
    CollectingSink(std::shared_ptr<Traces> traces, std::uint64_t number)
        : m_traces(std::move(traces)), m_number(number) {}
    void write(std::string_view rows) override {
        const std::lock_guard<std::mutex> guard(m_traces->mutex);
        m_traces->text[m_number] += rows;
        m_traces->events.push_back("c" + std::to_string(m_number) + ": " + std::string(rows));
    }

private:
    std::shared_ptr<Traces> m_traces;
    std::uint64_t m_number;
};

TraceSettings collecting(const std::shared_ptr<Traces>& traces) {
    TraceSettings settings;
    settings.agent_key = std::string(server_test::agent_key);
    settings.open = [traces](std::uint64_t number, const std::string&) {
        return std::make_unique<CollectingSink>(traces, number);
    };
    return settings;
}

/// A client of the in-memory network that sees when the server has read
/// everything it sent (the server's end is the next handle).
class RawClient {
public:
    RawClient(std::shared_ptr<MemoryNetwork> network, std::uint16_t port)
        : m_network(std::move(network)), m_handle(m_network->connect(port)) {}

    void send(std::string_view bytes) {
        REQUIRE(m_network->write(m_handle, bytes).bytes == bytes.size());
    }
    /// Waits until the server has read all that was sent.
    void wait_read() {
        REQUIRE(m_network->wait_until(std::chrono::seconds(5),
                                      [&] { return !m_network->readable_locked(m_handle + 1); }));
    }
    /// Waits until everything received so far is `expected`.
    void expect(const std::string& expected) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (m_received.size() < expected.size() && std::chrono::steady_clock::now() < deadline) {
            m_network->wait_until(std::chrono::milliseconds(50),
                                  [&] { return m_network->readable_locked(m_handle); });
            char chunk[4096];
            const IoResult result = m_network->read(m_handle, chunk);
            if (result.status == IoStatus::ok) {
                m_received.append(chunk, result.bytes);
            }
        }
        REQUIRE(m_received == expected);
    }
    void close() { m_network->close(m_handle); }

private:
    std::shared_ptr<MemoryNetwork> m_network;
    MemoryNetwork::Handle m_handle;
    std::string m_received;
};

bool eventually_contains(Traces& traces, std::uint64_t number, std::string_view part) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (traces.of(number).find(part) == std::string::npos) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

}  // namespace

TEMPLATE_TEST_CASE("tracing: every byte both ways, the reads' splits, the key hidden",
                   "[server][tracing]", ThreadPerConnection, SingleReactor, ReactorPerCore) {
    auto network = std::make_shared<MemoryNetwork>();
    auto traces = std::make_shared<Traces>();
    ServerOptions options;
    options.loops = 3;
    options.desk.agent_key = std::string(agent_key);
    telechat::server::Server<TracingBackend<MemoryBackend>, TestType> server(
        TracingBackend<MemoryBackend>(MemoryBackend(network), collecting(traces)), options);
    server.listen();
    // Stopped and joined however the test ends (a failed REQUIRE throws).
    struct Serving {
        decltype(server)& running;
        std::thread thread;
        ~Serving() {
            running.stop();
            thread.join();
        }
    };
    const std::string key(agent_key);
    {
        const Serving serving{server, std::thread([&] { server.run(); })};
        RawClient ann(network, server.port());
        ann.send("CONNECT AGENT ann wrong-key\r\n");
        ann.expect("-ERR AUTH_FAILED wrong agent key\r\n");
        ann.send("CONNECT AGENT ann " + key.substr(0, 8));  // the key cut in two reads
        ann.wait_read();
        ann.send(key.substr(8) + "\r\n");
        ann.expect("-ERR AUTH_FAILED wrong agent key\r\n+OK welcome ann\r\n");

        RawClient bob(network, server.port());
        bob.send("CONNECT CUSTOMER bob\r\nMSG hel");  // a partial line
        bob.wait_read();
        ann.expect("-ERR AUTH_FAILED wrong agent key\r\n+OK welcome ann\r\nASSIGNED bob\r\n");
        bob.send("lo\nMSG " + key + "\r\n");  // an LF-only line, and the key in a message
        bob.expect(
            "+OK welcome bob\r\nASSIGNED ann\r\n+OK message received\r\n"
            "+OK message received\r\n");
        ann.expect(
            "-ERR AUTH_FAILED wrong agent key\r\n+OK welcome ann\r\nASSIGNED bob\r\n"
            "MSG bob hello\r\nMSG bob " +
            key + "\r\n");  // before bob leaves: LEFT is a write of its own
        bob.send("QUIT\r\n");
        REQUIRE(eventually_contains(*traces, 2, "-- closed by the server"));
        bob.close();
        REQUIRE(eventually_contains(*traces, 2, "== c2 hangs up"));
        ann.expect(
            "-ERR AUTH_FAILED wrong agent key\r\n+OK welcome ann\r\nASSIGNED bob\r\n"
            "MSG bob hello\r\nMSG bob " +
            key + "\r\nLEFT bob\r\n");
        ann.close();
        REQUIRE(eventually_contains(*traces, 1, "== c1 hangs up"));
    }

    CHECK(traces->of(1) ==
          "+0.000 == c1 connects\n"
          "+0.000 c1 >> CONNECT AGENT ann \\{wrong-key}\n"
          "+0.000 c1 << -ERR AUTH_FAILED wrong agent key\n"
          "+0.000 c1 >> CONNECT AGENT ann \\{agent-key}\\\n"
          "+0.000 c1 >>\n"
          "+0.000 c1 << +OK welcome ann\n"
          "+0.000 c1 << ASSIGNED bob\n"
          "+0.000 c1 << MSG bob hello\n"
          "c1 << MSG bob \\{agent-key}\n"
          "+0.000 c1 << LEFT bob\n"
          "+0.000 == c1 hangs up\n");
    CHECK(traces->of(2) ==
          "+0.000 == c2 connects\n"
          "+0.000 c2 >> CONNECT CUSTOMER bob\n"
          "+0.000 c2 << +OK welcome bob\n"
          "c2 << ASSIGNED ann\n"
          "+0.000 c2 >> MSG hel\\\n"
          "+0.000 c2 >> lo\\n\\\n"
          "c2 >> MSG \\{agent-key}\n"
          "+0.000 c2 << +OK message received\n"
          "c2 << +OK message received\n"
          "+0.000 c2 >> QUIT\n"
          "+0.000 c2 << +OK bye\n"
          "+0.000 c2 -- closed by the server\n"
          "+0.000 == c2 hangs up\n");
    for (const auto& [number, text] : traces->text) {
        CHECK(text.find(agent_key) == std::string::npos);
    }
}

namespace {

/// A backend whose every accept returns handle 7, as a system reuses a
/// closed descriptor; it logs its closes among the sinks' writes.
struct NoPoller {
    void add(int, std::uint64_t) {}
    void watch_writes(int, std::uint64_t, bool) {}
    void remove(int) {}
    std::size_t wait(std::span<telechat::server::PollEvent>, int) { return 0; }
    void wake() {}
};

struct ReusingBackend {
    using Handle = int;
    using PollerType = NoPoller;
    std::shared_ptr<Traces> traces;

    Handle listen(const telechat::server::Endpoint&) { return 1; }
    [[nodiscard]] std::uint16_t local_port(Handle) const { return 1; }
    std::pair<IoStatus, Handle> accept(Handle) { return {IoStatus::ok, 7}; }
    IoResult read(Handle, std::span<char> into) {
        into[0] = 'x';
        return {IoStatus::ok, 1};
    }
    IoResult write(Handle, std::span<const char> from) { return {IoStatus::ok, from.size()}; }
    void shutdown_sending(Handle) {}
    void close(Handle handle) {
        const std::lock_guard<std::mutex> guard(traces->mutex);
        traces->events.push_back("inner close " + std::to_string(handle));
    }
    [[nodiscard]] std::int64_t now() const { return 0; }
    [[nodiscard]] std::string peer_name(Handle) const { return "fake"; }
    PollerType make_poller() { return {}; }
};

}  // namespace

TEST_CASE("tracing: a handle used again gets a new trace, a trace ends before the close",
          "[server][tracing]") {
    auto traces = std::make_shared<Traces>();
    TracingBackend<ReusingBackend> backend(ReusingBackend{traces}, collecting(traces));
    char buffer[8];
    const int first = backend.accept(1).second;
    backend.read(first, buffer);
    backend.close(first);
    const int second = backend.accept(1).second;
    REQUIRE(second == first);
    backend.read(second, buffer);
    backend.close(second);
    CHECK(traces->events ==
          std::vector<std::string>{"c1: +0.000 == c1 connects\n",
                                   "c1: +0.000 c1 >> x\\\n+0.000 c1 -- closed by the server\n",
                                   "inner close 7", "c2: +0.000 == c2 connects\n",
                                   "c2: +0.000 c2 >> x\\\n+0.000 c2 -- closed by the server\n",
                                   "inner close 7"});
}

// The server template on the in-memory network, with faults, a fault-injecting
// backend of our own and a threading model of our own.
//
// No sockets and no ports: MemoryNetwork is a network in memory, and
// MemoryFaults makes it misbehave the way real networks do (short reads,
// short writes, small buffers). Each part connects one customer and checks
// that the desk's two replies arrive whole, whatever the faults did to them.
//
// Build and run, from the top of the repository:
//   c++ -std=c++20 -pthread -I include docs/examples/server_in_memory.cpp
//   ./a.out
// It checks its own answers and exits 1 if one is wrong.
#include <telechat/server/backends/memory.hpp>
#include <telechat/server/concepts.hpp>
#include <telechat/server/server.hpp>
#include <telechat/server/threading/policies.hpp>
#include <telechat/server/threading/threading_model.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>

using namespace telechat::server;

//! [flaky]
// Forwards everything to an inner backend, but turns about one read in seven
// into a one-byte read, cuts every write to at most three bytes, and turns
// about one write in a hundred into a fake reset.
template <telechat::server::SocketBackend Inner>
class FlakyBackend {
public:
    using Handle = typename Inner::Handle;
    using PollerType = typename Inner::PollerType;

    explicit FlakyBackend(Inner inner)
        : m_inner(std::move(inner)),
          m_calls(std::make_shared<std::atomic<std::uint64_t>>(0)) {}

    Handle listen(const telechat::server::Endpoint& endpoint) {
        return m_inner.listen(endpoint);
    }
    std::uint16_t local_port(Handle listener) const {
        return m_inner.local_port(listener);
    }
    std::pair<telechat::server::IoStatus, Handle> accept(Handle listener) {
        return m_inner.accept(listener);
    }
    telechat::server::IoResult read(Handle handle, std::span<char> into) {
        if (next_call() % 7 == 0) {
            into = into.first(1);  // a short read: the rest stays readable
        }
        return m_inner.read(handle, into);
    }
    telechat::server::IoResult write(Handle handle,
                                     std::span<const char> from) {
        if (next_call() % 100 == 99) {
            // As if the peer had reset the connection.
            return {telechat::server::IoStatus::closed, 0};
        }
        return m_inner.write(handle,
                             from.first(std::min<std::size_t>(from.size(), 3)));
    }
    void shutdown_sending(Handle handle) { m_inner.shutdown_sending(handle); }
    void close(Handle handle) { m_inner.close(handle); }
    std::int64_t now() const { return m_inner.now(); }
    std::string peer_name(Handle handle) const {
        return m_inner.peer_name(handle);
    }
    PollerType make_poller() { return m_inner.make_poller(); }

private:
    // Shared by every copy (one per loop), which may run on different threads.
    std::uint64_t next_call() {
        return m_calls->fetch_add(1, std::memory_order_relaxed);
    }

    Inner m_inner;
    std::shared_ptr<std::atomic<std::uint64_t>> m_calls;
};
//! [flaky]

//! [assert_backend]
static_assert(telechat::server::SocketBackend<
                  FlakyBackend<telechat::server::MemoryBackend>>,
              "FlakyBackend must model SocketBackend");
//! [assert_backend]

//! [policy]
// A threading model with exactly two loops, whatever ServerOptions::loops
// says, and every connection on the loop that did not accept it.
struct TwoReactors {
    static constexpr const char* name = "two-reactors";
    static constexpr std::size_t max_loops = 2;
    // Two threads call the desk, so every piece of desk work takes a mutex.
    using DeskGuardType = MutexDeskGuard;

    template <LoopHost Host>
    void run(Host& host) {
        const LoopId acceptor = host.add_loop();
        host.run_on_new_thread(host.add_loop());
        host.run_here(acceptor);
        host.join_loops();
    }
    template <LoopHost Host>
    LoopId place_connection(Host& host, LoopId acceptor) {
        return host.loop_at(0) == acceptor ? host.loop_at(1) : host.loop_at(0);
    }
    template <LoopHost Host>
    NextTurn after_turn(Host& /*host*/, const LoopState& /*state*/) {
        return {};
    }
};

static_assert(telechat::server::ThreadingModel<TwoReactors>);
//! [policy]

namespace {

int failures = 0;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "server_in_memory: wrong: %s\n", what);
        ++failures;
    }
}

// Reads from `client` until `expected` has arrived or 5 seconds have passed.
std::string read_until(MemoryNetwork& network, MemoryNetwork::Handle client,
                       std::string_view expected) {
    std::string received;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (received.find(expected) == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
        char chunk[256];
        const IoResult result = network.read(client, chunk);
        if (result.status == IoStatus::ok) {
            received.append(chunk, result.bytes);
        } else if (result.status == IoStatus::would_block) {
            network.wait_until(std::chrono::milliseconds(50),
                               [&] { return network.readable_locked(client); });
        } else {
            break;
        }
    }
    return received;
}

// Sends a CONNECT to a server of `network` and checks the two replies.
void register_a_customer(MemoryNetwork& network, std::uint16_t port,
                         const char* what) {
    const MemoryNetwork::Handle client = network.connect(port);
    const std::string_view hello = "CONNECT CUSTOMER ana\r\n";
    std::size_t sent = 0;
    while (sent < hello.size()) {
        const IoResult result =
            network.write(client, std::span<const char>(hello.substr(sent)));
        sent += result.status == IoStatus::ok ? result.bytes : 0;
    }
    check(read_until(network, client, "QUEUED 1\r\n") ==
              "+OK welcome ana\r\nQUEUED 1\r\n",
          what);
    network.close(client);
}

}  // namespace

int main() {
    {
        //! [faults]
        // The faults apply to both ends of every connection.
        MemoryFaults faults;
        faults.max_read_chunk = 1;   // every read gets at most one byte
        faults.max_write_chunk = 7;  // every write moves at most 7 bytes
        // A client that stops reading soon blocks the writes to it.
        faults.pipe_capacity = 4096;
        auto network = std::make_shared<MemoryNetwork>(faults);

        ServerOptions options;
        options.endpoint.port = 0;
        Server<MemoryBackend, SingleReactor> server(MemoryBackend(network),
                                                    options);
        server.listen();
        std::thread serving([&] { server.run(); });
        // ... network->connect(server.port()), then write and read ...
        //! [faults]
        register_a_customer(
            *network, server.port(),
            "replies arrive whole through 1- and 7-byte chunks");
        server.stop();
        serving.join();
    }
    {
        auto network = std::make_shared<MemoryNetwork>();
        ServerOptions options;
        options.endpoint.port = 0;
        Server<FlakyBackend<MemoryBackend>, TwoReactors> server(
            FlakyBackend<MemoryBackend>(MemoryBackend(network)), options);
        server.listen();
        std::thread serving([&] { server.run(); });
        register_a_customer(*network, server.port(),
                            "replies arrive whole through the flaky backend");
        check(std::string_view(server.model()) == "two-reactors",
              "the model has its name");
        server.stop();
        serving.join();
    }

    if (failures != 0) {
        return 1;
    }
    std::puts("server_in_memory: all checks passed");
    return 0;
}

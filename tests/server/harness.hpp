// The harness of the end-to-end server suite: a Server running on a thread of
// its own, and clients that talk to it over real loopback TCP or over the
// in-memory network, through one interface.
//
//     TestType f;                                  // a fixture: starts the server
//     auto ann = agent(f, "ann");                  // CONNECT AGENT, "+OK welcome ann"
//     auto bob = customer(f, "bob");
//     bob->expect_line("ASSIGNED ann");
//     bob->send("MSG hello\r\n");
//     ann->expect_line("MSG bob hello");
//     f.finish();                                  // stop(): run() must return
//
// Every read has a timeout and fails the test when it passes; nothing here
// waits without a bound. The fixtures:
//   - TcpThreads, TcpReactor, TcpReactors, TcpActor: the system's backend
//     (PosixBackend; WinsockBackend on Windows) on 127.0.0.1, port 0 (Actor: the lab's desk-actor
//     model, docs/examples/desk_actor.hpp, written without touching the server);
//   - MemoryThreads, MemoryReactor, MemoryReactors, MemoryActor: the
//     in-memory backend, whose clock the tests move by hand;
//   - ShortThreads, ShortReactor, ShortReactors, ShortActor: the in-memory backend with
//     MemoryFaults{max_read_chunk = 1, max_write_chunk = 3}: every read of the
//     server and the clients is short, so the same transcripts must come out
//     of any split of the byte stream.
#pragma once

#include <telechat/server/backends/memory.hpp>
#include <telechat/server/server.hpp>
#include <telechat/server/threading/policies.hpp>

#include "../../docs/examples/desk_actor.hpp"
#include "client.hpp"
// The one place the suite picks its system: the TCP fixtures' client and backend.
#if defined(_WIN32)
#include "tcp_client_windows.hpp"
#else
#include "tcp_client_posix.hpp"
#endif

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace server_test {

using telechat::DeskOptions;
using telechat::server::MemoryBackend;
using telechat::server::MemoryFaults;
using telechat::server::MemoryNetwork;
using telechat::server::ReactorPerCore;
using telechat::server::ServerOptions;
using telechat::server::SingleReactor;
using telechat::server::ThreadPerConnection;

/// A client on the in-memory network: MemoryNetwork::connect, and waits in
/// MemoryNetwork::wait_until.
class MemoryClient final : public Client {
public:
    MemoryClient(std::string label, std::shared_ptr<MemoryNetwork> network, std::uint16_t port)
        : Client(std::move(label)),
          m_network(std::move(network)),
          m_handle(m_network->connect(port)) {}
    ~MemoryClient() override { close(); }

    void close() override {
        if (m_open) {
            m_open = false;
            m_network->close(m_handle);
        }
    }
    void hang_up() override { close(); }
    void shutdown_write() override { m_network->shutdown_sending(m_handle); }

protected:
    Io write_some(std::string_view bytes, Clock::time_point deadline,
                  std::size_t& written) override {
        for (;;) {
            const telechat::server::IoResult result = m_network->write(m_handle, bytes);
            if (result.status == telechat::server::IoStatus::ok) {
                written = result.bytes;
                return Io::ok;
            }
            if (result.status != telechat::server::IoStatus::would_block) {
                return Io::closed;
            }
            const bool ready = m_network->wait_until(Millis(millis_until(deadline)), [this] {
                return m_network->writable_locked(m_handle);
            });
            if (!ready) {
                return Io::timeout;
            }
        }
    }

    Io read_some(std::string& into, Clock::time_point deadline) override {
        for (;;) {
            char chunk[16 * 1024];
            const telechat::server::IoResult result = m_network->read(m_handle, chunk);
            if (result.status == telechat::server::IoStatus::ok) {
                into.append(chunk, result.bytes);
                return Io::ok;
            }
            if (result.status != telechat::server::IoStatus::would_block) {
                return Io::closed;
            }
            const bool ready = m_network->wait_until(Millis(millis_until(deadline)), [this] {
                return m_network->readable_locked(m_handle);
            });
            if (!ready) {
                return Io::timeout;
            }
        }
    }

private:
    std::shared_ptr<MemoryNetwork> m_network;
    MemoryNetwork::Handle m_handle;
    bool m_open = true;
};

/// What a test may change about the server it starts.
struct Setup {
    DeskOptions desk = default_desk();
    /// ServerOptions::linger_ms (0: no lingering close).
    std::int64_t linger_ms = 2000;
    /// Memory fixtures only: the capacity of every pipe (0: the fixture's own).
    std::size_t pipe_capacity = 0;
    /// Makes the desk's history storage (empty: memory only).
    std::function<telechat::history::AnyHistoryStorage()> storage;

    static DeskOptions default_desk() {
        DeskOptions options;
        options.agent_key = std::string(agent_key);
        return options;
    }
};

/// A Server on a thread of its own, with its log captured.
template <class Backend, class Threading>
class Running {
public:
    using ServerType = telechat::server::Server<Backend, Threading>;

    /// `on_slow_stop` runs if run() has not returned 300 ms after stop():
    /// the memory fixtures move their clock past the shutdown grace there,
    /// as the real clock would have moved.
    Running(Backend backend, telechat::server::Endpoint endpoint, const Setup& setup,
            std::function<void()> on_slow_stop = {})
        : m_log(std::make_shared<Log>()), m_on_slow_stop(std::move(on_slow_stop)) {
        ServerOptions options;
        options.endpoint = std::move(endpoint);
        options.desk = setup.desk;
        options.loops =
            3;  // ReactorPerCore: more loops than cores, so connections meet across loops
        options.linger_ms = setup.linger_ms;
        options.log = [log = m_log](std::string_view line) {
            std::lock_guard<std::mutex> guard(log->mutex);
            log->lines.emplace_back(line);
        };
        m_server = std::make_unique<ServerType>(
            std::move(backend), std::move(options), Threading{},
            setup.storage ? setup.storage() : telechat::history::AnyHistoryStorage{});
        m_server->listen();
        m_port = m_server->port();
        REQUIRE(m_port != 0);
        m_thread = std::thread([this] {
            try {
                m_server->run();
            } catch (...) {
                m_error = std::current_exception();
            }
            std::lock_guard<std::mutex> guard(m_mutex);
            m_returned = true;
            m_changed.notify_all();
        });
    }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;

    ~Running() {
        if (m_thread.joinable()) {
            m_server->stop();
            wait_for_return();
        }
        if (m_error) {
            std::fprintf(stderr, "server_tests: the server's run() ended with an exception\n");
        }
    }

    [[nodiscard]] std::uint16_t port() const noexcept { return m_port; }

    /// Whether run() is still running.
    [[nodiscard]] bool running() {
        std::lock_guard<std::mutex> guard(m_mutex);
        return !m_returned;
    }

    /// Calls stop() (from this thread) and requires run() to return, without an exception.
    void stop() {
        REQUIRE(m_thread.joinable());
        m_server->stop();
        wait_for_return();
        if (m_error) {
            std::string what = "an unknown exception";
            try {
                std::rethrow_exception(m_error);
            } catch (const std::exception& error) {
                what = error.what();
            } catch (...) {
            }
            FAIL("the server's run() threw: " << what);
        }
    }

    /// Waits for run() to end by itself (as after stop()), and tells whether
    /// it threw; the error's message goes to `what`.
    [[nodiscard]] bool ended_with_error(std::string& what) {
        wait_for_return();
        if (!m_error) {
            return false;
        }
        try {
            std::rethrow_exception(m_error);
        } catch (const std::exception& error) {
            what = error.what();
        } catch (...) {
        }
        m_error = nullptr;
        return true;
    }

    /// The log lines so far.
    [[nodiscard]] std::vector<std::string> log() const {
        std::lock_guard<std::mutex> guard(m_log->mutex);
        return m_log->lines;
    }

    /// How many log lines so far contain `part`.
    [[nodiscard]] std::size_t log_count(std::string_view part) const {
        std::lock_guard<std::mutex> guard(m_log->mutex);
        return static_cast<std::size_t>(std::count_if(
            m_log->lines.begin(), m_log->lines.end(),
            [part](const std::string& line) { return line.find(part) != std::string::npos; }));
    }

private:
    struct Log {
        std::mutex mutex;
        std::vector<std::string> lines;
    };

    void wait_for_return() {
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            if (m_on_slow_stop &&
                !m_changed.wait_for(lock, Millis(300), [this] { return m_returned; })) {
                lock.unlock();
                m_on_slow_stop();
                lock.lock();
            }
            if (!m_changed.wait_for(lock, stop_timeout, [this] { return m_returned; })) {
                // A hung server cannot be joined; end the run rather than hang.
                std::fprintf(stderr,
                             "server_tests: run() did not return within %lld ms of stop()\n",
                             static_cast<long long>(stop_timeout.count()));
                std::abort();
            }
        }
        m_thread.join();
    }

    std::shared_ptr<Log> m_log;
    std::function<void()> m_on_slow_stop;
    std::unique_ptr<ServerType> m_server;
    std::uint16_t m_port = 0;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    bool m_returned = false;
    std::exception_ptr m_error;
};

/// The common surface of every fixture.
template <class Backend, class Threading>
class FixtureBase {
public:
    using ServerRun = Running<Backend, Threading>;
    using ThreadingModel = Threading;

    [[nodiscard]] std::uint16_t port() const noexcept { return m_running->port(); }
    [[nodiscard]] ServerRun& server() { return *m_running; }
    [[nodiscard]] std::vector<std::string> log() const { return m_running->log(); }
    static constexpr const char* model = Threading::name;

    /// Waits until at most `open` connections are accepted and not yet
    /// closed, by the server's log: a test that closes connections without
    /// waiting for each then never runs far ahead of a loop that is slow to
    /// get the CPU.
    void wait_until_open_at_most(std::size_t open) {
        const Clock::time_point deadline = Clock::now() + std::chrono::seconds(10);
        for (;;) {
            const std::size_t closed = m_running->log_count("closed #");
            const std::size_t accepted = m_running->log_count("accepted #");
            if (accepted <= closed + open) {
                return;
            }
            INFO(accepted << " connections accepted, " << closed << " closed");
            REQUIRE(Clock::now() < deadline);
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }

    /// Stops the server (every client gets its QUIT) and checks that run()
    /// returned cleanly and that the key never reached the log.
    void finish() {
        m_running->stop();
        for (const std::string& line : m_running->log()) {
            INFO("log: " << line);
            REQUIRE(line.find(agent_key) == std::string::npos);
        }
    }

protected:
    std::unique_ptr<ServerRun> m_running;
    int m_clients = 0;
};

/// A server on 127.0.0.1, port 0, over the system's backend (TcpBackend:
/// PosixBackend, or WinsockBackend on Windows).
template <class Threading>
class TcpFixture : public FixtureBase<TcpBackend, Threading> {
public:
    static constexpr bool tcp = true;

    explicit TcpFixture(const Setup& setup = {}) {
        this->m_running = std::make_unique<typename TcpFixture::ServerRun>(
            TcpBackend{}, telechat::server::Endpoint{"127.0.0.1", 0}, setup);
    }

    /// Lets `span` pass on the server's clock: the real one, so this sleeps.
    void let_time_pass(Millis span) { std::this_thread::sleep_for(span); }

    /// A connected client.
    std::unique_ptr<Client> connect(ClientOptions options = {}) {
        auto client =
            std::make_unique<TcpClient>("client #" + std::to_string(++this->m_clients), options);
        client->connect(this->port());
        return client;
    }
};

struct NoFaults {
    static MemoryFaults faults() { return MemoryFaults{}; }
};
struct ShortReadsAndWrites {
    static MemoryFaults faults() {
        MemoryFaults faults;
        faults.max_read_chunk = 1;
        faults.max_write_chunk = 3;
        return faults;
    }
};

/// A server on the in-memory network, with the faults of `Faults`.
template <class Threading, class Faults>
class MemoryFixture : public FixtureBase<MemoryBackend, Threading> {
public:
    static constexpr bool tcp = false;

    explicit MemoryFixture(const Setup& setup = {}) {
        MemoryFaults faults = Faults::faults();
        if (setup.pipe_capacity != 0) {
            faults.pipe_capacity = setup.pipe_capacity;
        }
        m_network = std::make_shared<MemoryNetwork>(faults);
        this->m_running = std::make_unique<typename MemoryFixture::ServerRun>(
            MemoryBackend(m_network), telechat::server::Endpoint{"", 0}, setup,
            [network = m_network] { network->advance_clock(Millis(5000)); });
    }

    /// Lets `span` pass on the server's clock: the network's, moved by hand,
    /// so this takes no time and no timeout can fire late or early.
    void let_time_pass(Millis span) { m_network->advance_clock(span); }

    /// A connected client (ClientOptions are for TCP only).
    std::unique_ptr<Client> connect(ClientOptions /*options*/ = {}) {
        return std::make_unique<MemoryClient>("client #" + std::to_string(++this->m_clients),
                                              m_network, this->port());
    }

private:
    std::shared_ptr<MemoryNetwork> m_network;
};

// ----- helpers ----------------------------------------------------------------------------

/// Connects and registers an agent; "+OK welcome <name>" has been read.
template <class Fixture>
std::unique_ptr<Client> agent(Fixture& f, std::string_view name) {
    auto client = f.connect();
    client->send("CONNECT AGENT " + std::string(name) + " " + std::string(agent_key) + "\r\n");
    client->expect_line("+OK welcome " + std::string(name));
    return client;
}

/// Connects and registers a customer; "+OK welcome <name>" has been read
/// (its QUEUED or ASSIGNED is left for the test).
template <class Fixture>
std::unique_ptr<Client> customer(Fixture& f, std::string_view name, ClientOptions options = {}) {
    auto client = f.connect(options);
    client->send("CONNECT CUSTOMER " + std::string(name) + "\r\n");
    client->expect_line("+OK welcome " + std::string(name));
    return client;
}

/// A HIST record without its timestamp, after checking the stamp is a
/// plausible Unix time in milliseconds.
inline std::string without_stamp(const std::string& record) {
    const std::size_t space = record.find(' ');
    INFO("record: " << record);
    REQUIRE(space != std::string::npos);
    REQUIRE(space > 0);
    const std::string stamp = record.substr(0, space);
    REQUIRE(std::all_of(stamp.begin(), stamp.end(), [](char c) { return c >= '0' && c <= '9'; }));
    const long long now =
        std::chrono::duration_cast<Millis>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    const long long value = std::stoll(stamp);
    REQUIRE(value <= now);
    REQUIRE(value > now - 3'600'000);
    return record.substr(space + 1);
}

inline std::vector<std::string> sorted(std::vector<std::string> lines) {
    std::sort(lines.begin(), lines.end());
    return lines;
}

using TcpThreads = TcpFixture<ThreadPerConnection>;
using TcpReactor = TcpFixture<SingleReactor>;
using TcpReactors = TcpFixture<ReactorPerCore>;
using MemoryThreads = MemoryFixture<ThreadPerConnection, NoFaults>;
using MemoryReactor = MemoryFixture<SingleReactor, NoFaults>;
using MemoryReactors = MemoryFixture<ReactorPerCore, NoFaults>;
using ShortThreads = MemoryFixture<ThreadPerConnection, ShortReadsAndWrites>;
using ShortReactor = MemoryFixture<SingleReactor, ShortReadsAndWrites>;
using ShortReactors = MemoryFixture<ReactorPerCore, ShortReadsAndWrites>;
using TcpActor = TcpFixture<lab::DeskActor>;
using MemoryActor = MemoryFixture<lab::DeskActor, NoFaults>;
using ShortActor = MemoryFixture<lab::DeskActor, ShortReadsAndWrites>;

}  // namespace server_test

/// Every fixture: the four models on TCP, in memory, and in memory with short I/O.
#define SERVER_ALL_FIXTURES                                                               \
    server_test::TcpThreads, server_test::TcpReactor, server_test::TcpReactors,           \
        server_test::TcpActor, server_test::MemoryThreads, server_test::MemoryReactor,    \
        server_test::MemoryReactors, server_test::MemoryActor, server_test::ShortThreads, \
        server_test::ShortReactor, server_test::ShortReactors, server_test::ShortActor

/// The TCP fixtures only.
#define SERVER_TCP_FIXTURES                                                     \
    server_test::TcpThreads, server_test::TcpReactor, server_test::TcpReactors, \
        server_test::TcpActor

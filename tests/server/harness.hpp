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
//   - TcpThreads, TcpReactor, TcpReactors, TcpActor: PosixBackend on
//     127.0.0.1, port 0 (Actor: the lab's desk-actor model,
//     docs/examples/desk_actor.hpp, written without touching the server);
//   - MemoryThreads, MemoryReactor, MemoryReactors, MemoryActor: the
//     in-memory backend, whose clock the tests move by hand;
//   - ShortThreads, ShortReactor, ShortReactors, ShortActor: the in-memory backend with
//     MemoryFaults{max_read_chunk = 1, max_write_chunk = 3}: every read of the
//     server and the clients is short, so the same transcripts must come out
//     of any split of the byte stream.
#pragma once

#include <telechat/server/backends/memory.hpp>
#include <telechat/server/backends/posix.hpp>
#include <telechat/server/backends/tcp_connect.hpp>
#include <telechat/server/server.hpp>
#include <telechat/server/threading/policies.hpp>

#include "../../docs/examples/desk_actor.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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
using telechat::server::PosixBackend;
using telechat::server::ReactorPerCore;
using telechat::server::ServerOptions;
using telechat::server::SingleReactor;
using telechat::server::ThreadPerConnection;

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

/// How long a read waits before it fails the test. Generous: the suite runs
/// under sanitizers on a small shared machine; a passing run never waits it out.
inline constexpr Millis read_timeout{5000};
/// How long run() may take to return after stop() before the suite gives up.
inline constexpr Millis stop_timeout{15000};

/// The agent key every fixture's desk uses.
inline constexpr std::string_view agent_key = "k3y-for-the-server-tests";

[[nodiscard]] inline int millis_until(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 60'000));
}

/// What one read_line() got.
struct Read {
    enum class Kind { line, eof, timeout };
    Kind kind = Kind::timeout;
    std::string text;  // the line without its CRLF
};

/// A client's connection, over TCP or in memory. Bytes in, lines out.
class Client {
public:
    explicit Client(std::string label) : m_label(std::move(label)) {}
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    virtual ~Client() = default;

    /// Sends every byte, failing the test if the server does not take them in time.
    void send(std::string_view bytes) {
        INFO(m_label << ": sending " << bytes.size() << " bytes");
        REQUIRE(try_send(bytes));
    }

    /// Sends every byte; false if the connection is gone (or stays full for
    /// read_timeout) before all are sent.
    bool try_send(std::string_view bytes) {
        const Clock::time_point deadline = Clock::now() + read_timeout;
        while (!bytes.empty()) {
            std::size_t written = 0;
            if (write_some(bytes, deadline, written) != Io::ok) {
                return false;
            }
            bytes.remove_prefix(written);
        }
        return true;
    }

    /// The next line from the server (without CRLF), end of stream, or a timeout.
    /// A line that does not end with CRLF, or bytes left at end of stream, fail the test.
    Read read_line(Millis timeout = read_timeout) {
        const Clock::time_point deadline = Clock::now() + timeout;
        for (;;) {
            const std::size_t end = m_buffer.find('\n');
            if (end != std::string::npos) {
                std::string line = m_buffer.substr(0, end);
                m_buffer.erase(0, end + 1);
                INFO(m_label << ": line \"" << line << "\"");
                REQUIRE(!line.empty());
                REQUIRE(line.back() == '\r');  // the server always sends CRLF
                line.pop_back();
                REQUIRE(line.find('\r') == std::string::npos);
                m_received.push_back(line);
                return Read{Read::Kind::line, std::move(line)};
            }
            if (m_eof) {
                if (m_truncation_allowed) {
                    m_tail += m_buffer;
                    m_buffer.clear();
                }
                INFO(m_label << ": bytes left at end of stream: \"" << m_buffer << "\"");
                REQUIRE(m_buffer.empty());
                return Read{Read::Kind::eof, {}};
            }
            const Io result = read_some(m_buffer, deadline);
            if (result == Io::closed || result == Io::reset) {
                m_eof = true;
                m_reset = result == Io::reset;
            } else if (result == Io::timeout) {
                return Read{Read::Kind::timeout, {}};
            }
        }
    }

    /// The next line, which must come before the timeout.
    std::string next_line(Millis timeout = read_timeout) {
        Read read = read_line(timeout);
        INFO(m_label << ": waiting for a line; received so far:" << transcript());
        REQUIRE(read.kind != Read::Kind::timeout);
        REQUIRE(read.kind == Read::Kind::line);
        return std::move(read.text);
    }

    /// The next line must be `expected`.
    void expect_line(std::string_view expected, Millis timeout = read_timeout) {
        const std::string line = next_line(timeout);
        INFO(m_label << ": received so far:" << transcript());
        REQUIRE(line == expected);
    }

    /// The next lines must be `expected`, in order.
    void expect_lines(const std::vector<std::string>& expected) {
        for (const std::string& line : expected) {
            expect_line(line);
        }
    }

    /// The next line must be `-ERR <code>` with or without a reason.
    void expect_error(std::string_view code) {
        const std::string line = next_line();
        const std::string prefix = "-ERR " + std::string(code);
        INFO(m_label << ": expected " << prefix << ", got \"" << line << "\"");
        REQUIRE((line == prefix || line.rfind(prefix + " ", 0) == 0));
    }

    /// The server must close the connection, with no further line, before the timeout.
    void expect_eof(Millis timeout = read_timeout) {
        const Read read = read_line(timeout);
        INFO(m_label << ": waiting for end of stream; received so far:" << transcript());
        REQUIRE(read.kind != Read::Kind::timeout);
        REQUIRE(read.text.empty());
        REQUIRE(read.kind == Read::Kind::eof);
    }

    /// A round trip: nothing else may be pending before the PONG.
    void sync(std::string_view token = "sync") {
        send("PING " + std::string(token) + "\r\n");
        expect_line("+OK PONG " + std::string(token));
    }

    /// Reads the body of a multi-line reply, up to its "." line.
    std::vector<std::string> read_body() {
        std::vector<std::string> body;
        for (;;) {
            std::string line = next_line();
            if (line == ".") {
                return body;
            }
            REQUIRE(line.rfind('.', 0) != 0);  // body lines never start with '.'
            body.push_back(std::move(line));
        }
    }

    /// Closes abruptly: a reset on TCP (SO_LINGER 0), a close in memory.
    virtual void close() = 0;
    /// Closes in order: a FIN on TCP.
    virtual void hang_up() = 0;
    /// Closes only the sending side (shutdown(SHUT_WR)).
    virtual void shutdown_write() = 0;

    /// For a client the server drops with output discarded: the stream may
    /// then end in the middle of a line, which tail() returns.
    void allow_truncation() noexcept { m_truncation_allowed = true; }
    [[nodiscard]] const std::string& tail() const noexcept { return m_tail; }

    [[nodiscard]] const std::string& label() const noexcept { return m_label; }
    /// Whether the stream ended with a reset (TCP's ECONNRESET) rather than
    /// a clean end of stream.
    [[nodiscard]] bool was_reset() const noexcept { return m_reset; }
    [[nodiscard]] const std::vector<std::string>& received() const noexcept { return m_received; }

    [[nodiscard]] std::string transcript() const {
        std::string out;
        const std::size_t first = m_received.size() > 20 ? m_received.size() - 20 : 0;
        for (std::size_t i = first; i < m_received.size(); ++i) {
            out += "\n    " + m_received[i].substr(0, 120);
        }
        return out.empty() ? " (nothing)" : out;
    }

protected:
    enum class Io { ok, timeout, closed, reset };
    // Writes some of `bytes` (at least one) before `deadline`.
    virtual Io write_some(std::string_view bytes, Clock::time_point deadline,
                          std::size_t& written) = 0;
    // Appends what arrives (at least one byte) before `deadline`.
    virtual Io read_some(std::string& into, Clock::time_point deadline) = 0;

private:
    std::string m_label;
    std::string m_buffer;
    bool m_eof = false;
    bool m_reset = false;
    bool m_truncation_allowed = false;
    std::string m_tail;
    std::vector<std::string> m_received;
};

/// Per-client settings.
struct ClientOptions {
    /// TCP only: SO_RCVBUF before connecting (0: the system's), to make a
    /// client that does not read fill up quickly.
    int receive_buffer = 0;
};

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
        m_server = std::make_unique<ServerType>(std::move(backend), std::move(options));
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

/// A server on 127.0.0.1, port 0, over PosixBackend.
template <class Threading>
class TcpFixture : public FixtureBase<PosixBackend, Threading> {
public:
    static constexpr bool tcp = true;

    explicit TcpFixture(const Setup& setup = {}) {
        this->m_running = std::make_unique<typename TcpFixture::ServerRun>(
            PosixBackend{}, telechat::server::Endpoint{"127.0.0.1", 0}, setup);
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

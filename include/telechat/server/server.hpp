/// @file
/// @brief telechat::server::Server, the policy-based 3MCP server: it moves
///        bytes between sockets and the Desk, and does nothing else.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "../desk/desk.hpp"
#include "../hash_table.hpp"
#include "../queue.hpp"
#include "concepts.hpp"
#include "threading/policies.hpp"

namespace telechat::server {

/// @brief Everything a Server needs besides its two policies.
struct ServerOptions {
    /// @brief Where to listen (3MCP's default port is 3333; 0 picks a free one).
    Endpoint endpoint{"", 3333};
    /// @brief The desk's limits: key, capacity, max clients, timeouts, output cap...
    DeskOptions desk;
    /// @brief How many loops the Reactors policy runs (0: one per core).
    std::size_t loops = 0;
    /// @brief Where the one-line connection events go (accepted, registered,
    ///        closed); nothing is logged when empty. Never message text, never the key.
    std::function<void(std::string_view)> log;
};

/// @cond TELECHAT_INTERNALS
// Implementation details, kept out of the API reference (docs/server.md
// describes them in prose).
namespace detail {

/// A mutex when the desk is shared between threads; nothing when it is not.
template <bool Shared>
struct DeskMutex {
    std::mutex mutex;
    [[nodiscard]] std::unique_lock<std::mutex> lock() {
        return std::unique_lock<std::mutex>(mutex);
    }
};

template <>
struct DeskMutex<false> {
    struct NoLock {
        ~NoLock() {}  // user-provided, so an unused `lock` variable draws no warning
    };
    [[nodiscard]] NoLock lock() noexcept { return {}; }
};

[[nodiscard]] inline UnixMillis unix_now() noexcept {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

[[nodiscard]] constexpr std::uint64_t token_of(ConnectionId id) noexcept {
    return (std::uint64_t{id.slot} << 32) | id.generation;
}

[[nodiscard]] constexpr ConnectionId id_of(std::uint64_t token) noexcept {
    return ConnectionId{static_cast<std::uint32_t>(token >> 32), static_cast<std::uint32_t>(token)};
}

inline constexpr std::uint64_t listener_token = ~std::uint64_t{0} - 1;

}  // namespace detail
/// @endcond

/**
 * @brief A 3MCP server: a Desk on the network.
 *
 * @tparam Backend how bytes move (PosixBackend, MemoryBackend, or yours).
 * @tparam Threading who runs the loops (Threads, Reactor or Reactors).
 *
 * ## How bytes flow
 * @code
 *   socket --read--> loop's read buffer --Desk::receive--> framer -> parser -> desk
 *                                                                                |
 *   socket <--write-- Desk::pending_output <-- per-connection output buffer <----+
 * @endcode
 * An event loop owns a set of connections and one poller. When a socket is
 * readable the loop reads up to 64 KiB into its one read buffer (a
 * connection owns no input buffer of its own) and hands the bytes to the
 * desk. The desk then names every connection that has new output; the loop
 * writes it, or, if another loop owns that connection, hands it the id and
 * wakes it. Output the socket does not take yet stays in the desk, which
 * drops a client whose backlog passes the output cap; the loop then watches
 * the socket for writability until it drains.
 *
 * ## Where the limits are enforced
 * The desk decides (max clients, output cap, registration and idle
 * timeouts: it says which connection to close and how); the server applies
 * the decision to the socket. The loop that holds the listener calls
 * Desk::expire four times a second. Running out of file descriptors (or, in
 * the threads model, failing to start a client's thread) pauses accepting
 * for 100 to about 200 ms instead of spinning: the listener leaves the
 * poller, the loop waits at most 100 ms per turn, and the first turn that
 * ends 100 ms after the pause puts it back.
 *
 * ## Threads
 * `run()` runs the first loop on the calling thread and starts the others.
 * `stop()` may be called from any thread: every connection gets
 * `QUIT server shutting down`, the output is flushed for up to two seconds,
 * and `run()` returns.
 */
template <SocketBackend Backend, ThreadingPolicy Threading>
class Server {
    class Loop;

public:
    /// @brief A server with the given backend, options and threading policy.
    /// @param backend the socket backend (copied into every loop).
    /// @param options the endpoint, the desk's limits, the loop count, the log.
    /// @param threading the threading policy.
    /// @throws std::invalid_argument if a desk option makes no sense.
    Server(Backend backend, ServerOptions options, Threading threading = {})
        : m_backend(std::move(backend)),
          m_options(std::move(options)),
          m_threading(threading),
          m_desk(m_options.desk) {}

    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    /// @brief Stops and joins every loop still running.
    ~Server() {
        stop();
        join_all();
        if (m_listening) {
            m_backend.close(m_listener);
        }
    }

    /// @brief Binds the listening socket; afterwards port() is known.
    /// @throws std::system_error (or the backend's error) if it cannot listen.
    void listen() {
        m_listener = m_backend.listen(m_options.endpoint);
        m_listening = true;
    }

    /// @brief The port the server listens on (the real one, after port 0).
    /// @return the port, or 0 before listen().
    [[nodiscard]] std::uint16_t port() const {
        return m_listening ? m_backend.local_port(m_listener) : 0;
    }

    /// @brief Serves until stop(), then shuts down cleanly and returns.
    void run() {
        if (!m_listening) {
            listen();
        }
        const std::size_t count = m_threading.loop_count(m_options.loops);
        {
            std::lock_guard<std::mutex> guard(m_loops_mutex);
            for (std::size_t i = 0; i < count; ++i) {
                m_loops.push_back(std::make_unique<Loop>(*this, i == 0));
            }
        }
        for (std::size_t i = 1; i < count; ++i) {
            Loop* loop = m_loops[i].get();
            m_threads.emplace_back([loop] { loop->run(); });
        }
        m_loops.front()->run();
        join_all();
    }

    /// @brief Asks the server to shut down; run() returns soon after.
    ///        Safe from any thread.
    void stop() noexcept {
        m_stopping.store(true);
        std::lock_guard<std::mutex> guard(m_loops_mutex);
        for (const auto& loop : m_loops) {
            loop->wake();
        }
    }

    /// @brief The threading policy's name ("threads", "reactor", "reactors").
    /// @return the name.
    [[nodiscard]] static constexpr const char* model() noexcept { return Threading::name; }

private:
    using Handle = typename Backend::Handle;

    void log(const std::string& line) const {
        if (m_options.log) {
            m_options.log(line);
        }
    }

    void join_all() {
        for (std::thread& thread : m_threads) {
            if (thread.joinable()) {
                thread.join();
            }
        }
        m_threads.clear();
    }

    // Which loop owns the connection in a desk slot; read and written only
    // with the desk locked.
    void set_owner(ConnectionId id, Loop* loop) {
        if (m_owner_by_slot.size() <= id.slot) {
            m_owner_by_slot.resize(id.slot + 1, nullptr);
        }
        m_owner_by_slot[id.slot] = loop;
    }

    // A new loop and thread for one connection (the Threads policy).
    Loop* start_connection_loop() {
        auto loop = std::make_unique<Loop>(*this, false);
        Loop* raw = loop.get();
        std::lock_guard<std::mutex> guard(m_loops_mutex);
        m_loops.reserve(m_loops.size() + 1);
        m_threads.reserve(m_threads.size() + 1);
        m_threads.emplace_back([raw] { raw->run(); });  // if this throws, nothing changed
        m_loops.push_back(std::move(loop));             // cannot throw after the reserve
        return raw;
    }

    // Joins and frees the per-connection loops whose connection is gone.
    void reap_finished_loops() {
        std::lock_guard<std::mutex> guard(m_loops_mutex);
        for (std::size_t i = 1; i < m_loops.size();) {
            if (m_loops[i]->finished()) {
                m_threads[i - 1].join();
                m_threads.erase(m_threads.begin() + static_cast<std::ptrdiff_t>(i - 1));
                m_loops.erase(m_loops.begin() + static_cast<std::ptrdiff_t>(i));
            } else {
                ++i;
            }
        }
    }

    Backend m_backend;
    ServerOptions m_options;
    Threading m_threading;
    Desk m_desk;
    detail::DeskMutex<Threading::shares_desk> m_desk_mutex;
    std::vector<Loop*> m_owner_by_slot;
    Handle m_listener{};
    bool m_listening = false;
    std::atomic<bool> m_stopping{false};
    bool m_desk_shut_down = false;
    std::size_t m_next_loop = 0;
    std::mutex m_loops_mutex;
    std::vector<std::unique_ptr<Loop>> m_loops;  // [0] holds the listener
    std::vector<std::thread> m_threads;          // m_threads[i] runs m_loops[i + 1]
};

/// @cond TELECHAT_INTERNALS
// Server::Loop is private: kept out of the API reference (docs/server.md
// describes it in prose).

/// One event loop: a poller, the connections it owns, and an inbox through
/// which other loops hand it new connections and output.
template <SocketBackend Backend, ThreadingPolicy Threading>
class Server<Backend, Threading>::Loop {
public:
    Loop(Server& server, bool holds_listener)
        : m_server(server),
          m_backend(server.m_backend),
          m_poller(m_backend.make_poller()),
          m_holds_listener(holds_listener),
          m_read_buffer(read_buffer_bytes) {
        if (m_holds_listener) {
            m_poller.add(server.m_listener, detail::listener_token);
        }
    }

    void wake() noexcept { m_poller.wake(); }
    [[nodiscard]] bool finished() const noexcept { return m_finished.load(); }

    // Called by another loop, with the desk locked.
    void adopt(ConnectionId id, Handle handle) {
        deliver_to_inbox([&] { m_new_connections.push(NewConnection{id, handle}); });
    }

    // Called by another loop, with the desk locked.
    void post_ready(ConnectionId id) {
        deliver_to_inbox([&] { m_foreign_ready.push(id); });
    }

    void run() {
        PollEvent events[64];
        for (;;) {
            take_inbox();
            if (done()) {
                break;
            }
            const int timeout = m_listener_paused && !m_shutdown_started
                                    ? static_cast<int>(accept_pause_ms)
                                    : poll_interval_ms;
            const std::size_t count = m_poller.wait(events, timeout);
            for (std::size_t i = 0; i < count; ++i) {
                handle_event(events[i]);
            }
            on_tick();
        }
        close_everything();
        m_finished.store(true);
    }

private:
    struct NewConnection {
        ConnectionId id;
        Handle handle;
    };
    struct Connection {
        Handle handle{};
        bool watching_writes = false;
        bool announced = false;  // its registration was logged
    };

    static constexpr std::size_t read_buffer_bytes = 64 * 1024;
    static constexpr int poll_interval_ms = 250;
    static constexpr std::size_t accepts_per_turn = 64;
    static constexpr UnixMillis accept_pause_ms = 100;
    static constexpr UnixMillis shutdown_grace_ms = 2000;

    // ----- the loop's turns ---------------------------------------------------------

    [[nodiscard]] bool done() {
        if (!m_server.m_stopping.load()) {
            // A per-connection loop ends with its connection.
            return m_adopted_any && m_connections.empty() && Threading::thread_per_connection &&
                   !m_holds_listener;
        }
        if (!m_shutdown_started) {
            begin_shutdown();
        }
        return m_connections.empty() || detail::unix_now() >= m_shutdown_deadline;
    }

    void begin_shutdown() {
        m_shutdown_started = true;
        m_shutdown_deadline = detail::unix_now() + shutdown_grace_ms;
        if (m_holds_listener) {
            stop_listening();
            auto lock = m_server.m_desk_mutex.lock();
            if (!m_server.m_desk_shut_down) {
                m_server.m_desk_shut_down = true;
                m_server.m_desk.shut_down();
            }
            dispatch_ready();
        }
    }

    void handle_event(const PollEvent& event) {
        if (event.token == wake_token) {
            return;
        }
        if (event.token == detail::listener_token) {
            accept_connections();
            return;
        }
        const ConnectionId id = detail::id_of(event.token);
        if (event.readable) {
            read_from(id);
        }
        if (event.writable && m_connections.contains(event.token)) {
            auto lock = m_server.m_desk_mutex.lock();
            if (m_server.m_desk.is_open(id)) {
                flush(id);
                dispatch_ready();
            }
        }
    }

    void on_tick() {
        const UnixMillis now = detail::unix_now();
        if (!m_holds_listener) {
            return;
        }
        if (m_listener_paused && now >= m_resume_accepting_at && !m_server.m_stopping.load()) {
            m_poller.add(m_server.m_listener, detail::listener_token);
            m_listener_paused = false;
        }
        if (now < m_next_tick) {
            return;
        }
        m_next_tick = now + poll_interval_ms;
        {
            auto lock = m_server.m_desk_mutex.lock();
            m_server.m_desk.expire(now);
            dispatch_ready();
        }
        if constexpr (Threading::thread_per_connection) {
            m_server.reap_finished_loops();
        }
    }

    // ----- accepting ----------------------------------------------------------------

    void accept_connections() {
        for (std::size_t i = 0; i < accepts_per_turn && !m_listener_paused; ++i) {
            const auto [status, handle] = m_backend.accept(m_server.m_listener);
            if (status == IoStatus::ok) {
                welcome(handle);
            } else if (status == IoStatus::exhausted) {
                // Out of descriptors: stop watching the listener for a while
                // (it would stay readable and the loop would spin).
                m_server.log("accept: out of file descriptors; pausing for 100 ms");
                pause_listening();
            } else {
                return;
            }
        }
    }

    void welcome(Handle handle) {
        std::string peer = m_backend.peer_name(handle);
        Loop* owner = this;
        if constexpr (Threading::thread_per_connection) {
            try {
                owner = m_server.start_connection_loop();
            } catch (const std::exception& error) {
                // No thread or descriptor for one more client: refuse it and
                // back off as for EMFILE, instead of letting run() die.
                m_backend.close(handle);
                m_server.log(std::string("refused ") + peer + ": cannot start its thread (" +
                             error.what() + "); pausing accepts");
                pause_listening();
                return;
            }
        } else {
            std::lock_guard<std::mutex> guard(m_server.m_loops_mutex);
            owner = m_server.m_loops[m_server.m_next_loop++ % m_server.m_loops.size()].get();
        }
        auto lock = m_server.m_desk_mutex.lock();
        const ConnectionId id = m_server.m_desk.open(detail::unix_now());
        m_server.set_owner(id, owner);
        m_server.log("accepted #" + std::to_string(id.slot) + " from " + peer);
        if (owner == this) {
            own(id, handle);
        } else {
            owner->adopt(id, handle);
        }
        dispatch_ready();
    }

    void pause_listening() {
        m_poller.remove(m_server.m_listener);
        m_listener_paused = true;
        m_resume_accepting_at = detail::unix_now() + accept_pause_ms;
    }

    void stop_listening() {
        if (!m_listener_paused) {
            m_poller.remove(m_server.m_listener);
            m_listener_paused = true;
        }
        m_resume_accepting_at = std::numeric_limits<UnixMillis>::max();
    }

    void own(ConnectionId id, Handle handle) {
        m_connections.insert_or_assign(detail::token_of(id), Connection{handle, false, false});
        m_poller.add(handle, detail::token_of(id));
        m_adopted_any = true;
    }

    // Only the first hand-off into an empty inbox wakes the loop: it takes
    // the whole inbox at once, and a wake-up is a system call on each side.
    // None is lost: a hand-off that finds the inbox empty came after the
    // loop's last take_inbox(), so that loop has still to see its wake-up.
    template <class Push>
    void deliver_to_inbox(Push push) {
        bool was_empty = false;
        {
            std::lock_guard<std::mutex> guard(m_inbox_mutex);
            was_empty = m_new_connections.empty() && m_foreign_ready.empty();
            push();
        }
        if (was_empty) {
            wake();
        }
    }

    // The inbox is double-buffered: the queues swap with these, which keep
    // their capacity, so a hand-off allocates nothing in steady state.
    void take_inbox() {
        Queue<NewConnection>& arrived = m_taken_connections;
        Queue<ConnectionId>& ready = m_taken_ready;
        {
            std::lock_guard<std::mutex> guard(m_inbox_mutex);
            arrived.swap(m_new_connections);
            ready.swap(m_foreign_ready);
        }
        if (arrived.empty() && ready.empty()) {
            return;
        }
        auto lock = m_server.m_desk_mutex.lock();
        for (; !arrived.empty(); arrived.pop()) {
            own(arrived.front().id, arrived.front().handle);
            flush(arrived.front().id);
        }
        for (; !ready.empty(); ready.pop()) {
            if (m_server.m_desk.is_open(ready.front()) && owns(ready.front())) {
                flush(ready.front());
            }
        }
        dispatch_ready();
    }

    // ----- reading and writing --------------------------------------------------------

    void read_from(ConnectionId id) {
        const auto found = m_connections.find(detail::token_of(id));
        if (found == m_connections.end()) {
            return;
        }
        const Handle handle = found->second.handle;
        const IoResult result = m_backend.read(handle, m_read_buffer);
        if (result.status == IoStatus::would_block) {
            return;
        }
        auto lock = m_server.m_desk_mutex.lock();
        if (!m_server.m_desk.is_open(id)) {
            return;
        }
        if (result.status == IoStatus::ok) {
            m_server.m_desk.receive(id, std::string_view(m_read_buffer.data(), result.bytes),
                                    detail::unix_now());
            announce_registration(id);
            // The recipients first, the sender's replies last: a relayed
            // message then leaves one system call sooner, and no client can
            // tell, since each connection's own bytes keep their order.
            dispatch_ready(id);
            flush(id);
        } else {
            // End of stream or a reset: what was complete has been handled;
            // send what the socket still takes, then the user leaves.
            flush(id);
            if (m_server.m_desk.is_open(id)) {
                drop(id, result.status == IoStatus::closed ? "peer closed the connection"
                                                           : "read error");
            }
        }
        dispatch_ready();
    }

    void announce_registration(ConnectionId id) {
        Connection& connection = m_connections.find(detail::token_of(id))->second;
        if (connection.announced) {
            return;
        }
        const std::optional<protocol::Role> role = m_server.m_desk.role_of(id);
        if (role) {
            connection.announced = true;
            m_server.log("registered #" + std::to_string(id.slot) + " as " +
                         (*role == protocol::Role::agent ? "agent " : "customer ") +
                         std::string(m_server.m_desk.name_of(id)));
        }
    }

    // Sends the desk's pending output for `id`, honouring its close mode.
    // Needs the desk locked.
    void flush(ConnectionId id) {
        const auto found = m_connections.find(detail::token_of(id));
        if (found == m_connections.end() || !m_server.m_desk.is_open(id)) {
            return;
        }
        Desk& desk = m_server.m_desk;
        if (desk.close_mode(id) == CloseMode::immediately) {
            return drop(id, std::string(desk.close_reason(id)));
        }
        std::string_view pending = desk.pending_output(id);
        while (!pending.empty()) {
            const IoResult result = m_backend.write(found->second.handle, pending);
            if (result.status == IoStatus::would_block) {
                break;
            }
            if (result.status != IoStatus::ok) {
                return drop(id, "write failed: peer gone");
            }
            desk.consume_output(id, result.bytes);
            pending = desk.pending_output(id);
        }
        watch_writes(found->second, id, !pending.empty());
        if (pending.empty() && desk.close_mode(id) == CloseMode::after_output) {
            drop(id, std::string(desk.close_reason(id)));
        }
    }

    void watch_writes(Connection& connection, ConnectionId id, bool wanted) {
        if (connection.watching_writes != wanted) {
            connection.watching_writes = wanted;
            m_poller.watch_writes(connection.handle, detail::token_of(id), wanted);
        }
    }

    // Closes the socket and tells the desk. Needs the desk locked.
    void drop(ConnectionId id, const std::string& why) {
        const auto found = m_connections.find(detail::token_of(id));
        if (found == m_connections.end()) {
            return;
        }
        m_poller.remove(found->second.handle);
        m_backend.close(found->second.handle);
        m_connections.erase(found);
        m_server.log("closed #" + std::to_string(id.slot) + " (" + why + ")");
        m_server.m_desk.close(id, detail::unix_now());
    }

    // Every connection the desk says has news: written here if this loop
    // owns it, else handed to its owner. Needs the desk locked.
    // `later` is left out: the caller flushes it itself, afterwards.
    void dispatch_ready(std::optional<ConnectionId> later = std::nullopt) {
        while (const std::optional<ConnectionId> id = m_server.m_desk.next_ready()) {
            Loop* owner = m_server.m_owner_by_slot[id->slot];
            if (id == later) {
                continue;
            }
            if (owner == this) {
                flush(*id);
            } else {
                owner->post_ready(*id);
            }
        }
    }

    [[nodiscard]] bool owns(ConnectionId id) const {
        return m_connections.contains(detail::token_of(id));
    }

    void close_everything() {
        if (m_connections.empty() && !m_holds_listener) {
            return;
        }
        auto lock = m_server.m_desk_mutex.lock();
        while (!m_connections.empty()) {
            const ConnectionId id = detail::id_of(m_connections.begin()->first);
            drop(id, "server shutting down");
        }
        while (m_server.m_desk.next_ready()) {
            // Nobody is left to write to.
        }
    }

    Server& m_server;
    Backend m_backend;
    typename Backend::PollerType m_poller;
    bool m_holds_listener;
    std::vector<char> m_read_buffer;
    HashTable<std::uint64_t, Connection> m_connections;
    std::mutex m_inbox_mutex;
    Queue<NewConnection> m_new_connections;
    Queue<ConnectionId> m_foreign_ready;
    Queue<NewConnection> m_taken_connections;
    Queue<ConnectionId> m_taken_ready;
    std::atomic<bool> m_finished{false};
    bool m_adopted_any = false;
    bool m_shutdown_started = false;
    bool m_listener_paused = false;
    UnixMillis m_shutdown_deadline = 0;
    UnixMillis m_resume_accepting_at = 0;
    UnixMillis m_next_tick = 0;
};
/// @endcond

}  // namespace telechat::server

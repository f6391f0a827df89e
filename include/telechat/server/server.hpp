/// @file
/// @brief telechat::server::Server, the policy-based 3MCP server: it moves
///        bytes between sockets and the Desk, and does nothing else.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "../desk/desk.hpp"
#include "../hash_table.hpp"
#include "concepts.hpp"
#include "threading/threading_model.hpp"

namespace telechat::server {

/// @brief Everything a Server needs besides its two policies.
struct ServerOptions {
    /// @brief Where to listen (3MCP's default port is 3333; 0 picks a free one).
    Endpoint endpoint{"", 3333};
    /// @brief The desk's limits: key, capacity, max clients, timeouts, output cap...
    DeskOptions desk;
    /// @brief How many loops the user asks for (LoopHost::requested_loops();
    ///        ReactorPerCore runs that many, 0: one per core).
    std::size_t loops = 0;
    /// @brief How long a connection the server closes may linger, in
    ///        milliseconds: its input is read and discarded until the peer
    ///        closes too or this time passes (see LingeringCloses).
    std::int64_t linger_ms = 2000;
    /// @brief How many connections may linger at once, in the whole server;
    ///        beyond it a closing connection is closed at once.
    std::size_t max_lingering = 1024;
    /// @brief Where the one-line connection events go (accepted, registered,
    ///        closed); nothing is logged when empty. Never message text, never
    ///        the key. Called from the loops' threads, never with the desk held.
    std::function<void(std::string_view)> log;
};

/**
 * @brief A 3MCP server: a Desk on the network.
 *
 * @tparam Backend how bytes move (PosixBackend, MemoryBackend, or yours).
 * @tparam Threading who runs the loops (SingleReactor, ReactorPerCore,
 *         ThreadPerConnection, or yours: a ThreadingModel).
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
 * the socket for writability until it drains. Before any output leaves,
 * the loop asks the desk to save its history (Desk::save_history): with a
 * durable storage, the replies of a whole turn's reads wait for one save
 * (group commit). Every touch of the desk goes through the model's DeskGuard; log lines are
 * formatted and written after it, never inside.
 *
 * ## Who does what
 * The ThreadingModel decides how many loops run, on which threads, which
 * loop takes a new connection, when a loop ends and how its threads are
 * reaped, and how loops share the desk. The server offers it a LoopHost
 * and runs the mechanics of every loop, the same for every model.
 *
 * ## Where the limits are enforced
 * The desk decides (max clients, output cap, registration and idle
 * timeouts: it says which connection to close and how); the server applies
 * the decision to the socket. The acceptor loop (the first) calls
 * Desk::expire four times a second. Running out of file descriptors (or
 * failing to start a thread) pauses accepting for 100 ms instead of
 * spinning. A connection the server closes lingers (ServerOptions::linger_ms,
 * ServerOptions::max_lingering) so that the client reads all that was
 * written to it, then a clean end of stream. All time comes from
 * `Backend::now()`.
 *
 * ## Threads
 * `run()` hands over to the model, which runs the first loop on the calling
 * thread. `stop()` may be called from any thread: every connection gets
 * `QUIT server shutting down`, the output is flushed for up to two seconds,
 * and `run()` returns. An exception in any loop stops the server, and
 * `run()` throws it once every loop has ended.
 */
template <SocketBackend Backend, ThreadingModel Threading>
class Server {
    class Loop;
    class Host;

public:
    /// @brief A server with the given backend, options and threading model.
    /// @param backend the socket backend (copied into every loop).
    /// @param options the endpoint, the desk's limits, the loop count, the log.
    /// @param threading the threading model.
    /// @param storage where the desk's history goes besides memory (its
    ///        records from before are loaded now); memory only by default.
    /// @throws std::invalid_argument if a desk option makes no sense; what
    ///         the storage throws while loading.
    Server(Backend backend, ServerOptions options, Threading threading = {},
           history::AnyHistoryStorage storage = {})
        : m_backend(std::move(backend)),
          m_options(std::move(options)),
          m_threading(std::move(threading)),
          m_desk(m_options.desk, std::move(storage)) {}

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
    /// @throws what a loop threw, after every loop has ended; std::logic_error
    ///         if the model breaks its own `max_loops`.
    void run() {
        if (!m_listening) {
            listen();
        }
        Host host(*this);
        try {
            m_threading.run(host);
        } catch (...) {
            stop();
            join_all();
            throw;
        }
        join_all();
        if (m_loop_error) {
            std::rethrow_exception(m_loop_error);
        }
    }

    /// @brief Asks the server to shut down; run() returns soon after.
    ///        Safe from any thread.
    void stop() noexcept {
        m_stopping.store(true);
        const std::lock_guard<std::mutex> guard(m_loops_mutex);
        for (const LoopSlot& slot : m_loops) {
            slot.loop->wake();
        }
    }

    /// @brief Where the history lives and how it is synced, in one line
    ///        (history::HistoryStorage::describe()).
    /// @return the line; call it before run().
    [[nodiscard]] std::string history_storage() const { return m_desk.history_storage(); }

    /// @brief The threading model's name ("threads", "reactor", "reactors", ...).
    /// @return the name.
    [[nodiscard]] static constexpr const char* model() noexcept { return Threading::name; }

private:
    using Handle = typename Backend::Handle;

    struct LoopSlot {
        std::unique_ptr<Loop> loop;
        std::thread thread;  // empty for a loop run on a caller's thread
    };

    void log(std::string_view line) const {
        if (m_options.log) {
            m_options.log(line);
        }
    }

    // ----- the LoopHost, through Host --------------------------------------------------

    LoopId add_loop() {
        const std::lock_guard<std::mutex> guard(m_loops_mutex);
        if (Threading::max_loops != 0 && m_loops.size() >= Threading::max_loops) {
            throw std::logic_error(std::string("threading model '") + Threading::name +
                                   "' adds more loops than its max_loops (" +
                                   std::to_string(Threading::max_loops) +
                                   "): its desk guard may not allow more");
        }
        const LoopId id = m_next_loop_id++;
        m_loops.reserve(m_loops.size() + 1);
        m_loops.push_back(LoopSlot{std::make_unique<Loop>(*this, id, id == 0), {}});
        m_loop_by_id.insert_or_assign(id, m_loops.back().loop.get());
        if (m_stopping.load()) {
            m_loops.back().loop->wake();  // a loop added during a stop sees it at once
        }
        return id;
    }

    Loop& loop_named(LoopId id) {
        const std::lock_guard<std::mutex> guard(m_loops_mutex);
        const auto found = m_loop_by_id.find(id);
        if (found == m_loop_by_id.end()) {
            throw std::logic_error("threading model: no loop " + std::to_string(id));
        }
        return *found->second;
    }

    void run_on_new_thread(LoopId id) {
        Loop* loop = &loop_named(id);
        const std::lock_guard<std::mutex> guard(m_loops_mutex);
        LoopSlot& slot = slot_of(id);
        try {
            slot.thread = std::thread([this, loop] { run_guarded(*loop); });
        } catch (...) {
            erase_slot(id);  // strong guarantee: a loop that cannot start is gone
            throw;
        }
    }

    // An exception in a loop on its own thread stops the server; run() throws it.
    void run_guarded(Loop& loop) {
        try {
            loop.run();
        } catch (...) {
            {
                const std::lock_guard<std::mutex> guard(m_loops_mutex);
                if (!m_loop_error) {
                    m_loop_error = std::current_exception();
                }
            }
            loop.close_after_failure();
            loop.mark_finished();
            stop();
        }
    }

    // A finished loop's thread is joined before the loop is freed: the
    // thread still touches its loop for a moment after saying it finished.
    std::size_t remove_finished_loops() {
        if (m_finished_loops.load() == 0) {
            return 0;
        }
        std::vector<std::pair<LoopId, std::thread>> finished;
        {
            const std::lock_guard<std::mutex> guard(m_loops_mutex);
            for (LoopSlot& slot : m_loops) {
                if (slot.thread.joinable() && slot.loop->finished()) {
                    finished.emplace_back(slot.loop->id(), std::move(slot.thread));
                }
            }
        }
        for (auto& entry : finished) {
            entry.second.join();  // its loop has ended: this returns at once
        }
        const std::lock_guard<std::mutex> guard(m_loops_mutex);
        for (const auto& entry : finished) {
            erase_slot(entry.first);
        }
        m_finished_loops.fetch_sub(finished.size());
        return finished.size();
    }

    void join_all() {
        for (;;) {
            std::thread thread;
            {
                const std::lock_guard<std::mutex> guard(m_loops_mutex);
                for (LoopSlot& slot : m_loops) {
                    if (slot.thread.joinable()) {
                        thread = std::move(slot.thread);
                        break;
                    }
                }
            }
            if (!thread.joinable()) {
                return;
            }
            thread.join();  // without the lock: the loop may still add or look up loops
        }
    }

    // The slot of loop `id`, searched newest first: the loop a model has
    // just added (a thread per connection, on every accept) is the last.
    // Needs m_loops_mutex.
    typename std::vector<LoopSlot>::iterator find_slot(LoopId id) {
        const auto found =
            std::find_if(m_loops.rbegin(), m_loops.rend(),
                         [id](const LoopSlot& slot) { return slot.loop->id() == id; });
        if (found == m_loops.rend()) {
            throw std::logic_error("threading model: no loop " + std::to_string(id));
        }
        return std::prev(found.base());
    }

    // Needs m_loops_mutex.
    LoopSlot& slot_of(LoopId id) { return *find_slot(id); }

    // Needs m_loops_mutex.
    void erase_slot(LoopId id) {
        m_loops.erase(find_slot(id));
        m_loop_by_id.erase(id);
    }

    // Which loop owns the connection in a desk slot; used only inside desk work.
    void set_owner(ConnectionId id, Loop* loop) {
        if (m_owner_by_slot.size() <= id.slot) {
            m_owner_by_slot.resize(id.slot + 1, nullptr);
        }
        m_owner_by_slot[id.slot] = loop;
    }

    Backend m_backend;
    ServerOptions m_options;
    Threading m_threading;
    Desk m_desk;
    typename Threading::DeskGuardType m_desk_guard;
    std::vector<Loop*> m_owner_by_slot;
    Handle m_listener{};
    bool m_listening = false;
    std::atomic<bool> m_stopping{false};
    bool m_desk_shut_down = false;                 // inside desk work only
    std::atomic<std::size_t> m_lingering{0};       // connections lingering, all loops
    std::atomic<std::size_t> m_finished_loops{0};  // ended, not yet removed
    mutable std::mutex m_loops_mutex;              // guards the members below
    std::vector<LoopSlot> m_loops;
    HashTable<LoopId, Loop*> m_loop_by_id;
    LoopId m_next_loop_id = 0;
    std::exception_ptr m_loop_error;
};

/// @cond TELECHAT_INTERNALS
// Server::Host is private: the LoopHost a model sees, nothing more.
template <SocketBackend Backend, ThreadingModel Threading>
class Server<Backend, Threading>::Host {
public:
    explicit Host(Server& server) : m_server(server) {}
    LoopId add_loop() { return m_server.add_loop(); }
    void run_here(LoopId loop) { m_server.loop_named(loop).run(); }
    void run_on_new_thread(LoopId loop) { m_server.run_on_new_thread(loop); }
    [[nodiscard]] std::size_t loop_count() const {
        const std::lock_guard<std::mutex> guard(m_server.m_loops_mutex);
        return m_server.m_loops.size();
    }
    [[nodiscard]] LoopId loop_at(std::size_t index) const {
        const std::lock_guard<std::mutex> guard(m_server.m_loops_mutex);
        return m_server.m_loops.at(index).loop->id();
    }
    std::size_t remove_finished_loops() { return m_server.remove_finished_loops(); }
    void join_loops() { m_server.join_all(); }
    [[nodiscard]] std::size_t requested_loops() const { return m_server.m_options.loops; }

private:
    Server& m_server;
};
/// @endcond

}  // namespace telechat::server

#include "event_loop.hpp"  // Server::Loop, the mechanics of one event loop

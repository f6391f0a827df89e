/// @file
/// @brief Server::Loop, the mechanics of one event loop of
///        telechat::server::Server: the same for every threading model.
///        Included by server.hpp; not a header of its own.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "../hash_table.hpp"
#include "../queue.hpp"
#include "connection_log.hpp"
#include "lingering_closes.hpp"
#include "loop_inbox.hpp"
#include "server.hpp"

namespace telechat::server {

/// @cond TELECHAT_INTERNALS
// Server::Loop is private: kept out of the API reference (docs/server.md
// describes it in prose).
namespace detail {

[[nodiscard]] constexpr std::uint64_t token_of(ConnectionId id) noexcept {
    return (std::uint64_t{id.slot} << 32) | id.generation;
}

[[nodiscard]] constexpr ConnectionId id_of(std::uint64_t token) noexcept {
    return ConnectionId{static_cast<std::uint32_t>(token >> 32), static_cast<std::uint32_t>(token)};
}

inline constexpr std::uint64_t listener_token = ~std::uint64_t{0} - 1;

}  // namespace detail

/// One event loop: a poller, the connections it owns, the ones it is
/// closing, and an inbox through which other loops hand it new connections
/// and output.
template <SocketBackend Backend, ThreadingModel Threading>
class Server<Backend, Threading>::Loop {
public:
    Loop(Server& server, LoopId id, bool acceptor)
        : m_server(server),
          m_backend(server.m_backend),
          m_poller(m_backend.make_poller()),
          m_id(id),
          m_acceptor(acceptor),
          m_read_buffer(read_buffer_bytes),
          m_log(server.m_options.log) {
        if (m_acceptor) {
            m_poller.add(server.m_listener, detail::listener_token);
        }
    }

    [[nodiscard]] LoopId id() const noexcept { return m_id; }
    void wake() noexcept { m_poller.wake(); }
    [[nodiscard]] bool finished() const noexcept { return m_finished.load(); }
    // After an exception ended run(): the loop's connections leave the desk
    // (their sockets are closed, nothing more is sent to them), so that no
    // other loop hands news to this one once a model has reaped it. A
    // second failure here is dropped: the first is the one reported.
    void close_after_failure() noexcept {
        try {
            close_everything();
        } catch (...) {
        }
    }

    // Only the loop's own thread calls this. The count goes up first, so a
    // reaper that sees the loop finished never subtracts before it is added.
    void mark_finished() noexcept {
        if (!m_finished.load()) {
            m_server.m_finished_loops.fetch_add(1);
            m_finished.store(true);
        }
    }

    // Called by another loop, inside desk work.
    void adopt(ConnectionId id, Handle handle) {
        if (m_inbox.deliver_connection(id, handle)) {
            wake();
        }
    }

    // Called by another loop, inside desk work.
    void post_ready(ConnectionId id) {
        if (m_inbox.deliver_ready(id)) {
            wake();
        }
    }

    void run() {
        PollEvent events[64];
        NextTurn next;
        for (;;) {
            take_inbox();
            if (done()) {
                break;
            }
            const int timeout = wait_ms(next);
            const std::size_t count = m_poller.wait(events, timeout);
            if (count == 0 && (timeout < 0 || timeout >= shutdown_quiet_ms)) {
                m_waited_in_quiet = true;  // a whole quiet period, by the poller's clock
            }
            for (std::size_t i = 0; i < count; ++i) {
                handle_event(events[i]);
            }
            send_held_output();
            on_timers();
            Host host(m_server);
            next = m_server.m_threading.after_turn(host, state());
            if (next.end_loop) {
                break;
            }
        }
        close_everything();
        mark_finished();
    }

private:
    struct Connection {
        Handle handle{};
        bool watching_writes = false;
        bool announced = false;  // its registration was logged
    };
    // How a connection ends: gracefully (send all, then linger) or at once.
    enum class Closing { linger, abort };

    static constexpr std::size_t read_buffer_bytes = std::size_t{64} * 1024;
    static constexpr UnixMillis tick_ms = 250;
    static constexpr std::size_t accepts_per_turn = 64;
    static constexpr std::size_t drains_per_turn = 4;
    static constexpr UnixMillis accept_pause_ms = 100;
    static constexpr UnixMillis shutdown_grace_ms = 2000;
    static constexpr UnixMillis shutdown_quiet_ms = 250;
    static constexpr UnixMillis longest_wait_ms = 60'000;

    // ----- the loop's turns ---------------------------------------------------------

    [[nodiscard]] bool done() {
        if (!m_server.m_stopping.load()) {
            return false;
        }
        if (!m_shutdown_started) {
            begin_shutdown();
        }
        if (m_connections.empty() && lingering_is_quiet()) {
            // Shutting down, lingering connections are closed once they have
            // been quiet for a moment and nothing they sent is left unread:
            // the server does not wait the whole grace for clients that keep
            // their end open after the QUIT, and a client still sending its
            // last lines is not answered with a reset.
            for (const std::uint64_t token : m_lingering.tokens()) {
                drain_lingering(token, true);
            }
        }
        return (m_connections.empty() && m_lingering.empty()) ||
               m_backend.now() >= m_shutdown_deadline;
    }

    [[nodiscard]] LoopState state() const {
        return LoopState{m_id, m_acceptor, m_connections.size() + m_lingering.size(), m_served_any};
    }

    // The model's wait, shortened to the next of this loop's own deadlines.
    [[nodiscard]] int wait_ms(const NextTurn& next) {
        UnixMillis deadline = std::numeric_limits<UnixMillis>::max();
        if (m_acceptor) {
            deadline =
                m_listener_paused ? std::min(m_next_tick, m_resume_accepting_at) : m_next_tick;
        }
        if (const std::optional<UnixMillis> lingering = m_lingering.next_deadline()) {
            deadline = std::min(deadline, *lingering);
        }
        if (m_shutdown_started) {
            deadline = std::min(deadline, m_shutdown_deadline);
            if (!m_lingering.empty()) {
                deadline = std::min(deadline, m_lingering_heard_at + shutdown_quiet_ms);
            }
        }
        if (deadline == std::numeric_limits<UnixMillis>::max()) {
            return next.wait_ms;
        }
        const UnixMillis left =
            std::clamp<UnixMillis>(deadline - m_backend.now(), 0, longest_wait_ms);
        return next.wait_ms < 0 ? static_cast<int>(left)
                                : std::min(next.wait_ms, static_cast<int>(left));
    }

    void begin_shutdown() {
        m_shutdown_started = true;
        m_shutdown_deadline = m_backend.now() + shutdown_grace_ms;
        if (m_acceptor) {
            stop_listening();
            with_desk([&] {
                if (!m_server.m_desk_shut_down) {
                    m_server.m_desk_shut_down = true;
                    m_server.m_desk.shut_down();
                }
                dispatch_ready();
            });
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
        if (m_lingering.contains(event.token)) {
            drain_lingering(event.token);
            return;
        }
        const ConnectionId id = detail::id_of(event.token);
        if (event.readable) {
            read_from(id);
        }
        if (event.writable && owns(id)) {
            with_desk([&] {
                if (m_server.m_desk.is_open(id)) {
                    flush(id);
                    dispatch_ready();
                }
            });
        }
    }

    void on_timers() {
        const UnixMillis now = m_backend.now();
        close_expired_lingering(now);
        if (!m_acceptor) {
            return;
        }
        if (m_listener_paused && now >= m_resume_accepting_at) {
            m_poller.add(m_server.m_listener, detail::listener_token);
            m_listener_paused = false;
        }
        if (now >= m_next_tick) {
            m_next_tick = now + tick_ms;
            with_desk([&] {
                m_server.m_desk.expire(now);
                dispatch_ready();
            });
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
        std::string peer = m_log.enabled() ? m_backend.peer_name(handle) : std::string();
        Loop* owner = nullptr;
        try {
            Host host(m_server);
            owner = &m_server.loop_named(m_server.m_threading.place_connection(host, m_id));
        } catch (const std::system_error&) {
            // No thread or descriptor for one more client. (The exception is
            // not inspected: with the process out of descriptors, even
            // UBSan's check of a member call on it fails.)
            return refuse(handle, peer);
        } catch (const std::bad_alloc&) {
            return refuse(handle, peer);
        }
        const UnixMillis now = m_backend.now();
        with_desk([&] {
            const ConnectionId id = m_server.m_desk.open(now);
            m_server.set_owner(id, owner);
            m_log.record(ConnectionLog::Kind::accepted, id.slot, std::move(peer));
            if (owner == this) {
                own(id, handle);
            } else {
                owner->adopt(id, handle);
            }
            dispatch_ready();
        });
    }

    // Refuses a client the model could not place, and backs off as for
    // EMFILE instead of letting run() die.
    void refuse(Handle handle, const std::string& peer) {
        m_backend.close(handle);
        m_server.log("refused " + peer + ": no thread or descriptor to serve it; pausing accepts");
        pause_listening();
    }

    void pause_listening() {
        m_poller.remove(m_server.m_listener);
        m_listener_paused = true;
        m_resume_accepting_at = m_backend.now() + accept_pause_ms;
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
        m_served_any = true;
    }

    void take_inbox() {
        if (!m_inbox.take()) {
            return;
        }
        with_desk([&] {
            for (auto& arrived = m_inbox.taken_connections(); !arrived.empty(); arrived.pop()) {
                own(arrived.front().id, arrived.front().handle);
                flush(arrived.front().id);
            }
            for (auto& ready = m_inbox.taken_ready(); !ready.empty(); ready.pop()) {
                if (m_server.m_desk.is_open(ready.front()) && owns(ready.front())) {
                    flush(ready.front());
                }
            }
            dispatch_ready();
        });
    }

    // ----- reading and writing --------------------------------------------------------

    void read_from(ConnectionId id) {
        const auto found = m_connections.find(detail::token_of(id));
        if (found == m_connections.end()) {
            return;
        }
        const IoResult result = m_backend.read(found->second.handle, m_read_buffer);
        if (result.status == IoStatus::would_block) {
            return;
        }
        const UnixMillis now = m_backend.now();
        with_desk([&] {
            if (!m_server.m_desk.is_open(id)) {
                return;
            }
            if (result.status == IoStatus::ok) {
                m_server.m_desk.receive(id, std::string_view(m_read_buffer.data(), result.bytes),
                                        now);
                note_registration(id);
                if (m_server.m_desk.history_unsaved()) {
                    // Group commit: the replies wait for one save of the history
                    // at the end of this turn, with those of the turn's other reads.
                    m_holding_output = true;
                    return;
                }
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
                    drop(id,
                         result.status == IoStatus::closed ? "peer closed the connection"
                                                           : "read error",
                         Closing::abort);
                }
            }
            dispatch_ready();
        });
    }

    void note_registration(ConnectionId id) {
        Connection& connection = m_connections.find(detail::token_of(id))->second;
        if (connection.announced) {
            return;
        }
        if (const std::optional<protocol::Role> role = m_server.m_desk.role_of(id)) {
            connection.announced = true;
            m_log.record(*role == protocol::Role::agent ? ConnectionLog::Kind::agent
                                                        : ConnectionLog::Kind::customer,
                         id.slot, std::string(m_server.m_desk.name_of(id)));
        }
    }

    // The output held back in this turn's reads, sent once the history is saved.
    void send_held_output() {
        if (m_holding_output) {
            m_holding_output = false;
            with_desk([&] { dispatch_ready(); });
        }
    }

    // Sends the desk's pending output for `id`, honouring its close mode.
    // The history is saved first: no reply leaves before the record of the
    // message it acknowledges is kept (see Desk::save_history). Inside desk work.
    void flush(ConnectionId id) {
        m_server.m_desk.save_history();
        const auto found = m_connections.find(detail::token_of(id));
        if (found == m_connections.end() || !m_server.m_desk.is_open(id)) {
            return;
        }
        Desk& desk = m_server.m_desk;
        if (desk.close_mode(id) == CloseMode::immediately) {
            return drop(id, desk.close_reason(id), Closing::abort);
        }
        std::string_view pending = desk.pending_output(id);
        while (!pending.empty()) {
            const IoResult result = m_backend.write(found->second.handle, pending);
            if (result.status == IoStatus::would_block) {
                break;
            }
            if (result.status != IoStatus::ok) {
                return drop(id, "write failed: peer gone", Closing::abort);
            }
            desk.consume_output(id, result.bytes);
            pending = desk.pending_output(id);
        }
        watch_writes(found->second, id, !pending.empty());
        if (pending.empty() && desk.close_mode(id) == CloseMode::after_output) {
            drop(id, desk.close_reason(id), Closing::linger);
        }
    }

    void watch_writes(Connection& connection, ConnectionId id, bool wanted) {
        if (connection.watching_writes != wanted) {
            connection.watching_writes = wanted;
            m_poller.watch_writes(connection.handle, detail::token_of(id), wanted);
        }
    }

    // Ends the connection on the socket (gracefully or at once) and tells
    // the desk. Inside desk work.
    void drop(ConnectionId id, std::string_view why, Closing how) {
        const auto found = m_connections.find(detail::token_of(id));
        if (found == m_connections.end()) {
            return;
        }
        const Connection connection = found->second;
        m_connections.erase(found);
        if (connection.watching_writes) {
            m_poller.watch_writes(connection.handle, detail::token_of(id), false);
        }
        if (how == Closing::abort || !start_lingering(detail::token_of(id), connection.handle)) {
            m_poller.remove(connection.handle);
            m_backend.close(connection.handle);
        }
        m_log.record(ConnectionLog::Kind::closed, id.slot, std::string(why));
        m_server.m_desk.close(id, m_backend.now());
    }

    // ----- lingering closes (see LingeringCloses) -----------------------------------

    bool start_lingering(std::uint64_t token, Handle handle) {
        if (m_server.m_lingering.fetch_add(1) >= m_server.m_options.max_lingering ||
            m_server.m_options.linger_ms <= 0) {
            m_server.m_lingering.fetch_sub(1);
            return false;
        }
        m_backend.shutdown_sending(handle);
        heard_from_lingering();
        m_lingering.add(token, handle, m_lingering_heard_at + m_server.m_options.linger_ms);
        return true;
    }

    void heard_from_lingering() {
        m_lingering_heard_at = m_backend.now();
        m_waited_in_quiet = false;
    }

    // Whether no lingering connection of this loop has started or sent
    // anything for shutdown_quiet_ms, or a whole wait (at most that long,
    // see wait_ms()) has passed with nothing at all. The second half keeps
    // a clock that only a test moves (MemoryNetwork) from holding up a stop.
    [[nodiscard]] bool lingering_is_quiet() const {
        return m_waited_in_quiet || m_backend.now() - m_lingering_heard_at >= shutdown_quiet_ms;
    }

    // Reads and discards what a lingering connection still sends, a
    // bounded amount per turn; its end of stream ends the linger. With
    // `close_when_dry`, so does having nothing unread (at shutdown).
    void drain_lingering(std::uint64_t token, bool close_when_dry = false) {
        for (std::size_t i = 0; i < drains_per_turn; ++i) {
            const IoResult result = m_backend.read(m_lingering.handle_of(token), m_read_buffer);
            if (result.status == IoStatus::would_block) {
                if (close_when_dry) {
                    end_lingering(token);
                }
                return;
            }
            if (result.status != IoStatus::ok) {
                return end_lingering(token);
            }
            heard_from_lingering();
        }
    }

    void end_lingering(std::uint64_t token) {
        const Handle handle = m_lingering.remove(token);
        m_poller.remove(handle);
        m_backend.close(handle);
        m_server.m_lingering.fetch_sub(1);
    }

    void close_expired_lingering(UnixMillis now) {
        while (const std::optional<std::uint64_t> token = m_lingering.next_expired(now)) {
            end_lingering(*token);
        }
    }

    // Every connection the desk says has news: written here if this loop
    // owns it, else handed to its owner. Inside desk work.
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

    // At the end of the loop: whatever is still open is closed at once.
    void close_everything() {
        if (!m_connections.empty() || m_acceptor) {
            with_desk([&] {
                while (!m_connections.empty()) {
                    const ConnectionId id = detail::id_of(m_connections.begin()->first);
                    drop(id, "server shutting down", Closing::abort);
                }
                while (m_server.m_desk.next_ready()) {
                    // Nobody is left to write to.
                }
            });
        }
        close_expired_lingering(std::numeric_limits<UnixMillis>::max());
    }

    // ----- the desk ---------------------------------------------------------------------

    // Desk work goes through the model's guard; the log lines it recorded
    // are formatted and written after the guard is released.
    template <class Work>
    void with_desk(const Work& work) {
        m_server.m_desk_guard.with_desk(work);
        m_log.write();
    }

    Server& m_server;
    Backend m_backend;
    typename Backend::PollerType m_poller;
    LoopId m_id;
    bool m_acceptor;
    std::vector<char> m_read_buffer;
    HashTable<std::uint64_t, Connection> m_connections;
    LingeringCloses<Handle> m_lingering;
    LoopInbox<Handle> m_inbox;
    ConnectionLog m_log;
    std::atomic<bool> m_finished{false};
    bool m_served_any = false;
    bool m_holding_output = false;  // a read this turn left output for after the save
    bool m_shutdown_started = false;
    bool m_listener_paused = false;
    UnixMillis m_shutdown_deadline = 0;
    UnixMillis m_lingering_heard_at = 0;  // when a lingering connection last started or sent
    bool m_waited_in_quiet = false;       // a wait since then ended with no event
    UnixMillis m_resume_accepting_at = 0;
    UnixMillis m_next_tick = 0;
};
/// @endcond

}  // namespace telechat::server

/// @file
/// @brief telechat::server::LoopInbox: how one event loop hands another a
///        new connection or a connection with new output.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <mutex>

#include "../desk/desk.hpp"
#include "../queue.hpp"

namespace telechat::server {

/**
 * @brief The mailbox of one event loop: connections other loops hand it
 *        (new ones, and ones with new output to write), taken all at once.
 *
 * Any thread may deliver; only the owning loop takes. The inbox is
 * double-buffered: take() swaps the two mutex-guarded queues with two
 * private ones, which keep their capacity, so a hand-off allocates nothing
 * in steady state and the lock is held for a swap only.
 *
 * A deliver returns true only when it found the inbox empty: the caller then
 * wakes the loop, once per batch instead of once per hand-off (a wake-up is
 * a system call on each side). None is lost: a delivery that finds the inbox
 * empty came after the loop's last take(), so that loop has still to see
 * its wake-up.
 *
 * @tparam Handle the backend's socket handle.
 */
template <class Handle>
class LoopInbox {
public:
    /// @brief A connection handed over with its socket.
    struct NewConnection {
        /// @brief The desk's name of the connection.
        ConnectionId id;
        /// @brief Its socket.
        Handle handle;
    };

    /// @brief Hands over a new connection. Safe from any thread.
    /// @param id the desk's connection. @param handle its socket.
    /// @return whether the inbox was empty (then wake the loop).
    [[nodiscard]] bool deliver_connection(ConnectionId id, Handle handle) {
        const std::lock_guard<std::mutex> guard(m_mutex);
        const bool was_empty = empty_locked();
        m_connections.push(NewConnection{id, handle});
        return was_empty;
    }

    /// @brief Says that a connection of this loop has new output. Safe from any thread.
    /// @param id the desk's connection.
    /// @return whether the inbox was empty (then wake the loop).
    [[nodiscard]] bool deliver_ready(ConnectionId id) {
        const std::lock_guard<std::mutex> guard(m_mutex);
        const bool was_empty = empty_locked();
        m_ready.push(id);
        return was_empty;
    }

    /// @brief Takes everything delivered so far (owning loop only); read it
    ///        from taken_connections() and taken_ready(), popping as you go.
    /// @return whether anything was taken.
    bool take() {
        {
            const std::lock_guard<std::mutex> guard(m_mutex);
            m_taken_connections.swap(m_connections);
            m_taken_ready.swap(m_ready);
        }
        return !m_taken_connections.empty() || !m_taken_ready.empty();
    }

    /// @brief The connections taken by the last take().
    /// @return the queue, to pop.
    Queue<NewConnection>& taken_connections() noexcept { return m_taken_connections; }
    /// @brief The ready connections taken by the last take().
    /// @return the queue, to pop.
    Queue<ConnectionId>& taken_ready() noexcept { return m_taken_ready; }

private:
    [[nodiscard]] bool empty_locked() const noexcept {
        return m_connections.empty() && m_ready.empty();
    }

    std::mutex m_mutex;
    Queue<NewConnection> m_connections;  // guarded by m_mutex
    Queue<ConnectionId> m_ready;         // guarded by m_mutex
    Queue<NewConnection> m_taken_connections;
    Queue<ConnectionId> m_taken_ready;
};

}  // namespace telechat::server

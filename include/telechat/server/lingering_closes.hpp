/// @file
/// @brief telechat::server::LingeringCloses: the connections an event loop
///        is closing gracefully, drained until their peer hangs up or their
///        time is up.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "../hash_table.hpp"
#include "../queue.hpp"

namespace telechat::server {

/**
 * @brief The connections of one loop that are being closed the way web
 *        servers close them: a *lingering close*.
 *
 * Why: closing a TCP socket that still has unread input makes the kernel
 * answer with a reset, and a reset makes the peer's kernel throw away what
 * it had received but not yet handed to the program. A client that
 * pipelined lines after its third wrong key could then lose the very
 * `QUIT` push that explains the close. So when the server ends a
 * connection, it first sends everything, then ends its sending side (the
 * peer reads a clean end of stream after the last byte), then reads and
 * discards whatever still arrives until the peer closes too or `linger`
 * milliseconds pass, and only then closes the socket.
 *
 * Every entry has the same linger time, so deadlines arrive in the order
 * the entries were added: a FIFO Queue orders them, and a HashTable finds
 * an entry by its token when its socket reports end of stream first.
 * Entries removed early stay in the queue as stale ones and are skipped.
 *
 * Complexity: add, contains and remove O(1) on average; next_expired
 * O(1) amortized.
 *
 * @tparam Handle the backend's socket handle.
 */
template <class Handle>
class LingeringCloses {
public:
    /// @brief Whether no connection lingers.
    /// @return true if none does.
    [[nodiscard]] bool empty() const noexcept { return m_handles.empty(); }
    /// @brief How many connections linger.
    /// @return the count.
    [[nodiscard]] std::size_t size() const noexcept { return m_handles.size(); }
    /// @brief Whether the connection with `token` lingers.
    /// @param token the poller token of the connection.
    /// @return true if it does.
    [[nodiscard]] bool contains(std::uint64_t token) const { return m_handles.contains(token); }

    /// @brief Starts lingering on a connection.
    /// @param token its poller token, unique among all connections ever.
    /// @param handle its socket.
    /// @param deadline when to close it at the latest; not before the
    ///        deadline of any connection added earlier.
    void add(std::uint64_t token, Handle handle, std::int64_t deadline) {
        m_by_deadline.push(Entry{token, deadline});
        m_handles.insert_or_assign(token, handle);
    }

    /// @brief The socket of a lingering connection.
    /// @param token a token for which contains() is true.
    /// @return its socket.
    [[nodiscard]] Handle handle_of(std::uint64_t token) const {
        return m_handles.find(token)->second;
    }

    /// @brief The tokens of every lingering connection, in no order.
    /// @return the tokens.
    [[nodiscard]] std::vector<std::uint64_t> tokens() const {
        std::vector<std::uint64_t> all;
        all.reserve(m_handles.size());
        for (const auto& entry : m_handles) {
            all.push_back(entry.first);
        }
        return all;
    }

    /// @brief Stops lingering on a connection and gives its socket back.
    /// @param token a token for which contains() is true.
    /// @return its socket, for the caller to close.
    Handle remove(std::uint64_t token) {
        const auto found = m_handles.find(token);
        const Handle handle = found->second;
        m_handles.erase(found);
        return handle;
    }

    /// @brief A connection whose deadline has passed, if any.
    /// @param now the time.
    /// @return its token (still lingering: remove() it), or nothing.
    [[nodiscard]] std::optional<std::uint64_t> next_expired(std::int64_t now) {
        skip_stale();
        if (m_by_deadline.empty() || m_by_deadline.front().deadline > now) {
            return std::nullopt;
        }
        const std::uint64_t token = m_by_deadline.front().token;
        m_by_deadline.pop();
        return token;
    }

    /// @brief The earliest deadline, if any connection lingers.
    /// @return the deadline, or nothing.
    [[nodiscard]] std::optional<std::int64_t> next_deadline() {
        skip_stale();
        if (m_by_deadline.empty()) {
            return std::nullopt;
        }
        return m_by_deadline.front().deadline;
    }

private:
    struct Entry {
        std::uint64_t token = 0;
        std::int64_t deadline = 0;
    };

    void skip_stale() {
        while (!m_by_deadline.empty() && !m_handles.contains(m_by_deadline.front().token)) {
            m_by_deadline.pop();
        }
    }

    Queue<Entry> m_by_deadline;
    HashTable<std::uint64_t, Handle> m_handles;
};

}  // namespace telechat::server

/// @file
/// @brief telechat::WaitingLine, customers waiting for an agent, in arrival order.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string>

#include "../detail/raw_buffer.hpp"
#include "../invariant.hpp"
#include "../queue.hpp"

namespace telechat {

/**
 * @brief The customers waiting for an agent: FIFO by arrival, with removal
 *        from the middle and re-entry at one's old place, all in place.
 *
 * Each customer gets an arrival ticket when it first joins (a counter, not a
 * time). The line is kept sorted by ticket. Most departures are from the
 * front (an agent takes the first customer); a customer who hangs up leaves
 * from the middle, and the customers of an agent who leaves come back at the
 * place their tickets give them, ahead of everyone who arrived after them.
 *
 * Both are done inside the one ring buffer: leaving from the middle shifts
 * the customers ahead of the gap back by one and pops the front; returning
 * pushes at the back and shifts the customer forward to its place. Neither
 * allocates (only the line's own growth does, amortised).
 *
 * @code
 *   front                                  back
 *   [ann #3] [bob #4] [cid #7] [dan #9]
 *   leave(cid):  [ann #3] [bob #4] [dan #9] - ann and bob shift back, front pops
 *   rejoin(eve, #5):  [ann #3] [bob #4] [eve #5] [dan #9]
 *   positions changed from index 2: eve and dan are told their new place
 * @endcode
 *
 * The line also remembers the first position that changed since the
 * positions were last reported, so that only customers behind it are told.
 *
 * @invariant Tickets strictly increase from the front to the back, so each
 *            customer is in the line at most once.
 *
 * @complexity join, serve_front O(1) amortised; leave O(position) to find and
 *             shift; rejoin O(customers behind the place); report O(changed).
 *
 * Invalidation: any change invalidates iterators. Exceptions: join and
 * rejoin may throw std::bad_alloc when the line grows, leaving it unchanged;
 * the rest never throw.
 */
class WaitingLine {
public:
    /// @brief One waiting customer.
    struct Entry {
        /// @brief The customer's connection slot.
        std::uint32_t slot = 0;
        /// @brief Its arrival ticket: lower arrived earlier.
        std::uint64_t ticket = 0;
    };

    /// @brief A new customer joins at the back.
    /// @param slot the customer's connection slot.
    /// @return its arrival ticket, to give to rejoin() if it ever returns.
    std::uint64_t join(std::uint32_t slot) {
        m_line.push(Entry{slot, ++m_tickets_issued});
        mark_changed_from(m_line.size() - 1);
        return m_tickets_issued;
    }

    /// @brief A customer whose agent left comes back at the place its
    ///        ticket gives it.
    /// @param slot the customer's connection slot.
    /// @param ticket the ticket join() gave it.
    void rejoin(std::uint32_t slot, std::uint64_t ticket) {
        m_line.push(Entry{slot, ticket});
        auto place = std::prev(m_line.end());
        std::size_t index = m_line.size() - 1;
        for (; place != m_line.begin() && std::prev(place)->ticket > ticket; --place, --index) {
            *place = *std::prev(place);
        }
        *place = Entry{slot, ticket};
        mark_changed_from(index);
    }

    /// @brief The customer at the front leaves the line (to be served).
    /// @return its slot. The line must not be empty.
    std::uint32_t serve_front() noexcept {
        const std::uint32_t slot = m_line.front().slot;
        m_line.pop();
        mark_changed_from(0);
        return slot;
    }

    /// @brief A customer leaves from wherever it stands. Nothing happens if
    ///        it is not in the line.
    /// @param slot the customer's connection slot.
    void leave(std::uint32_t slot) noexcept {
        auto gap = m_line.begin();
        std::size_t index = 0;
        for (; gap != m_line.end() && gap->slot != slot; ++gap, ++index) {
        }
        if (gap == m_line.end()) {
            return;
        }
        std::move_backward(m_line.begin(), gap, std::next(gap));  // close the gap from the front
        m_line.pop();
        mark_changed_from(index);
    }

    /// @brief Calls `tell(slot, position)` for every customer from the first
    ///        position that changed since the last call (positions count from 1).
    /// @param tell the callback.
    template <class Tell>
    void report_new_positions(Tell&& tell) {
        if (m_changed_from < m_line.size()) {
            auto entry = m_line.begin();
            std::advance(entry, static_cast<std::ptrdiff_t>(m_changed_from));
            for (std::size_t position = m_changed_from + 1; entry != m_line.end();
                 ++entry, ++position) {
                tell(entry->slot, position);
            }
        }
        m_changed_from = unchanged;
    }

    /// @brief The first customer's slot. The line must not be empty.
    /// @return the slot.
    [[nodiscard]] std::uint32_t front() const noexcept { return m_line.front().slot; }
    /// @brief How many customers wait.
    /// @return the count.
    [[nodiscard]] std::size_t size() const noexcept { return m_line.size(); }
    /// @brief Whether nobody waits.
    /// @return true if empty.
    [[nodiscard]] bool empty() const noexcept { return m_line.empty(); }
    /// @brief How many customers the line holds before it must grow: leaving
    ///        and rejoining never change it.
    /// @return the capacity.
    [[nodiscard]] std::size_t capacity() const noexcept { return m_line.capacity(); }
    /// @brief The front, for read-only iteration in line order.
    /// @return an iterator.
    [[nodiscard]] Queue<Entry>::const_iterator begin() const noexcept { return m_line.begin(); }
    /// @brief The end of the line.
    /// @return an iterator.
    [[nodiscard]] Queue<Entry>::const_iterator end() const noexcept { return m_line.end(); }

    /// @brief Verifies the invariants in the class description.
    /// @throws InvariantViolation naming the first that fails.
    /// @complexity O(size()).
    void check_invariants() const {
        m_line.check_invariants();
        std::uint64_t previous = 0;
        for (const Entry& entry : m_line) {
            detail::require_invariant(entry.ticket > previous && entry.ticket <= m_tickets_issued,
                                      "WaitingLine: tickets strictly increase from front to back");
            previous = entry.ticket;
        }
    }

private:
    static constexpr std::size_t unchanged = std::numeric_limits<std::size_t>::max();

    void mark_changed_from(std::size_t index) noexcept {
        m_changed_from = std::min(m_changed_from, index);
    }

    Queue<Entry> m_line;
    std::uint64_t m_tickets_issued = 0;
    std::size_t m_changed_from = unchanged;
};

}  // namespace telechat

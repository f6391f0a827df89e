/// @file
/// @brief telechat::SessionSlots, a generational slot map: one record per
///        open connection, named by an id that goes stale when it closes.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../detail/raw_buffer.hpp"
#include "../invariant.hpp"
#include "../stack.hpp"

namespace telechat {

/// @brief Names one connection of a Desk. Slots are reused; the generation
///        tells a new connection in an old slot from the one before it.
struct ConnectionId {
    /// @brief The index of the connection's record.
    std::uint32_t slot = 0;
    /// @brief How many connections used this slot before this one.
    std::uint32_t generation = 0;
    /// @brief Whether two ids name the same connection.
    /// @param a one id.
    /// @param b the other.
    /// @return true if equal.
    friend constexpr bool operator==(ConnectionId a, ConnectionId b) noexcept = default;
};

/**
 * @brief A generational slot map: records in a vector, freed slots reused
 *        first, and ids that know which use of a slot they name.
 *
 * @tparam Record the per-connection record; default-constructible. A
 *         freed slot's record is reset to `Record{}`.
 *
 * A plain index would be reused by the next connection: a late event for a
 * closed connection would then reach a stranger. So each slot counts its
 * uses, and an id carries the count it was issued with. Freeing a slot bumps
 * its count, and every id issued before becomes stale, detected in O(1).
 *
 * @code
 *   slots:  [0: gen 2, in use] [1: gen 5, free] [2: gen 0, in use]
 *   free:   Stack { 1 }            -> the next insert() reuses slot 1, gen 5
 *   {0,2} is open; {0,1} and {1,4} are stale; {7,0} was never issued
 * @endcode
 *
 * @invariant The free stack holds exactly the slots not in use, each once.
 * @invariant `size()` is the number of slots in use.
 *
 * @complexity insert and erase amortised O(1) (a fresh slot may grow the
 *             vector); contains, at, operator[] O(1).
 *
 * Invalidation: insert() may grow the vector and so invalidates references
 * to records (not ids); erase() invalidates references to that record.
 * Exceptions: insert() throws std::length_error past 2^32-1 slots and
 * std::bad_alloc on growth, leaving the map unchanged; at() throws
 * std::invalid_argument for a stale id.
 */
template <class Record>
class SessionSlots {
public:
    /// @brief Takes a free slot (the last freed first) or a new one.
    /// @return the id of the new connection.
    /// @throws std::length_error if every 32-bit index is taken.
    ConnectionId insert() {
        std::uint32_t slot = 0;
        if (m_free.empty()) {
            if (m_slots.size() >= std::numeric_limits<std::uint32_t>::max()) {
                throw std::length_error("telechat::SessionSlots: too many slots");
            }
            slot = static_cast<std::uint32_t>(m_slots.size());
            m_slots.emplace_back();
        } else {
            slot = m_free.top();
            m_free.pop();
        }
        m_slots[slot].in_use = true;
        ++m_in_use;
        return ConnectionId{slot, m_slots[slot].generation};
    }

    /// @brief Frees an open slot: its record is reset and its id goes stale.
    /// @param id an open id.
    /// @throws std::invalid_argument if `id` is not open.
    void erase(ConnectionId id) {
        const std::uint32_t slot = slot_of(id);
        Slot& entry = m_slots[slot];
        entry.record = Record{};
        entry.in_use = false;
        ++entry.generation;
        m_free.push(slot);
        --m_in_use;
    }

    /// @brief Whether `id` names an open slot.
    /// @param id any id.
    /// @return true if its slot is in use by the same generation.
    [[nodiscard]] bool contains(ConnectionId id) const noexcept {
        return id.slot < m_slots.size() && m_slots[id.slot].in_use &&
               m_slots[id.slot].generation == id.generation;
    }

    /// @brief The slot of an open id.
    /// @param id the id.
    /// @return `id.slot`.
    /// @throws std::invalid_argument if `id` is not open.
    [[nodiscard]] std::uint32_t slot_of(ConnectionId id) const {
        if (!contains(id)) {
            throw std::invalid_argument("telechat::Desk: no open connection has this id");
        }
        return id.slot;
    }

    /// @brief The current id of a slot in use.
    /// @param slot the slot.
    /// @return its id.
    [[nodiscard]] ConnectionId id_of(std::uint32_t slot) const noexcept {
        return ConnectionId{slot, m_slots[slot].generation};
    }

    /// @brief Whether a slot index is in use.
    /// @param slot an index below slot_count().
    /// @return true if in use.
    [[nodiscard]] bool in_use(std::uint32_t slot) const noexcept { return m_slots[slot].in_use; }

    /// @brief The record of a slot, unchecked.
    /// @param slot an index below slot_count().
    /// @return the record.
    [[nodiscard]] Record& operator[](std::uint32_t slot) noexcept { return m_slots[slot].record; }
    /// @brief The record of a slot, unchecked, read-only.
    /// @param slot an index below slot_count().
    /// @return the record.
    [[nodiscard]] const Record& operator[](std::uint32_t slot) const noexcept {
        return m_slots[slot].record;
    }

    /// @brief How many slots are in use.
    /// @return the count.
    [[nodiscard]] std::size_t size() const noexcept { return m_in_use; }

    /// @brief How many slots exist, in use or free: indices run below this.
    /// @return the count.
    [[nodiscard]] std::uint32_t slot_count() const noexcept {
        return static_cast<std::uint32_t>(m_slots.size());
    }

    /// @brief Verifies the invariants in the class description.
    /// @throws InvariantViolation naming the first that fails.
    /// @complexity O(slot_count()).
    void check_invariants() const {
        std::vector<bool> listed(m_slots.size(), false);
        for (const std::uint32_t slot : m_free) {
            detail::require_invariant(
                slot < m_slots.size() && !m_slots[slot].in_use && !listed[slot],
                "SessionSlots: the free stack holds only free slots, each once");
            listed[slot] = true;
        }
        detail::require_invariant(m_free.size() + m_in_use == m_slots.size(),
                                  "SessionSlots: every slot is in use or free");
    }

private:
    struct Slot {
        std::uint32_t generation = 0;
        bool in_use = false;
        Record record{};
    };

    std::vector<Slot> m_slots;
    Stack<std::uint32_t> m_free;
    std::size_t m_in_use = 0;
};

}  // namespace telechat

/// @file
/// @brief telechat::RecordRing, the newest records of one history packed in
///        one circular byte buffer.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "../detail/raw_buffer.hpp"
#include "../invariant.hpp"

namespace telechat {

/**
 * @brief The newest `limit` records of variable length, packed one after the
 *        other in a single circular byte buffer: a history that allocates
 *        once, not once per message.
 *
 * A record is a 4-byte length and its bytes. New records go at the tail,
 * the oldest leaves from the head. A record is never split: one that does
 * not fit between the tail and the end of the buffer starts again at offset
 * 0, if the oldest records have left room there, and the end of the upper
 * part is remembered as the *wrap* point. Otherwise the buffer doubles and
 * the records are copied to it in order.
 *
 * @code
 *   not wrapped:  [ . . . |len|ann hi|len|bob ok| . . . ]
 *                          ^head                 ^tail
 *   wrapped:      [|len|eve yo| . . |len|ann hi|len|bob ok| . ]
 *                              ^tail ^head               ^wrap
 * @endcode
 *
 * Why: a `Queue<std::string>` of records costs a heap block, a 32-byte
 * string and its malloc header per record, and the first time a history
 * fills, one allocation and a share of a page fault per message. Packed,
 * a record costs its bytes plus 4, and reserve() can take the whole room
 * before the first message (see DeskOptions::history_reserve_per_record).
 *
 * @invariant Walking from the head, `size()` records, each with its length,
 *            end exactly at the tail (jumping from the wrap point to 0 once).
 * @invariant `size() <= limit()`; `used_bytes() <= capacity_bytes()`.
 *
 * @complexity push O(record) amortised (O(used bytes) when it grows);
 *             iteration O(1) per record.
 *
 * Invalidation: push() invalidates iterators and the string_views they gave.
 * Exceptions: push() and reserve() may throw std::bad_alloc or, past
 * 2^32 - 1 bytes, std::length_error; reserve() then leaves the ring
 * unchanged, push() may have dropped the oldest record (basic guarantee).
 */
class RecordRing {
public:
    /// @brief Bytes of a record's length prefix.
    static constexpr std::size_t header_bytes = sizeof(std::uint32_t);
    /// @brief The smallest buffer the ring allocates.
    static constexpr std::size_t smallest_buffer = 256;

    /// @brief An empty ring that keeps no record.
    RecordRing() noexcept = default;
    /// @brief An empty ring that keeps the newest `limit` records (0: none).
    /// @param limit how many records are kept.
    /// @throws std::length_error if `limit` is over 2^32 - 1.
    explicit RecordRing(std::size_t limit) : m_limit(checked_size(limit)) {}

    /// @brief Makes the buffer at least `bytes` long, now, so that records
    ///        up to that total are added without allocating. The new bytes
    ///        are zeroed, which also makes the OS map their pages now.
    /// @param bytes the wanted capacity.
    void reserve(std::size_t bytes) {
        if (bytes > m_capacity) {
            move_to_buffer_of(bytes);
        }
    }

    /// @brief Appends a record made of `parts` joined by nothing, dropping
    ///        the oldest record first if the ring is at its limit.
    /// @param parts the pieces of the record, copied in order.
    template <class... Parts>
    void push(const Parts&... parts) {
        if (m_limit == 0) {
            return;
        }
        const std::uint32_t length = checked_size((std::string_view(parts).size() + ... + 0));
        if (m_count == m_limit) {
            pop_oldest();
        }
        char* at = room_for(header_bytes + length);
        std::memcpy(at, &length, header_bytes);
        at += header_bytes;
        ((at = copy_part(at, std::string_view(parts))), ...);
        m_tail = static_cast<std::uint32_t>(at - m_bytes.get());
        ++m_count;
    }

    /// @brief Forward iterator over the records, oldest first.
    class const_iterator {
    public:
        using iterator_category = std::forward_iterator_tag;  ///< a forward iterator
        using value_type = std::string_view;                  ///< a record's bytes
        using difference_type = std::ptrdiff_t;               ///< a count of records
        using pointer = void;                                 ///< no `->`: records are views
        using reference = std::string_view;                   ///< a record, by value

        const_iterator() = default;
        /// @brief The record.
        /// @return its bytes, valid until the ring changes.
        std::string_view operator*() const { return m_ring->record_at(m_offset); }
        /// @brief Steps to the next newer record.
        /// @return this iterator.
        const_iterator& operator++() {
            m_offset = m_ring->next_offset(m_offset);
            --m_left;
            return *this;
        }
        /// @brief Steps to the next newer record.
        /// @return the iterator as it was.
        const_iterator operator++(int) {
            const_iterator before = *this;
            ++*this;
            return before;
        }
        /// @brief Equal when as many records are left to visit.
        friend bool operator==(const const_iterator& a, const const_iterator& b) noexcept {
            return a.m_left == b.m_left;
        }

    private:
        friend class RecordRing;
        const_iterator(const RecordRing* ring, std::size_t offset, std::size_t left)
            : m_ring(ring), m_offset(offset), m_left(left) {}
        const RecordRing* m_ring = nullptr;
        std::size_t m_offset = 0;
        std::size_t m_left = 0;
    };

    /// @brief The oldest record.
    /// @return an iterator to it.
    [[nodiscard]] const_iterator begin() const noexcept { return {this, m_head, m_count}; }
    /// @brief Past the newest record.
    /// @return the end iterator.
    [[nodiscard]] const_iterator end() const noexcept { return {this, m_tail, 0}; }

    /// @brief Records held.
    /// @return the count.
    [[nodiscard]] std::size_t size() const noexcept { return m_count; }
    /// @brief Whether no record is held.
    /// @return true if none is.
    [[nodiscard]] bool empty() const noexcept { return m_count == 0; }
    /// @brief The most records held; older ones are dropped.
    /// @return the limit.
    [[nodiscard]] std::size_t limit() const noexcept { return m_limit; }
    /// @brief Bytes of the buffer.
    /// @return the capacity.
    [[nodiscard]] std::size_t capacity_bytes() const noexcept { return m_capacity; }
    /// @brief Bytes the records take, length prefixes included.
    /// @return the count.
    [[nodiscard]] std::size_t used_bytes() const noexcept {
        if (m_count == 0) {
            return 0;
        }
        return wrapped() ? std::size_t{m_wrap} - m_head + m_tail : std::size_t{m_tail} - m_head;
    }

    /// @brief Verifies the invariants in the class description.
    /// @throws InvariantViolation naming the first that fails.
    /// @complexity O(size()).
    void check_invariants() const {
        detail::require_invariant(m_count <= m_limit && used_bytes() <= m_capacity,
                                  "RecordRing: at most limit records, within the buffer");
        std::size_t offset = m_head;
        std::size_t bytes = 0;
        bool passed_wrap = false;
        for (std::size_t i = 0; i < m_count; ++i) {
            detail::require_invariant(offset + header_bytes <= m_capacity &&
                                          offset + header_bytes + length_at(offset) <= m_capacity,
                                      "RecordRing: every record lies inside the buffer");
            const std::size_t end = offset + header_bytes + length_at(offset);
            bytes += end - offset;
            passed_wrap = passed_wrap || (wrapped() && end == m_wrap);
            offset = next_offset(offset);
        }
        detail::require_invariant(
            bytes == used_bytes() && (m_count == 0 || offset == m_tail) && passed_wrap == wrapped(),
            "RecordRing: the records from the head end at the tail");
    }

private:
    static std::uint32_t checked_size(std::size_t size) {
        if (size > std::numeric_limits<std::uint32_t>::max()) {
            throw std::length_error("telechat::RecordRing: sizes are limited to 2^32 - 1");
        }
        return static_cast<std::uint32_t>(size);
    }

    static char* copy_part(char* at, std::string_view part) noexcept {
        if (!part.empty()) {
            std::memcpy(at, part.data(), part.size());
        }
        return at + part.size();
    }

    // Wrapped: the newest records start again at 0, and the upper part ends
    // at m_wrap, which is never 0 then (the head was above the wrapped record).
    [[nodiscard]] bool wrapped() const noexcept { return m_wrap != 0; }

    [[nodiscard]] std::size_t length_at(std::size_t offset) const noexcept {
        std::uint32_t length = 0;
        std::memcpy(&length, m_bytes.get() + offset, header_bytes);
        return length;
    }

    [[nodiscard]] std::string_view record_at(std::size_t offset) const noexcept {
        return {m_bytes.get() + offset + header_bytes, length_at(offset)};
    }

    // The offset of the record after the one at `offset`: the wrap point
    // sends the walk back to 0.
    [[nodiscard]] std::size_t next_offset(std::size_t offset) const noexcept {
        const std::size_t next = offset + header_bytes + length_at(offset);
        return wrapped() && next == m_wrap ? 0 : next;
    }

    void pop_oldest() noexcept {
        m_head = static_cast<std::uint32_t>(next_offset(m_head));
        if (wrapped() && m_head == 0) {
            m_wrap = 0;  // the upper part is gone: the lower part is all there is
        }
        if (--m_count == 0) {
            m_head = m_tail = m_wrap = 0;
        }
    }

    // Where a record of `bytes` goes: after the tail, at 0 behind the head,
    // or in a larger buffer.
    char* room_for(std::size_t bytes) {
        if (!wrapped()) {
            if (m_capacity - m_tail >= bytes) {
                return m_bytes.get() + m_tail;
            }
            if (m_count > 0 && m_head > bytes) {  // '>': the tail must not reach the head
                m_wrap = m_tail;
                m_tail = 0;
                return m_bytes.get();
            }
        } else if (m_head - m_tail > bytes) {
            return m_bytes.get() + m_tail;
        }
        move_to_buffer_of(
            std::max({2 * std::size_t{m_capacity}, used_bytes() + bytes, smallest_buffer}));
        return m_bytes.get() + m_tail;
    }

    // Copies the records, oldest first, to the start of a new buffer.
    void move_to_buffer_of(std::size_t capacity) {
        const std::uint32_t checked = checked_size(capacity);
        auto fresh = std::make_unique<char[]>(capacity);  // zeroed: the pages are mapped now
        std::size_t at = 0;
        for (std::size_t offset = m_head, i = 0; i < m_count; ++i, offset = next_offset(offset)) {
            const std::size_t bytes = header_bytes + length_at(offset);
            std::memcpy(fresh.get() + at, m_bytes.get() + offset, bytes);
            at += bytes;
        }
        m_bytes = std::move(fresh);
        m_capacity = checked;
        m_head = 0;
        m_tail = static_cast<std::uint32_t>(at);
        m_wrap = 0;
    }

    // 32 bytes in all: every remembered user has a ring, online or not.
    std::unique_ptr<char[]> m_bytes;
    std::uint32_t m_capacity = 0;
    std::uint32_t m_head = 0;   // the oldest record
    std::uint32_t m_tail = 0;   // where the next record goes
    std::uint32_t m_wrap = 0;   // 0, or where the records of the upper part end
    std::uint32_t m_count = 0;  // records held
    std::uint32_t m_limit = 0;  // records kept
};

}  // namespace telechat

/// @file
/// @brief telechat::BufferPool, emptied string buffers kept for reuse.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <string>
#include <utility>

#include "../detail/raw_buffer.hpp"
#include "../invariant.hpp"
#include "../stack.hpp"

namespace telechat {

/**
 * @brief A stack of emptied `std::string` buffers that keep their heap
 *        blocks, so a busy connection borrows memory instead of allocating.
 *
 * A connection with nothing pending owns no buffer: its input and output
 * strings go back to the pool when they empty and come from it when data
 * arrives. Thousands of idle users then cost no buffer memory, and a busy
 * relay allocates nothing per message.
 *
 * @code
 *   connection A: output "+OK ...\r\n"   <- borrowed from the pool
 *   connection B: output ""              (no capacity: owns nothing)
 *   pool:         Stack { [cap 256], [cap 1024] }   top = last returned
 * @endcode
 *
 * Only buffers worth keeping go back: short strings live inside the string
 * object (no heap block), and one larger than largest_kept_buffer is freed so
 * that one burst does not pin its memory for ever. At most most_kept_buffers
 * are kept.
 *
 * @invariant Every kept buffer is empty, owns a heap block, and holds at
 *            most largest_kept_buffer bytes of capacity.
 * @invariant At most most_kept_buffers are kept.
 *
 * @complexity borrow_into and give_back O(1) (give_back may free a block).
 *
 * Exceptions: none but std::bad_alloc when the stack itself grows, which
 * leaves the pool unchanged (the returned buffer is then freed).
 */
class BufferPool {
public:
    /// @brief A buffer with a larger capacity is freed rather than kept.
    static constexpr std::size_t largest_kept_buffer = 64 * 1024;
    /// @brief The most buffers kept at once.
    static constexpr std::size_t most_kept_buffers = 1024;

    /// @brief Whether a string owns a heap block (a capacity beyond the
    ///        one an empty string has inside itself).
    /// @param buffer the string.
    /// @return true if it does.
    /// @complexity O(1).
    [[nodiscard]] static bool owns_heap_buffer(const std::string& buffer) noexcept {
        return buffer.capacity() > std::string().capacity();
    }

    /// @brief Gives an empty buffer that owns no block a kept one, if any.
    ///        A buffer that holds data or a block is left alone.
    /// @param buffer the connection's buffer.
    /// @complexity O(1).
    void borrow_into(std::string& buffer) noexcept {
        if (buffer.empty() && !owns_heap_buffer(buffer) && !m_kept.empty()) {
            buffer = std::move(m_kept.top());
            m_kept.pop();
        }
    }

    /// @brief Takes a buffer back: it is left empty with no capacity, and its
    ///        block is kept if it is worth keeping.
    /// @param buffer the connection's buffer; its content is discarded.
    /// @complexity O(1).
    void give_back(std::string& buffer) {
        std::string taken = std::move(buffer);
        buffer = std::string{};  // the connection keeps no capacity
        if (!owns_heap_buffer(taken) || taken.capacity() > largest_kept_buffer ||
            m_kept.size() >= most_kept_buffers) {
            return;
        }
        taken.clear();
        m_kept.push(std::move(taken));
    }

    /// @brief How many buffers are kept.
    /// @return the count.
    [[nodiscard]] std::size_t size() const noexcept { return m_kept.size(); }

    /// @brief Verifies the invariants in the class description.
    /// @throws InvariantViolation naming the first that fails.
    /// @complexity O(size()).
    void check_invariants() const {
        m_kept.check_invariants();
        detail::require_invariant(m_kept.size() <= most_kept_buffers,
                                  "BufferPool: at most most_kept_buffers are kept");
        for (const std::string& buffer : m_kept) {
            detail::require_invariant(
                buffer.empty() && owns_heap_buffer(buffer) &&
                    buffer.capacity() <= largest_kept_buffer,
                "BufferPool: every kept buffer is empty, with a block worth keeping");
        }
    }

private:
    Stack<std::string> m_kept;
};

}  // namespace telechat

/// @file
/// @brief telechat::Stack, a last-in first-out container over one growable array.
#pragma once

#include "detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <compare>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "detail/raw_buffer.hpp"
#include "growth.hpp"

namespace telechat {

/**
 * @brief A last-in first-out stack stored in one contiguous, growable array.
 *
 * @tparam T the element type. It needs a move or copy constructor and a
 *           destructor; no default constructor is required, and move-only
 *           types work.
 * @tparam Growth the growth rule (a growth::GrowthRule): by how much a full
 *           stack grows. growth::Doubling (×2, the default) or
 *           growth::HalfAgain (×1.5); a rule of your own needs no edit here.
 *
 * @anchor stack_how
 * ## How it works
 * The elements sit bottom to top at the start of one heap block; the rest of
 * the block is raw memory that holds no object yet. A push constructs the
 * new element just past the top; a pop destroys the top one. Only when the
 * block is full does a push allocate a larger block (twice as large with the
 * default rule, growth::Doubling; the rule decides), move the elements across
 * and free the old one.
 *
 * @code
 *   m_bottom                     m_top                  m_end
 *   |                            |                      |
 *   v                            v                      v
 *   +------+------+------+------+-----------------------+
 *   |  e0  |  e1  |  e2  |  e3  |   raw, unconstructed  |
 *   +------+------+------+------+-----------------------+
 *   bottom                 top
 * @endcode
 *
 * The three fields are pointers, as in std::vector, and not a pointer and
 * two counts: a push that stores an element of type `std::size_t` (or any
 * type that may share its bytes, such as `char`) would otherwise make the
 * compiler assume the store changed the counts, and reload them on every
 * push (@ref stack_guide_speed "the Stack guide" measures it).
 *
 * @invariant `m_bottom <= m_top <= m_end`.
 * @invariant `m_bottom == nullptr` exactly when `m_end == m_bottom` (no block, capacity 0).
 * @invariant The slots `[m_bottom, m_top)` hold live objects; `[m_top, m_end)` hold none.
 *
 * @anchor stack_complexity
 * ## Complexity
 * | operation                              | cost                                   |
 * |----------------------------------------|----------------------------------------|
 * | push, emplace                          | amortised O(1); O(n) when it grows     |
 * | pop, top, size, empty, capacity, swap  | O(1)                                   |
 * | clear                                  | O(n) destructors, keeps the capacity   |
 * | reserve(n)                             | O(size) when it grows, else O(1)       |
 * | copy, ==                               | O(n)                                   |
 *
 * @anchor stack_iterators
 * ## Iterators and references
 * Iterators run from the bottom to the top and are plain pointers. A push or
 * emplace that grows the capacity (`size() == capacity()` before it), and any
 * `reserve` that grows it, invalidates every iterator and reference; otherwise
 * a push invalidates only `end()`. A pop invalidates the iterators and
 * references to the top element and `end()`. `clear` invalidates all of them.
 * `swap` keeps them valid, now referring into the other stack.
 *
 * @anchor stack_exceptions
 * ## Exception safety
 * A push or emplace that has to grow gives the strong guarantee: when T's
 * move constructor is `noexcept` the old elements are moved, otherwise
 * they are copied, so a throwing copy leaves the stack exactly as it was.
 * (A T that cannot be copied is moved even if its move may throw, as
 * `std::move_if_noexcept` does; if such a move throws, the guarantee is only
 * the basic one: same size, but some elements moved-from.)
 * `top()` and `pop()` on an empty stack throw `std::out_of_range` and change
 * nothing. The copy assignment gives the strong guarantee; moves, swap,
 * clear and the destructor never throw, nor does `pop()` on a stack that is
 * not empty.
 *
 * Allocators are not supported: the storage comes from `std::allocator<T>`.
 *
 * @see @ref stack_guide "The Stack guide": the design, and why one contiguous array.
 */
template <class T, growth::GrowthRule Growth = growth::Doubling>
class Stack {
public:
    /// @brief The element type.
    using value_type = T;
    /// @brief The growth rule.
    using growth_rule = Growth;
    /// @brief The type of sizes and counts.
    using size_type = std::size_t;
    /// @brief A reference to an element.
    using reference = T&;
    /// @brief A reference to a const element.
    using const_reference = const T&;
    /// @brief Iterates from the bottom to the top.
    using iterator = T*;
    /// @brief Iterates from the bottom to the top, read-only.
    using const_iterator = const T*;

    /// @brief An empty stack. Allocates nothing.
    /// @complexity O(1).
    Stack() noexcept = default;

    /// @brief A stack holding `values`, the first one at the bottom.
    /// @param values the initial elements.
    /// @complexity O(n).
    Stack(std::initializer_list<T> values) {
        reserve(values.size());
        for (const T& value : values) {
            push(value);
        }
    }

    /// @brief A copy of `other`, with capacity equal to its size.
    /// @param other the stack to copy.
    /// @complexity O(n).
    /// @exceptionsafety Strong: if an element's copy throws, nothing leaks.
    Stack(const Stack& other) {
        const size_type count = other.size();
        if (count == 0) {
            return;  // allocates nothing
        }
        T* fresh = detail::allocate_uninitialized<T>(count);
        try {
            std::uninitialized_copy_n(other.m_bottom, count, fresh);
        } catch (...) {
            detail::deallocate(fresh, count);
            throw;
        }
        m_bottom = fresh;
        m_top = fresh + count;
        m_end = fresh + count;
    }

    /// @brief Takes over the storage of `other`, which is left empty.
    /// @param other the stack to move from.
    /// @complexity O(1).
    Stack(Stack&& other) noexcept
        : m_bottom(std::exchange(other.m_bottom, nullptr)),
          m_top(std::exchange(other.m_top, nullptr)),
          m_end(std::exchange(other.m_end, nullptr)) {}

    /// @brief Replaces the contents with a copy of `other`.
    /// @param other the stack to copy.
    /// @return `*this`.
    /// @complexity O(n).
    /// @exceptionsafety Strong (copy, then swap). Self-assignment is a no-op.
    Stack& operator=(const Stack& other) {
        if (this != std::addressof(other)) {
            Stack copy(other);
            swap(copy);
        }
        return *this;
    }

    /// @brief Replaces the contents with those of `other`, which is left empty.
    /// @param other the stack to move from.
    /// @return `*this`.
    /// @complexity O(n) to destroy the old elements.
    Stack& operator=(Stack&& other) noexcept {
        if (this != std::addressof(other)) {
            Stack taken(std::move(other));
            swap(taken);
        }
        return *this;
    }

    /// @brief Destroys every element once and frees the storage.
    ~Stack() { release(); }

    /// @brief Pushes a copy of `value` on top.
    /// @param value the element to copy.
    /// @complexity Amortised O(1).
    /// @invalidation All iterators and references if it grows; else only `end()`.
    /// @exceptionsafety Strong.
    void push(const T& value) { emplace(value); }

    /// @brief Pushes `value` on top, moving it.
    /// @param value the element to move.
    /// @complexity Amortised O(1).
    /// @invalidation All iterators and references if it grows; else only `end()`.
    /// @exceptionsafety Strong.
    void push(T&& value) { emplace(std::move(value)); }

    /// @brief Constructs a new top element in place from `args`.
    /// @param args the constructor arguments; they may refer to an element of
    ///        this stack.
    /// @return the new top element.
    /// @complexity Amortised O(1).
    /// @invalidation All iterators and references if it grows; else only `end()`.
    /// @exceptionsafety Strong.
    template <class... Args>
    T& emplace(Args&&... args) {
        if (m_top == m_end) [[unlikely]] {
            return emplace_growing(std::forward<Args>(args)...);
        }
        T* slot = std::construct_at(m_top, std::forward<Args>(args)...);
        ++m_top;
        return *slot;
    }

    /// @brief Destroys the top element.
    /// @throws std::out_of_range if the stack is empty.
    /// @complexity O(1).
    /// @invalidation Iterators and references to the top element, and `end()`.
    void pop() {
        require_not_empty("pop");
        --m_top;
        std::destroy_at(m_top);
    }

    /// @brief The top element, the one pushed last.
    /// @return a reference to it.
    /// @throws std::out_of_range if the stack is empty.
    /// @complexity O(1).
    [[nodiscard]] T& top() {
        require_not_empty("top");
        return m_top[-1];
    }

    /// @brief The top element, read-only.
    /// @return a reference to it.
    /// @throws std::out_of_range if the stack is empty.
    /// @complexity O(1).
    [[nodiscard]] const T& top() const {
        require_not_empty("top");
        return m_top[-1];
    }

    /// @brief The number of elements.
    /// @return the element count.
    /// @complexity O(1).
    [[nodiscard]] size_type size() const noexcept {
        return static_cast<size_type>(m_top - m_bottom);
    }

    /// @brief Whether the stack holds no element.
    /// @return `size() == 0`.
    /// @complexity O(1).
    [[nodiscard]] bool empty() const noexcept { return m_top == m_bottom; }

    /// @brief How many elements fit before the next push has to allocate.
    /// @return the capacity.
    /// @complexity O(1).
    [[nodiscard]] size_type capacity() const noexcept {
        return static_cast<size_type>(m_end - m_bottom);
    }

    /// @brief Makes room for at least `wanted` elements.
    /// @param wanted the capacity to reach; a smaller value does nothing.
    /// @throws std::length_error if `wanted` exceeds what can be allocated.
    /// @complexity O(size) if it grows, else O(1).
    /// @invalidation All iterators and references if it grows.
    /// @exceptionsafety Strong.
    void reserve(size_type wanted) {
        if (wanted > capacity()) {
            detail::require_allocatable<T>(wanted);
            reallocate(wanted);
        }
    }

    /// @brief Destroys every element; the capacity stays.
    /// @complexity O(n).
    /// @invalidation All iterators and references.
    void clear() noexcept {
        std::destroy(m_bottom, m_top);
        m_top = m_bottom;
    }

    /// @brief Exchanges the contents of two stacks.
    /// @param other the other stack.
    /// @complexity O(1).
    /// @invalidation None: iterators now refer into the other stack.
    void swap(Stack& other) noexcept {
        std::swap(m_bottom, other.m_bottom);
        std::swap(m_top, other.m_top);
        std::swap(m_end, other.m_end);
    }

    /// @brief Exchanges the contents of two stacks.
    /// @param a one stack.
    /// @param b the other.
    friend void swap(Stack& a, Stack& b) noexcept { a.swap(b); }

    /// @brief The bottom element's position.
    /// @return an iterator to the bottom, or `end()` if empty.
    [[nodiscard]] iterator begin() noexcept { return m_bottom; }
    /// @brief One past the top.
    /// @return the end iterator.
    [[nodiscard]] iterator end() noexcept { return m_top; }
    /// @brief The bottom element's position, read-only.
    /// @return an iterator to the bottom, or `end()` if empty.
    [[nodiscard]] const_iterator begin() const noexcept { return m_bottom; }
    /// @brief One past the top, read-only.
    /// @return the end iterator.
    [[nodiscard]] const_iterator end() const noexcept { return m_top; }
    /// @brief The bottom element's position, read-only.
    /// @return an iterator to the bottom, or `cend()` if empty.
    [[nodiscard]] const_iterator cbegin() const noexcept { return m_bottom; }
    /// @brief One past the top, read-only.
    /// @return the end iterator.
    [[nodiscard]] const_iterator cend() const noexcept { return m_top; }

    /// @brief Whether two stacks hold equal elements in the same order.
    /// @param a one stack.
    /// @param b the other.
    /// @return true if they are equal; capacities do not matter.
    /// @complexity O(n).
    friend bool operator==(const Stack& a, const Stack& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end());
    }

    /// @brief Verifies the class invariants listed above.
    /// @throws InvariantViolation naming the first invariant that fails.
    /// @complexity O(1).
    void check_invariants() const {
        // Compared as addresses (std::less_equal): the three may all be null.
        detail::require_invariant(
            std::less_equal<>{}(m_bottom, m_top) && std::less_equal<>{}(m_top, m_end),
            "Stack: size exceeds capacity");
        detail::require_invariant((m_bottom == nullptr) == (m_end == m_bottom),
                                  "Stack: storage is present exactly when capacity > 0");
    }

private:
    void require_not_empty(const char* operation) const {
        if (m_top == m_bottom) [[unlikely]] {
            detail::throw_empty("Stack", "stack", operation);
        }
    }

    // The new element is built in the new block before the old elements
    // move, so `args` may safely refer to one of them.
    // Out of line: the rare slow path stays out of the caller's hot loop.
    template <class... Args>
    [[gnu::noinline]] T& emplace_growing(Args&&... args) {
        const size_type count = size();
        const size_type new_capacity =
            Growth::grow(capacity(), count + 1, detail::max_elements<T>());
        T* fresh = detail::allocate_uninitialized<T>(new_capacity);
        T* slot = nullptr;
        try {
            slot = std::construct_at(fresh + count, std::forward<Args>(args)...);
            try {
                detail::relocate_or_copy_range(fresh, m_bottom, count);
            } catch (...) {
                std::destroy_at(slot);
                throw;
            }
        } catch (...) {
            detail::deallocate(fresh, new_capacity);
            throw;
        }
        adopt(fresh, new_capacity);
        ++m_top;
        return *slot;
    }

    void reallocate(size_type new_capacity) {
        T* fresh = detail::allocate_uninitialized<T>(new_capacity);
        try {
            detail::relocate_or_copy_range(fresh, m_bottom, size());
        } catch (...) {
            detail::deallocate(fresh, new_capacity);
            throw;
        }
        adopt(fresh, new_capacity);
    }

    // Replaces the storage with `fresh`, whose first size() slots already
    // hold the elements (the old block's were moved out, or are copies).
    void adopt(T* fresh, size_type new_capacity) noexcept {
        const size_type count = size();
        if constexpr (!detail::relocation_destroys_source<T>) {
            std::destroy(m_bottom, m_top);  // the old copies
        }
        detail::deallocate(m_bottom, capacity());
        m_bottom = fresh;
        m_top = fresh + count;
        m_end = fresh + new_capacity;
    }

    void release() noexcept {
        std::destroy(m_bottom, m_top);
        detail::deallocate(m_bottom, capacity());
        m_bottom = nullptr;
        m_top = nullptr;
        m_end = nullptr;
    }

    T* m_bottom = nullptr;  // the first slot: the bottom element
    T* m_top = nullptr;     // one past the top element: where the next push goes
    T* m_end = nullptr;     // one past the last slot
};

}  // namespace telechat

/// @file
/// @brief telechat::Stack, a last-in first-out container over one growable array.
#pragma once

#include "detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <compare>
#include <cstddef>
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
 *   m_data                       m_data + m_size        m_data + m_capacity
 *   |                            |                      |
 *   v                            v                      v
 *   +------+------+------+------+-----------------------+
 *   |  e0  |  e1  |  e2  |  e3  |   raw, unconstructed  |
 *   +------+------+------+------+-----------------------+
 *   bottom                 top
 * @endcode
 *
 * @invariant `m_size <= m_capacity`.
 * @invariant `m_data == nullptr` exactly when `m_capacity == 0`.
 * @invariant The slots `[0, m_size)` hold live objects; `[m_size, m_capacity)` hold none.
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
        if (other.m_size == 0) {
            return;  // allocates nothing
        }
        T* fresh = detail::allocate_uninitialized<T>(other.m_size);
        try {
            std::uninitialized_copy_n(other.m_data, other.m_size, fresh);
        } catch (...) {
            detail::deallocate(fresh, other.m_size);
            throw;
        }
        m_data = fresh;
        m_size = other.m_size;
        m_capacity = other.m_size;
    }

    /// @brief Takes over the storage of `other`, which is left empty.
    /// @param other the stack to move from.
    /// @complexity O(1).
    Stack(Stack&& other) noexcept
        : m_data(std::exchange(other.m_data, nullptr)),
          m_size(std::exchange(other.m_size, 0)),
          m_capacity(std::exchange(other.m_capacity, 0)) {}

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
        if (m_size == m_capacity) {
            return emplace_growing(std::forward<Args>(args)...);
        }
        T* slot = std::construct_at(m_data + m_size, std::forward<Args>(args)...);
        ++m_size;
        return *slot;
    }

    /// @brief Destroys the top element.
    /// @throws std::out_of_range if the stack is empty.
    /// @complexity O(1).
    /// @invalidation Iterators and references to the top element, and `end()`.
    void pop() {
        require_not_empty("pop");
        --m_size;
        std::destroy_at(m_data + m_size);
    }

    /// @brief The top element, the one pushed last.
    /// @return a reference to it.
    /// @throws std::out_of_range if the stack is empty.
    /// @complexity O(1).
    [[nodiscard]] T& top() {
        require_not_empty("top");
        return m_data[m_size - 1];
    }

    /// @brief The top element, read-only.
    /// @return a reference to it.
    /// @throws std::out_of_range if the stack is empty.
    /// @complexity O(1).
    [[nodiscard]] const T& top() const {
        require_not_empty("top");
        return m_data[m_size - 1];
    }

    /// @brief The number of elements.
    /// @return the element count.
    /// @complexity O(1).
    [[nodiscard]] size_type size() const noexcept { return m_size; }

    /// @brief Whether the stack holds no element.
    /// @return `size() == 0`.
    /// @complexity O(1).
    [[nodiscard]] bool empty() const noexcept { return m_size == 0; }

    /// @brief How many elements fit before the next push has to allocate.
    /// @return the capacity.
    /// @complexity O(1).
    [[nodiscard]] size_type capacity() const noexcept { return m_capacity; }

    /// @brief Makes room for at least `wanted` elements.
    /// @param wanted the capacity to reach; a smaller value does nothing.
    /// @throws std::length_error if `wanted` exceeds what can be allocated.
    /// @complexity O(size) if it grows, else O(1).
    /// @invalidation All iterators and references if it grows.
    /// @exceptionsafety Strong.
    void reserve(size_type wanted) {
        if (wanted > m_capacity) {
            detail::require_allocatable<T>(wanted);
            reallocate(wanted);
        }
    }

    /// @brief Destroys every element; the capacity stays.
    /// @complexity O(n).
    /// @invalidation All iterators and references.
    void clear() noexcept {
        std::destroy_n(m_data, m_size);
        m_size = 0;
    }

    /// @brief Exchanges the contents of two stacks.
    /// @param other the other stack.
    /// @complexity O(1).
    /// @invalidation None: iterators now refer into the other stack.
    void swap(Stack& other) noexcept {
        std::swap(m_data, other.m_data);
        std::swap(m_size, other.m_size);
        std::swap(m_capacity, other.m_capacity);
    }

    /// @brief Exchanges the contents of two stacks.
    /// @param a one stack.
    /// @param b the other.
    friend void swap(Stack& a, Stack& b) noexcept { a.swap(b); }

    /// @brief The bottom element's position.
    /// @return an iterator to the bottom, or `end()` if empty.
    [[nodiscard]] iterator begin() noexcept { return m_data; }
    /// @brief One past the top.
    /// @return the end iterator.
    [[nodiscard]] iterator end() noexcept { return m_data + m_size; }
    /// @brief The bottom element's position, read-only.
    /// @return an iterator to the bottom, or `end()` if empty.
    [[nodiscard]] const_iterator begin() const noexcept { return m_data; }
    /// @brief One past the top, read-only.
    /// @return the end iterator.
    [[nodiscard]] const_iterator end() const noexcept { return m_data + m_size; }
    /// @brief The bottom element's position, read-only.
    /// @return an iterator to the bottom, or `cend()` if empty.
    [[nodiscard]] const_iterator cbegin() const noexcept { return m_data; }
    /// @brief One past the top, read-only.
    /// @return the end iterator.
    [[nodiscard]] const_iterator cend() const noexcept { return m_data + m_size; }

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
        detail::require_invariant(m_size <= m_capacity, "Stack: size exceeds capacity");
        detail::require_invariant((m_data == nullptr) == (m_capacity == 0),
                                  "Stack: storage is present exactly when capacity > 0");
    }

private:
    void require_not_empty(const char* operation) const {
        if (m_size == 0) [[unlikely]] {
            detail::throw_empty("Stack", "stack", operation);
        }
    }

    // The new element is built in the new block before the old elements
    // move, so `args` may safely refer to one of them.
    // Out of line: the rare slow path stays out of the caller's hot loop.
    template <class... Args>
    [[gnu::noinline]] T& emplace_growing(Args&&... args) {
        const size_type new_capacity =
            Growth::grow(m_capacity, m_size + 1, detail::max_elements<T>());
        T* fresh = detail::allocate_uninitialized<T>(new_capacity);
        T* slot = nullptr;
        try {
            slot = std::construct_at(fresh + m_size, std::forward<Args>(args)...);
            try {
                detail::relocate_or_copy_range(fresh, m_data, m_size);
            } catch (...) {
                std::destroy_at(slot);
                throw;
            }
        } catch (...) {
            detail::deallocate(fresh, new_capacity);
            throw;
        }
        adopt(fresh, new_capacity);
        ++m_size;
        return *slot;
    }

    void reallocate(size_type new_capacity) {
        T* fresh = detail::allocate_uninitialized<T>(new_capacity);
        try {
            detail::relocate_or_copy_range(fresh, m_data, m_size);
        } catch (...) {
            detail::deallocate(fresh, new_capacity);
            throw;
        }
        adopt(fresh, new_capacity);
    }

    // Replaces the storage with `fresh`, whose first m_size slots already
    // hold the elements (the old block's were moved out, or are copies).
    void adopt(T* fresh, size_type new_capacity) noexcept {
        if constexpr (!detail::relocation_destroys_source<T>) {
            std::destroy_n(m_data, m_size);  // the old copies
        }
        detail::deallocate(m_data, m_capacity);
        m_data = fresh;
        m_capacity = new_capacity;
    }

    void release() noexcept {
        std::destroy_n(m_data, m_size);
        detail::deallocate(m_data, m_capacity);
        m_data = nullptr;
        m_size = 0;
        m_capacity = 0;
    }

    T* m_data = nullptr;
    size_type m_size = 0;
    size_type m_capacity = 0;
};

}  // namespace telechat

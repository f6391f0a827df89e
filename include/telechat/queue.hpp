/// @file
/// @brief telechat::Queue, a first-in first-out container over a growable ring buffer.
#pragma once

#include "detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <bit>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "detail/raw_buffer.hpp"
#include "growth.hpp"

namespace telechat {

/**
 * @brief A first-in first-out queue stored in a growable ring buffer.
 *
 * @tparam T the element type. It needs a move or copy constructor and a
 *           destructor; no default constructor is required, and move-only
 *           types work.
 * @tparam Growth the growth rule (a growth::GrowthRule): by how much a full
 *           queue grows, which capacities its ring may have and how a
 *           position maps to a slot. growth::Doubling (×2, powers of two,
 *           the default) or growth::HalfAgain (×1.5, any capacity, a modulo
 *           per access); a rule of your own needs no edit here.
 *
 * @anchor queue_how
 * ## How it works
 * The elements live in one heap block used as a circle. Two counters say
 * where they are: `m_head` counts the pops and `m_tail` the pushes since the
 * block was allocated, so the queue holds `m_tail - m_head` elements, the
 * front one in slot `m_head % capacity`, the others after it, wrapping from
 * the last slot back to slot 0. A push constructs in slot `m_tail % capacity`
 * and advances `m_tail`; a pop destroys the front and advances `m_head`;
 * nothing ever shifts. (Counting instead of wrapping lets an iterator name
 * an element by its unwrapped position, which a pop does not change; and a
 * push writes only `m_tail`, a pop only `m_head`.) "Modulo capacity" is the
 * growth rule's `slot()`: with the default rule the capacity is a power of
 * two, so it is a bit mask. Only when the circle is full does a push
 * allocate a larger block (twice as large with the default rule) and move
 * the elements into it, front first, unwrapping them.
 *
 * @code
 *   capacity 8, m_head 6, m_tail 10: four elements, wrapping around the end
 *
 *     slot:   0      1      2      3      4      5      6      7
 *          +------+------+------+------+------+------+------+------+
 *          |  e2  |  e3  |      |      |      |      |  e0  |  e1  |
 *          +------+------+------+------+------+------+------+------+
 *                   back   ^ next push                 front
 *                          = 10 & 7 = 2
 * @endcode
 *
 * @invariant `m_head <= m_tail` and `m_tail - m_head <= capacity()`; the
 *            capacity is 0 or a ring capacity of the growth rule (with the
 *            default rule, a power of two).
 * @invariant `m_head == m_tail == 0` when the capacity is 0.
 * @invariant Exactly the slots `Growth::slot(p, capacity())` (with the
 *            default rule, `p & (capacity() - 1)`) for `p` in
 *            `[m_head, m_tail)` hold live objects, in FIFO order.
 *
 * @anchor queue_complexity
 * ## Complexity
 * | operation                                   | cost                               |
 * |---------------------------------------------|------------------------------------|
 * | push, emplace                               | amortised O(1); O(n) when it grows |
 * | pop, front, back, size, empty, capacity     | O(1)                               |
 * | swap                                        | O(1)                               |
 * | clear                                       | O(n) destructors, keeps capacity   |
 * | reserve(n)                                  | O(size) when it grows, else O(1)   |
 * | copy, ==                                    | O(n)                               |
 *
 * No push allocates while `size() < capacity()`.
 *
 * @anchor queue_iterators
 * ## Iterators and references
 * Iterators visit the elements front to back (FIFO order). A push or emplace
 * that grows the capacity, and a `reserve` that grows it, invalidates every
 * iterator and reference; any other push invalidates only `end()`. A pop
 * invalidates only the iterators and references to the front element: the
 * other elements do not move, and an iterator names a slot of the buffer,
 * not a distance from the front. `clear` invalidates all of them. `swap`
 * keeps them valid, now referring into the other queue.
 *
 * @anchor queue_exceptions
 * ## Exception safety
 * A push or emplace that has to grow gives the strong guarantee: the old
 * elements are moved when T's move constructor is `noexcept`, otherwise
 * copied, so a throwing copy leaves the queue exactly as it was. (A T that
 * cannot be copied is moved even if its move may throw, as
 * `std::move_if_noexcept` does; if such a move throws, the guarantee is only
 * the basic one: same size, but some elements moved-from.) `front()`,
 * `back()` and `pop()` on an empty queue throw `std::out_of_range` and change
 * nothing. The copy assignment is strong; moves, swap, clear and the
 * destructor never throw.
 *
 * Allocators are not supported: the storage comes from `std::allocator<T>`.
 *
 * @see @ref queue_guide "The Queue guide": the design, and why a ring buffer.
 */
template <class T, growth::GrowthRule Growth = growth::Doubling>
class Queue {
    template <bool IsConst>
    class BasicIterator;

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
    /// @brief A bidirectional iterator in FIFO order.
    using iterator = BasicIterator<false>;
    /// @brief A read-only bidirectional iterator in FIFO order.
    using const_iterator = BasicIterator<true>;

    /// @brief An empty queue. Allocates nothing.
    /// @complexity O(1).
    Queue() noexcept = default;

    /// @brief A queue holding `values`, the first one at the front.
    /// @param values the initial elements.
    /// @complexity O(n).
    Queue(std::initializer_list<T> values) {
        reserve(values.size());
        for (const T& value : values) {
            push(value);
        }
    }

    /// @brief A copy of `other`, unwrapped so that its front is slot 0.
    /// @param other the queue to copy.
    /// @complexity O(n).
    /// @exceptionsafety Strong: if an element's copy throws, nothing leaks.
    Queue(const Queue& other) {
        if (other.empty()) {
            return;
        }
        const size_type capacity = Growth::round_up(other.size(), max_capacity());
        T* fresh = detail::allocate_uninitialized<T>(capacity);
        try {
            std::uninitialized_copy(other.begin(), other.end(), fresh);
        } catch (...) {
            detail::deallocate(fresh, capacity);
            throw;
        }
        m_data = fresh;
        m_capacity = capacity;
        m_tail = other.size();
    }

    /// @brief Takes over the storage of `other`, which is left empty.
    /// @param other the queue to move from.
    /// @complexity O(1).
    Queue(Queue&& other) noexcept
        : m_data(std::exchange(other.m_data, nullptr)),
          m_head(std::exchange(other.m_head, 0)),
          m_tail(std::exchange(other.m_tail, 0)),
          m_capacity(std::exchange(other.m_capacity, 0)) {}

    /// @brief Replaces the contents with a copy of `other`.
    /// @param other the queue to copy.
    /// @return `*this`.
    /// @complexity O(n).
    /// @exceptionsafety Strong (copy, then swap). Self-assignment is a no-op.
    Queue& operator=(const Queue& other) {
        if (this != std::addressof(other)) {
            Queue copy(other);
            swap(copy);
        }
        return *this;
    }

    /// @brief Replaces the contents with those of `other`, which is left empty.
    /// @param other the queue to move from.
    /// @return `*this`.
    /// @complexity O(n) to destroy the old elements.
    Queue& operator=(Queue&& other) noexcept {
        if (this != std::addressof(other)) {
            Queue taken(std::move(other));
            swap(taken);
        }
        return *this;
    }

    /// @brief Destroys every element once and frees the storage.
    ~Queue() {
        clear();
        detail::deallocate(m_data, m_capacity);
    }

    /// @brief Appends a copy of `value` at the back.
    /// @param value the element to copy.
    /// @complexity Amortised O(1).
    /// @invalidation All iterators and references if it grows; else only `end()`.
    /// @exceptionsafety Strong.
    void push(const T& value) { emplace(value); }

    /// @brief Appends `value` at the back, moving it.
    /// @param value the element to move.
    /// @complexity Amortised O(1).
    /// @invalidation All iterators and references if it grows; else only `end()`.
    /// @exceptionsafety Strong.
    void push(T&& value) { emplace(std::move(value)); }

    /// @brief Constructs a new back element in place from `args`.
    /// @param args the constructor arguments; they may refer to an element of
    ///        this queue.
    /// @return the new back element.
    /// @complexity Amortised O(1).
    /// @invalidation All iterators and references if it grows; else only `end()`.
    /// @exceptionsafety Strong.
    template <class... Args>
    T& emplace(Args&&... args) {
        // The counter is read once, before the element is built: a T such
        // as std::uint64_t has the type of the counters, and the compiler
        // would otherwise read m_tail again after the element's store, in
        // case that store had changed it.
        const size_type tail = m_tail;
        if (tail - m_head == m_capacity) [[unlikely]] {
            return emplace_growing(std::forward<Args>(args)...);
        }
        T* slot = std::construct_at(m_data + slot_of(tail), std::forward<Args>(args)...);
        m_tail = tail + 1;
        return *slot;
    }

    /// @brief Destroys the front element, the one pushed first.
    /// @throws std::out_of_range if the queue is empty.
    /// @complexity O(1).
    /// @invalidation Iterators and references to the front element.
    void pop() {
        require_not_empty("pop");
        const size_type head = m_head;  // read once, as in emplace()
        std::destroy_at(m_data + slot_of(head));
        m_head = head + 1;
    }

    /// @brief The front element: the oldest, next to be popped.
    /// @return a reference to it.
    /// @throws std::out_of_range if the queue is empty.
    /// @complexity O(1).
    [[nodiscard]] T& front() {
        require_not_empty("front");
        return m_data[slot_of(m_head)];
    }

    /// @brief The front element, read-only.
    /// @return a reference to it.
    /// @throws std::out_of_range if the queue is empty.
    /// @complexity O(1).
    [[nodiscard]] const T& front() const {
        require_not_empty("front");
        return m_data[slot_of(m_head)];
    }

    /// @brief The back element: the newest.
    /// @return a reference to it.
    /// @throws std::out_of_range if the queue is empty.
    /// @complexity O(1).
    [[nodiscard]] T& back() {
        require_not_empty("back");
        return m_data[slot_of(m_tail - 1)];
    }

    /// @brief The back element, read-only.
    /// @return a reference to it.
    /// @throws std::out_of_range if the queue is empty.
    /// @complexity O(1).
    [[nodiscard]] const T& back() const {
        require_not_empty("back");
        return m_data[slot_of(m_tail - 1)];
    }

    /// @brief The number of elements.
    /// @return the element count.
    /// @complexity O(1).
    [[nodiscard]] size_type size() const noexcept { return m_tail - m_head; }

    /// @brief Whether the queue holds no element.
    /// @return `size() == 0`.
    /// @complexity O(1).
    [[nodiscard]] bool empty() const noexcept { return m_tail == m_head; }

    /// @brief How many elements fit before the next push has to allocate.
    /// @return the capacity: 0 or a ring capacity of the growth rule (a
    ///         power of two with the default rule).
    /// @complexity O(1).
    [[nodiscard]] size_type capacity() const noexcept { return m_capacity; }

    /// @brief Makes room for at least `wanted` elements (rounded up by the
    ///        growth rule: to a power of two with the default rule).
    /// @param wanted the capacity to reach; a smaller value does nothing.
    /// @throws std::length_error if `wanted` exceeds what can be allocated.
    /// @complexity O(size) if it grows, else O(1).
    /// @invalidation All iterators and references if it grows.
    /// @exceptionsafety Strong.
    void reserve(size_type wanted) {
        if (wanted > m_capacity) {
            reallocate(Growth::round_up(wanted, max_capacity()));
        }
    }

    /// @brief Destroys every element; the capacity stays.
    /// @complexity O(n).
    /// @invalidation All iterators and references.
    void clear() noexcept {
        for (size_type position = m_head; position != m_tail; ++position) {
            std::destroy_at(m_data + slot_of(position));
        }
        m_head = 0;
        m_tail = 0;
    }

    /// @brief Exchanges the contents of two queues.
    /// @param other the other queue.
    /// @complexity O(1).
    /// @invalidation None: iterators and references now refer into the other queue.
    void swap(Queue& other) noexcept {
        std::swap(m_data, other.m_data);
        std::swap(m_head, other.m_head);
        std::swap(m_tail, other.m_tail);
        std::swap(m_capacity, other.m_capacity);
    }

    /// @brief Exchanges the contents of two queues.
    /// @param a one queue.
    /// @param b the other.
    friend void swap(Queue& a, Queue& b) noexcept { a.swap(b); }

    /// @brief The front element's position.
    /// @return an iterator to the front, or `end()` if empty.
    [[nodiscard]] iterator begin() noexcept { return iterator(m_data, m_capacity, m_head); }
    /// @brief One past the back.
    /// @return the end iterator.
    [[nodiscard]] iterator end() noexcept { return iterator(m_data, m_capacity, m_tail); }
    /// @brief The front element's position, read-only.
    /// @return an iterator to the front, or `end()` if empty.
    [[nodiscard]] const_iterator begin() const noexcept {
        return const_iterator(m_data, m_capacity, m_head);
    }
    /// @brief One past the back, read-only.
    /// @return the end iterator.
    [[nodiscard]] const_iterator end() const noexcept {
        return const_iterator(m_data, m_capacity, m_tail);
    }
    /// @brief The front element's position, read-only.
    /// @return an iterator to the front, or `cend()` if empty.
    [[nodiscard]] const_iterator cbegin() const noexcept { return begin(); }
    /// @brief One past the back, read-only.
    /// @return the end iterator.
    [[nodiscard]] const_iterator cend() const noexcept { return end(); }

    /// @brief Whether two queues hold equal elements in the same order.
    /// @param a one queue.
    /// @param b the other.
    /// @return true if they are equal; capacity and wrap position do not matter.
    /// @complexity O(n).
    friend bool operator==(const Queue& a, const Queue& b) {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
    }

    /// @brief Where the elements sit in the ring: what a picture of the
    ///        queue in memory needs (see the lab's `telechat-lab picture queue`).
    struct Layout {
        size_type capacity = 0;    ///< Slots in the ring.
        size_type size = 0;        ///< Elements held.
        size_type front_slot = 0;  ///< Slot of the front element, the head (0 without a ring).
        size_type next_slot = 0;   ///< Slot the next push fills if it does not grow, the tail.
    };

    /// @brief A read-only view of the ring's state, for teaching and
    ///        pictures: the elements are `*begin()`, ... in slots
    ///        `(front_slot + i) % capacity`.
    /// @return capacity, size, and the head and tail slots.
    /// @complexity O(1).
    [[nodiscard]] Layout layout() const noexcept {
        if (m_capacity == 0) {
            return Layout{};
        }
        return Layout{m_capacity, size(), slot_of(m_head), slot_of(m_tail)};
    }

    /// @brief Verifies the class invariants listed above.
    /// @throws InvariantViolation naming the first invariant that fails.
    /// @complexity O(1).
    void check_invariants() const {
        detail::require_invariant(m_head <= m_tail && size() <= m_capacity,
                                  "Queue: size within the capacity");
        detail::require_invariant(Growth::round_up(m_capacity, max_capacity()) == m_capacity,
                                  "Queue: capacity is 0 or a ring capacity of the growth rule");
        detail::require_invariant((m_data == nullptr) == (m_capacity == 0),
                                  "Queue: storage is present exactly when capacity > 0");
        detail::require_invariant(m_capacity != 0 || (m_head == 0 && m_tail == 0),
                                  "Queue: without a buffer, both counters are 0");
    }

private:
    // A counter's slot is the counter modulo the capacity, as the growth
    // rule computes it: with a power of two, a mask, so the wrap-around
    // costs nothing.
    [[nodiscard]] size_type slot_of(size_type position) const noexcept {
        return Growth::slot(position, m_capacity);
    }

    // The largest ring: a power of two, so that a rule's cap at the maximum
    // is still a ring capacity (growth::GrowthRule).
    [[nodiscard]] static constexpr size_type max_capacity() noexcept {
        return std::bit_floor(detail::max_elements<T>());
    }

    void require_not_empty(const char* operation) const {
        if (empty()) [[unlikely]] {
            detail::throw_empty("Queue", "queue", operation);
        }
    }

    // The new element goes into the new block first, so `args` may refer to
    // an old element; then the old elements move across in FIFO order.
    // Out of line: the rare slow path stays out of the caller's hot loop.
    template <class... Args>
    [[gnu::noinline]] T& emplace_growing(Args&&... args) {
        const size_type new_capacity = Growth::grow(m_capacity, size() + 1, max_capacity());
        T* fresh = detail::allocate_uninitialized<T>(new_capacity);
        T* slot = nullptr;
        try {
            slot = std::construct_at(fresh + size(), std::forward<Args>(args)...);
            try {
                move_elements_into(fresh);
            } catch (...) {
                std::destroy_at(slot);
                throw;
            }
        } catch (...) {
            detail::deallocate(fresh, new_capacity);
            throw;
        }
        adopt(fresh, new_capacity);
        ++m_tail;
        return *slot;
    }

    void reallocate(size_type new_capacity) {
        T* fresh = detail::allocate_uninitialized<T>(new_capacity);
        try {
            move_elements_into(fresh);
        } catch (...) {
            detail::deallocate(fresh, new_capacity);
            throw;
        }
        adopt(fresh, new_capacity);
    }

    // The elements sit in at most two runs: from the front to the end of the
    // block, then from slot 0. Each run moves as one range.
    void move_elements_into(T* fresh) {
        if (empty()) {
            return;
        }
        const size_type front = slot_of(m_head);
        const size_type first_run = std::min(size(), m_capacity - front);
        detail::relocate_or_copy_range(fresh, m_data + front, first_run);
        try {
            detail::relocate_or_copy_range(fresh + first_run, m_data, size() - first_run);
        } catch (...) {
            std::destroy_n(fresh, first_run);
            throw;
        }
    }

    // Replaces the storage with `fresh`, whose first size() slots already
    // hold the elements in FIFO order.
    void adopt(T* fresh, size_type new_capacity) noexcept {
        const size_type count = size();
        if constexpr (detail::relocation_destroys_source<T>) {
            m_head = 0;  // the old block's elements were moved out and destroyed
        } else {
            clear();  // the old copies
        }
        detail::deallocate(m_data, m_capacity);
        m_data = fresh;
        m_capacity = new_capacity;
        m_tail = count;
    }

    T* m_data = nullptr;
    size_type m_head = 0;  // pops since the block was allocated
    size_type m_tail = 0;  // pushes since the block was allocated
    size_type m_capacity = 0;
};

/// @brief Queue's iterator: the buffer and an unwrapped position in it.
///
/// The position only grows as the iterator advances; taking its slot (a
/// mask with the default rule) on each access makes the wrap-around invisible, and since it names a
/// slot rather than a distance from the front, a pop does not move it.
template <class T, growth::GrowthRule Growth>
template <bool IsConst>
class Queue<T, Growth>::BasicIterator {
    using Storage = std::conditional_t<IsConst, const T*, T*>;

public:
    /// @brief Bidirectional.
    using iterator_category = std::bidirectional_iterator_tag;
    /// @brief The element type.
    using value_type = T;
    /// @brief The distance type.
    using difference_type = std::ptrdiff_t;
    /// @brief A pointer to an element.
    using pointer = std::conditional_t<IsConst, const T*, T*>;
    /// @brief A reference to an element.
    using reference = std::conditional_t<IsConst, const T&, T&>;

    /// @brief A singular iterator; only assignment and destruction are valid.
    BasicIterator() noexcept = default;

    /// @brief Converts an iterator to a const_iterator.
    /// @param other the mutable iterator.
    template <bool OtherConst>
    BasicIterator(
        const BasicIterator<OtherConst>& other) noexcept  // NOLINT(google-explicit-constructor)
        requires(IsConst && !OtherConst)
        : m_data(other.m_data), m_capacity(other.m_capacity), m_position(other.m_position) {}

    /// @brief The element at this position.
    /// @return a reference to it.
    reference operator*() const noexcept { return m_data[Growth::slot(m_position, m_capacity)]; }
    /// @brief The element at this position.
    /// @return a pointer to it.
    pointer operator->() const noexcept { return std::addressof(**this); }

    /// @brief Advances towards the back.
    /// @return `*this`.
    BasicIterator& operator++() noexcept {
        ++m_position;
        return *this;
    }
    /// @brief Advances towards the back.
    /// @return the iterator before the step.
    BasicIterator operator++(int) noexcept {
        BasicIterator before = *this;
        ++m_position;
        return before;
    }
    /// @brief Steps back towards the front.
    /// @return `*this`.
    BasicIterator& operator--() noexcept {
        --m_position;
        return *this;
    }
    /// @brief Steps back towards the front.
    /// @return the iterator before the step.
    BasicIterator operator--(int) noexcept {
        BasicIterator before = *this;
        --m_position;
        return before;
    }

    /// @brief Whether two iterators denote the same position.
    /// @param a one iterator.
    /// @param b the other.
    /// @return true if equal.
    friend bool operator==(const BasicIterator& a, const BasicIterator& b) noexcept {
        return a.m_data == b.m_data && a.m_position == b.m_position;
    }

private:
    friend class Queue;
    template <bool>
    friend class BasicIterator;

    BasicIterator(Storage data, size_type capacity, size_type position) noexcept
        : m_data(data), m_capacity(capacity), m_position(position) {}

    Storage m_data = nullptr;
    size_type m_capacity = 0;
    size_type m_position = 0;
};

}  // namespace telechat

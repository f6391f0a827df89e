/// @file
/// @brief The hash table's element storage: a slot of the dense value array
///        holding a `std::pair<const K, V>`, and the iterator over the slots.
#pragma once

#include <compare>
#include <cstddef>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>

#include "config.hpp"

namespace telechat::detail {

/// One element of HashTable's dense value array: the `std::pair<const K, V>`
/// the table hands out, plus the one thing the table needs that the pair
/// refuses, moving it. The key is `const` so that no user can change it (an
/// element with a changed key sits in the wrong bucket), but the table
/// itself must relocate elements when the array grows and when an erase
/// fills the hole with the last element.
///
/// The move constructor therefore moves the key out of the `const` member
/// (`const_cast`), and is only ever used on a slot that is destroyed right
/// after, so no one observes the moved-from key; move_slot_over() assigns
/// through it likewise. Only the table does either, never while a user can
/// look at the key. Without it, every
/// relocation would copy the keys (a `const std::string` cannot be moved),
/// and move-only keys could not be stored at all. boost::unordered_flat_map
/// relocates its `pair<const K, V>` elements the same way.
template <class K, class V>
struct HashSlot {
    /// What the table's iterators point at.
    using value_type = std::pair<const K, V>;

    /// Whether moving a slot cannot throw, so that the array relocates
    /// elements by moving them (else it copies, for the strong guarantee).
    static constexpr bool nothrow_relocatable =
        std::is_nothrow_move_constructible_v<K> && std::is_nothrow_move_constructible_v<V>;

    /// The element.
    value_type element;

    /// Builds the element from `args`, as `value_type`'s constructor would.
    template <class... Args>
    explicit HashSlot(std::in_place_t /*tag*/, Args&&... args)
        : element(std::forward<Args>(args)...) {}

    HashSlot(const HashSlot&) = default;

    /// Relocation: the source's lifetime ends right after this (see above).
    HashSlot(HashSlot&& other) noexcept(nothrow_relocatable)
        : element(std::move(const_cast<K&>(other.element.first)), std::move(other.element.second)) {
    }

    HashSlot& operator=(const HashSlot&) = delete;
    HashSlot& operator=(HashSlot&&) = delete;
    ~HashSlot() = default;
};

/// Moves the element of slot `from` into slot `to`, whose element has been
/// erased; `from` is destroyed by the caller right after. It assigns through
/// the `const` key, the same liberty as the move constructor's: destroying
/// and rebuilding `to` instead measured 5 to 7% slower erases with string
/// keys (a string's move assignment reuses more than destroy-then-construct).
template <class K, class V>
void move_slot_over(HashSlot<K, V>& to, HashSlot<K, V>& from) {
    const_cast<K&>(to.element.first) = std::move(const_cast<K&>(from.element.first));
    to.element.second = std::move(from.element.second);
}

/// Whether `P` is a `std::pair` whose first member is a `K` (or `const K`).
template <class P, class K>
inline constexpr bool is_pair_with_key = false;
template <class A, class B, class K>
inline constexpr bool is_pair_with_key<std::pair<A, B>, K> =
    std::is_same_v<std::remove_const_t<A>, K>;

/// The random-access iterator of HashTable: a pointer to a slot that
/// dereferences to the slot's `std::pair<const K, V>`.
template <class Slot, bool IsConst>
class SlotIterator {
    using SlotPointer = std::conditional_t<IsConst, const Slot*, Slot*>;

public:
    using iterator_concept = std::random_access_iterator_tag;
    using iterator_category = std::random_access_iterator_tag;
    using value_type = typename Slot::value_type;
    using difference_type = std::ptrdiff_t;
    using pointer = std::conditional_t<IsConst, const value_type*, value_type*>;
    using reference = std::conditional_t<IsConst, const value_type&, value_type&>;

    SlotIterator() noexcept = default;
    explicit SlotIterator(SlotPointer slot) noexcept : m_slot(slot) {}

    /// An iterator converts to a const_iterator, not the other way.
    template <bool OtherConst>
    SlotIterator(const SlotIterator<Slot, OtherConst>& other) noexcept  // NOLINT: implicit
        requires(IsConst && !OtherConst)
        : m_slot(other.slot()) {}

    [[nodiscard]] SlotPointer slot() const noexcept { return m_slot; }

    reference operator*() const noexcept { return m_slot->element; }
    pointer operator->() const noexcept { return std::addressof(m_slot->element); }
    reference operator[](difference_type offset) const noexcept { return m_slot[offset].element; }

    SlotIterator& operator++() noexcept {
        ++m_slot;
        return *this;
    }
    SlotIterator operator++(int) noexcept { return SlotIterator(m_slot++); }
    SlotIterator& operator--() noexcept {
        --m_slot;
        return *this;
    }
    SlotIterator operator--(int) noexcept { return SlotIterator(m_slot--); }
    SlotIterator& operator+=(difference_type offset) noexcept {
        m_slot += offset;
        return *this;
    }
    SlotIterator& operator-=(difference_type offset) noexcept {
        m_slot -= offset;
        return *this;
    }
    friend SlotIterator operator+(SlotIterator it, difference_type offset) noexcept {
        return it += offset;
    }
    friend SlotIterator operator+(difference_type offset, SlotIterator it) noexcept {
        return it += offset;
    }
    friend SlotIterator operator-(SlotIterator it, difference_type offset) noexcept {
        return it -= offset;
    }

private:
    SlotPointer m_slot = nullptr;
};

// Comparisons and distances take any mix of iterator and const_iterator.

template <class Slot, bool A, bool B>
[[nodiscard]] bool operator==(const SlotIterator<Slot, A>& a,
                              const SlotIterator<Slot, B>& b) noexcept {
    return a.slot() == b.slot();
}

template <class Slot, bool A, bool B>
[[nodiscard]] std::strong_ordering operator<=>(const SlotIterator<Slot, A>& a,
                                               const SlotIterator<Slot, B>& b) noexcept {
    return std::compare_three_way{}(a.slot(), b.slot());
}

template <class Slot, bool A, bool B>
[[nodiscard]] std::ptrdiff_t operator-(const SlotIterator<Slot, A>& a,
                                       const SlotIterator<Slot, B>& b) noexcept {
    return a.slot() - b.slot();
}

}  // namespace telechat::detail

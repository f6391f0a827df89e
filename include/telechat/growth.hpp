/// @file
/// @brief Growth rules of Stack and Queue: by how much a full container grows,
///        and which capacities its ring buffer may have.
#pragma once

#include "detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <bit>
#include <concepts>
#include <cstddef>
#include <stdexcept>

/**
 * @brief The growth rules a Stack or a Queue takes as its second template
 *        parameter, and the concept they model.
 *
 * A growth rule is to Stack and Queue what the sizing rule is to HashTable:
 * the container asks it for numbers and never asks which rule it is. Only a
 * full container grows, so the rule decides how many times a run of pushes
 * reallocates, how many element moves that costs, and how much memory stands
 * empty or is held twice while the elements move.
 *
 * | rule              | capacities from empty  | moves/push | empty, worst | held growing |
 * |-------------------|------------------------|------------|--------------|--------------|
 * | growth::Doubling  | 8, 16, 32, 64, ...     | below 2    | 1/2          | 3n (n + 2n)  |
 * | growth::HalfAgain | 8, 12, 18, 27, 40, ... | below 3    | 1/3          | 2.5n         |
 *
 * (Held growing: the slots held at once while a full block of n grows.)
 *
 * A growth by g from a full block of c moves c elements, so all the growths
 * so far have moved c + c/g + c/g² + ... < c·g/(g - 1) elements, with more
 * than c pushed: fewer than g/(g - 1) moves per push, amortised O(1); about
 * 1/(g - 1) when the last block has just filled up.
 */
namespace telechat::growth {

/**
 * @brief What Stack and Queue require of a growth rule; growth::Doubling is
 *        the reference model.
 *
 * A rule is a class with three static member functions. `max` is the largest
 * capacity the container can ever allocate (for Queue, a power of two).
 *
 * - `R::grow(current, needed, max)`, called when a push or a reserve finds
 *   the container full: returns the capacity to grow to. Precondition:
 *   `current < needed`. Throws `std::length_error` if `needed > max`;
 *   otherwise returns `c` with `needed <= c <= max` and `c > current`, never
 *   computing a value past `max` on the way (no overflow). For Queue, if
 *   `current` is 0 or a ring capacity and `max` is a power of two, `c` is a
 *   ring capacity.
 * - `R::round_up(wanted, max)`: the ring capacity Queue allocates when asked
 *   for room for `wanted` elements (reserve, copy): the smallest ring
 *   capacity `>= wanted`. Throws `std::length_error` if that exceeds `max`.
 *   A capacity `c` is a *ring capacity* exactly when `round_up(c, max) == c`.
 * - `R::slot(position, capacity)`, noexcept: the slot of the ring that holds
 *   the element at unwrapped position `position`, for a ring capacity
 *   `capacity > 0`. It must equal `position % capacity`; a rule whose ring
 *   capacities are powers of two computes it with a mask.
 *
 * The three are pure functions of their arguments; a rule holds no state.
 * Stack uses only `grow`; its capacities need not be ring capacities.
 *
 * The containers' complexity tables (a push is amortised O(1)) hold when
 * `grow` is geometric: `c >= k * current` for some constant `k > 1` once
 * `current` is not tiny. A rule that adds a constant instead is allowed, and
 * correct, but makes a push O(n) amortised.
 */
template <class R>
concept GrowthRule = requires(std::size_t count) {
    { R::grow(count, count, count) } -> std::same_as<std::size_t>;
    { R::round_up(count, count) } -> std::same_as<std::size_t>;
    { R::slot(count, count) }
    noexcept->std::same_as<std::size_t>;
};

/// @brief The capacity both rules start from: a first push allocates room for
///        8 elements, so that the first few pushes do not each reallocate.
inline constexpr std::size_t first_capacity = 8;

/// @brief Throws std::length_error unless `needed <= max`: what every rule
///        must do before it grows.
/// @param needed the capacity asked for.
/// @param max the largest capacity allowed.
inline void require_at_most(std::size_t needed, std::size_t max) {
    if (needed > max) {
        throw std::length_error("telechat: container would exceed its maximum size");
    }
}

/// @brief Where growth starts from: the current capacity, but at least 8
///        (or `max`, if a block of 8 could never be allocated).
/// @param current the capacity now.
/// @param max the largest capacity allowed.
/// @return the capacity to grow from.
[[nodiscard]] constexpr std::size_t starting_capacity(std::size_t current,
                                                      std::size_t max) noexcept {
    const std::size_t smallest = first_capacity < max ? first_capacity : max;
    return current < smallest ? smallest : current;
}

/// @brief The growth loop every geometric rule shares: from
///        starting_capacity(), apply `step` until the capacity holds `needed`.
/// @param current the capacity now.
/// @param needed the capacity required; greater than `current`.
/// @param max the largest capacity allowed.
/// @param step the next capacity after a given one; it must cap at `max`
///        without computing past it, and grow anything below `max`.
/// @return the first capacity of the sequence that holds `needed`.
/// @throws std::length_error if `needed > max`.
template <class Step>
[[nodiscard]] std::size_t grow_in_steps(std::size_t current, std::size_t needed, std::size_t max,
                                        Step step) {
    require_at_most(needed, max);
    std::size_t capacity = starting_capacity(current, max);
    while (capacity < needed) {
        capacity = step(capacity);
    }
    return capacity;
}

/**
 * @brief Grow by ×2, from 8: the default rule, and the reference model of
 *        GrowthRule.
 *
 * Each growth moves every element once; since the block doubles, the
 * elements moved by all the growths so far add up to fewer than the
 * capacity, so a push costs O(1) amortised (fewer than two moves per push).
 * The blocks freed so far (8 + 16 + ... + c/2 = c - 8) never add up to the
 * next one (2c): an allocator can never reuse them for it.
 *
 * Ring capacities are the powers of two, so a slot is a mask of the
 * position: one AND, where a modulo would cost a division.
 */
struct Doubling {
    /// @brief The capacity after growing from `current` to hold `needed`.
    /// @param current the capacity now.
    /// @param needed the capacity required; greater than `current`.
    /// @param max the largest capacity allowed.
    /// @return `max(current, 8)` doubled until it holds `needed`, capped at `max`.
    /// @throws std::length_error if `needed > max`.
    [[nodiscard]] static std::size_t grow(std::size_t current, std::size_t needed,
                                          std::size_t max) {
        return grow_in_steps(current, needed, max, [max](std::size_t capacity) {
            return capacity > max / 2 ? max : capacity * 2;
        });
    }

    /// @brief The smallest power of two `>= wanted` (0 stays 0).
    /// @param wanted the capacity asked for.
    /// @param max the largest capacity allowed, a power of two.
    /// @return the ring capacity.
    /// @throws std::length_error if `wanted > max`.
    [[nodiscard]] static std::size_t round_up(std::size_t wanted, std::size_t max) {
        require_at_most(wanted, max);
        return wanted == 0 ? 0 : std::bit_ceil(wanted);
    }

    /// @brief `position % capacity`, as a mask.
    /// @param position an unwrapped position.
    /// @param capacity a power of two.
    /// @return the slot.
    [[nodiscard]] static std::size_t slot(std::size_t position, std::size_t capacity) noexcept {
        return position & (capacity - 1);
    }
};

/**
 * @brief Grow by ×1.5 (`c + c / 2`), from 8, as MSVC's std::vector and
 *        folly's fbvector (for mid-sized blocks) do.
 *
 * A growth moves every element, and the block grows by half, so a push
 * costs fewer than three moves amortised: more than Doubling, but the block
 * holds at most a third of its slots empty instead of half, and the blocks
 * freed so far soon add up to more than the next one (from the growth to 60
 * slots on), so an allocator that merges neighbouring free blocks can reuse
 * them.
 *
 * Every capacity is a ring capacity, so a slot costs a modulo (a division)
 * per access of the Queue: the price of arbitrary capacities.
 */
struct HalfAgain {
    /// @brief The capacity after growing from `current` to hold `needed`.
    /// @param current the capacity now.
    /// @param needed the capacity required; greater than `current`.
    /// @param max the largest capacity allowed.
    /// @return `max(current, 8)` grown by half until it holds `needed`, capped at `max`.
    /// @throws std::length_error if `needed > max`.
    [[nodiscard]] static std::size_t grow(std::size_t current, std::size_t needed,
                                          std::size_t max) {
        return grow_in_steps(current, needed, max, [max](std::size_t capacity) {
            const std::size_t half = capacity / 2;
            return capacity > max - half ? max : capacity + half;
        });
    }

    /// @brief Exactly `wanted`: any capacity is a ring capacity.
    /// @param wanted the capacity asked for.
    /// @param max the largest capacity allowed.
    /// @return `wanted`.
    /// @throws std::length_error if `wanted > max`.
    [[nodiscard]] static std::size_t round_up(std::size_t wanted, std::size_t max) {
        require_at_most(wanted, max);
        return wanted;
    }

    /// @brief `position % capacity`.
    /// @param position an unwrapped position.
    /// @param capacity any capacity above 0.
    /// @return the slot.
    [[nodiscard]] static std::size_t slot(std::size_t position, std::size_t capacity) noexcept {
        return position % capacity;
    }
};

static_assert(GrowthRule<Doubling>);
static_assert(GrowthRule<HalfAgain>);

}  // namespace telechat::growth

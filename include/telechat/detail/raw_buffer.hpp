/// @file
/// @brief Uninitialised storage and strongly exception-safe relocation, shared
///        by Stack and Queue.
#pragma once

#include <cstddef>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "../invariant.hpp"
#include "config.hpp"

namespace telechat::detail {

/// Raw storage for `capacity` objects of type T: allocated, never constructed.
/// The containers construct and destroy the elements themselves, which is
/// what lets them hold types with no default constructor.
template <class T>
[[nodiscard]] T* allocate_uninitialized(std::size_t capacity) {
    if (capacity == 0) {
        return nullptr;
    }
    return std::allocator<T>{}.allocate(capacity);
}

template <class T>
void deallocate(T* storage, std::size_t capacity) noexcept {
    if (storage != nullptr) {
        std::allocator<T>{}.deallocate(storage, capacity);
    }
}

/// The most elements of type T that one block can hold.
template <class T>
[[nodiscard]] constexpr std::size_t max_elements() noexcept {
    return static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max()) / sizeof(T);
}

/// Throws std::length_error if `wanted` elements can never be allocated.
template <class T>
void require_allocatable(std::size_t wanted) {
    if (wanted > max_elements<T>()) {
        throw std::length_error("telechat: container would exceed its maximum size");
    }
}

/// Moves `count` elements, `source(0)` ... `source(count - 1)`, into raw
/// storage at `destination`. It moves when T's move constructor cannot
/// throw and copies otherwise (std::move_if_noexcept), so if a copy throws,
/// every element already built in `destination` is destroyed and the
/// sources are untouched: the caller's container is exactly as it was (the
/// strong guarantee). A T that cannot be copied is moved even if the move
/// may throw; if it does, the sources already moved from stay moved-from
/// (the basic guarantee only).
template <class T, class SourceAt>
void relocate_or_copy(T* destination, std::size_t count, SourceAt source) {
    std::size_t built = 0;
    try {
        for (; built < count; ++built) {
            std::construct_at(destination + built, std::move_if_noexcept(source(built)));
        }
    } catch (...) {
        std::destroy_n(destination, built);
        throw;
    }
}

/// Whether relocate_or_copy_range() ends the sources' lifetimes itself: it
/// does whenever it moves (no copy can fail half-way), so a growing
/// container walks its old block once instead of twice.
template <class T>
inline constexpr bool relocation_destroys_source =
    std::is_trivially_copyable_v<T> || std::is_nothrow_move_constructible_v<T>;

/// Moves `source[0]` ... `source[count - 1]` into raw storage at
/// `destination`. When relocation_destroys_source<T>, each source is moved
/// and destroyed in one pass (trivially copyable ones in one memcpy, as
/// std::vector does) and nothing can throw. Otherwise they are copied with
/// the strong guarantee of relocate_or_copy(), and the sources stay alive.
template <class T>
void relocate_or_copy_range(T* destination, T* source, std::size_t count) {
    if constexpr (std::is_trivially_copyable_v<T>) {
        if (count != 0) {
            std::memcpy(static_cast<void*>(destination), static_cast<const void*>(source),
                        count * sizeof(T));
        }
    } else if constexpr (std::is_nothrow_move_constructible_v<T>) {
        // Two walking pointers rather than an index: one register fewer to
        // keep across the element's move, which may call memcpy (a short
        // std::string's does), and so nothing to spill around that call.
        for (T* const end = source + count; source != end; ++source, ++destination) {
            std::construct_at(destination, std::move(*source));
            std::destroy_at(source);
        }
    } else {
        relocate_or_copy(destination, count, [source](std::size_t i) -> T& { return source[i]; });
    }
}

/// Throws std::out_of_range for `operation` on an empty container. Kept out
/// of line and marked cold, so the check at each call site stays a single
/// predictable branch and the callers stay small enough to inline.
[[noreturn, gnu::cold, gnu::noinline]] inline void throw_empty(const char* type, const char* noun,
                                                               const char* operation) {
    throw std::out_of_range(std::string("telechat::") + type + "::" + operation + " on an empty " +
                            noun);
}

/// Raises InvariantViolation with `message` unless `holds`.
inline void require_invariant(bool holds, const char* message) {
    if (!holds) {
        throw InvariantViolation(message);
    }
}

}  // namespace telechat::detail

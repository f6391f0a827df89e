/// @file
/// @brief The hash table's sizing rule: how many buckets, and which one is a key's home.
#pragma once

#include "config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>

namespace telechat::detail {

/// The sizing rule of HashTable, kept apart from its collision strategy so
/// that either can be replaced on its own.
///
/// Bucket counts are powers of two, and a key's home bucket is the top
/// `log2(bucket_count)` bits of its (already mixed) 64-bit hash. Taking the
/// top bits costs one shift, where `hash % n` would cost a division; it is
/// only safe because HashTable mixes every hash first, so the top bits
/// depend on all the bits of the key.
class PowerOfTwoSizing {
public:
    /// The fewest buckets a table that holds anything allocates.
    static constexpr std::size_t min_bucket_count = 8;

    PowerOfTwoSizing() noexcept = default;

    explicit PowerOfTwoSizing(std::size_t bucket_count) noexcept
        : m_shift(64 - std::countr_zero(bucket_count)) {}

    /// The home bucket of a mixed hash.
    [[nodiscard]] std::size_t home(std::uint64_t mixed_hash) const noexcept {
        return static_cast<std::size_t>(mixed_hash >> m_shift);
    }

    /// How many elements `bucket_count` buckets may hold at `max_load`. One
    /// bucket always stays empty, whatever the load, so that every probe ends.
    [[nodiscard]] static std::size_t element_limit(std::size_t bucket_count,
                                                   float max_load) noexcept {
        if (bucket_count == 0) {
            return 0;
        }
        const auto limit =
            static_cast<std::size_t>(static_cast<double>(bucket_count) * double{max_load});
        return limit < bucket_count ? limit : bucket_count - 1;
    }

    /// The smallest allowed bucket count that holds `elements` at `max_load`.
    [[nodiscard]] static std::size_t bucket_count_for(std::size_t elements, float max_load) {
        constexpr std::size_t largest = std::size_t{1} << 62;
        std::size_t count = min_bucket_count;
        while (element_limit(count, max_load) < elements) {
            if (count >= largest) {
                throw std::length_error("telechat::HashTable: too many elements");
            }
            count *= 2;
        }
        return count;
    }

    /// The bucket count to use when asked for `requested` buckets: the next
    /// allowed size.
    [[nodiscard]] static std::size_t round_up(std::size_t requested) {
        if (requested > (std::size_t{1} << 62)) {
            throw std::length_error("telechat::HashTable: too many buckets");
        }
        return requested <= min_bucket_count ? min_bucket_count : std::bit_ceil(requested);
    }

private:
    int m_shift = 64;
};

}  // namespace telechat::detail

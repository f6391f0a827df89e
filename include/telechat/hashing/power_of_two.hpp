/// @file
/// @brief hashing::PowerOfTwo, HashTable's default sizing rule: power-of-two
///        bucket counts, mixed hashes, the home bucket from the top bits.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <bit>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "../detail/wide_multiply.hpp"

namespace telechat {

namespace detail {

/// Spreads every bit of `hash` over all 64 bits (a 128-bit multiply by the
/// golden ratio, folded). `std::hash` of an integer is the integer itself,
/// so without this, keys 0, 8, 16, ... would all share one home bucket.
/// On GCC and Clang the multiply is one instruction; wide_multiply() has a
/// standard C++ path for compilers without a 128-bit integer.
[[nodiscard]] inline std::uint64_t mix_hash(std::uint64_t hash) noexcept {
    const WideProduct product = wide_multiply(hash, 0x9E3779B97F4A7C15ULL);
    return product.low ^ product.high;
}

}  // namespace detail

namespace hashing {

/// @brief The default sizing rule: bucket counts are powers of two, every
///        hash is mixed, and a hash's home bucket is its top bits.
///
/// Taking the top `log2(bucket_count)` bits costs one shift, where
/// `hash % n` costs a division (tens of cycles); it is only safe because
/// every hash is mixed first, so that the top bits depend on all the bits of
/// the key. Growing doubles the count: each element is rehashed O(1) times
/// on average over a table's life. The reference model of SizingRule.
class PowerOfTwo {
public:
    /// @brief The name the lab prints.
    static constexpr std::string_view name = "PowerOfTwo";
    /// @brief The fewest buckets a table that holds anything allocates.
    static constexpr std::size_t min_bucket_count = 8;
    /// @brief The most buckets: 2^62.
    static constexpr std::size_t max_bucket_count = std::size_t{1} << 62;

    /// @brief No buckets.
    PowerOfTwo() noexcept = default;
    /// @brief The rule for `bucket_count` buckets, a power of two.
    /// @param bucket_count the number of buckets.
    explicit PowerOfTwo(std::size_t bucket_count) noexcept
        : m_shift(64 - std::countr_zero(bucket_count)) {}

    /// @brief The smallest power of two `>= requested`, and at least min_bucket_count.
    /// @param requested the bucket count asked for.
    /// @return the bucket count to use.
    /// @throws std::length_error past max_bucket_count.
    [[nodiscard]] static std::size_t round_up(std::size_t requested) {
        if (requested > max_bucket_count) {
            throw std::length_error("telechat::HashTable: too many buckets");
        }
        return requested <= min_bucket_count ? min_bucket_count : std::bit_ceil(requested);
    }

    /// @brief Twice `bucket_count` (min_bucket_count for none).
    /// @param bucket_count the bucket count of a full table.
    /// @return the bucket count it grows to.
    /// @throws std::length_error past max_bucket_count.
    [[nodiscard]] static std::size_t grow(std::size_t bucket_count) {
        if (bucket_count >= max_bucket_count) {
            throw std::length_error("telechat::HashTable: too many buckets");
        }
        return bucket_count < min_bucket_count ? min_bucket_count : 2 * bucket_count;
    }

    /// @brief The user's hash, mixed (see the class notes).
    /// @param hash what the table's Hash returned.
    /// @return the hash the index works with.
    [[nodiscard]] static std::uint64_t prepare(std::size_t hash) noexcept {
        return detail::mix_hash(static_cast<std::uint64_t>(hash));
    }

    /// @brief The home bucket of a prepared hash: its top bits.
    /// @param prepared_hash a hash made by prepare().
    /// @return its home bucket, below the bucket count.
    [[nodiscard]] std::size_t home(std::uint64_t prepared_hash) const noexcept {
        return static_cast<std::size_t>(prepared_hash >> m_shift);
    }

    /// @brief Two rules are equal when they are for the same bucket count.
    friend bool operator==(const PowerOfTwo&, const PowerOfTwo&) = default;

private:
    int m_shift = 64;
};

}  // namespace hashing
}  // namespace telechat

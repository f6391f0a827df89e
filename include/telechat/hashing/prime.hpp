/// @file
/// @brief hashing::Prime, the textbook sizing rule: prime bucket counts and
///        the home bucket as the hash modulo the count.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

namespace telechat::hashing {

/// @brief The textbook sizing rule: bucket counts are primes, about doubling,
///        and a hash's home bucket is `hash % bucket_count`, unmixed.
///
/// A prime modulus depends on every bit of the hash, so even `std::hash` of
/// an integer (the integer itself) spreads well, and no mixing is needed;
/// the price is a division per lookup, where PowerOfTwo pays a shift. The
/// counts come from a fixed table of primes, each the largest prime below a
/// power of two (`2^k - c`), so that growing about doubles the count.
class Prime {
public:
    /// @brief The name the lab prints.
    static constexpr std::string_view name = "Prime";

private:
    // The largest prime below 2^k, for k = 3 .. 62.
    static constexpr std::array<std::uint64_t, 60> primes = {
        7ULL,
        13ULL,
        31ULL,
        61ULL,
        127ULL,
        251ULL,
        509ULL,
        1021ULL,
        2039ULL,
        4093ULL,
        8191ULL,
        16381ULL,
        32749ULL,
        65521ULL,
        131071ULL,
        262139ULL,
        524287ULL,
        1048573ULL,
        2097143ULL,
        4194301ULL,
        8388593ULL,
        16777213ULL,
        33554393ULL,
        67108859ULL,
        134217689ULL,
        268435399ULL,
        536870909ULL,
        1073741789ULL,
        2147483647ULL,
        4294967291ULL,
        8589934583ULL,
        17179869143ULL,
        34359738337ULL,
        68719476731ULL,
        137438953447ULL,
        274877906899ULL,
        549755813881ULL,
        1099511627689ULL,
        2199023255531ULL,
        4398046511093ULL,
        8796093022151ULL,
        17592186044399ULL,
        35184372088777ULL,
        70368744177643ULL,
        140737488355213ULL,
        281474976710597ULL,
        562949953421231ULL,
        1125899906842597ULL,
        2251799813685119ULL,
        4503599627370449ULL,
        9007199254740881ULL,
        18014398509481951ULL,
        36028797018963913ULL,
        72057594037927931ULL,
        144115188075855859ULL,
        288230376151711717ULL,
        576460752303423433ULL,
        1152921504606846883ULL,
        2305843009213693951ULL,
        4611686018427387847ULL,
    };

public:
    /// @brief The fewest buckets a table that holds anything allocates.
    static constexpr std::size_t min_bucket_count = 7;

    /// @brief No buckets.
    Prime() noexcept = default;
    /// @brief The rule for `bucket_count` buckets, one of the table's primes.
    /// @param bucket_count the number of buckets.
    explicit Prime(std::size_t bucket_count) noexcept : m_count(bucket_count) {}

    /// @brief The smallest prime of the table `>= requested`.
    /// @param requested the bucket count asked for.
    /// @return the bucket count to use.
    /// @throws std::length_error past the largest.
    [[nodiscard]] static std::size_t round_up(std::size_t requested) {
        const auto* found = std::lower_bound(primes.begin(), primes.end(), requested);
        if (found == primes.end() || *found > SIZE_MAX) {
            throw std::length_error("telechat::HashTable: too many buckets");
        }
        return static_cast<std::size_t>(*found);
    }

    /// @brief The next prime of the table after `bucket_count`: about twice it.
    /// @param bucket_count the bucket count of a full table.
    /// @return the bucket count it grows to.
    /// @throws std::length_error past the largest.
    [[nodiscard]] static std::size_t grow(std::size_t bucket_count) {
        return round_up(bucket_count + 1);
    }

    /// @brief The user's hash as it is: the modulus mixes.
    /// @param hash what the table's Hash returned.
    /// @return the hash the index works with.
    [[nodiscard]] static std::uint64_t prepare(std::size_t hash) noexcept {
        return static_cast<std::uint64_t>(hash);
    }

    /// @brief The home bucket of a prepared hash: the remainder by the bucket count.
    /// @param prepared_hash a hash made by prepare().
    /// @return its home bucket, below the bucket count.
    [[nodiscard]] std::size_t home(std::uint64_t prepared_hash) const noexcept {
        return static_cast<std::size_t>(prepared_hash % m_count);
    }

    /// @brief Two rules are equal when they are for the same bucket count.
    friend bool operator==(const Prime&, const Prime&) = default;

private:
    std::uint64_t m_count = 1;  // 1, not 0: home() of a rule without buckets divides by it
};

}  // namespace telechat::hashing

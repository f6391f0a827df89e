/// @file
/// @brief hashing::QuadraticProbing: open addressing whose steps grow, which
///        breaks up the runs linear probing builds; tombstones for deletion.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <string_view>

#include "concepts.hpp"
#include "open_addressing_limit.hpp"
#include "probing_index.hpp"

namespace telechat::hashing {

/// @brief Quadratic probing: the `i`-th step jumps `i` buckets, so a search
///        reads home, home + 1, home + 3, home + 6, ... (home + i(i+1)/2).
///
/// Keys with different homes no longer share a run, which ends *primary
/// clustering*; keys with the same home still share a sequence (*secondary
/// clustering*). Its costs are close to the *uniform probing* model's:
/// (1/α)·ln(1/(1−α)) probes for a hit, 1/(1−α) for a miss.
///
/// These triangular steps visit every bucket when the count is a power of
/// two (PowerOfTwo). Over a prime count (Prime) they visit only about half
/// of them, so an insert may find no free bucket while some are empty: it
/// then fails to place, and the table grows (slower, never wrong). Deletion
/// leaves tombstones (see ProbingIndex).
struct QuadraticProbing {
    /// @brief The name the lab prints.
    static constexpr std::string_view name = "QuadraticProbing";
    /// @brief The load factor a new table grows at.
    static constexpr float default_max_load_factor = 0.8F;
    /// @brief The highest maximum load factor accepted.
    static constexpr float highest_max_load_factor = 0.95F;

    /// @brief How many entries and tombstones `bucket_count` buckets hold: one stays empty.
    /// @param bucket_count the number of buckets.
    /// @param max_load the table's maximum load factor.
    /// @return the most entries (and tombstones) the index holds before it is rebuilt.
    [[nodiscard]] static std::size_t element_limit(std::size_t bucket_count,
                                                   float max_load) noexcept {
        return telechat::detail::open_addressing_limit(bucket_count, max_load);
    }

    /// @brief `step` buckets further, wrapping (`step < bucket_count`, so one
    ///        subtraction wraps).
    struct Steps {
        /// @brief The next bucket of a search.
        /// @param position the bucket just read.
        /// @param step which step this is: 1 for the first after the home bucket.
        /// @param bucket_count the number of buckets.
        /// @return the bucket the search reads next.
        [[nodiscard]] static std::size_t next(std::size_t position, std::size_t step,
                                              std::size_t bucket_count) noexcept {
            const std::size_t ahead = position + step;
            return ahead >= bucket_count ? ahead - bucket_count : ahead;
        }
    };

    /// @brief The index QuadraticProbing keeps over sizing rule `Sizing`.
    template <SizingRule Sizing>
    using Index = ProbingIndex<Sizing, Steps>;
};

}  // namespace telechat::hashing

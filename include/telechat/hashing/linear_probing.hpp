/// @file
/// @brief hashing::LinearProbing: the textbook open addressing, one bucket
///        after another, with tombstones for deletion.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <string_view>

#include "concepts.hpp"
#include "open_addressing_limit.hpp"
#include "probing_index.hpp"

namespace telechat::hashing {

/// @brief Linear probing: a key that finds its home bucket taken tries the
///        next one, and the next, wrapping at the end.
///
/// Simple and cache-friendly, but entries that collide form runs, and a run
/// grows faster the longer it is (a new key landing anywhere in it extends
/// it): *primary clustering*. Knuth's analysis gives the expected probes at
/// load α: ½(1 + 1/(1−α)) for a hit, ½(1 + 1/(1−α)²) for a miss, which is
/// 50.5 probes for a miss at α = 0.9. Deletion leaves tombstones (see
/// ProbingIndex); RobinHood is linear probing with two fixes for both.
struct LinearProbing {
    /// @brief The name the lab prints.
    static constexpr std::string_view name = "LinearProbing";
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

    /// @brief One bucket further, wrapping.
    struct Steps {
        /// @brief The next bucket of a search.
        /// @param position the bucket just read.
        /// @param step which step this is: 1 for the first after the home bucket.
        /// @param bucket_count the number of buckets.
        /// @return the bucket the search reads next.
        [[nodiscard]] static std::size_t next(std::size_t position,
                                              [[maybe_unused]] std::size_t step,
                                              std::size_t bucket_count) noexcept {
            return position + 1 == bucket_count ? 0 : position + 1;
        }
    };

    /// @brief The index LinearProbing keeps over sizing rule `Sizing`.
    template <SizingRule Sizing>
    using Index = ProbingIndex<Sizing, Steps>;
};

}  // namespace telechat::hashing

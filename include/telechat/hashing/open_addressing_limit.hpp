/// @file
/// @brief The element limit every open-addressing strategy shares.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>

namespace telechat::detail {

/// How many entries `bucket_count` buckets hold at `max_load` under open
/// addressing: one bucket always stays empty, whatever the load, so that
/// every search ends.
[[nodiscard]] inline std::size_t open_addressing_limit(std::size_t bucket_count,
                                                       float max_load) noexcept {
    if (bucket_count == 0) {
        return 0;
    }
    const auto limit =
        static_cast<std::size_t>(static_cast<double>(bucket_count) * double{max_load});
    return limit < bucket_count ? limit : bucket_count - 1;
}

}  // namespace telechat::detail

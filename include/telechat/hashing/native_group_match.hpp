/// @file
/// @brief hashing::NativeGroupMatch: the fastest group match this processor
///        has (SSE2, NEON, or the portable scalar one).
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include "neon_group_match.hpp"
#include "scalar_group_match.hpp"
#include "sse2_group_match.hpp"

namespace telechat::hashing {

/// @brief The group match hashing::GroupProbing uses: Sse2GroupMatch on
///        x86-64 (and x86 with SSE2), NeonGroupMatch on ARM with NEON, else
///        ScalarGroupMatch. Every one gives the same answers; to run with
///        another, name it: `BasicGroupProbing<ScalarGroupMatch>`.
#if defined(TELECHAT_HAS_SSE2_GROUP_MATCH)
using NativeGroupMatch = Sse2GroupMatch;
#elif defined(TELECHAT_HAS_NEON_GROUP_MATCH)
using NativeGroupMatch = NeonGroupMatch;
#else
using NativeGroupMatch = ScalarGroupMatch;
#endif

}  // namespace telechat::hashing

/// @file
/// @brief The exception that every container's `check_invariants()` throws.
#pragma once

#include "detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <stdexcept>
#include <string>

namespace telechat {

/// @brief Thrown by a container's `check_invariants()` when its internal state
///        breaks one of the documented invariants.
///
/// It never happens through the public interface; seeing it means a bug in
/// TeleChat, or memory corruption, or (for HashTable) a hash function that
/// gives a key different hashes over time. The message names the invariant
/// that failed.
class InvariantViolation : public std::logic_error {
public:
    /// @brief Creates the exception with a message naming the broken invariant.
    /// @param what_failed a human-readable description of the violation.
    explicit InvariantViolation(const std::string& what_failed)
        : std::logic_error("telechat invariant violated: " + what_failed) {}
};

}  // namespace telechat

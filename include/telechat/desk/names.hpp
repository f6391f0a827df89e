/// @file
/// @brief Case-insensitive name lookup: the hash and equality the desk's tables use.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "../hash_table.hpp"
#include "../protocol/command.hpp"

namespace telechat {

/// @brief Hashes a name ignoring ASCII case, so `Ana`, `ANA` and `ana` collide on purpose.
///
/// Transparent: a `std::string_view` of any spelling finds a `std::string`
/// key with no allocation. (FNV-1a over the lower-cased bytes; HashTable
/// mixes the result, so its weak upper bits do no harm.)
struct CaseInsensitiveHash {
    /// @brief Accepts any string-like key.
    using is_transparent = void;
    /// @brief The hash of `name` with ASCII letters lower-cased.
    /// @param name the name in any spelling.
    /// @return its hash.
    [[nodiscard]] std::size_t operator()(std::string_view name) const noexcept {
        std::uint64_t hash = 0xcbf29ce484222325ULL;
        for (const char c : name) {
            hash ^= static_cast<unsigned char>(detail::to_lower_ascii(c));
            hash *= 0x100000001b3ULL;
        }
        return static_cast<std::size_t>(hash);
    }
};

/// @brief Compares names ignoring ASCII case. Transparent, like CaseInsensitiveHash.
struct CaseInsensitiveEqual {
    /// @brief Accepts any string-like key.
    using is_transparent = void;
    /// @brief Whether `a` and `b` are the same name.
    /// @param a a name.
    /// @param b another.
    /// @return true if they differ at most in ASCII case.
    [[nodiscard]] bool operator()(std::string_view a, std::string_view b) const noexcept {
        return detail::equals_ignoring_case(a, b);
    }
};

/// @brief A table from names, ignoring case, to the index of what they name
///        (a connection slot, a history).
using NameTable = HashTable<std::string, std::uint32_t, CaseInsensitiveHash, CaseInsensitiveEqual>;

}  // namespace telechat

/// @file
/// @brief The full 128-bit product of two 64-bit integers: in standard C++
///        everywhere, and with the compiler's own 128-bit multiply where it
///        has one.
#pragma once

#include "config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstdint>

// MSVC has no 128-bit integer; its intrinsic __umulh gives the high half of
// the product in one instruction on x64 and ARM64. Compilers that have
// unsigned __int128 (GCC, Clang, clang-cl) never reach this include.
#if !defined(__SIZEOF_INT128__) && defined(_MSC_VER) && (defined(_M_X64) || defined(_M_ARM64))
#include <intrin.h>
#endif

namespace telechat::detail {

/// The 128-bit product of two 64-bit integers, as its two 64-bit halves.
struct WideProduct {
    std::uint64_t low = 0;   ///< bits 0 to 63
    std::uint64_t high = 0;  ///< bits 64 to 127

    friend constexpr bool operator==(const WideProduct&, const WideProduct&) = default;
};

/// `a * b` to all 128 bits in standard C++ alone: long multiplication in
/// base 2^32, the way two-digit numbers are multiplied on paper.
///
/// @code
///                     a_high   a_low
///                   × b_high   b_low
///   ---------------------------------
///                     [   low_low   ]     a_low  × b_low
///            [   low_high   ]             a_low  × b_high
///            [   high_low   ]             a_high × b_low
///   [   high_high   ]                     a_high × b_high
///   |--- high (64 bits) ---|--- low ---|
/// @endcode
///
/// Each partial product of two 32-bit digits fits in 64 bits. The middle
/// column adds three numbers below 2^32, so it cannot overflow either; its
/// carry goes into the high half. Four multiplies where the native path
/// needs one: this is the fallback, and the reference the tests hold the
/// native path to.
[[nodiscard]] constexpr WideProduct wide_multiply_portable(std::uint64_t a,
                                                           std::uint64_t b) noexcept {
    constexpr std::uint64_t digit_mask = 0xFFFF'FFFF;
    const std::uint64_t a_low = a & digit_mask;
    const std::uint64_t a_high = a >> 32;
    const std::uint64_t b_low = b & digit_mask;
    const std::uint64_t b_high = b >> 32;

    const std::uint64_t low_low = a_low * b_low;
    const std::uint64_t low_high = a_low * b_high;
    const std::uint64_t high_low = a_high * b_low;
    const std::uint64_t high_high = a_high * b_high;

    const std::uint64_t middle =
        (low_low >> 32) + (low_high & digit_mask) + (high_low & digit_mask);
    return {(middle << 32) | (low_low & digit_mask),
            high_high + (low_high >> 32) + (high_low >> 32) + (middle >> 32)};
}

#if defined(__SIZEOF_INT128__)

/// Whether wide_multiply() uses the compiler's own 128-bit multiply (one
/// instruction on 64-bit targets) rather than wide_multiply_portable().
inline constexpr bool wide_multiply_is_native = true;

/// `a * b` to all 128 bits; equal to wide_multiply_portable(a, b).
[[nodiscard]] inline WideProduct wide_multiply(std::uint64_t a, std::uint64_t b) noexcept {
    // unsigned __int128 is a GCC and Clang extension (the one __SIZEOF_INT128__
    // announces); __extension__ tells -Wpedantic that it is used on purpose.
    __extension__ using uint128 = unsigned __int128;
    const uint128 product = static_cast<uint128>(a) * b;
    return {static_cast<std::uint64_t>(product), static_cast<std::uint64_t>(product >> 64)};
}

#elif defined(_MSC_VER) && (defined(_M_X64) || defined(_M_ARM64))

inline constexpr bool wide_multiply_is_native = true;

[[nodiscard]] inline WideProduct wide_multiply(std::uint64_t a, std::uint64_t b) noexcept {
    // The low half is the ordinary (wrapping) product; only the high half needs the intrinsic.
    return {a * b, __umulh(a, b)};
}

#else

inline constexpr bool wide_multiply_is_native = false;

[[nodiscard]] inline WideProduct wide_multiply(std::uint64_t a, std::uint64_t b) noexcept {
    return wide_multiply_portable(a, b);
}

#endif

}  // namespace telechat::detail

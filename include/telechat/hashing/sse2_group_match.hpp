/// @file
/// @brief hashing::Sse2GroupMatch: the group match in three SSE2 instructions
///        (x86-64 always has SSE2). Defined only where SSE2 is available.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#if defined(__SSE2__) || defined(_M_X64) || defined(_M_AMD64)
#define TELECHAT_HAS_SSE2_GROUP_MATCH 1

#include <emmintrin.h>

#include <cstdint>
#include <string_view>

#include "control_bytes.hpp"

namespace telechat::hashing {

/// @brief Compares a group's 16 control bytes in one 128-bit register: a
///        byte-wise compare gives 0xFF per equal byte, and `movemask` packs
///        the 16 top bits into an integer, one bit per slot.
class Sse2GroupMatch {
public:
    /// @brief The name tests and the lab print.
    static constexpr std::string_view name = "SSE2";
    /// @brief The selected slots: bit `i` for slot `i`.
    using Mask = SlotMask<std::uint32_t, 0>;

    /// @brief Loads the 16 control bytes at `control`, which is aligned to 16.
    /// @param control the group's control bytes.
    explicit Sse2GroupMatch(const std::uint8_t* control) noexcept
        : m_control(_mm_load_si128(reinterpret_cast<const __m128i*>(control))) {}

    /// @brief Starts loading the cache line of `address` (`prefetcht0`).
    /// @param address any address; nothing is read from it.
    static void prefetch(const void* address) noexcept {
        _mm_prefetch(static_cast<const char*>(address), _MM_HINT_T0);
    }

    /// @brief The slots whose control byte is `fingerprint`.
    /// @param fingerprint an entry's byte, `[0x00, 0x7F]`.
    /// @return the matching slots.
    [[nodiscard]] Mask matching(std::uint8_t fingerprint) const noexcept {
        return mask_of(_mm_cmpeq_epi8(m_control, broadcast(fingerprint)));
    }
    /// @brief The empty slots.
    /// @return them.
    [[nodiscard]] Mask empty_slots() const noexcept { return matching(control::empty); }
    /// @brief The slots a new entry may take: empty or tombstone, the signed
    ///        bytes below the no-bucket byte's -1.
    /// @return them.
    [[nodiscard]] Mask free_slots() const noexcept {
        return mask_of(_mm_cmpgt_epi8(broadcast(control::no_bucket), m_control));
    }

private:
    // `byte` in all 16 lanes. Spread over 32 bits by a multiply first: one
    // instruction fewer than SSE2's byte broadcast.
    static __m128i broadcast(std::uint8_t byte) noexcept {
        return _mm_set1_epi32(static_cast<int>(byte * 0x01010101U));
    }
    static Mask mask_of(__m128i equal) noexcept {
        return Mask(static_cast<std::uint32_t>(_mm_movemask_epi8(equal)));
    }

    __m128i m_control;
};

}  // namespace telechat::hashing

#endif

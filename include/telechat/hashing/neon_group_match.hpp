/// @file
/// @brief hashing::NeonGroupMatch: the group match on ARM's NEON. Defined
///        only where NEON is available. (The project's machines are x86-64:
///        this path is compiled and tested on none of them; the scalar path
///        is the tested one for ARM, see hashing::NativeGroupMatch.)
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#if defined(__ARM_NEON)
#define TELECHAT_HAS_NEON_GROUP_MATCH 1

#include <arm_neon.h>

#include <cstdint>
#include <string_view>

#include "control_bytes.hpp"

namespace telechat::hashing {

/// @brief Compares a group's 16 control bytes in one NEON register. NEON has
///        no `movemask`; a narrowing shift (`shrn` by 4) turns the 16 bytes of
///        0xFF/0x00 into 16 nibbles of one 64-bit integer, and keeping one bit
///        per nibble leaves slot `i` at bit `4i + 3`.
class NeonGroupMatch {
public:
    /// @brief The name tests and the lab print.
    static constexpr std::string_view name = "NEON";
    /// @brief The selected slots: bit `4i + 3` for slot `i`.
    using Mask = SlotMask<std::uint64_t, 2>;

    /// @brief Loads the 16 control bytes at `control`.
    /// @param control the group's control bytes.
    explicit NeonGroupMatch(const std::uint8_t* control) noexcept : m_control(vld1q_u8(control)) {}

    /// @brief Starts loading the cache line of `address`, where the compiler
    ///        offers a way (GCC and Clang); elsewhere nothing.
    /// @param address any address; nothing is read from it.
    static void prefetch([[maybe_unused]] const void* address) noexcept {
#if defined(__GNUC__)
        __builtin_prefetch(address);
#endif
    }

    /// @brief The slots whose control byte is `fingerprint`.
    /// @param fingerprint an entry's byte, `[0x00, 0x7F]`.
    /// @return the matching slots.
    [[nodiscard]] Mask matching(std::uint8_t fingerprint) const noexcept {
        return mask_of(vceqq_u8(m_control, vdupq_n_u8(fingerprint)));
    }
    /// @brief The empty slots.
    /// @return them.
    [[nodiscard]] Mask empty_slots() const noexcept {
        return matching(control::empty);
    }
    /// @brief The slots a new entry may take: empty or tombstone, the signed
    ///        bytes below the no-bucket byte's -1.
    /// @return them.
    [[nodiscard]] Mask free_slots() const noexcept {
        return mask_of(vcltq_s8(vreinterpretq_s8_u8(m_control), vdupq_n_s8(-1)));
    }

private:
    static Mask mask_of(uint8x16_t equal) noexcept {
        const uint8x8_t nibbles = vshrn_n_u16(vreinterpretq_u16_u8(equal), 4);
        return Mask(vget_lane_u64(vreinterpret_u64_u8(nibbles), 0) & 0x8888888888888888ULL);
    }

    uint8x16_t m_control;
};

}  // namespace telechat::hashing

#endif

/// @file
/// @brief hashing::ScalarGroupMatch: the group match in portable C++, eight
///        control bytes per 64-bit word (SWAR: SIMD within a register).
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "control_bytes.hpp"

namespace telechat::hashing {

/// @brief Compares a group's 16 control bytes with ordinary 64-bit integer
///        arithmetic: the path for every processor without SSE2 or NEON, and
///        the reference the vector paths are tested against.
///
/// The trick is finding zero bytes in a word without a loop: for a byte
/// `x`, `(x & 0x7F) + 0x7F` sets the top bit exactly when the low seven bits
/// are not all zero, and never carries into the next byte; OR-ing `x` in
/// adds its own top bit. So the top bit of `~(((w & 0x7F..) + 0x7F..) | w)`
/// is set exactly in the bytes of `w` that are zero, and a byte equal to
/// `b` is a zero byte of `w ^ (b * 0x0101..)`. A multiply then gathers the
/// eight top bits into one byte, so that the mask has one bit per slot.
class ScalarGroupMatch {
public:
    /// @brief The name tests and the lab print.
    static constexpr std::string_view name = "scalar";
    /// @brief The selected slots: bit `i` for slot `i`.
    using Mask = SlotMask<std::uint32_t, 0>;

    /// @brief Reads the 16 control bytes at `control`.
    /// @param control the group's control bytes.
    explicit ScalarGroupMatch(const std::uint8_t* control) noexcept
        : m_low(load_little_endian(control)), m_high(load_little_endian(control + 8)) {}

    /// @brief Does nothing: standard C++ has no prefetch, and this path stays portable.
    /// @param address any address.
    static void prefetch([[maybe_unused]] const void* address) noexcept {}

    /// @brief The slots whose control byte is `fingerprint`.
    /// @param fingerprint an entry's byte, `[0x00, 0x7F]`.
    /// @return the matching slots.
    [[nodiscard]] Mask matching(std::uint8_t fingerprint) const noexcept {
        return Mask(gather(equal_bytes(m_low, fingerprint)) |
                    gather(equal_bytes(m_high, fingerprint)) << 8);
    }
    /// @brief The empty slots.
    /// @return them.
    [[nodiscard]] Mask empty_slots() const noexcept { return matching(control::empty); }
    /// @brief The slots a new entry may take: empty or tombstone.
    /// @return them.
    [[nodiscard]] Mask free_slots() const noexcept {
        return Mask(gather(free_bytes(m_low)) | gather(free_bytes(m_high)) << 8);
    }

private:
    static constexpr std::uint64_t ones = 0x0101010101010101ULL;
    static constexpr std::uint64_t top_bits = 0x8080808080808080ULL;

    // Eight bytes as a word, byte 0 lowest, on every processor (a memcpy
    // would reverse the slots on a big-endian one); compilers make it one load.
    static std::uint64_t load_little_endian(const std::uint8_t* bytes) noexcept {
        std::uint64_t word = 0;
        for (std::size_t i = 0; i < 8; ++i) {
            word |= std::uint64_t{bytes[i]} << (8 * i);
        }
        return word;
    }

    // The top bit of each byte of `word` that is zero (see the class notes).
    static std::uint64_t zero_bytes(std::uint64_t word) noexcept {
        return ~(((word & ~top_bits) + ~top_bits) | word) & top_bits;
    }

    static std::uint64_t equal_bytes(std::uint64_t word, std::uint8_t byte) noexcept {
        return zero_bytes(word ^ (ones * byte));
    }

    // Top bit set (empty, tombstone, no bucket), but not the no-bucket byte.
    static std::uint64_t free_bytes(std::uint64_t word) noexcept {
        return word & top_bits & ~equal_bytes(word, control::no_bucket);
    }

    // Top bit of byte i -> bit i. Byte i's bit, shifted down to bit 8i, is
    // multiplied to bit 56 + i, and no two products meet or carry.
    static std::uint32_t gather(std::uint64_t top_bit_per_byte) noexcept {
        return static_cast<std::uint32_t>(((top_bit_per_byte >> 7) * 0x0102040810204080ULL) >> 56);
    }

    std::uint64_t m_low;   // slots 0-7
    std::uint64_t m_high;  // slots 8-15
};

}  // namespace telechat::hashing

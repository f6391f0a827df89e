/// @file
/// @brief telechat::history::crc32c(), the checksum of the history log.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace telechat::detail {

/// @brief The CRC-32C (Castagnoli) polynomial, bit-reversed: the CRC is
///        computed least significant bit first, as iSCSI, ext4 and SSE 4.2
///        compute it.
inline constexpr std::uint32_t crc32c_polynomial = 0x82F63B78U;

/// @brief The eight tables of slicing-by-8: `[0][b]` is the CRC of the one
///        byte `b`; `[k][b]` is that CRC carried through `k` more zero bytes.
using Crc32cTables = std::array<std::array<std::uint32_t, 256>, 8>;

/// @brief Builds the tables, at compile time.
/// @return the tables.
[[nodiscard]] constexpr Crc32cTables make_crc32c_tables() noexcept {
    Crc32cTables tables{};
    for (std::uint32_t byte = 0; byte < 256; ++byte) {
        std::uint32_t crc = byte;
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc >> 1) ^ ((crc & 1U) != 0 ? crc32c_polynomial : 0U);
        }
        tables[0][byte] = crc;
    }
    for (std::size_t k = 1; k < tables.size(); ++k) {
        for (std::size_t byte = 0; byte < 256; ++byte) {
            const std::uint32_t previous = tables[k - 1][byte];
            tables[k][byte] = (previous >> 8) ^ tables[0][previous & 0xFFU];
        }
    }
    return tables;
}

/// @brief The tables, built once by the compiler (8 KiB of read-only data).
inline constexpr Crc32cTables crc32c_tables = make_crc32c_tables();

/// @brief Byte `i` of `bytes`, as an unsigned value (char may be signed).
[[nodiscard]] constexpr std::uint32_t unsigned_byte_at(std::string_view bytes,
                                                       std::size_t i) noexcept {
    return static_cast<std::uint8_t>(bytes[i]);
}

}  // namespace telechat::detail

namespace telechat::history {

/// @brief The CRC-32C (Castagnoli) of `bytes`, continuing from `crc`.
///
/// Polynomial 0x1EDC6F41 (reflected 0x82F63B78), initial value and final
/// xor 0xFFFFFFFF: the CRC of iSCSI (RFC 3720) and of ext4's metadata. It
/// was chosen over the zlib CRC-32 for its better error detection at the
/// record sizes of a log (Castagnoli, 1993), and because processors that
/// have a CRC instruction have one for this polynomial.
///
/// Chainable: `crc32c(b, crc32c(a)) == crc32c(a + b)`, so a record's
/// checksum can be computed over its pieces without joining them.
///
/// Portable software only: slicing-by-8 (eight bytes per step, with
/// tables built at compile time) and byte-at-a-time for the rest. The
/// bytes are assembled with shifts, so the result does not depend on the
/// processor's byte order or alignment rules.
///
/// @code
///   static_assert(crc32c("123456789") == 0xE3069283);  // the check value
/// @endcode
/// @param bytes the data.
/// @param crc the CRC of the data before `bytes` (0: none).
/// @return the CRC of the data up to the end of `bytes`.
/// @complexity O(n).
[[nodiscard]] constexpr std::uint32_t crc32c(std::string_view bytes,
                                             std::uint32_t crc = 0) noexcept {
    const auto& t = detail::crc32c_tables;
    std::size_t i = 0;
    const auto at = [&](std::size_t k) { return detail::unsigned_byte_at(bytes, i + k); };
    crc = ~crc;
    for (; bytes.size() - i >= 8; i += 8) {
        crc ^= at(0) | at(1) << 8 | at(2) << 16 | at(3) << 24;
        crc = t[7][crc & 0xFFU] ^ t[6][(crc >> 8) & 0xFFU] ^ t[5][(crc >> 16) & 0xFFU] ^
              t[4][crc >> 24] ^ t[3][at(4)] ^ t[2][at(5)] ^ t[1][at(6)] ^ t[0][at(7)];
    }
    for (; i < bytes.size(); ++i) {
        crc = (crc >> 8) ^ t[0][(crc ^ at(0)) & 0xFFU];
    }
    return ~crc;
}

}  // namespace telechat::history

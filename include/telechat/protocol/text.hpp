/// @file
/// @brief What 3MCP accepts as text: strict UTF-8 with no control characters but TAB.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace telechat::protocol {

/// @brief Whether `line` is text that 3MCP accepts in a line.
///
/// Accepted: well-formed UTF-8 as RFC 3629 defines it (no overlong forms,
/// no surrogates, nothing above U+10FFFF) with no control character except
/// TAB: NUL and the other C0 controls, DEL, and the C1 controls
/// U+0080-U+009F are all refused, because some terminals act on them.
///
/// @param line the bytes of one line, without its line ending.
/// @return true if every byte is part of an accepted character.
/// @complexity O(n), one pass; pure ASCII takes the fast path.
[[nodiscard]] constexpr bool is_valid_text(std::string_view line) noexcept {
    const auto byte_at = [&](std::size_t i) { return static_cast<std::uint8_t>(line[i]); };
    const auto is_continuation = [](std::uint8_t b) { return (b & 0xC0U) == 0x80U; };
    std::size_t i = 0;
    while (i < line.size()) {
        const std::uint8_t lead = byte_at(i);
        if (lead < 0x80U) {
            if ((lead < 0x20U && lead != '\t') || lead == 0x7FU) {
                return false;
            }
            ++i;
            continue;
        }
        // The length of the sequence and the smallest code point it may
        // encode, so that overlong forms are caught by one comparison.
        std::size_t length = 0;
        std::uint32_t code_point = 0;
        std::uint32_t smallest = 0;
        if ((lead & 0xE0U) == 0xC0U) {
            length = 2;
            code_point = lead & 0x1FU;
            smallest = 0x80;
        } else if ((lead & 0xF0U) == 0xE0U) {
            length = 3;
            code_point = lead & 0x0FU;
            smallest = 0x800;
        } else if ((lead & 0xF8U) == 0xF0U) {
            length = 4;
            code_point = lead & 0x07U;
            smallest = 0x10000;
        } else {
            return false;  // a stray continuation byte, or 0xF8-0xFF
        }
        if (line.size() - i < length) {
            return false;  // truncated at the end of the line
        }
        for (std::size_t k = 1; k < length; ++k) {
            if (!is_continuation(byte_at(i + k))) {
                return false;
            }
            code_point = (code_point << 6) | (byte_at(i + k) & 0x3FU);
        }
        const bool overlong = code_point < smallest;
        const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
        const bool too_large = code_point > 0x10FFFF;
        const bool c1_control = code_point >= 0x80 && code_point <= 0x9F;
        if (overlong || surrogate || too_large || c1_control) {
            return false;
        }
        i += length;
    }
    return true;
}

}  // namespace telechat::protocol

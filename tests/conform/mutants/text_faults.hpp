// Why a piece of a line is not accepted text, so that a mutant can wave one
// kind of fault through (rewrite it to '?' before the server sees it) and
// leave the others to the server. docs/protocol.md, Framing: Text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mutants {

enum class TextFault {
    none,                // an accepted character
    nul,                 // U+0000
    cr,                  // U+000D (the CR before the LF is not part of a line's body)
    c0,                  // another C0 control but TAB
    del,                 // U+007F
    c1,                  // U+0080..U+009F, well encoded
    overlong,            // a code point in more bytes than it needs
    surrogate,           // U+D800..U+DFFF
    too_large,           // above U+10FFFF, or a lead byte F5..FF
    stray_continuation,  // 80..BF where a character should start
    truncated,           // a lead byte without all its continuation bytes
};

/// @brief The character (or bad byte run) starting at `at`: its length and fault.
struct Piece {
    std::size_t length = 1;
    TextFault fault = TextFault::none;
};

inline Piece ascii_piece(std::uint8_t byte) {
    if (byte == 0) {
        return {1, TextFault::nul};
    }
    if (byte == '\r') {
        return {1, TextFault::cr};
    }
    if (byte < 0x20U && byte != '\t') {
        return {1, TextFault::c0};
    }
    return {1, byte == 0x7FU ? TextFault::del : TextFault::none};
}

inline Piece next_piece(std::string_view text, std::size_t at) {
    const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
    const std::uint8_t lead = byte(at);
    if (lead < 0x80U) {
        return ascii_piece(lead);
    }
    if (lead < 0xC0U) {
        return {1, TextFault::stray_continuation};
    }
    if (lead >= 0xF8U) {
        return {1, TextFault::too_large};
    }
    const std::size_t length = lead >= 0xF0U ? 4 : lead >= 0xE0U ? 3 : 2;
    std::uint32_t code_point = lead & (0x7FU >> length);
    for (std::size_t k = 1; k < length; ++k) {
        if (at + k >= text.size() || (byte(at + k) & 0xC0U) != 0x80U) {
            return {k, TextFault::truncated};
        }
        code_point = (code_point << 6U) | (byte(at + k) & 0x3FU);
    }
    const std::uint32_t smallest = length == 2 ? 0x80U : length == 3 ? 0x800U : 0x10000U;
    if (code_point < smallest) {
        return {length, TextFault::overlong};
    }
    if (code_point >= 0xD800U && code_point <= 0xDFFFU) {
        return {length, TextFault::surrogate};
    }
    if (code_point > 0x10FFFFU) {
        return {length, TextFault::too_large};
    }
    return {length, code_point <= 0x9FU ? TextFault::c1 : TextFault::none};
}

/// @brief `text` with every piece of fault `fault` replaced by as many '?'.
inline std::string waved_through(std::string_view text, TextFault fault) {
    std::string out;
    for (std::size_t at = 0; at < text.size();) {
        const Piece piece = next_piece(text, at);
        out += piece.fault == fault ? std::string(piece.length, '?')
                                    : std::string(text.substr(at, piece.length));
        at += piece.length;
    }
    return out;
}

/// @brief `text` with every fault of any kind replaced by '?'.
inline std::string sanitized(std::string_view text) {
    std::string out;
    for (std::size_t at = 0; at < text.size();) {
        const Piece piece = next_piece(text, at);
        out += piece.fault != TextFault::none ? std::string(piece.length, '?')
                                              : std::string(text.substr(at, piece.length));
        at += piece.length;
    }
    return out;
}

}  // namespace mutants

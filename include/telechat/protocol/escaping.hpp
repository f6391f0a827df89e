/// @file
/// @brief telechat::protocol::escaped() and unescaped(): bytes shown as one
///        line of readable text, byte-exact, and read back. Transcripts,
///        traces, the conformance kit's reports and the replay tool all show
///        bytes this way.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "text.hpp"

namespace telechat::protocol {

/**
 * @brief `bytes` as one line of text that stands for exactly those bytes.
 *
 * The rules, so that anyone can read (and write) an escaped line:
 * - a backslash is `\\`, a TAB `\t`, a CR `\r`, an LF `\n`;
 * - every other byte that is not accepted 3MCP text (the controls, DEL, and
 *   any byte that is not part of a well-formed UTF-8 character, see
 *   is_valid_text()) is `\xHH`, two upper-case hex digits;
 * - a space at the very end is `\x20`, so that no editor can strip it;
 * - everything else, UTF-8 included, stands for itself.
 *
 * @param bytes any bytes.
 * @return the escaped text; unescaped() of it gives `bytes` back.
 * @complexity O(n).
 */
[[nodiscard]] inline std::string escaped(std::string_view bytes) {
    static constexpr char hex_digits[] = "0123456789ABCDEF";
    const auto hex = [](std::string& out, unsigned char byte) {
        out += "\\x";
        out.push_back(hex_digits[byte >> 4U]);
        out.push_back(hex_digits[byte & 0xFU]);
    };
    std::string out;
    out.reserve(bytes.size());
    std::size_t i = 0;
    while (i < bytes.size()) {
        const auto byte = static_cast<unsigned char>(bytes[i]);
        if (byte < 0x80U) {
            if (byte == '\\') {
                out += "\\\\";
            } else if (byte == '\t') {
                out += "\\t";
            } else if (byte == '\r') {
                out += "\\r";
            } else if (byte == '\n') {
                out += "\\n";
            } else if (byte < 0x20U || byte == 0x7FU || (byte == ' ' && i + 1 == bytes.size())) {
                hex(out, byte);
            } else {
                out.push_back(static_cast<char>(byte));
            }
            ++i;
            continue;
        }
        // A UTF-8 character is kept whole if 3MCP accepts it; a lead byte
        // says how long it claims to be.
        const std::size_t length = byte >= 0xF0U ? 4 : byte >= 0xE0U ? 3 : byte >= 0xC0U ? 2 : 1;
        const std::string_view character = bytes.substr(i, length);
        if (length > 1 && character.size() == length && is_valid_text(character)) {
            out += character;
            i += length;
        } else {
            hex(out, byte);
            ++i;
        }
    }
    return out;
}

/// @brief Where and why unescaped() could not read a text.
struct EscapeError {
    /// @brief The offset of the backslash that starts the bad escape.
    std::size_t offset = 0;
    /// @brief What is wrong, for a person: "unknown escape \q", ...
    std::string what;
};

/**
 * @brief The bytes an escaped() text stands for.
 *
 * Accepts exactly the escapes escaped() writes (`\\ \t \r \n \xHH`, hex
 * digits in either case); any other character stands for its own bytes.
 *
 * @param text escaped text.
 * @param error set when the text holds a bad escape (a lone backslash at the
 *        end, an unknown letter, `\x` without two hex digits).
 * @return the bytes, or nothing if `error` was set.
 */
[[nodiscard]] inline std::optional<std::string> unescaped(std::string_view text,
                                                          EscapeError& error) {
    const auto hex_value = [](char digit) -> int {
        if (digit >= '0' && digit <= '9') {
            return digit - '0';
        }
        if (digit >= 'A' && digit <= 'F') {
            return digit - 'A' + 10;
        }
        if (digit >= 'a' && digit <= 'f') {
            return digit - 'a' + 10;
        }
        return -1;
    };
    std::string bytes;
    bytes.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            bytes.push_back(text[i]);
            continue;
        }
        const std::size_t start = i;
        if (i + 1 == text.size()) {
            error = {start, "a lone backslash at the end"};
            return std::nullopt;
        }
        const char code = text[++i];
        if (code == '\\' || code == 't' || code == 'r' || code == 'n') {
            bytes.push_back(code == '\\' ? '\\' : code == 't' ? '\t' : code == 'r' ? '\r' : '\n');
            continue;
        }
        if (code != 'x') {
            error = {start, std::string("unknown escape \\") + code};
            return std::nullopt;
        }
        const int high = i + 1 < text.size() ? hex_value(text[i + 1]) : -1;
        const int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
        if (high < 0 || low < 0) {
            error = {start, "\\x needs two hex digits"};
            return std::nullopt;
        }
        bytes.push_back(static_cast<char>(static_cast<unsigned char>(high * 16 + low)));
        i += 2;
    }
    return bytes;
}

}  // namespace telechat::protocol

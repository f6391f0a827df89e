/// @file
/// @brief Writing 3MCP replies and pushes: each function appends one line, CRLF-terminated.
///
/// The words come from vocabulary.hpp; a client's commands are written by
/// command_writer.hpp.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "error_code.hpp"
#include "vocabulary.hpp"

namespace telechat::protocol {

/// @brief The line ending the server always sends.
inline constexpr std::string_view crlf = "\r\n";

/// @brief Appends the words of a line, separated by single spaces, and CRLF.
///
/// Empty words are skipped, so optional parts can be passed as empty views.
/// @param out the output buffer.
/// @param words the words; numbers may be passed as integers.
template <class... Words>
void write_line(std::string& out, const Words&... words) {
    bool first = true;
    [[maybe_unused]] const auto append_word = [&](const auto& word) {
        using Word = std::decay_t<decltype(word)>;
        if constexpr (std::is_integral_v<Word>) {
            char digits[24];
            const auto result = std::to_chars(digits, digits + sizeof digits, word);
            out.append(first ? "" : " ").append(digits, result.ptr);
            first = false;
        } else {
            const std::string_view text(word);
            if (text.empty()) {
                return;
            }
            if (!first) {
                out.push_back(' ');
            }
            out.append(text);
            first = false;
        }
    };
    (append_word(words), ...);
    out.append(crlf);
}

/// @brief Appends `+OK [words...]`.
/// @param out the output buffer.
/// @param words the text after `+OK`, if any.
template <class... Words>
void write_ok(std::string& out, const Words&... words) {
    // A copy, not a reference to the constant: GCC then inlines the desk's
    // relay path exactly as it did with a literal here.
    write_line(out, std::string_view{word::ok}, words...);
}

/// @brief Appends `-ERR <CODE> <reason>`.
/// @param out the output buffer.
/// @param code the error code.
/// @param reason a short explanation for a person.
inline void write_error(std::string& out, ErrorCode code, std::string_view reason) {
    write_line(out, std::string_view{word::error}, wire_name(code), reason);
}

/// @brief Appends the `.` line that ends a multi-line reply.
/// @param out the output buffer.
inline void write_end_of_body(std::string& out) {
    out.append(word::end_of_body).append(crlf);
}

/// @brief Appends a push: its word, then `words...`.
///
/// `write_push(out, PushKind::msg, from, text)` writes `MSG <from> <text>`;
/// with a constant kind it costs what write_line() with the word costs.
/// @param out the output buffer.
/// @param kind which push.
/// @param words what follows the push word (see \ref protocol_grammar).
template <class... Words>
void write_push(std::string& out, PushKind kind, const Words&... words) {
    write_line(out, push_word(kind), words...);
}

}  // namespace telechat::protocol

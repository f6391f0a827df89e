/// @file
/// @brief The agent key in transcripts and traces: `\{agent-key}` and
///        `\{wrong-key}` in a row's TEXT, where they are found (key_masks())
///        and how a row's TEXT is written and read around them.
///
/// A trace never shows the server's agent key. In a client line that is
/// `CONNECT AGENT <name> <key>` (as the protocol reads it: case-insensitive,
/// runs of spaces) the key is written `\{agent-key}` if it is the server's
/// and `\{wrong-key}` if not (a wrong key is often a typo of the right one);
/// any other occurrence of the server's key, either way, is `\{agent-key}`.
/// escaped() never writes `\{`, so the placeholders are unambiguous. A
/// reader says what they stand for (TranscriptKeys): the desk test its test
/// key, `telechat-replay` the key of `--agent-key`.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command.hpp"
#include "escaping.hpp"
#include "text.hpp"

namespace telechat::protocol {

/// @brief In a row's TEXT: the server's agent key.
inline constexpr std::string_view agent_key_placeholder = "\\{agent-key}";
/// @brief In a row's TEXT: a key given in `CONNECT AGENT` that is not the server's.
inline constexpr std::string_view wrong_key_placeholder = "\\{wrong-key}";

/// @brief What the placeholders stand for when a transcript is played.
struct TranscriptKeys {
    /// @brief `\{agent-key}`: the key of the server played against.
    std::string agent_key;
    /// @brief `\{wrong-key}`: any one word that is not that key.
    std::string wrong_key = "not-the-agent-key";
};

/// @brief Where a key is hidden in some bytes.
struct KeyMask {
    /// @brief The first byte of the key.
    std::size_t offset = 0;
    /// @brief How many bytes it has.
    std::size_t length = 0;
    /// @brief What the TEXT shows instead.
    std::string_view placeholder;
};

/**
 * @brief Where the keys to hide are in `bytes`.
 * @param bytes a client's line (its line ending included, or an unfinished
 *        line), or anything the server wrote.
 * @param server_key the server's agent key (empty: none).
 * @param client_line whether `bytes` is a client's line, whose
 *        `CONNECT AGENT <name> <key>` key is hidden even when it is wrong.
 * @return the keys, in order, not overlapping.
 */
[[nodiscard]] inline std::vector<KeyMask> key_masks(std::string_view bytes,
                                                    std::string_view server_key, bool client_line) {
    std::vector<KeyMask> masks;
    std::string_view line = bytes.substr(0, bytes.find('\n'));
    if (!line.empty() && line.back() == '\r' && line.size() < bytes.size()) {
        line.remove_suffix(1);
    }
    // A line the server refuses as BAD_TEXT keeps its bytes: a placeholder
    // would make a replay send good text instead.
    if (client_line && is_valid_text(line)) {
        std::string_view rest = line;
        const std::string_view command = next_word(rest);
        const std::string_view role = next_word(rest);
        const std::string_view name = next_word(rest);
        const std::string_view key = next_word(rest);
        if (detail::equals_ignoring_case(command, word::connect) &&
            detail::equals_ignoring_case(role, word::agent) && !name.empty() && !key.empty() &&
            detail::only_spaces(rest)) {
            masks.push_back({static_cast<std::size_t>(key.data() - bytes.data()), key.size(),
                             key == server_key ? agent_key_placeholder : wrong_key_placeholder});
        }
    }
    for (std::size_t at = server_key.empty() ? std::string_view::npos : bytes.find(server_key);
         at != std::string_view::npos; at = bytes.find(server_key, at + server_key.size())) {
        const bool inside_connect = !masks.empty() &&
                                    at < masks.front().offset + masks.front().length &&
                                    at + server_key.size() > masks.front().offset;
        if (!inside_connect) {
            masks.push_back({at, server_key.size(), agent_key_placeholder});
        }
    }
    std::sort(masks.begin(), masks.end(),
              [](const KeyMask& a, const KeyMask& b) { return a.offset < b.offset; });
    return masks;
}

/**
 * @brief The TEXT of `piece`, a part of `bytes`, with the keys in `masks`
 *        shown as their placeholders. A key cut by the piece's start is not
 *        shown again: its placeholder is in the piece where it starts.
 * @param bytes the whole line (or write) the masks were found in.
 * @param piece the part to show: a view into `bytes`.
 * @param masks key_masks() of `bytes`.
 * @return escaped text.
 */
[[nodiscard]] inline std::string masked_text(std::string_view bytes, std::string_view piece,
                                             const std::vector<KeyMask>& masks) {
    const auto from = static_cast<std::size_t>(piece.data() - bytes.data());
    const std::size_t to = from + piece.size();
    std::string text;
    std::size_t at = from;
    for (const KeyMask& mask : masks) {
        const std::size_t mask_end = mask.offset + mask.length;
        if (mask_end <= at || mask.offset >= to) {
            continue;
        }
        if (mask.offset >= at) {
            text += escaped(bytes.substr(at, mask.offset - at));
            // escaped() shows a final space as \x20; before a placeholder it is not final.
            if (text.size() >= 4 && text.compare(text.size() - 4, 4, "\\x20") == 0 &&
                mask.offset > at && bytes[mask.offset - 1] == ' ') {
                text.replace(text.size() - 4, 4, " ");
            }
            text += mask.placeholder;
        }
        at = std::min(mask_end, to);
    }
    return text + escaped(bytes.substr(at, to - at));
}

/// @brief Whether `text` ends with a backslash that no escape takes: the
///        mark of a row whose bytes get no CR LF.
/// @param text a row's TEXT.
/// @return true if the last backslash stands alone.
[[nodiscard]] inline bool ends_with_lone_backslash(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\') {
            if (i + 1 == text.size()) {
                return true;
            }
            ++i;  // the escape's letter (an \x's digits are plain characters)
        }
    }
    return false;
}

/**
 * @brief The bytes a row's TEXT stands for (without any CR LF), the
 *        placeholders replaced by `keys`.
 * @param text the TEXT, without a final lone backslash.
 * @param keys what the placeholders stand for.
 * @param problem set when the text cannot be read.
 * @return the bytes, or nothing (and `problem`).
 */
[[nodiscard]] inline std::optional<std::string> text_bytes(std::string_view text,
                                                           const TranscriptKeys& keys,
                                                           std::string& problem) {
    std::string bytes;
    std::size_t start = 0;
    const auto take_plain = [&](std::size_t end) {
        EscapeError error;
        const std::optional<std::string> plain = unescaped(text.substr(start, end - start), error);
        if (!plain) {
            problem = error.what + " (at character " + std::to_string(start + error.offset + 1) +
                      " of the text)";
        }
        bytes += plain.value_or(std::string());
        return plain.has_value();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 == text.size()) {
            continue;
        }
        if (text[i + 1] != '{') {
            ++i;
            continue;
        }
        const std::string_view rest = text.substr(i);
        const bool right = rest.substr(0, agent_key_placeholder.size()) == agent_key_placeholder;
        const bool wrong = rest.substr(0, wrong_key_placeholder.size()) == wrong_key_placeholder;
        if (!right && !wrong) {
            problem = "unknown placeholder '" + std::string(rest.substr(0, rest.find('}') + 1)) +
                      "': only \\{agent-key} and \\{wrong-key}";
            return std::nullopt;
        }
        if (!take_plain(i)) {
            return std::nullopt;
        }
        bytes += right ? keys.agent_key : keys.wrong_key;
        i += (right ? agent_key_placeholder : wrong_key_placeholder).size() - 1;
        start = i + 1;
    }
    if (!take_plain(text.size())) {
        return std::nullopt;
    }
    return bytes;
}

}  // namespace telechat::protocol

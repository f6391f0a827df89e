/// @file
/// @brief telechat::protocol::LineFramer, which cuts a byte stream into 3MCP lines.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <string>
#include <string_view>

namespace telechat::protocol {

/// @brief One line cut from the stream, or the news that a line was too long.
struct FramedLine {
    /// @brief The line without its LF and without a CR right before the LF.
    ///        It stays valid only during the callback.
    std::string_view text;
    /// @brief True if the line passed the limit. `text` is then empty, and
    ///        the rest of that line, up to its LF, will be skipped.
    bool too_long = false;
};

/**
 * @brief Cuts a TCP byte stream into lines, however the stream is split.
 *
 * Feeding "PI", "NG\r", "\n" or "PING\r\n" at once gives the same single
 * line, "PING". A complete line that arrives in one piece is handed over as
 * a view into the caller's bytes, with no copy; only a line cut by the end of
 * a read is copied, into the caller's `partial` buffer, until its LF comes.
 *
 * A line may hold at most `max_line_bytes` bytes counting its line ending
 * (so with 1024: 1022 bytes + CRLF, or 1023 + LF). As soon as a line cannot
 * fit any more, the callback hears `too_long` once, and the framer skips the
 * rest of that line: a client's mistake costs it one line, never the
 * connection, and never more than `max_line_bytes` of memory.
 *
 * The framer owns no buffer: `partial` belongs to the caller (the desk
 * lends pooled buffers, so that an idle connection owns none).
 *
 * @invariant `partial.size() < max_line_bytes()` between calls.
 * @invariant While `discarding()`, `partial` is empty.
 */
class LineFramer {
public:
    /// @brief The limit 3MCP uses unless the server is told otherwise.
    static constexpr std::size_t default_max_line_bytes = 1024;

    /// @brief A framer for lines of at most `max_line_bytes` bytes (at least 2).
    /// @param max_line_bytes the limit, line ending included.
    explicit LineFramer(std::size_t max_line_bytes = default_max_line_bytes) noexcept
        : m_max_line_bytes(max_line_bytes < 2 ? 2 : max_line_bytes) {}

    /// @brief Cuts `bytes` into lines, calling `on_line(FramedLine)` for each.
    ///
    /// @param bytes the bytes just received, in stream order.
    /// @param partial the start of a line left over from earlier calls; on
    ///        return, the unfinished end of `bytes`.
    /// @param on_line called for each complete line and each too-long line;
    ///        it returns false to stop (the remaining bytes are then dropped,
    ///        as after a QUIT).
    /// @complexity O(bytes.size()).
    /// @exceptionsafety Basic: whatever `on_line` or an allocation throws
    ///        passes through.
    template <class OnLine>
    void feed(std::string_view bytes, std::string& partial, OnLine&& on_line) {
        while (!bytes.empty()) {
            const std::size_t newline = bytes.find('\n');
            const bool complete = newline != std::string_view::npos;
            const std::string_view piece = complete ? bytes.substr(0, newline) : bytes;
            bytes.remove_prefix(complete ? newline + 1 : bytes.size());
            if (m_discarding) {
                m_discarding = !complete;
                continue;
            }
            if (partial.size() + piece.size() + 1 > m_max_line_bytes) {
                partial.clear();
                m_discarding = !complete;
                if (!on_line(FramedLine{{}, true})) {
                    return;
                }
                continue;
            }
            if (!complete) {
                partial.append(piece);
                return;
            }
            if (!deliver(piece, partial, on_line)) {
                return;
            }
        }
    }

    /// @brief Whether the framer is skipping the rest of a too-long line.
    /// @return true between a too-long line and its LF.
    [[nodiscard]] bool discarding() const noexcept { return m_discarding; }

    /// @brief The line limit, line ending included.
    /// @return the limit in bytes.
    [[nodiscard]] std::size_t max_line_bytes() const noexcept { return m_max_line_bytes; }

private:
    template <class OnLine>
    static bool deliver(std::string_view piece, std::string& partial, OnLine& on_line) {
        std::string_view line = piece;
        if (!partial.empty()) {
            partial.append(piece);
            line = partial;
        }
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        const bool keep_going = on_line(FramedLine{line, false});
        partial.clear();
        return keep_going;
    }

    std::size_t m_max_line_bytes;
    bool m_discarding = false;
};

}  // namespace telechat::protocol

/// @file
/// @brief telechat::protocol transcript rows: the one text format of the
///        golden transcripts of the test suite and of the server's wire
///        traces (`telechat-server --trace`), read and written row by row.
///        No file or socket I/O here.
///
/// A row is `[TIME ]WHO ARROW TEXT`, an event `[TIME ]== ...`, a comment
/// (`# ...`) or a blank line:
/// @code
///   == bob connects               +0.000 == c7 connects
///   bob >> MSG hi                 +1.250 c7 >> MSG hel\      (a partial line)
///   ann << MSG bob hi             c7 >> lo                   (the same read, no TIME)
///   bob -- closed by the server   +2.001 c7 << +OK bye
///   == 5 s pass                   == options agent_capacity=2
/// @endcode
/// TEXT is escaped() bytes followed by CR LF, unless it ends with a lone
/// backslash: then it is exactly the bytes before it. `\{agent-key}` and
/// `\{wrong-key}` stand for the agent key a reader supplies (TranscriptKeys).
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "escaping.hpp"
#include "transcript_keys.hpp"

namespace telechat::protocol {

/// @brief A transcript row that cannot be read, with its line number.
class TranscriptError : public std::runtime_error {
public:
    /// @brief An error on a line of a transcript.
    /// @param line the line number, from 1. @param what what is wrong.
    TranscriptError(std::size_t line, const std::string& what)
        : std::runtime_error("line " + std::to_string(line) + ": " + what),
          m_line(line),
          m_problem(what) {}
    /// @brief The line number.
    /// @return the line number, from 1.
    [[nodiscard]] std::size_t line() const noexcept { return m_line; }
    /// @brief What is wrong.
    /// @return the problem, without the line number.
    [[nodiscard]] const std::string& problem() const noexcept { return m_problem; }

private:
    std::size_t m_line;
    std::string m_problem;
};

/// @brief What a row says.
enum class RowKind {
    note,         ///< a comment or a blank line, kept as written
    options,      ///< `== options k=v ...`: the desk's settings (text: after "options ")
    connects,     ///< `== bob connects`
    hangs_up,     ///< `== bob hangs up`: the client closed (the server read end of stream)
    breaks,       ///< `== bob's connection breaks`: a read error or a reset
    time_passes,  ///< `== 5 s pass`, `== 500 ms pass`
    shuts_down,   ///< `== the server shuts down`
    sends,        ///< `bob >> TEXT`: bytes the client sent
    receives,     ///< `bob << TEXT`: bytes the client received
    closed,       ///< `bob -- closed by the server` (text: the words after `--`)
};

/// @brief One row of a transcript.
struct Row {
    /// @brief What the row says.
    RowKind kind = RowKind::note;
    /// @brief A trace's `+SECONDS.mmm`, in milliseconds; none in golden files.
    std::optional<std::int64_t> time_ms;
    /// @brief The client: `bob`, `c7` (not for notes, options, time, shutdown).
    std::string who;
    /// @brief sends/receives: TEXT as written, without a final lone
    ///        backslash; note: the whole line; options, closed: see RowKind.
    std::string text;
    /// @brief sends/receives: whether CR LF follows the bytes of `text`.
    bool ends_line = true;
    /// @brief time_passes: how long, in milliseconds.
    std::int64_t pass_ms = 0;
    /// @brief Where the row was read, from 1 (0 for a row made in memory).
    std::size_t line = 0;
};

/// @cond TELECHAT_INTERNALS
namespace detail_transcript {

[[nodiscard]] inline bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

[[nodiscard]] inline std::optional<std::int64_t> digits_value(std::string_view text) {
    if (text.empty() || text.size() > 15 ||
        text.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    for (const char digit : text) {
        value = value * 10 + (digit - '0');
    }
    return value;
}

// `+SECONDS.mmm` in milliseconds, or nothing.
[[nodiscard]] inline std::optional<std::int64_t> parse_time(std::string_view text) {
    const std::size_t dot = text.find('.');
    if (text.size() < 6 || text.front() != '+' || dot == std::string_view::npos ||
        text.size() - dot != 4) {
        return std::nullopt;
    }
    const auto seconds = digits_value(text.substr(1, dot - 1));
    const auto millis = digits_value(text.substr(dot + 1));
    if (!seconds || !millis) {
        return std::nullopt;
    }
    return *seconds * 1000 + *millis;
}

inline void read_event(std::string_view what, Row& row) {
    const auto head = [&](std::string_view suffix) {
        return std::string(what.substr(0, what.size() - suffix.size()));
    };
    const auto passing = [&](std::string_view suffix, std::int64_t unit) {
        const auto count = digits_value(head(suffix));
        if (!count) {
            throw TranscriptError(row.line, "not a number: '" + head(suffix) + "'");
        }
        row.kind = RowKind::time_passes;
        row.pass_ms = *count * unit;
    };
    if (what.substr(0, 8) == "options ") {
        row.kind = RowKind::options;
        row.text = std::string(what.substr(8));
    } else if (what == "the server shuts down") {
        row.kind = RowKind::shuts_down;
    } else if (ends_with(what, "'s connection breaks")) {
        row.kind = RowKind::breaks;
        row.who = head("'s connection breaks");
    } else if (ends_with(what, " connects")) {
        row.kind = RowKind::connects;
        row.who = head(" connects");
    } else if (ends_with(what, " hangs up")) {
        row.kind = RowKind::hangs_up;
        row.who = head(" hangs up");
    } else if (ends_with(what, " ms pass")) {
        passing(" ms pass", 1);
    } else if (ends_with(what, " s pass")) {
        passing(" s pass", 1000);
    } else {
        throw TranscriptError(row.line, "unknown event '== " + std::string(what) + "'");
    }
    if (row.kind != RowKind::time_passes && row.kind != RowKind::shuts_down &&
        row.kind != RowKind::options && row.who.find(' ') != std::string::npos) {
        throw TranscriptError(row.line, "a client's name has no spaces: '" + row.who + "'");
    }
}

inline void read_client_row(std::string_view line, Row& row) {
    const std::size_t space = line.find(' ');
    const std::string_view marker = line.substr(std::min(space + 1, line.size()), 2);
    if (space == 0 || space == std::string_view::npos ||
        (marker != ">>" && marker != "<<" && marker != "--")) {
        throw TranscriptError(row.line,
                              "neither a comment, an event, nor 'name >>', 'name <<' or 'name --'");
    }
    row.who = std::string(line.substr(0, space));
    std::string_view rest = line.substr(space + 3);
    if (!rest.empty() && rest.front() != ' ') {
        throw TranscriptError(row.line, "a space must follow '" + std::string(marker) + "'");
    }
    rest = rest.substr(std::min<std::size_t>(1, rest.size()));
    if (marker == "--") {
        if (rest.empty()) {
            throw TranscriptError(row.line, "'--' needs a reason: 'closed by the server'");
        }
        row.kind = RowKind::closed;
        row.text = std::string(rest);
        return;
    }
    row.kind = marker == ">>" ? RowKind::sends : RowKind::receives;
    row.ends_line = !ends_with_lone_backslash(rest);
    row.text = std::string(row.ends_line ? rest : rest.substr(0, rest.size() - 1));
    std::string problem;
    if (!text_bytes(row.text, TranscriptKeys{}, problem)) {
        throw TranscriptError(row.line, problem);
    }
}

}  // namespace detail_transcript
/// @endcond

/**
 * @brief Reads one row.
 * @param line the row, without its LF.
 * @param line_number where it is, for errors and Row::line.
 * @return the row.
 * @throws TranscriptError for anything that is not a row.
 */
[[nodiscard]] inline Row parse_row(std::string_view line, std::size_t line_number) {
    Row row;
    row.line = line_number;
    if (line.empty() || line.front() == '#') {
        row.text = std::string(line);
        return row;
    }
    if (line.front() == '+') {
        const std::size_t space = line.find(' ');
        row.time_ms = detail_transcript::parse_time(line.substr(0, space));
        if (!row.time_ms) {
            throw TranscriptError(line_number, "a TIME is '+SECONDS.mmm', such as '+12.034'");
        }
        line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
        if (line.empty() || line.front() == '#') {
            throw TranscriptError(line_number, "a TIME must be followed by an event or a client");
        }
    }
    if (line.substr(0, 3) == "== ") {
        detail_transcript::read_event(line.substr(3), row);
    } else {
        detail_transcript::read_client_row(line, row);
    }
    return row;
}

/**
 * @brief Reads every row of a transcript.
 * @param text the whole file; every line, the last too, ends with LF.
 * @return the rows, one per line.
 * @throws TranscriptError naming the first bad line.
 */
[[nodiscard]] inline std::vector<Row> parse_transcript(std::string_view text) {
    std::vector<Row> rows;
    for (std::size_t line_number = 1; !text.empty(); ++line_number) {
        const std::size_t newline = text.find('\n');
        if (newline == std::string_view::npos) {
            throw TranscriptError(line_number, "the file does not end with a newline");
        }
        rows.push_back(parse_row(text.substr(0, newline), line_number));
        text.remove_prefix(newline + 1);
    }
    return rows;
}

/// @brief `+SECONDS.mmm` for a time in milliseconds (negative counts as 0).
/// @param ms the time since tracing started.
/// @return e.g. `+12.034`.
[[nodiscard]] inline std::string format_time(std::int64_t ms) {
    ms = std::max<std::int64_t>(ms, 0);
    std::string millis = std::to_string(ms % 1000);
    return "+" + std::to_string(ms / 1000) + "." + std::string(3 - millis.size(), '0') + millis;
}

/**
 * @brief A row as it is written (without its LF); parse_row() reads it back.
 * @param row the row; for sends/receives, `text` must be escaped text.
 * @return the line.
 */
[[nodiscard]] inline std::string render_row(const Row& row) {
    std::string line = row.time_ms ? format_time(*row.time_ms) + " " : std::string();
    switch (row.kind) {
        case RowKind::note:
            return line + row.text;
        case RowKind::options:
            return line + "== options " + row.text;
        case RowKind::connects:
            return line + "== " + row.who + " connects";
        case RowKind::hangs_up:
            return line + "== " + row.who + " hangs up";
        case RowKind::breaks:
            return line + "== " + row.who + "'s connection breaks";
        case RowKind::time_passes:
            return line + "== " +
                   (row.pass_ms % 1000 == 0 ? std::to_string(row.pass_ms / 1000) + " s pass"
                                            : std::to_string(row.pass_ms) + " ms pass");
        case RowKind::shuts_down:
            return line + "== the server shuts down";
        case RowKind::closed:
            return line + row.who + " -- " + row.text;
        case RowKind::sends:
        case RowKind::receives:
            break;
    }
    line += row.who + (row.kind == RowKind::sends ? " >>" : " <<");
    if (!row.text.empty() || !row.ends_line) {
        line += " " + row.text + (row.ends_line ? "" : "\\");
    }
    return line;
}

/**
 * @brief The bytes a sends/receives row stands for: its TEXT unescaped,
 *        the placeholders replaced by `keys`, and CR LF if it ends a line.
 * @param row a row from parse_row() (so its text is known to be good).
 * @param keys what `\{agent-key}` and `\{wrong-key}` stand for.
 * @return the bytes.
 */
[[nodiscard]] inline std::string row_bytes(const Row& row, const TranscriptKeys& keys) {
    std::string problem;
    std::string bytes = text_bytes(row.text, keys, problem).value_or(std::string());
    return row.ends_line ? bytes + "\r\n" : bytes;
}

}  // namespace telechat::protocol

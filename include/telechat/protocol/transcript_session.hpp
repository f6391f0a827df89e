/// @file
/// @brief Transcripts played as one session: the rows of several traces
///        merged by TIME, which rows travel in one chunk, and the one field
///        of a reply that no replay can reproduce (a HIST record's time).
///        The desk's transcript test and `telechat-replay` both play
///        transcripts this way. No file or socket I/O here.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "transcript.hpp"

namespace telechat::protocol {

/// @brief A transcript's rows and the name it is known by in messages.
struct Transcript {
    /// @brief The file it was read from (or any name).
    std::string name;
    /// @brief Its rows, from parse_transcript().
    std::vector<Row> rows;
};

/// @brief One row of a session, and where it comes from.
struct SessionRow {
    /// @brief The row (owned by the Transcript it was merged from).
    const Row* row = nullptr;
    /// @brief Which transcript: an index into merge_transcripts()'s argument.
    std::size_t file = 0;
    /// @brief Whether the row's bytes belong to the same read or write as
    ///        the row before it: a trace row without TIME that goes on with
    ///        the same client and direction. Never so in a golden file.
    bool continues = false;
};

/// @brief Whether a transcript is a trace: some row has a TIME.
/// @param rows its rows.
/// @return true for a trace, false for a golden transcript.
[[nodiscard]] inline bool is_trace(const std::vector<Row>& rows) {
    for (const Row& row : rows) {
        if (row.time_ms) {
            return true;
        }
    }
    return false;
}

/**
 * @brief The rows of one or more transcripts, in the order to play them.
 *
 * One transcript is played in its own order. Several must all be traces
 * (of one server run, say): each is cut into blocks, a row with a TIME and
 * the rows without one that follow it, and the blocks of all of them are
 * merged by TIME. A millisecond holds many events: at one TIME, the file
 * whose next action (a send, a connect, a hang-up) comes after the fewest
 * blocks of received bytes goes first, then the earlier file. A file's own
 * blocks keep
 * their order, even where its TIMEs step back (the trace writer may hold a
 * client's unfinished line, see the documentation of traces).
 *
 * @param transcripts the transcripts, which must outlive the result (it
 *        points to their rows).
 * @return the session's rows.
 * @throws std::invalid_argument naming a transcript that is not a trace,
 *         when there are several.
 */
[[nodiscard]] inline std::vector<SessionRow> merge_transcripts(
    const std::vector<Transcript>& transcripts) {
    std::vector<SessionRow> session;
    if (transcripts.size() > 1) {
        for (const Transcript& transcript : transcripts) {
            if (!is_trace(transcript.rows)) {
                throw std::invalid_argument(transcript.name +
                                            ": several transcripts are merged by TIME, and this "
                                            "one has none (play a golden transcript alone)");
            }
        }
    }
    std::vector<bool> traces;
    traces.reserve(transcripts.size());
    for (const Transcript& transcript : transcripts) {
        traces.push_back(is_trace(transcript.rows));
    }
    std::vector<std::size_t> next(transcripts.size(), 0);
    const auto block_time = [&](std::size_t file) {
        const std::vector<Row>& rows = transcripts[file].rows;
        if (next[file] >= rows.size()) {
            return std::numeric_limits<std::int64_t>::max();
        }
        return rows[next[file]].time_ms.value_or(std::numeric_limits<std::int64_t>::min());
    };
    // How many blocks of what a client receives come before the file's next
    // action (a send, a connect, a hang-up, a pause) at the TIME of its
    // next block; 0 if it has no action at that TIME.
    const auto receives_before_action = [&](std::size_t file) {
        const std::vector<Row>& rows = transcripts[file].rows;
        const std::int64_t time = block_time(file);
        std::size_t count = 0;
        for (std::size_t i = next[file]; i < rows.size();) {
            const RowKind kind = rows[i].kind;
            if (kind == RowKind::note || kind == RowKind::options) {
                return std::size_t{0};
            }
            if (kind != RowKind::receives && kind != RowKind::closed) {
                return count;
            }
            ++count;
            do {
                ++i;
            } while (i < rows.size() && !rows[i].time_ms);
            if (i < rows.size() && *rows[i].time_ms != time) {
                return std::size_t{0};
            }
        }
        return std::size_t{0};
    };
    for (;;) {
        // The earliest TIME first. A millisecond holds many events, so at one
        // TIME the file whose next action waits for the fewest received
        // blocks goes first: what a client receives may be another client's
        // doing, and what it receives is never the cause of another's action.
        std::size_t file = transcripts.size();
        std::size_t file_receives = 0;
        for (std::size_t candidate = 0; candidate < transcripts.size(); ++candidate) {
            if (next[candidate] >= transcripts[candidate].rows.size()) {
                continue;
            }
            const std::size_t receives = receives_before_action(candidate);
            if (file == transcripts.size() || block_time(candidate) < block_time(file) ||
                (block_time(candidate) == block_time(file) && receives < file_receives)) {
                file = candidate;
                file_receives = receives;
            }
        }
        if (file == transcripts.size()) {
            return session;
        }
        // One block: this row, and the rows without TIME after it.
        const std::vector<Row>& rows = transcripts[file].rows;
        const bool trace = traces[file];
        const Row* before = nullptr;
        do {
            const Row& row = rows[next[file]++];
            const bool bytes = row.kind == RowKind::sends || row.kind == RowKind::receives;
            const bool continues = trace && bytes && !row.time_ms && before != nullptr &&
                                   before->kind == row.kind && before->who == row.who;
            session.push_back(SessionRow{&row, file, continues});
            if (row.kind != RowKind::note) {
                before = bytes ? &row : nullptr;
            }
        } while (next[file] < rows.size() && !rows[next[file]].time_ms);
    }
}

/// @brief Deleted: the session's rows would point into a temporary.
std::vector<SessionRow> merge_transcripts(const std::vector<Transcript>&& transcripts) = delete;

/**
 * @brief `stream` with the `<unix-ms>` of every HIST record hidden, each
 *        digit written `#`: the one field of a reply that depends on when
 *        the server ran. The length does not change, and hiding a prefix
 *        gives a prefix of hiding the whole, so streams can be compared as
 *        they arrive.
 *
 * A HIST reply is recognised by its first line, `+OK <n> messages`, which
 * no other reply or body line can be (a name never starts with `+`).
 *
 * @param stream what a client received, from its first byte.
 * @return the same bytes, record times hidden.
 */
[[nodiscard]] inline std::string without_hist_times(std::string_view stream) {
    std::string hidden(stream);
    std::size_t records_left = 0;
    std::size_t start = 0;
    while (start < hidden.size()) {
        const std::size_t end = hidden.find('\n', start);
        if (records_left > 0) {
            for (std::size_t i = start; i < hidden.size() && hidden[i] >= '0' && hidden[i] <= '9';
                 ++i) {
                hidden[i] = '#';
            }
            records_left -= end == std::string::npos ? 0 : 1;
        } else if (end != std::string::npos) {
            std::string_view line(hidden.data() + start, end - start);
            if (!line.empty() && line.back() == '\r') {
                line.remove_suffix(1);
            }
            constexpr std::string_view head = "+OK ";
            constexpr std::string_view tail = " messages";
            if (line.size() > head.size() + tail.size() && line.substr(0, head.size()) == head &&
                line.substr(line.size() - tail.size()) == tail) {
                const std::string_view count =
                    line.substr(head.size(), line.size() - head.size() - tail.size());
                if (count.find_first_not_of("0123456789") == std::string_view::npos &&
                    count.size() < 10) {
                    records_left = std::stoul(std::string(count));
                }
            }
        }
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    return hidden;
}

}  // namespace telechat::protocol

/// @file
/// @brief telechat::server::ConnectionTrace: what crossed one connection,
///        written as transcript rows (protocol/transcript.hpp) as it
///        happens. TracingBackend keeps one per connection. No I/O here:
///        every call returns the rows to append to the trace.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../protocol/transcript.hpp"

namespace telechat::server {

/**
 * @brief The trace of one connection, row by row.
 *
 * Every read and every write starts a row with a TIME (milliseconds since
 * tracing started, shown `+SECONDS.mmm`); a chunk is cut after each LF so
 * that the trace reads line by line, and the rows that go on with the same
 * read or write carry no TIME. The bytes each row shows are exactly the
 * bytes that moved: a partial line ends with a lone backslash, an LF-only
 * line shows its `\n`.
 *
 * The agent key is never written (protocol/transcript_keys.hpp). A
 * client's line is held until its LF (or the end of the connection) so
 * that a key cut between two reads is still found; its pieces are then
 * written each with the TIME it arrived at, so a held row may carry a TIME
 * earlier than the row above it. A key cut by a split is shown by its
 * placeholder in the row where it starts. In what the server writes a key
 * is found within one write only (the server never sends it anyway).
 */
class ConnectionTrace {
public:
    /// @brief A trace of the connection called `who` (c1, c2, ...).
    /// @param who the name its rows give it.
    /// @param agent_key the server's key, to hide (empty: none).
    /// @param started_ms when tracing started: TIME 0, on the backend's clock.
    ConnectionTrace(std::string who, std::string agent_key, std::int64_t started_ms)
        : m_who(std::move(who)), m_key(std::move(agent_key)), m_started_ms(started_ms) {}

    /// @brief The connection was accepted.
    /// @param now_ms the backend's time.
    /// @return `== c1 connects`, with its TIME.
    std::string connected(std::int64_t now_ms) {
        return event(protocol::RowKind::connects, now_ms);
    }

    /// @brief A read returned `bytes` from the client.
    /// @param bytes what was read (not empty).
    /// @param now_ms the backend's time.
    /// @return the rows of every line this read completes.
    std::string received(std::string_view bytes, std::int64_t now_ms) {
        ++m_io;
        std::string rows;
        while (!bytes.empty()) {
            const std::size_t cut = std::min(bytes.find('\n'), bytes.size() - 1) + 1;
            m_pieces.push_back(Piece{m_line.size(), m_line.size() + cut, Stamp{now_ms, m_io}});
            m_line.append(bytes.substr(0, cut));
            bytes.remove_prefix(cut);
            if (m_line.back() == '\n') {
                rows += held_rows();
            }
        }
        return rows;
    }

    /// @brief A write sent `bytes` to the client (what it took, not more).
    /// @param bytes what was written.
    /// @param now_ms the backend's time.
    /// @return its rows.
    std::string sent(std::string_view bytes, std::int64_t now_ms) {
        ++m_io;
        const std::vector<protocol::KeyMask> masks = protocol::key_masks(bytes, m_key, false);
        std::string rows;
        for (std::size_t from = 0; from < bytes.size();) {
            const std::size_t to = std::min(bytes.find('\n', from), bytes.size() - 1) + 1;
            rows += bytes_row(protocol::RowKind::receives, bytes, bytes.substr(from, to - from),
                              masks, Stamp{now_ms, m_io});
            from = to;
        }
        return rows;
    }

    /// @brief A read found the end of the stream, or an error.
    /// @param broken an error or a reset (else the client closed).
    /// @param now_ms the backend's time.
    /// @return the unfinished line's rows, then `== c1 hangs up` or
    ///         `== c1's connection breaks`.
    std::string read_ended(bool broken, std::int64_t now_ms) {
        m_ended = true;
        std::string rows = held_rows();
        return rows +
               event(broken ? protocol::RowKind::breaks : protocol::RowKind::hangs_up, now_ms);
    }

    /// @brief The server ended its sending side (a close that lingers).
    /// @param now_ms the backend's time.
    /// @return `c1 -- closed by the server`.
    std::string shut_down(std::int64_t now_ms) {
        m_ended = true;
        return event(protocol::RowKind::closed, now_ms);
    }

    /// @brief The server closed the socket: the trace ends.
    /// @param now_ms the backend's time.
    /// @return the unfinished line's rows, and `c1 -- closed by the server`
    ///         unless the trace already said how the connection ended.
    std::string closed(std::int64_t now_ms) {
        std::string rows = held_rows();
        if (!m_ended) {
            m_ended = true;
            rows += event(protocol::RowKind::closed, now_ms);
        }
        return rows;
    }

private:
    // When a row's bytes moved: the time, and which read or write it was.
    struct Stamp {
        std::int64_t time_ms = 0;
        std::uint64_t io = 0;  // 0: an event
    };

    // A piece of the client's current line: m_line[from, to), from one read.
    struct Piece {
        std::size_t from = 0;
        std::size_t to = 0;
        Stamp stamp;
    };

    // One row; it has a TIME unless it goes on with the read or write of
    // the row before it.
    std::string row(protocol::Row row, Stamp stamp) {
        if (stamp.io == 0 || stamp.io != m_last_row_io) {
            row.time_ms = stamp.time_ms - m_started_ms;
        }
        m_last_row_io = stamp.io;
        row.who = m_who;
        return protocol::render_row(row) + "\n";
    }

    std::string event(protocol::RowKind kind, std::int64_t now_ms) {
        protocol::Row event;
        event.kind = kind;
        if (kind == protocol::RowKind::closed) {
            event.text = "closed by the server";
        }
        return row(std::move(event), Stamp{now_ms, 0});
    }

    // The row of `piece`, a part of `bytes`: a CR LF at its end is the row's line end.
    std::string bytes_row(protocol::RowKind kind, std::string_view bytes, std::string_view piece,
                          const std::vector<protocol::KeyMask>& masks, Stamp stamp) {
        protocol::Row shown;
        shown.kind = kind;
        shown.ends_line = piece.size() >= 2 && piece.substr(piece.size() - 2) == "\r\n";
        if (shown.ends_line) {
            piece.remove_suffix(2);
        }
        shown.text = protocol::masked_text(bytes, piece, masks);
        return row(std::move(shown), stamp);
    }

    // The rows of the client's held line, which is complete or the last.
    std::string held_rows() {
        const std::vector<protocol::KeyMask> masks = protocol::key_masks(m_line, m_key, true);
        std::string rows;
        for (const Piece& piece : m_pieces) {
            const std::string_view line = m_line;
            rows += bytes_row(protocol::RowKind::sends, line,
                              line.substr(piece.from, piece.to - piece.from), masks, piece.stamp);
        }
        m_pieces.clear();
        m_line.clear();
        return rows;
    }

    std::string m_who;
    std::string m_key;
    std::int64_t m_started_ms;
    std::string m_line;  // the client's line so far, held until its LF
    std::vector<Piece> m_pieces;
    std::uint64_t m_io = 0;           // the number of the latest read or write
    std::uint64_t m_last_row_io = 0;  // the read or write of the last row (0: an event)
    bool m_ended = false;             // a row said how the connection ended
};

}  // namespace telechat::server

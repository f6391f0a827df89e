// telechat-replay's player: plays the client side of a session (the merged
// rows of one or more transcripts) against a server, and stops at the first
// difference between what a client receives and its `<<` rows.
//
// Each client's received bytes are compared as one stream: timing and how
// the bytes were split do not matter, and a HIST record's time is not
// compared (without_hist_times). Before every step (a connect, a chunk to
// send, a hang-up, a pause) the player waits, up to the timeout, until every
// client has received all that the transcript shows before that step; so
// the server sees the steps in the transcript's order, whatever its threads.
// The sockets are the client apps' (apps/net/), shared with telechat-conform.
#pragma once

#include <telechat/protocol/escaping.hpp>
#include <telechat/protocol/transcript_session.hpp>

#include "../net/socket.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace replay {

using telechat::protocol::Row;
using telechat::protocol::RowKind;
using telechat::protocol::SessionRow;

/// The first difference: where, and what to say.
struct Difference {
    std::string where;  // FILE:LINE
    std::string what;
};

/// How to play.
struct PlayOptions {
    std::string host;
    std::string port;
    telechat::protocol::TranscriptKeys keys;
    std::chrono::milliseconds timeout{5000};
    bool verbose = false;
};

/// A client's connection, what it must receive, and what it did.
struct ClientState {
    app_net::Socket connection;
    std::string expected;  // every byte of its `<<` rows, in order
    std::vector<std::pair<std::size_t, const SessionRow*>> rows;  // each `<<` row's end offset
    std::size_t rows_passed = 0;            // `<<` rows the session has passed
    const SessionRow* close_row = nullptr;  // its `--` row, once the session passed it
    const SessionRow* connect_row = nullptr;
    std::string received;
    bool ended = false;  // the server closed its side
};

/// Plays a session; the first difference, or nothing.
class Player {
public:
    Player(const std::vector<telechat::protocol::Transcript>& files, PlayOptions options)
        : m_files(files), m_options(std::move(options)) {}

    /// Plays `session`; throws std::runtime_error if the server cannot be reached.
    std::optional<Difference> play(const std::vector<SessionRow>& session) {
        std::map<std::size_t, std::int64_t> file_time;  // the latest TIME seen in each file
        for (const SessionRow& at : session) {          // what each client must receive, and when
            std::int64_t& time = file_time[at.file];
            time = at.row->time_ms.value_or(time);
            m_time_of[&at] = time;
            if (at.row->kind == RowKind::receives) {
                ClientState& client = m_clients[at.row->who];
                client.expected += telechat::protocol::row_bytes(*at.row, m_options.keys);
                client.rows.emplace_back(client.expected.size(), &at);
            }
        }
        for (std::size_t i = 0; i < session.size(); ++i) {
            if (auto difference = step(session, i)) {
                return difference;
            }
        }
        return finish();
    }

private:
    std::optional<Difference> step(const std::vector<SessionRow>& session, std::size_t& i) {
        const SessionRow& at = session[i];
        const Row& row = *at.row;
        ClientState& client = m_clients[row.who];
        switch (row.kind) {
            case RowKind::receives:
                ++client.rows_passed;
                return std::nullopt;
            case RowKind::closed:
                client.close_row = &at;
                return std::nullopt;
            case RowKind::note:
                return std::nullopt;
            case RowKind::options:
            case RowKind::shuts_down:
                say(at, row.kind == RowKind::options ? "ignored: the server's own settings apply"
                                                     : "ignored: a replay cannot stop the server");
                return std::nullopt;
            default:
                break;
        }
        if (auto difference = wait_for_all(&at)) {
            return difference;
        }
        if (row.kind == RowKind::connects) {
            std::string error;
            client.connect_row = &at;
            if (!client.connection.connect(m_options.host, m_options.port, m_options.timeout,
                                           error)) {
                throw std::runtime_error("cannot connect to " + m_options.host + ":" +
                                         m_options.port + ": " + error);
            }
            say(at, "connected");
        } else if (row.kind == RowKind::sends) {
            std::string chunk = telechat::protocol::row_bytes(row, m_options.keys);
            while (i + 1 < session.size() && session[i + 1].continues) {
                chunk += telechat::protocol::row_bytes(*session[++i].row, m_options.keys);
            }
            say(at, "sends " + telechat::protocol::escaped(chunk));
            // A server that has closed may refuse it: what comes back will tell.
            static_cast<void>(client.connection.send_all(chunk, deadline()));
        } else if (row.kind == RowKind::hangs_up || row.kind == RowKind::breaks) {
            say(at, "hangs up");
            client.connection.close();
        } else if (row.kind == RowKind::time_passes) {
            say(at, "waits");
            std::this_thread::sleep_for(std::chrono::milliseconds(row.pass_ms));
        }
        return std::nullopt;
    }

    [[nodiscard]] std::chrono::steady_clock::time_point deadline() const {
        return std::chrono::steady_clock::now() + m_options.timeout;
    }

    // Whether a row shown before `step` must have happened before it: a
    // row of the same transcript (one connection's, or a golden file's),
    // or of another trace with an earlier TIME (the same TIME, a
    // millisecond apart, says nothing of their order).
    [[nodiscard]] bool happened_before(const SessionRow* shown, const SessionRow* step) const {
        return step == nullptr || shown->file == step->file ||
               m_time_of.at(shown) < m_time_of.at(step);
    }

    // Every client has what it must have before `step` (and its end of
    // stream if the server closed it); the end of the session if null.
    std::optional<Difference> wait_for_all(const SessionRow* step) {
        for (auto& [name, client] : m_clients) {
            std::size_t due = 0;
            for (std::size_t k = client.rows_passed; k > 0; --k) {
                if (step == nullptr || happened_before(client.rows[k - 1].second, step)) {
                    due = client.rows[k - 1].first;
                    break;
                }
            }
            const bool until_end =
                client.close_row != nullptr && happened_before(client.close_row, step);
            if (auto difference = wait_for(name, client, due, until_end)) {
                return difference;
            }
        }
        return std::nullopt;
    }

    std::optional<Difference> wait_for(const std::string& name, ClientState& client,
                                       std::size_t due, bool until_end) {
        const auto until = deadline();
        while (client.connection.is_open() && !client.ended &&
               (client.received.size() < due || until_end)) {
            const app_net::Io got = client.connection.receive(client.received, until);
            if (got == app_net::Io::timeout) {
                break;
            }
            client.ended = got != app_net::Io::ok;
        }
        if (auto difference = compare(name, client)) {
            return difference;
        }
        if (client.received.size() < due) {
            return missing(
                name, client,
                client.ended ? "the server closed the connection" : "nothing more came in time");
        }
        if (until_end && !client.ended && client.connection.is_open()) {
            return Difference{where(*client.close_row),
                              name + ": the server did not close the connection in time"};
        }
        return std::nullopt;
    }

    // The first byte where what came differs from what the transcript shows.
    std::optional<Difference> compare(const std::string& name, const ClientState& client) {
        const std::string came = telechat::protocol::without_hist_times(client.received);
        const std::string shown = telechat::protocol::without_hist_times(client.expected);
        std::size_t k = 0;
        while (k < came.size() && k < shown.size() && came[k] == shown[k]) {
            ++k;
        }
        if (k == came.size()) {
            return std::nullopt;
        }
        if (k == shown.size()) {
            const SessionRow* last =
                client.rows.empty() ? client.connect_row : client.rows.back().second;
            return Difference{where(*last), name + ": more came than the transcript shows\n" +
                                                "  received: " + line_at(client.received, k)};
        }
        return Difference{where(*row_at(client, k)),
                          name + ": what came differs\n  expected: " + line_at(client.expected, k) +
                              "\n  received: " + line_at(client.received, k)};
    }

    std::optional<Difference> missing(const std::string& name, const ClientState& client,
                                      const std::string& why) {
        const std::size_t k = client.received.size();
        return Difference{where(*row_at(client, k)),
                          name + ": " + why + "\n  expected: " + line_at(client.expected, k) +
                              "\n  received: " + line_at(client.received, k)};
    }

    // At the end: every client has all it is due, and nothing more arrives.
    std::optional<Difference> finish() {
        for (auto& [name, client] : m_clients) {
            client.rows_passed = client.rows.size();
        }
        if (auto difference = wait_for_all(nullptr)) {
            return difference;
        }
        const auto settle = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
        for (auto& [name, client] : m_clients) {
            if (client.connection.is_open() && !client.ended) {
                static_cast<void>(client.connection.receive(client.received, settle));
            }
            if (auto difference = compare(name, client)) {
                return difference;
            }
        }
        return std::nullopt;
    }

    static const SessionRow* row_at(const ClientState& client, std::size_t offset) {
        for (const auto& [end, row] : client.rows) {
            if (offset < end) {
                return row;
            }
        }
        return client.rows.empty() ? client.connect_row : client.rows.back().second;
    }

    // The line of `bytes` that holds byte `k`, escaped: from its start to its LF.
    static std::string line_at(const std::string& bytes, std::size_t k) {
        if (k >= bytes.size()) {
            return "(nothing)";
        }
        const std::size_t start = k == 0 ? 0 : bytes.rfind('\n', k - 1) + 1;
        const std::size_t end = bytes.find('\n', k);
        return telechat::protocol::escaped(
            bytes.substr(start, end == std::string::npos ? std::string::npos : end + 1 - start));
    }

    [[nodiscard]] std::string where(const SessionRow& at) const {
        return m_files[at.file].name + ":" + std::to_string(at.row->line);
    }

    void say(const SessionRow& at, const std::string& what) const {
        if (m_options.verbose) {
            std::printf("%s: %s%s%s\n", where(at).c_str(), at.row->who.c_str(),
                        at.row->who.empty() ? "" : " ", what.c_str());
        }
    }

    const std::vector<telechat::protocol::Transcript>& m_files;
    PlayOptions m_options;
    std::map<std::string, ClientState> m_clients;
    std::map<const SessionRow*, std::int64_t> m_time_of;  // a row's TIME, or its block's
};

}  // namespace replay

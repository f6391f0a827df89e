// The test harness of the desk scenarios: a telechat::Desk, a hand-driven
// clock, and named fake clients that send bytes and collect the lines the
// desk writes for them, as a server would.
//
//     World w(split);
//     Client& ann = w.agent("ann");            // opens, sends CONNECT AGENT ann <key>
//     Client& bob = w.customer("bob");
//     bob.send("MSG hello\r\n");
//     CHECK(ann.take() == Lines{"+OK welcome ann", "ASSIGNED bob", "MSG bob hello"});
//
// After every call into the desk the harness calls check_invariants(), and
// after every step it checks the rules that hold in every scenario, throwing
// ProtocolViolation (which fails the test) when one breaks:
//   - every line the server sends ends with CRLF and holds no other CR or LF;
//   - every command line gets exactly one reply (`+OK`/`-ERR`), in order, and
//     nothing else starts with `+` or `-`; the harness frames what each client
//     sends on its own to know how many replies are due;
//   - multi-line replies end with `.` and no body line starts with `.`;
//   - pushes start with MSG, QUEUED, ASSIGNED, LEFT or QUIT;
//   - `-ERR` is followed by one of the 13 codes;
//   - the agent key never appears in anything the server sends;
//   - next_ready() reports every connection that has output or a close request.
//
// A Split says how bytes are handed over: in one piece, one byte at a time,
// or in pseudo-random chunks. Output is read back the same way. Tests run
// under every split (GENERATE(DESK_ALL_SPLITS)), so each scenario's
// transcript is checked for all three.
#pragma once

#include <telechat/desk/desk.hpp>
#if defined(TELECHAT_TEST_WORLD_ON_FILE)
#include <telechat/history/file_storage.hpp>

#include "../history/temp_dir.hpp"

#include <atomic>
#endif

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace desk_test {

using telechat::CloseMode;
using telechat::ConnectionId;
using telechat::Desk;
using telechat::DeskOptions;
using telechat::UnixMillis;

#if defined(TELECHAT_TEST_WORLD_ON_FILE)
/// The storage of a World: in the copies of the desk's scenarios that
/// history_tests builds, a log file of its own, so that the desk's history
/// tests pass on the file storage too (and on memory everywhere else).
inline telechat::history::AnyHistoryStorage world_storage() {
    static const history_test::TempDir folder;
    static std::atomic<unsigned> worlds{0};
    telechat::history::FileStorageOptions options;
    options.path = folder.file("world-" + std::to_string(worlds++) + ".log");
    options.sync = telechat::history::SyncPolicy::never;
    return telechat::history::FileStorage(std::move(options));
}
#else
/// The storage of a World: memory only.
inline telechat::history::AnyHistoryStorage world_storage() {
    return telechat::history::MemoryStorage{};
}
#endif

/// The lines a client received, without their CRLF.
using Lines = std::vector<std::string>;

/// How bytes travel between the harness and the desk.
enum class Split {
    whole,     ///< each send() is one receive(), each output read at once
    bytewise,  ///< one byte at a time, both ways
    chunked,   ///< pseudo-random pieces of 1 to 7 bytes, both ways
};

inline std::ostream& operator<<(std::ostream& out, Split split) {
    switch (split) {
        case Split::whole:
            return out << "whole";
        case Split::bytewise:
            return out << "bytewise";
        case Split::chunked:
            return out << "chunked";
    }
    return out << "?";
}

/// The arguments of GENERATE() that run a test under every split.
#define DESK_ALL_SPLITS \
    ::desk_test::Split::whole, ::desk_test::Split::bytewise, ::desk_test::Split::chunked

/// A rule that holds in every scenario was broken.
class ProtocolViolation : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The agent key of test_options(); the harness fails any test in which the
/// server sends it.
inline constexpr std::string_view agent_key = "K3y-of-the-Desk";

/// When every World's clock starts (2023-11-14T22:13:20Z, in Unix ms).
inline constexpr UnixMillis start_time = 1'700'000'000'000;

/// The default options, with agent_key set.
inline DeskOptions test_options() {
    DeskOptions options;
    options.agent_key = std::string(agent_key);
    return options;
}

[[nodiscard]] inline bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

[[nodiscard]] inline char upper(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

/// The first space-separated word of `line`, upper-cased, leading spaces skipped.
[[nodiscard]] inline std::string first_word_upper(std::string_view line) {
    const std::size_t start = line.find_first_not_of(' ');
    if (start == std::string_view::npos) {
        return {};
    }
    line.remove_prefix(start);
    std::string word(line.substr(0, line.find(' ')));
    std::transform(word.begin(), word.end(), word.begin(), upper);
    return word;
}

/// The lines with each `-ERR <CODE> <reason>` cut to `-ERR <CODE>`: reasons
/// are for people, so tests compare codes only.
[[nodiscard]] inline Lines without_reasons(Lines lines) {
    for (std::string& line : lines) {
        if (starts_with(line, "-ERR ")) {
            const std::size_t end = line.find(' ', 5);
            if (end != std::string::npos) {
                line.erase(end);
            }
        }
    }
    return lines;
}

/// A line of `n` copies of `c`.
[[nodiscard]] inline std::string repeated(std::size_t n, char c = 'x') {
    return std::string(n, c);
}

class World;

/// One fake client: a connection of the desk, seen from the client's side.
class Client {
public:
    Client(World& world, std::string label, ConnectionId id)
        : m_world(&world), m_label(std::move(label)), m_id(id) {}
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    /// Sends raw bytes, split as the world's Split says, then lets the server
    /// move every connection's output. Bytes sent after the server closed the
    /// connection are not sent (the socket is gone).
    Client& send(std::string_view bytes);

    /// Sends `text` and CRLF.
    Client& send_line(std::string_view text) { return send(std::string(text) + "\r\n"); }

    /// Every complete line received so far, without CRLF.
    [[nodiscard]] const Lines& lines() const noexcept { return m_lines; }

    /// The lines received since the last take().
    Lines take() {
        Lines fresh(m_lines.begin() + static_cast<std::ptrdiff_t>(m_taken), m_lines.end());
        m_taken = m_lines.size();
        return fresh;
    }

    /// take(), with error reasons cut off (see without_reasons()).
    Lines take_codes() { return without_reasons(take()); }

    /// Every byte received, CRLFs included.
    [[nodiscard]] const std::string& raw() const noexcept { return m_raw; }

    /// The client stops reading its socket: its output piles up in the desk.
    void stop_reading() { m_reading = false; }

    /// The client reads again: what piled up arrives.
    void resume_reading();

    /// The client closes the connection (or it breaks).
    void disconnect();

    /// Whether the connection is closed, by either side.
    [[nodiscard]] bool closed() const noexcept { return m_closed; }
    /// Whether the server asked to close the connection (and it was closed).
    [[nodiscard]] bool closed_by_server() const noexcept { return m_closed_by_server; }
    /// Whether the server closed it at once, dropping its output (output cap).
    [[nodiscard]] bool dropped() const noexcept { return m_dropped; }
    /// Whether the client still reads its socket.
    [[nodiscard]] bool reading() const noexcept { return m_reading; }
    /// The connection's id in the desk.
    [[nodiscard]] ConnectionId id() const noexcept { return m_id; }
    /// The client's name in the test.
    [[nodiscard]] const std::string& label() const noexcept { return m_label; }
    /// Command lines sent whose reply has not arrived yet.
    [[nodiscard]] std::size_t unanswered() const noexcept { return m_expected.size(); }

private:
    friend class World;

    [[noreturn]] void violation(const std::string& what) const {
        throw ProtocolViolation("client '" + m_label + "': " + what);
    }

    // The harness's own framing of what the client sends: each command line
    // (and each too-long line) is owed one reply.
    void expect_replies_for(std::string_view bytes, std::size_t max_line_bytes) {
        for (const char c : bytes) {
            if (m_out_discarding) {
                m_out_discarding = c != '\n';
                continue;
            }
            if (c == '\n') {
                std::string_view line = m_out_line;
                if (!line.empty() && line.back() == '\r') {
                    line.remove_suffix(1);
                }
                if (line.find_first_not_of(' ') != std::string_view::npos) {
                    const std::string word = first_word_upper(line);
                    m_expected.push_back(word == "LIST" || word == "HIST" || word == "HELP");
                }
                m_out_line.clear();
                continue;
            }
            m_out_line.push_back(c);
            if (m_out_line.size() + 1 > max_line_bytes) {
                m_expected.push_back(false);  // TOO_LONG, at once
                m_out_line.clear();
                m_out_discarding = true;
            }
        }
    }

    void on_output(std::string_view bytes) {
        m_raw.append(bytes);
        m_incoming.append(bytes);
        std::size_t newline = 0;
        while ((newline = m_incoming.find('\n')) != std::string::npos) {
            if (newline == 0 || m_incoming[newline - 1] != '\r') {
                violation("a line that does not end with CRLF: '" + m_incoming.substr(0, newline) +
                          "'");
            }
            std::string line = m_incoming.substr(0, newline - 1);
            m_incoming.erase(0, newline + 1);
            on_line(std::move(line));
        }
    }

    void on_line(std::string line) {
        if (line.find('\r') != std::string::npos) {
            violation("a CR inside a line: '" + line + "'");
        }
        if (line.find(agent_key) != std::string::npos) {
            violation("the agent key was sent: '" + line + "'");
        }
        if (m_in_body) {
            if (line == ".") {
                m_in_body = false;
            } else if (starts_with(line, ".")) {
                violation("a body line that starts with '.': '" + line + "'");
            }
        } else if (starts_with(line, "+") || starts_with(line, "-")) {
            check_reply_syntax(line);
            if (m_expected.empty()) {
                violation("a reply that no command asked for: '" + line + "'");
            }
            const bool multi_line = m_expected.front();
            m_expected.pop_front();
            m_in_body = multi_line && starts_with(line, "+OK");
        } else {
            static constexpr std::array<std::string_view, 5> pushes{"MSG", "QUEUED", "ASSIGNED",
                                                                    "LEFT", "QUIT"};
            const std::string word = line.substr(0, line.find(' '));
            if (std::find(pushes.begin(), pushes.end(), word) == pushes.end()) {
                violation("a line that is neither a reply nor a push: '" + line + "'");
            }
        }
        m_lines.push_back(std::move(line));
    }

    void check_reply_syntax(const std::string& line) const {
        if (line == "+OK" || starts_with(line, "+OK ")) {
            return;
        }
        static constexpr std::array<std::string_view, 13> codes{
            "BAD_COMMAND", "BAD_ARGS",    "NOT_CONNECTED", "ALREADY_CONNECTED", "BAD_NAME",
            "NAME_TAKEN",  "AUTH_FAILED", "FORBIDDEN",     "NO_SUCH_USER",      "NOT_ASSIGNED",
            "TOO_LONG",    "BAD_TEXT",    "SERVER_FULL"};
        if (starts_with(line, "-ERR ")) {
            const std::string code = line.substr(5, line.find(' ', 5) - 5);
            if (std::find(codes.begin(), codes.end(), code) != codes.end()) {
                return;
            }
        }
        violation("a malformed reply: '" + line + "'");
    }

    void mark_closed(bool by_server, bool dropped) {
        m_closed = true;
        m_closed_by_server = by_server;
        m_dropped = dropped;
        if (!dropped && m_reading && !m_incoming.empty()) {
            violation("the connection was closed after a partial line: '" + m_incoming + "'");
        }
        if (!dropped && m_reading && m_in_body) {
            violation("the connection was closed inside a multi-line reply");
        }
        m_expected.clear();  // lines after a close request are ignored
    }

    World* m_world;
    std::string m_label;
    ConnectionId m_id;
    bool m_reading = true;
    bool m_closed = false;
    bool m_closed_by_server = false;
    bool m_dropped = false;
    Lines m_lines;
    std::size_t m_taken = 0;
    std::string m_raw;
    std::string m_incoming;
    bool m_in_body = false;
    // The oracle: one entry per command still owed a reply, true if a `+OK`
    // reply to it has a body (LIST, HIST, HELP).
    std::deque<bool> m_expected;
    std::string m_out_line;
    bool m_out_discarding = false;
};

/// A desk, its clock and its clients.
class World {
public:
    explicit World(Split split = Split::whole, DeskOptions options = test_options())
        : m_desk(std::move(options), world_storage()), m_split(split) {
        checked();
    }
    /// A world whose desk also hands its history to `storage`.
    World(Split split, DeskOptions options, telechat::history::AnyHistoryStorage storage)
        : m_desk(std::move(options), std::move(storage)), m_split(split) {
        checked();
    }
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    /// A new connection; `label` names it in failure messages and transcripts.
    Client& open(std::string label = "client") {
        const ConnectionId id = m_desk.open(m_now);
        checked();
        m_clients.push_back(std::make_unique<Client>(*this, std::move(label), id));
        Client& client = *m_clients.back();
        if (m_desk.close_mode(id) != CloseMode::keep_open) {
            client.m_expected.push_back(false);  // the SERVER_FULL of a refused connection
        }
        step_done();
        return client;
    }

    /// Opens a connection and sends `CONNECT CUSTOMER <name>`.
    Client& customer(std::string_view name) {
        Client& client = open(std::string(name));
        client.send_line("CONNECT CUSTOMER " + std::string(name));
        return client;
    }

    /// Opens a connection and sends `CONNECT AGENT <name> <key>` with the right key.
    Client& agent(std::string_view name) {
        Client& client = open(std::string(name));
        client.send_line("CONNECT AGENT " + std::string(name) + " " + std::string(agent_key));
        return client;
    }

    /// Moves the clock on by `ms` and lets the desk enforce its timeouts.
    void advance(UnixMillis ms) {
        m_now += ms;
        m_desk.expire(m_now);
        checked();
        step_done();
    }

    /// The server stops.
    void shut_down() {
        m_desk.shut_down();
        checked();
        step_done();
    }

    [[nodiscard]] UnixMillis now() const noexcept { return m_now; }
    [[nodiscard]] Desk& desk() noexcept { return m_desk; }
    [[nodiscard]] Split split() const noexcept { return m_split; }

    /// Every client's lines, one block per client in opening order: a
    /// summary of the whole session, for comparing runs.
    [[nodiscard]] std::string transcript() const {
        std::string result;
        for (const auto& client : m_clients) {
            result += "== " + client->label() + (client->closed() ? " (closed)" : "") + "\n";
            for (const std::string& line : client->lines()) {
                result += line + "\n";
            }
        }
        return result;
    }

private:
    friend class Client;

    void checked() const { m_desk.check_invariants(); }

    // How many of `remaining` bytes go in the next piece.
    std::size_t piece_size(std::size_t remaining) {
        switch (m_split) {
            case Split::whole:
                return remaining;
            case Split::bytewise:
                return 1;
            case Split::chunked: {
                m_random = m_random * 6364136223846793005ULL + 1442695040888963407ULL;
                const std::size_t size = 1 + static_cast<std::size_t>((m_random >> 33) % 7);
                return std::min(size, remaining);
            }
        }
        return remaining;
    }

    Client* find(ConnectionId id) {
        for (const auto& client : m_clients) {
            if (!client->closed() && client->id() == id) {
                return client.get();
            }
        }
        return nullptr;
    }

    // What a server's event loop does: save the history (no reply leaves
    // before the record it acknowledges), then, for each connection the desk
    // names, write its output (if the client reads) and honour its close mode.
    void drain() {
        m_desk.save_history();
        while (const std::optional<ConnectionId> id = m_desk.next_ready()) {
            Client* client = find(*id);
            if (client == nullptr) {
                throw ProtocolViolation("next_ready() named a connection that is not open");
            }
            service(*client);
        }
    }

    void service(Client& client) {
        const CloseMode mode = m_desk.close_mode(client.id());
        if (mode == CloseMode::immediately) {
            close_by_server(client, true);
            return;
        }
        if (!client.reading()) {
            return;
        }
        while (true) {
            const std::string_view pending = m_desk.pending_output(client.id());
            if (pending.empty()) {
                break;
            }
            const std::size_t size = piece_size(pending.size());
            const std::string piece(pending.substr(0, size));
            m_desk.consume_output(client.id(), size);
            checked();
            client.on_output(piece);
        }
        if (mode == CloseMode::after_output) {
            close_by_server(client, false);
        }
    }

    void close_by_server(Client& client, bool dropped) {
        m_desk.close(client.id(), m_now);
        checked();
        client.mark_closed(true, dropped);
    }

    // After each step: move all output, then check that nothing was missed.
    void step_done() {
        drain();
        for (const auto& client : m_clients) {
            if (client->closed() || !client->reading()) {
                continue;
            }
            if (!m_desk.pending_output(client->id()).empty() ||
                m_desk.close_mode(client->id()) != CloseMode::keep_open) {
                client->violation("next_ready() did not report pending output or a close request");
            }
            if (client->unanswered() != 0) {
                client->violation(std::to_string(client->unanswered()) +
                                  " command(s) got no reply");
            }
            if (client->m_in_body) {
                client->violation("a multi-line reply has no final '.'");
            }
        }
    }

    Desk m_desk;
    Split m_split;
    UnixMillis m_now = start_time;
    std::uint64_t m_random = 0x3AC0'5EEDULL;
    std::vector<std::unique_ptr<Client>> m_clients;
};

inline Client& Client::send(std::string_view bytes) {
    if (m_closed) {
        throw std::logic_error("test bug: '" + m_label + "' sends after its connection closed");
    }
    World& world = *m_world;
    if (world.m_desk.close_mode(m_id) == CloseMode::keep_open) {
        expect_replies_for(bytes, world.m_desk.options().max_line_bytes);
    }
    std::size_t offset = 0;
    while (offset < bytes.size() && !m_closed) {
        const std::size_t size = world.piece_size(bytes.size() - offset);
        world.m_desk.receive(m_id, bytes.substr(offset, size), world.m_now);
        world.checked();
        world.drain();
        offset += size;
    }
    world.step_done();
    return *this;
}

inline void Client::resume_reading() {
    m_reading = true;
    if (!m_closed) {
        m_world->service(*this);
    }
    m_world->step_done();
}

inline void Client::disconnect() {
    if (m_closed) {
        throw std::logic_error("test bug: '" + m_label + "' disconnects twice");
    }
    m_world->m_desk.close(m_id, m_world->m_now);
    m_world->checked();
    mark_closed(false, false);
    m_world->step_done();
}

/// Forgets what the clients received so far, so that the next take() shows
/// only what comes after.
template <class... Clients>
void forget_lines(Clients&... clients) {
    (static_cast<void>(clients.take()), ...);
}

/// `body` sorted: for multi-line replies whose body order is unspecified
/// (LIST), keeps the header first and the `.` last.
[[nodiscard]] inline Lines sorted_body(Lines reply) {
    if (reply.size() > 2) {
        std::sort(reply.begin() + 1, reply.end() - 1);
    }
    return reply;
}

}  // namespace desk_test

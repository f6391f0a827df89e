// A libFuzzer target for the desk. The input is a little program: each
// byte picks an operation (bytes on a connection, open, close, time
// passing) for one of a few connections. After every operation the harness
// drains all output the way a server would, checks that every command got
// exactly one reply, and checks the desk's invariants.
//
// The same entry point is replayed over the seed corpus by an ordinary test
// (replay_main.cpp), so GCC builds exercise it too.
#include <telechat/desk/desk.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

constexpr std::size_t connection_count = 6;
constexpr std::size_t max_line_bytes = 48;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "desk fuzzer: %s\n", what);
    std::abort();
}

// Counts the replies a stream of lines should get, independently of the
// desk's own framer: one per complete line that is not blank, one per line
// that grows past the limit, none for the rest of a too-long line.
struct ExpectedReplies {
    std::size_t line_bytes = 0;
    bool discarding = false;
    bool blank = true;
    bool last_was_cr = false;

    // Feeds one byte; returns how many replies it should cause.
    std::size_t feed(char byte) {
        if (byte == '\n') {
            const bool answered = !discarding && !blank;
            *this = ExpectedReplies{};
            return answered ? 1 : 0;
        }
        if (discarding) {
            return 0;
        }
        // A CR counts as blank only if it turns out to end the line; so a
        // pending CR makes the line non-blank once anything follows it.
        if (last_was_cr) {
            blank = false;
        }
        last_was_cr = byte == '\r';
        if (byte != ' ' && byte != '\r') {
            blank = false;
        }
        ++line_bytes;
        if (line_bytes + 1 > max_line_bytes) {
            *this = ExpectedReplies{};
            discarding = true;
            return 1;
        }
        return 0;
    }
};

struct Connection {
    telechat::ConnectionId id;
    bool open = false;
    ExpectedReplies expected;
    std::size_t replies_expected = 0;
    std::size_t replies_seen = 0;
};

class Harness {
public:
    Harness() : m_desk(options()) {}

    void run(const std::uint8_t* data, std::size_t size) {
        std::size_t at = 0;
        const auto next = [&]() -> std::uint8_t { return at < size ? data[at++] : 0; };
        while (at < size) {
            const std::uint8_t op = next();
            Connection& connection = m_connections[(op >> 3) % connection_count];
            switch (op & 7U) {
                case 0:
                case 1:
                case 2:
                case 3: {
                    const std::size_t length = std::min<std::size_t>(next() % 64U + 1U, size - at);
                    send(connection,
                         std::string_view(reinterpret_cast<const char*>(data + at), length));
                    at += length;
                    break;
                }
                case 4:
                    disconnect(connection);
                    break;
                case 5:
                    m_now += static_cast<telechat::UnixMillis>(next()) * 1000;
                    m_desk.expire(m_now);
                    break;
                case 6:
                    ensure_open(connection);
                    break;
                default:
                    send(connection, canned_line(next()));
                    break;
            }
            drain();
            m_desk.check_invariants();
            for (const Connection& c : m_connections) {
                if (c.open && c.replies_seen != c.replies_expected) {
                    fail("a command did not get exactly one reply");
                }
            }
        }
        m_desk.shut_down();
        drain();
    }

private:
    static telechat::DeskOptions options() {
        telechat::DeskOptions result;
        result.agent_key = "key";
        result.agent_capacity = 2;
        result.max_clients = connection_count - 1;  // so SERVER_FULL happens
        result.history_limit = 4;
        result.max_remembered_users = 8;
        result.waiting_backlog_limit = 3;
        result.max_line_bytes = max_line_bytes;
        result.register_timeout_ms = 30'000;
        result.idle_timeout_ms = 60'000;
        return result;
    }

    // Lines that reach deep states quickly; the fuzzer mutates the rest.
    static std::string_view canned_line(std::uint8_t choice) {
        static constexpr std::array<std::string_view, 16> lines{"CONNECT AGENT a1 key\r\n",
                                                                "CONNECT AGENT A2 key\n",
                                                                "CONNECT CUSTOMER c1\r\n",
                                                                "CONNECT CUSTOMER C2\n",
                                                                "CONNECT CUSTOMER c3\n",
                                                                "MSG hello\r\n",
                                                                "MSG c1 hi\r\n",
                                                                "MSG C2 hi\n",
                                                                "LIST\r\n",
                                                                "HIST c1 2\r\n",
                                                                "END c1\r\n",
                                                                "END c2\n",
                                                                "QUIT\r\n",
                                                                "CONNECT AGENT a3 nope\n",
                                                                "PING x\n",
                                                                "HELP\n"};
        return lines[choice % lines.size()];
    }

    void ensure_open(Connection& connection) {
        if (!connection.open) {
            connection = Connection{};
            connection.id = m_desk.open(m_now);
            connection.open = true;
        }
    }

    // Feeds the bytes a line at a time, so that the harness knows which
    // lines came before a close request (the desk ignores the ones after).
    void send(Connection& connection, std::string_view bytes) {
        ensure_open(connection);
        while (!bytes.empty() && connection.open) {
            const std::size_t newline = bytes.find('\n');
            const std::size_t length =
                newline == std::string_view::npos ? bytes.size() : newline + 1;
            const std::string_view piece = bytes.substr(0, length);
            bytes.remove_prefix(length);
            if (m_desk.close_mode(connection.id) != telechat::CloseMode::keep_open) {
                return;
            }
            for (const char byte : piece) {
                connection.replies_expected += connection.expected.feed(byte);
            }
            m_desk.receive(connection.id, piece, m_now);
            drain();
        }
    }

    void disconnect(Connection& connection) {
        if (connection.open) {
            m_desk.close(connection.id, m_now);
            connection.open = false;
        }
    }

    // What a server does: send everything, then honour close requests.
    void drain() {
        while (const auto id = m_desk.next_ready()) {
            Connection* owner = nullptr;
            for (Connection& c : m_connections) {
                if (c.open && c.id == *id) {
                    owner = &c;
                }
            }
            if (owner == nullptr) {
                fail("output for a connection the harness does not know");
            }
            const std::string_view output = m_desk.pending_output(*id);
            count_replies(*owner, output);
            m_desk.consume_output(*id, output.size());
            if (m_desk.close_mode(*id) != telechat::CloseMode::keep_open) {
                disconnect(*owner);
            }
        }
    }

    static void count_replies(Connection& connection, std::string_view output) {
        while (!output.empty()) {
            const std::size_t end = output.find("\r\n");
            if (end == std::string_view::npos) {
                fail("output that does not end with CRLF");
            }
            const std::string_view line = output.substr(0, end);
            if (!line.empty() && (line.front() == '+' || line.front() == '-')) {
                ++connection.replies_seen;
            }
            output.remove_prefix(end + 2);
        }
    }

    telechat::Desk m_desk;
    std::array<Connection, connection_count> m_connections{};
    telechat::UnixMillis m_now = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Harness harness;
    harness.run(data, size);
    return 0;
}

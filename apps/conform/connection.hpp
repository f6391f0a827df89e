// One client connection of a test: send bytes, read the server's lines with
// a deadline each, and keep every byte of the exchange in the test's
// transcript (printed on failure, and for every test with -v).
#pragma once

#include <telechat/protocol/escaping.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "../net/deadline.hpp"
#include "../net/socket.hpp"
#include "outcome.hpp"

namespace conform {

// The kit's sockets are the client apps' (apps/net/), shared with telechat-replay.
using app_net::Clock;
using app_net::describe;
using app_net::Io;
using app_net::Milliseconds;
using app_net::milliseconds_until;
using app_net::Socket;

/// The exchange of one test, one line per event, bytes escaped.
using Transcript = std::vector<std::string>;

/// What came instead of a line: a report of it.
inline std::string nothing_came(Io io, const std::string& partial) {
    std::string got = describe(io);
    if (!partial.empty()) {
        got += " after the unfinished line \"" + telechat::protocol::escaped(partial) + "\"";
    }
    return got;
}

/// A connection to the server under test.
class Connection {
public:
    Connection(std::string label, Transcript& transcript, Milliseconds read_timeout)
        : m_label(std::move(label)), m_transcript(&transcript), m_read_timeout(read_timeout) {}

    /// Connects; a failure to connect is a Failure of the test.
    void open(const std::string& host, const std::string& port) {
        std::string error;
        if (!m_socket.connect(host, port, m_read_timeout, error)) {
            note("-- could not connect: " + error);
            fail("a connection to " + host + ":" + port, "connect failed: " + error);
        }
    }

    [[nodiscard]] const std::string& label() const noexcept { return m_label; }
    /// The name this connection registered with; empty before.
    std::string name;

    /// Sends `bytes` exactly as given.
    void send(std::string_view bytes) {
        m_transcript->push_back(m_label + " C: \"" + telechat::protocol::escaped(bytes) + "\"");
        const Io io = m_socket.send_all(bytes, Clock::now() + m_read_timeout);
        if (io != Io::ok) {
            note(std::string("-- the send failed: ") + describe(io));
            fail("to send \"" + telechat::protocol::escaped(bytes) + "\"", describe(io));
        }
    }
    /// Sends `line` with an LF ending.
    void send_line(std::string_view line) { send(std::string(line) + "\n"); }
    /// Sends `bytes` one byte per packet, with a short pause between bytes.
    void send_bytewise(std::string_view bytes) {
        for (const char byte : bytes) {
            send(std::string_view(&byte, 1));
            std::this_thread::sleep_for(Milliseconds(2));
        }
    }

    /// The next line, without its CRLF, within the read timeout. A line
    /// not ended by CRLF, a close or a silence is a Failure that says
    /// what was `expected`.
    std::string line(const std::string& expected = "a line") {
        return line_before(Clock::now() + m_read_timeout, expected);
    }

    /// As line(), with a deadline of its own (for rules about time).
    std::string line_before(Clock::time_point deadline, const std::string& expected) {
        std::string got;
        const Io io = next_line(got, deadline);
        if (io != Io::ok) {
            fail(expected, nothing_came(io, got));
        }
        if (got.size() < 2 || got[got.size() - 2] != '\r') {
            fail(expected + ", ended by CRLF", "\"" + telechat::protocol::escaped(got) + "\"");
        }
        got.resize(got.size() - 2);
        return got;
    }

    /// Reads a raw line (up to and including its LF) before `deadline`;
    /// Io::ok if one came, else why not (`into` then holds any partial line).
    Io next_line(std::string& into, Clock::time_point deadline) {
        for (;;) {
            if (const std::size_t end = m_buffer.find('\n'); end != std::string::npos) {
                into = m_buffer.substr(0, end + 1);
                m_buffer.erase(0, end + 1);
                m_transcript->push_back(m_label + " S: \"" + telechat::protocol::escaped(into) +
                                        "\"");
                return Io::ok;
            }
            const Io io = m_closed ? m_end : m_socket.receive(m_buffer, deadline);
            if (io == Io::closed || io == Io::reset) {
                if (!m_closed) {
                    note(std::string("-- ") + describe(io));
                }
                m_closed = true;
                m_end = io;
            }
            if (io != Io::ok) {
                into = m_buffer;
                if (io == Io::timeout) {
                    note("-- nothing more before the deadline");
                }
                return io;
            }
        }
    }

    /// Requires the next line to be exactly `expected`.
    void expect(std::string_view expected) {
        const std::string quoted = "\"" + telechat::protocol::escaped(expected) + "\\r\\n\"";
        const std::string got = line(quoted);
        if (got != expected) {
            fail(quoted, "\"" + telechat::protocol::escaped(got) + "\\r\\n\"");
        }
    }

    /// Requires the next line to be `-ERR <code> <reason>` with a reason
    /// (any reason: the reason texts have tests of their own); returns it.
    std::string expect_error(std::string_view code) {
        const std::string prefix = "-ERR " + std::string(code) + " ";
        const std::string wanted = "\"" + prefix + "<reason>\\r\\n\"";
        const std::string got = line(wanted);
        if (got.rfind(prefix, 0) != 0 || got.size() == prefix.size() || got[prefix.size()] == ' ') {
            fail(wanted, "\"" + telechat::protocol::escaped(got) + "\\r\\n\"");
        }
        return got.substr(prefix.size());
    }

    /// The PING barrier: proves that every line sent before it got no
    /// reply beyond those already read, without waiting for a silence.
    void barrier() {
        const std::string token = "barrier-" + std::to_string(++m_barriers);
        send_line("PING " + token);
        const std::string wanted = "+OK PONG " + token;
        const std::string got = line("\"" + wanted + "\\r\\n\" (no other line before it)");
        if (got != wanted) {
            fail("\"" + wanted + "\\r\\n\" (no other line before it)",
                 "\"" + telechat::protocol::escaped(got) + "\\r\\n\"");
        }
    }

    /// Requires the server to close the connection next, with no line
    /// before (a reset counts as a close).
    void expect_closed() {
        std::string got;
        const Io io = next_line(got, Clock::now() + m_read_timeout);
        if (io == Io::ok) {
            fail("the connection closed by the server",
                 "\"" + telechat::protocol::escaped(got) + "\"");
        }
        if (io == Io::timeout) {
            fail("the connection closed by the server", nothing_came(io, got) + " (still open)");
        }
        if (!got.empty()) {
            fail("the connection closed by the server",
                 "the unfinished line \"" + telechat::protocol::escaped(got) + "\"");
        }
    }

    /// Whether the server has closed this connection (as seen so far).
    [[nodiscard]] bool closed() const noexcept { return m_closed; }

    /// Ends the kit's sending side (the server sees the end of the stream).
    void shutdown_write() {
        note("-- the kit ends its sending side");
        m_socket.shutdown_write();
    }
    /// Closes the connection from the kit's side.
    void close() {
        if (!m_closed_by_kit) {
            note("-- the kit closes the connection");
            m_closed_by_kit = true;
        }
        m_socket.close();
    }

    /// Adds a remark to the transcript.
    void note(const std::string& text) { m_transcript->push_back(m_label + " " + text); }

    [[nodiscard]] Milliseconds read_timeout() const noexcept { return m_read_timeout; }

private:
    std::string m_label;
    Transcript* m_transcript;
    Milliseconds m_read_timeout;
    Socket m_socket;
    std::string m_buffer;
    bool m_closed = false;
    bool m_closed_by_kit = false;
    Io m_end = Io::ok;
    int m_barriers = 0;
};

}  // namespace conform

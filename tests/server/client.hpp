// The client side of the server suite: a connection, over TCP or in
// memory, that sends bytes and reads lines, every read with a timeout.
// Subclasses: TcpClient (tcp_client_posix.hpp or tcp_client_windows.hpp,
// whichever the system has) and MemoryClient (harness.hpp).
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace server_test {

using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

/// How long a read waits before it fails the test. Generous: the suite runs
/// under sanitizers on a small shared machine; a passing run never waits it out.
/// Longer on Windows, whose tests run under wine in CI: there a thread's
/// wake-up goes through wineserver, and the short-I/O desk-actor fixture
/// (one byte a read, every piece of work handed between threads) took more
/// than 5 s for one reply with two test programs running at once.
#if defined(_WIN32)
inline constexpr Millis read_timeout{20000};
#else
inline constexpr Millis read_timeout{5000};
#endif
/// How long run() may take to return after stop() before the suite gives up.
inline constexpr Millis stop_timeout{15000};

/// The agent key every fixture's desk uses.
inline constexpr std::string_view agent_key = "k3y-for-the-server-tests";

[[nodiscard]] inline int millis_until(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 60'000));
}

/// What one read_line() got.
struct Read {
    enum class Kind { line, eof, timeout };
    Kind kind = Kind::timeout;
    std::string text;  // the line without its CRLF
};

/// A client's connection, over TCP or in memory. Bytes in, lines out.
class Client {
public:
    explicit Client(std::string label) : m_label(std::move(label)) {}
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    virtual ~Client() = default;

    /// Sends every byte, failing the test if the server does not take them in time.
    void send(std::string_view bytes) {
        INFO(m_label << ": sending " << bytes.size() << " bytes");
        REQUIRE(try_send(bytes));
    }

    /// Sends every byte; false if the connection is gone (or stays full for
    /// read_timeout) before all are sent.
    bool try_send(std::string_view bytes) {
        const Clock::time_point deadline = Clock::now() + read_timeout;
        while (!bytes.empty()) {
            std::size_t written = 0;
            if (write_some(bytes, deadline, written) != Io::ok) {
                return false;
            }
            bytes.remove_prefix(written);
        }
        return true;
    }

    /// The next line from the server (without CRLF), end of stream, or a timeout.
    /// A line that does not end with CRLF, or bytes left at end of stream, fail the test.
    Read read_line(Millis timeout = read_timeout) {
        const Clock::time_point deadline = Clock::now() + timeout;
        for (;;) {
            const std::size_t end = m_buffer.find('\n');
            if (end != std::string::npos) {
                std::string line = m_buffer.substr(0, end);
                m_buffer.erase(0, end + 1);
                INFO(m_label << ": line \"" << line << "\"");
                REQUIRE(!line.empty());
                REQUIRE(line.back() == '\r');  // the server always sends CRLF
                line.pop_back();
                REQUIRE(line.find('\r') == std::string::npos);
                m_received.push_back(line);
                return Read{Read::Kind::line, std::move(line)};
            }
            if (m_eof) {
                if (m_truncation_allowed) {
                    m_tail += m_buffer;
                    m_buffer.clear();
                }
                INFO(m_label << ": bytes left at end of stream: \"" << m_buffer << "\"");
                REQUIRE(m_buffer.empty());
                return Read{Read::Kind::eof, {}};
            }
            const Io result = read_some(m_buffer, deadline);
            if (result == Io::closed || result == Io::reset) {
                m_eof = true;
                m_reset = result == Io::reset;
            } else if (result == Io::timeout) {
                return Read{Read::Kind::timeout, {}};
            }
        }
    }

    /// The next line, which must come before the timeout.
    std::string next_line(Millis timeout = read_timeout) {
        Read read = read_line(timeout);
        INFO(m_label << ": waiting for a line; received so far:" << transcript());
        REQUIRE(read.kind != Read::Kind::timeout);
        REQUIRE(read.kind == Read::Kind::line);
        return std::move(read.text);
    }

    /// The next line must be `expected`.
    void expect_line(std::string_view expected, Millis timeout = read_timeout) {
        const std::string line = next_line(timeout);
        INFO(m_label << ": received so far:" << transcript());
        REQUIRE(line == expected);
    }

    /// The next lines must be `expected`, in order.
    void expect_lines(const std::vector<std::string>& expected) {
        for (const std::string& line : expected) {
            expect_line(line);
        }
    }

    /// The next line must be `-ERR <code>` with or without a reason.
    void expect_error(std::string_view code) {
        const std::string line = next_line();
        const std::string prefix = "-ERR " + std::string(code);
        INFO(m_label << ": expected " << prefix << ", got \"" << line << "\"");
        REQUIRE((line == prefix || line.rfind(prefix + " ", 0) == 0));
    }

    /// The server must close the connection, with no further line, before the timeout.
    void expect_eof(Millis timeout = read_timeout) {
        const Read read = read_line(timeout);
        INFO(m_label << ": waiting for end of stream; received so far:" << transcript());
        REQUIRE(read.kind != Read::Kind::timeout);
        REQUIRE(read.text.empty());
        REQUIRE(read.kind == Read::Kind::eof);
    }

    /// A round trip: nothing else may be pending before the PONG.
    void sync(std::string_view token = "sync") {
        send("PING " + std::string(token) + "\r\n");
        expect_line("+OK PONG " + std::string(token));
    }

    /// Reads the body of a multi-line reply, up to its "." line.
    std::vector<std::string> read_body() {
        std::vector<std::string> body;
        for (;;) {
            std::string line = next_line();
            if (line == ".") {
                return body;
            }
            REQUIRE(line.rfind('.', 0) != 0);  // body lines never start with '.'
            body.push_back(std::move(line));
        }
    }

    /// Closes abruptly: a reset on TCP (SO_LINGER 0), a close in memory.
    virtual void close() = 0;
    /// Closes in order: a FIN on TCP.
    virtual void hang_up() = 0;
    /// Closes only the sending side (shutdown(SHUT_WR)).
    virtual void shutdown_write() = 0;

    /// For a client the server drops with output discarded: the stream may
    /// then end in the middle of a line, which tail() returns.
    void allow_truncation() noexcept { m_truncation_allowed = true; }
    [[nodiscard]] const std::string& tail() const noexcept { return m_tail; }

    [[nodiscard]] const std::string& label() const noexcept { return m_label; }
    /// Whether the stream ended with a reset (TCP's ECONNRESET) rather than
    /// a clean end of stream.
    [[nodiscard]] bool was_reset() const noexcept { return m_reset; }
    [[nodiscard]] const std::vector<std::string>& received() const noexcept { return m_received; }

    [[nodiscard]] std::string transcript() const {
        std::string out;
        const std::size_t first = m_received.size() > 20 ? m_received.size() - 20 : 0;
        for (std::size_t i = first; i < m_received.size(); ++i) {
            out += "\n    " + m_received[i].substr(0, 120);
        }
        return out.empty() ? " (nothing)" : out;
    }

protected:
    enum class Io { ok, timeout, closed, reset };
    // Writes some of `bytes` (at least one) before `deadline`.
    virtual Io write_some(std::string_view bytes, Clock::time_point deadline,
                          std::size_t& written) = 0;
    // Appends what arrives (at least one byte) before `deadline`.
    virtual Io read_some(std::string& into, Clock::time_point deadline) = 0;

private:
    std::string m_label;
    std::string m_buffer;
    bool m_eof = false;
    bool m_reset = false;
    bool m_truncation_allowed = false;
    std::string m_tail;
    std::vector<std::string> m_received;
};

/// Per-client settings.
struct ClientOptions {
    /// TCP only: SO_RCVBUF before connecting (0: the system's), to make a
    /// client that does not read fill up quickly.
    int receive_buffer = 0;
};

}  // namespace server_test

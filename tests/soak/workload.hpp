// What soak clients say: command lines of every kind (valid, refused,
// malformed, not text, too long, blank), each with the Command its reply is
// judged by, and the personas that string them into sessions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker.hpp"
#include "messages.hpp"

namespace soak {

/// One line a client sends: its bytes, ending included, and, unless it is
/// blank (no reply), what its reply is judged by.
struct Line {
    std::string bytes;
    std::optional<Command> command;
};

/// Who a soak client plays.
enum class Persona {
    customer,  // registers, chats, now and then sends something wrong
    agent,     // registers with the key, answers, lists, reads histories, ends chats
    guesser,   // tries wrong keys, usually until the third one closes it
    junk,      // never registers: garbage, refused commands, PING, HELP
    idler,     // registers and then says nothing until the idle timeout
    burster,   // pipelines thousands of HELPs at once (only with --bursts on)
    firehose,  // keeps pipelining HELPs in runs of 100, never waiting (--bursts on)
};

/// How a soak client ends its connection when its script runs out.
enum class Finale {
    quit,            // QUIT, then read to the end
    quit_then_more,  // QUIT with more lines behind it, at once or a little later
    reset,           // SO_LINGER 0 and close: an RST
    close,           // close() without a word
    hang_up,         // shutdown(SHUT_WR), perhaps mid-line, then read to the end
    wait,            // say nothing more and wait for the server's QUIT (a timeout)
};

/// Builds the lines; every method returns one Line.
class LineMaker {
public:
    LineMaker(Rng& rng, const Limits& limits, const std::string& key, const MessageBook& book,
              std::uint64_t connection)
        : m_rng(rng), m_limits(limits), m_key(key), m_book(book), m_connection(connection) {}

    Line connect(Role role, const std::string& name, bool right_key) {
        Command command;
        command.kind = Kind::connect;
        command.role = role;
        command.name = name;
        command.key_ok = role == Role::customer || right_key;
        std::string text = spaces(0) + word("CONNECT") + spaces(1) +
                           word(role == Role::agent ? "AGENT" : "CUSTOMER") + spaces(1) + name;
        if (role == Role::agent) {
            text += spaces(1) + (right_key ? m_key : "wrong-" + std::to_string(m_rng.next() % 999));
        }
        return {text + trailing_pad() + ending(), command};
    }

    Line ping() {
        Command command;
        command.kind = Kind::ping;
        if (m_rng.chance(5)) {
            command.expected = "+OK PONG";  // no token: PING alone, or PING and spaces
            return {word("PING") + (m_rng.chance(50) ? "   " : "") + ending(), command};
        }
        // A unique token: a lost, doubled or swapped reply cannot go unnoticed.
        std::string token = "p" + std::to_string(m_connection) + "." + std::to_string(++m_pings);
        if (m_rng.chance(30)) {
            token +=
                m_rng.pick(std::vector<std::string>{" a b ", "\tx", " \xc3\xa9t\xc3\xa9", "  "});
        }
        command.expected = "+OK PONG " + token;
        return {word("PING") + spaces(1) + token + ending(), command};
    }

    /// A PING whose line is exactly at the limit: accepted, or one byte over.
    Line ping_at_limit(bool over) {
        const bool crlf = m_rng.chance(50);
        const std::size_t content =
            m_limits.max_line_bytes - (crlf ? 2 : 1) + (over ? 1 : 0);  // bytes before the ending
        std::string token = "b" + std::to_string(m_connection) + "x";
        token.append(content - 5 - token.size(), 'y');
        Command command;
        command.kind = over ? Kind::too_long : Kind::ping;
        command.expected = "+OK PONG " + token;
        return {"PING " + token + (crlf ? "\r\n" : "\n"), command};
    }

    Line help() { return simple(Kind::help, m_rng.chance(80) ? word("HELP") : "help me please"); }
    Line quit() { return simple(Kind::quit, m_rng.chance(70) ? word("QUIT") : "quit thanks, bye"); }
    Line list() { return simple(Kind::list, word("LIST") + (m_rng.chance(20) ? "  " : "")); }

    Line msg_from_customer(std::uint64_t seq) {
        Command command;
        command.kind = Kind::msg;
        return {word("MSG") + " " + m_book.text(m_connection, seq) + ending(), command};
    }

    Line msg_from_agent(const std::string& customer, std::uint64_t seq) {
        Command command;
        command.kind = Kind::msg;
        command.name = customer;
        return {
            word("MSG") + spaces(1) + customer + " " + m_book.text(m_connection, seq) + ending(),
            command};
    }

    Line hist(const std::string& name) {
        Command command;
        command.kind = Kind::hist;
        command.name = name;
        std::string text = word("HIST") + spaces(1) + name;
        const unsigned form = static_cast<unsigned>(m_rng.next() % 4);
        if (form == 1) {
            command.count = m_rng.between(1, 20);
            text += spaces(1) + (m_rng.chance(20) ? "00" : "") + std::to_string(*command.count);
        } else if (form == 2) {
            text += " 99999999999999999999999999";  // too large to represent: all
        }
        return {text + trailing_pad() + ending(), command};
    }

    Line end(const std::string& customer) {
        Command command;
        command.kind = Kind::end;
        command.name = customer;
        return {word("END") + spaces(1) + customer + trailing_pad() + ending(), command};
    }

    Line bad_text() {
        static const std::vector<std::string> samples = {
            "MSG caf\xc3",  "PING \xc0\x80", "\xed\xa0\x80", "HELP \xf4\x90\x80\x80",
            "MSG \xc2\x85", "MSG a\x7f",     "PING a\rb",    std::string("PING \0x", 7),
            "\x1b[31mred",  "\xff\xfe",      "   \x01",      "LIST \xe0\x80\xaf"};
        return simple(Kind::bad_text, m_rng.pick(samples));
    }

    Line bad_command() {
        static const std::vector<std::string> samples = {
            "FOO",     "MSG\thi",       "\t\t",   "PINGPONG", "CONNECTX customer a",
            "Q",       "  HELLO world", "-ERR x", "+OK",      ".",
            "list\tx", "QUIT\tnow"};
        return simple(Kind::bad_command, m_rng.pick(samples));
    }

    /// A line well past the limit: its reply is TOO_LONG, whatever it holds.
    Line too_long() {
        const std::size_t length =
            m_rng.between(m_limits.max_line_bytes, 3 * m_limits.max_line_bytes);
        std::string text = "MSG ";
        while (text.size() < length) {
            text += static_cast<char>('a' + m_rng.next() % 26);
            if (m_rng.chance(10)) {
                text += ' ';
            }
        }
        return simple(Kind::too_long, text);
    }

    /// Empty, or spaces only: ignored, no reply.
    Line blank() { return {std::string(m_rng.between(0, 3), ' ') + ending(), std::nullopt}; }

    /// A known command with arguments it refuses.
    Line malformed() {
        struct Sample {
            const char* text;
            Kind base;
            const char* code;
        };
        static const Sample samples[] = {
            {"CONNECT", Kind::connect, "BAD_ARGS"},
            {"CONNECT CUSTOMER", Kind::connect, "BAD_ARGS"},
            {"CONNECT BOSS x", Kind::connect, "BAD_ARGS"},
            {"CONNECT AGENT x", Kind::connect, "BAD_ARGS"},
            {"CONNECT CUSTOMER a b", Kind::connect, "BAD_ARGS"},
            {"CONNECT CUSTOMER -bad", Kind::connect, "BAD_NAME"},
            {"CONNECT CUSTOMER abcdefghijklmnopqrstuvwxyz0123456", Kind::connect, "BAD_NAME"},
            {"LIST x", Kind::list, "BAD_ARGS"},
            {"HIST", Kind::hist, "BAD_ARGS"},
            {"HIST a 0", Kind::hist, "BAD_ARGS"},
            {"HIST a +2", Kind::hist, "BAD_ARGS"},
            {"HIST a 1 2", Kind::hist, "BAD_ARGS"},
            {"END", Kind::end, "BAD_ARGS"},
            {"END a b", Kind::end, "BAD_ARGS"},
            {"MSG", Kind::msg, "BAD_ARGS"},
            {"MSG ", Kind::msg, "BAD_ARGS"},
        };
        const Sample& sample = samples[m_rng.next() % std::size(samples)];
        Command command;
        command.kind = Kind::usage;
        command.base = sample.base;
        command.expected = sample.code;
        return {std::string(sample.text) + ending(), command};
    }

    /// A registered user's command that its role may not send, or a second CONNECT.
    Line refused_by_role() {
        switch (m_rng.next() % 4) {
            case 0:
                return list();
            case 1:
                return hist("c1");
            case 2:
                return end("c1");
            default:
                return connect(Role::customer, "c1", true);
        }
    }

    /// Lines a client sends after its QUIT: they must get no reply.
    std::string after_quit() {
        std::string bytes;
        const std::size_t count = m_rng.between(1, 8);
        for (std::size_t i = 0; i < count; ++i) {
            bytes += m_rng.chance(50) ? "PING late" + ending() : "HELP" + ending();
        }
        return bytes;
    }

    /// The start of a line, never finished (the client then hangs up or resets).
    std::string unfinished() {
        return m_rng.chance(50) ? "PING never-end" : "MSG half a thought \xc3";
    }

private:
    Line simple(Kind kind, std::string text) {
        Command command;
        command.kind = kind;
        return {std::move(text) + ending(), command};
    }

    // Keywords are case-insensitive: now and then send them in lower or mixed case.
    std::string word(const std::string& keyword) {
        std::string out = keyword;
        const unsigned style = static_cast<unsigned>(m_rng.next() % 10);
        for (std::size_t i = 0; i < out.size(); ++i) {
            if (style == 0 || (style == 1 && i % 2 == 1)) {
                out[i] = static_cast<char>(out[i] - 'A' + 'a');
            }
        }
        return out;
    }

    // A separator: at least `least` spaces, sometimes a run of them.
    std::string spaces(std::size_t least) {
        return std::string(least + (m_rng.chance(15) ? m_rng.between(1, 3) : 0), ' ');
    }

    std::string trailing_pad() { return m_rng.chance(10) ? "  " : ""; }
    std::string ending() { return m_rng.chance(30) ? "\r\n" : "\n"; }

    Rng& m_rng;
    const Limits& m_limits;
    const std::string& m_key;
    const MessageBook& m_book;
    std::uint64_t m_connection;
    std::uint64_t m_pings = 0;
};

/// A name from the shared pool, so that names collide (NAME_TAKEN, in any
/// case) and come back after their owners leave (histories continue).
inline std::string pool_name(Rng& rng, Role role, std::size_t pool) {
    std::string name = (role == Role::agent ? "a" : "c") + std::to_string(rng.between(0, pool - 1));
    if (rng.chance(10)) {
        name[0] = static_cast<char>(name[0] - 'a' + 'A');
    }
    return name;
}

/// A persona's session, one step at a time: each step is a batch of lines,
/// pipelined (sent without waiting for replies), chosen from what the
/// client knows so far of its own session.
class Script {
public:
    Script(Persona persona, Rng& rng, LineMaker& maker, std::size_t pool)
        : m_persona(persona), m_rng(rng), m_maker(maker), m_pool(pool) {}

    [[nodiscard]] Persona persona() const { return m_persona; }

    /// Whether the script has nothing more to say and waits for the server
    /// to close (the idler, the guesser after its last wrong key).
    [[nodiscard]] bool silent() const { return m_silent; }

    /// Whether the script's lines already make the server close (the third
    /// wrong key): lines sent after them must get no reply.
    [[nodiscard]] bool closed_by_its_lines() const { return m_closed_by_its_lines; }

    /// The lines of the next step.
    std::vector<Line> next(const Checker& view) {
        switch (m_persona) {
            case Persona::customer:
                return customer(view);
            case Persona::agent:
                return agent(view);
            case Persona::guesser:
                return guesser();
            case Persona::junk:
                return junk();
            case Persona::idler:
                return idler();
            case Persona::burster:
                return burster();
            case Persona::firehose:
                return firehose(view);
        }
        return {};
    }

private:
    // Mostly one line; often a few; now and then a long pipelined run.
    std::size_t batch_size() {
        const std::uint64_t roll = m_rng.next() % 100;
        return roll < 60 ? 1 : roll < 90 ? m_rng.between(2, 6) : m_rng.between(7, 40);
    }

    // CONNECT, unless one is on its way; then a few lines pipelined behind it.
    bool registering(const Checker& view, Role role, std::vector<Line>& lines) {
        if (view.role() != Role::none) {
            return false;
        }
        if (!view.connect_pending()) {
            lines.push_back(m_maker.connect(role, pool_name(m_rng, role, m_pool), true));
        }
        return !m_rng.chance(50);  // half the time, more lines ride behind it
    }

    std::vector<Line> customer(const Checker& view) {
        std::vector<Line> lines;
        if (registering(view, Role::customer, lines)) {
            return lines;
        }
        for (std::size_t i = batch_size(); i > 0; --i) {
            const std::uint64_t roll = m_rng.next() % 100;
            lines.push_back(roll < 55   ? m_maker.msg_from_customer(++m_seq)
                            : roll < 68 ? m_maker.ping()
                            : roll < 72 ? m_maker.help()
                            : roll < 88 ? noise()
                                        : m_maker.refused_by_role());
        }
        return lines;
    }

    std::vector<Line> agent(const Checker& view) {
        std::vector<Line> lines;
        if (registering(view, Role::agent, lines)) {
            return lines;
        }
        const std::vector<std::string>& mine = view.customers();
        for (std::size_t i = batch_size(); i > 0; --i) {
            const std::uint64_t roll = m_rng.next() % 100;
            const bool has = !mine.empty();
            if (has && roll < 45) {
                lines.push_back(m_maker.msg_from_agent(m_rng.pick(mine), ++m_seq));
            } else if (has && roll < 48) {
                lines.push_back(m_maker.end(m_rng.pick(mine)));
            } else if (roll < 56) {
                lines.push_back(m_maker.list());
            } else if (roll < 64) {
                lines.push_back(m_maker.hist(any_name()));
            } else if (roll < 76) {
                lines.push_back(m_maker.ping());
            } else if (roll < 80) {
                lines.push_back(m_maker.msg_from_agent(any_name(), ++m_seq));
            } else if (roll < 83) {
                lines.push_back(m_maker.end(any_name()));
            } else {
                lines.push_back(noise());
            }
        }
        return lines;
    }

    // Wrong keys, pipelined with other lines; usually three, which closes
    // the connection (lines behind the third must get no reply); otherwise
    // one or two and then the right key.
    std::vector<Line> guesser() {
        std::vector<Line> lines;
        const std::size_t failures = m_rng.chance(70) ? 3 : m_rng.between(1, 2);
        const std::string name = pool_name(m_rng, Role::agent, m_pool);
        for (std::size_t i = 0; i < failures; ++i) {
            lines.push_back(m_maker.connect(Role::agent, name, false));
            if (m_rng.chance(40)) {
                lines.push_back(m_maker.ping());
            }
        }
        if (failures < 3) {
            lines.push_back(m_maker.connect(Role::agent, name, true));
            m_persona = Persona::agent;
            return lines;
        }
        for (std::size_t i = m_rng.between(0, 5); i > 0; --i) {
            lines.push_back(m_rng.chance(50) ? m_maker.ping() : m_maker.help());
        }
        m_silent = true;
        m_closed_by_its_lines = true;
        return lines;
    }

    std::vector<Line> junk() {
        std::vector<Line> lines;
        for (std::size_t i = batch_size(); i > 0; --i) {
            const std::uint64_t roll = m_rng.next() % 100;
            lines.push_back(roll < 50   ? noise()
                            : roll < 65 ? m_maker.ping()
                            : roll < 70 ? m_maker.help()
                            : roll < 80 ? m_maker.msg_from_customer(++m_seq)
                                        : m_maker.refused_by_role());
        }
        return lines;
    }

    std::vector<Line> idler() {
        const Role role = m_rng.chance(80) ? Role::customer : Role::agent;
        m_silent = true;
        return {m_maker.connect(role, pool_name(m_rng, role, m_pool), true)};
    }

    // Thousands of commands in one write, from a client that reads all the
    // time: the spec says a client that reads is never dropped.
    std::vector<Line> burster() {
        std::vector<Line> lines;
        lines.push_back(
            m_maker.connect(Role::customer, pool_name(m_rng, Role::customer, m_pool), true));
        for (std::size_t i = 3000; i > 0; --i) {
            lines.push_back(m_maker.help());
        }
        m_persona = Persona::customer;
        return lines;
    }

    // Runs of 100 HELPs (500 bytes in, 48 KB of replies out) as fast as
    // the steps come, reading all the time, up to 3000 unanswered: a server
    // that writes between reads never holds 1 MiB for it; one that lets a
    // big read's replies pile up unwritten does.
    std::vector<Line> firehose(const Checker& view) {
        std::vector<Line> lines;
        if (registering(view, Role::customer, lines) || view.pending() > 3000) {
            return lines;
        }
        for (std::size_t i = 100; i > 0; --i) {
            lines.push_back(m_maker.help());
        }
        return lines;
    }

    // Something wrong or odd, but legal to send: the server answers it.
    Line noise() {
        switch (m_rng.next() % 7) {
            case 0:
                return m_maker.bad_text();
            case 1:
                return m_maker.bad_command();
            case 2:
                return m_maker.too_long();
            case 3:
                return m_maker.ping_at_limit(m_rng.chance(50));
            case 4:
                return m_maker.blank();
            default:
                return m_maker.malformed();
        }
    }

    std::string any_name() {
        return pool_name(m_rng, m_rng.chance(80) ? Role::customer : Role::agent, m_pool);
    }

    Persona m_persona;
    Rng& m_rng;
    LineMaker& m_maker;
    std::size_t m_pool;
    std::uint64_t m_seq = 0;
    bool m_silent = false;
    bool m_closed_by_its_lines = false;
};

}  // namespace soak

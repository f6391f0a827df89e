// The rules of docs/protocol.md, checked on one connection from the client's
// side, with no sockets: the driver tells the checker each command line it
// queued (with what it expects), the bytes it received and how the
// connection ended, and the checker lists every rule that broke.
//
// The checker keeps the client's view of its session: its role and name,
// a customer's agent, an agent's customers. That view is exact, not a
// guess, because a connection's replies and pushes come in the order the
// server handled its events: when the reply to a command arrives, every
// push that came before it was sent before that command was handled. So a
// reply can be judged against the state it was given in (LIST must show the
// agent with exactly the customers its pushes gave it, MSG to a customer is
// `+OK` exactly when that customer is the agent's now).
//
// What it checks:
//   - every command line gets exactly one reply, in order, of the right kind
//     (a PING's reply names its unique token, so a lost, doubled or swapped
//     reply shows at once); multi-line replies have the body their header
//     counts, ended by `.`; pushes are well-formed and fit the role;
//   - nothing follows the reply to QUIT or a QUIT push;
//   - every close the client did not cause comes after a QUIT push (or the
//     reply to its QUIT, or the SERVER_FULL refusal), at a line boundary;
//     a reset instead of an end of stream is noted (resets()).
#pragma once

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages.hpp"

namespace soak {

enum class Role { none, customer, agent };

/// What a command line is, as far as its reply is concerned.
enum class Kind {
    connect,
    msg,
    list,
    hist,
    end,
    quit,
    ping,
    help,
    bad_text,     // not UTF-8 text, or a control character
    bad_command,  // an unknown first word
    too_long,     // past the line limit
    usage,        // a known command with bad arguments: `base` says which
};

/// One complete command line the client sent, and what decides its reply.
struct Command {
    Kind kind = Kind::ping;
    Kind base = Kind::ping;              // for `usage`: whose permission rule applies
    Role role = Role::none;              // CONNECT: the role asked for
    bool key_ok = true;                  // CONNECT AGENT: whether the key is right
    std::string name;                    // CONNECT: the name; MSG, HIST, END: the target
    std::string expected;                // PING: the exact reply; usage: the error code
    std::optional<std::uint64_t> count;  // HIST
};

/// The server's settings the rules depend on.
struct Limits {
    std::size_t max_line_bytes = 1024;
    std::size_t agent_capacity = 3;
    std::size_t history_limit = 1000;
    std::size_t max_auth_failures = 3;
};

/// How a connection ended.
enum class Ending { server_eof, server_reset, client_reset, client_closed };

class Checker {
public:
    Checker(const Limits& limits, const MessageBook& book) : m_limits(limits), m_book(book) {}

    // ----- what the driver tells the checker --------------------------------------------

    /// The client queued a complete command line that must get one reply.
    void expect(Command command) {
        ++m_commands;
        m_pending.push_back(std::move(command));
    }

    /// The client shut down its sending side: the server may now close
    /// without a QUIT, and may drop replies it could not write yet.
    void client_hung_up() { m_hung_up = true; }

    /// Bytes arrived from the server.
    void received(std::string_view bytes) {
        m_partial.append(bytes);
        std::size_t start = 0;
        for (std::size_t end; (end = m_partial.find('\n', start)) != std::string::npos;
             start = end + 1) {
            std::string_view line(m_partial.data() + start, end - start);
            if (line.empty() || line.back() != '\r') {
                violation("a line not ended by CRLF: '" + std::string(line) + "'");
            } else {
                line.remove_suffix(1);
            }
            on_line(line);
        }
        m_partial.erase(0, start);
    }

    /// The connection is over. `how` says who ended it and how.
    void ended(Ending how) {
        m_ending = how;
        if (how == Ending::client_reset || how == Ending::client_closed) {
            return;  // the client cut its own connection: nothing more is owed
        }
        if (how == Ending::server_reset) {
            ++m_resets;
        }
        const char* what = how == Ending::server_eof ? "end of stream" : "reset";
        if (!m_partial.empty()) {
            violation(std::string(what) + " inside a line: '" + m_partial + "'");
        }
        if (m_body != Body::none) {
            violation(std::string(what) + " inside a multi-line reply");
        }
        if (m_expect_quit_push) {
            violation(std::string(what) +
                      " where a QUIT push was due (after the last AUTH_FAILED)");
        } else if (!closed_with_notice()) {
            violation(std::string("the server closed the connection (") + what +
                      ") without a QUIT push" + describe_pending());
        }
    }

    // ----- what the driver and the workload read back -------------------------------------

    [[nodiscard]] Role role() const { return m_role; }
    [[nodiscard]] const std::string& name() const { return m_name; }
    [[nodiscard]] const std::vector<std::string>& customers() const { return m_customers; }
    [[nodiscard]] bool chatting() const { return !m_agent.empty(); }
    [[nodiscard]] std::size_t pending() const { return m_pending.size(); }
    [[nodiscard]] bool connect_pending() const {
        return std::any_of(m_pending.begin(), m_pending.end(),
                           [](const Command& c) { return c.kind == Kind::connect; });
    }
    /// The server said it is closing (QUIT push, reply to QUIT, refusal).
    [[nodiscard]] bool closing() const { return closed_with_notice() || m_expect_quit_push; }
    [[nodiscard]] bool saw_quit_push() const { return m_quit_push; }
    [[nodiscard]] bool refused() const { return m_refused; }
    [[nodiscard]] const std::vector<std::string>& violations() const { return m_violations; }

    [[nodiscard]] std::uint64_t commands() const { return m_commands; }
    [[nodiscard]] std::uint64_t replies() const { return m_replies; }
    [[nodiscard]] std::uint64_t quit_pushes() const { return m_quit_push ? 1 : 0; }
    [[nodiscard]] std::uint64_t relayed() const { return m_relayed; }
    [[nodiscard]] std::uint64_t resets() const { return m_resets; }
    /// Replies the server still owed when the client hung up (allowed).
    [[nodiscard]] std::uint64_t unanswered_after_hang_up() const {
        return m_hung_up && m_ending == Ending::server_eof && !closed_with_notice()
                   ? m_pending.size()
                   : 0;
    }

private:
    enum class Body { none, list, hist, help };

    // ----- one line from the server ---------------------------------------------------------

    void on_line(std::string_view line) {
        ++m_lines;
        if (!m_after_last.empty()) {
            violation("a line after " + m_after_last + ": '" + std::string(line) + "'");
            return;
        }
        if (m_body != Body::none) {
            return body_line(line);
        }
        if (m_lines == 1 && line == "-ERR SERVER_FULL the server is full, try again later") {
            m_refused = true;
            m_after_last = "the SERVER_FULL refusal";
            return;
        }
        if (m_expect_quit_push && line != "QUIT too many failed attempts") {
            violation("expected 'QUIT too many failed attempts' after the last AUTH_FAILED, got '" +
                      std::string(line) + "'");
            m_expect_quit_push = false;
        }
        if (!line.empty() && (line[0] == '+' || line[0] == '-')) {
            return reply(line);
        }
        push(line);
    }

    void reply(std::string_view line) {
        if (m_pending.empty()) {
            return violation("a reply with no command waiting for one: '" + std::string(line) +
                             "'");
        }
        const Command command = std::move(m_pending.front());
        m_pending.pop_front();
        ++m_replies;
        const std::string problem = judge(command, line);
        if (!problem.empty()) {
            violation("reply '" + std::string(line) + "' to " + describe(command) + ": " + problem);
        }
    }

    // ----- judging a reply --------------------------------------------------------------

    // The refusal a command gets in the client's state, checked before its
    // arguments (the spec's table of who may send what), if any.
    [[nodiscard]] std::optional<std::string> refusal_for(const Command& command) const {
        const Kind kind = command.kind == Kind::usage ? command.base : command.kind;
        switch (kind) {
            case Kind::connect:
                if (m_role != Role::none) {
                    return "-ERR ALREADY_CONNECTED this connection is registered already";
                }
                return std::nullopt;
            case Kind::msg:
            case Kind::list:
            case Kind::hist:
            case Kind::end:
                if (m_role == Role::none) {
                    return "-ERR NOT_CONNECTED CONNECT first";
                }
                if (kind != Kind::msg && m_role == Role::customer) {
                    return "-ERR FORBIDDEN only agents may do that";
                }
                return std::nullopt;
            default:
                return std::nullopt;
        }
    }

    std::string judge(const Command& command, std::string_view line) {
        if (const auto refusal = refusal_for(command)) {
            return line == *refusal ? std::string{} : "expected '" + *refusal + "'";
        }
        switch (command.kind) {
            case Kind::connect:
                return judge_connect(command, line);
            case Kind::msg:
                return judge_msg(command, line);
            case Kind::list:
                return start_body(line, " users", Body::list, std::nullopt);
            case Kind::hist:
                if (line == "-ERR NO_SUCH_USER no history is kept for that name") {
                    return {};
                }
                return start_body(line, " messages", Body::hist,
                                  std::min<std::uint64_t>(command.count.value_or(UINT64_MAX),
                                                          m_limits.history_limit));
            case Kind::end:
                return judge_end(command, line);
            case Kind::quit:
                if (line == "+OK bye") {
                    m_after_last = "the reply to QUIT";
                    return {};
                }
                return "expected '+OK bye'";
            case Kind::ping:
                return line == command.expected ? std::string{}
                                                : "expected '" + command.expected + "'";
            case Kind::help:
                if (line == "+OK 8 commands") {
                    m_body = Body::help;
                    m_body_left = help_lines().size();
                    return {};
                }
                return "expected '+OK 8 commands'";
            case Kind::bad_text:
                return exactly(line,
                               "-ERR BAD_TEXT lines must be UTF-8 text without control characters");
            case Kind::bad_command:
                return exactly(line, "-ERR BAD_COMMAND unknown command; try HELP");
            case Kind::too_long:
                return exactly(line, "-ERR TOO_LONG lines are limited to " +
                                         std::to_string(m_limits.max_line_bytes) +
                                         " bytes, line ending included");
            case Kind::usage:
                return line.substr(0, 6 + command.expected.size()) ==
                               "-ERR " + command.expected + " "
                           ? std::string{}
                           : "expected '-ERR " + command.expected + " ...'";
        }
        return "unknown command kind";
    }

    static std::string exactly(std::string_view line, const std::string& expected) {
        return line == expected ? std::string{} : "expected '" + expected + "'";
    }

    std::string judge_connect(const Command& command, std::string_view line) {
        if (command.role == Role::agent && !command.key_ok) {
            if (line != "-ERR AUTH_FAILED wrong agent key") {
                return "expected AUTH_FAILED for a wrong key";
            }
            if (++m_auth_failures >= m_limits.max_auth_failures) {
                m_expect_quit_push = true;
            }
            return {};
        }
        if (line == "+OK welcome " + command.name) {
            m_role = command.role;
            m_name = command.name;
            return {};
        }
        return exactly(line, "-ERR NAME_TAKEN that name is in use");
    }

    std::string judge_msg(const Command& command, std::string_view line) {
        if (m_role == Role::customer) {
            if (line == "+OK message received") {
                return {};
            }
            if (!chatting() &&
                line == "-ERR SERVER_FULL too many messages while waiting; wait for an agent") {
                return {};
            }
            return "expected '+OK message received'";
        }
        return judge_own_customer(command, line, "+OK message received");
    }

    std::string judge_end(const Command& command, std::string_view line) {
        const std::string problem = judge_own_customer(command, line, "+OK");
        if (problem.empty() && line == "+OK") {
            m_customers.erase(find_customer(command.name));  // END brings no LEFT
        }
        return problem;
    }

    // An agent's MSG or END to `command.name`: `ok` exactly when that user is
    // one of its customers now (names compare ignoring case).
    std::string judge_own_customer(const Command& command, std::string_view line,
                                   std::string_view ok) {
        const bool mine = find_customer(command.name) != m_customers.end();
        if (line == ok) {
            return mine ? std::string{} : "'" + command.name + "' is not a customer of this agent";
        }
        if (line == "-ERR NO_SUCH_USER nobody of that name is connected" ||
            line == "-ERR NOT_ASSIGNED that user is not your customer") {
            return mine ? "'" + command.name + "' is a customer of this agent" : std::string{};
        }
        return "expected '" + std::string(ok) + "', NO_SUCH_USER or NOT_ASSIGNED";
    }

    // ----- multi-line replies -----------------------------------------------------------------

    std::string start_body(std::string_view line, std::string_view noun, Body body,
                           std::optional<std::uint64_t> at_most) {
        const std::optional<std::uint64_t> count = header_count(line, noun);
        if (!count) {
            return "expected '+OK <n>" + std::string(noun) + "'";
        }
        if (at_most && *count > *at_most) {
            return "more records than asked for or kept";
        }
        m_body = body;
        m_body_left = *count;
        m_body_lines.clear();
        return {};
    }

    static std::optional<std::uint64_t> header_count(std::string_view line, std::string_view noun) {
        if (line.substr(0, 4) != "+OK " || line.size() <= 4 + noun.size() ||
            line.substr(line.size() - noun.size()) != noun) {
            return std::nullopt;
        }
        const std::string_view digits = line.substr(4, line.size() - 4 - noun.size());
        if (!all_digits(digits) || (digits.size() > 1 && digits[0] == '0')) {
            return std::nullopt;
        }
        std::uint64_t value = 0;
        const auto [end, error] =
            std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (error != std::errc{} || end != digits.data() + digits.size()) {
            return std::nullopt;
        }
        return value;
    }

    void body_line(std::string_view line) {
        if (m_body_left == 0) {
            if (line != ".") {
                violation("a multi-line reply longer than its header says: '" + std::string(line) +
                          "'");
                return;  // still in the body: the next '.' may end it
            }
            if (m_body == Body::list) {
                check_list();
            }
            m_body = Body::none;
            return;
        }
        if (line == ".") {
            violation("a multi-line reply " + std::to_string(m_body_left) +
                      " lines shorter than its header says");
            m_body = Body::none;
            return;
        }
        const std::size_t index = body_index();
        --m_body_left;
        if (m_body == Body::help) {
            if (line != help_lines()[index]) {
                violation("HELP line " + std::to_string(index + 1) + " is '" + std::string(line) +
                          "'");
            }
        } else if (m_body == Body::hist) {
            if (!is_record(line)) {
                violation("a malformed HIST record: '" + std::string(line) + "'");
            }
        } else {
            m_body_lines.emplace_back(line);
        }
    }

    [[nodiscard]] std::size_t body_index() const {
        return m_body == Body::help ? help_lines().size() - m_body_left : 0;
    }

    // The agent's own LIST line shows its load, and the customers LIST
    // shows chatting with it are exactly those its pushes gave it.
    void check_list() {
        std::size_t mine = 0;
        bool saw_self = false;
        for (const std::string& line : m_body_lines) {
            const std::vector<std::string_view> words = split(line);
            const bool agent_line = words.size() == 3 && words[1] == "AGENT";
            const bool customer_line = words.size() == 4 && words[1] == "CUSTOMER" &&
                                       (words[2] == "WAITING" || words[2] == "CHATTING");
            if (!(agent_line || customer_line) || !is_name(words[0])) {
                violation("a malformed LIST line: '" + line + "'");
                continue;
            }
            if (agent_line && words[0] == m_name) {
                saw_self = true;
                const std::string load = std::to_string(m_customers.size()) + "/" +
                                         std::to_string(m_limits.agent_capacity);
                if (words[2] != load) {
                    violation("LIST shows this agent as " + std::string(words[2]) + ", not " +
                              load);
                }
            }
            if (customer_line && words[2] == "CHATTING" && words[3] == m_name) {
                ++mine;
                if (find_customer(words[0]) == m_customers.end()) {
                    violation("LIST shows '" + std::string(words[0]) +
                              "' chatting with this agent, which was never told so");
                }
            }
        }
        if (!saw_self) {
            violation("LIST does not show the agent asking");
        }
        if (mine != m_customers.size()) {
            violation("LIST shows " + std::to_string(mine) +
                      " customers chatting with this agent, " + "its pushes gave it " +
                      std::to_string(m_customers.size()));
        }
    }

    // ----- pushes ---------------------------------------------------------------------------

    void push(std::string_view line) {
        const std::size_t space = line.find(' ');
        const std::string_view word = line.substr(0, space);
        const std::string_view rest =
            space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
        if (word == "QUIT" && !rest.empty()) {
            return quit_push(rest);
        }
        if (m_role == Role::none) {
            return violation("a push to an unregistered connection: '" + std::string(line) + "'");
        }
        if (word == "MSG") {
            return msg_push(rest);
        }
        if (word == "ASSIGNED" && is_name(rest)) {
            return assigned_push(std::string(rest));
        }
        if (word == "QUEUED" && m_role == Role::customer && all_digits(rest) && !rest.empty() &&
            rest[0] != '0') {
            m_agent.clear();  // waiting (again): its agent left
            return;
        }
        if (word == "LEFT" && m_role == Role::agent) {
            const auto found = find_customer(rest);
            if (found == m_customers.end()) {
                return violation("LEFT for '" + std::string(rest) + "', not a customer");
            }
            m_customers.erase(found);
            return;
        }
        violation("an unknown or misplaced push: '" + std::string(line) + "'");
    }

    void quit_push(std::string_view reason) {
        m_quit_push = true;
        m_after_last = "a QUIT push";
        const bool known = reason == "server shutting down" ||
                           (reason == "too many failed attempts" && m_expect_quit_push) ||
                           (reason == "registration timeout" && m_role == Role::none) ||
                           (reason == "idle timeout" && m_role != Role::none) ||
                           (m_role == Role::customer && !m_agent.empty() &&
                            reason == "conversation ended by " + m_agent);
        m_expect_quit_push = false;
        if (!known) {
            violation("QUIT push '" + std::string(reason) + "' does not fit this connection");
        }
    }

    void msg_push(std::string_view rest) {
        const std::size_t space = rest.find(' ');
        if (space == std::string_view::npos) {
            return violation("a MSG push without text");
        }
        const std::string_view from = rest.substr(0, space);
        const std::string_view text = rest.substr(space + 1);
        const bool expected_sender =
            m_role == Role::customer ? from == m_agent : find_customer(from) != m_customers.end();
        if (!expected_sender) {
            violation("MSG from '" + std::string(from) + "', who is not " +
                      (m_role == Role::customer ? "this customer's agent" : "a customer"));
        }
        std::uint64_t sender = 0;
        std::uint64_t seq = 0;
        const std::string problem = m_book.check(from, text, sender, seq);
        if (!problem.empty()) {
            return violation("MSG from '" + std::string(from) + "': " + problem);
        }
        auto& last = m_last_seq[sender];
        if (seq < last) {
            violation("MSG " + std::to_string(seq) + " from connection " + std::to_string(sender) +
                      " arrived after its message " + std::to_string(last));
        }
        last = seq + 1;
        ++m_relayed;
    }

    void assigned_push(std::string name) {
        if (m_role == Role::customer) {
            m_agent = std::move(name);
            return;
        }
        if (find_customer(name) != m_customers.end()) {
            return violation("ASSIGNED '" + name + "' twice");
        }
        if (m_customers.size() >= m_limits.agent_capacity) {
            violation("ASSIGNED '" + name + "' past the agent's capacity");
        }
        m_customers.push_back(std::move(name));
    }

    // ----- helpers ------------------------------------------------------------------------

    [[nodiscard]] bool closed_with_notice() const {
        return m_quit_push || m_refused || m_hung_up || m_after_last == "the reply to QUIT";
    }

    std::vector<std::string>::iterator find_customer(std::string_view name) {
        return std::find_if(m_customers.begin(), m_customers.end(),
                            [&](const std::string& c) { return same_name(c, name); });
    }

    static bool same_name(std::string_view a, std::string_view b) {
        return a.size() == b.size() &&
               std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
                   return std::tolower(static_cast<unsigned char>(x)) ==
                          std::tolower(static_cast<unsigned char>(y));
               });
    }

    static bool all_digits(std::string_view text) {
        return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    }

    static bool is_name(std::string_view text) {
        const auto allowed = [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' ||
                   c == '-';
        };
        return !text.empty() && text.size() <= 32 &&
               std::isalnum(static_cast<unsigned char>(text[0])) != 0 &&
               std::all_of(text.begin(), text.end(), allowed);
    }

    // `<unix-ms> <from> <to> <text>`, `<to>` a name or `*`.
    static bool is_record(std::string_view line) {
        std::vector<std::string_view> words;
        for (int i = 0; i < 3; ++i) {
            const std::size_t space = line.find(' ');
            if (space == std::string_view::npos) {
                return false;
            }
            words.push_back(line.substr(0, space));
            line.remove_prefix(space + 1);
        }
        return !words[0].empty() && all_digits(words[0]) && is_name(words[1]) &&
               (words[2] == "*" || is_name(words[2])) && !line.empty();
    }

    static std::vector<std::string_view> split(std::string_view line) {
        std::vector<std::string_view> words;
        for (std::size_t space; (space = line.find(' ')) != std::string_view::npos;) {
            words.push_back(line.substr(0, space));
            line.remove_prefix(space + 1);
        }
        words.push_back(line);
        return words;
    }

    static const std::vector<std::string>& help_lines() {
        static const std::vector<std::string> lines = {
            "CONNECT CUSTOMER <name> | CONNECT AGENT <name> <key> - anyone not registered yet",
            "MSG <text> (customer) | MSG <customer> <text> (agent) - registered users",
            "LIST - agents: who is connected",
            "HIST <name> [<count>] - agents: the latest messages sent by or to <name>",
            "END <customer> - agents: end the conversation with <customer>",
            "QUIT [<reason>] - anyone: close the connection",
            "PING [<token>] - anyone: the server answers PONG <token>",
            "HELP - anyone: this summary"};
        return lines;
    }

    static std::string describe(const Command& command) {
        static const char* const names[] = {"CONNECT",
                                            "MSG",
                                            "LIST",
                                            "HIST",
                                            "END",
                                            "QUIT",
                                            "PING",
                                            "HELP",
                                            "a line of bad text",
                                            "an unknown command",
                                            "a too-long line",
                                            "a malformed command"};
        std::string out = names[static_cast<int>(command.kind)];
        if (!command.name.empty()) {
            out += " " + command.name;
        }
        return out;
    }

    [[nodiscard]] std::string describe_pending() const {
        if (m_pending.empty()) {
            return "";
        }
        return "; " + std::to_string(m_pending.size()) + " command(s) unanswered, the first " +
               describe(m_pending.front());
    }

    void violation(std::string what) { m_violations.push_back(std::move(what)); }

    const Limits& m_limits;
    const MessageBook& m_book;

    std::deque<Command> m_pending;
    std::string m_partial;
    std::vector<std::string> m_violations;

    Role m_role = Role::none;
    std::string m_name;
    std::string m_agent;                   // a customer's agent; empty while waiting
    std::vector<std::string> m_customers;  // an agent's customers
    std::size_t m_auth_failures = 0;
    bool m_expect_quit_push = false;
    bool m_quit_push = false;
    bool m_refused = false;
    bool m_hung_up = false;
    std::string m_after_last;  // what must be the last line, once it came
    std::optional<Ending> m_ending;

    Body m_body = Body::none;
    std::uint64_t m_body_left = 0;
    std::vector<std::string> m_body_lines;  // LIST's, checked at its end
    std::map<std::uint64_t, std::uint64_t> m_last_seq;

    std::uint64_t m_lines = 0;
    std::uint64_t m_commands = 0;
    std::uint64_t m_replies = 0;
    std::uint64_t m_relayed = 0;
    std::uint64_t m_resets = 0;
};

}  // namespace soak

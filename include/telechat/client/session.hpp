/// @file
/// @brief telechat::client::Session, the client side of 3MCP without I/O: it
///        writes requests, reads the server's lines into replies and pushes,
///        and keeps track of who the user is talking to.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "../protocol/command.hpp"
#include "../protocol/error_code.hpp"
#include "../queue.hpp"

/// @brief The client side of 3MCP: telechat::client::Session and the
///        slash commands of telechat-client.
namespace telechat::client {

/// @brief What the client asked for: it says how the reply must be read.
enum class Request {
    connect,  ///< `CONNECT CUSTOMER|AGENT ...`
    msg,      ///< `MSG ...`
    list,     ///< `LIST` (multi-line reply)
    hist,     ///< `HIST ...` (multi-line reply)
    end,      ///< `END <customer>`
    quit,     ///< `QUIT`
    ping,     ///< `PING [token]`
    help,     ///< `HELP` (multi-line reply)
    none,     ///< nothing was asked: a reply that answers no request (the `SERVER_FULL` refusal)
};

/// @brief A reply of the server to one request.
struct Reply {
    Request request = Request::none;  ///< the request it answers
    std::string target;               ///< the name the request was about (CONNECT, MSG, HIST, END)
    bool ok = false;                  ///< `+OK` (true) or `-ERR` (false)
    /// @brief The error code of an `-ERR` reply; nullopt for `+OK`, or for a
    ///        code this client does not know (see code_word).
    std::optional<protocol::ErrorCode> code;
    std::string code_word;          ///< the word after `-ERR`, as sent
    std::string text;               ///< what follows `+OK ` or `-ERR <CODE> `
    std::vector<std::string> body;  ///< the body lines of a multi-line reply, without the `.`
    bool body_truncated = false;    ///< the body passed Session's limit; the rest was dropped
};

/// @brief The kinds of line the server sends on its own.
enum class PushKind {
    message,   ///< `MSG <from> <text>`
    queued,    ///< `QUEUED <position>`
    assigned,  ///< `ASSIGNED <name>`
    left,      ///< `LEFT <customer>`
    closing,   ///< `QUIT <reason>`: nothing follows
};

/// @brief A line the server sent on its own.
struct Push {
    PushKind kind = PushKind::message;  ///< which push
    std::string name;                   ///< the sender, the new agent or customer, or who left
    std::string text;                   ///< the message text, or the reason for closing
    std::uint64_t position = 0;         ///< the place in the waiting line (queued only)
};

/// @brief A line that is not 3MCP: shown as it is, never acted on.
struct Unrecognized {
    std::string line;  ///< the line, cut at Session::Limits::max_line_bytes
};

/// @brief Whatever one or more server lines amount to.
using Event = std::variant<Reply, Push, Unrecognized>;

/// @brief The role the user registered in.
enum class Role {
    unregistered,  ///< no successful CONNECT yet
    customer,      ///< a customer
    agent,         ///< an agent
};

/// @brief The client side of one 3MCP connection, with no I/O of its own.
///
/// The caller writes the strings that the request functions return, feeds
/// everything it reads to receive(), and takes events out with next_event().
/// Because every reply answers the oldest request still unanswered (3MCP
/// keeps replies in order), Session keeps a queue of the requests sent, and
/// that is how it knows that the body after `+OK 3 users` belongs to a
/// `LIST`, and what the name in a `NO_SUCH_USER` was.
///
/// It also follows the conversation from what arrives, so that a client can
/// offer shortcuts: the agent's customers (in the order they were
/// assigned), the customer who wrote last, the customer's agent and queue
/// position.
///
/// Nothing the server sends can make it fail or grow without bound: lines
/// and multi-line bodies are cut at the limits below, and a line that is not
/// 3MCP becomes an Unrecognized event.
class Session {
  public:
    /// @brief How much of a misbehaving server's output is kept.
    struct Limits {
        std::size_t max_line_bytes =
            std::size_t{64} * 1024;            ///< longer lines are cut (the rest is skipped)
        std::size_t max_body_lines = 100'000;  ///< longer bodies are cut (the rest is skipped)
    };

    /// @brief A session with the default limits.
    Session() = default;
    /// @brief A session with the given limits.
    /// @param limits how much of a line and of a body is kept.
    explicit Session(Limits limits) : m_limits(limits) {}

    /// @name Requests
    /// Each returns the line to send, LF-terminated, and remembers the
    /// request so that its reply can be read. The arguments are sent as
    /// given: checking them is the server's job, and its error says what is
    /// wrong.
    /// @{

    /// @brief `CONNECT CUSTOMER <name>`.
    /// @param name the name to register.
    /// @return the line to send.
    std::string connect_customer(std::string_view name) {
        m_registering_as = Role::customer;
        return request(Request::connect, name, "CONNECT CUSTOMER ", name);
    }
    /// @brief `CONNECT AGENT <name> <key>`.
    /// @param name the name to register.
    /// @param key the agent key.
    /// @return the line to send.
    std::string connect_agent(std::string_view name, std::string_view key) {
        m_registering_as = Role::agent;
        return request(Request::connect, name, "CONNECT AGENT ", name, " ", key);
    }
    /// @brief A customer's `MSG <text>`.
    /// @param text the message.
    /// @return the line to send.
    std::string message(std::string_view text) {
        return request(Request::msg, m_agent, "MSG ", text);
    }
    /// @brief An agent's `MSG <customer> <text>`.
    /// @param customer the customer's name.
    /// @param text the message.
    /// @return the line to send.
    std::string message_to(std::string_view customer, std::string_view text) {
        return request(Request::msg, customer, "MSG ", customer, " ", text);
    }
    /// @brief `LIST`.
    /// @return the line to send.
    std::string list() { return request(Request::list, {}, "LIST"); }
    /// @brief `HIST <name> [<count>]`.
    /// @param name whose history.
    /// @param count how many of the latest records; empty for all of them.
    /// @return the line to send.
    std::string history(std::string_view name, std::string_view count = {}) {
        return count.empty() ? request(Request::hist, name, "HIST ", name)
                             : request(Request::hist, name, "HIST ", name, " ", count);
    }
    /// @brief `END <customer>`.
    /// @param customer the customer whose conversation ends.
    /// @return the line to send.
    std::string end(std::string_view customer) {
        return request(Request::end, customer, "END ", customer);
    }
    /// @brief `QUIT`.
    /// @return the line to send.
    std::string quit() { return request(Request::quit, {}, "QUIT"); }
    /// @brief `PING [<token>]`.
    /// @param token echoed back by the server; may be empty.
    /// @return the line to send.
    std::string ping(std::string_view token = {}) {
        return token.empty() ? request(Request::ping, {}, "PING")
                             : request(Request::ping, {}, "PING ", token);
    }
    /// @brief `HELP`.
    /// @return the line to send.
    std::string help() { return request(Request::help, {}, "HELP"); }
    /// @}

    /// @brief Reads bytes the server sent; complete lines become events.
    /// @param bytes the bytes, split anywhere.
    /// @complexity O(bytes.size()) amortized.
    void receive(std::string_view bytes) {
        while (!bytes.empty()) {
            const std::size_t newline = bytes.find('\n');
            take_line_part(bytes.substr(0, newline));
            if (newline == std::string_view::npos) {
                return;
            }
            bytes.remove_prefix(newline + 1);
            finish_line();
        }
    }

    /// @brief The oldest event not taken yet.
    /// @return the event, or nullopt if none is ready.
    [[nodiscard]] std::optional<Event> next_event() {
        if (m_events.empty()) {
            return std::nullopt;
        }
        Event event = std::move(m_events.front());
        m_events.pop();
        return event;
    }

    /// @brief How many requests are still waiting for their reply.
    /// @return the count.
    [[nodiscard]] std::size_t replies_pending() const noexcept { return m_pending.size(); }

    /// @name What the conversation looks like so far
    /// @{

    /// @brief The role, once a CONNECT succeeded.
    /// @return the role.
    [[nodiscard]] Role role() const noexcept { return m_role; }
    /// @brief The registered name, as the server spelled it in its welcome.
    /// @return the name; empty before registration.
    [[nodiscard]] const std::string& name() const noexcept { return m_name; }
    /// @brief An agent's customers, in the order they were assigned.
    /// @return the names.
    [[nodiscard]] const std::vector<std::string>& customers() const noexcept { return m_customers; }
    /// @brief The customer whose message arrived last, while still a customer.
    /// @return the name; empty if none.
    [[nodiscard]] const std::string& last_writer() const noexcept { return m_last_writer; }
    /// @brief A customer's agent.
    /// @return the name; empty while waiting.
    [[nodiscard]] const std::string& agent() const noexcept { return m_agent; }
    /// @brief A waiting customer's place in the line (1 is next).
    /// @return the position; 0 when not waiting or not known yet.
    [[nodiscard]] std::uint64_t position() const noexcept { return m_position; }
    /// @brief Whether the server said it is closing (a `QUIT` push, or `+OK bye`).
    /// @return true once nothing more will come.
    [[nodiscard]] bool closing() const noexcept { return m_closing; }
    /// @}

  private:
    struct Sent {
        Request request = Request::none;
        std::string target;
    };

    template <class... Parts>
    std::string request(Request kind, std::string_view target, const Parts&... parts) {
        m_pending.push(Sent{kind, std::string(target)});
        std::string line;
        (line.append(std::string_view(parts)), ...);
        line.push_back('\n');
        return line;
    }

    void take_line_part(std::string_view part) {
        const std::size_t room = m_limits.max_line_bytes - m_line.size();
        m_line.append(part.substr(0, room));
    }

    void finish_line() {
        std::string line = std::exchange(m_line, {});
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (m_body) {
            take_body_line(std::move(line));
        } else if (line.starts_with('+') || line.starts_with('-')) {
            take_reply_line(line);
        } else {
            take_push_line(std::move(line));
        }
    }

    void take_body_line(std::string line) {
        if (line == ".") {
            emit(std::move(*m_body));
            m_body.reset();
        } else if (m_body->body.size() < m_limits.max_body_lines) {
            m_body->body.push_back(std::move(line));
        } else {
            m_body->body_truncated = true;
        }
    }

    void take_reply_line(std::string_view line) {
        Reply reply;
        if (!m_pending.empty()) {
            reply.request = m_pending.front().request;
            reply.target = std::move(m_pending.front().target);
            m_pending.pop();
        }
        auto [word, rest] = split_word(line);
        reply.ok = word == "+OK";
        if (reply.ok) {
            reply.text = rest;
        } else {
            auto [code, reason] = split_word(rest);
            reply.code_word = code;
            reply.code = protocol::from_wire_name(code);
            reply.text = reason;
        }
        if (reply.ok && has_body(reply.request)) {
            m_body = std::move(reply);
        } else {
            emit(std::move(reply));
        }
    }

    void take_push_line(std::string line) {
        auto [word, rest] = split_word(line);
        Push push;
        if (word == "MSG" && !rest.empty()) {
            auto [from, text] = split_word(rest);
            push = {PushKind::message, std::string(from), std::string(text), 0};
        } else if (word == "QUEUED" && is_number(rest)) {
            push = {PushKind::queued, {}, {}, std::stoull(std::string(rest))};
        } else if (word == "ASSIGNED" && !rest.empty()) {
            push = {PushKind::assigned, std::string(rest), {}, 0};
        } else if (word == "LEFT" && !rest.empty()) {
            push = {PushKind::left, std::string(rest), {}, 0};
        } else if (word == "QUIT") {
            push = {PushKind::closing, {}, std::string(rest), 0};
        } else {
            m_events.emplace(std::in_place_type<Unrecognized>, Unrecognized{std::move(line)});
            return;
        }
        emit(std::move(push));
    }

    void emit(Reply reply) {
        follow(reply);
        m_events.emplace(std::in_place_type<Reply>, std::move(reply));
    }

    void emit(Push push) {
        follow(push);
        m_events.emplace(std::in_place_type<Push>, std::move(push));
    }

    // Keeps the conversation's state in step with a reply.
    void follow(const Reply& reply) {
        if (!reply.ok) {
            return;
        }
        if (reply.request == Request::connect) {
            m_role = m_registering_as;
            const auto [welcome, name] = split_word(reply.text);
            m_name = welcome == "welcome" ? std::string(name) : reply.target;
        } else if (reply.request == Request::end) {
            forget_customer(reply.target);
        } else if (reply.request == Request::quit) {
            m_closing = true;
        }
    }

    // Keeps the conversation's state in step with a push.
    void follow(const Push& push) {
        switch (push.kind) {
            case PushKind::message:
                if (m_role == Role::agent && is_customer(push.name)) {
                    m_last_writer = push.name;
                }
                break;
            case PushKind::queued:
                m_agent.clear();
                m_position = push.position;
                break;
            case PushKind::assigned:
                if (m_role == Role::agent) {
                    m_customers.push_back(push.name);
                } else {
                    m_agent = push.name;
                    m_position = 0;
                }
                break;
            case PushKind::left:
                forget_customer(push.name);
                break;
            case PushKind::closing:
                m_closing = true;
                break;
        }
    }

    [[nodiscard]] bool is_customer(std::string_view name) const noexcept {
        for (const std::string& customer : m_customers) {
            if (detail::equals_ignoring_case(customer, name)) {
                return true;
            }
        }
        return false;
    }

    void forget_customer(std::string_view name) {
        std::erase_if(m_customers, [&](const std::string& customer) {
            return detail::equals_ignoring_case(customer, name);
        });
        if (detail::equals_ignoring_case(m_last_writer, name)) {
            m_last_writer.clear();
        }
    }

    [[nodiscard]] static bool has_body(Request request) noexcept {
        return request == Request::list || request == Request::hist || request == Request::help;
    }

    [[nodiscard]] static bool is_number(std::string_view text) noexcept {
        return !text.empty() && text.size() <= 18 &&
               text.find_first_not_of("0123456789") == std::string_view::npos;
    }

    // The first word of `text` and what follows the single space after it.
    [[nodiscard]] static std::pair<std::string_view, std::string_view> split_word(
        std::string_view text) noexcept {
        const std::size_t space = text.find(' ');
        if (space == std::string_view::npos) {
            return {text, {}};
        }
        return {text.substr(0, space), text.substr(space + 1)};
    }

    Limits m_limits;
    std::string m_line;
    Queue<Sent> m_pending;
    Queue<Event> m_events;
    std::optional<Reply> m_body;
    Role m_role = Role::unregistered;
    Role m_registering_as = Role::unregistered;
    std::string m_name;
    std::vector<std::string> m_customers;
    std::string m_last_writer;
    std::string m_agent;
    std::uint64_t m_position = 0;
    bool m_closing = false;
};

}  // namespace telechat::client

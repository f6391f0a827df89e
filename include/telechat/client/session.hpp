/// @file
/// @brief telechat::client::Session, the client side of 3MCP without I/O: it
///        writes requests, reads the server's lines into replies and pushes,
///        and keeps track of who the user is talking to.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "../protocol/command.hpp"
#include "../protocol/command_writer.hpp"
#include "../protocol/error_code.hpp"
#include "../protocol/framer.hpp"
#include "../protocol/server_lines.hpp"
#include "../protocol/vocabulary.hpp"
#include "../queue.hpp"

/// @brief The client side of 3MCP: telechat::client::Session.
namespace telechat::client {

/// @brief A reply of the server to one request.
struct Reply {
    /// @brief The command it answers; nullopt for a reply that answers none
    ///        (the `SERVER_FULL` refusal of a connection).
    std::optional<protocol::CommandKind> request;
    std::string target;  ///< the name the request was about (CONNECT, MSG, HIST, END)
    bool ok = false;     ///< `+OK` (true) or `-ERR` (false)
    /// @brief The error code of an `-ERR` reply; nullopt for `+OK`, or for a
    ///        code this client does not know (see code_word).
    std::optional<protocol::ErrorCode> code;
    std::string code_word;          ///< the word after `-ERR`, as sent
    std::string text;               ///< what follows `+OK ` or `-ERR <CODE> `
    std::vector<std::string> body;  ///< the body lines of a multi-line reply, without the `.`
    bool body_truncated = false;    ///< the body passed Session's limits; the rest was dropped
};

/// @brief A line the server sent on its own.
struct Push {
    protocol::PushKind kind = protocol::PushKind::msg;  ///< which push
    std::string name;            ///< the sender, the new agent or customer, or who left
    std::string text;            ///< the message text, or the reason for closing
    std::uint64_t position = 0;  ///< the place in the waiting line (queued only)
};

/// @brief A line that is not 3MCP: shown as it is, never acted on.
struct Unrecognized {
    std::string line;  ///< the line; empty if it was too long
    /// @brief The line passed Session::Limits::max_line_bytes and was skipped.
    bool too_long = false;
};

/// @brief Whatever one or more server lines amount to.
using Event = std::variant<Reply, Push, Unrecognized>;

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
/// Lines are cut by protocol::LineFramer and read by the functions of
/// protocol/server_lines.hpp; requests are written by
/// protocol::write_command(). Nothing the server sends can make it fail or
/// grow without bound: a line longer than the limit below is skipped, a body
/// is cut at its limit, and a line that is not 3MCP becomes an Unrecognized
/// event.
class Session {
public:
    /// @brief How much of a misbehaving server's output is kept.
    struct Limits {
        /// @brief Longer lines (line ending not counted) are skipped.
        std::size_t max_line_bytes = std::size_t{64} * 1024;
        std::size_t max_body_lines = 100'000;  ///< longer bodies are cut (the rest is skipped)
    };

    /// @brief A session with the default limits.
    Session() : Session(Limits{}) {}
    /// @brief A session with the given limits.
    /// @param limits how much of a line and of a body is kept.
    explicit Session(Limits limits)
        : m_limits(limits), m_framer(framer_limit(limits.max_line_bytes)) {}

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
        m_registering_as = protocol::Role::customer;
        return request(CommandKind::connect, name, protocol::word::customer, name);
    }
    /// @brief `CONNECT AGENT <name> <key>`.
    /// @param name the name to register.
    /// @param key the agent key.
    /// @return the line to send.
    std::string connect_agent(std::string_view name, std::string_view key) {
        m_registering_as = protocol::Role::agent;
        return request(CommandKind::connect, name, protocol::word::agent, name, key);
    }
    /// @brief A customer's `MSG <text>`.
    /// @param text the message.
    /// @return the line to send.
    std::string message(std::string_view text) { return request(CommandKind::msg, m_agent, text); }
    /// @brief An agent's `MSG <customer> <text>`.
    /// @param customer the customer's name.
    /// @param text the message.
    /// @return the line to send.
    std::string message_to(std::string_view customer, std::string_view text) {
        return request(CommandKind::msg, customer, customer, text);
    }
    /// @brief `LIST`.
    /// @return the line to send.
    std::string list() { return request(CommandKind::list, {}); }
    /// @brief `HIST <name> [<count>]`.
    /// @param name whose history.
    /// @param count how many of the latest records; empty for all of them.
    /// @return the line to send.
    std::string history(std::string_view name, std::string_view count = {}) {
        return count.empty() ? request(CommandKind::hist, name, name)
                             : request(CommandKind::hist, name, name, count);
    }
    /// @brief `END <customer>`.
    /// @param customer the customer whose conversation ends.
    /// @return the line to send.
    std::string end(std::string_view customer) {
        return request(CommandKind::end, customer, customer);
    }
    /// @brief `QUIT`.
    /// @return the line to send.
    std::string quit() { return request(CommandKind::quit, {}); }
    /// @brief `PING [<token>]`.
    /// @param token echoed back by the server; may be empty.
    /// @return the line to send.
    std::string ping(std::string_view token = {}) {
        return token.empty() ? request(CommandKind::ping, {})
                             : request(CommandKind::ping, {}, token);
    }
    /// @brief `HELP`.
    /// @return the line to send.
    std::string help() { return request(CommandKind::help, {}); }
    /// @}

    /// @brief Reads bytes the server sent; complete lines become events.
    /// @param bytes the bytes, split anywhere.
    /// @complexity O(bytes.size()) amortized.
    void receive(std::string_view bytes) {
        m_framer.feed(bytes, m_partial, [this](protocol::FramedLine line) {
            take_line(line);
            return true;
        });
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
    /// @return the role; nullopt before registration.
    [[nodiscard]] std::optional<protocol::Role> role() const noexcept { return m_role; }
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
    using CommandKind = protocol::CommandKind;
    using PushKind = protocol::PushKind;

    struct Sent {
        CommandKind request = CommandKind::help;
        std::string target;
    };

    // The framer counts the line ending; the limit does not (LF or CRLF).
    [[nodiscard]] static std::size_t framer_limit(std::size_t max_line_bytes) noexcept {
        constexpr std::size_t ending = 2;
        return max_line_bytes > SIZE_MAX - ending ? SIZE_MAX : max_line_bytes + ending;
    }

    template <class... Arguments>
    std::string request(CommandKind kind, std::string_view target, const Arguments&... arguments) {
        m_pending.push(Sent{kind, std::string(target)});
        std::string line;
        protocol::write_command(line, kind, arguments...);
        return line;
    }

    void take_line(protocol::FramedLine line) {
        // The framer's limit has room for CRLF; a line ending in LF alone
        // could pass it by a byte.
        line.too_long = line.too_long || line.text.size() > m_limits.max_line_bytes;
        if (m_body) {
            take_body_line(line);
        } else if (line.too_long) {
            m_events.emplace(std::in_place_type<Unrecognized>, Unrecognized{{}, true});
        } else if (protocol::is_reply(line.text)) {
            take_reply_line(protocol::parse_reply(line.text));
        } else if (const auto push = protocol::parse_push(line.text)) {
            emit(
                Push{push->kind, std::string(push->name), std::string(push->text), push->position});
        } else {
            m_events.emplace(std::in_place_type<Unrecognized>,
                             Unrecognized{std::string(line.text), false});
        }
    }

    void take_body_line(const protocol::FramedLine& line) {
        if (!line.too_long && protocol::is_end_of_body(line.text)) {
            emit(std::move(*m_body));
            m_body.reset();
        } else if (!line.too_long && m_body->body.size() < m_limits.max_body_lines) {
            m_body->body.emplace_back(line.text);
        } else {
            m_body->body_truncated = true;
        }
    }

    void take_reply_line(const protocol::ReplyLine& line) {
        Reply reply;
        if (!m_pending.empty()) {
            reply.request = m_pending.front().request;
            reply.target = std::move(m_pending.front().target);
            m_pending.pop();
        }
        reply.ok = line.ok;
        reply.code = line.code;
        reply.code_word = line.code_word;
        reply.text = line.text;
        if (reply.ok && has_body(reply.request)) {
            m_body = std::move(reply);
        } else {
            emit(std::move(reply));
        }
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
        if (reply.request == CommandKind::connect) {
            m_role = m_registering_as;
            std::string_view rest = reply.text;
            const bool welcome = protocol::next_word(rest) == protocol::word::welcome;
            m_name = welcome ? std::string(protocol::text_after_word(rest)) : reply.target;
        } else if (reply.request == CommandKind::end) {
            forget_customer(reply.target);
        } else if (reply.request == CommandKind::quit) {
            m_closing = true;
        }
    }

    // Keeps the conversation's state in step with a push.
    void follow(const Push& push) {
        switch (push.kind) {
            case PushKind::msg:
                if (m_role == protocol::Role::agent && is_customer(push.name)) {
                    m_last_writer = push.name;
                }
                break;
            case PushKind::queued:
                m_agent.clear();
                m_position = push.position;
                break;
            case PushKind::assigned:
                if (m_role == protocol::Role::agent) {
                    m_customers.push_back(push.name);
                } else {
                    m_agent = push.name;
                    m_position = 0;
                }
                break;
            case PushKind::left:
                forget_customer(push.name);
                break;
            case PushKind::quit:
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

    [[nodiscard]] static bool has_body(std::optional<CommandKind> request) noexcept {
        return request == CommandKind::list || request == CommandKind::hist ||
               request == CommandKind::help;
    }

    Limits m_limits;
    protocol::LineFramer m_framer;
    std::string m_partial;
    Queue<Sent> m_pending;
    Queue<Event> m_events;
    std::optional<Reply> m_body;
    std::optional<protocol::Role> m_role;
    std::optional<protocol::Role> m_registering_as;
    std::string m_name;
    std::vector<std::string> m_customers;
    std::string m_last_writer;
    std::string m_agent;
    std::uint64_t m_position = 0;
    bool m_closing = false;
};

}  // namespace telechat::client

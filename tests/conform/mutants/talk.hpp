// Following one connection's conversation as the server sees it, so that a
// mutation can tell which command a reply answers: every non-blank line the
// client sends waits for one reply, in order (pipelining), a successful
// LIST, HIST or HELP is followed by a body up to ".", and any other server
// line is a push. It also knows the connection's role and name.
#pragma once

#include <telechat/protocol/command.hpp>
#include <telechat/protocol/server_lines.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mutation.hpp"

namespace mutants {

/// @brief What a server line is, in its conversation.
struct Heard {
    enum class Kind { reply, body, end_of_body, push };
    Kind kind = Kind::push;
    std::string_view line;  ///< without its CRLF
    std::string command;    ///< the client line a reply or body answers (no ending)
    /// @brief The command word of `command`, if it is one of the eight.
    [[nodiscard]] std::optional<telechat::protocol::CommandKind> command_kind() const {
        const auto split = telechat::protocol::split_command(command);
        return split ? std::optional(split->kind) : std::nullopt;
    }
    [[nodiscard]] bool is(Kind wanted) const { return kind == wanted; }
};

class Talk {
public:
    /// @param max_line the server's line limit: a longer line is answered
    ///        TOO_LONG before its end, so it waits for no reply of its own here.
    explicit Talk(std::size_t max_line) : m_max_line(max_line), m_accepted(Clock::now()) {}

    /// @brief A line the client sent, its ending included.
    void client_line(std::string_view line) {
        const std::string_view text = body_of(line);
        if (line.size() > m_max_line || telechat::detail::only_spaces(text)) {
            return;  // answered already (too long), or by nothing (blank)
        }
        if (m_closed) {
            m_ignored.emplace_back(text);  // behind QUIT: the server reads no more
            return;
        }
        m_waiting.emplace_back(text);
        const auto split = telechat::protocol::split_command(text);
        m_closed = split && split->kind == telechat::protocol::CommandKind::quit;
    }

    /// @brief A line the server sent, its ending included: what it is.
    Heard server_line(std::string_view line) {
        Heard heard;
        heard.line = body_of(line);
        if (m_in_body) {
            heard.kind = telechat::protocol::is_end_of_body(heard.line) ? Heard::Kind::end_of_body
                                                                        : Heard::Kind::body;
            heard.command = m_body_command;
            m_in_body = heard.kind == Heard::Kind::body;
            return heard;
        }
        if (!telechat::protocol::is_reply(heard.line)) {
            heard.kind = Heard::Kind::push;
            return heard;
        }
        heard.kind = Heard::Kind::reply;
        const bool too_long = heard.line.starts_with("-ERR TOO_LONG");
        if (!too_long && !m_waiting.empty()) {
            heard.command = m_waiting.front();
            m_waiting.erase(m_waiting.begin());
        }
        learn(heard);
        return heard;
    }

    /// @brief Client lines with no reply yet, and those behind a QUIT, in order.
    [[nodiscard]] std::vector<std::string> unanswered() const {
        std::vector<std::string> lines = m_waiting;
        lines.insert(lines.end(), m_ignored.begin(), m_ignored.end());
        return lines;
    }

    [[nodiscard]] bool registered() const { return !m_name.empty(); }
    [[nodiscard]] bool is_agent() const { return m_agent; }
    [[nodiscard]] const std::string& name() const { return m_name; }
    /// @brief When the conversation began: as the proxy connected it to
    ///        the server, so about when the server accepted it (which the
    ///        server's timers count from).
    [[nodiscard]] Clock::time_point accepted_at() const { return m_accepted; }

private:
    // A +OK welcome makes the connection registered; a multi-line +OK opens a body.
    void learn(const Heard& heard) {
        using telechat::protocol::CommandKind;
        const auto reply = telechat::protocol::parse_reply(heard.line);
        const auto kind = heard.command_kind();
        if (!reply.ok || !kind) {
            return;
        }
        if (*kind == CommandKind::list || *kind == CommandKind::hist ||
            *kind == CommandKind::help) {
            m_in_body = true;
            m_body_command = heard.command;
        }
        if (*kind == CommandKind::connect && reply.text.starts_with("welcome ")) {
            m_name = std::string(reply.text.substr(8));
            std::string_view rest = heard.command;
            (void)telechat::protocol::next_word(rest);
            m_agent = telechat::detail::equals_ignoring_case(telechat::protocol::next_word(rest),
                                                             "AGENT");
        }
    }

    std::size_t m_max_line;
    Clock::time_point m_accepted;
    std::vector<std::string> m_waiting;  // client lines not answered yet, oldest first
    bool m_closed = false;               // QUIT sent: the server reads nothing more
    std::vector<std::string> m_ignored;  // lines sent behind the QUIT
    bool m_in_body = false;
    std::string m_body_command;
    std::string m_name;
    bool m_agent = false;
};

}  // namespace mutants

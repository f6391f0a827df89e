/// @file
/// @brief Reading what a 3MCP server sends, typed: reply lines, pushes, and
///        the lines of LIST and HIST bodies, against the words of
///        vocabulary.hpp.
///
/// These are the client's half of the grammar (see \ref protocol_grammar).
/// Each function reads one line, without its line ending, and returns views
/// into it; none allocates. Telling a body line from a reply or a push takes
/// the request the reply answers, which is what client::Session keeps.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "command.hpp"
#include "error_code.hpp"
#include "vocabulary.hpp"

/// @cond TELECHAT_INTERNALS
namespace telechat::detail {

// The value of `text` if it is 1 to 18 decimal digits (so it fits).
[[nodiscard]] constexpr std::optional<std::uint64_t> decimal(std::string_view text) noexcept {
    if (text.empty() || text.size() > 18) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return value;
}

}  // namespace telechat::detail
/// @endcond

namespace telechat::protocol {

/// @brief The first line of a reply: `+OK [<text>]` or `-ERR <CODE> <reason>`.
struct ReplyLine {
    /// @brief True for `+OK`; false for `-ERR` (and for any other line that
    ///        starts like a reply, which is read as a failure).
    bool ok = false;
    /// @brief The word after `-ERR`, as sent; empty for `+OK`.
    std::string_view code_word;
    /// @brief code_word as an error code; nullopt for `+OK` or a code 3MCP
    ///        does not define.
    std::optional<ErrorCode> code;
    /// @brief What follows `+OK ` or `-ERR <CODE> `: the text or the reason.
    std::string_view text;
};

/// @brief Whether a line from the server is a reply (it starts with `+` or
///        `-`) rather than a push. Inside a multi-line body this does not
///        apply: body lines are read by what the request was.
/// @param line the line.
/// @return true for a reply line.
[[nodiscard]] constexpr bool is_reply(std::string_view line) noexcept {
    return line.starts_with(word::ok.front()) || line.starts_with(word::error.front());
}

/// @brief Reads a reply line.
/// @param line a line for which is_reply() holds.
/// @return its parts.
[[nodiscard]] constexpr ReplyLine parse_reply(std::string_view line) noexcept {
    ReplyLine reply;
    std::string_view rest = line;
    reply.ok = protocol::next_word(rest) == word::ok;
    if (!reply.ok) {
        reply.code_word = protocol::next_word(rest);
        reply.code = from_wire_name(reply.code_word);
    }
    reply.text = protocol::text_after_word(rest);
    return reply;
}

/// @brief Whether a body line is the `.` that ends a multi-line reply.
/// @param line the line.
/// @return true for the end of the body.
[[nodiscard]] constexpr bool is_end_of_body(std::string_view line) noexcept {
    return line == word::end_of_body;
}

/// @brief A push: a line the server sends on its own.
struct PushLine {
    /// @brief Which push.
    PushKind kind = PushKind::msg;
    /// @brief The sender (msg), the agent or new customer (assigned), or who
    ///        left (left); empty otherwise.
    std::string_view name;
    /// @brief The message (msg) or the reason for closing (quit), exactly as
    ///        sent; empty otherwise.
    std::string_view text;
    /// @brief The place in the waiting line, 1 being next (queued only).
    std::uint64_t position = 0;
};

/// @brief Reads a push line.
/// @param line a line from the server outside any reply.
/// @return the push, or nullopt if the line is not one (an unknown word,
///         a missing name, a position that is not a number).
[[nodiscard]] constexpr std::optional<PushLine> parse_push(std::string_view line) noexcept {
    if (line.starts_with(' ')) {
        return std::nullopt;  // the push word starts the line
    }
    std::string_view rest = line;
    const std::optional<PushKind> kind = push_kind(protocol::next_word(rest));
    if (!kind) {
        return std::nullopt;
    }
    PushLine push;
    push.kind = *kind;
    const std::string_view argument = protocol::text_after_word(rest);
    switch (*kind) {
        case PushKind::msg: {
            std::string_view text = argument;
            push.name = protocol::next_word(text);
            push.text = protocol::text_after_word(text);
            break;
        }
        case PushKind::queued: {
            const std::optional<std::uint64_t> position = detail::decimal(argument);
            if (!position) {
                return std::nullopt;
            }
            push.position = *position;
            return push;
        }
        case PushKind::assigned:
        case PushKind::left:
            push.name = argument;
            break;
        case PushKind::quit:
            push.text = argument;
            return push;
    }
    if (push.name.empty()) {
        return std::nullopt;
    }
    return push;
}

/// @brief One line of a LIST body: a connected user and what it is doing.
///
/// `<name> AGENT <customers>/<capacity>`, `<name> CUSTOMER WAITING <position>`
/// or `<name> CUSTOMER CHATTING <agent>`.
struct UserLine {
    /// @brief The user's name.
    std::string_view name;
    /// @brief The user's role.
    Role role = Role::customer;
    /// @brief A customer: waiting for an agent (true) or chatting (false).
    bool waiting = false;
    /// @brief An agent: how many customers it has now.
    std::uint64_t customers = 0;
    /// @brief An agent: how many it may have at once.
    std::uint64_t capacity = 0;
    /// @brief A waiting customer: its place in the line, 1 being next.
    std::uint64_t position = 0;
    /// @brief A chatting customer: its agent.
    std::string_view agent;
};

/// @brief Reads a line of a LIST body.
/// @param line the body line.
/// @return the user, or nullopt if the line does not follow the grammar.
[[nodiscard]] constexpr std::optional<UserLine> parse_user_line(std::string_view line) noexcept {
    std::string_view rest = line;
    UserLine user;
    user.name = protocol::next_word(rest);
    const std::string_view role = protocol::next_word(rest);
    const std::string_view state = protocol::next_word(rest);
    if (role == word::agent) {
        const std::size_t slash = state.find('/');
        const auto customers = detail::decimal(state.substr(0, slash));
        const auto capacity = slash == std::string_view::npos
                                  ? std::nullopt
                                  : detail::decimal(state.substr(slash + 1));
        if (!customers || !capacity) {
            return std::nullopt;
        }
        user.role = Role::agent;
        user.customers = *customers;
        user.capacity = *capacity;
    } else if (role == word::customer && state == word::waiting) {
        const auto position = detail::decimal(protocol::next_word(rest));
        if (!position) {
            return std::nullopt;
        }
        user.waiting = true;
        user.position = *position;
    } else if (role == word::customer && state == word::chatting) {
        user.agent = protocol::next_word(rest);
        if (user.agent.empty()) {
            return std::nullopt;
        }
    } else {
        return std::nullopt;
    }
    if (user.name.empty() || !detail::only_spaces(rest)) {
        return std::nullopt;
    }
    return user;
}

/// @brief One line of a HIST body: `<unix-ms> <from> <to> <text>`.
struct HistoryRecord {
    /// @brief When the message was sent, in milliseconds since 1970-01-01 UTC.
    std::uint64_t unix_ms = 0;
    /// @brief Who sent it.
    std::string_view from;
    /// @brief Who it went to, or word::nobody (`*`) if the sender was a
    ///        customer waiting for an agent.
    std::string_view to;
    /// @brief The message, exactly as sent.
    std::string_view text;
};

/// @brief Reads a line of a HIST body.
/// @param line the body line.
/// @return the record, or nullopt if the line does not follow the grammar.
[[nodiscard]] constexpr std::optional<HistoryRecord> parse_history_record(
    std::string_view line) noexcept {
    std::string_view rest = line;
    const auto unix_ms = detail::decimal(protocol::next_word(rest));
    HistoryRecord record;
    record.from = protocol::next_word(rest);
    record.to = protocol::next_word(rest);
    record.text = protocol::text_after_word(rest);
    if (!unix_ms || record.to.empty() || record.text.empty()) {
        return std::nullopt;
    }
    record.unix_ms = *unix_ms;
    return record;
}

}  // namespace telechat::protocol

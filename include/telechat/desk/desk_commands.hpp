/// @file
/// @brief What each 3MCP command does at the desk: the handlers of
///        telechat::Desk, one per typed command of protocol::parse_command().
///
/// Included by desk.hpp; including it alone includes desk.hpp.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

#include "desk.hpp"

namespace telechat {

/// @cond TELECHAT_INTERNALS

// Who may send what, checked before a command's arguments are: replies the
// refusal and returns false.
inline bool Desk::permitted(std::uint32_t slot, protocol::CommandKind kind) {
    using protocol::CommandKind;
    const State state = m_connections[slot].state;
    if (kind == CommandKind::connect) {
        if (state == State::unregistered) {
            return true;
        }
        reply_error(slot, protocol::ErrorCode::already_connected,
                    "this connection is registered already");
        return false;
    }
    if (kind == CommandKind::quit || kind == CommandKind::ping || kind == CommandKind::help) {
        return true;
    }
    if (state == State::unregistered) {
        reply_error(slot, protocol::ErrorCode::not_connected, "CONNECT first");
        return false;
    }
    if (kind != CommandKind::msg && state != State::agent) {
        reply_error(slot, protocol::ErrorCode::forbidden, "only agents may do that");
        return false;
    }
    return true;
}

inline void Desk::run(std::uint32_t /*slot*/, protocol::BlankLine /*blank*/, UnixMillis /*now*/) {}

inline void Desk::run(std::uint32_t slot, const protocol::RefusedLine& refused,
                      UnixMillis /*now*/) {
    reply_error(slot, refused.code, refused.reason);
}

inline void Desk::run(std::uint32_t slot, const protocol::BadArguments& bad, UnixMillis /*now*/) {
    if (permitted(slot, bad.command)) {
        reply_error(slot, bad.error.code, bad.error.reason);
    }
}

namespace detail {

// Compares every byte whatever the first difference, so the time taken does
// not tell an attacker how much of a guess was right.
[[nodiscard]] inline bool agent_key_matches(std::string_view key, std::string_view guess) noexcept {
    if (key.empty()) {
        return false;
    }
    unsigned difference = guess.size() == key.size() ? 0U : 1U;
    for (std::size_t i = 0; i < guess.size(); ++i) {
        difference |= static_cast<unsigned>(static_cast<unsigned char>(guess[i]) ^
                                            static_cast<unsigned char>(key[i % key.size()]));
    }
    return difference == 0;
}

}  // namespace detail

inline void Desk::run(std::uint32_t slot, const protocol::ConnectCommand& command,
                      UnixMillis /*now*/) {
    if (command.role == protocol::Role::agent &&
        !detail::agent_key_matches(m_options.agent_key, command.key)) {
        reply_error(slot, protocol::ErrorCode::auth_failed, "wrong agent key");
        if (++m_connections[slot].auth_failures >= m_options.max_auth_failures) {
            quit(slot, "too many failed attempts", Departure::quit);
        }
        return;
    }
    if (m_online.contains(command.name)) {
        return reply_error(slot, protocol::ErrorCode::name_taken, "that name is in use");
    }
    reply_ok(slot, std::string_view{protocol::word::welcome}, command.name);
    register_user(slot, command);
}

inline void Desk::run(std::uint32_t slot, const protocol::MsgCommand& command, UnixMillis now) {
    Connection& sender = m_connections[slot];
    if (sender.state == State::agent) {
        const std::optional<std::uint32_t> customer = own_customer(slot, command.recipient);
        if (customer) {
            relay(slot, *customer, command.text, now);
        }
        return;
    }
    if (sender.state == State::chatting) {
        return relay(slot, sender.agent, command.text, now);
    }
    if (sender.backlog.size() >= m_options.waiting_backlog_limit) {
        return reply_error(slot, protocol::ErrorCode::server_full,
                           "too many messages while waiting; wait for an agent");
    }
    if (!record_message(slot, nobody, command.text, now)) {
        return refuse_unstored(slot);
    }
    reply_ok(slot, std::string_view{protocol::word::received});
    sender.backlog.push(std::string(command.text));
}

// A message between a customer and its agent: kept first (the history
// storage may refuse it), then acknowledged and passed on.
inline void Desk::relay(std::uint32_t from, std::uint32_t to, std::string_view text,
                        UnixMillis now) {
    if (!record_message(from, to, text, now)) {
        return refuse_unstored(from);
    }
    reply_ok(from, std::string_view{protocol::word::received});
    push_line(to, std::string_view{protocol::word::msg}, m_connections[from].name, text);
}

// The storage could not keep a message (a full disk): it is neither
// acknowledged nor delivered, and the sender may try again.
inline void Desk::refuse_unstored(std::uint32_t slot) {
    reply_error(slot, protocol::ErrorCode::server_full,
                "the message could not be stored, so it was not delivered; try again later");
}

// The chatting customer of this agent called `name`; otherwise replies
// NO_SUCH_USER or NOT_ASSIGNED and returns nothing.
inline std::optional<std::uint32_t> Desk::own_customer(std::uint32_t agent, std::string_view name) {
    const auto found = m_online.find(name);
    if (found == m_online.end()) {
        reply_error(agent, protocol::ErrorCode::no_such_user, "nobody of that name is connected");
        return std::nullopt;
    }
    const std::uint32_t customer = found->second;
    if (m_connections[customer].state != State::chatting ||
        m_connections[customer].agent != agent) {
        reply_error(agent, protocol::ErrorCode::not_assigned, "that user is not your customer");
        return std::nullopt;
    }
    return customer;
}

inline void Desk::run(std::uint32_t slot, protocol::ListCommand /*list*/, UnixMillis /*now*/) {
    std::string& out = m_outbox.begin_write(slot, m_buffers);
    protocol::write_ok(out, m_online.size(), std::string_view{protocol::word::users});
    for (const auto& [name, user] : m_online) {
        write_user_line(out, user);
    }
    protocol::write_end_of_body(out);
    m_outbox.end_write(slot);
}

inline void Desk::write_user_line(std::string& out, std::uint32_t slot) const {
    const Connection& user = m_connections[slot];
    switch (user.state) {
        case State::agent: {
            char load[48];
            char* end = std::to_chars(load, load + 20, m_agents.load(slot)).ptr;
            *end++ = '/';
            end = std::to_chars(end, load + sizeof load, m_options.agent_capacity).ptr;
            protocol::write_line(out, user.name, std::string_view{protocol::word::agent},
                                 std::string_view(load, static_cast<std::size_t>(end - load)));
            break;
        }
        case State::waiting:
            protocol::write_line(out, user.name, std::string_view{protocol::word::customer},
                                 std::string_view{protocol::word::waiting}, user.told_position);
            break;
        case State::chatting:
            protocol::write_line(out, user.name, std::string_view{protocol::word::customer},
                                 std::string_view{protocol::word::chatting},
                                 m_connections[user.agent].name);
            break;
        default:
            break;
    }
}

inline void Desk::run(std::uint32_t slot, const protocol::HistCommand& command,
                      UnixMillis /*now*/) {
    const RecordRing* records = m_histories.find(command.name);
    if (records == nullptr) {
        return reply_error(slot, protocol::ErrorCode::no_such_user,
                           "no history is kept for that name");
    }
    const std::size_t count = std::min(records->size(), command.count.value_or(records->size()));
    std::string& out = m_outbox.begin_write(slot, m_buffers);
    protocol::write_ok(out, count, std::string_view{protocol::word::messages});
    auto record = std::next(records->begin(), static_cast<std::ptrdiff_t>(records->size() - count));
    for (; record != records->end(); ++record) {
        protocol::write_line(out, *record);
    }
    protocol::write_end_of_body(out);
    m_outbox.end_write(slot);
}

inline void Desk::run(std::uint32_t slot, const protocol::EndCommand& command, UnixMillis /*now*/) {
    const std::optional<std::uint32_t> customer = own_customer(slot, command.customer);
    if (!customer) {
        return;
    }
    reply_ok(slot);
    std::string reason = "conversation ended by ";
    reason += m_connections[slot].name;
    quit(*customer, reason, Departure::ended_by_agent);
}

inline void Desk::run(std::uint32_t slot, protocol::QuitCommand /*quit*/, UnixMillis /*now*/) {
    reply_ok(slot, std::string_view{protocol::word::bye});
    forget_user(slot, Departure::quit);
    m_outbox.request_close(slot, CloseMode::after_output, "quit");
}

inline void Desk::run(std::uint32_t slot, const protocol::PingCommand& command,
                      UnixMillis /*now*/) {
    reply_ok(slot, std::string_view{protocol::word::pong}, command.token);
}

inline void Desk::run(std::uint32_t slot, protocol::HelpCommand /*help*/, UnixMillis /*now*/) {
    std::string& out = m_outbox.begin_write(slot, m_buffers);
    protocol::write_ok(out, protocol::help_summary.size(),
                       std::string_view{protocol::word::commands});
    for (const std::string_view line : protocol::help_summary) {
        protocol::write_line(out, line);
    }
    protocol::write_end_of_body(out);
    m_outbox.end_write(slot);
}

/// @endcond

}  // namespace telechat

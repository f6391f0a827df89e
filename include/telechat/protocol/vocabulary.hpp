/// @file
/// @brief The words of 3MCP, each spelled once: command words, reply words,
///        push words and the keywords inside lines.
///
/// Both sides use these: the server matches command words (ignoring case)
/// and writes replies and pushes with them; a client writes commands with
/// them and reads replies and pushes against them. docs/protocol.md is the
/// contract: a word here is exactly the bytes it names there.
///
/// Every word is a `std::string_view` constant, so it can be handed straight
/// to protocol::write_line() or to a server's own variadic writer:
/// `write_line(out, word::queued, position)`.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <optional>
#include <string_view>

/// @brief The words of 3MCP (see vocabulary.hpp).
namespace telechat::protocol::word {

/// @name Command words (client to server, matched ignoring case)
/// `MSG` and `QUIT` are push words too: the same word, both directions.
/// @{
inline constexpr std::string_view connect = "CONNECT";  ///< `CONNECT CUSTOMER|AGENT ...`
inline constexpr std::string_view msg = "MSG";          ///< a message: command and push
inline constexpr std::string_view list = "LIST";        ///< who is connected (agents)
inline constexpr std::string_view hist = "HIST";        ///< a user's history (agents)
inline constexpr std::string_view end = "END";          ///< end a conversation (agents)
inline constexpr std::string_view quit = "QUIT";        ///< leave: command, and the closing push
inline constexpr std::string_view ping = "PING";        ///< liveness check, answered `+OK PONG`
inline constexpr std::string_view help = "HELP";        ///< the command summary
/// @}

/// @name Keywords inside lines
/// @{
inline constexpr std::string_view customer = "CUSTOMER";  ///< role: in CONNECT and LIST lines
inline constexpr std::string_view agent = "AGENT";        ///< role: in CONNECT and LIST lines
inline constexpr std::string_view waiting = "WAITING";    ///< a LIST line's waiting customer
inline constexpr std::string_view chatting = "CHATTING";  ///< a LIST line's chatting customer
inline constexpr std::string_view nobody = "*";  ///< a HIST record's recipient while waiting
/// @}

/// @name Reply words (server to client)
/// @{
inline constexpr std::string_view ok = "+OK";           ///< a success reply starts so
inline constexpr std::string_view error = "-ERR";       ///< a failure reply starts so
inline constexpr std::string_view end_of_body = ".";    ///< the line ending a multi-line reply
inline constexpr std::string_view welcome = "welcome";  ///< `+OK welcome <name>`
inline constexpr std::string_view received = "message received";  ///< `+OK message received`
inline constexpr std::string_view bye = "bye";                    ///< `+OK bye`
inline constexpr std::string_view pong = "PONG";                  ///< `+OK PONG [<token>]`
inline constexpr std::string_view users = "users";                ///< `+OK <n> users` (LIST)
inline constexpr std::string_view messages = "messages";          ///< `+OK <n> messages` (HIST)
inline constexpr std::string_view commands = "commands";          ///< `+OK 8 commands` (HELP)
/// @}

/// @name Push words (server to client, unasked)
/// With word::msg and word::quit above.
/// @{
inline constexpr std::string_view queued = "QUEUED";      ///< `QUEUED <position>`
inline constexpr std::string_view assigned = "ASSIGNED";  ///< `ASSIGNED <name>`
inline constexpr std::string_view left = "LEFT";          ///< `LEFT <customer>`
/// @}

}  // namespace telechat::protocol::word

namespace telechat::protocol {

/// @brief The lines a server sends on its own, one kind per push word.
enum class PushKind {
    msg,       ///< `MSG <from> <text>`: a message
    queued,    ///< `QUEUED <position>`: the place in the waiting line
    assigned,  ///< `ASSIGNED <name>`: the agent, or the new customer
    left,      ///< `LEFT <customer>`: the agent's customer left
    quit,      ///< `QUIT <reason>`: the server closes the connection; nothing follows
};

/// @brief The word a push of this kind starts with.
/// @param kind the push.
/// @return the word, e.g. `QUEUED`.
[[nodiscard]] constexpr std::string_view push_word(PushKind kind) noexcept {
    switch (kind) {
        case PushKind::msg:
            return word::msg;
        case PushKind::queued:
            return word::queued;
        case PushKind::assigned:
            return word::assigned;
        case PushKind::left:
            return word::left;
        case PushKind::quit:
            return word::quit;
    }
    return word::msg;
}

/// @brief The push a word starts, if it is a push word (exact: the server
///        spells its words in upper case).
/// @param first_word the first word of a line from the server.
/// @return the kind, or nullopt.
[[nodiscard]] constexpr std::optional<PushKind> push_kind(std::string_view first_word) noexcept {
    for (const PushKind kind :
         {PushKind::msg, PushKind::queued, PushKind::assigned, PushKind::left, PushKind::quit}) {
        if (push_word(kind) == first_word) {
            return kind;
        }
    }
    return std::nullopt;
}

}  // namespace telechat::protocol

/// @file
/// @brief The 3MCP error codes that follow `-ERR` in a reply.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <optional>
#include <string_view>

namespace telechat::protocol {

/// @brief Why a command failed; the word after `-ERR` in the reply.
///
/// docs/protocol.md says when each one happens.
enum class ErrorCode {
    bad_command,        ///< the command word is not a 3MCP command
    bad_args,           ///< missing, extra or malformed arguments
    not_connected,      ///< a command that needs CONNECT first
    already_connected,  ///< CONNECT on a registered connection
    bad_name,           ///< a name outside `[A-Za-z0-9][A-Za-z0-9_.-]{0,31}`
    name_taken,         ///< another connected user has that name (ignoring case)
    auth_failed,        ///< wrong agent key
    forbidden,          ///< a customer used an agent command
    no_such_user,       ///< no connected user (or, for HIST, no user ever) has that name
    not_assigned,       ///< the named user is not this agent's customer
    too_long,           ///< the line passed the maximum line length
    bad_text,           ///< invalid UTF-8 or a control character in the line
    server_full,        ///< a server limit was reached
};

/// @brief The code as it appears on the wire, e.g. `NAME_TAKEN`.
/// @param code the error code.
/// @return the upper-case name, with static storage.
[[nodiscard]] constexpr std::string_view wire_name(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::bad_command:
            return "BAD_COMMAND";
        case ErrorCode::bad_args:
            return "BAD_ARGS";
        case ErrorCode::not_connected:
            return "NOT_CONNECTED";
        case ErrorCode::already_connected:
            return "ALREADY_CONNECTED";
        case ErrorCode::bad_name:
            return "BAD_NAME";
        case ErrorCode::name_taken:
            return "NAME_TAKEN";
        case ErrorCode::auth_failed:
            return "AUTH_FAILED";
        case ErrorCode::forbidden:
            return "FORBIDDEN";
        case ErrorCode::no_such_user:
            return "NO_SUCH_USER";
        case ErrorCode::not_assigned:
            return "NOT_ASSIGNED";
        case ErrorCode::too_long:
            return "TOO_LONG";
        case ErrorCode::bad_text:
            return "BAD_TEXT";
        case ErrorCode::server_full:
            return "SERVER_FULL";
    }
    return "BAD_COMMAND";
}

/// @brief The code whose wire name is `word` (exact, upper case), if any.
/// @param word the word after `-ERR`, e.g. `NAME_TAKEN`.
/// @return the code, or nullopt for a word 3MCP does not define.
[[nodiscard]] constexpr std::optional<ErrorCode> from_wire_name(std::string_view word) noexcept {
    for (int value = 0; value <= static_cast<int>(ErrorCode::server_full); ++value) {
        const auto code = static_cast<ErrorCode>(value);
        if (wire_name(code) == word) {
            return code;
        }
    }
    return std::nullopt;
}

}  // namespace telechat::protocol

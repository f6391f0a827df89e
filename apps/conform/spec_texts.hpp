// The exact texts docs/protocol.md prescribes (reasons, the HELP reply),
// copied from the specification on purpose rather than taken from the
// library's server code: the kit checks servers against the document, and a
// change to the reference server must not silently change what the kit
// expects. The command and error words come from the library's vocabulary,
// which is the specification's word for word.
#pragma once

#include <telechat/protocol/error_code.hpp>

#include <array>
#include <string>
#include <string_view>

namespace conform::spec {

using telechat::protocol::ErrorCode;

/// `-ERR <CODE> <reason>` for `code`.
inline std::string error_line(ErrorCode code, std::string_view reason) {
    return "-ERR " + std::string(telechat::protocol::wire_name(code)) + " " + std::string(reason);
}

inline constexpr std::string_view bad_command = "unknown command; try HELP";
inline constexpr std::string_view not_connected = "CONNECT first";
inline constexpr std::string_view forbidden = "only agents may do that";
inline constexpr std::string_view already_connected = "this connection is registered already";
inline constexpr std::string_view connect_usage =
    "usage: CONNECT CUSTOMER <name> | CONNECT AGENT <name> <key>";
inline constexpr std::string_view unknown_role = "the role must be CUSTOMER or AGENT";
inline constexpr std::string_view name_missing = "a name is missing";
inline constexpr std::string_view key_missing = "an agent key is missing";
inline constexpr std::string_view too_many_arguments = "too many arguments";
inline constexpr std::string_view bad_name =
    "names are 1-32 of A-Z a-z 0-9 _ . - starting with a letter or digit";
inline constexpr std::string_view wrong_key = "wrong agent key";
inline constexpr std::string_view name_taken = "that name is in use";
inline constexpr std::string_view customer_msg_usage = "usage: MSG <text>";
inline constexpr std::string_view agent_msg_usage = "usage: MSG <customer> <text>";
inline constexpr std::string_view backlog_full =
    "too many messages while waiting; wait for an agent";
inline constexpr std::string_view nobody_connected = "nobody of that name is connected";
inline constexpr std::string_view not_your_customer = "that user is not your customer";
inline constexpr std::string_view list_usage = "usage: LIST";
inline constexpr std::string_view hist_usage = "usage: HIST <name> [<count>]";
inline constexpr std::string_view bad_count = "the count must be a positive integer";
inline constexpr std::string_view no_history = "no history is kept for that name";
inline constexpr std::string_view end_usage = "usage: END <customer>";
inline constexpr std::string_view bad_text = "lines must be UTF-8 text without control characters";
inline constexpr std::string_view server_full = "the server is full, try again later";

/// `-ERR TOO_LONG ...` for a limit of `max_line` bytes.
inline std::string too_long_line(unsigned long long max_line) {
    return "-ERR TOO_LONG lines are limited to " + std::to_string(max_line) +
           " bytes, line ending included";
}

/// The QUIT pushes' reasons.
inline constexpr std::string_view quit_strikes = "QUIT too many failed attempts";
inline constexpr std::string_view quit_register_timeout = "QUIT registration timeout";
inline constexpr std::string_view quit_idle_timeout = "QUIT idle timeout";
inline std::string quit_ended_by(std::string_view agent) {
    return "QUIT conversation ended by " + std::string(agent);
}

/// The whole reply to HELP, line by line, without line endings.
inline constexpr std::array<std::string_view, 10> help_reply{{
    "+OK 8 commands",
    "CONNECT CUSTOMER <name> | CONNECT AGENT <name> <key> - anyone not registered yet",
    "MSG <text> (customer) | MSG <customer> <text> (agent) - registered users",
    "LIST - agents: who is connected",
    "HIST <name> [<count>] - agents: the latest messages sent by or to <name>",
    "END <customer> - agents: end the conversation with <customer>",
    "QUIT [<reason>] - anyone: close the connection",
    "PING [<token>] - anyone: the server answers PONG <token>",
    "HELP - anyone: this summary",
    ".",
}};

}  // namespace conform::spec

namespace conform {
using telechat::protocol::ErrorCode;
}  // namespace conform

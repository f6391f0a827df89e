/// @file
/// @brief Parsing one 3MCP line into a typed command.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "error_code.hpp"
#include "text.hpp"
#include "vocabulary.hpp"

namespace telechat::protocol {

/// @brief The 3MCP commands a client may send.
enum class CommandKind { connect, msg, list, hist, end, quit, ping, help };

/// @brief The word a command of this kind starts with.
/// @param kind the command.
/// @return the word, upper case, e.g. `HIST`.
[[nodiscard]] constexpr std::string_view command_word(CommandKind kind) noexcept {
    switch (kind) {
        case CommandKind::connect:
            return word::connect;
        case CommandKind::msg:
            return word::msg;
        case CommandKind::list:
            return word::list;
        case CommandKind::hist:
            return word::hist;
        case CommandKind::end:
            return word::end;
        case CommandKind::quit:
            return word::quit;
        case CommandKind::ping:
            return word::ping;
        case CommandKind::help:
            return word::help;
    }
    return word::help;
}

/// @brief Every command, in the order HELP lists them.
inline constexpr std::array<CommandKind, 8> all_commands{
    CommandKind::connect, CommandKind::msg,  CommandKind::list, CommandKind::hist,
    CommandKind::end,     CommandKind::quit, CommandKind::ping, CommandKind::help};

/// @brief Who a user is once registered.
enum class Role { customer, agent };

/// @brief A line cut at its command word.
struct CommandLine {
    /// @brief Which command the word names (matched ignoring case).
    CommandKind kind = CommandKind::help;
    /// @brief What follows the command word and the one space after it,
    ///        exactly as sent (empty if nothing follows).
    std::string_view arguments;
};

/// @brief `CONNECT CUSTOMER <name>` or `CONNECT AGENT <name> <key>`.
struct ConnectCommand {
    /// @brief The command this is.
    static constexpr CommandKind kind = CommandKind::connect;
    /// @brief The role asked for.
    Role role = Role::customer;
    /// @brief The name, as spelled; already checked by is_valid_name().
    std::string_view name;
    /// @brief The agent key (empty for a customer). Never log or echo it.
    std::string_view key;
};

/// @brief `MSG <text>` (customer) or `MSG <customer> <text>` (agent).
struct MsgCommand {
    /// @brief The command this is.
    static constexpr CommandKind kind = CommandKind::msg;
    /// @brief The customer the agent writes to; empty in a customer's MSG.
    std::string_view recipient;
    /// @brief The message, exactly as sent; never empty.
    std::string_view text;
};

/// @brief `HIST <name> [<count>]`.
struct HistCommand {
    /// @brief The command this is.
    static constexpr CommandKind kind = CommandKind::hist;
    /// @brief Whose history.
    std::string_view name;
    /// @brief How many of the latest messages; empty means all retained.
    std::optional<std::size_t> count;
};

/// @brief `END <customer>`.
struct EndCommand {
    /// @brief The command this is.
    static constexpr CommandKind kind = CommandKind::end;
    /// @brief The customer whose conversation ends.
    std::string_view customer;
};

/// @brief `QUIT [<reason>]` or `PING [<token>]`: a command whose argument,
///        if any, is free text.
struct TextCommand {
    /// @brief The reason or token, exactly as sent; may be empty.
    std::string_view text;
};

/// @brief Why a line's arguments were refused.
struct ParseError {
    /// @brief `BAD_ARGS` or `BAD_NAME`.
    ErrorCode code = ErrorCode::bad_args;
    /// @brief A short explanation for the person reading the reply.
    std::string_view reason;
};

/// @brief A parsed command, or why its arguments were refused.
template <class Command>
using Parsed = std::variant<Command, ParseError>;

/// @brief Whether `name` is a valid 3MCP name: 1-32 characters of
///        `[A-Za-z0-9_.-]`, the first a letter or a digit.
/// @param name the candidate.
/// @return true if valid.
[[nodiscard]] constexpr bool is_valid_name(std::string_view name) noexcept {
    constexpr std::size_t max_name_length = 32;
    const auto is_alnum = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    if (name.empty() || name.size() > max_name_length || !is_alnum(name.front())) {
        return false;
    }
    for (const char c : name) {
        if (!is_alnum(c) && c != '_' && c != '.' && c != '-') {
            return false;
        }
    }
    return true;
}

}  // namespace telechat::protocol

namespace telechat::detail {

[[nodiscard]] constexpr char to_lower_ascii(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

[[nodiscard]] constexpr bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (to_lower_ascii(a[i]) != to_lower_ascii(b[i])) {
            return false;
        }
    }
    return true;
}

[[nodiscard]] constexpr std::string_view skip_spaces(std::string_view text) noexcept {
    const std::size_t start = text.find_first_not_of(' ');
    if (start == std::string_view::npos) {
        return {};
    }
    text.remove_prefix(start);  // not substr(): no range check to throw, so it stays inline
    return text;
}

[[nodiscard]] constexpr bool only_spaces(std::string_view text) noexcept {
    return skip_spaces(text).empty();
}

}  // namespace telechat::detail

namespace telechat::protocol {

/// @brief Cuts the next word off the front of `text`: the one word
///        splitter of 3MCP, for the server's parser and the client alike.
///
/// Words are separated by runs of spaces (only ' ': a tab is part of a
/// word). A run of spaces before the word is skipped; `text` keeps what
/// follows the word, starting at the space after it, so free text that
/// follows can be taken with text_after_word().
/// @code
///   std::string_view rest = "  MSG bob  hi there";
///   next_word(rest);        // "MSG",  rest == " bob  hi there"
///   next_word(rest);        // "bob",  rest == "  hi there"
///   text_after_word(rest);  // " hi there" (only the one separating space goes)
/// @endcode
/// @param text the text to cut from; on return, what follows the word.
/// @return the word, or empty if `text` held only spaces.
/// @complexity O(length of the spaces and the word).
[[nodiscard]] constexpr std::string_view next_word(std::string_view& text) noexcept {
    text = detail::skip_spaces(text);
    const std::size_t end = text.find(' ');
    if (end == std::string_view::npos) {
        return std::exchange(text, std::string_view{});
    }
    const std::string_view word(text.data(), end);
    text.remove_prefix(end);
    return word;
}

/// @brief The free text after a word cut by next_word(): everything after
///        the one space that separates it, exactly as sent.
/// @param after_word what next_word() left in its argument.
/// @return the free text, possibly empty.
/// @complexity O(1).
[[nodiscard]] constexpr std::string_view text_after_word(std::string_view after_word) noexcept {
    if (!after_word.empty()) {
        after_word.remove_prefix(1);
    }
    return after_word;
}

/// @brief Finds the command word of a non-empty line.
/// @param line one line, without its line ending; leading spaces are skipped.
/// @return the command and its arguments, or nothing if the word is not a
///         3MCP command (`BAD_COMMAND`).
[[nodiscard]] constexpr std::optional<CommandLine> split_command(std::string_view line) noexcept {
    std::string_view rest = line;
    const std::string_view word = next_word(rest);
    for (const CommandKind kind : all_commands) {
        if (detail::equals_ignoring_case(word, command_word(kind))) {
            return CommandLine{kind, text_after_word(rest)};
        }
    }
    return std::nullopt;
}

/// @brief Parses the arguments of CONNECT.
///
/// The checks run in the order the protocol fixes: missing or unknown role,
/// missing name, missing agent key, extra words (all `BAD_ARGS`), then the
/// name's syntax (`BAD_NAME`).
/// @param arguments CommandLine::arguments of a CONNECT line.
/// @return the command, or the first failing check.
[[nodiscard]] constexpr Parsed<ConnectCommand> parse_connect(std::string_view arguments) noexcept {
    std::string_view rest = arguments;
    const std::string_view role_word = next_word(rest);
    ConnectCommand command;
    if (detail::equals_ignoring_case(role_word, word::customer)) {
        command.role = Role::customer;
    } else if (detail::equals_ignoring_case(role_word, word::agent)) {
        command.role = Role::agent;
    } else {
        return ParseError{ErrorCode::bad_args,
                          role_word.empty()
                              ? "usage: CONNECT CUSTOMER <name> | CONNECT AGENT <name> <key>"
                              : "the role must be CUSTOMER or AGENT"};
    }
    command.name = next_word(rest);
    if (command.name.empty()) {
        return ParseError{ErrorCode::bad_args, "a name is missing"};
    }
    if (command.role == Role::agent) {
        command.key = next_word(rest);
        if (command.key.empty()) {
            return ParseError{ErrorCode::bad_args, "an agent key is missing"};
        }
    }
    if (!detail::only_spaces(rest)) {
        return ParseError{ErrorCode::bad_args, "too many arguments"};
    }
    if (!is_valid_name(command.name)) {
        return ParseError{ErrorCode::bad_name,
                          "names are 1-32 of A-Z a-z 0-9 _ . - starting with a letter or digit"};
    }
    return command;
}

/// @brief Parses the arguments of MSG, as a customer or an agent sends it.
/// @param arguments CommandLine::arguments of a MSG line.
/// @param sender whose MSG it is: a customer's has no recipient.
/// @return the command, or `BAD_ARGS` if the recipient or the text is missing.
[[nodiscard]] constexpr Parsed<MsgCommand> parse_msg(std::string_view arguments,
                                                     Role sender) noexcept {
    if (sender == Role::customer) {
        if (arguments.empty()) {
            return ParseError{ErrorCode::bad_args, "usage: MSG <text>"};
        }
        return MsgCommand{{}, arguments};
    }
    std::string_view rest = arguments;
    MsgCommand command;
    command.recipient = next_word(rest);
    command.text = text_after_word(rest);
    if (command.recipient.empty() || command.text.empty()) {
        return ParseError{ErrorCode::bad_args, "usage: MSG <customer> <text>"};
    }
    return command;
}

/// @brief Parses the arguments of HIST: a name and an optional positive count.
/// @param arguments CommandLine::arguments of a HIST line.
/// @return the command, or `BAD_ARGS`.
[[nodiscard]] constexpr Parsed<HistCommand> parse_hist(std::string_view arguments) noexcept {
    std::string_view rest = arguments;
    HistCommand command;
    command.name = next_word(rest);
    if (command.name.empty()) {
        return ParseError{ErrorCode::bad_args, "usage: HIST <name> [<count>]"};
    }
    const std::string_view count_word = next_word(rest);
    if (!detail::only_spaces(rest)) {
        return ParseError{ErrorCode::bad_args, "too many arguments"};
    }
    if (count_word.empty()) {
        return command;
    }
    std::size_t count = 0;
    constexpr std::size_t saturated = SIZE_MAX / 10 - 1;
    for (const char c : count_word) {
        if (c < '0' || c > '9') {
            return ParseError{ErrorCode::bad_args, "the count must be a positive integer"};
        }
        count = count >= saturated ? saturated : count * 10 + static_cast<std::size_t>(c - '0');
    }
    if (count == 0) {
        return ParseError{ErrorCode::bad_args, "the count must be a positive integer"};
    }
    command.count = count;
    return command;
}

/// @brief Parses the arguments of END: exactly one name.
/// @param arguments CommandLine::arguments of an END line.
/// @return the command, or `BAD_ARGS`.
[[nodiscard]] constexpr Parsed<EndCommand> parse_end(std::string_view arguments) noexcept {
    std::string_view rest = arguments;
    const std::string_view customer = next_word(rest);
    if (customer.empty() || !detail::only_spaces(rest)) {
        return ParseError{ErrorCode::bad_args, "usage: END <customer>"};
    }
    return EndCommand{customer};
}

/// @brief Checks that a command that takes no arguments (LIST) got none.
/// @param arguments CommandLine::arguments of the line.
/// @return true if there are none (spaces alone do not count).
[[nodiscard]] constexpr bool has_no_arguments(std::string_view arguments) noexcept {
    return detail::only_spaces(arguments);
}

/// @brief The free-text argument of QUIT or PING, after any run of spaces.
/// @param arguments CommandLine::arguments of the line.
/// @return the reason or token, possibly empty.
[[nodiscard]] constexpr TextCommand parse_text_argument(std::string_view arguments) noexcept {
    return TextCommand{detail::skip_spaces(arguments)};
}

/// @brief `LIST`.
struct ListCommand {
    /// @brief The command this is.
    static constexpr CommandKind kind = CommandKind::list;
};

/// @brief `QUIT [<reason>]`.
struct QuitCommand {
    /// @brief The command this is.
    static constexpr CommandKind kind = CommandKind::quit;
    /// @brief The reason, after any run of spaces; may be empty.
    std::string_view reason;
};

/// @brief `PING [<token>]`.
struct PingCommand {
    /// @brief The command this is.
    static constexpr CommandKind kind = CommandKind::ping;
    /// @brief The token to echo, after any run of spaces; may be empty.
    std::string_view token;
};

/// @brief `HELP` (any arguments are ignored).
struct HelpCommand {
    /// @brief The command this is.
    static constexpr CommandKind kind = CommandKind::help;
};

/// @brief A line of spaces only, or nothing: ignored, no reply.
struct BlankLine {};

/// @brief A line refused as a whole, whoever sent it: `BAD_TEXT` (not
///        UTF-8, or control characters) or `BAD_COMMAND` (unknown word).
struct RefusedLine {
    /// @brief The error to reply with.
    ErrorCode code = ErrorCode::bad_command;
    /// @brief A short explanation for the person reading the reply.
    std::string_view reason;
};

/// @brief A known command whose arguments are wrong. The error is replied
///        only after the checks of who may send the command (for instance
///        `NOT_CONNECTED` comes before `BAD_ARGS`), hence the kind.
struct BadArguments {
    /// @brief The command the line names.
    CommandKind command = CommandKind::help;
    /// @brief What is wrong (`BAD_ARGS` or `BAD_NAME`).
    ParseError error;
};

/// @brief One line, parsed once: a command ready to run, or why it cannot.
using Command =
    std::variant<BlankLine, RefusedLine, BadArguments, ConnectCommand, MsgCommand, ListCommand,
                 HistCommand, EndCommand, QuitCommand, PingCommand, HelpCommand>;

/// @brief The command a parsed line names.
/// @param command a parsed line.
/// @return its kind, or nothing for a BlankLine or a RefusedLine.
/// @complexity O(1).
[[nodiscard]] constexpr std::optional<CommandKind> kind_of(const Command& command) noexcept {
    return std::visit(
        [](const auto& alternative) -> std::optional<CommandKind> {
            using Alternative = std::decay_t<decltype(alternative)>;
            if constexpr (std::is_same_v<Alternative, BadArguments>) {
                return alternative.command;
            } else if constexpr (requires { Alternative::kind; }) {
                return Alternative::kind;
            } else {
                return std::nullopt;
            }
        },
        command);
}

/// @brief Parses one line into a typed command, in the order of checks
///        the protocol fixes: blank, text, command word, then arguments.
///
/// The line-length check belongs to the framer and comes before this. What
/// a line means may still depend on who sent it (`NOT_CONNECTED`,
/// `FORBIDDEN`, ...): those checks are the caller's, to run before it
/// replies a BadArguments.
/// @param line one line, without its line ending.
/// @param sender who sends it: MSG reads `<text>` from a customer and
///        `<customer> <text>` from an agent (use customer before CONNECT).
/// @return the command, or why the line is refused.
/// @complexity O(line length).
[[nodiscard]] constexpr Command parse_command(std::string_view line, Role sender) noexcept {
    if (detail::only_spaces(line)) {
        return BlankLine{};
    }
    if (!is_valid_text(line)) {
        return RefusedLine{ErrorCode::bad_text,
                           "lines must be UTF-8 text without control characters"};
    }
    const std::optional<CommandLine> split = split_command(line);
    if (!split) {
        return RefusedLine{ErrorCode::bad_command, "unknown command; try HELP"};
    }
    const auto typed = [kind = split->kind](const auto& parsed) -> Command {
        if (const auto* error = std::get_if<ParseError>(&parsed)) {
            return BadArguments{kind, *error};
        }
        return std::get<0>(parsed);
    };
    switch (split->kind) {
        case CommandKind::connect:
            return typed(parse_connect(split->arguments));
        case CommandKind::msg:
            return typed(parse_msg(split->arguments, sender));
        case CommandKind::list:
            if (!has_no_arguments(split->arguments)) {
                return BadArguments{CommandKind::list,
                                    ParseError{ErrorCode::bad_args, "usage: LIST"}};
            }
            return ListCommand{};
        case CommandKind::hist:
            return typed(parse_hist(split->arguments));
        case CommandKind::end:
            return typed(parse_end(split->arguments));
        case CommandKind::quit:
            return QuitCommand{parse_text_argument(split->arguments).text};
        case CommandKind::ping:
            return PingCommand{parse_text_argument(split->arguments).text};
        case CommandKind::help:
            break;
    }
    return HelpCommand{};
}

/// @brief The body of the reply to HELP: one line per command, in the
///        order of docs/protocol.md.
inline constexpr std::array<std::string_view, 8> help_summary{{
    "CONNECT CUSTOMER <name> | CONNECT AGENT <name> <key> - anyone not registered yet",
    "MSG <text> (customer) | MSG <customer> <text> (agent) - registered users",
    "LIST - agents: who is connected",
    "HIST <name> [<count>] - agents: the latest messages sent by or to <name>",
    "END <customer> - agents: end the conversation with <customer>",
    "QUIT [<reason>] - anyone: close the connection",
    "PING [<token>] - anyone: the server answers PONG <token>",
    "HELP - anyone: this summary",
}};

}  // namespace telechat::protocol

// What a line typed into telechat-client means: a 3MCP request, or
// something the client does itself (the slash commands, /wait and /sleep for
// scripts), and failed replies in words. This is the program's interface; the
// protocol itself is telechat::client::Session's.
#pragma once

#include <telechat/client/session.hpp>
#include <telechat/protocol/command.hpp>
#include <telechat/protocol/error_code.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace client_app {

using telechat::client::Reply;
using telechat::client::Session;
using telechat::protocol::CommandKind;
using telechat::protocol::PushKind;
using telechat::protocol::Role;

/// @brief Send these bytes (Session has recorded the request).
struct SendLine {
    std::string bytes;    ///< one LF-terminated 3MCP line
    CommandKind request;  ///< what it asks for
};

/// @brief Make a customer the current one, to whom plain lines go (`/switch`, agents).
struct SwitchTo {
    std::string name;  ///< as typed; the client checks that it is a customer
};

/// @brief Show the client's own help (`/help`).
struct ShowHelp {};

/// @brief Wait for the next push of a kind before reading more input (`/wait`, for scripts).
struct WaitForPush {
    PushKind kind = PushKind::msg;  ///< the push waited for
    double seconds = 10;            ///< give up after this long
};

/// @brief Read no input for a while (`/sleep`, for scripts).
struct Pause {
    double seconds = 0;  ///< how long
};

/// @brief The line cannot be used; nothing was sent.
struct InputProblem {
    std::string message;  ///< what is wrong and what to type instead, for a person
};

/// @brief Nothing to do (an empty or all-space line).
struct Nothing {};

/// @brief What interpret() decided.
using Action =
    std::variant<SendLine, SwitchTo, ShowHelp, WaitForPush, Pause, InputProblem, Nothing>;

/// @brief The client's help text, one command per line, for a role.
/// @param role the user's role.
/// @return the lines, LF-terminated.
[[nodiscard]] inline std::string help_text(std::optional<Role> role) {
    if (role == Role::agent) {
        return "<text>                  send a message to your current customer\n"
               "/switch <customer>      make <customer> the current one (Tab on an empty line)\n"
               "/msg <customer> <text>  send a message to one of your customers\n"
               "/m <text>               reply to the customer who wrote last\n"
               "/list                   who is connected\n"
               "/hist <name> [n]        the last n messages sent by or to <name>\n"
               "/end <customer>         end the conversation with <customer>\n"
               "//<text>                send a message that starts with /\n"
               "/help                   this list\n"
               "/quit                   leave (Ctrl-D on an empty line too)\n";
    }
    return "<text>                  send a message to your agent (kept until one is assigned)\n"
           "//<text>                send a message that starts with /\n"
           "/help                   this list\n"
           "/quit                   leave (Ctrl-D on an empty line too)\n";
}

/// @brief The slash commands of a role, as help_text() lists them (for Tab completion).
/// @param role the user's role.
/// @return "/msg", "/m", ... in the order of the help text.
[[nodiscard]] inline std::vector<std::string> command_names(std::optional<Role> role) {
    std::vector<std::string> names;
    const std::string text = help_text(role);
    std::string_view rest = text;
    while (!rest.empty()) {
        const std::string_view line = rest.substr(0, rest.find('\n'));
        rest.remove_prefix(std::min(rest.size(), line.size() + 1));
        if (line.starts_with('/') && !line.starts_with("//")) {
            names.emplace_back(line.substr(0, line.find(' ')));
        }
    }
    return names;
}

namespace detail {

// Typed lines are split as 3MCP splits commands (protocol/command.hpp): the
// first word after any spaces, and the free text after the one space that
// follows it.
[[nodiscard]] inline std::pair<std::string_view, std::string_view> word_and_text(
    std::string_view text) {
    const std::string_view word = telechat::protocol::next_word(text);
    return {word, telechat::protocol::text_after_word(text)};
}

using telechat::detail::only_spaces;

[[nodiscard]] inline std::optional<double> parse_seconds(std::string_view text) {
    if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789.") != text.npos) {
        return std::nullopt;
    }
    const double seconds = std::stod(std::string(text));
    return seconds <= 3600 ? std::optional<double>(seconds) : std::nullopt;
}

// The names a script gives pushes in /wait, as script mode prints them.
[[nodiscard]] inline std::optional<PushKind> push_kind_named(std::string_view word) {
    if (word == "msg") {
        return PushKind::msg;
    }
    if (word == "queued") {
        return PushKind::queued;
    }
    if (word == "assigned") {
        return PushKind::assigned;
    }
    if (word == "left") {
        return PushKind::left;
    }
    if (word == "closed") {
        return PushKind::quit;
    }
    return std::nullopt;
}

// An agent's plain line goes to its current customer, or else its only
// one; with none or several it is ambiguous, and the problem says how to be
// explicit.
[[nodiscard]] inline Action agent_plain_line(std::string_view text, Session& session,
                                             std::string_view current) {
    const auto& customers = session.customers();
    if (!current.empty() || customers.size() == 1) {
        return SendLine{session.message_to(current.empty() ? customers.front() : current, text),
                        CommandKind::msg};
    }
    if (customers.empty()) {
        return InputProblem{"you have no customer yet; wait for one to be assigned"};
    }
    std::string names;
    for (const std::string& customer : customers) {
        names += (names.empty() ? "" : ", ") + customer;
    }
    return InputProblem{
        "you have " + std::to_string(customers.size()) + " customers (" + names +
        "): use /msg <customer> <text>, or /m <text> for " +
        (session.last_writer().empty() ? "the one who writes next" : session.last_writer())};
}

[[nodiscard]] inline Action agent_command(std::string_view command, std::string_view rest,
                                          Session& session) {
    const auto [first, after_first] = word_and_text(rest);
    if (command == "msg") {
        if (first.empty() || after_first.empty()) {
            return InputProblem{"usage: /msg <customer> <text>"};
        }
        return SendLine{session.message_to(first, after_first), CommandKind::msg};
    }
    if (command == "m") {
        if (rest.empty()) {
            return InputProblem{"usage: /m <text>"};
        }
        if (session.last_writer().empty()) {
            return InputProblem{"no customer has written to you yet: use /msg <customer> <text>"};
        }
        return SendLine{session.message_to(session.last_writer(), rest), CommandKind::msg};
    }
    if (command == "list") {
        return SendLine{session.list(), CommandKind::list};
    }
    if (command == "hist") {
        const auto [count, extra] = word_and_text(after_first);
        if (first.empty() || !only_spaces(extra)) {
            return InputProblem{"usage: /hist <name> [n]"};
        }
        return SendLine{session.history(first, count), CommandKind::hist};
    }
    if (command == "end") {
        if (first.empty() || !only_spaces(after_first)) {
            return InputProblem{"usage: /end <customer>"};
        }
        return SendLine{session.end(first), CommandKind::end};
    }
    if (command == "switch") {
        if (first.empty() || !only_spaces(after_first)) {
            return InputProblem{"usage: /switch <customer>"};
        }
        return SwitchTo{std::string(first)};
    }
    return InputProblem{"unknown command /" + std::string(command) + "; /help lists the commands"};
}

[[nodiscard]] inline Action script_command(std::string_view command, std::string_view rest) {
    const auto [first, after_first] = word_and_text(rest);
    if (command == "sleep") {
        const auto seconds = parse_seconds(first);
        if (!seconds || !only_spaces(after_first)) {
            return InputProblem{"usage: /sleep <seconds>"};
        }
        return Pause{*seconds};
    }
    const auto kind = push_kind_named(first);
    const auto [limit, extra] = word_and_text(after_first);
    const auto seconds = limit.empty() ? std::optional<double>(10) : parse_seconds(limit);
    if (!kind || !seconds || !only_spaces(extra)) {
        return InputProblem{"usage: /wait msg|queued|assigned|left|closed [seconds]"};
    }
    return WaitForPush{*kind, *seconds};
}

}  // namespace detail

/// @brief What a line typed by the user means, for a registered user.
///
/// A customer's plain line is a message to its agent; an agent's plain line
/// goes to `current` (see AgentView), or with none to its only customer. A line starting with `/`
/// is a command (see help_text()); `//` escapes a message that starts with `/`. `/wait` and
/// `/sleep` are for scripts: they hold back the next input line. Requests
/// are written through `session`, which records them.
///
/// @param input the line, without its line ending.
/// @param session the connection's session.
/// @param current an agent's current customer; empty for none.
/// @return what to do.
[[nodiscard]] inline Action interpret(std::string_view input, Session& session,
                                      std::string_view current = {}) {
    if (detail::only_spaces(input)) {
        return Nothing{};
    }
    const bool is_agent = session.role() == Role::agent;
    if (!input.starts_with('/') || input.starts_with("//")) {
        const std::string_view text = input.starts_with("//") ? input.substr(1) : input;
        return is_agent ? detail::agent_plain_line(text, session, current)
                        : SendLine{session.message(text), CommandKind::msg};
    }
    const auto [command, rest] = detail::word_and_text(input.substr(1));
    if (command == "quit") {
        return SendLine{session.quit(), CommandKind::quit};
    }
    if (command == "help") {
        return ShowHelp{};
    }
    if (command == "wait" || command == "sleep") {
        return detail::script_command(command, rest);
    }
    if (!is_agent) {
        const bool agent_only = command == "msg" || command == "m" || command == "list" ||
                                command == "hist" || command == "end" || command == "switch";
        return InputProblem{
            agent_only ? "/" + std::string(command) + " is for agents; just type your message"
                       : "unknown command /" + std::string(command) + "; /help lists the commands"};
    }
    return detail::agent_command(command, rest, session);
}

/// @brief An `-ERR` reply in words a person understands, for the request it answers.
///
/// The server's reason is written for people already, but it cannot know
/// what the user typed: this adds the name in question and what to do next.
/// @param reply a failed reply.
/// @return one sentence, without a line ending.
[[nodiscard]] inline std::string explain_error(const Reply& reply) {
    using telechat::protocol::ErrorCode;
    const std::string who = reply.target.empty() ? "that user" : reply.target;
    if (!reply.code) {
        return "the server refused: " + reply.code_word + " " + reply.text;
    }
    switch (*reply.code) {
        case ErrorCode::bad_command:
            return "the server does not know that command";
        case ErrorCode::bad_args:
            return "the server did not accept the arguments (" + reply.text + ")";
        case ErrorCode::not_connected:
            return "you are not registered yet";
        case ErrorCode::already_connected:
            return "you are registered already";
        case ErrorCode::bad_name:
            return "that name is not allowed: use 1 to 32 letters, digits, _ . or -, starting with "
                   "a "
                   "letter or digit";
        case ErrorCode::name_taken:
            return "that name is in use, pick another";
        case ErrorCode::auth_failed:
            return "wrong agent key";
        case ErrorCode::forbidden:
            return "only agents can do that";
        case ErrorCode::no_such_user:
            return reply.request == CommandKind::hist ? "there is no history for " + who
                                                      : "nobody called " + who + " is connected";
        case ErrorCode::not_assigned:
            return who + " is not one of your customers";
        case ErrorCode::too_long:
            return "that line is too long for the server (" + reply.text + ")";
        case ErrorCode::bad_text:
            return "the server refused the text: only UTF-8 without control characters is allowed";
        case ErrorCode::server_full:
            return reply.request == CommandKind::msg
                       ? "too many messages while you wait; wait for an agent before sending more"
                       : "the server is full, try again later";
    }
    return reply.text;
}

}  // namespace client_app

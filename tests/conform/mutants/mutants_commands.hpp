// Mutants that break docs/protocol.md's Commands (protocol_commands and
// the sections of each command), Replies (protocol_replies) and the error
// codes (protocol_errors): who may send what, in which order errors are
// checked, what each reply says, and what happens after QUIT.
#pragma once

#include <telechat/protocol/command.hpp>
#include <telechat/protocol/text.hpp>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lines.hpp"
#include "mutants_syntax.hpp"
#include "mutation.hpp"
#include "text_faults.hpp"

namespace mutants {

/// @brief A reply rewritten when `rewrite` says so; every other line as it came.
inline auto reply_rewrite(
    std::function<std::optional<std::string>(const Heard&, const Talk&)> rewrite) {
    return on_lines({.server_line = [rewrite](Link& link, Talk& talk, const Heard& heard,
                                              std::string_view line) {
        const auto changed =
            heard.is(Heard::Kind::reply) ? rewrite(heard, talk) : std::optional<std::string>();
        link.to_client(changed ? *changed + "\r\n" : std::string(line));
    }});
}

/// @brief Every reply with error code `from` gets `to` instead (the whole line).
inline auto error_becomes(std::string_view from, std::string to) {
    const std::string prefix = "-ERR " + std::string(from) + " ";
    return reply_rewrite([prefix, to](const Heard& heard, const Talk&) {
        return heard.line.starts_with(prefix) ? std::optional(to) : std::nullopt;
    });
}

/// @brief The client line with its `index`-th word (0 = the command) removed.
inline std::string without_word(std::string_view body, std::size_t index) {
    const auto words = words_of(body);
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i != index) {
            out += (out.empty() ? "" : " ") + std::string(words[i]);
        }
    }
    return out;
}

inline std::string upper_case(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

/// @brief A synthesized reply to a line the server did not answer.
inline std::string made_up_reply(std::string_view command) {
    std::string_view rest = command;
    const std::string_view word = telechat::protocol::next_word(rest);
    return telechat::detail::equals_ignoring_case(word, "PING")
               ? "+OK PONG " + std::string(telechat::detail::skip_spaces(rest)) + "\r\n"
               : std::string("-ERR BAD_COMMAND unknown command; try HELP\r\n");
}

inline const std::string bad_command_line = "-ERR BAD_COMMAND unknown command; try HELP";

inline std::vector<Mutant> command_mutants() {
    using telechat::protocol::CommandKind;
    const auto is_connect = [](const Heard& heard) {
        return heard.command_kind() == CommandKind::connect;
    };
    return {
        {"reasons-wrong", "protocol_commands",
         "connect.no-role,connect.unknown-role,connect.no-name,connect.agent-no-key,connect.too-"
         "many-arguments",
         "error replies carry another reason text than the specification's",
         reply_rewrite([](const Heard& heard, const Talk&) -> std::optional<std::string> {
             if (!heard.line.starts_with("-ERR ")) {
                 return std::nullopt;
             }
             std::string_view rest = heard.line;
             (void)telechat::protocol::next_word(rest);
             return "-ERR " + std::string(telechat::protocol::next_word(rest)) + " refused";
         })},
        {"welcome-upper-case", "protocol_cmd_connect",
         "connect.agent-welcome,names.spelling-of-connect",
         "+OK welcome spells the name in upper case, not as CONNECT did",
         reply_rewrite([](const Heard& heard, const Talk&) -> std::optional<std::string> {
             if (!heard.line.starts_with("+OK welcome ")) {
                 return std::nullopt;
             }
             return "+OK welcome " + upper_case(heard.line.substr(12));
         })},
        {"already-connected-after-args", "protocol_cmd_connect",
         "connect.error-order-registered-first,state.agent-already-connected",
         "CONNECT on a registered connection checks its arguments before ALREADY_CONNECTED",
         reply_rewrite([](const Heard& heard, const Talk&) -> std::optional<std::string> {
             const std::size_t words = words_of(heard.command).size();
             const bool well_formed = words == 3 || words == 4;  // CUSTOMER name, AGENT name key
             if (heard.line.starts_with("-ERR ALREADY_CONNECTED") && !well_formed) {
                 return "-ERR BAD_ARGS too many arguments";
             }
             return std::nullopt;
         })},
        {"name-rules-first", "protocol_cmd_connect",
         "connect.error-order-role-before-name,connect.error-order-arguments-before-name-rules",
         "CONNECT checks the name's rules before the role, the key's presence and extra words",
         reply_rewrite([is_connect](const Heard& heard, const Talk&) -> std::optional<std::string> {
             const auto words = words_of(heard.command);
             if (is_connect(heard) && heard.line.starts_with("-ERR BAD_ARGS") && words.size() > 2 &&
                 !telechat::protocol::is_valid_name(words[2])) {
                 return "-ERR BAD_NAME names are 1-32 of A-Z a-z 0-9 _ . - starting with a letter "
                        "or digit";
             }
             return std::nullopt;
         })},
        {"key-missing-before-name", "protocol_cmd_connect", "connect.error-order-name-before-key",
         "CONNECT AGENT with neither name nor key says the key is missing",
         reply_rewrite([](const Heard& heard, const Talk&) -> std::optional<std::string> {
             if (heard.line == "-ERR BAD_ARGS a name is missing") {
                 return std::string("-ERR BAD_ARGS an agent key is missing");
             }
             return std::nullopt;
         })},
        {"name-held-after-quit", "protocol_leaving", "names.freed-on-leaving",
         "a name stays taken after its user quit",
         reply_rewrite([gone = std::make_shared<std::set<std::string>>()](
                           const Heard& heard, const Talk& talk) -> std::optional<std::string> {
             if (heard.command_kind() == CommandKind::quit && talk.registered()) {
                 gone->insert(upper_case(talk.name()));
             }
             if (heard.line.starts_with("+OK welcome ") &&
                 gone->contains(upper_case(heard.line.substr(12)))) {
                 return std::string("-ERR NAME_TAKEN that name is in use");
             }
             return std::nullopt;
         })},
        {"bad-name-agent-auth-failed", "protocol_cmd_connect",
         "connect.error-order-name-rules-before-key",
         "CONNECT AGENT with a bad name and a wrong key is AUTH_FAILED: the key before the name",
         reply_rewrite([](const Heard& heard, const Talk&) -> std::optional<std::string> {
             const auto words = words_of(heard.command);
             if (heard.line.starts_with("-ERR BAD_NAME") && words.size() > 1 &&
                 telechat::detail::equals_ignoring_case(words[1], "AGENT")) {
                 return "-ERR AUTH_FAILED wrong agent key";
             }
             return std::nullopt;
         })},
        {"auth-failed-says-name-taken", "protocol_cmd_connect",
         "connect.error-order-key-before-name-taken,auth.wrong-key",
         "a wrong key is answered NAME_TAKEN: a taken name is revealed before the key is checked",
         error_becomes("AUTH_FAILED", "-ERR NAME_TAKEN that name is in use")},
        {"failed-connect-sticks", "protocol_cmd_connect",
         "connect.failed-connect-leaves-unregistered",
         "after a refused CONNECT, the connection is taken as registered (ALREADY_CONNECTED)",
         reply_rewrite([failed = false](const Heard& heard,
                                        const Talk&) mutable -> std::optional<std::string> {
             if (heard.command_kind() != CommandKind::connect) {
                 return std::nullopt;
             }
             const bool was_failed =
                 std::exchange(failed, failed || heard.line.starts_with("-ERR "));
             return was_failed ? std::optional<std::string>(
                                     "-ERR ALREADY_CONNECTED this connection is registered already")
                               : std::nullopt;
         })},
        {"key-echoed", "protocol_limits", "auth.wrong-key", "AUTH_FAILED repeats the wrong key",
         reply_rewrite([](const Heard& heard, const Talk&) -> std::optional<std::string> {
             const auto words = words_of(heard.command);
             if (!heard.line.starts_with("-ERR AUTH_FAILED") || words.size() < 4) {
                 return std::nullopt;
             }
             return std::string(heard.line) + " (" + std::string(words[3]) + ")";
         })},
        {"no-quit-after-strikes", "protocol_limits", "auth.three-strikes",
         "the third wrong key closes the connection without QUIT too many failed attempts",
         on_lines({.server_line =
                       [](Link& link, Talk&, const Heard& heard, std::string_view line) {
                           if (!(heard.is(Heard::Kind::push) &&
                                 heard.line == "QUIT too many failed attempts")) {
                               link.to_client(line);
                           }
                       }})},
        {"ignored-lines-answered", "protocol_replies",
         "auth.lines-after-strike-out-ignored,quit.lines-behind-ignored",
         "lines behind a QUIT, or behind the third wrong key, are answered before the close",
         on_lines({.server_ended =
                       [](Link& link, Talk& talk) {
                           for (const std::string& command : talk.unanswered()) {
                               link.to_client(made_up_reply(command));
                           }
                           link.end_to_client();
                       }})},
        {"two-strikes-out", "protocol_limits", "auth.two-strikes-then-right-key",
         "the second wrong key already closes the connection",
         on_lines({.server_line =
                       [strikes = 0](Link& link, Talk&, const Heard& heard,
                                     std::string_view line) mutable {
                           link.to_client(line);
                           if (heard.is(Heard::Kind::reply) &&
                               heard.line.starts_with("-ERR AUTH_FAILED") && ++strikes == 2) {
                               link.to_client("QUIT too many failed attempts\r\n");
                               link.close();
                           }
                       }})},
        {"all-connect-errors-count", "protocol_limits", "auth.other-errors-do-not-count",
         "every refused CONNECT counts toward the three failed keys",
         on_lines({.server_line =
                       [strikes = 0](Link& link, Talk&, const Heard& heard,
                                     std::string_view line) mutable {
                           link.to_client(line);
                           const bool refused_connect =
                               heard.is(Heard::Kind::reply) && heard.line.starts_with("-ERR ") &&
                               heard.command_kind() == CommandKind::connect;
                           if (refused_connect && !heard.line.starts_with("-ERR AUTH_FAILED") &&
                               ++strikes == 3) {
                               link.to_client("QUIT too many failed attempts\r\n");
                               link.close();
                           }
                       }})},
        {"long-names-refused", "protocol_syntax", "names.valid-forms",
         "a name of 32 characters is refused (the limit is taken as 31)",
         client_rewrite([](std::string_view body) {
             const auto words = words_of(body);
             const bool long_name = command_of(body) == CommandKind::connect && words.size() > 2 &&
                                    words[2].size() == 32;
             return long_name ? std::string(body.substr(
                                    0, static_cast<std::size_t>(words[2].data() - body.data()))) +
                                    "x" +
                                    std::string(body.substr(
                                        static_cast<std::size_t>(words[2].data() - body.data())))
                              : std::string(body);
         })},
        {"name-rules-loose", "protocol_syntax", "names.bad-names",
         "names are not checked: any word is made into a name",
         client_rewrite([](std::string_view body) {
             const auto words = words_of(body);
             if (command_of(body) != CommandKind::connect || words.size() < 3 ||
                 telechat::protocol::is_valid_name(words[2])) {
                 return std::string(body);
             }
             std::string name = "n";
             for (const char c : words[2]) {
                 if (std::isalnum(static_cast<unsigned char>(c)) != 0 && name.size() < 32) {
                     name.push_back(c);
                 }
             }
             std::string out = "CONNECT " + std::string(words[1]) + " " + name;
             for (std::size_t i = 3; i < words.size(); ++i) {
                 out += " " + std::string(words[i]);
             }
             return out;
         })},
        {"name-taken-welcomed", "protocol_syntax", "names.taken-ignoring-case",
         "a taken name (in another spelling) is welcomed as if free",
         reply_rewrite([](const Heard& heard, const Talk&) -> std::optional<std::string> {
             const auto words = words_of(heard.command);
             if (!heard.line.starts_with("-ERR NAME_TAKEN") || words.size() < 3) {
                 return std::nullopt;
             }
             return "+OK welcome " + std::string(words[2]);
         })},
        {"not-connected-says-bad-command", "protocol_commands",
         "msg.not-connected,state.unregistered-not-connected",
         "commands that need CONNECT are unknown (BAD_COMMAND) on an unregistered connection",
         error_becomes("NOT_CONNECTED", bad_command_line)},
        {"forbidden-says-bad-args", "protocol_commands", "state.customer-forbidden",
         "a customer's LIST, HIST or END is checked for its arguments (BAD_ARGS), not refused",
         error_becomes("FORBIDDEN", "-ERR BAD_ARGS usage: LIST")},
        {"registered-ping-refused", "protocol_commands", "state.registered-ping-help",
         "HELP is refused (BAD_COMMAND) once registered",
         on_lines({.client_line =
                       [](Link& link, Talk& talk, std::string_view line) {
                           const auto kind = command_of(body_of(line));
                           const bool refuse = talk.registered() && (kind == CommandKind::help);
                           link.to_server(refuse ? "X" + std::string(line) : std::string(line));
                       }})},
        {"bad-command-forbidden-when-registered", "protocol_commands",
         "state.bad-command-every-state",
         "an unknown command from a registered user is FORBIDDEN instead of BAD_COMMAND",
         reply_rewrite([](const Heard& heard, const Talk& talk) -> std::optional<std::string> {
             if (talk.registered() && heard.line.starts_with("-ERR BAD_COMMAND")) {
                 return std::string("-ERR FORBIDDEN only agents may do that");
             }
             return std::nullopt;
         })},
        {"command-checked-before-text", "protocol_commands", "state.bad-text-before-bad-command",
         "a line that is bad text and an unknown command gets BAD_COMMAND: step 4 before step 3",
         client_rewrite([](std::string_view body) {
             const bool bad_text = !telechat::protocol::is_valid_text(body);
             return bad_text && !command_of(body) ? sanitized(body) : std::string(body);
         })},
        {"quit-not-closing", "protocol_cmd_quit", "quit.unregistered,quit.agent-with-reason",
         "after +OK bye the connection stays open",
         on_lines({.server_ended = [](Link&, Talk&) {}})},
        {"quit-reason-refused", "protocol_cmd_quit", "quit.agent-with-reason",
         "QUIT with a reason is an unknown command", client_rewrite([](std::string_view body) {
             const bool reason = command_of(body) == CommandKind::quit && words_of(body).size() > 1;
             return reason ? "X" + std::string(body) : std::string(body);
         })},
        {"push-inside-body", "protocol_replies", "replies.body-never-interrupted",
         "a push that comes right after a multi-line reply is sent before its \".\"",
         on_lines({.server_line =
                       [held = std::string()](Link& link, Talk&, const Heard& heard,
                                              std::string_view line) mutable {
                           if (heard.is(Heard::Kind::end_of_body)) {
                               held = std::string(line);
                               return;
                           }
                           if (heard.is(Heard::Kind::push)) {
                               link.to_client(line);
                               link.to_client(std::exchange(held, std::string()));
                               return;
                           }
                           link.to_client(std::exchange(held, std::string()));
                           link.to_client(line);
                       }})},
    };
}

}  // namespace mutants

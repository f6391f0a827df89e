// Mutants that break docs/protocol.md's Syntax (protocol_syntax) and the
// PING and HELP commands: case, separators, free text, PING's token, HELP.
#pragma once

#include <telechat/protocol/command.hpp>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "lines.hpp"
#include "mutation.hpp"

namespace mutants {

/// @brief The command a client line starts with, if it is one of the eight.
inline std::optional<telechat::protocol::CommandKind> command_of(std::string_view body) {
    const auto split = telechat::protocol::split_command(body);
    return split ? std::optional(split->kind) : std::nullopt;
}

/// @brief Whether the command takes only fixed words (no free text at its end).
inline bool has_fixed_words_only(std::string_view body) {
    using telechat::protocol::CommandKind;
    const auto kind = command_of(body);
    return kind == CommandKind::connect || kind == CommandKind::list || kind == CommandKind::hist ||
           kind == CommandKind::end;
}

/// @brief The words of `body` (cut at spaces) as the client wrote them.
inline std::vector<std::string_view> words_of(std::string_view body) {
    std::vector<std::string_view> words;
    for (std::string_view word; !(word = telechat::protocol::next_word(body)).empty();) {
        words.push_back(word);
    }
    return words;
}

/// @brief A MSG push's text, with the spaces at both of its ends removed.
inline std::string trimmed_msg_push(std::string_view push) {
    std::string_view rest = push;
    const std::string_view word = telechat::protocol::next_word(rest);
    const std::string_view from = telechat::protocol::next_word(rest);
    std::string_view text = telechat::protocol::text_after_word(rest);
    text = telechat::detail::skip_spaces(text);
    while (text.ends_with(' ')) {
        text.remove_suffix(1);
    }
    return std::string(word) + " " + std::string(from) + " " + std::string(text);
}

/// @brief Rewrites MSG pushes to agents (`to_agents`) or to customers.
inline auto trim_msg_pushes(bool to_agents) {
    return on_lines({.server_line = [to_agents](Link& link, Talk& talk, const Heard& heard,
                                                std::string_view line) {
        if (heard.is(Heard::Kind::push) && heard.line.starts_with("MSG ") &&
            talk.is_agent() == to_agents) {
            link.to_client(trimmed_msg_push(heard.line) + "\r\n");
            return;
        }
        link.to_client(line);
    }});
}

inline std::vector<Mutant> syntax_mutants() {
    using telechat::protocol::CommandKind;
    return {
        {"case-sensitive-commands", "protocol_syntax", "syntax.command-words-any-case",
         "command words are matched case-sensitively (upper case only)",
         client_rewrite([](std::string_view body) {
             std::string_view rest = body;
             const std::string_view word = telechat::protocol::next_word(rest);
             const bool upper = std::none_of(word.begin(), word.end(),
                                             [](char c) { return c >= 'a' && c <= 'z'; });
             return command_of(body) && !upper ? "X" + std::string(body) : std::string(body);
         })},
        {"case-sensitive-roles", "protocol_syntax", "syntax.role-words-any-case",
         "the role words CUSTOMER and AGENT are matched case-sensitively",
         client_rewrite([](std::string_view body) {
             const auto words = words_of(body);
             const bool lower_role = command_of(body) == CommandKind::connect && words.size() > 1 &&
                                     words[1] != "CUSTOMER" && words[1] != "AGENT";
             if (!lower_role) {
                 return std::string(body);
             }
             const auto role_end =
                 static_cast<std::size_t>(words[1].data() - body.data()) + words[1].size();
             return "CONNECT X" + std::string(words[1]) + std::string(body.substr(role_end));
         })},
        {"leading-spaces-refused", "protocol_syntax", "syntax.leading-spaces-skipped",
         "spaces before the command word make the line a BAD_COMMAND",
         client_rewrite([](std::string_view body) {
             const bool leading = body.starts_with(' ') && !telechat::detail::only_spaces(body);
             return leading ? "X" + std::string(body) : std::string(body);
         })},
        {"space-runs-refused", "protocol_syntax", "syntax.space-runs-one-separator",
         "a run of spaces between two words is not one separator (an empty word between)",
         client_rewrite([](std::string_view body) {
             if (!has_fixed_words_only(body)) {
                 return std::string(body);
             }
             std::string out;
             const auto words = words_of(body);
             for (std::size_t i = 0; i < words.size(); ++i) {
                 const char* after = words[i].data() + words[i].size();
                 const bool run = i + 1 < words.size() && words[i + 1].data() - after > 1;
                 out += std::string(words[i]) + (i + 1 < words.size() ? (run ? " \t " : " ") : "");
             }
             return out;
         })},
        {"trailing-spaces-refused", "protocol_syntax", "syntax.trailing-spaces-allowed",
         "spaces after the last fixed argument are read as one more (empty) argument",
         client_rewrite([](std::string_view body) {
             const bool trailing = has_fixed_words_only(body) && body.ends_with(' ');
             return trailing ? std::string(body) + "x" : std::string(body);
         })},
        {"tab-separates", "protocol_syntax", "syntax.tab-is-not-a-separator",
         "TAB separates words like a space", client_rewrite([](std::string_view body) {
             std::string out(body);
             std::replace(out.begin(), out.end(), '\t', ' ');
             return out;
         })},
        {"customer-text-trimmed", "protocol_syntax", "syntax.free-text-agent",
         "an agent's message reaches its customer with the spaces at its ends trimmed",
         trim_msg_pushes(false)},
        {"agent-text-trimmed", "protocol_syntax", "syntax.free-text-customer",
         "a customer's message reaches its agent with the spaces at its ends trimmed",
         trim_msg_pushes(true)},
        {"empty-text-accepted", "protocol_cmd_msg", "syntax.empty-text-bad-args",
         "MSG with an empty text is sent as MSG with text \"?\"",
         client_rewrite([](std::string_view body) {
             return command_of(body) == CommandKind::msg &&
                            (body.ends_with(' ') || words_of(body).size() < 3)
                        ? std::string(body) + (body.ends_with(' ') ? "?" : " ?")
                        : std::string(body);
         })},
        {"ping-token-trimmed", "protocol_cmd_ping", "ping.token-verbatim",
         "PING's token loses its trailing spaces and TABs", server_rewrite([](const Heard& heard) {
             std::string line(heard.line);
             if (line.starts_with("+OK PONG ")) {
                 line.erase(line.find_last_not_of(" \t") + 1);
             }
             return line;
         })},
        {"ping-empty-token-space", "protocol_cmd_ping", "ping.no-token",
         "PING without a token is answered \"+OK PONG \" (a trailing space)",
         server_rewrite([](const Heard& heard) {
             return heard.line == "+OK PONG" ? std::string("+OK PONG ") : std::string(heard.line);
         })},
        {"help-line-missing", "protocol_cmd_help", "help.*",
         "HELP's reply lacks its LIST line (the header still says 8)",
         on_lines({.server_line =
                       [](Link& link, Talk&, const Heard& heard, std::string_view line) {
                           if (!(heard.is(Heard::Kind::body) &&
                                 heard.line.starts_with("LIST - "))) {
                               link.to_client(line);
                           }
                       }})},
        {"help-arguments-refused", "protocol_cmd_help", "help.ignores-arguments",
         "HELP followed by anything is a BAD_COMMAND", client_rewrite([](std::string_view body) {
             const bool with_arguments =
                 command_of(body) == CommandKind::help && words_of(body).size() > 1;
             return with_arguments ? "X" + std::string(body) : std::string(body);
         })},
    };
}

}  // namespace mutants

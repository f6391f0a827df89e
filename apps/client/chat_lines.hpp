// The sentences and message lines a person sees at a terminal (never in
// script mode, whose lines stay as they were): a message as
// `HH:MM from → to: text`, endings said in words, and colour only where it
// is wanted. Pure functions of their arguments, so each is a unit test.
#pragma once

#include <cstdint>
#include <ctime>
#include <iterator>
#include <string>
#include <string_view>

#include "system.hpp"

namespace client_app {

/// @brief The mark on a sent line once the server has it (`+OK message received`).
inline constexpr std::string_view delivered_mark = "✓";
/// @brief The mark on a sent line the server refused (the reason follows).
inline constexpr std::string_view refused_mark = "✗";

/// @brief Whether to colour output: a terminal that is not `dumb`, and no
///        `NO_COLOR` (any value, even empty: https://no-color.org).
/// @param stdout_is_terminal isatty(STDOUT_FILENO).
/// @param no_color getenv("NO_COLOR").
/// @param term getenv("TERM").
[[nodiscard]] inline bool colour_wanted(bool stdout_is_terminal, const char* no_color,
                                        const char* term) {
    return stdout_is_terminal && no_color == nullptr && term != nullptr && *term != '\0' &&
           std::string_view(term) != "dumb";
}

/// @brief SGR colours, or nothing at all when colour is off.
class Paint {
public:
    explicit Paint(bool on) : m_on(on) {}

    [[nodiscard]] std::string dim(std::string_view text) const { return wrap("2", text); }
    [[nodiscard]] std::string own_name(std::string_view text) const { return wrap("1;32", text); }
    [[nodiscard]] std::string other_name(std::string_view text) const { return wrap("1;36", text); }
    [[nodiscard]] std::string bad(std::string_view text) const { return wrap("31", text); }
    [[nodiscard]] std::string notice(std::string_view text) const { return wrap("33", text); }

private:
    [[nodiscard]] std::string wrap(std::string_view sgr, std::string_view text) const {
        if (!m_on) {
            return std::string(text);
        }
        return "\x1b[" + std::string(sgr) + "m" + std::string(text) + "\x1b[0m";
    }

    bool m_on;
};

/// @brief `HH:MM` in local time: enough to place a message in a conversation.
[[nodiscard]] inline std::string clock_time(std::time_t when) {
    const std::tm parts = local_time_of(when);
    char text[8];
    std::strftime(text, sizeof text, "%H:%M", &parts);
    return text;
}

/// @brief Who said what: `HH:MM from → to: text`, the user's own name in
///        its own colour. The names and text must be printable already.
/// @param me the user's name, to tell its side of the conversation.
[[nodiscard]] inline std::string message_line(const Paint& paint, std::time_t when,
                                              std::string_view me, std::string_view from,
                                              std::string_view to, std::string_view text) {
    const auto name = [&](std::string_view who) {
        return who == me ? paint.own_name(who) : paint.other_name(who);
    };
    return paint.dim(clock_time(when)) + " " + name(from) + " → " + name(to) + ": " +
           std::string(text);
}

/// @brief "three", not "3", in a sentence: small counts read as words.
[[nodiscard]] inline std::string count_in_words(unsigned count) {
    constexpr std::string_view words[] = {"no",  "one",   "two",   "three", "four", "five",
                                          "six", "seven", "eight", "nine",  "ten"};
    return count < std::size(words) ? std::string(words[count]) : std::to_string(count);
}

/// @brief Why the server closed the connection (its `QUIT <reason>`), said in words.
/// @param reason the reason, printable.
/// @param wrong_keys how many `AUTH_FAILED` replies this client received.
[[nodiscard]] inline std::string closing_sentence(std::string_view reason, unsigned wrong_keys) {
    constexpr std::string_view ended_by = "conversation ended by ";
    if (reason.starts_with(ended_by)) {
        return std::string(reason.substr(ended_by.size())) + " ended the conversation";
    }
    if (reason == "too many failed attempts" && wrong_keys > 0) {
        return "the server closed the connection after " + count_in_words(wrong_keys) +
               " wrong key" + (wrong_keys == 1 ? "" : "s");
    }
    if (reason == "server shutting down") {
        return "the server is shutting down; the connection is closed";
    }
    return "the server closed the connection: " + std::string(reason);
}

/// @brief A normal end, not a failure: the agent ended the conversation.
[[nodiscard]] inline bool is_normal_end(std::string_view reason) {
    return reason.starts_with("conversation ended by ");
}

/// @brief What a customer whose agent left is told (3MCP sends only `QUEUED <n>`).
[[nodiscard]] inline std::string agent_left_sentence(std::string_view agent,
                                                     std::uint64_t position) {
    return "your agent " + std::string(agent) + " left; you are back in line, number " +
           std::to_string(position);
}

}  // namespace client_app

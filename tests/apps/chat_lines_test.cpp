// The sentences and message lines of apps/client/chat_lines.hpp: what a
// person at a terminal reads (script mode never uses them).
#include "../../apps/client/chat_lines.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <string>

using namespace client_app;

namespace {

// A moment whose local time is known whatever the machine's zone.
std::time_t local_moment(int hour, int minute) {
    std::tm parts{};
    parts.tm_year = 2026 - 1900;
    parts.tm_mon = 0;
    parts.tm_mday = 15;
    parts.tm_hour = hour;
    parts.tm_min = minute;
    parts.tm_isdst = -1;
    return std::mktime(&parts);
}

}  // namespace

TEST_CASE("clock_time: HH:MM, zero-padded, in local time", "[client][chat_lines]") {
    CHECK(clock_time(local_moment(9, 5)) == "09:05");
    CHECK(clock_time(local_moment(23, 59)) == "23:59");
    CHECK(clock_time(local_moment(0, 0)) == "00:00");
}

TEST_CASE("message_line: HH:MM from → to: text, the text as it was", "[client][chat_lines]") {
    const Paint plain(false);
    const std::time_t when = local_moment(14, 7);
    CHECK(message_line(plain, when, "sam", "sam", "ana", "hi  there") ==
          "14:07 sam → ana: hi  there");
    CHECK(message_line(plain, when, "sam", "ana", "sam", "") == "14:07 ana → sam: ");
}

TEST_CASE("message_line with colour: the time dim, the user's name apart from the other's",
          "[client][chat_lines]") {
    const Paint colour(true);
    const std::string line = message_line(colour, local_moment(8, 30), "sam", "ana", "sam", "hi");
    CHECK(line == "\x1b[2m08:30\x1b[0m \x1b[1;36mana\x1b[0m → \x1b[1;32msam\x1b[0m: hi");
}

TEST_CASE("Paint: escape sequences only when on", "[client][chat_lines]") {
    CHECK(Paint(false).bad("[error] x") == "[error] x");
    CHECK(Paint(true).bad("[error] x") == "\x1b[31m[error] x\x1b[0m");
    CHECK(Paint(true).notice("n") == "\x1b[33mn\x1b[0m");
}

TEST_CASE("colour_wanted: a terminal, not dumb, and no NO_COLOR of any value",
          "[client][chat_lines]") {
    CHECK(colour_wanted(true, nullptr, "xterm-256color"));
    CHECK_FALSE(colour_wanted(false, nullptr, "xterm-256color"));  // a pipe or a file
    CHECK_FALSE(colour_wanted(true, "1", "xterm-256color"));
    CHECK_FALSE(colour_wanted(true, "", "xterm-256color"));  // set, even empty
    CHECK_FALSE(colour_wanted(true, nullptr, "dumb"));
    CHECK_FALSE(colour_wanted(true, nullptr, nullptr));
    CHECK_FALSE(colour_wanted(true, nullptr, ""));
}

TEST_CASE("closing_sentence: the server's QUIT reason in words", "[client][chat_lines]") {
    CHECK(closing_sentence("conversation ended by sam", 0) == "sam ended the conversation");
    CHECK(closing_sentence("too many failed attempts", 3) ==
          "the server closed the connection after three wrong keys");
    CHECK(closing_sentence("too many failed attempts", 1) ==
          "the server closed the connection after one wrong key");
    CHECK(closing_sentence("too many failed attempts", 12) ==
          "the server closed the connection after 12 wrong keys");
    // No wrong key seen: the client cannot say how many, so it says the reason.
    CHECK(closing_sentence("too many failed attempts", 0) ==
          "the server closed the connection: too many failed attempts");
    CHECK(closing_sentence("server shutting down", 0) ==
          "the server is shutting down; the connection is closed");
    CHECK(closing_sentence("idle timeout", 0) == "the server closed the connection: idle timeout");
}

TEST_CASE("is_normal_end: only the agent ending the conversation", "[client][chat_lines]") {
    CHECK(is_normal_end("conversation ended by sam"));
    CHECK_FALSE(is_normal_end("too many failed attempts"));
    CHECK_FALSE(is_normal_end("server shutting down"));
    CHECK_FALSE(is_normal_end(""));
}

TEST_CASE("agent_left_sentence and count_in_words", "[client][chat_lines]") {
    CHECK(agent_left_sentence("sam", 1) == "your agent sam left; you are back in line, number 1");
    CHECK(count_in_words(0) == "no");
    CHECK(count_in_words(3) == "three");
    CHECK(count_in_words(10) == "ten");
    CHECK(count_in_words(11) == "11");
}

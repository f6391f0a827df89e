// escaped() and unescaped(): the one way TeleChat shows bytes as text.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include <telechat/protocol/escaping.hpp>

using telechat::protocol::escaped;
using telechat::protocol::EscapeError;
using telechat::protocol::unescaped;

namespace {

std::string round_trip(const std::string& bytes) {
    EscapeError error;
    const auto back = unescaped(escaped(bytes), error);
    REQUIRE(back.has_value());
    return *back;
}

}  // namespace

TEST_CASE("escaped shows controls, backslashes and a final space, and keeps UTF-8 text",
          "[escaping]") {
    CHECK(escaped("MSG hi") == "MSG hi");
    CHECK(escaped("a\\b\tc\r\n") == "a\\\\b\\tc\\r\\n");
    CHECK(escaped(std::string("\0\x01\x7F", 3)) == "\\x00\\x01\\x7F");
    CHECK(escaped("trailing ") == "trailing\\x20");
    CHECK(escaped("a b") == "a b");
    CHECK(escaped("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") ==
          "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
    // Not text: a C1 control, an overlong form, a stray continuation, a cut sequence.
    CHECK(escaped("\xC2\x85") == "\\xC2\\x85");
    CHECK(escaped("\xC0\xAF") == "\\xC0\\xAF");
    CHECK(escaped("\x80x") == "\\x80x");
    CHECK(escaped("\xE2\x82") == "\\xE2\\x82");
    CHECK(escaped("\xFF") == "\\xFF");
}

TEST_CASE("unescaped reads every escape back, and names a bad one with its offset", "[escaping]") {
    EscapeError error;
    CHECK(unescaped("a\\x0d\\x0A\\\\", error) == std::string("a\r\n\\"));
    CHECK_FALSE(unescaped("ab\\", error).has_value());
    CHECK(error.offset == 2);
    CHECK(error.what == "a lone backslash at the end");
    CHECK_FALSE(unescaped("\\q", error).has_value());
    CHECK(error.what == "unknown escape \\q");
    CHECK_FALSE(unescaped("x\\x4", error).has_value());
    CHECK(error.offset == 1);
    CHECK(error.what == "\\x needs two hex digits");
    CHECK_FALSE(unescaped("\\xG0", error).has_value());
}

TEST_CASE("every byte, and random byte strings, survive escaped then unescaped", "[escaping]") {
    for (int byte = 0; byte < 256; ++byte) {
        const std::string one(1, static_cast<char>(byte));
        CHECK(round_trip(one) == one);
        CHECK(escaped(one).find('\n') == std::string::npos);
    }
    std::mt19937 random(20261204);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> length(0, 40);
    for (int round = 0; round < 2000; ++round) {
        std::string bytes;
        for (int i = length(random); i > 0; --i) {
            bytes.push_back(static_cast<char>(byte(random)));
        }
        REQUIRE(round_trip(bytes) == bytes);
        const std::string text = escaped(bytes);
        CHECK(text.find_first_of(std::string("\r\n\t\0", 4)) == std::string::npos);
    }
}

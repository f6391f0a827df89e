// Unit tests of telechat::protocol::is_valid_text: named samples of every
// rule, then an exhaustive comparison over all 1-, 2- and 3-byte strings and
// a sampled one over 4-byte and longer strings against a reference decoder
// written here from the table of well-formed byte sequences in the Unicode
// standard (section 3.9, table 3-7), which is itself checked against an
// encoder.
#include <telechat/protocol/text.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "framing_support.hpp"

using telechat::protocol::is_valid_text;
using namespace protocol_test;

namespace {

std::string bytes(std::initializer_list<unsigned> values) {
    std::string text;
    for (const unsigned value : values) {
        text.push_back(static_cast<char>(static_cast<unsigned char>(value)));
    }
    return text;
}

// --- The reference --------------------------------------------------------------------

/// Whether 3MCP accepts the code point, leaving UTF-8 aside.
constexpr bool accepted_code_point(std::uint32_t cp) {
    if (cp > 0x10FFFFU || (cp >= 0xD800U && cp <= 0xDFFFU)) {
        return false;
    }
    if (cp < 0x20U) {
        return cp == 0x09U;
    }
    return cp < 0x7FU || cp > 0x9FU;
}

/// The shortest UTF-8 form of a scalar value.
std::string encode(std::uint32_t cp) {
    const auto byte = [](std::uint32_t value) {
        return static_cast<char>(static_cast<unsigned char>(value));
    };
    std::string out;
    if (cp < 0x80U) {
        out.push_back(byte(cp));
    } else if (cp < 0x800U) {
        out.push_back(byte(0xC0U | (cp >> 6U)));
        out.push_back(byte(0x80U | (cp & 0x3FU)));
    } else if (cp < 0x10000U) {
        out.push_back(byte(0xE0U | (cp >> 12U)));
        out.push_back(byte(0x80U | ((cp >> 6U) & 0x3FU)));
        out.push_back(byte(0x80U | (cp & 0x3FU)));
    } else {
        out.push_back(byte(0xF0U | (cp >> 18U)));
        out.push_back(byte(0x80U | ((cp >> 12U) & 0x3FU)));
        out.push_back(byte(0x80U | ((cp >> 6U) & 0x3FU)));
        out.push_back(byte(0x80U | (cp & 0x3FU)));
    }
    return out;
}

struct Range {
    unsigned low;
    unsigned high;
};

/// One row of table 3-7: a range of lead bytes and the ranges of the bytes
/// that may follow them.
struct WellFormed {
    Range lead;
    std::array<Range, 3> next;
    std::size_t length;
};

constexpr Range any_continuation{0x80, 0xBF};
constexpr std::array<WellFormed, 8> well_formed{{
    {{0xC2, 0xDF}, {any_continuation}, 2},
    {{0xE0, 0xE0}, {Range{0xA0, 0xBF}, any_continuation}, 3},
    {{0xE1, 0xEC}, {any_continuation, any_continuation}, 3},
    {{0xED, 0xED}, {Range{0x80, 0x9F}, any_continuation}, 3},
    {{0xEE, 0xEF}, {any_continuation, any_continuation}, 3},
    {{0xF0, 0xF0}, {Range{0x90, 0xBF}, any_continuation, any_continuation}, 4},
    {{0xF1, 0xF3}, {any_continuation, any_continuation, any_continuation}, 4},
    {{0xF4, 0xF4}, {Range{0x80, 0x8F}, any_continuation, any_continuation}, 4},
}};

/// The reference: table 3-7 for the UTF-8, then the control rules on the
/// decoded code points.
bool reference_valid(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const unsigned lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80U) {
            if (!accepted_code_point(lead)) {
                return false;
            }
            ++i;
            continue;
        }
        const WellFormed* row = nullptr;
        for (const WellFormed& candidate : well_formed) {
            if (lead >= candidate.lead.low && lead <= candidate.lead.high) {
                row = &candidate;
            }
        }
        if (row == nullptr || text.size() - i < row->length) {
            return false;
        }
        std::uint32_t cp = lead & (row->length == 2 ? 0x1FU : row->length == 3 ? 0x0FU : 0x07U);
        for (std::size_t k = 1; k < row->length; ++k) {
            const unsigned b = static_cast<unsigned char>(text[i + k]);
            if (b < row->next[k - 1].low || b > row->next[k - 1].high) {
                return false;
            }
            cp = (cp << 6U) | (b & 0x3FU);
        }
        if (!accepted_code_point(cp)) {
            return false;
        }
        i += row->length;
    }
    return true;
}

/// Compares is_valid_text with the reference over every string that
/// `next` produces (it returns false when done); reports the first
/// disagreement.
template <class Next>
void compare_with_reference(Next&& next, std::size_t expected_count) {
    std::string text;
    std::size_t count = 0;
    std::size_t accepted = 0;
    std::size_t disagreements = 0;
    std::string first;
    while (next(text)) {
        ++count;
        const bool expected = reference_valid(text);
        accepted += expected ? 1U : 0U;
        if (is_valid_text(text) != expected && disagreements++ == 0) {
            first = text;
        }
    }
    INFO("first disagreement: \"" << escaped(first) << "\", reference says "
                                  << reference_valid(first));
    CHECK(disagreements == 0);
    CHECK(count == expected_count);
    CHECK(accepted > 0);
    CHECK(accepted < count);
}

}  // namespace

// --- Named samples --------------------------------------------------------------------

TEST_CASE("text: printable ASCII and TAB are accepted", "[text]") {
    std::string printable;
    for (char c = ' '; c < '\x7F'; ++c) {
        printable.push_back(c);
    }
    CHECK(is_valid_text(printable));
    CHECK(is_valid_text("PING"));
    CHECK(is_valid_text("MSG bob hello, world!"));
    CHECK(is_valid_text(""));
    CHECK(is_valid_text("\t"));
    CHECK(is_valid_text("a\tb\t\t"));
    STATIC_REQUIRE(is_valid_text("constexpr\ttoo"));
    STATIC_REQUIRE_FALSE(is_valid_text("\x01"));
}

TEST_CASE("text: every C0 control but TAB, and DEL, are refused anywhere", "[text]") {
    for (unsigned c = 0; c <= 0x7F; ++c) {
        const bool control = c < 0x20U || c == 0x7FU;
        if (!control || c == 0x09U) {
            continue;
        }
        INFO("byte 0x" << std::hex << c);
        const std::string b = bytes({c});
        CHECK_FALSE(is_valid_text(b));
        CHECK_FALSE(is_valid_text("ab" + b));
        CHECK_FALSE(is_valid_text(b + "ab"));
        CHECK_FALSE(is_valid_text("a" + b + "b"));
        CHECK_FALSE(is_valid_text("\xC3\xA9" + b + "\xE2\x82\xAC"));
    }
    CHECK_FALSE(is_valid_text(std::string_view("a\0b", 3)));
    CHECK_FALSE(is_valid_text("MSG bob hi\r"));
    CHECK_FALSE(is_valid_text("a\nb"));
    CHECK_FALSE(is_valid_text("\x1B[2J"));
}

TEST_CASE("text: C1 controls are refused, U+00A0 onward accepted", "[text]") {
    for (unsigned second = 0x80; second <= 0x9F; ++second) {
        INFO("C2 " << std::hex << second);
        CHECK_FALSE(is_valid_text(bytes({0xC2, second})));
        CHECK_FALSE(is_valid_text("a" + bytes({0xC2, second}) + "b"));
    }
    CHECK(is_valid_text(bytes({0xC2, 0xA0})));  // U+00A0 no-break space
    CHECK(is_valid_text(bytes({0xC2, 0xA9})));  // U+00A9 ©
    CHECK(is_valid_text(bytes({0xC2, 0xBF})));  // U+00BF ¿
}

TEST_CASE("text: valid 2-, 3- and 4-byte characters are accepted", "[text]") {
    CHECK(is_valid_text("\xC3\xA9"));                       // é U+00E9
    CHECK(is_valid_text("caf\xC3\xA9 cr\xC3\xA8me"));       // mixed with ASCII
    CHECK(is_valid_text(bytes({0xDF, 0xBF})));              // U+07FF
    CHECK(is_valid_text(bytes({0xE0, 0xA0, 0x80})));        // U+0800
    CHECK(is_valid_text("\xE2\x82\xAC"));                   // € U+20AC
    CHECK(is_valid_text(bytes({0xED, 0x9F, 0xBF})));        // U+D7FF, below the surrogates
    CHECK(is_valid_text(bytes({0xEE, 0x80, 0x80})));        // U+E000, above them
    CHECK(is_valid_text(bytes({0xEF, 0xBF, 0xBF})));        // U+FFFF
    CHECK(is_valid_text(bytes({0xF0, 0x90, 0x80, 0x80})));  // U+10000
    CHECK(is_valid_text("\xF0\x9F\x98\x80"));               // 😀 U+1F600
    CHECK(is_valid_text(bytes({0xF4, 0x8F, 0xBF, 0xBF})));  // U+10FFFF
    CHECK(
        is_valid_text("\xF0\x9F\x98\x80\t\xE2\x82\xAC\xC3\xA9"
                      "a"));
}

TEST_CASE("text: overlong forms are refused", "[text]") {
    CHECK_FALSE(is_valid_text(bytes({0xC0, 0x80})));              // NUL in 2 bytes
    CHECK_FALSE(is_valid_text(bytes({0xC0, 0xAF})));              // '/'
    CHECK_FALSE(is_valid_text(bytes({0xC0, 0x8A})));              // LF
    CHECK_FALSE(is_valid_text(bytes({0xC1, 0xBF})));              // U+007F in 2 bytes
    CHECK_FALSE(is_valid_text(bytes({0xC1, 0x81})));              // 'A'
    CHECK_FALSE(is_valid_text(bytes({0xE0, 0x80, 0x80})));        // NUL in 3 bytes
    CHECK_FALSE(is_valid_text(bytes({0xE0, 0x81, 0x81})));        // 'A' in 3 bytes
    CHECK_FALSE(is_valid_text(bytes({0xE0, 0x9F, 0xBF})));        // U+07FF in 3 bytes
    CHECK_FALSE(is_valid_text(bytes({0xF0, 0x80, 0x80, 0x80})));  // NUL in 4 bytes
    CHECK_FALSE(is_valid_text(bytes({0xF0, 0x8F, 0xBF, 0xBF})));  // U+FFFF in 4 bytes
    CHECK_FALSE(is_valid_text(bytes({0xF0, 0x82, 0x82, 0xAC})));  // € in 4 bytes
}

TEST_CASE("text: surrogates are refused", "[text]") {
    for (unsigned second = 0xA0; second <= 0xBF; ++second) {
        for (unsigned third : {0x80U, 0x9FU, 0xBFU}) {
            INFO("ED " << std::hex << second << ' ' << third);
            CHECK_FALSE(is_valid_text(bytes({0xED, second, third})));
        }
    }
    CHECK_FALSE(is_valid_text(bytes({0xED, 0xA0, 0x80})));  // U+D800
    CHECK_FALSE(is_valid_text(bytes({0xED, 0xBF, 0xBF})));  // U+DFFF
    // 😀 as a CESU-8 surrogate pair
    CHECK_FALSE(is_valid_text(bytes({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80})));
}

TEST_CASE("text: code points above U+10FFFF and leads F5..FF are refused", "[text]") {
    CHECK_FALSE(is_valid_text(bytes({0xF4, 0x90, 0x80, 0x80})));  // U+110000
    CHECK_FALSE(is_valid_text(bytes({0xF4, 0xBF, 0xBF, 0xBF})));
    CHECK_FALSE(is_valid_text(bytes({0xF7, 0xBF, 0xBF, 0xBF})));  // U+1FFFFF
    for (unsigned lead = 0xF5; lead <= 0xFF; ++lead) {
        INFO("lead " << std::hex << lead);
        CHECK_FALSE(is_valid_text(bytes({lead})));
        CHECK_FALSE(is_valid_text(bytes({lead, 0x80, 0x80, 0x80})));
        CHECK_FALSE(is_valid_text(bytes({lead, 0x80, 0x80, 0x80, 0x80, 0x80})));
        CHECK_FALSE(is_valid_text("a" + bytes({lead}) + "a"));
    }
    CHECK_FALSE(is_valid_text(bytes({0xF8, 0x88, 0x80, 0x80, 0x80})));        // old 5-byte form
    CHECK_FALSE(is_valid_text(bytes({0xFC, 0x84, 0x80, 0x80, 0x80, 0x80})));  // old 6-byte form
}

TEST_CASE("text: stray continuation bytes are refused", "[text]") {
    for (unsigned b = 0x80; b <= 0xBF; ++b) {
        INFO("byte " << std::hex << b);
        CHECK_FALSE(is_valid_text(bytes({b})));
        CHECK_FALSE(is_valid_text("a" + bytes({b}) + "b"));
    }
    CHECK_FALSE(is_valid_text(bytes({0xC3, 0xA9, 0xA9})));              // é and one more
    CHECK_FALSE(is_valid_text(bytes({0xE2, 0x82, 0xAC, 0x80})));        // € and one more
    CHECK_FALSE(is_valid_text(bytes({0xF0, 0x9F, 0x98, 0x80, 0x80})));  // 😀 and one more
}

TEST_CASE("text: truncated or interrupted sequences are refused", "[text]") {
    CHECK_FALSE(is_valid_text(bytes({0xC3})));
    CHECK_FALSE(is_valid_text(bytes({0xE2, 0x82})));
    CHECK_FALSE(is_valid_text(bytes({0xE2})));
    CHECK_FALSE(is_valid_text(bytes({0xF0, 0x9F, 0x98})));
    CHECK_FALSE(is_valid_text(bytes({0xF0, 0x9F})));
    CHECK_FALSE(is_valid_text("abc" + bytes({0xE2, 0x82})));
    CHECK_FALSE(is_valid_text("\xC3\xA9" + bytes({0xF4, 0x8F, 0xBF})));
    // The missing continuation replaced by ASCII or by another lead.
    CHECK_FALSE(is_valid_text(bytes({0xE2, 0x82, 0x41})));
    CHECK_FALSE(is_valid_text(bytes({0xC3, 0x20})));
    CHECK_FALSE(is_valid_text(bytes({0xC3, 0x09})));
    CHECK_FALSE(is_valid_text(bytes({0xE2, 0xC3, 0xA9})));
    CHECK_FALSE(is_valid_text(bytes({0xF0, 0x9F, 0x98, 0xC3, 0xA9})));
}

// --- Against the reference ------------------------------------------------------------

TEST_CASE("text: the reference accepts exactly the encodings of accepted code points", "[text]") {
    // Every scalar value's shortest form is accepted by the reference if and
    // only if the code point is, and the reference accepts exactly as many
    // single characters of each length as there are such code points.
    std::size_t per_length[5] = {};
    std::size_t wrong = 0;
    for (std::uint32_t cp = 0; cp <= 0x10FFFFU; ++cp) {
        if (cp >= 0xD800U && cp <= 0xDFFFU) {
            continue;
        }
        const std::string encoded = encode(cp);
        const bool accepted = accepted_code_point(cp);
        wrong += reference_valid(encoded) != accepted ? 1U : 0U;
        per_length[encoded.size()] += accepted ? 1U : 0U;
    }
    CHECK(wrong == 0);
    CHECK(per_length[1] == 0x80 - 32 - 1 + 1);        // ASCII less C0 and DEL, plus TAB
    CHECK(per_length[2] == 0x800 - 0x80 - 32);        // less C1
    CHECK(per_length[3] == 0x10000 - 0x800 - 0x800);  // less the surrogates
    CHECK(per_length[4] == 0x110000 - 0x10000);
}

TEST_CASE("text: all 1- and 2-byte strings agree with the reference", "[text]") {
    unsigned value = 0;
    compare_with_reference(
        [&](std::string& text) {
            if (value >= 256U + 65536U) {
                return false;
            }
            text = value < 256U ? bytes({value})
                                : bytes({(value - 256U) >> 8U, (value - 256U) & 0xFFU});
            ++value;
            return true;
        },
        256U + 65536U);
}

TEST_CASE("text: all 3-byte strings agree with the reference", "[text]") {
    std::uint32_t value = 0;
    compare_with_reference(
        [&](std::string& text) {
            if (value >= (1U << 24U)) {
                return false;
            }
            text.resize(3);
            text[0] = static_cast<char>(static_cast<unsigned char>(value >> 16U));
            text[1] = static_cast<char>(static_cast<unsigned char>(value >> 8U));
            text[2] = static_cast<char>(static_cast<unsigned char>(value));
            ++value;
            return true;
        },
        std::size_t{1} << 24U);
}

TEST_CASE("text: sampled 4-byte strings agree with the reference", "[text]") {
    SECTION("every first and second byte, the others from the interesting bytes") {
        constexpr std::array<unsigned, 10> tails{0x00, 0x09, 0x41, 0x7F, 0x80,
                                                 0x8F, 0x9F, 0xA0, 0xBF, 0xC0};
        std::size_t index = 0;
        const std::size_t total = 256U * 256U * tails.size() * tails.size();
        compare_with_reference(
            [&](std::string& text) {
                if (index >= total) {
                    return false;
                }
                std::size_t rest = index++;
                const unsigned d = tails[rest % tails.size()];
                rest /= tails.size();
                const unsigned c = tails[rest % tails.size()];
                rest /= tails.size();
                text = bytes(
                    {static_cast<unsigned>(rest >> 8U), static_cast<unsigned>(rest & 0xFFU), c, d});
                return true;
            },
            total);
    }
    SECTION("every 4-byte lead with every second and third byte") {
        constexpr std::array<unsigned, 4> lasts{0x80, 0xBF, 0x7F, 0xC0};
        std::size_t index = 0;
        const std::size_t total = 5U * 256U * 256U * lasts.size();
        compare_with_reference(
            [&](std::string& text) {
                if (index >= total) {
                    return false;
                }
                std::size_t rest = index++;
                const unsigned d = lasts[rest % lasts.size()];
                rest /= lasts.size();
                const unsigned c = static_cast<unsigned>(rest % 256U);
                rest /= 256U;
                const unsigned b = static_cast<unsigned>(rest % 256U);
                const unsigned lead = 0xF0U + static_cast<unsigned>(rest / 256U);
                text = bytes({lead, b, c, d});
                return true;
            },
            total);
    }
    SECTION("random 4-byte strings") {
        Random random(4);
        std::size_t left = 1'000'000;
        compare_with_reference(
            [&](std::string& text) {
                if (left == 0) {
                    return false;
                }
                --left;
                const std::uint64_t r = random.next();
                text = bytes({static_cast<unsigned>(r & 0xFFU),
                              static_cast<unsigned>((r >> 8U) & 0xFFU),
                              static_cast<unsigned>((r >> 16U) & 0xFFU),
                              static_cast<unsigned>((r >> 24U) & 0xFFU)});
                return true;
            },
            1'000'000);
    }
}

TEST_CASE("text: random longer strings agree with the reference", "[text]") {
    // Bytes drawn mostly from lead and continuation ranges, so that long
    // runs of plausible UTF-8 occur, with some ASCII and controls.
    constexpr std::array<unsigned, 24> pool{0x41, 0x20, 0x09, 0x00, 0x7F, 0x0D, 0x80, 0x8F,
                                            0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xC3, 0xDF,
                                            0xE0, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
    Random random(12345);
    std::size_t left = 300'000;
    compare_with_reference(
        [&](std::string& text) {
            if (left == 0) {
                return false;
            }
            --left;
            text.clear();
            const std::size_t length = 1 + random.below(16);
            for (std::size_t i = 0; i < length; ++i) {
                // Half the time a valid character, half the time a pool byte.
                if (random.below(2) == 0) {
                    std::uint32_t cp = static_cast<std::uint32_t>(random.below(0x110000));
                    if (cp >= 0xD800U && cp <= 0xDFFFU) {
                        cp = 0xE9;
                    }
                    text += encode(cp);
                } else {
                    text.push_back(static_cast<char>(
                        static_cast<unsigned char>(pool[random.below(pool.size())])));
                }
            }
            return true;
        },
        300'000);
}

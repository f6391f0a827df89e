// The display widths of apps/client/display_width.hpp: what the editor and
// the tables of telechat-client rely on to line text up in a terminal.
#include "../../apps/client/display_width.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace client_app;

namespace {

// Written as escapes, so that the test reads the same in any editor.
const std::string e_acute_combined = "e\u0301";  // e + COMBINING ACUTE ACCENT
const std::string chinese = "\u4e2d\u6587";      // 中文, two wide characters
const std::string thumbs_up = "\U0001F44D";      // an emoji, wide by default
const std::string fullwidth_a = "\uFF21";        // FULLWIDTH LATIN CAPITAL LETTER A

}  // namespace

TEST_CASE("display width: ASCII, Latin, Greek and Cyrillic take one column each",
          "[client][width]") {
    CHECK(display_width("") == 0);
    CHECK(display_width("ana") == 3);
    CHECK(display_width("Jo\u00e3o") == 4);           // precomposed ã
    CHECK(display_width("\u0391\u03b8\u03b7") == 3);  // Αθη
    CHECK(display_width("\u041e\u043b\u044f") == 3);  // Оля
}

TEST_CASE("display width: combining marks, joiners and variation selectors take none",
          "[client][width]") {
    CHECK(display_width(e_acute_combined) == 1);
    CHECK(display_width("a\u0308\u0323") == 1);   // two marks on one base
    CHECK(display_width("\u05e9\u05c1") == 1);    // Hebrew letter and point
    CHECK(display_width("\u200d") == 0);          // ZERO WIDTH JOINER
    CHECK(display_width("\u2764\ufe0f") == 1);    // heart + VS16: approximated as text width
    CHECK(code_point_width(U'\U000E0100') == 0);  // a variation selector outside the BMP
}

TEST_CASE("display width: East Asian wide, fullwidth and emoji take two", "[client][width]") {
    CHECK(display_width(chinese) == 4);
    CHECK(display_width(fullwidth_a) == 2);
    CHECK(display_width("\u3042") == 2);  // Hiragana あ
    CHECK(display_width("\ud55c") == 2);  // Hangul syllable 한
    CHECK(display_width(thumbs_up) == 2);
    CHECK(display_width("\U0001F600") == 2);      // grinning face
    CHECK(code_point_width(U'\U00020000') == 2);  // CJK Extension B
    CHECK(display_width("\uFF61") == 1);          // halfwidth katakana punctuation
}

TEST_CASE("display width: control characters are handled explicitly", "[client][width]") {
    CHECK(code_point_width(U'\t') == 0);
    CHECK(code_point_width(U'\x1b') == 0);
    CHECK(code_point_width(U'\x7f') == 0);
    CHECK(code_point_width(U'\u0085') == 0);  // C1
    CHECK(is_control(U'\u009f'));
    CHECK_FALSE(is_control(U'\u00a0'));
}

TEST_CASE("display width: invalid UTF-8 counts one column per byte, and never reads past the end",
          "[client][width]") {
    CHECK(display_width("\xff") == 1);
    CHECK(display_width("a\x80z") == 3);            // a stray continuation byte
    CHECK(display_width("\xc3") == 1);              // cut short at the end
    CHECK(display_width("\xc0\xaf") == 2);          // overlong '/'
    CHECK(display_width("\xed\xa0\x80") == 3);      // a surrogate
    CHECK(display_width("\xf4\x90\x80\x80") == 4);  // above U+10FFFF
    CHECK(display_width("\xf8\x88\x80\x80\x80") == 5);
    const DecodedCharacter decoded = decode_utf8("\xe4\xb8");  // 中 without its last byte
    CHECK(decoded.code_point == replacement_character);
    CHECK(decoded.bytes == 1);
    CHECK(decode_utf8("\xf0\x9f\x91\x8d").code_point == U'\U0001F44D');
}

TEST_CASE("display width: a character is a base with its combining marks", "[client][width]") {
    CHECK(character_bytes("") == 0);
    CHECK(character_bytes("ab") == 1);
    CHECK(character_bytes(e_acute_combined + "x") == 3);
    CHECK(character_bytes(chinese) == 3);
    const std::string text = "a" + e_acute_combined + chinese;
    CHECK(previous_character_start(text, text.size()) == 7);
    CHECK(previous_character_start(text, 7) == 4);
    CHECK(previous_character_start(text, 4) == 1);
    CHECK(previous_character_start(text, 1) == 0);
}

TEST_CASE("display width: cutting never splits a wide character or a mark from its base",
          "[client][width]") {
    CHECK(cut_to_columns("hello", 3) == "hel");
    CHECK(cut_to_columns("hello", 9) == "hello");
    CHECK(cut_to_columns(chinese, 3) == "\u4e2d");  // the second would need columns 3 and 4
    CHECK(cut_to_columns(chinese, 1).empty());
    CHECK(cut_to_columns("x" + e_acute_combined + "y", 2) == "x" + e_acute_combined);
    CHECK(cut_to_columns("x" + e_acute_combined, 1) == "x");
    CHECK(cut_to_columns("abc", 0).empty());
}

TEST_CASE("display width: padding counts columns, not bytes", "[client][width]") {
    CHECK(pad_to_columns("ab", 4) == "ab  ");
    CHECK(pad_to_columns(chinese, 6) == chinese + "  ");
    CHECK(pad_to_columns(e_acute_combined, 3) == e_acute_combined + "  ");
    CHECK(pad_to_columns("toolong", 3) == "toolong");
}

// The line editor of telechat-client without a terminal: key sequences go
// in as the bytes a terminal sends, the line, the cursor and the drawing
// come out. And the history file, the editor's only I/O, kept apart.
#include "../../apps/client/line_editor.hpp"
#include "../../apps/client/history_file.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace client_app;

namespace {

// What terminals send for the keys (xterm's choices; ESC O x in application mode).
constexpr std::string_view left = "\x1b[D";
constexpr std::string_view right = "\x1b[C";
constexpr std::string_view up = "\x1b[A";
constexpr std::string_view down = "\x1b[B";
constexpr std::string_view home = "\x1b[H";
constexpr std::string_view end = "\x1b[F";
constexpr std::string_view delete_key = "\x1b[3~";
constexpr std::string_view ctrl_left = "\x1b[1;5D";
constexpr std::string_view ctrl_right = "\x1b[1;5C";
constexpr std::string_view backspace = "\x7f";
constexpr std::string_view tab = "\t";

const std::string e_acute = "e\u0301";  // e + COMBINING ACUTE ACCENT: one character
const std::string zhong = "\u4e2d";     // 中, two columns

// Feeds every byte; returns the last outcome.
LineEditor::Outcome type(LineEditor& editor, std::string_view keys) {
    auto outcome = LineEditor::Outcome::editing;
    for (const char c : keys) {
        outcome = editor.feed(c);
    }
    return outcome;
}

std::string with_keys(std::string_view keys) {
    LineEditor editor;
    type(editor, keys);
    return editor.line();
}

// The line with a | where the cursor is.
std::string shown(const LineEditor& editor) {
    std::string text = editor.line();
    return text.insert(editor.cursor_byte(), "|");
}

std::string keys(std::initializer_list<std::string_view> parts) {
    std::string all;
    for (const auto part : parts) {
        all += part;
    }
    return all;
}

}  // namespace

TEST_CASE("line editor: typing, Enter (CR or LF) and a fresh line after it", "[client][editor]") {
    LineEditor editor;
    CHECK(type(editor, "hello") == LineEditor::Outcome::editing);
    CHECK(shown(editor) == "hello|");
    CHECK(type(editor, "\r") == LineEditor::Outcome::line_ready);
    CHECK(editor.take_line() == "hello");
    CHECK(editor.line().empty());
    CHECK(editor.cursor_byte() == 0);
    CHECK(type(editor, "x\n") == LineEditor::Outcome::line_ready);
    CHECK(editor.take_line() == "x");
}

TEST_CASE("line editor: Left, Right, Home, End in every encoding, and insertion mid-line",
          "[client][editor]") {
    LineEditor editor;
    type(editor, "helo");
    type(editor, left);
    type(editor, "l");
    CHECK(shown(editor) == "hell|o");
    for (const std::string_view key : {home, std::string_view("\x1b[1~"),
                                       std::string_view("\x1bOH"), std::string_view("\x01")}) {
        type(editor, end);
        type(editor, key);
        CHECK(shown(editor) == "|hello");
    }
    for (const std::string_view key :
         {end, std::string_view("\x1b[4~"), std::string_view("\x1bOF"), std::string_view("\x05")}) {
        type(editor, home);
        type(editor, key);
        CHECK(shown(editor) == "hello|");
    }
    type(editor, "\x1bOD\x1bOD");
    CHECK(shown(editor) == "hel|lo");
    type(editor, "\x1bOC");
    CHECK(shown(editor) == "hell|o");
    type(editor, keys({right, right, right}));  // stops at the end
    CHECK(shown(editor) == "hello|");
    type(editor, keys({home, left}));  // and at the start
    CHECK(shown(editor) == "|hello");
}

TEST_CASE("line editor: word left and right (Alt-b, Alt-f, Ctrl-Left, Ctrl-Right)",
          "[client][editor]") {
    LineEditor editor;
    type(editor, "/msg ana  hi there");
    type(editor,
         "\x1b"
         "b");
    CHECK(shown(editor) == "/msg ana  hi |there");
    type(editor, ctrl_left);
    CHECK(shown(editor) == "/msg ana  |hi there");
    type(editor, ctrl_left);
    CHECK(shown(editor) == "/msg |ana  hi there");
    type(editor,
         "\x1b"
         "f");
    CHECK(shown(editor) == "/msg ana|  hi there");
    type(editor, ctrl_right);
    CHECK(shown(editor) == "/msg ana  hi| there");
}

TEST_CASE("line editor: Backspace, Delete, Ctrl-D, Ctrl-U, Ctrl-K, Ctrl-W at the cursor",
          "[client][editor]") {
    CHECK(with_keys(keys({"abc", backspace})) == "ab");
    CHECK(with_keys(keys({"abc", "\x08"})) == "ab");
    CHECK(with_keys(keys({"abc", left, backspace})) == "ac");
    CHECK(with_keys(keys({"abc", home, backspace})) == "abc");
    CHECK(with_keys(keys({"abc", home, delete_key})) == "bc");
    CHECK(with_keys(keys({"abc", delete_key})) == "abc");
    CHECK(with_keys(keys({"abc", left, "\x04"})) == "ab");  // Ctrl-D mid-line deletes
    CHECK(with_keys(keys({"one two", left, left, "\x15"})) == "wo");
    CHECK(with_keys(keys({"one two", left, left, "\x0b"})) == "one t");
    CHECK(with_keys(keys({"one two  ", "\x17"})) == "one ");
    CHECK(with_keys(keys({"one two", left, "\x17"})) == "one o");
}

TEST_CASE("line editor: Ctrl-D ends the input only on an empty line", "[client][editor]") {
    LineEditor editor;
    CHECK(type(editor, "\x04") == LineEditor::Outcome::end_of_input);
    CHECK(type(editor, "a\x04") == LineEditor::Outcome::editing);
    CHECK(editor.line() == "a");
}

TEST_CASE("line editor: unknown sequences and control characters are swallowed whole",
          "[client][editor]") {
    CHECK(with_keys("a\x1b[15~b") == "ab");    // F5
    CHECK(with_keys("a\x1b[1;2Pb") == "ab");   // Shift-F1
    CHECK(with_keys("a\x1bOPb") == "ab");      // F1
    CHECK(with_keys("a\x1bxb") == "ab");       // Alt-x
    CHECK(with_keys("a\x1b\x1b[Ab") == "ab");  // Alt-Up
    CHECK(with_keys("a\x02\x07\x0c\x1f"
                    "b") == "ab");
    CHECK(with_keys("a\x1b[" + std::string(40, '1') + "~b") == "ab");  // too long to keep
}

TEST_CASE("line editor: a key split across reads is still one key", "[client][editor]") {
    LineEditor editor;
    type(editor, "ac");
    type(editor, "\x1b");
    type(editor, "[");
    CHECK(editor.line() == "ac");
    type(editor, "D");
    type(editor, "b");
    CHECK(shown(editor) == "ab|c");
    type(editor, "\x1b[3");
    type(editor, "~");
    CHECK(shown(editor) == "ab|");
    type(editor, "\xe4");
    type(editor, "\xb8");
    CHECK(editor.line() == "ab");  // not yet a character
    type(editor, "\xad");
    CHECK(shown(editor) == "ab" + zhong + "|");
}

TEST_CASE("line editor: multi-byte, wide and combining characters at the cursor",
          "[client][editor]") {
    LineEditor editor;
    type(editor, "a" + zhong + e_acute + "b");
    CHECK(editor.cursor_characters() == 4);
    CHECK(editor.cursor_columns() == 5);
    type(editor, left);
    CHECK(shown(editor) == "a" + zhong + e_acute + "|b");
    type(editor, left);  // over the accent and its base together
    CHECK(shown(editor) == "a" + zhong + "|" + e_acute + "b");
    CHECK(editor.cursor_characters() == 2);
    CHECK(editor.cursor_columns() == 3);
    type(editor, left);
    CHECK(shown(editor) == "a|" + zhong + e_acute + "b");
    type(editor, delete_key);
    CHECK(shown(editor) == "a|" + e_acute + "b");
    type(editor, delete_key);  // the base and its mark go together
    CHECK(shown(editor) == "a|b");
    type(editor, keys({right, "\u0301"}));  // a mark typed after a base joins it
    CHECK(shown(editor) == "ab\u0301|");
    type(editor, backspace);
    CHECK(shown(editor) == "a|");
}

TEST_CASE("line editor: invalid UTF-8 and C1 controls are not inserted", "[client][editor]") {
    CHECK(with_keys("a\x80"
                    "b") == "ab");  // a stray continuation byte
    CHECK(with_keys("a\xc3"
                    "b") == "ab");  // a lead byte without its continuation
    CHECK(with_keys("a\xc0\xaf"
                    "b") == "ab");  // overlong
    CHECK(with_keys("a\xc2\x85"
                    "b") == "ab");             // U+0085, a C1 control
    CHECK(with_keys("a\xc3\x1b[Db") == "ba");  // the escape after the broken byte still counts
}

TEST_CASE("line editor: the line stops growing at max_bytes", "[client][editor]") {
    LineEditor editor;
    type(editor, std::string(LineEditor::max_bytes + 10, 'x'));
    CHECK(editor.line().size() == LineEditor::max_bytes);
    type(editor, keys({backspace, zhong}));  // 3 bytes do not fit in 1
    CHECK(editor.line().size() == LineEditor::max_bytes - 1);
}

TEST_CASE("line editor: Up and Down walk this session's lines and keep the draft",
          "[client][editor]") {
    LineEditor editor;
    for (const char* line : {"first", "second", "   ", "second"}) {
        type(editor, line);
        editor.take_line();
    }
    REQUIRE(editor.history().size() == 2);  // blank lines and repeats are not kept
    type(editor, "draft");
    type(editor, left);
    type(editor, up);
    CHECK(shown(editor) == "second|");
    type(editor, up);
    CHECK(shown(editor) == "first|");
    type(editor, up);  // nothing older
    CHECK(shown(editor) == "first|");
    type(editor, down);
    CHECK(shown(editor) == "second|");
    type(editor, down);
    CHECK(shown(editor) == "draft|");
    type(editor, down);
    CHECK(shown(editor) == "draft|");

    type(editor, keys({up, up, "!"}));  // an old line edited is sent as a new one
    CHECK(editor.take_line() == "first!");
    CHECK(editor.history().back() == "first!");
    type(editor, up);
    CHECK(editor.line() == "first!");
}

TEST_CASE("line editor: a secret line is neither drawn nor remembered", "[client][editor]") {
    LineEditor editor;
    type(editor, "hello");
    editor.take_line();
    editor.mark_secret();
    type(editor, "Secret-Key");
    const Rendering drawn = editor.render("agent key: ", 40);
    CHECK(drawn.visible.empty());
    CHECK(drawn.cursor_column == 11);
    CHECK(drawn.bytes.find("Secret") == std::string::npos);
    type(editor, up);  // no history into a key prompt either
    CHECK(editor.line() == "Secret-Key");
    CHECK(editor.take_line() == "Secret-Key");
    CHECK(editor.history().size() == 1);
    CHECK(editor.history().back() == "hello");
    type(editor, "shown");  // the next line is an ordinary one again
    CHECK(editor.render("> ", 40).visible == "shown");
}

TEST_CASE("line editor: the history keeps the last max_history_lines, loaded ones too",
          "[client][editor]") {
    LineEditor editor;
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < LineEditor::max_history_lines + 5; ++i) {
        lines.push_back("line " + std::to_string(i));
    }
    editor.load_history(lines);
    CHECK(editor.history().size() == LineEditor::max_history_lines);
    CHECK(editor.history().front() == "line 5");
    type(editor, up);
    CHECK(editor.line() == lines.back());
}

namespace {

// Slash commands as the first word, names after it.
std::vector<std::string> complete_for_test(std::string_view, bool first_word) {
    if (first_word) {
        return {"/msg", "/m", "/list", "/hist", "/help", "/end", "/quit"};
    }
    return {"ana", "anabela", "bruno", "zo\u00e9", "zo\u00eb"};
}

LineEditor completing_editor() {
    LineEditor editor;
    editor.set_completion_source(complete_for_test);
    return editor;
}

}  // namespace

TEST_CASE("line editor: Tab completes a unique candidate and adds a space", "[client][editor]") {
    LineEditor editor = completing_editor();
    CHECK(type(editor, keys({"/q", tab})) == LineEditor::Outcome::editing);
    CHECK(shown(editor) == "/quit |");
    editor.take_line();
    type(editor, keys({"/msg br", tab, "hi"}));
    CHECK(shown(editor) == "/msg bruno hi|");
    editor.take_line();
    type(editor, keys({"/end b x", left, left, tab}));  // the word before the cursor
    CHECK(shown(editor) == "/end bruno | x");
}

TEST_CASE("line editor: Tab completes the common prefix, a second Tab lists the candidates",
          "[client][editor]") {
    LineEditor editor = completing_editor();
    CHECK(type(editor, keys({"/h", tab})) == LineEditor::Outcome::editing);
    CHECK(shown(editor) == "/h|");
    CHECK(type(editor, tab) == LineEditor::Outcome::show_candidates);
    CHECK(editor.candidates() == std::vector<std::string>{"/hist", "/help"});
    CHECK(shown(editor) == "/h|");
    CHECK(type(editor, keys({"i", tab})) == LineEditor::Outcome::editing);
    CHECK(shown(editor) == "/hist |");
    editor.take_line();

    type(editor, keys({"/msg a", tab}));  // ana, anabela: as far as both agree
    CHECK(shown(editor) == "/msg ana|");
    CHECK(type(editor, tab) == LineEditor::Outcome::show_candidates);
    CHECK(editor.candidates() == std::vector<std::string>{"ana", "anabela"});
    editor.take_line();

    type(editor, keys({"/msg z", tab}));  // zoé and zoë share "zo", not half of é
    CHECK(shown(editor) == "/msg zo|");
    editor.take_line();

    CHECK(type(editor, keys({"/x", tab, tab})) == LineEditor::Outcome::editing);  // none
    CHECK(shown(editor) == "/x|");
    CHECK(type(editor, keys({"/h", tab, "x", tab})) == LineEditor::Outcome::editing);
    CHECK(with_keys("a\tb") == "ab");  // no completion source: Tab inserts nothing
}

TEST_CASE("line editor: Tab matches names in either case and takes the name's spelling",
          "[client][editor]") {
    LineEditor editor = completing_editor();
    type(editor, keys({"/msg BR", tab, "hi"}));  // 3MCP names compare without case
    CHECK(shown(editor) == "/msg bruno hi|");
    editor.take_line();
    type(editor, keys({"/msg AnAb", tab}));
    CHECK(shown(editor) == "/msg anabela |");
    editor.take_line();
    type(editor, keys({"/msg A", tab}));  // ana, anabela agree on "ana"
    CHECK(shown(editor) == "/msg ana|");
    editor.take_line();
    type(editor, keys({"/MS", tab}));
    CHECK(shown(editor) == "/msg |");
    editor.take_line();
    // A completion that would pass the line's limit leaves the line as it was.
    const std::string long_text(LineEditor::max_bytes - 6, 'x');
    type(editor, long_text + " BR");
    type(editor, tab);
    CHECK(editor.line() == long_text + " BR");
}

TEST_CASE("line editor: render draws the prompt, the line and the cursor", "[client][editor]") {
    LineEditor editor;
    type(editor, "hello");
    Rendering drawn = editor.render("sam> ", 80);
    CHECK(drawn.visible == "hello");
    CHECK(drawn.cursor_column == 10);
    CHECK(drawn.bytes == "\rsam> hello\x1b[K");  // the cursor is where the text ends
    type(editor, keys({left, left}));
    drawn = editor.render("sam> ", 80);
    CHECK(drawn.cursor_column == 8);
    CHECK(drawn.bytes == "\rsam> hello\x1b[K\r\x1b[8C");
    type(editor, home);
    CHECK(editor.render("", 80).bytes == "\rhello\x1b[K\r");
}

TEST_CASE("line editor: in a narrow terminal the line scrolls sideways around the cursor",
          "[client][editor]") {
    LineEditor editor;
    type(editor, "abcdefghijklmnopqrstuvwxyz");
    // 20 columns: 5 of prompt, 2 kept free, 13 for the line.
    Rendering drawn = editor.render("sam> ", 20);
    CHECK(drawn.visible == "nopqrstuvwxyz");
    CHECK(drawn.cursor_column == 18);
    type(editor, keys({left, left, left}));
    drawn = editor.render("sam> ", 20);
    CHECK(drawn.visible == "nopqrstuvwxyz");  // the window stays while the cursor is in it
    CHECK(drawn.cursor_column == 15);
    type(editor, home);
    drawn = editor.render("sam> ", 20);
    CHECK(drawn.visible == "abcdefghijklm");
    CHECK(drawn.cursor_column == 5);
    CHECK(drawn.bytes == "\rsam> abcdefghijklm\x1b[K\r\x1b[5C");
    type(editor, end);
    CHECK(editor.render("sam> ", 20).visible == "nopqrstuvwxyz");
}

TEST_CASE("line editor: sideways scrolling never cuts a wide character in half",
          "[client][editor]") {
    LineEditor editor;
    std::string line;
    for (int i = 0; i < 10; ++i) {
        line += zhong;  // 20 columns
    }
    type(editor, "a" + line);
    // 12 columns: 2 of prompt, 2 free, 8 for the line: 4 wide characters.
    Rendering drawn = editor.render("> ", 12);
    CHECK(drawn.visible == zhong + zhong + zhong + zhong);
    CHECK(drawn.cursor_column == 10);
    type(editor, home);
    drawn = editor.render("> ", 12);
    CHECK(drawn.visible == "a" + zhong + zhong + zhong);  // 7 columns: a fourth would need 9
    CHECK(drawn.cursor_column == 2);
    type(editor, keys({end, left, left}));
    drawn = editor.render("> ", 12);
    CHECK(display_width(drawn.visible) <= 8);
    CHECK(drawn.cursor_column >= 2);
    CHECK(drawn.cursor_column <= 10);
}

TEST_CASE("line editor: a prompt wider than the terminal is cut, the cursor stays on screen",
          "[client][editor]") {
    LineEditor editor;
    type(editor, "hi");
    const Rendering drawn = editor.render("a-very-long-prompt> ", 10);
    CHECK(display_width(drawn.bytes.substr(1, drawn.bytes.find('\x1b') - 1)) <= 10);
    CHECK(drawn.cursor_column < 10);
}

TEST_CASE("history file: appended line by line, read back bounded, private to its owner",
          "[client][editor]") {
    const std::filesystem::path directory =
        std::filesystem::temp_directory_path() /
        ("telechat-history-" + std::to_string(std::random_device{}()));
    const std::filesystem::path path = directory / "telechat" / "history";
    CHECK(read_history_file(path, 10).empty());  // no file yet
    for (const char* line : {"one", "two", "three"}) {
        REQUIRE(append_history_line(path, line));
    }
#ifndef _WIN32  // on Windows the folder's permissions (the user's profile) make it private
    CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
#endif
    CHECK(read_history_file(path, 10) == std::vector<std::string>{"one", "two", "three"});
    CHECK(read_history_file(path, 2) == std::vector<std::string>{"two", "three"});
    REQUIRE(rewrite_history_file(path, {"three"}));
    CHECK(read_history_file(path, 10) == std::vector<std::string>{"three"});
    std::filesystem::remove_all(directory);
}

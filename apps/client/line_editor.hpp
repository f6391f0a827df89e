// The line telechat-client's user types, edited without any I/O: bytes from
// the terminal go in, one at a time; the line, the cursor and what to draw
// come out. Nothing here reads a key or writes to a screen, so every key can
// be tested with a string, and a Windows console port can reuse it whole.
//
// Theory of operation:
//
//   bytes ──feed()──> key decoder ──> edit the line, the cursor, the history
//                       │  ESC [ params final, ESC O x, ESC x: one key each;
//                       │  a UTF-8 character is held until its last byte
//                       └─ unknown sequences are swallowed whole
//   render(prompt, width) ──> the visible slice, the cursor column, the bytes
//
// The line is UTF-8; the cursor is a byte offset that always sits on a
// character boundary (a character being a code point with its combining
// marks, see display_width.hpp). Lines wider than the terminal scroll
// sideways: a wrapped line could not be cleared with one escape sequence.
//
// Keys (as a terminal sends them):
//   printable UTF-8           insert at the cursor
//   Left/Right, Home/End      ESC[D ESC[C ESC[H ESC[F, ESC[1~ ESC[4~, ESC O x,
//                             Ctrl-A and Ctrl-E
//   word left/right           ESC b, ESC f (Alt-b, Alt-f), ESC[1;5D ESC[1;5C
//   Backspace, Delete         0x7f or 0x08, ESC[3~ (and Ctrl-D mid-line)
//   Ctrl-U, Ctrl-K, Ctrl-W    delete to the start, to the end, the word before
//   Up/Down                   ESC[A ESC[B: this session's earlier lines
//   Tab                       complete the word at the cursor
//   Enter (CR or LF)          the line is ready
//   Ctrl-D on an empty line   end of input
#pragma once

#include <telechat/queue.hpp>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "display_width.hpp"

namespace client_app {

/// @brief What the terminal should show for the line being edited.
struct Rendering {
    std::string visible;            ///< the slice of the line that fits beside the prompt
    std::size_t cursor_column = 0;  ///< where the cursor goes, 0 = the first column
    std::string bytes;              ///< what to write: `\r`, prompt, slice, `ESC[K`, cursor
};

/// @brief Candidates for completing a word: given the start of the word
/// under the cursor and whether it is the line's first word, every word that
/// could go there (the editor keeps those that start with what was typed).
using CompletionSource =
    std::function<std::vector<std::string>(std::string_view word, bool first_word)>;

/// @brief A one-line editor with history and completion; see the top of the file.
class LineEditor {
public:
    /// @brief What a byte did.
    enum class Outcome {
        editing,          ///< redraw, nothing else to do
        line_ready,       ///< Enter: take_line() has the line
        end_of_input,     ///< Ctrl-D on an empty line
        show_candidates,  ///< a second Tab: candidates() lists the completions
    };

    static constexpr std::size_t max_bytes = 4096;              ///< longer input is dropped
    static constexpr std::size_t max_history_lines = 500;       ///< the oldest go first
    static constexpr std::string_view clear_line = "\r\x1b[K";  ///< to print above the line

    /// @brief Feeds one byte typed by the user.
    Outcome feed(char c) {
        const auto byte = static_cast<unsigned char>(c);
        const bool was_tab = std::exchange(m_after_tab, false);
        if (m_escape != Escape::none) {
            decode_escape(byte);
            return Outcome::editing;
        }
        if (!m_partial_character.empty() || byte >= 0x80) {
            collect_character(c);
            return Outcome::editing;
        }
        if (byte >= 0x20 && byte != 0x7f) {
            insert(std::string_view(&c, 1));
            return Outcome::editing;
        }
        return control_key(byte, was_tab);
    }

    /// @brief The finished line, recorded in the history unless it was
    /// secret or blank; the editor starts a new, empty line.
    std::string take_line() {
        std::string line = std::exchange(m_line, {});
        if (!m_secret && line.find_first_not_of(' ') != std::string::npos) {
            remember(line);
        }
        m_cursor = m_first_visible = m_history_position = 0;
        m_draft.clear();
        m_secret = false;
        return line;
    }

    /// @brief Marks the line being typed as secret (an agent's key): it is
    /// not drawn, Up/Down leave it alone, and it never enters the history.
    void mark_secret() noexcept { m_secret = true; }

    /// @brief The line as typed, UTF-8.
    [[nodiscard]] const std::string& line() const noexcept { return m_line; }
    /// @brief The cursor, as a byte offset into line().
    [[nodiscard]] std::size_t cursor_byte() const noexcept { return m_cursor; }
    /// @brief The cursor, in characters (a base with its combining marks is one).
    [[nodiscard]] std::size_t cursor_characters() const noexcept {
        std::size_t count = 0;
        for (std::size_t at = 0; at < m_cursor; at += character_bytes(tail(at))) {
            ++count;
        }
        return count;
    }
    /// @brief The cursor, in columns from the start of the line.
    [[nodiscard]] std::size_t cursor_columns() const noexcept {
        return display_width(std::string_view(m_line).substr(0, m_cursor));
    }

    /// @brief The earlier lines, oldest first.
    [[nodiscard]] const telechat::Queue<std::string>& history() const noexcept { return m_history; }
    /// @brief Adds lines to the history, oldest first (from a file, say).
    void load_history(const std::vector<std::string>& lines) {
        for (const std::string& line : lines) {
            remember(line);
        }
    }

    /// @brief Where Tab finds its candidates; without one, Tab does nothing.
    void set_completion_source(CompletionSource source) { m_complete = std::move(source); }
    /// @brief The completions a second Tab offered (Outcome::show_candidates).
    [[nodiscard]] const std::vector<std::string>& candidates() const noexcept {
        return m_candidates;
    }

    /// @brief What to draw on the bottom line of a terminal `width` columns
    /// wide: the prompt and the slice of the line around the cursor.
    ///
    /// The slice moves only when the cursor would leave it, as readline's
    /// does, so the text stays put under the user's eyes; that is why this
    /// is not const. A wide character that does not fit is left out whole.
    Rendering render(std::string_view prompt, std::size_t width) {
        const std::string_view shown_prompt = cut_to_columns(prompt, width > 3 ? width - 3 : 1);
        const std::size_t prompt_width = display_width(shown_prompt);
        // Two spare columns: the cursor after the last character never
        // reaches the last column, where terminals wrap differently.
        const std::size_t room = width > prompt_width + 2 ? width - prompt_width - 2 : 1;
        Rendering out;
        if (!m_secret) {
            scroll_to_cursor(room);
            out.visible = cut_to_columns(tail(m_first_visible), room);
            out.cursor_column = prompt_width + display_width(slice(m_first_visible, m_cursor));
        } else {
            out.cursor_column = prompt_width;
        }
        out.bytes = "\r" + std::string(shown_prompt) + out.visible + "\x1b[K";
        if (out.cursor_column != prompt_width + display_width(out.visible)) {
            out.bytes += "\r";
            if (out.cursor_column > 0) {
                out.bytes += "\x1b[" + std::to_string(out.cursor_column) + "C";
            }
        }
        return out;
    }

private:
    enum class Escape { none, started, bracket, letter_o };

    // ---- decoding keys ----

    Outcome control_key(unsigned char byte, bool after_tab) {
        switch (byte) {
            case '\r':
            case '\n':
                return Outcome::line_ready;
            case 0x04:  // Ctrl-D
                if (m_line.empty()) {
                    return Outcome::end_of_input;
                }
                delete_forward();
                break;
            case 0x7f:
            case 0x08:
                erase(previous_character_start(m_line, m_cursor), m_cursor);
                break;
            case 0x01:  // Ctrl-A
                m_cursor = 0;
                break;
            case 0x05:  // Ctrl-E
                m_cursor = m_line.size();
                break;
            case 0x15:  // Ctrl-U
                erase(0, m_cursor);
                break;
            case 0x0b:  // Ctrl-K
                m_line.erase(m_cursor);
                break;
            case 0x17:  // Ctrl-W
                erase(word_start_before(m_cursor), m_cursor);
                break;
            case '\t':
                return complete(after_tab);
            case 0x1b:
                m_escape = Escape::started;
                m_sequence.clear();
                break;
            default:
                break;  // other control characters are not text
        }
        return Outcome::editing;
    }

    // ESC x (Alt-x), ESC O x (SS3), ESC [ parameters final (CSI).
    void decode_escape(unsigned char byte) {
        if (m_escape == Escape::started) {
            if (byte == 0x1b) {
                return;  // ESC ESC [ A is Alt-Up in some terminals: still one key
            }
            m_escape = byte == '['   ? Escape::bracket
                       : byte == 'O' ? Escape::letter_o
                                     : Escape::none;
            if (m_escape == Escape::none) {
                alt_key(byte);
            }
            return;
        }
        if (m_escape == Escape::bracket && (byte < 0x40 || byte > 0x7e)) {
            if (m_sequence.size() < 16) {  // longer ones are nothing we know
                m_sequence.push_back(static_cast<char>(byte));
            }
            return;
        }
        m_sequence.push_back(static_cast<char>(byte));
        m_escape = Escape::none;
        sequence_key(m_sequence);
    }

    void alt_key(unsigned char byte) {
        if (byte == 'b') {
            m_cursor = word_start_before(m_cursor);
        } else if (byte == 'f') {
            m_cursor = word_end_after(m_cursor);
        }
    }

    // The parameters and final byte of ESC [ or ESC O, e.g. "D", "3~", "1;5C".
    void sequence_key(std::string_view key) {
        if (key == "D") {
            m_cursor = previous_character_start(m_line, m_cursor);
        } else if (key == "C") {
            m_cursor += character_bytes(tail(m_cursor));
        } else if (key == "H" || key == "1~" || key == "7~") {
            m_cursor = 0;
        } else if (key == "F" || key == "4~" || key == "8~") {
            m_cursor = m_line.size();
        } else if (key == "1;5D" || key == "1;3D") {
            m_cursor = word_start_before(m_cursor);
        } else if (key == "1;5C" || key == "1;3C") {
            m_cursor = word_end_after(m_cursor);
        } else if (key == "3~") {
            delete_forward();
        } else if (key == "A") {
            recall(m_history_position + 1);
        } else if (key == "B" && m_history_position > 0) {
            recall(m_history_position - 1);
        }
    }

    // A multi-byte character is inserted once its last byte has come; a
    // broken one is dropped, and a byte that cannot continue it starts anew.
    void collect_character(char c) {
        const auto byte = static_cast<unsigned char>(c);
        if (!m_partial_character.empty() && (byte & 0xC0) != 0x80) {
            m_partial_character.clear();
            feed(c);
            return;
        }
        m_partial_character.push_back(c);
        const std::size_t expected =
            utf8_sequence_length(static_cast<std::uint8_t>(m_partial_character.front()));
        if (m_partial_character.size() < expected) {
            return;
        }
        const DecodedCharacter decoded = decode_utf8(m_partial_character);
        if (decoded.code_point != replacement_character && !is_control(decoded.code_point)) {
            insert(m_partial_character);
        }
        m_partial_character.clear();
    }

    // ---- editing ----

    void insert(std::string_view text) {
        if (m_line.size() + text.size() > max_bytes) {
            return;
        }
        m_line.insert(m_cursor, text);
        m_cursor += text.size();
        // A base typed before a lone combining mark takes the mark: step over it.
        while (starts_with_zero_width(tail(m_cursor))) {
            m_cursor += decode_utf8(tail(m_cursor)).bytes;
        }
    }

    // Removes [from, to) and leaves the cursor at `from`.
    void erase(std::size_t from, std::size_t to) {
        m_line.erase(from, to - from);
        m_cursor = from;
        m_first_visible = std::min(m_first_visible, from);
    }

    void delete_forward() { erase(m_cursor, m_cursor + character_bytes(tail(m_cursor))); }

    // Words are separated by spaces, as 3MCP separates a command's words.
    [[nodiscard]] std::size_t word_start_before(std::size_t position) const {
        while (position > 0 && m_line[position - 1] == ' ') {
            --position;
        }
        while (position > 0 && m_line[position - 1] != ' ') {
            --position;
        }
        return position;  // a space is one byte: this is a character boundary
    }

    [[nodiscard]] std::size_t word_end_after(std::size_t position) const {
        while (position < m_line.size() && m_line[position] == ' ') {
            ++position;
        }
        while (position < m_line.size() && m_line[position] != ' ') {
            ++position;
        }
        return position;
    }

    void replace_line(std::string text) {
        m_line = std::move(text);
        m_cursor = m_line.size();
        m_first_visible = 0;
    }

    // ---- history ----

    // Position 0 is the line being typed (the draft), 1 the last line sent,
    // and so on; the draft is kept while the user looks further back.
    void recall(std::size_t position) {
        if (m_secret || position > m_history.size()) {
            return;
        }
        if (m_history_position == 0) {
            m_draft = m_line;
        }
        m_history_position = position;
        replace_line(position == 0
                         ? m_draft
                         : *std::prev(m_history.end(), static_cast<std::ptrdiff_t>(position)));
    }

    void remember(const std::string& line) {
        if (!m_history.empty() && m_history.back() == line) {
            return;  // Up after repeating a line should not show it twice
        }
        m_history.push(line);
        if (m_history.size() > max_history_lines) {
            m_history.pop();
        }
    }

    // ---- completion ----

    // The first Tab completes as far as every candidate agrees; a Tab right
    // after one that could not go further lists the candidates. Letters
    // match in either case, as 3MCP compares names: "an" completes to "Ana",
    // and the word takes the candidate's spelling.
    Outcome complete(bool after_tab) {
        m_after_tab = true;
        if (!m_complete) {
            return Outcome::editing;
        }
        const std::size_t start = word_start_before(m_cursor);
        const std::string_view word = slice(start, m_cursor);
        const bool first_word = slice(0, start).find_first_not_of(' ') == std::string_view::npos;
        m_candidates.clear();
        for (std::string& candidate : m_complete(word, first_word)) {
            if (same_ignoring_case(std::string_view(candidate).substr(0, word.size()), word)) {
                m_candidates.push_back(std::move(candidate));
            }
        }
        if (m_candidates.empty()) {
            return Outcome::editing;
        }
        if (m_candidates.size() == 1) {
            replace_word(start, m_candidates.front() + " ");
            return Outcome::editing;
        }
        const std::string_view common = common_prefix(m_candidates);
        if (common.size() > word.size()) {
            replace_word(start, std::string(common));
            return Outcome::editing;
        }
        return after_tab ? Outcome::show_candidates : Outcome::editing;
    }

    // The word from `start` to the cursor becomes `text`.
    void replace_word(std::size_t start, const std::string& text) {
        if (m_line.size() - (m_cursor - start) + text.size() > max_bytes) {
            return;  // as insert() would: the line stays as it was
        }
        erase(start, m_cursor);
        insert(text);
    }

    [[nodiscard]] static bool same_ignoring_case(std::string_view a, std::string_view b) noexcept {
        const auto lower = [](char c) {
            return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        };
        return a.size() == b.size() &&
               std::equal(a.begin(), a.end(), b.begin(),
                          [&](char x, char y) { return lower(x) == lower(y); });
    }

    // Cut at a character boundary: candidates "né" and "nè" share "n", not a byte of é.
    [[nodiscard]] static std::string_view common_prefix(const std::vector<std::string>& words) {
        std::string_view common = words.front();
        for (const std::string& word : words) {
            std::size_t same = 0;
            while (same < common.size() && same < word.size() &&
                   same_ignoring_case(common.substr(same, 1),
                                      std::string_view(word).substr(same, 1))) {
                ++same;
            }
            common = common.substr(0, same);
        }
        const std::string_view first = words.front();  // whole, so its boundaries are real
        std::size_t whole = 0;
        while (whole < common.size() &&
               whole + character_bytes(first.substr(whole)) <= common.size()) {
            whole += character_bytes(first.substr(whole));
        }
        return common.substr(0, whole);
    }

    // ---- drawing ----

    // Moves the window's start so that the cursor is inside it, `room` columns wide.
    void scroll_to_cursor(std::size_t room) {
        m_first_visible = std::min(m_first_visible, m_cursor);
        while (display_width(slice(m_first_visible, m_cursor)) > room) {
            m_first_visible += character_bytes(tail(m_first_visible));
        }
    }

    [[nodiscard]] std::string_view tail(std::size_t from) const noexcept {
        return std::string_view(m_line).substr(from);
    }
    [[nodiscard]] std::string_view slice(std::size_t from, std::size_t to) const noexcept {
        return std::string_view(m_line).substr(from, to - from);
    }

    std::string m_line;
    std::size_t m_cursor = 0;         // a byte offset on a character boundary
    std::size_t m_first_visible = 0;  // where the visible slice starts; <= m_cursor
    bool m_secret = false;

    Escape m_escape = Escape::none;
    std::string m_sequence;           // the parameters of an escape sequence so far
    std::string m_partial_character;  // the first bytes of a UTF-8 character

    telechat::Queue<std::string> m_history;  // oldest first, at most max_history_lines
    std::size_t m_history_position = 0;      // 0: the draft; n: the n-th line back
    std::string m_draft;

    CompletionSource m_complete;
    std::vector<std::string> m_candidates;
    bool m_after_tab = false;  // the key before this one was Tab
};

}  // namespace client_app

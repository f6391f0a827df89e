// The terminal side of telechat-client: the prompts asked before connecting
// (the key without echo), raw mode while chatting, restored on every way out,
// and a one-line editor that can be redrawn below whatever arrives.
#pragma once

#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace client_app {

// ---- restoring the terminal, whatever happens --------------------------------
//
// The settings found at start are kept in a global so that a signal handler
// can put them back: tcsetattr() is async-signal-safe, and nothing else the
// handlers do needs to be.

namespace terminal_state {
inline termios original{};
inline volatile sig_atomic_t have_original = 0;
inline volatile sig_atomic_t raw_wanted = 0;     // re-enter raw mode after Ctrl-Z, fg
inline volatile sig_atomic_t redraw_needed = 0;  // after fg or a resize
inline termios raw{};
}  // namespace terminal_state

inline void restore_terminal() noexcept {
    if (terminal_state::have_original) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &terminal_state::original);
    }
}

extern "C" inline void on_fatal_signal(int signal_number) {
    restore_terminal();
    constexpr char newline = '\n';
    [[maybe_unused]] const auto ignored = write(STDOUT_FILENO, &newline, 1);
    std::signal(signal_number, SIG_DFL);
    raise(signal_number);  // die of the same signal, so the shell sees it
}

extern "C" inline void on_stop_signal(int);

inline void handle_stop_signal(void (*handler)(int)) noexcept {
    struct sigaction action {};
    action.sa_handler = handler;
    action.sa_flags = SA_NODEFER;  // so that the raise() inside the handler stops us at once
    sigaction(SIGTSTP, &action, nullptr);
}

extern "C" inline void on_stop_signal(int) {
    restore_terminal();
    handle_stop_signal(SIG_DFL);
    raise(SIGTSTP);  // stopped here until the shell continues us
    handle_stop_signal(on_stop_signal);
    if (terminal_state::raw_wanted) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &terminal_state::raw);
    }
    terminal_state::redraw_needed = 1;
}

extern "C" inline void on_resize(int) {
    terminal_state::redraw_needed = 1;
}

// Installs the handlers; done once, before the terminal is ever changed.
inline void install_terminal_guards() {
    if (tcgetattr(STDIN_FILENO, &terminal_state::original) == 0) {
        terminal_state::have_original = 1;
    }
    for (const int signal_number : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
        std::signal(signal_number, on_fatal_signal);
    }
    handle_stop_signal(on_stop_signal);
    struct sigaction action {};
    action.sa_handler = on_resize;
    sigaction(SIGWINCH, &action, nullptr);  // no SA_RESTART: poll() wakes up to redraw
}

// Raw enough to see every key at once and to echo it ourselves; output
// processing stays on, and so do signals: Ctrl-C still interrupts.
inline void enter_raw_mode() {
    if (!terminal_state::have_original) {
        return;
    }
    termios raw = terminal_state::original;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | IEXTEN);
    raw.c_iflag &= ~static_cast<tcflag_t>(IXON);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    terminal_state::raw = raw;
    terminal_state::raw_wanted = 1;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
}

inline void leave_raw_mode() {
    terminal_state::raw_wanted = 0;
    restore_terminal();
}

inline std::size_t terminal_width() {
    winsize size{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 20) {
        return size.ws_col;
    }
    return 80;
}

inline void write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t written = write(fd, bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            return;
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
}

// Asks one question in the terminal's normal (cooked) mode: the line
// discipline does the editing. With echo off the answer is not shown (the
// agent key). Returns nullopt at end of input (Ctrl-D).
inline std::optional<std::string> ask(std::string_view question, bool echo = true) {
    write_all(STDOUT_FILENO, question);
    termios quiet = terminal_state::original;
    if (!echo && terminal_state::have_original) {
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string answer;
    bool ended = false;
    for (char c = 0;;) {
        const ssize_t got = read(STDIN_FILENO, &c, 1);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            ended = true;
            break;
        }
        if (c == '\n') {
            break;
        }
        answer.push_back(c);
    }
    if (!echo) {
        restore_terminal();
    }
    if (ended && answer.empty()) {
        write_all(STDOUT_FILENO, "\n");
        return std::nullopt;
    }
    return answer;
}

// ---- the line being typed --------------------------------------------------

// How many columns `text` takes, counted as code points: right for the Latin,
// Greek and Cyrillic names and texts of a support desk; wide CJK characters
// would need wcwidth.
inline std::size_t columns(std::string_view text) {
    std::size_t count = 0;
    for (const char c : text) {
        count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1U : 0U;
    }
    return count;
}

// A one-line editor: printable text, Backspace, Ctrl-U (clear), Ctrl-W
// (delete a word), Enter; escape sequences (arrows, function keys) are
// swallowed whole. It owns the bottom line of the screen: whatever else is
// printed clears that line first and redraws it afterwards.
class LineEditor {
public:
    enum class Outcome { editing, line_ready, end_of_input };

    static constexpr std::size_t max_bytes = 4096;

    // Feeds one byte typed by the user.
    Outcome feed(char c) {
        const auto byte = static_cast<unsigned char>(c);
        if (m_escape != Escape::none) {
            swallow_escape(byte);
            return Outcome::editing;
        }
        switch (byte) {
            case '\r':
            case '\n':
                return Outcome::line_ready;
            case 0x04:
                return m_input.empty() ? Outcome::end_of_input : Outcome::editing;  // Ctrl-D
            case 0x7f:
            case 0x08:
                erase_character();
                return Outcome::editing;
            case 0x15:
                m_input.clear();
                return Outcome::editing;  // Ctrl-U
            case 0x17:
                erase_word();
                return Outcome::editing;  // Ctrl-W
            case 0x1b:
                m_escape = Escape::started;
                return Outcome::editing;
            case '\t':
                insert(' ');
                return Outcome::editing;
            default:
                if (byte >= 0x20) {
                    insert(c);
                }
                return Outcome::editing;
        }
    }

    // The finished line; the editor starts a new one.
    std::string take_line() {
        std::string line;
        line.swap(m_input);
        return line;
    }

    [[nodiscard]] const std::string& input() const noexcept { return m_input; }

    void set_prompt(std::string prompt) { m_prompt = std::move(prompt); }

    // Bytes that clear the bottom line and draw the prompt and the end of the
    // input that fits, so that a long line scrolls sideways instead of
    // wrapping (a wrapped line could not be cleared with one escape).
    [[nodiscard]] std::string redraw(std::size_t width) const {
        const std::size_t prompt_width = columns(m_prompt);
        const std::size_t room = width > prompt_width + 2 ? width - prompt_width - 2 : 1;
        std::string_view visible = m_input;
        while (columns(visible) > room) {
            visible.remove_prefix(1);
            while (!visible.empty() &&
                   (static_cast<unsigned char>(visible.front()) & 0xC0) == 0x80) {
                visible.remove_prefix(1);  // never start in the middle of a character
            }
        }
        return std::string(clear_line) + m_prompt + std::string(visible);
    }

    static constexpr std::string_view clear_line = "\r\x1b[K";

private:
    enum class Escape { none, started, sequence };

    void insert(char c) {
        if (m_input.size() < max_bytes) {
            m_input.push_back(c);
        }
    }

    void erase_character() {
        while (!m_input.empty()) {
            const auto last = static_cast<unsigned char>(m_input.back());
            m_input.pop_back();
            if ((last & 0xC0) != 0x80) {
                break;  // removed the first byte of the character
            }
        }
    }

    void erase_word() {
        while (!m_input.empty() && m_input.back() == ' ') {
            m_input.pop_back();
        }
        while (!m_input.empty() && m_input.back() != ' ') {
            m_input.pop_back();
        }
    }

    // ESC [ ... final, or ESC O x, or ESC x.
    void swallow_escape(unsigned char byte) {
        if (m_escape == Escape::started) {
            m_escape = byte == '[' || byte == 'O' ? Escape::sequence : Escape::none;
        } else if (byte >= 0x40 && byte <= 0x7e) {
            m_escape = Escape::none;
        }
    }

    std::string m_prompt;
    std::string m_input;
    Escape m_escape = Escape::none;
};

}  // namespace client_app

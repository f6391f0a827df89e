// The terminal side of telechat-client on POSIX systems: the prompts asked
// before connecting (the key without echo), and raw mode while chatting,
// restored on every way out. The line typed in raw mode is edited by
// line_editor.hpp, which does no I/O: this file only moves its bytes. Its
// Windows twin is terminal_windows.hpp; system.hpp picks one.
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

// Whether the client talks with a person (else it runs a script), and
// whether its output may be coloured.
inline bool stdin_is_terminal() {
    return isatty(STDIN_FILENO) == 1;
}
inline bool stdout_is_terminal() {
    return isatty(STDOUT_FILENO) == 1;
}

// Whether the screen must be drawn again (after a resize, or fg); asking
// clears the request.
inline bool take_redraw_request() noexcept {
    const bool wanted = terminal_state::redraw_needed != 0;
    terminal_state::redraw_needed = 0;
    return wanted;
}

// A write to a server that closed must be an error to handle, not a
// SIGPIPE that kills the client.
inline void ignore_broken_pipes() {
    std::signal(SIGPIPE, SIG_IGN);
}

inline std::size_t terminal_width() {
    winsize size{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 20) {
        return size.ws_col;
    }
    return 80;
}

// Writes all of `bytes` to stdout (unbuffered: the screen is drawn in pieces).
inline void write_out(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t written = write(STDOUT_FILENO, bytes.data(), bytes.size());
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
    write_out(question);
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
        write_out("\n");
        return std::nullopt;
    }
    return answer;
}

}  // namespace client_app

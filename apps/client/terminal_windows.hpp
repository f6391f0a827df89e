// The console side of telechat-client on Windows: the prompts asked before
// connecting (the key without echo), and raw mode while chatting, restored
// on every way out. The console draws the same virtual-terminal sequences
// as a POSIX terminal (ENABLE_VIRTUAL_TERMINAL_PROCESSING, Windows 10 and
// later), and keys are turned into a terminal's bytes
// (console_input_windows.hpp), so line_editor.hpp works unchanged: only
// the switching of modes and the reading of keys differ. Its POSIX twin is
// terminal_posix.hpp.
#pragma once

#include <io.h>

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "console_input_windows.hpp"

namespace client_app {

namespace console_state {
inline DWORD original_input = 0;
inline DWORD original_output = 0;
inline std::atomic<bool> have_original{false};
inline std::atomic<std::size_t> last_width{0};
}  // namespace console_state

inline HANDLE console_input() {
    return ::GetStdHandle(STD_INPUT_HANDLE);
}
inline HANDLE console_output() {
    return ::GetStdHandle(STD_OUTPUT_HANDLE);
}

inline void restore_terminal() noexcept {
    if (console_state::have_original) {
        ::SetConsoleMode(console_input(), console_state::original_input);
        ::SetConsoleMode(console_output(), console_state::original_output);
    }
}

// Ctrl-C, Ctrl-Break, closing the window: the console's modes go back, and
// then Windows's own handling ends the process (as the signal does on POSIX).
inline BOOL WINAPI on_console_event(DWORD /*event*/) {
    restore_terminal();
    return FALSE;
}

// Whether the client talks with a person (else it runs a script), and
// whether its output may be coloured.
inline bool stdin_is_terminal() {
    return stdin_is_console();
}
inline bool stdout_is_terminal() {
    DWORD mode = 0;
    return ::GetConsoleMode(console_output(), &mode) != 0;
}

// Keeps the modes found at start, and the handler that puts them back; turns
// on UTF-8 and the virtual-terminal sequences for output.
inline void install_terminal_guards() {
    DWORD input = 0;
    DWORD output = 0;
    if (::GetConsoleMode(console_input(), &input) != 0 &&
        ::GetConsoleMode(console_output(), &output) != 0) {
        console_state::original_input = input;
        console_state::original_output = output;
        console_state::have_original = true;
        ::SetConsoleMode(console_output(),
                         output | ENABLE_PROCESSED_OUTPUT | ENABLE_VIRTUAL_TERMINAL_PROCESSING);
    }
    ::SetConsoleOutputCP(CP_UTF8);
    ::SetConsoleCtrlHandler(on_console_event, TRUE);
}

// Every key at once and unechoed (read_console_keys() turns the key
// events into a terminal's bytes); Ctrl-C still interrupts.
inline void enter_raw_mode() {
    if (!console_state::have_original) {
        return;
    }
    const DWORD raw =
        (console_state::original_input & ~static_cast<DWORD>(ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT |
                                                             ENABLE_VIRTUAL_TERMINAL_INPUT)) |
        ENABLE_PROCESSED_INPUT;
    ::SetConsoleMode(console_input(), raw);
}

inline void leave_raw_mode() {
    restore_terminal();
}

inline std::size_t terminal_width() {
    CONSOLE_SCREEN_BUFFER_INFO info{};
    if (::GetConsoleScreenBufferInfo(console_output(), &info) != 0) {
        const auto width = static_cast<std::size_t>(info.srWindow.Right - info.srWindow.Left + 1);
        if (width >= 20) {
            return width;
        }
    }
    return 80;
}

// Whether the screen must be drawn again: the console's width changed
// since the last look (Windows sends no signal for it).
inline bool take_redraw_request() noexcept {
    const std::size_t width = terminal_width();
    return console_state::last_width.exchange(width) != width && console_state::have_original;
}

// Windows has no SIGPIPE: a send to a closed peer is an error already.
inline void ignore_broken_pipes() {}

// Writes all of `bytes` to stdout, as UTF-8.
inline void write_out(std::string_view bytes) {
    while (!bytes.empty()) {
        DWORD written = 0;
        const auto size = static_cast<DWORD>(bytes.size() < 65536 ? bytes.size() : 65536);
        if (::WriteFile(console_output(), bytes.data(), size, &written, nullptr) == 0 ||
            written == 0) {
            return;
        }
        bytes.remove_prefix(written);
    }
}

// Asks one question in the console's line mode, which does the editing;
// with echo off the answer is not shown (the agent key). Returns nullopt at
// the end of input.
inline std::optional<std::string> ask(std::string_view question, bool echo = true) {
    write_out(question);
    if (console_state::have_original) {
        DWORD mode = console_state::original_input | ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT;
        mode = echo ? (mode | ENABLE_ECHO_INPUT) : (mode & ~static_cast<DWORD>(ENABLE_ECHO_INPUT));
        ::SetConsoleMode(console_input(),
                         mode & ~static_cast<DWORD>(ENABLE_VIRTUAL_TERMINAL_INPUT));
    }
    std::string answer;
    bool ended = false;
    for (;;) {
        const std::string bytes = read_stdin();
        if (bytes.empty()) {
            ended = true;
            break;
        }
        answer += bytes;
        if (answer.find('\n') != std::string::npos) {
            break;
        }
    }
    answer = answer.substr(0, answer.find_first_of("\r\n"));
    ended = ended || answer.starts_with('\x1a');  // Ctrl-Z, Enter: the console's end of input
    if (answer.starts_with('\x1a')) {
        answer.clear();
    }
    if (!echo) {
        write_out("\n");  // the Enter that was not echoed either
    }
    restore_terminal();
    if (ended && answer.empty()) {
        return std::nullopt;
    }
    return answer;
}

}  // namespace client_app

// Reading stdin on Windows as UTF-8, whatever it is: the console (read as
// UTF-16 with ReadConsoleW and converted, since its 8-bit reads depend on
// the code page), or a file or pipe (bytes as they are). Used by the
// prompts and by server_link_windows.hpp's reading thread.
#pragma once

#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <winsock2.h>  // before windows.h, which would bring the old winsock.h

#include <string>

namespace client_app {

/// UTF-16 to UTF-8; a high surrogate left at the end waits in `pending` for
/// its pair, which the next read brings.
inline std::string utf8_of(const wchar_t* text, int length, std::wstring& pending) {
    std::wstring whole = pending + std::wstring(text, static_cast<std::size_t>(length));
    pending.clear();
    if (!whole.empty() && whole.back() >= 0xD800 && whole.back() <= 0xDBFF) {
        pending.push_back(whole.back());
        whole.pop_back();
    }
    if (whole.empty()) {
        return {};
    }
    const int wide = static_cast<int>(whole.size());
    const int bytes =
        ::WideCharToMultiByte(CP_UTF8, 0, whole.data(), wide, nullptr, 0, nullptr, nullptr);
    std::string out(static_cast<std::size_t>(bytes > 0 ? bytes : 0), '\0');
    ::WideCharToMultiByte(CP_UTF8, 0, whole.data(), wide, out.data(), bytes, nullptr, nullptr);
    return out;
}

/// Whether stdin is a console (not a file or a pipe).
inline bool stdin_is_console() {
    DWORD mode = 0;
    return ::GetConsoleMode(::GetStdHandle(STD_INPUT_HANDLE), &mode) != 0;
}

/// The VT sequence a POSIX terminal sends for a key that has no character
/// (arrows, Home, End, Delete; with Ctrl, a word left or right); empty for
/// the other keys (Shift alone, F-keys, ...).
inline std::string sequence_of_key(WORD key, DWORD modifiers) {
    const bool control = (modifiers & (LEFT_CTRL_PRESSED | RIGHT_CTRL_PRESSED)) != 0;
    switch (key) {
        case VK_LEFT:
            return control ? "\x1b[1;5D" : "\x1b[D";
        case VK_RIGHT:
            return control ? "\x1b[1;5C" : "\x1b[C";
        case VK_UP:
            return "\x1b[A";
        case VK_DOWN:
            return "\x1b[B";
        case VK_HOME:
            return "\x1b[H";
        case VK_END:
            return "\x1b[F";
        case VK_DELETE:
            return "\x1b[3~";
        default:
            return {};
    }
}

/// The next keys typed at the console, as the bytes a POSIX terminal in raw
/// mode would send: characters as UTF-8, special keys as VT sequences (the
/// console gives key events, which is what every Windows console does,
/// with or without virtual-terminal input); empty if the console fails.
inline std::string read_console_keys() {
    const HANDLE input = ::GetStdHandle(STD_INPUT_HANDLE);
    thread_local std::wstring pending;
    for (;;) {
        INPUT_RECORD records[64];
        DWORD got = 0;
        if (::ReadConsoleInputW(input, records, 64, &got) == 0 || got == 0) {
            return {};
        }
        std::string bytes;
        for (DWORD i = 0; i < got; ++i) {
            if (records[i].EventType != KEY_EVENT || !records[i].Event.KeyEvent.bKeyDown) {
                continue;
            }
            const KEY_EVENT_RECORD& key = records[i].Event.KeyEvent;
            const wchar_t character = key.uChar.UnicodeChar;
            const std::string one =
                character != 0 ? utf8_of(&character, 1, pending)
                               : sequence_of_key(key.wVirtualKeyCode, key.dwControlKeyState);
            for (WORD repeat = 0; repeat < (key.wRepeatCount == 0 ? 1 : key.wRepeatCount);
                 ++repeat) {
                bytes += one;
            }
        }
        if (!bytes.empty()) {
            return bytes;
        }
    }
}

/// The next bytes of stdin, blocking until some come; empty at its end.
/// The console is read line by line here (the prompts' cooked mode); while
/// chatting, use read_console_keys().
inline std::string read_stdin() {
    const HANDLE input = ::GetStdHandle(STD_INPUT_HANDLE);
    if (stdin_is_console()) {
        thread_local std::wstring pending;
        for (;;) {
            wchar_t wide[256];
            DWORD got = 0;
            if (::ReadConsoleW(input, wide, 256, &got, nullptr) == 0 || got == 0) {
                return {};
            }
            std::string text = utf8_of(wide, static_cast<int>(got), pending);
            if (!text.empty()) {
                return text;
            }
        }
    }
    char bytes[4096];
    DWORD got = 0;
    if (::ReadFile(input, bytes, sizeof bytes, &got, nullptr) == 0 || got == 0) {
        return {};
    }
    return std::string(bytes, got);
}

}  // namespace client_app

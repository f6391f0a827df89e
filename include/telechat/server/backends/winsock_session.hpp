/// @file
/// @brief telechat::server::WinsockSession: Winsock 2 started for as long as
///        the object lives (WSAStartup / WSACleanup). Windows only; also the
///        one place the Winsock headers are included, with the macros that
///        keep <windows.h> from breaking standard C++.
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

// <windows.h> (which <winsock2.h> includes) defines macros named min and max,
// which break std::min and std::numeric_limits<T>::max, and pulls in the old
// <winsock.h> unless told to stay lean; both must be said before it is read.
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <winsock2.h>
#include <ws2tcpip.h>

#include <system_error>

// WSAPoll and inet_ntop exist from Windows Vista (0x0600) on.
static_assert(_WIN32_WINNT >= 0x0600, "TeleChat's Winsock backend needs _WIN32_WINNT >= 0x0600");

namespace telechat::server {

/**
 * @brief Winsock 2.2, started while this object lives.
 *
 * Winsock counts its users: every successful `WSAStartup` must be matched by
 * one `WSACleanup`, and the library stays loaded until the count drops to
 * zero. So each object makes one start of its own, a copy included, and its
 * destructor makes the matching cleanup: a backend, a poller or a
 * connection that holds one can be copied and destroyed in any order, and
 * Winsock is never cleaned up under a socket still in use.
 */
class WinsockSession {
public:
    /// @brief Starts Winsock 2.2 (or counts one more user).
    /// @throws std::system_error if Winsock cannot start.
    WinsockSession() {
        WSADATA data{};
        // WSAStartup returns its error rather than setting WSAGetLastError.
        if (const int error = ::WSAStartup(MAKEWORD(2, 2), &data); error != 0) {
            throw std::system_error(error, std::system_category(), "WSAStartup");
        }
    }
    /// @brief Another user of the same Winsock: one more start.
    WinsockSession(const WinsockSession& /*other*/) : WinsockSession() {}
    /// @brief Both objects already hold a start each: nothing changes.
    /// @return `*this`.
    WinsockSession& operator=(const WinsockSession& /*other*/) noexcept { return *this; }
    /// @brief The cleanup matching this object's start.
    ~WinsockSession() { ::WSACleanup(); }
};

}  // namespace telechat::server

/// @cond TELECHAT_INTERNALS
namespace telechat::detail {

// The small socket calls every Winsock file of TeleChat uses.

// Closes a socket if it is one; returns INVALID_SOCKET to store back.
inline SOCKET close_socket(SOCKET socket) noexcept {
    if (socket != INVALID_SOCKET) {
        ::closesocket(socket);
    }
    return INVALID_SOCKET;
}

// Sets FIONBIO; false if Winsock refuses.
inline bool make_non_blocking(SOCKET socket) noexcept {
    u_long one = 1;
    return ::ioctlsocket(socket, static_cast<long>(FIONBIO), &one) == 0;
}

// A new socket that child processes do not inherit (as SOCK_CLOEXEC on
// POSIX), overlapped-capable like one from socket().
inline SOCKET new_socket(int family, int type, int protocol) noexcept {
    return ::WSASocketW(family, type, protocol, nullptr, 0,
                        WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
}

}  // namespace telechat::detail
/// @endcond

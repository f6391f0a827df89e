/// @file
/// @brief How the Winsock backend turns Winsock's error codes into the
///        IoStatus values SocketBackend documents. Pure functions of an error
///        number, so that each mapping is unit-tested without provoking the
///        error (a test cannot make a process run out of sockets cheaply).
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include "winsock_session.hpp"

#include "../concepts.hpp"

/// @cond TELECHAT_INTERNALS
namespace telechat::detail {

/// @brief What a failed `accept` means to the server (from WSAGetLastError).
/// @param error the Winsock error code.
/// @return would_block (try again when the poller says), exhausted (out of
///         sockets or buffer space: pause accepting), or error.
[[nodiscard]] constexpr server::IoStatus winsock_accept_status(int error) noexcept {
    switch (error) {
        case WSAEWOULDBLOCK:
        case WSAEINTR:
        // A connection reset before it was accepted is gone, not an error of
        // the listener (POSIX says ECONNABORTED for the same event).
        case WSAECONNRESET:
        case WSAECONNABORTED:
            return server::IoStatus::would_block;
        // WSAEMFILE: no socket descriptors left, as POSIX's EMFILE;
        // WSAENOBUFS: no buffer space, which is how Windows usually says it
        // is out of sockets (as ENOBUFS / ENOMEM on POSIX).
        case WSAEMFILE:
        case WSAENOBUFS:
            return server::IoStatus::exhausted;
        default:
            return server::IoStatus::error;
    }
}

/// @brief What a failed `recv` or `send` means (from WSAGetLastError).
/// @param error the Winsock error code.
/// @return would_block if the socket is merely not ready, else closed: a
///         reset, an abort, a shutdown or any other failure ends the
///         connection, as every errno but EAGAIN does in PosixBackend.
[[nodiscard]] constexpr server::IoStatus winsock_transfer_status(int error) noexcept {
    return error == WSAEWOULDBLOCK || error == WSAEINTR ? server::IoStatus::would_block
                                                        : server::IoStatus::closed;
}

}  // namespace telechat::detail
/// @endcond

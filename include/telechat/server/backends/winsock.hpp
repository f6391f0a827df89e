/// @file
/// @brief telechat::server::WinsockBackend: TCP over Winsock 2 (IPv4 and
///        IPv6), with a WSAPoll poller. Windows only; link with ws2_32
///        (the telechat::telechat CMake target does).
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include "winsock_session.hpp"

#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>
#include <utility>

#include "../../detail/unix_clock.hpp"
#include "../concepts.hpp"
#include "winsock_errors.hpp"
#include "wsapoll_poller.hpp"

namespace telechat::server {

/**
 * @brief TCP over Winsock 2: a SocketBackend for Windows, the same contract
 *        as PosixBackend.
 *
 * What differs from POSIX, and how the contract is kept:
 * - a socket is a `SOCKET`, not a file descriptor: closed with
 *   `closesocket`, made non-blocking with `ioctlsocket(FIONBIO)`, and its
 *   errors read from `WSAGetLastError()`, not errno (winsock_errors.hpp maps
 *   them to IoStatus, out of sockets included);
 * - Windows has no SIGPIPE: a write to a vanished peer simply fails
 *   (`WSAECONNRESET`, `WSAECONNABORTED`), which is IoStatus::closed;
 * - sockets are made non-inheritable (`WSA_FLAG_NO_HANDLE_INHERIT`), as
 *   POSIX ones are made close-on-exec;
 * - Windows's `SO_REUSEADDR` lets another program bind the same port, so it
 *   is not set (Windows lets a listener rebind a port with connections in
 *   TIME_WAIT without it);
 * - listening on "" or "*" binds the IPv6 any address with `IPV6_V6ONLY`
 *   off (on Windows it is on by default), falling back to IPv4;
 * - every object holding sockets holds a WinsockSession, so Winsock is
 *   started before the first socket and cleaned up after the last.
 *
 * A default-constructed Handle is 0, which no socket is (a SOCKET is a
 * kernel handle, and no handle is 0).
 */
class WinsockBackend {
public:
    /// @brief A Winsock socket.
    using Handle = SOCKET;
    /// @brief WSAPoll.
    using PollerType = WsaPollPoller;

    /// @brief Opens a listening socket.
    /// @param endpoint a numeric address (or "" / "*" for all) and a port (0 = any free one).
    /// @return the listening socket.
    /// @throws std::system_error if the address is bad or cannot be bound.
    Handle listen(const Endpoint& endpoint) {
        const bool any = endpoint.address.empty() || endpoint.address == "*";
        int error = 0;
        Handle listener = INVALID_SOCKET;
        if (any) {
            listener = bind_to("::", endpoint.port, true, error);
            if (listener == INVALID_SOCKET) {
                listener = bind_to("0.0.0.0", endpoint.port, false, error);
            }
        } else {
            listener = bind_to(endpoint.address, endpoint.port, false, error);
        }
        if (listener == INVALID_SOCKET) {
            throw std::system_error(
                error, std::system_category(),
                "cannot listen on " + endpoint.address + ":" + std::to_string(endpoint.port));
        }
        return listener;
    }

    /// @brief The port a listening socket is bound to (useful after port 0).
    /// @param listener the listening socket.
    /// @return the port, or 0 if unknown.
    [[nodiscard]] std::uint16_t local_port(Handle listener) const {
        sockaddr_storage address{};
        int length = sizeof address;
        if (::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            return 0;
        }
        return address.ss_family == AF_INET6
                   ? ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port)
                   : ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
    }

    /// @brief Accepts one pending connection.
    /// @param listener the listening socket.
    /// @return the status and, if ok, the new connection's socket.
    std::pair<IoStatus, Handle> accept(Handle listener) {
        const SOCKET socket = ::accept(listener, nullptr, nullptr);
        if (socket == INVALID_SOCKET) {
            return {telechat::detail::winsock_accept_status(::WSAGetLastError()), Handle{}};
        }
        // An accepted socket inherits the listener's non-blocking mode, but
        // saying so costs one call and does not depend on that rule.
        telechat::detail::make_non_blocking(socket);
        ::SetHandleInformation(reinterpret_cast<HANDLE>(socket), HANDLE_FLAG_INHERIT, 0);
        const BOOL one = TRUE;
        ::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&one),
                     sizeof one);
        return {IoStatus::ok, socket};
    }

    /// @brief Reads what is available, up to `into.size()` bytes.
    /// @param socket the connection.
    /// @param into where to put the bytes.
    /// @return ok with a byte count, would_block, or closed (end of stream or reset).
    IoResult read(Handle socket, std::span<char> into) {
        const int count = ::recv(socket, into.data(), clamped(into.size()), 0);
        if (count > 0) {
            return {IoStatus::ok, static_cast<std::size_t>(count)};
        }
        if (count == 0) {
            return {IoStatus::closed, 0};
        }
        return {telechat::detail::winsock_transfer_status(::WSAGetLastError()), 0};
    }

    /// @brief Writes as much of `from` as the socket takes now.
    /// @param socket the connection.
    /// @param from the bytes.
    /// @return ok with the count written (maybe short), would_block, or closed.
    IoResult write(Handle socket, std::span<const char> from) {
        const int count = ::send(socket, from.data(), clamped(from.size()), 0);
        if (count >= 0) {
            return {IoStatus::ok, static_cast<std::size_t>(count)};
        }
        return {telechat::detail::winsock_transfer_status(::WSAGetLastError()), 0};
    }

    /// @brief Ends the stream towards the peer (`shutdown(SD_SEND)`): the
    ///        peer reads everything written so far, then end of stream.
    /// @param socket the connection.
    void shutdown_sending(Handle socket) { ::shutdown(socket, SD_SEND); }

    /// @brief Closes a socket.
    /// @param socket the socket.
    void close(Handle socket) { ::closesocket(socket); }

    /// @brief The real time in milliseconds since the Unix epoch, as
    ///        PosixBackend::now(): the system clock read once, moved on by
    ///        the steady clock, so that a step of the wall clock neither
    ///        fires nor postpones a timeout.
    /// @return the time now.
    [[nodiscard]] std::int64_t now() const { return m_clock.now(); }

    /// @brief The peer's address, as `1.2.3.4:5678` or `[::1]:5678`, for logs.
    /// @param socket the connection.
    /// @return the address, or "unknown".
    [[nodiscard]] std::string peer_name(Handle socket) const {
        sockaddr_storage address{};
        int length = sizeof address;
        if (::getpeername(socket, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            return "unknown";
        }
        char host[INET6_ADDRSTRLEN] = {};
        if (address.ss_family == AF_INET6) {
            const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
            ::inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
            return "[" + std::string(host) + "]:" + std::to_string(ntohs(v6->sin6_port));
        }
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
        ::inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
        return std::string(host) + ":" + std::to_string(ntohs(v4->sin_port));
    }

    /// @brief A new WSAPoll poller.
    /// @return the poller.
    [[nodiscard]] PollerType make_poller() { return WsaPollPoller{}; }

private:
    WinsockSession m_session;  // every copy of the backend keeps Winsock started
    telechat::detail::UnixClock m_clock;

    // Winsock counts bytes in an int; a larger span moves in several calls.
    static int clamped(std::size_t size) noexcept {
        return static_cast<int>(size < INT_MAX ? size : std::size_t{INT_MAX});
    }

    // A listening socket on a numeric address, or INVALID_SOCKET and `error`.
    static SOCKET bind_to(const std::string& host, std::uint16_t port, bool dual_stack,
                          int& error) {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
        addrinfo* found = nullptr;
        if (const int status =
                ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
            status != 0 || found == nullptr) {
            error = status != 0 ? status : WSAEINVAL;
            return INVALID_SOCKET;
        }
        SOCKET socket =
            telechat::detail::new_socket(found->ai_family, found->ai_socktype, found->ai_protocol);
        bool ok = socket != INVALID_SOCKET && telechat::detail::make_non_blocking(socket);
        if (ok && dual_stack) {
            const DWORD zero = 0;
            ::setsockopt(socket, IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<const char*>(&zero),
                         sizeof zero);
        }
        ok = ok && ::bind(socket, found->ai_addr, static_cast<int>(found->ai_addrlen)) == 0 &&
             ::listen(socket, SOMAXCONN) == 0;
        if (!ok) {
            error = ::WSAGetLastError();
            socket = telechat::detail::close_socket(socket);
        }
        ::freeaddrinfo(found);
        return socket;
    }
};

static_assert(SocketBackend<WinsockBackend>, "WinsockBackend must model SocketBackend");

}  // namespace telechat::server

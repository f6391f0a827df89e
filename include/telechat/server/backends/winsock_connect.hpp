/// @file
/// @brief telechat::server::tcp_connect() on Windows: the client end of a
///        TCP connection over Winsock 2, with the interface of
///        tcp_connect.hpp (its POSIX twin), so that clients, tests and tools
///        are written once. Windows only; link with ws2_32.
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include "winsock_session.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <system_error>

#include "connect_options.hpp"

// Doxygen documents TcpConnection and tcp_connect() once, from their POSIX
// twin in tcp_connect.hpp: the interface is the same, and two documented
// declarations of one function would be read as one with two sets of docs.
/// @cond TELECHAT_WINDOWS_TWINS
namespace telechat::server {

/// @brief What tcp_connect() made: a socket, or why there is none.
struct TcpConnection {
    /// @brief The socket, not inheritable, owned by the caller (who closes
    ///        it with `closesocket`); INVALID_SOCKET if the connection failed.
    SOCKET fd = INVALID_SOCKET;
    /// @brief Why it failed, for a person (Windows's words); empty on success.
    std::string error;
    /// @brief Whether there is a socket.
    /// @return true if `fd` is one.
    [[nodiscard]] bool ok() const noexcept { return fd != INVALID_SOCKET; }
};

}  // namespace telechat::server

/// @cond TELECHAT_INTERNALS
namespace telechat::detail {

inline std::string winsock_message(int error) {
    return std::system_category().message(error);
}

// Waits for a connect() under way; 0 once connected, else the Winsock error.
// select(), not WSAPoll: WSAPoll did not report a failed connect before
// Windows 10 2004, and select() reports it in the exception set.
inline int finish_winsock_connect(SOCKET socket, std::chrono::milliseconds timeout) {
    fd_set writable;
    fd_set failed;
    FD_ZERO(&writable);
    FD_ZERO(&failed);
    FD_SET(socket, &writable);
    FD_SET(socket, &failed);
    timeval limit{};
    limit.tv_sec = static_cast<long>(timeout.count() / 1000);
    limit.tv_usec = static_cast<long>((timeout.count() % 1000) * 1000);
    const int ready = ::select(0, nullptr, &writable, &failed, &limit);
    if (ready <= 0) {
        return ready == 0 ? WSAETIMEDOUT : ::WSAGetLastError();
    }
    int socket_error = 0;
    int length = sizeof socket_error;
    if (::getsockopt(socket, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&socket_error),
                     &length) != 0) {
        return ::WSAGetLastError();
    }
    return socket_error != 0 || !FD_ISSET(socket, &failed) ? socket_error : WSAECONNREFUSED;
}

// Binds `socket` to the numeric `local_address`, port 0; 0 or the error.
inline int bind_winsock_local(SOCKET socket, int family, const std::string& local_address) {
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
    addrinfo* found = nullptr;
    if (const int status = ::getaddrinfo(local_address.c_str(), nullptr, &hints, &found);
        status != 0) {
        return status;
    }
    const int error = ::bind(socket, found->ai_addr, static_cast<int>(found->ai_addrlen)) == 0
                          ? 0
                          : ::WSAGetLastError();
    ::freeaddrinfo(found);
    return error;
}

// One address: a connected (or connecting) socket, or INVALID_SOCKET and `error`.
inline SOCKET connect_winsock(const addrinfo& address, const server::ConnectOptions& options,
                              std::string& error) {
    const SOCKET socket = new_socket(address.ai_family, address.ai_socktype, address.ai_protocol);
    if (socket == INVALID_SOCKET || !make_non_blocking(socket)) {
        error = winsock_message(::WSAGetLastError());
        close_socket(socket);
        return INVALID_SOCKET;
    }
    const BOOL one = TRUE;
    if (options.no_delay) {
        ::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&one),
                     sizeof one);
    }
    if (options.receive_buffer > 0) {
        ::setsockopt(socket, SOL_SOCKET, SO_RCVBUF,
                     reinterpret_cast<const char*>(&options.receive_buffer),
                     sizeof options.receive_buffer);
    }
    int failure = options.local_address.empty()
                      ? 0
                      : bind_winsock_local(socket, address.ai_family, options.local_address);
    if (failure == 0 &&
        ::connect(socket, address.ai_addr, static_cast<int>(address.ai_addrlen)) != 0) {
        failure = ::WSAGetLastError();
    }
    const bool wait = options.timeout.count() > 0;
    if (failure == WSAEWOULDBLOCK) {  // non-blocking: it goes on in the background
        failure = wait ? finish_winsock_connect(socket, options.timeout) : 0;
    }
    if (failure == 0 && wait && !options.non_blocking) {
        u_long zero = 0;
        failure =
            ::ioctlsocket(socket, static_cast<long>(FIONBIO), &zero) == 0 ? 0 : ::WSAGetLastError();
    }
    if (failure != 0) {
        error = winsock_message(failure);
        close_socket(socket);
        return INVALID_SOCKET;
    }
    return socket;
}

}  // namespace telechat::detail
/// @endcond

namespace telechat::server {

/**
 * @brief Connects to `host`:`port` over TCP (Windows).
 *
 * As in tcp_connect.hpp: every address the host resolves to is tried in
 * turn, each for at most `options.timeout`, until one answers. Winsock is
 * started on the first call and stays started until the program exits, so
 * the returned socket can be used at once.
 *
 * @param host a host name, `127.0.0.1`, `::1`, ...
 * @param port a port number or service name, e.g. `"3333"`.
 * @param options how to set the socket up.
 * @return the connected socket, or the reason of the last failure.
 */
[[nodiscard]] inline TcpConnection tcp_connect(const std::string& host, const std::string& port,
                                               const ConnectOptions& options = {}) {
    static const WinsockSession session;  // for the whole program: the caller keeps the socket
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int status = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); status != 0) {
        return TcpConnection{INVALID_SOCKET, telechat::detail::winsock_message(status)};
    }
    TcpConnection connection{INVALID_SOCKET, "no address"};
    for (const addrinfo* address = found; address != nullptr; address = address->ai_next) {
        connection.fd = telechat::detail::connect_winsock(*address, options, connection.error);
        if (connection.ok() || options.timeout.count() <= 0) {
            break;
        }
    }
    ::freeaddrinfo(found);
    if (connection.ok()) {
        connection.error.clear();
    }
    return connection;
}

/// @brief Connects to `host`:`port` over TCP; see the overload with a
///        string port.
/// @param host a host name or numeric address.
/// @param port the port.
/// @param options how to set the socket up.
/// @return the connected socket, or the reason of the last failure.
[[nodiscard]] inline TcpConnection tcp_connect(const std::string& host, std::uint16_t port,
                                               const ConnectOptions& options = {}) {
    return tcp_connect(host, std::to_string(port), options);
}

}  // namespace telechat::server
/// @endcond

/// @file
/// @brief telechat::server::tcp_connect(): the client end of a TCP
///        connection, for clients, tests and tools. POSIX sockets, Linux
///        (like PosixBackend, the server end).
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>

#include "connect_options.hpp"

namespace telechat::server {

/// @brief What tcp_connect() made: a socket, or why there is none.
struct TcpConnection {
    /// @brief The socket, close-on-exec, owned by the caller (who closes
    ///        it); -1 if the connection failed.
    int fd = -1;
    /// @brief Why it failed, for a person: `"Connection refused"`, a name
    ///        resolution error, ...; empty on success.
    std::string error;
    /// @brief Whether there is a socket.
    /// @return true if `fd` is one.
    [[nodiscard]] bool ok() const noexcept { return fd >= 0; }
};

}  // namespace telechat::server

/// @cond TELECHAT_INTERNALS
namespace telechat::detail {

// Binds `fd` to the numeric `local_address` with the port left to connect().
inline bool bind_local(int fd, int family, const std::string& local_address, std::string& error) {
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
    addrinfo* found = nullptr;
    if (const int status = ::getaddrinfo(local_address.c_str(), nullptr, &hints, &found);
        status != 0) {
        error = ::gai_strerror(status);
        return false;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    const bool bound = ::bind(fd, found->ai_addr, found->ai_addrlen) == 0;
    if (!bound) {
        error = std::strerror(errno);
    }
    ::freeaddrinfo(found);
    return bound;
}

// Waits for a connect() under way; 0 once connected, else the errno.
inline int finish_connect(int fd, std::chrono::milliseconds timeout) {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point deadline = Clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd waiting{fd, POLLOUT, 0};
        const int ready =
            ::poll(&waiting, 1, left.count() > 0 ? static_cast<int>(left.count()) : 0);
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            return ready == 0 ? ETIMEDOUT : errno;
        }
        int socket_error = 0;
        socklen_t length = sizeof socket_error;
        return ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &socket_error, &length) == 0 ? socket_error
                                                                                   : errno;
    }
}

// One address: a connected (or connecting) socket, or -1 and `error`.
inline int connect_to_address(const addrinfo& address, const server::ConnectOptions& options,
                              std::string& error) {
    const int fd = ::socket(address.ai_family, address.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                            address.ai_protocol);
    if (fd < 0) {
        error = std::strerror(errno);
        return -1;
    }
    const int one = 1;
    if (options.no_delay) {
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    if (options.receive_buffer > 0) {
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &options.receive_buffer,
                     sizeof options.receive_buffer);
    }
    if (!options.local_address.empty() &&
        !bind_local(fd, address.ai_family, options.local_address, error)) {
        ::close(fd);
        return -1;
    }
    int failure = ::connect(fd, address.ai_addr, address.ai_addrlen) == 0 ? 0 : errno;
    const bool wait = options.timeout.count() > 0;
    if (failure == EINPROGRESS || failure == EINTR) {  // EINTR: it goes on in the background
        failure = wait ? finish_connect(fd, options.timeout) : 0;
    }
    if (failure == 0 && wait && !options.non_blocking) {
        const int flags = ::fcntl(fd, F_GETFL);
        failure = flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ? errno : 0;
    }
    if (failure != 0) {
        error = std::strerror(failure);
        ::close(fd);
        return -1;
    }
    return fd;
}

}  // namespace telechat::detail
/// @endcond

namespace telechat::server {

/**
 * @brief Connects to `host`:`port` over TCP.
 *
 * The host is a name or a numeric IPv4 or IPv6 address; every address it
 * resolves to is tried in turn, each for at most `options.timeout`, until
 * one answers. The socket is non-blocking while it connects, so a silent
 * address costs the timeout, never a hang.
 *
 * @param host a host name, `127.0.0.1`, `::1`, ...
 * @param port a port number or service name, e.g. `"3333"`.
 * @param options how to set the socket up.
 * @return the connected socket, or the reason of the last failure.
 */
[[nodiscard]] inline TcpConnection tcp_connect(const std::string& host, const std::string& port,
                                               const ConnectOptions& options = {}) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int status = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); status != 0) {
        return TcpConnection{-1, ::gai_strerror(status)};
    }
    TcpConnection connection{-1, "no address"};
    for (const addrinfo* address = found; address != nullptr; address = address->ai_next) {
        connection.fd = telechat::detail::connect_to_address(*address, options, connection.error);
        if (connection.fd >= 0 || options.timeout.count() <= 0) {
            break;
        }
    }
    ::freeaddrinfo(found);
    if (connection.fd >= 0) {
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

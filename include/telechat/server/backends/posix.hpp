/// @file
/// @brief telechat::server::PosixBackend: TCP over POSIX sockets (IPv4 and
///        IPv6), with an epoll poller. Linux only (epoll, eventfd, accept4).
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <system_error>
#include <utility>

#include "../../detail/unix_clock.hpp"
#include "../concepts.hpp"

namespace telechat::server {

/// @brief A Poller over epoll, with an eventfd for wake().
///
/// Level-triggered: a socket stays readable until read dry, so a loop may
/// read a bounded amount per turn and stay fair to the other connections.
class EpollPoller {
public:
    /// @brief Creates the epoll instance and the wake-up eventfd.
    /// @throws std::system_error if the system refuses.
    EpollPoller()
        : m_epoll(::epoll_create1(EPOLL_CLOEXEC)),
          m_wake(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
        if (m_epoll < 0 || m_wake < 0) {
            const int error = errno;
            release();
            throw std::system_error(error, std::generic_category(), "epoll/eventfd");
        }
        add(m_wake, wake_token);
    }
    /// @brief Closes both descriptors.
    ~EpollPoller() { release(); }
    /// @brief Takes over `other`'s descriptors.
    /// @param other the poller to move from; left empty.
    EpollPoller(EpollPoller&& other) noexcept
        : m_epoll(std::exchange(other.m_epoll, -1)), m_wake(std::exchange(other.m_wake, -1)) {}
    /// @brief Takes over `other`'s descriptors.
    /// @param other the poller to move from; left empty.
    /// @return `*this`.
    EpollPoller& operator=(EpollPoller&& other) noexcept {
        if (this != &other) {
            release();
            m_epoll = std::exchange(other.m_epoll, -1);
            m_wake = std::exchange(other.m_wake, -1);
        }
        return *this;
    }
    EpollPoller(const EpollPoller&) = delete;
    EpollPoller& operator=(const EpollPoller&) = delete;

    /// @brief Watches `fd` for reading.
    /// @param fd the descriptor.
    /// @param token what wait() reports for it.
    void add(int fd, std::uint64_t token) { control(EPOLL_CTL_ADD, fd, token, EPOLLIN); }

    /// @brief Starts or stops watching `fd` for writability as well.
    /// @param fd the descriptor.
    /// @param token its token.
    /// @param enabled whether to report writability.
    void watch_writes(int fd, std::uint64_t token, bool enabled) {
        control(EPOLL_CTL_MOD, fd, token, enabled ? EPOLLIN | EPOLLOUT : EPOLLIN);
    }

    /// @brief Stops watching `fd` (call before closing it).
    /// @param fd the descriptor.
    void remove(int fd) { ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr); }

    /// @brief Waits up to `timeout_ms` for events.
    /// @param events where to store them.
    /// @param timeout_ms the longest wait; 0 polls, -1 waits for ever.
    /// @return how many events were stored.
    std::size_t wait(std::span<PollEvent> events, int timeout_ms) {
        constexpr int batch = 256;
        epoll_event raw[batch];
        const int limit = static_cast<int>(std::min<std::size_t>(events.size(), batch));
        const int count = ::epoll_wait(m_epoll, raw, limit, timeout_ms);
        if (count <= 0) {
            return 0;  // timeout, or EINTR: the loop just comes round again
        }
        for (int i = 0; i < count; ++i) {
            const epoll_event& event = raw[i];
            if (event.data.u64 == wake_token) {
                std::uint64_t drained = 0;
                static_cast<void>(::read(m_wake, &drained, sizeof drained));
            }
            // Errors and hang-ups count as readable: the read then tells which.
            const bool readable =
                (event.events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) != 0;
            events[static_cast<std::size_t>(i)] =
                PollEvent{event.data.u64, readable, (event.events & EPOLLOUT) != 0};
        }
        return static_cast<std::size_t>(count);
    }

    /// @brief Makes the current or next wait() return; safe from any thread
    ///        and from a signal handler.
    void wake() noexcept {
        const std::uint64_t one = 1;
        static_cast<void>(::write(m_wake, &one, sizeof one));
    }

private:
    void control(int operation, int fd, std::uint64_t token, std::uint32_t interest) {
        epoll_event event{};
        event.events = interest;
        event.data.u64 = token;
        if (::epoll_ctl(m_epoll, operation, fd, &event) != 0) {
            throw std::system_error(errno, std::generic_category(), "epoll_ctl");
        }
    }

    void release() noexcept {
        if (m_wake >= 0) {
            ::close(m_wake);
        }
        if (m_epoll >= 0) {
            ::close(m_epoll);
        }
        m_wake = m_epoll = -1;
    }

    int m_epoll = -1;
    int m_wake = -1;
};

/**
 * @brief TCP over POSIX sockets: a SocketBackend for real networks.
 *
 * Every socket is non-blocking and close-on-exec; accepted sockets get
 * `TCP_NODELAY` (a chat line should leave now, not after 40 ms of Nagle);
 * writes use `MSG_NOSIGNAL`, so a vanished peer is an IoStatus::closed, never
 * a SIGPIPE; `EINTR` is retried. Listening on "" or "*" binds the IPv6 any
 * address with `IPV6_V6ONLY` off, which takes IPv4 too, falling back to IPv4
 * where IPv6 is missing.
 */
class PosixBackend {
public:
    /// @brief A file descriptor.
    using Handle = int;
    /// @brief epoll.
    using PollerType = EpollPoller;

    /// @brief Opens a listening socket.
    /// @param endpoint a numeric address (or "" / "*" for all) and a port (0 = any free one).
    /// @return the listening descriptor.
    /// @throws std::system_error if the address is bad or cannot be bound.
    Handle listen(const Endpoint& endpoint) {
        const bool any = endpoint.address.empty() || endpoint.address == "*";
        if (any) {
            const int v6 = bind_to("::", endpoint.port, true);
            return v6 >= 0 ? v6 : checked(bind_to("0.0.0.0", endpoint.port, false), endpoint);
        }
        return checked(bind_to(endpoint.address, endpoint.port, false), endpoint);
    }

    /// @brief The port a listening socket is bound to (useful after port 0).
    /// @param listener the listening descriptor.
    /// @return the port, or 0 if unknown.
    [[nodiscard]] std::uint16_t local_port(Handle listener) const {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        if (::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            return 0;
        }
        return address.ss_family == AF_INET6
                   ? ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port)
                   : ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
    }

    /// @brief Accepts one pending connection.
    /// @param listener the listening descriptor.
    /// @return the status and, if ok, the new connection's descriptor.
    std::pair<IoStatus, Handle> accept(Handle listener) {
        for (;;) {
            const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd >= 0) {
                const int one = 1;
                ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                return {IoStatus::ok, fd};
            }
            switch (errno) {
                case EINTR:
                    continue;
                case EAGAIN:
                case ECONNABORTED:
                case EPROTO:
                    return {IoStatus::would_block, -1};
                case EMFILE:
                case ENFILE:
                case ENOBUFS:
                case ENOMEM:
                    return {IoStatus::exhausted, -1};
                default:
                    return {IoStatus::error, -1};
            }
        }
    }

    /// @brief Reads what is available, up to `into.size()` bytes.
    /// @param fd the connection.
    /// @param into where to put the bytes.
    /// @return ok with a byte count, would_block, or closed (end of stream or reset).
    IoResult read(Handle fd, std::span<char> into) {
        for (;;) {
            const ssize_t count = ::recv(fd, into.data(), into.size(), 0);
            if (count > 0) {
                return {IoStatus::ok, static_cast<std::size_t>(count)};
            }
            if (count == 0) {
                return {IoStatus::closed, 0};
            }
            if (errno == EINTR) {
                continue;
            }
            return {
                errno == EAGAIN || errno == EWOULDBLOCK ? IoStatus::would_block : IoStatus::closed,
                0};
        }
    }

    /// @brief Writes as much of `from` as the socket takes now.
    /// @param fd the connection.
    /// @param from the bytes.
    /// @return ok with the count written (maybe short), would_block, or closed.
    IoResult write(Handle fd, std::span<const char> from) {
        for (;;) {
            const ssize_t count = ::send(fd, from.data(), from.size(), MSG_NOSIGNAL);
            if (count >= 0) {
                return {IoStatus::ok, static_cast<std::size_t>(count)};
            }
            if (errno == EINTR) {
                continue;
            }
            return {
                errno == EAGAIN || errno == EWOULDBLOCK ? IoStatus::would_block : IoStatus::closed,
                0};
        }
    }

    /// @brief Ends the stream towards the peer (`shutdown(SHUT_WR)`): the
    ///        peer reads everything written so far, then end of stream.
    /// @param fd the connection.
    void shutdown_sending(Handle fd) { ::shutdown(fd, SHUT_WR); }

    /// @brief Closes a descriptor.
    /// @param fd the descriptor.
    void close(Handle fd) { ::close(fd); }

    /// @brief The real time in milliseconds since the Unix epoch: the system
    ///        clock read once, when the backend was made, moved on by the
    ///        steady clock, so that a step of the wall clock (NTP, an
    ///        administrator) neither fires nor postpones a timeout.
    /// @return the time now.
    [[nodiscard]] std::int64_t now() const { return m_clock.now(); }

    /// @brief The peer's address, as `1.2.3.4:5678` or `[::1]:5678`, for logs.
    /// @param fd the connection.
    /// @return the address, or "unknown".
    [[nodiscard]] std::string peer_name(Handle fd) const {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
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

    /// @brief A new epoll poller.
    /// @return the poller.
    [[nodiscard]] PollerType make_poller() { return EpollPoller{}; }

private:
    telechat::detail::UnixClock m_clock;

    static Handle checked(int fd, const Endpoint& endpoint) {
        if (fd < 0) {
            throw std::system_error(
                -fd, std::generic_category(),
                "cannot listen on " + endpoint.address + ":" + std::to_string(endpoint.port));
        }
        return fd;
    }

    // A listening socket on a numeric address, or -errno.
    static int bind_to(const std::string& host, std::uint16_t port, bool dual_stack) {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
        addrinfo* found = nullptr;
        if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 ||
            found == nullptr) {
            return -EINVAL;
        }
        const int fd =
            ::socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int result = fd < 0 ? -errno : fd;
        if (fd >= 0) {
            const int one = 1;
            const int zero = 0;
            ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
            if (dual_stack) {
                ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
            }
            if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0 ||
                ::listen(fd, SOMAXCONN) != 0) {
                result = -errno;
                ::close(fd);
            }
        }
        ::freeaddrinfo(found);
        return result;
    }
};

static_assert(SocketBackend<PosixBackend>, "PosixBackend must model SocketBackend");

}  // namespace telechat::server

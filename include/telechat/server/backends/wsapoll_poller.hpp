/// @file
/// @brief telechat::server::WsaPollPoller: a Poller over WSAPoll, woken
///        through a loopback socket pair. Windows only.
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include "winsock_session.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>
#include <utility>
#include <vector>

#include "../../hash_table.hpp"
#include "../concepts.hpp"

/// @cond TELECHAT_INTERNALS
namespace telechat::detail {

// A connected pair of loopback TCP sockets {receiver, sender}, both
// non-blocking. Windows has no socketpair() and no eventfd; a socket is what
// WSAPoll can watch, so the wake-up is a byte sent to ourselves.
inline std::pair<SOCKET, SOCKET> loopback_pair() {
    SOCKET listener = new_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    SOCKET sender = INVALID_SOCKET;
    SOCKET receiver = INVALID_SOCKET;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int length = sizeof address;
    auto* const name = reinterpret_cast<sockaddr*>(&address);
    bool ok = listener != INVALID_SOCKET && ::bind(listener, name, length) == 0 &&
              ::listen(listener, 1) == 0 && ::getsockname(listener, name, &length) == 0;
    if (ok) {
        sender = new_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
        ok = sender != INVALID_SOCKET && ::connect(sender, name, length) == 0;
    }
    // Another local program could connect to the listener first: accept
    // until the peer is our own sender (a few tries; then give up).
    sockaddr_in own{};
    int own_length = sizeof own;
    ok = ok && ::getsockname(sender, reinterpret_cast<sockaddr*>(&own), &own_length) == 0;
    for (int attempt = 0; ok && attempt < 8 && receiver == INVALID_SOCKET; ++attempt) {
        sockaddr_in peer{};
        int peer_length = sizeof peer;
        receiver = ::accept(listener, reinterpret_cast<sockaddr*>(&peer), &peer_length);
        ok = receiver != INVALID_SOCKET;
        if (ok && (peer.sin_port != own.sin_port || peer.sin_addr.s_addr != own.sin_addr.s_addr)) {
            receiver = close_socket(receiver);
        }
    }
    const int error = ::WSAGetLastError();
    close_socket(listener);
    ok = ok && receiver != INVALID_SOCKET && make_non_blocking(receiver) &&
         make_non_blocking(sender);
    if (!ok) {
        close_socket(sender);
        close_socket(receiver);
        throw std::system_error(error, std::system_category(), "wake-up socket pair");
    }
    const BOOL no_delay = TRUE;
    ::setsockopt(sender, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&no_delay),
                 sizeof no_delay);
    return {receiver, sender};
}

}  // namespace telechat::detail
/// @endcond

namespace telechat::server {

/**
 * @brief A Poller over `WSAPoll`, with a loopback socket pair for wake().
 *
 * `WSAPoll` takes the whole array of watched sockets on every call (there is
 * no kernel-side interest list, as epoll has), so the poller keeps that
 * array itself, with each socket's token beside it and an index from socket
 * to position, so that add(), watch_writes() and remove() are O(1):
 *
 *     m_watched:  [ wake receiver | socket a | socket b | ... ]   WSAPOLLFD
 *     m_tokens:   [ wake_token    | token a  | token b  | ... ]
 *     m_position: { a -> 1, b -> 2, ... }                        HashTable
 *
 * remove() moves the last entry into the hole. wait() is O(n) in the
 * watched sockets, as poll() is; it starts its scan where the last one
 * stopped, so that when more sockets are ready than fit in `events`, every
 * one is reported in turn.
 *
 * Level-triggered. A hang-up or an error counts as readable: the read then
 * tells which (wine reports a closed peer as `POLLHUP` without `POLLIN`,
 * and Windows may report `POLLERR` alone after a reset).
 *
 * @invariant m_watched.size() == m_tokens.size() == m_position.size() + 1,
 *            and m_position[m_watched[i].fd] == i for every i >= 1.
 */
class WsaPollPoller {
public:
    /// @brief Creates the wake-up socket pair.
    /// @throws std::system_error if Winsock refuses.
    WsaPollPoller() {
        const auto [receiver, sender] = telechat::detail::loopback_pair();
        m_wake_receiver = receiver;
        m_wake_sender = sender;
        m_watched.push_back(WSAPOLLFD{m_wake_receiver, POLLRDNORM, 0});
        m_tokens.push_back(wake_token);
    }
    /// @brief Closes the wake-up pair (never the watched sockets: the
    ///        server owns those).
    ~WsaPollPoller() { release(); }
    /// @brief Takes over `other`'s sockets and watch list.
    /// @param other the poller to move from; left empty.
    WsaPollPoller(WsaPollPoller&& other) noexcept
        : m_session(other.m_session),
          m_watched(std::move(other.m_watched)),
          m_tokens(std::move(other.m_tokens)),
          m_position(std::move(other.m_position)),
          m_wake_receiver(std::exchange(other.m_wake_receiver, INVALID_SOCKET)),
          m_wake_sender(std::exchange(other.m_wake_sender, INVALID_SOCKET)) {}
    /// @brief Takes over `other`'s sockets and watch list.
    /// @param other the poller to move from; left empty.
    /// @return `*this`.
    WsaPollPoller& operator=(WsaPollPoller&& other) noexcept {
        if (this != &other) {
            release();
            m_watched = std::move(other.m_watched);
            m_tokens = std::move(other.m_tokens);
            m_position = std::move(other.m_position);
            m_wake_receiver = std::exchange(other.m_wake_receiver, INVALID_SOCKET);
            m_wake_sender = std::exchange(other.m_wake_sender, INVALID_SOCKET);
            m_next_scan = 0;
        }
        return *this;
    }
    WsaPollPoller(const WsaPollPoller&) = delete;
    WsaPollPoller& operator=(const WsaPollPoller&) = delete;

    /// @brief Watches `socket` for reading.
    /// @param socket the socket.
    /// @param token what wait() reports for it.
    void add(SOCKET socket, std::uint64_t token) {
        m_position.insert_or_assign(socket, m_watched.size());
        m_watched.push_back(WSAPOLLFD{socket, POLLRDNORM, 0});
        m_tokens.push_back(token);
    }

    /// @brief Starts or stops watching `socket` for writability as well.
    /// @param socket a watched socket.
    /// @param token its token.
    /// @param enabled whether to report writability.
    void watch_writes(SOCKET socket, std::uint64_t token, bool enabled) {
        const auto found = m_position.find(socket);
        if (found != m_position.end()) {
            m_watched[found->second].events =
                static_cast<SHORT>(enabled ? POLLRDNORM | POLLWRNORM : POLLRDNORM);
            m_tokens[found->second] = token;
        }
    }

    /// @brief Stops watching `socket` (call before closing it).
    /// @param socket the socket; one not watched is ignored.
    void remove(SOCKET socket) {
        const auto found = m_position.find(socket);
        if (found == m_position.end()) {
            return;
        }
        const std::size_t hole = found->second;
        m_position.erase(found);
        const std::size_t last = m_watched.size() - 1;
        if (hole != last) {
            m_watched[hole] = m_watched[last];
            m_tokens[hole] = m_tokens[last];
            m_position.insert_or_assign(m_watched[hole].fd, hole);
        }
        m_watched.pop_back();
        m_tokens.pop_back();
    }

    /// @brief Waits up to `timeout_ms` for events.
    /// @param events where to store them.
    /// @param timeout_ms the longest wait; 0 polls, -1 waits for ever.
    /// @return how many events were stored.
    std::size_t wait(std::span<PollEvent> events, int timeout_ms) {
        const int ready =
            ::WSAPoll(m_watched.data(), static_cast<ULONG>(m_watched.size()), timeout_ms);
        if (ready <= 0) {
            return 0;  // timeout, or a failure: the loop just comes round again
        }
        const std::size_t n = m_watched.size();
        std::size_t stored = 0;
        std::size_t i = m_next_scan < n ? m_next_scan : 0;
        for (std::size_t seen = 0; seen < n && stored < events.size(); ++seen, i = (i + 1) % n) {
            const SHORT happened = m_watched[i].revents;
            if (happened == 0) {
                continue;
            }
            if (i == 0) {
                drain_wake();
            }
            // POLLNVAL too: the read of a socket that is no more fails, and
            // the server drops it, instead of the poller spinning on it.
            const bool readable = (happened & (POLLRDNORM | POLLHUP | POLLERR | POLLNVAL)) != 0;
            events[stored++] = PollEvent{m_tokens[i], readable, (happened & POLLWRNORM) != 0};
        }
        m_next_scan = i;
        return stored;
    }

    /// @brief Makes the current or next wait() return; safe from any thread.
    void wake() noexcept {
        // A full buffer (WSAEWOULDBLOCK) means a wake-up is already pending.
        const char byte = 1;
        static_cast<void>(::send(m_wake_sender, &byte, 1, 0));
    }

private:
    void drain_wake() noexcept {
        char bytes[64];
        while (::recv(m_wake_receiver, bytes, static_cast<int>(sizeof bytes), 0) > 0) {
        }
    }

    void release() noexcept {
        m_wake_receiver = telechat::detail::close_socket(m_wake_receiver);
        m_wake_sender = telechat::detail::close_socket(m_wake_sender);
    }

    WinsockSession m_session;  // first: Winsock outlives the sockets below
    std::vector<WSAPOLLFD> m_watched;
    std::vector<std::uint64_t> m_tokens;
    HashTable<SOCKET, std::size_t> m_position;
    SOCKET m_wake_receiver = INVALID_SOCKET;
    SOCKET m_wake_sender = INVALID_SOCKET;
    std::size_t m_next_scan = 0;
};

}  // namespace telechat::server

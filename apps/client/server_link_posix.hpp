// telechat-client's connection and input on POSIX systems: the TCP socket to
// the server and stdin (the keyboard, or a script), waited on together with
// poll(). main.cpp moves bytes through it and knows no system call. Its
// Windows twin is server_link_windows.hpp; system.hpp picks one.
#pragma once

#include <telechat/server/backends/tcp_connect.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <string_view>

#include "link_results.hpp"

namespace client_app {

/// The socket to the server and the user's input.
class ServerLink {
public:
    /// Connects to `host`, `port` within 5 s (the first address that
    /// answers); `error` says why not.
    bool connect(const std::string& host, const std::string& port, std::string& error) {
        const auto connection = telechat::server::tcp_connect(host, port);
        m_socket = connection.fd;
        error = connection.error;
        return connection.ok();
    }

    ServerLink() = default;
    ServerLink(const ServerLink&) = delete;
    ServerLink& operator=(const ServerLink&) = delete;
    ~ServerLink() {
        if (m_socket >= 0) {
            ::close(m_socket);
        }
    }

    /// Waits up to `timeout_ms` for the socket (readable; writable too if
    /// `want_write`) and, if `watch_input`, for stdin.
    LinkReady wait(bool want_write, bool watch_input, int timeout_ms) {
        pollfd fds[2] = {{m_socket, static_cast<short>(POLLIN | (want_write ? POLLOUT : 0)), 0},
                         {STDIN_FILENO, POLLIN, 0}};
        const int ready = ::poll(fds, watch_input ? 2 : 1, timeout_ms);
        LinkReady found;
        found.failed = ready < 0 && errno != EINTR;
        if (ready > 0) {
            found.socket_readable = (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
            found.socket_writable = (fds[0].revents & POLLOUT) != 0;
            found.input_ready = watch_input && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
        }
        return found;
    }

    /// Whether the socket becomes readable within `timeout_ms`.
    bool wait_readable(int timeout_ms) { return wait(false, false, timeout_ms).socket_readable; }

    /// Sends what it can of `bytes` without blocking.
    Transfer send(std::string_view bytes) {
        return outcome(::send(m_socket, bytes.data(), bytes.size(), MSG_NOSIGNAL));
    }

    /// Receives what has arrived, without blocking.
    Transfer receive(char* into, std::size_t size) {
        return outcome(::recv(m_socket, into, size, 0));
    }

    /// Reads what stdin has (after input_ready).
    Transfer read_input(char* into, std::size_t size) {
        const ssize_t got = ::read(STDIN_FILENO, into, size);
        if (got < 0 && errno == EINTR) {
            return {0, true, false};
        }
        return got > 0 ? Transfer{static_cast<std::size_t>(got), false, false}
                       : Transfer{0, false, true};
    }

private:
    // Nothing moved, or an error other than "try again", is the end.
    static Transfer outcome(ssize_t moved) {
        if (moved > 0) {
            return {static_cast<std::size_t>(moved), false, false};
        }
        if (moved < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
            return {0, true, false};
        }
        return {0, false, true};
    }

    int m_socket = -1;
};

}  // namespace client_app

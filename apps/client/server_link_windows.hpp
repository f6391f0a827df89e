// telechat-client's connection and input on Windows: the TCP socket to the
// server and stdin (the console, or a script in a file or pipe), waited on
// together. Winsock's WSAPoll waits only on sockets, so a thread reads stdin
// and forwards its bytes through a loopback socket pair; main.cpp sees the
// same interface as on POSIX. Its POSIX twin is server_link_posix.hpp.
#pragma once

#include <telechat/server/backends/winsock_connect.hpp>
#include <telechat/server/backends/wsapoll_poller.hpp>

#include <climits>
#include <cstddef>
#include <string>
#include <string_view>
#include <thread>

#include "console_input_windows.hpp"
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
    // The reading thread may be blocked in ReadFile for good: it is let go,
    // and ends with the process.
    ~ServerLink() {
        telechat::detail::close_socket(m_socket);
        telechat::detail::close_socket(m_input);
        if (m_reader.joinable()) {
            m_reader.detach();
        }
    }

    /// Waits up to `timeout_ms` for the socket (readable; writable too if
    /// `want_write`) and, if `watch_input`, for stdin. A closed peer may
    /// show as POLLHUP without POLLRDNORM: that too means "call recv".
    LinkReady wait(bool want_write, bool watch_input, int timeout_ms) {
        if (watch_input) {
            start_reading_input();
        }
        const auto wanted = static_cast<SHORT>(POLLRDNORM | (want_write ? POLLWRNORM : 0));
        WSAPOLLFD fds[2] = {{m_socket, wanted, 0}, {m_input, POLLRDNORM, 0}};
        const int ready =
            ::WSAPoll(fds, watch_input && m_input != INVALID_SOCKET ? 2 : 1, timeout_ms);
        LinkReady found;
        found.failed = ready == SOCKET_ERROR;
        constexpr SHORT readable = POLLRDNORM | POLLHUP | POLLERR;
        if (ready > 0) {
            found.socket_readable = (fds[0].revents & readable) != 0;
            found.socket_writable = (fds[0].revents & POLLWRNORM) != 0;
            found.input_ready = watch_input && (fds[1].revents & readable) != 0;
        }
        return found;
    }

    /// Whether the socket becomes readable within `timeout_ms`.
    bool wait_readable(int timeout_ms) { return wait(false, false, timeout_ms).socket_readable; }

    /// Sends what it can of `bytes` without blocking.
    Transfer send(std::string_view bytes) {
        return outcome(::send(m_socket, bytes.data(), clamp(bytes.size()), 0));
    }

    /// Receives what has arrived, without blocking.
    Transfer receive(char* into, std::size_t size) {
        return outcome(::recv(m_socket, into, clamp(size), 0));
    }

    /// Reads what stdin has (after input_ready).
    Transfer read_input(char* into, std::size_t size) {
        return outcome(::recv(m_input, into, clamp(size), 0));
    }

private:
    static int clamp(std::size_t size) noexcept {
        return size < INT_MAX ? static_cast<int>(size) : INT_MAX;
    }

    // Nothing moved, or an error other than "try again", is the end.
    static Transfer outcome(int moved) {
        if (moved > 0) {
            return {static_cast<std::size_t>(moved), false, false};
        }
        if (moved == SOCKET_ERROR && ::WSAGetLastError() == WSAEWOULDBLOCK) {
            return {0, true, false};
        }
        return {0, false, true};
    }

    // The reader starts only when input is first wanted: before that, the
    // prompts read the console themselves.
    void start_reading_input() {
        if (m_reader.joinable() || m_input != INVALID_SOCKET) {
            return;
        }
        const auto [receiver, sender] = telechat::detail::loopback_pair();
        m_input = receiver;
        m_reader = std::thread(forward_input, sender);
    }

    // Stdin to the socket pair until stdin ends; closing the sender is the
    // end of input the main loop sees.
    static void forward_input(SOCKET sender) {
        u_long blocking = 0;  // a script may run ahead of the main loop: wait, never drop
        ::ioctlsocket(sender, static_cast<long>(FIONBIO), &blocking);
        const bool console = stdin_is_console();  // raw mode by now: keys, not lines
        for (std::string bytes; !(bytes = console ? read_console_keys() : read_stdin()).empty();) {
            std::string_view left = bytes;
            while (!left.empty()) {
                const int sent = ::send(sender, left.data(), clamp(left.size()), 0);
                if (sent <= 0) {
                    telechat::detail::close_socket(sender);
                    return;
                }
                left.remove_prefix(static_cast<std::size_t>(sent));
            }
        }
        telechat::detail::close_socket(sender);
    }

    SOCKET m_socket = INVALID_SOCKET;
    SOCKET m_input = INVALID_SOCKET;  // where the reader's bytes arrive
    std::thread m_reader;
};

}  // namespace client_app

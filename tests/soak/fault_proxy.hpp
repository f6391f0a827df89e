// A loopback TCP proxy that breaks the server's rules on purpose, for the
// self-test: soak clients talk to the proxy, the proxy to the real server,
// and on a share of the connections it drops a reply, doubles one, closes
// or resets without forwarding the QUIT, or adds a line after a QUIT push.
// A soak run through it must report violations; through the proxy with no
// fault it must report none, which shows the proxy itself is transparent.
//
// It runs on its own thread with one poll() loop, non-blocking sockets,
// a 10 ms poll timeout and a stop flag, so it always ends.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <list>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "messages.hpp"

namespace soak {

enum class Fault {
    none,             // forward every byte unchanged
    drop_reply,       // leave out one `+OK PONG ...` reply
    double_reply,     // send one `+OK PONG ...` reply twice
    close_silently,   // after a few lines, close the client's side without a QUIT
    reset_silently,   // the same with an RST
    line_after_quit,  // add `QUEUED 1` right after a QUIT push
};

class FaultProxy {
public:
    /// Listens on a free loopback port and forwards to `server_port`,
    /// breaking `percent` % of the connections with `fault`.
    FaultProxy(std::uint16_t server_port, Fault fault, unsigned percent, std::uint64_t seed)
        : m_server_port(server_port), m_fault(fault), m_percent(percent), m_rng(seed) {
        m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        sockaddr_in address = loopback(0);
        socklen_t length = sizeof address;
        if (m_listener < 0 ||
            ::bind(m_listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(m_listener, 1024) != 0 ||
            ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            throw std::runtime_error("the fault proxy cannot listen");
        }
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { loop(); });
    }

    FaultProxy(const FaultProxy&) = delete;
    FaultProxy& operator=(const FaultProxy&) = delete;

    ~FaultProxy() {
        m_stop.store(true);
        m_thread.join();
        for (Pair& pair : m_pairs) {
            close_pair(pair, false);
        }
        ::close(m_listener);
    }

    [[nodiscard]] std::uint16_t port() const { return m_port; }

private:
    struct Pair {
        int client = -1;
        int server = -1;
        std::string to_client;
        std::string to_server;
        std::string from_server;   // an unfinished line from the server
        bool client_done = false;  // the client sent its end of stream
        bool server_done = false;
        bool server_reset = false;  // the server's end was a reset: pass it on
        bool faulty = false;
        std::size_t lines_left = 0;  // for the close faults: lines forwarded first
    };

    static sockaddr_in loopback(std::uint16_t port) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        return address;
    }

    void loop() {
        while (!m_stop.load()) {
            std::vector<pollfd> fds{{m_listener, POLLIN, 0}};
            for (Pair& pair : m_pairs) {
                fds.push_back({pair.client, events(pair.client_done, pair.to_client), 0});
                fds.push_back({pair.server, events(pair.server_done, pair.to_server), 0});
            }
            ::poll(fds.data(), static_cast<nfds_t>(fds.size()), 10);
            // Pumped before accepting: the events are those of the pairs polled.
            auto it = m_pairs.begin();
            for (std::size_t i = 1; i < fds.size(); i += 2) {
                const bool open = pump(*it, fds[i].revents, fds[i + 1].revents);
                it = open ? std::next(it) : m_pairs.erase(it);
            }
            if (fds[0].revents != 0) {
                accept_clients();
            }
        }
    }

    // Reading stops at the end of a stream (it would stay readable for ever).
    static short events(bool read_done, const std::string& to_write) {
        return static_cast<short>((read_done ? 0 : POLLIN) | (to_write.empty() ? 0 : POLLOUT));
    }

    void accept_clients() {
        for (int i = 0; i < 64; ++i) {
            const int client =
                ::accept4(m_listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (client < 0) {
                return;
            }
            const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            const sockaddr_in address = loopback(m_server_port);
            if (::connect(server, reinterpret_cast<const sockaddr*>(&address), sizeof address) !=
                0) {
                ::close(server);
                ::close(client);
                continue;
            }
            ::fcntl(server, F_SETFL, O_NONBLOCK);
            const int one = 1;
            ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            ::setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            Pair pair;
            pair.client = client;
            pair.server = server;
            pair.faulty = m_fault != Fault::none && m_rng.chance(m_percent);
            pair.lines_left = m_rng.between(1, 12);
            m_pairs.push_back(std::move(pair));
        }
    }

    // Moves bytes both ways, passing on ends of stream and resets as they
    // come, after the bytes before them. @return false once the pair is closed.
    bool pump(Pair& pair, short client_events, short server_events) {
        if (readable(client_events) && !pair.client_done) {
            const int status = read_into(pair.client, pair.to_server);
            if (status < 0) {
                return close_pair(pair, true);  // the client reset: so does the proxy
            }
            pair.client_done = status == 0;
        }
        if (readable(server_events) && !pair.server_done) {
            const int status = read_into(pair.server, pair.from_server);
            pair.server_done = status <= 0;
            pair.server_reset = status < 0;
            if (!forward_lines(pair)) {
                return close_pair(pair, m_fault == Fault::reset_silently);
            }
        }
        if (!write_out(pair.server, pair.to_server)) {
            pair.to_server.clear();  // the server is gone: it would not have read these either
        }
        if (!write_out(pair.client, pair.to_client)) {
            return close_pair(pair, true);
        }
        if (pair.server_done && pair.to_client.empty()) {
            if (pair.server_reset) {
                return close_pair(pair, true);
            }
            ::shutdown(pair.client, SHUT_WR);
        }
        if (pair.client_done && pair.to_server.empty()) {
            ::shutdown(pair.server, SHUT_WR);
        }
        if (pair.client_done && pair.server_done && pair.to_client.empty()) {
            return close_pair(pair, false);
        }
        return true;
    }

    static bool readable(short events) { return (events & (POLLIN | POLLHUP | POLLERR)) != 0; }

    // Server lines to the client, with the fault applied. @return false to
    // close the connection without forwarding the rest.
    bool forward_lines(Pair& pair) {
        for (std::size_t end; (end = pair.from_server.find('\n')) != std::string::npos;) {
            const std::string line = pair.from_server.substr(0, end + 1);
            pair.from_server.erase(0, end + 1);
            if (!pair.faulty) {
                pair.to_client += line;
                continue;
            }
            const bool pong = line.rfind("+OK PONG", 0) == 0;
            switch (m_fault) {
                case Fault::drop_reply:
                    pair.faulty = !pong;
                    pair.to_client += pong ? "" : line;
                    break;
                case Fault::double_reply:
                    pair.faulty = !pong;
                    pair.to_client += pong ? line + line : line;
                    break;
                case Fault::close_silently:
                case Fault::reset_silently:
                    if (pair.lines_left-- == 0 || line.rfind("QUIT ", 0) == 0) {
                        return false;
                    }
                    pair.to_client += line;
                    break;
                case Fault::line_after_quit:
                    pair.to_client += line;
                    if (line.rfind("QUIT ", 0) == 0) {
                        pair.to_client += "QUEUED 1\r\n";
                        pair.faulty = false;
                    }
                    break;
                case Fault::none:
                    pair.to_client += line;
                    break;
            }
        }
        if (pair.server_done) {
            pair.to_client += pair.from_server;  // an unfinished last line, as it came
            pair.from_server.clear();
        }
        return true;
    }

    // @return bytes read (>0), 0 at end of stream, -1 on a reset; would-block reads 1.
    static int read_into(int fd, std::string& into) {
        char buffer[65536];
        const ssize_t count = ::recv(fd, buffer, sizeof buffer, 0);
        if (count > 0) {
            into.append(buffer, static_cast<std::size_t>(count));
            return 1;
        }
        if (count == 0) {
            return 0;
        }
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 1 : -1;
    }

    static bool write_out(int fd, std::string& pending) {
        if (pending.empty()) {
            return true;
        }
        const ssize_t count = ::send(fd, pending.data(), pending.size(), MSG_NOSIGNAL);
        if (count > 0) {
            pending.erase(0, static_cast<std::size_t>(count));
            return true;
        }
        return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
    }

    // Closes both sides; with `reset`, both with an RST. @return false.
    static bool close_pair(Pair& pair, bool reset) {
        for (const int fd : {pair.client, pair.server}) {
            if (fd >= 0 && reset) {
                const linger abort{1, 0};
                ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
            }
            if (fd >= 0) {
                ::close(fd);
            }
        }
        pair.client = pair.server = -1;
        return false;
    }

    std::uint16_t m_server_port;
    Fault m_fault;
    unsigned m_percent;
    Rng m_rng;
    int m_listener = -1;
    std::uint16_t m_port = 0;
    std::list<Pair> m_pairs;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

}  // namespace soak

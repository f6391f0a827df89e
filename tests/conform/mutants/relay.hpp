// The proxy's relay: accepts loopback clients, connects each to the
// upstream server, and moves bytes both ways through one mutation per
// connection. With the mutation `none` it is transparent: every read is
// forwarded at once as one write (TCP_NODELAY both ways, so TCP's splits
// survive as far as TCP allows), a half-close is passed on after the bytes
// before it, a reset is passed on as a reset, and a full close as a close.
//
// One thread, one poll() loop, non-blocking sockets; run() returns when its
// stop flag is raised (the proxy's SIGTERM handler raises it). Each turn
// hands every connection's new bytes to its mutation, then ticks every
// mutation (Mutation::tick) and writes; the poll waits no longer than the
// earliest time a mutation asked to be ticked at.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "link.hpp"
#include "mutation.hpp"

namespace mutants {

class Relay {
public:
    using MakeMutation = std::function<std::unique_ptr<Mutation>()>;

    /// @brief Listens on 127.0.0.1, port 0; connections go to `upstream`.
    Relay(const sockaddr_in& upstream, MakeMutation make)
        : m_upstream(upstream), m_make(std::move(make)) {
        m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (m_listener < 0 ||
            ::bind(m_listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(m_listener, 128) != 0 ||
            ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            throw std::runtime_error("the proxy cannot listen on 127.0.0.1");
        }
        m_port = ntohs(address.sin_port);
    }

    Relay(const Relay&) = delete;
    Relay& operator=(const Relay&) = delete;
    Relay(Relay&&) = delete;
    Relay& operator=(Relay&&) = delete;

    ~Relay() {
        for (Pair& pair : m_pairs) {
            close_pair(pair, false);
        }
        ::close(m_listener);
    }

    [[nodiscard]] std::uint16_t port() const { return m_port; }

    /// @brief Relays until `stop` is raised (checked every 100 ms at most).
    void run(const volatile std::sig_atomic_t& stop) {
        Clock::time_point next_tick = Clock::now();
        while (stop == 0) {
            std::vector<pollfd> fds{{m_listener, POLLIN, 0}};
            for (Pair& pair : m_pairs) {
                fds.push_back(
                    {pair.client, events(pair.client_read_done, pair.link.pending_to_client()), 0});
                fds.push_back(
                    {pair.server, events(pair.server_read_done, pair.link.pending_to_server()), 0});
            }
            ::poll(fds.data(), static_cast<nfds_t>(fds.size()), poll_timeout(next_tick));
            std::size_t index = 1;
            for (Pair& pair : m_pairs) {
                step(pair, fds[index].revents, fds[index + 1].revents);
                index += 2;
            }
            next_tick = tick_and_flush();
            if (fds[0].revents != 0) {
                accept_clients();
            }
        }
    }

private:
    // One side's stream: the socket, the unfinished line kept for Cut::at_lf.
    struct Pair {
        int client = -1;
        int server = -1;
        Link link;
        std::unique_ptr<Mutation> mutation;
        std::string client_partial;
        std::string server_partial;
        bool client_read_done = false;
        bool server_read_done = false;
        bool client_write_done = false;  // shut down toward the client
        bool server_write_done = false;
    };

    enum class Read { data, end, reset };

    // Reading stops at the end of a stream (it would stay readable for ever).
    static short events(bool read_done, const std::string& to_write) {
        return static_cast<short>((read_done ? 0 : POLLIN) | (to_write.empty() ? 0 : POLLOUT));
    }

    void accept_clients() {
        for (int i = 0; i < 16; ++i) {
            const int client =
                ::accept4(m_listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (client < 0) {
                return;
            }
            const int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (server < 0 || ::connect(server, reinterpret_cast<const sockaddr*>(&m_upstream),
                                        sizeof m_upstream) != 0) {
                reset(client);  // the client sees what a refused connection would be
                ::close(server);
                continue;
            }
            ::fcntl(server, F_SETFL, O_NONBLOCK);
            const int one = 1;
            ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            ::setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            Pair pair;
            pair.client = client;
            pair.server = server;
            pair.mutation = m_make();
            m_pairs.push_back(std::move(pair));
        }
    }

    // Milliseconds until `next_tick`, rounded up, from 0 to 100.
    static int poll_timeout(Clock::time_point next_tick) {
        const auto wait =
            std::chrono::ceil<std::chrono::milliseconds>(next_tick - Clock::now()).count();
        return static_cast<int>(std::clamp<decltype(wait)>(wait, 0, 100));
    }

    // Reads and hands the bytes to the mutation; a reset closes the pair.
    void step(Pair& pair, short client_events, short server_events) {
        if (readable(client_events) && !pair.client_read_done) {
            if (read_side(pair, pair.client, pair.client_partial, true) == Read::reset) {
                close_pair(pair, true);  // a reset is passed on as a reset
                return;
            }
        }
        if (readable(server_events) && !pair.server_read_done) {
            if (read_side(pair, pair.server, pair.server_partial, false) == Read::reset) {
                close_pair(pair, true);
            }
        }
    }

    // Only once every connection's bytes were handed over: what one
    // connection's hooks left for another is then written in the same turn.
    // @return the earliest time a mutation asked to be ticked at.
    Clock::time_point tick_and_flush() {
        const Clock::time_point now = Clock::now();
        Clock::time_point next = now + std::chrono::milliseconds(100);
        for (auto it = m_pairs.begin(); it != m_pairs.end();) {
            Pair& pair = *it;
            const bool closed = pair.client < 0;
            const auto wanted = closed ? std::nullopt : pair.mutation->tick(pair.link, now);
            if (wanted) {
                next = std::min(next, *wanted);
            }
            it = !closed && flush(pair) ? std::next(it) : m_pairs.erase(it);
        }
        return next;
    }

    static bool readable(short events) { return (events & (POLLIN | POLLHUP | POLLERR)) != 0; }

    Read read_side(Pair& pair, int fd, std::string& partial, bool from_client) {
        std::array<char, 65536> buffer{};
        const ssize_t count = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (count < 0) {
            const bool retry = errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
            return retry ? Read::data : Read::reset;
        }
        Mutation& mutation = *pair.mutation;
        const Cut cut = from_client ? mutation.client_cut() : mutation.server_cut();
        const auto deliver = [&](std::string_view piece) {
            if (from_client) {
                mutation.from_client(pair.link, piece);
            } else {
                mutation.from_server(pair.link, piece);
            }
        };
        if (count == 0) {
            if (!partial.empty()) {
                deliver(partial);  // an unfinished last line, as it came
                partial.clear();
            }
            (from_client ? pair.client_read_done : pair.server_read_done) = true;
            if (from_client) {
                mutation.client_ended(pair.link);
            } else {
                mutation.server_ended(pair.link);
            }
            return Read::end;
        }
        const std::string_view bytes(buffer.data(), static_cast<std::size_t>(count));
        if (cut == Cut::as_read) {
            deliver(bytes);
            return Read::data;
        }
        partial.append(bytes);
        std::size_t start = 0;
        for (std::size_t end; (end = partial.find('\n', start)) != std::string::npos;
             start = end + 1) {
            deliver(std::string_view(partial).substr(start, end + 1 - start));
        }
        partial.erase(0, start);
        return Read::data;
    }

    // Writes what is queued, then passes on the ends the mutation asked for.
    // @return false once the pair is closed.
    static bool flush(Pair& pair) {
        Link& link = pair.link;
        if (!write_out(pair.server, link.pending_to_server())) {
            link.pending_to_server().clear();  // the server is gone: it would not read these
        }
        if (!write_out(pair.client, link.pending_to_client())) {
            return close_pair(pair, true);  // the client is gone
        }
        if (link.ending_to_server() && link.pending_to_server().empty() &&
            !pair.server_write_done) {
            ::shutdown(pair.server, SHUT_WR);
            pair.server_write_done = true;
        }
        const bool client_flushed = link.pending_to_client().empty();
        if (link.ending_to_client() && client_flushed && !pair.client_write_done) {
            ::shutdown(pair.client, SHUT_WR);
            pair.client_write_done = true;
        }
        if (link.closing() && client_flushed) {
            return close_pair(pair, false);
        }
        const bool both_read = pair.client_read_done && pair.server_read_done;
        if (both_read && client_flushed && link.pending_to_server().empty()) {
            return close_pair(pair, false);
        }
        return true;
    }

    // @return false if the peer is gone (the bytes cannot be delivered).
    static bool write_out(int fd, std::string& pending) {
        for (int i = 0; i < 64 && !pending.empty(); ++i) {
            const ssize_t count = ::send(fd, pending.data(), pending.size(), MSG_NOSIGNAL);
            if (count > 0) {
                pending.erase(0, static_cast<std::size_t>(count));
                continue;
            }
            return count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
        }
        return true;
    }

    static void reset(int fd) {
        const linger abort{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
        ::close(fd);
    }

    // Closes both sides; with `with_reset`, with an RST. @return false.
    static bool close_pair(Pair& pair, bool with_reset) {
        if (pair.client >= 0 && pair.mutation) {
            pair.mutation->gone();
        }
        for (const int fd : {pair.client, pair.server}) {
            if (fd >= 0 && with_reset) {
                reset(fd);
            } else if (fd >= 0) {
                ::close(fd);
            }
        }
        pair.client = pair.server = -1;
        return false;
    }

    sockaddr_in m_upstream;
    MakeMutation m_make;
    int m_listener = -1;
    std::uint16_t m_port = 0;
    std::vector<Pair> m_pairs;
};

}  // namespace mutants

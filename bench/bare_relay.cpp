// The bare relay: the ceiling that the load benchmark measures every server
// against. One thread, one epoll loop, no protocol beyond pairing: a client's
// first line "<id>\n" names its pair; when a second client sends the same id
// both receive "paired\n", and from then on every byte one writes is
// forwarded to the other, unparsed. A relay cannot do less work per message,
// so a server's ratio to it says what its protocol and design cost.
//
// usage: bare_relay [--port N]   (0, the default, picks a free port)
// Prints "listening on 127.0.0.1:<port>" when ready, as telechat-server does,
// and runs until SIGINT or SIGTERM.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

// Unsent bytes a receiver may hold before its sender is no longer read:
// back-pressure instead of unbounded growth.
constexpr std::size_t max_pending_bytes = 1 << 20;

struct Client {
    bool open = false;
    int peer = -1;        // -1 until the pair is complete
    std::string pending;  // before pairing: the id line; after: bytes owed to this client
};

volatile std::sig_atomic_t g_stop = 0;

class Relay {
public:
    explicit Relay(int listener) : m_listener(listener), m_epoll(::epoll_create1(0)) {
        watch(m_listener, EPOLLIN, EPOLL_CTL_ADD);
    }

    void run() {
        std::vector<epoll_event> events(1024);
        while (g_stop == 0) {
            const int ready =
                ::epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()), 500);
            for (int i = 0; i < ready; ++i) {
                const int fd = events[static_cast<std::size_t>(i)].data.fd;
                const std::uint32_t flags = events[static_cast<std::size_t>(i)].events;
                if (fd == m_listener) {
                    accept_all();
                    continue;
                }
                if ((flags & EPOLLOUT) != 0U) {
                    flush(fd);
                }
                if ((flags & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0U && client(fd).open) {
                    read_from(fd);
                }
            }
        }
    }

private:
    Client& client(int fd) {
        if (static_cast<std::size_t>(fd) >= m_clients.size()) {
            m_clients.resize(static_cast<std::size_t>(fd) + 1);
        }
        return m_clients[static_cast<std::size_t>(fd)];
    }

    void watch(int fd, std::uint32_t flags, int operation) {
        epoll_event event{};
        event.events = flags;
        event.data.fd = fd;
        ::epoll_ctl(m_epoll, operation, fd, &event);
    }

    void accept_all() {
        for (int fd; (fd = ::accept4(m_listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            client(fd) = Client{true, -1, {}};
            watch(fd, EPOLLIN, EPOLL_CTL_ADD);
        }
    }

    void read_from(int fd) {
        char buffer[65536];
        const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
            close_pair(fd);
            return;
        }
        if (got < 0) {
            return;
        }
        Client& self = client(fd);
        if (self.peer < 0) {
            self.pending.append(buffer, static_cast<std::size_t>(got));
            pair_if_named(fd);
            return;
        }
        forward(self.peer, buffer, static_cast<std::size_t>(got));
        if (client(self.peer).pending.size() > max_pending_bytes) {
            watch(fd, 0, EPOLL_CTL_MOD);  // resumed by flush() once the peer has drained
        }
    }

    void pair_if_named(int fd) {
        Client& self = client(fd);
        const std::size_t newline = self.pending.find('\n');
        if (newline == std::string::npos) {
            return;
        }
        const std::string id = self.pending.substr(0, newline);
        self.pending.clear();  // clients send nothing else before "paired"
        const auto waiting = m_waiting.find(id);
        if (waiting == m_waiting.end()) {
            m_waiting.emplace(id, fd);
            return;
        }
        const int other = waiting->second;
        m_waiting.erase(waiting);
        self.peer = other;
        client(other).peer = fd;
        forward(fd, "paired\n", 7);
        forward(other, "paired\n", 7);
    }

    // Sends what it can now and keeps the rest for EPOLLOUT.
    void forward(int to, const char* bytes, std::size_t size) {
        Client& target = client(to);
        if (target.pending.empty()) {
            const ssize_t sent = ::send(to, bytes, size, MSG_NOSIGNAL);
            const std::size_t done = sent > 0 ? static_cast<std::size_t>(sent) : 0;
            if (done == size) {
                return;
            }
            bytes += done;
            size -= done;
            watch(to, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
        }
        target.pending.append(bytes, size);
    }

    void flush(int fd) {
        Client& self = client(fd);
        if (!self.open) {
            return;
        }
        const ssize_t sent = ::send(fd, self.pending.data(), self.pending.size(), MSG_NOSIGNAL);
        if (sent > 0) {
            self.pending.erase(0, static_cast<std::size_t>(sent));
        }
        if (self.pending.empty()) {
            watch(fd, EPOLLIN, EPOLL_CTL_MOD);
            if (self.peer >= 0) {
                watch(self.peer, EPOLLIN | (client(self.peer).pending.empty() ? 0U : EPOLLOUT),
                      EPOLL_CTL_MOD);
            }
        }
    }

    // A pair lives and dies together: the relay has nobody to forward to.
    void close_pair(int fd) {
        const int peer = client(fd).peer;
        for (const int end : {fd, peer}) {
            if (end >= 0 && client(end).open) {
                client(end) = Client{};
                ::close(end);
            }
        }
        for (auto it = m_waiting.begin(); it != m_waiting.end(); ++it) {
            if (it->second == fd) {
                m_waiting.erase(it);
                break;
            }
        }
    }

    int m_listener;
    int m_epoll;
    std::vector<Client> m_clients;                   // indexed by file descriptor
    std::unordered_map<std::string, int> m_waiting;  // id -> the first client of a pair
};

int listen_loopback(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd, SOMAXCONN) != 0) {
        std::perror("bare_relay: cannot listen");
        std::exit(1);
    }
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    std::printf("listening on 127.0.0.1:%u\n", static_cast<unsigned>(ntohs(address.sin_port)));
    std::fflush(stdout);
    return fd;
}

}  // namespace

int main(int argc, char** argv) {
    std::uint16_t port = 0;
    if (argc == 3 && std::strcmp(argv[1], "--port") == 0) {
        port = static_cast<std::uint16_t>(std::strtoul(argv[2], nullptr, 10));
    } else if (argc != 1) {
        std::fprintf(stderr, "usage: bare_relay [--port N]\n");
        return 2;
    }
    std::signal(SIGINT, [](int) { g_stop = 1; });
    std::signal(SIGTERM, [](int) { g_stop = 1; });
    Relay relay(listen_loopback(port));
    relay.run();
    return 0;
}

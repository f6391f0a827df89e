// A first look at a whole server's relay rate: runs telechat::server::Server
// in this process on loopback TCP, once per threading model, with P agent/
// customer pairs (agent capacity 1). Each customer keeps a window of W
// messages in flight; a message counts when its agent has received it and
// the customer its "+OK". Prints messages per second per model.
//
// This is a quick probe, not the load benchmark: one process, one load
// thread, no latency figures. It exists so that a change to the server can
// be checked in seconds.
#include <telechat/server/backends/posix.hpp>
#include <telechat/server/backends/tcp_connect.hpp>
#include <telechat/server/server.hpp>
#include <telechat/server/threading/policies.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int connect_loopback(std::uint16_t port) {
    telechat::server::ConnectOptions blocking;
    blocking.non_blocking = false;
    const auto connection = telechat::server::tcp_connect("127.0.0.1", port, blocking);
    if (!connection.ok()) {
        throw std::runtime_error("cannot connect to the server: " + connection.error);
    }
    return connection.fd;
}

void send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent <= 0) {
            throw std::runtime_error("send failed");
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
}

// Reads until `count` lines starting with `prefix` have arrived (5 s at most).
void await_lines(int fd, std::string_view prefix, std::size_t count, std::string& carry) {
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    std::size_t seen = 0;
    while (seen < count) {
        std::size_t newline = 0;
        while (seen < count && (newline = carry.find('\n')) != std::string::npos) {
            seen += carry.compare(0, prefix.size(), prefix) == 0 ? 1U : 0U;
            carry.erase(0, newline + 1);
        }
        if (seen == count) {
            break;
        }
        pollfd ready{fd, POLLIN, 0};
        if (Clock::now() > deadline || ::poll(&ready, 1, 1000) <= 0) {
            throw std::runtime_error("timed out waiting for the server");
        }
        char buffer[65536];
        const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0) {
            throw std::runtime_error("the server closed a connection");
        }
        carry.append(buffer, static_cast<std::size_t>(got));
    }
}

struct Pair {
    int customer = -1;
    int agent = -1;
    std::string customer_carry;
    std::string agent_carry;
    std::size_t in_flight = 0;  // sent, not yet seen by the agent
    std::size_t acks_due = 0;
};

// Counts complete lines that start with `prefix` in `carry`, dropping them.
std::size_t take_lines(std::string& carry, std::string_view prefix) {
    std::size_t count = 0;
    std::size_t start = 0;
    for (std::size_t newline; (newline = carry.find('\n', start)) != std::string::npos;
         start = newline + 1) {
        count += carry.compare(start, prefix.size(), prefix) == 0 ? 1U : 0U;
    }
    carry.erase(0, start);
    return count;
}

double measure(std::uint16_t port, std::size_t pair_count, std::size_t window, double seconds) {
    std::vector<Pair> pairs(pair_count);
    for (std::size_t i = 0; i < pair_count; ++i) {
        Pair& pair = pairs[i];
        pair.agent = connect_loopback(port);
        send_all(pair.agent, "CONNECT AGENT a" + std::to_string(i) + " probe-key\r\n");
        await_lines(pair.agent, "+OK", 1, pair.agent_carry);
        pair.customer = connect_loopback(port);
        send_all(pair.customer, "CONNECT CUSTOMER c" + std::to_string(i) + "\r\n");
        await_lines(pair.customer, "ASSIGNED", 1, pair.customer_carry);
        await_lines(pair.agent, "ASSIGNED", 1, pair.agent_carry);
    }
    const std::string message = "MSG the quick brown fox jumps over the lazy dog\r\n";
    std::vector<pollfd> fds;
    for (const Pair& pair : pairs) {
        fds.push_back({pair.customer, POLLIN, 0});
        fds.push_back({pair.agent, POLLIN, 0});
    }
    std::size_t delivered = 0;
    std::string batch;
    const auto start = Clock::now();
    const auto stop = start + std::chrono::duration<double>(seconds);
    while (Clock::now() < stop) {
        for (Pair& pair : pairs) {
            const std::size_t room = window - pair.in_flight;
            if (room > 0) {
                batch.clear();
                for (std::size_t k = 0; k < room; ++k) {
                    batch += message;
                }
                send_all(pair.customer, batch);
                pair.in_flight += room;
                pair.acks_due += room;
            }
        }
        if (::poll(fds.data(), fds.size(), 1000) <= 0) {
            throw std::runtime_error("the server stopped answering");
        }
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if ((fds[i].revents & POLLIN) == 0) {
                continue;
            }
            Pair& pair = pairs[i / 2];
            const bool is_agent = i % 2 == 1;
            char buffer[65536];
            const ssize_t got = ::recv(fds[i].fd, buffer, sizeof buffer, 0);
            if (got <= 0) {
                throw std::runtime_error("the server closed a connection");
            }
            std::string& carry = is_agent ? pair.agent_carry : pair.customer_carry;
            carry.append(buffer, static_cast<std::size_t>(got));
            if (is_agent) {
                const std::size_t arrived = take_lines(carry, "MSG c");
                pair.in_flight -= arrived;
                delivered += arrived;
            } else {
                pair.acks_due -= take_lines(carry, "+OK");
            }
        }
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    for (const Pair& pair : pairs) {
        ::close(pair.customer);
        ::close(pair.agent);
    }
    return static_cast<double>(delivered) / elapsed;
}

template <class Threading>
void probe(std::size_t pair_count, std::size_t window, double seconds) {
    using namespace telechat::server;
    ServerOptions options;
    options.endpoint = {"127.0.0.1", 0};
    options.desk.agent_key = "probe-key";
    options.desk.agent_capacity = 1;
    options.desk.history_limit = 1000;
    Server<PosixBackend, Threading> server(PosixBackend{}, options);
    server.listen();
    std::thread runner([&] { server.run(); });
    try {
        const double rate = measure(server.port(), pair_count, window, seconds);
        std::printf("%-9s %6zu pairs, window %3zu: %10.0f messages/s\n", Threading::name,
                    pair_count, window, rate);
    } catch (const std::exception& error) {
        std::printf("%-9s failed: %s\n", Threading::name, error.what());
    }
    server.stop();
    runner.join();
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t pairs = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100;
    const std::size_t window = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 32;
    const double seconds = argc > 3 ? std::strtod(argv[3], nullptr) : 3.0;
    std::printf("quick relay probe: load generator and server share this machine's cores\n");
    probe<telechat::server::SingleReactor>(pairs, window, seconds);
    probe<telechat::server::ReactorPerCore>(pairs, window, seconds);
    probe<telechat::server::ThreadPerConnection>(pairs, window, seconds);
    return 0;
}

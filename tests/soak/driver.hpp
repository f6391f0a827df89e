// The soak's network half: many loopback TCP clients at once, all on
// non-blocking sockets in one poll() loop, each playing a Script and
// checked by its own Checker, against one server port for a bounded time.
//
// A client's life: connect; steps of pipelined lines, each write split at a
// random byte boundary and sometimes held back a few milliseconds; then its
// finale (QUIT, QUIT with lines behind it, a reset, a close, a hang-up, or
// silence until the server's timeout closes it). Its slot then reconnects
// with a fresh persona. At the end the server is told to stop while the
// clients are still connected, so every one of them must get
// `QUIT server shutting down`.
//
// Every wait is bounded: a reply owed for reply_timeout, a close owed for
// close_timeout, a connect for connect_timeout; past that the client is
// reported and reset.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "checker.hpp"
#include "messages.hpp"
#include "transcript.hpp"
#include "workload.hpp"

namespace soak {

using namespace std::chrono_literals;
using Milliseconds = std::chrono::milliseconds;

/// What one soak run does, besides where the server is.
struct DriverSettings {
    std::uint64_t seed = 1;
    std::size_t clients = 200;     // connections open at once
    std::size_t name_pool = 150;   // customer names c0..; agents a0..
    std::size_t max_pending = 60;  // a client waits for replies past this many
    bool bursts = false;           // include the burster persona
    bool lagging_readers = true;   // some clients read late, through a small buffer
    std::string agent_key;
    Limits limits;
    Milliseconds timeouts_ms{0};  // the longer of the server's two timeouts
};

/// The counts a run reports.
struct Figures {
    std::uint64_t connections = 0;
    std::uint64_t commands = 0;
    std::uint64_t replies = 0;
    std::uint64_t server_closes = 0;  // closes the server started
    std::uint64_t quit_pushes = 0;
    std::uint64_t refusals = 0;
    std::uint64_t resets = 0;  // ECONNRESET the client did not cause
    std::uint64_t violations = 0;
    std::uint64_t violating_connections = 0;
    std::uint64_t relayed = 0;
    std::uint64_t client_resets = 0;
    std::uint64_t hang_ups = 0;
    std::uint64_t unanswered_after_hang_up = 0;
};

/// A connection that broke a rule (or was reset by the server): its
/// transcript, for the report.
struct Evidence {
    std::uint64_t connection;
    std::uint16_t port;
    std::uint32_t port_use;  // the n-th connection from this local port, to find it in the log
    bool violated;           // false: only reset by the server
    std::vector<std::string> problems;
    std::string transcript;
};

class Driver {
public:
    static constexpr Milliseconds reply_timeout = 10s;
    static constexpr Milliseconds close_timeout = 10s;
    static constexpr Milliseconds connect_timeout = 5s;
    static constexpr std::size_t max_evidence = 200;

    Driver(const DriverSettings& settings, std::uint16_t port, std::vector<int> extra_fds,
           std::function<void()> on_extra)
        : m_settings(settings),
          m_port(port),
          m_extra_fds(std::move(extra_fds)),
          m_on_extra(std::move(on_extra)),
          m_book(settings.seed, settings.limits.max_line_bytes - 40),
          m_rng(settings.seed * 7919 + 1),
          m_slots(settings.clients) {}

    /// Runs clients for `duration`, then calls `stop_server` and waits
    /// (bounded) for every client to be closed by it.
    void run(Milliseconds duration, const std::function<void()>& stop_server) {
        const auto start = Clock::now();
        const auto stop_opening = start + duration - std::min<Milliseconds>(duration / 10, 300ms);
        while (Clock::now() < start + duration) {
            m_opening = Clock::now() < stop_opening;
            turn();
        }
        m_opening = false;
        m_stopping = true;
        stop_server();
        const auto give_up = Clock::now() + close_timeout;
        while (any_client() && Clock::now() < give_up) {
            turn();
        }
        for (auto& slot : m_slots) {
            if (slot.client) {
                problem(*slot.client, "still open " + std::to_string(close_timeout.count()) +
                                          " ms after the server was told to shut down");
                finish(*slot.client, Ending::client_reset, true);
            }
        }
    }

    [[nodiscard]] const Figures& figures() const { return m_figures; }
    [[nodiscard]] const std::vector<Evidence>& evidence() const { return m_evidence; }
    /// Every connection the server reset, as (local port, n-th use of it).
    [[nodiscard]] const std::vector<std::pair<std::uint16_t, std::uint32_t>>& reset_connections()
        const {
        return m_reset_connections;
    }

private:
    struct Client {
        std::uint64_t id = 0;
        int fd = -1;
        std::uint16_t port = 0;
        std::uint32_t port_use = 0;
        bool connected = false;
        Clock::time_point started;
        Rng rng{0};
        std::unique_ptr<Transcript> transcript;
        std::unique_ptr<Checker> checker;
        std::unique_ptr<LineMaker> maker;
        std::unique_ptr<Script> script;
        Finale finale = Finale::quit;
        std::size_t steps_left = 0;
        Clock::time_point next_step;
        Clock::time_point next_write;
        Clock::time_point last_progress;
        Clock::time_point deadline;  // for the end, once the finale started
        bool finale_started = false;
        bool write_closed = false;  // hung up, or the server refused our bytes
        bool hang_up_when_sent = false;
        bool reset_by_send = false;   // send() saw ECONNRESET
        bool lagging = false;         // reads late, through a 4 KiB receive buffer
        Clock::time_point next_read;  // a lagging reader reads again from then
        std::string out;              // bytes not yet sent
        std::string late;             // lines after QUIT, sent a little later
        Clock::time_point late_at;
        std::vector<std::string> problems;  // the driver's own findings (timeouts)
    };
    struct Slot {
        std::unique_ptr<Client> client;
        Clock::time_point reopen_at;
    };

    // ----- one turn of the loop ---------------------------------------------------------

    void turn() {
        const auto now = Clock::now();
        if (m_opening) {
            open_clients(now);
        }
        std::vector<pollfd> fds;
        std::vector<Client*> owners;
        for (const int fd : m_extra_fds) {
            fds.push_back(pollfd{fd, POLLIN, 0});
            owners.push_back(nullptr);
        }
        for (auto& slot : m_slots) {
            if (Client* client = slot.client.get()) {
                fds.push_back(pollfd{client->fd, interest(*client, now), 0});
                owners.push_back(client);
            }
        }
        ::poll(fds.data(), static_cast<nfds_t>(fds.size()), 5);
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (owners[i] == nullptr) {
                if (fds[i].revents != 0) {
                    m_on_extra();
                }
            } else if (fds[i].revents != 0) {
                on_ready(*owners[i], fds[i].revents);
            }
        }
        for (auto& slot : m_slots) {
            if (slot.client) {
                on_time(*slot.client, Clock::now());
            }
            if (slot.client && slot.client->fd < 0) {
                // A refused client backs off, as a real one would: an instant
                // retry would mostly be refused again while the server has
                // not yet seen the last closes.
                const std::size_t pause = slot.client->checker->refused() ? 200 : 20;
                slot.client.reset();
                slot.reopen_at = Clock::now() + Milliseconds(m_rng.between(0, pause));
            }
        }
    }

    static short interest(const Client& client, Clock::time_point now) {
        if (!client.connected) {
            return POLLOUT;
        }
        const bool wants_write =
            !client.out.empty() && !client.write_closed && now >= client.next_write;
        const bool wants_read = now >= client.next_read;
        return static_cast<short>((wants_read ? POLLIN : 0) | (wants_write ? POLLOUT : 0));
    }

    void on_ready(Client& client, short revents) {
        if (!client.connected) {
            return finish_connect(client);
        }
        if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
            read_from(client);
        }
        if (client.fd >= 0 && (revents & POLLOUT) != 0) {
            write_to(client);
        }
    }

    void on_time(Client& client, Clock::time_point now) {
        if (!client.connected) {
            if (now - client.started > connect_timeout) {
                problem(client, "connect did not complete in " +
                                    std::to_string(connect_timeout.count()) + " ms");
                finish(client, Ending::client_reset, true);
            }
            return;
        }
        if (!client.late.empty() && now >= client.late_at) {
            client.out += client.late;
            client.late.clear();
        }
        if (!client.out.empty() && !client.write_closed && now >= client.next_write) {
            write_to(client);
            if (client.fd < 0) {
                return;
            }
        }
        if (client.hang_up_when_sent && client.out.empty() && !client.write_closed) {
            hang_up(client);
        }
        if (!m_stopping && !client.finale_started && now >= client.next_step) {
            step(client, now);
        }
        check_deadlines(client, now);
    }

    void check_deadlines(Client& client, Clock::time_point now) {
        if (client.fd < 0) {
            return;
        }
        if (client.finale_started && now > client.deadline) {
            problem(client, "the server did not close the connection in time after the " +
                                std::string(finale_name(client.finale)) + " finale");
            return finish(client, Ending::client_reset, true);
        }
        if (client.checker->pending() > 0 && client.out.empty() && client.late.empty() &&
            !client.checker->closing() && now - client.last_progress > reply_timeout) {
            problem(client, "no reply for " + std::to_string(reply_timeout.count()) + " ms with " +
                                std::to_string(client.checker->pending()) + " command(s) waiting");
            finish(client, Ending::client_reset, true);
        }
    }

    // ----- opening ----------------------------------------------------------------------

    void open_clients(Clock::time_point now) {
        for (auto& slot : m_slots) {
            if (!slot.client && now >= slot.reopen_at) {
                slot.client = open_client(now);
            }
        }
    }

    std::unique_ptr<Client> open_client(Clock::time_point now) {
        auto client = std::make_unique<Client>();
        client->id = ++m_next_id;
        client->started = now;
        client->rng = Rng(m_settings.seed ^ (client->id * 0x9e3779b97f4a7c15ULL));
        client->transcript = std::make_unique<Transcript>(now);
        client->checker = std::make_unique<Checker>(m_settings.limits, m_book);
        client->maker = std::make_unique<LineMaker>(client->rng, m_settings.limits,
                                                    m_settings.agent_key, m_book, client->id);
        client->script = std::make_unique<Script>(choose_persona(client->rng), client->rng,
                                                  *client->maker, m_settings.name_pool);
        client->finale = choose_finale(client->rng);
        client->lagging = m_settings.lagging_readers && client->rng.chance(15);
        client->steps_left = client->rng.between(0, 24);
        client->next_step = client->next_write = client->last_progress = now;
        ++m_figures.connections;
        start_connect(*client);
        return client;
    }

    Persona choose_persona(Rng& rng) const {
        const std::uint64_t roll = rng.next() % 100;
        if (m_settings.bursts && roll < 2) {
            return roll == 0 ? Persona::burster : Persona::firehose;
        }
        return roll < 50   ? Persona::customer
               : roll < 68 ? Persona::agent
               : roll < 78 ? Persona::guesser
               : roll < 90 ? Persona::junk
                           : Persona::idler;
    }

    static Finale choose_finale(Rng& rng) {
        const std::uint64_t roll = rng.next() % 100;
        return roll < 35   ? Finale::quit
               : roll < 50 ? Finale::quit_then_more
               : roll < 65 ? Finale::reset
               : roll < 75 ? Finale::close
               : roll < 88 ? Finale::hang_up
                           : Finale::wait;
    }

    void start_connect(Client& client) {
        client.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (client.fd < 0) {
            problem(client, std::string("socket: ") + std::strerror(errno));
            return finish(client, Ending::client_reset, true);
        }
        const int one = 1;
        ::setsockopt(client.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (client.lagging) {
            // Set before connecting, so the window is small from the start:
            // the server's replies then wait in its send queue, not ours.
            const int small = 4096;
            ::setsockopt(client.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        }
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(m_port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(client.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) ==
            0) {
            return connected(client);
        }
        if (errno != EINPROGRESS) {
            connect_failed(client, errno);
        }
    }

    void finish_connect(Client& client) {
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(client.fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
            return connect_failed(client, error);
        }
        connected(client);
    }

    void connected(Client& client) {
        client.connected = true;
        sockaddr_in local{};
        socklen_t length = sizeof local;
        ::getsockname(client.fd, reinterpret_cast<sockaddr*>(&local), &length);
        client.port = ntohs(local.sin_port);
        client.port_use = ++m_port_uses[client.port];
        client.transcript->event("connected from local port " + std::to_string(client.port) +
                                 " as " + persona_name(client.script->persona()) + ", finale " +
                                 finale_name(client.finale) +
                                 (client.lagging ? ", reading late" : ""));
    }

    void connect_failed(Client& client, int error) {
        if (!m_stopping) {
            problem(client, std::string("connect failed: ") + std::strerror(error));
        }
        finish(client, Ending::client_reset, false);
    }

    // ----- talking ----------------------------------------------------------------------

    void step(Client& client, Clock::time_point now) {
        Checker& checker = *client.checker;
        client.next_step = now + Milliseconds(client.rng.between(1, 30));
        if (checker.closing() || client.script->silent()) {
            return start_finale(client, Finale::wait, now);
        }
        if (client.steps_left == 0) {
            return start_finale(client, client.finale, now);
        }
        if (checker.pending() > m_settings.max_pending &&
            client.script->persona() != Persona::firehose) {
            return;  // a prompt reader with a bounded pipeline: wait for replies
        }
        --client.steps_left;
        for (Line& line : client.script->next(checker)) {
            queue(client, std::move(line));
        }
    }

    void queue(Client& client, Line line) {
        if (line.command) {
            if (line.command->kind == Kind::connect) {
                m_book.tried_name(client.id, line.command->name);
            }
            client.checker->expect(std::move(*line.command));
        }
        client.out += line.bytes;
    }

    void start_finale(Client& client, Finale finale, Clock::time_point now) {
        client.finale_started = true;
        client.finale = finale;
        client.deadline = now + close_timeout;
        switch (finale) {
            case Finale::quit:
                return queue(client, client.maker->quit());
            case Finale::quit_then_more:
                queue(client, client.maker->quit());
                if (client.rng.chance(50)) {
                    client.out += client.maker->after_quit();
                } else {
                    client.late = client.maker->after_quit();
                    client.late_at = now + Milliseconds(client.rng.between(1, 30));
                }
                return;
            case Finale::reset:
            case Finale::close:
                if (client.rng.chance(50)) {
                    client.out += client.maker->unfinished();
                    write_to(client);
                }
                if (client.fd >= 0) {
                    finish(client,
                           finale == Finale::reset ? Ending::client_reset : Ending::client_closed,
                           false);
                }
                return;
            case Finale::hang_up:
                if (client.rng.chance(40)) {
                    client.out += client.maker->unfinished();
                }
                client.hang_up_when_sent = true;
                return;
            case Finale::wait:
                client.deadline = now + m_settings.timeouts_ms + close_timeout;
                // A client that keeps typing after the server decided to close:
                // its late lines must not turn the close into a reset.
                if ((client.checker->closing() || client.script->closed_by_its_lines()) &&
                    client.rng.chance(50)) {
                    client.late = client.maker->after_quit();
                    client.late_at = now + Milliseconds(client.rng.between(0, 10));
                }
                return;
        }
    }

    void hang_up(Client& client) {
        ::shutdown(client.fd, SHUT_WR);
        client.write_closed = true;
        client.checker->client_hung_up();
        client.transcript->event("client shut down its sending side");
        ++m_figures.hang_ups;
    }

    // Sends a random-sized piece of what is queued: lines get split at any
    // byte, inside UTF-8 sequences and between CR and LF too.
    void write_to(Client& client) {
        if (client.out.empty() || client.write_closed) {
            return;
        }
        const std::uint64_t roll = client.rng.next() % 100;
        std::size_t size = client.out.size();
        if (roll < 40) {
            size = client.rng.between(1, std::min<std::size_t>(size, 64));
        } else if (roll < 70) {
            size = client.rng.between(1, size);
        }
        const ssize_t sent = ::send(client.fd, client.out.data(), size, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                client.transcript->event(std::string("send failed: ") + std::strerror(errno));
                client.write_closed = true;  // the end shows when reading
                // send() took the reset's error, so recv() will say only "end of
                // stream": remember that it was a reset.
                client.reset_by_send = client.reset_by_send || errno == ECONNRESET;
            }
            return;
        }
        const auto count = static_cast<std::size_t>(sent);
        client.transcript->sent(std::string_view(client.out).substr(0, count));
        client.out.erase(0, count);
        client.last_progress = Clock::now();
        if (client.rng.chance(25)) {
            client.next_write = client.last_progress + Milliseconds(client.rng.between(0, 15));
        }
    }

    // A lagging reader reads once, then looks away for a moment: a client
    // busy elsewhere, which still never lets its output reach the cap.
    void read_from(Client& client) {
        if (client.lagging) {
            client.next_read = Clock::now() + Milliseconds(client.rng.between(5, 100));
        }
        char buffer[65536];
        for (int i = 0; i < 8; ++i) {
            const ssize_t count = ::recv(client.fd, buffer, sizeof buffer, 0);
            if (count > 0) {
                const std::string_view bytes(buffer, static_cast<std::size_t>(count));
                client.transcript->received(bytes);
                client.checker->received(bytes);
                client.last_progress = Clock::now();
                if (client.lagging) {
                    return;
                }
                continue;
            }
            if (count == 0) {
                return finish(client,
                              client.reset_by_send ? Ending::server_reset : Ending::server_eof,
                              false);
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return;
            }
            if (errno != ECONNRESET) {
                problem(client, std::string("recv failed: ") + std::strerror(errno));
            }
            return finish(client, Ending::server_reset, false);
        }
    }

    // ----- the end of a connection ---------------------------------------------------------

    void finish(Client& client, Ending how, bool forced) {
        if (how == Ending::client_reset) {
            const linger abort{1, 0};
            ::setsockopt(client.fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
        }
        ::close(client.fd);
        client.fd = -1;
        client.transcript->event(ending_name(how) +
                                 std::string(forced ? " (forced by the soak)" : ""));
        if (!forced) {
            client.checker->ended(how);
        }
        tally(client, how, forced);
    }

    void tally(Client& client, Ending how, bool forced) {
        const Checker& checker = *client.checker;
        Figures& f = m_figures;
        f.commands += checker.commands();
        f.replies += checker.replies();
        f.quit_pushes += checker.quit_pushes();
        f.relayed += checker.relayed();
        f.resets += checker.resets();
        if (checker.resets() > 0) {
            m_reset_connections.emplace_back(client.port, client.port_use);
        }
        f.refusals += checker.refused() ? 1U : 0U;
        f.unanswered_after_hang_up += checker.unanswered_after_hang_up();
        f.client_resets += how == Ending::client_reset && !forced ? 1U : 0U;
        const bool server_ended = (how == Ending::server_eof || how == Ending::server_reset);
        const bool client_asked =
            checker.closing() && !checker.saw_quit_push() && !checker.refused();
        f.server_closes += server_ended && !client_asked ? 1U : 0U;
        std::vector<std::string> problems = checker.violations();
        problems.insert(problems.end(), client.problems.begin(), client.problems.end());
        f.violations += problems.size();
        f.violating_connections += problems.empty() ? 0U : 1U;
        // Violations first: a long run's many resets must not crowd them out.
        const bool violated = !problems.empty();
        std::size_t& kept = violated ? m_kept_violations : m_kept_resets;
        if ((violated || checker.resets() > 0) && kept < (violated ? max_evidence : 50)) {
            ++kept;
            m_evidence.push_back(Evidence{client.id, client.port, client.port_use,
                                          !problems.empty(), std::move(problems),
                                          client.transcript->render()});
        }
    }

    void problem(Client& client, std::string what) {
        client.transcript->event("soak: " + what);
        client.problems.push_back(std::move(what));
    }

    [[nodiscard]] bool any_client() const {
        return std::any_of(m_slots.begin(), m_slots.end(),
                           [](const Slot& slot) { return slot.client != nullptr; });
    }

    static const char* persona_name(Persona persona) {
        static const char* const names[] = {"customer", "agent",   "guesser", "junk",
                                            "idler",    "burster", "firehose"};
        return names[static_cast<int>(persona)];
    }
    static const char* finale_name(Finale finale) {
        static const char* const names[] = {"quit",  "quit_then_more", "reset",
                                            "close", "hang_up",        "wait"};
        return names[static_cast<int>(finale)];
    }
    static std::string ending_name(Ending how) {
        switch (how) {
            case Ending::server_eof:
                return "end of stream from the server";
            case Ending::server_reset:
                return "connection reset by the server (ECONNRESET)";
            case Ending::client_reset:
                return "client reset the connection (SO_LINGER 0)";
            case Ending::client_closed:
                return "client closed the connection";
        }
        return "?";
    }

    const DriverSettings& m_settings;
    std::uint16_t m_port;
    std::vector<int> m_extra_fds;
    std::function<void()> m_on_extra;
    MessageBook m_book;
    Rng m_rng;
    std::vector<Slot> m_slots;
    std::unordered_map<std::uint16_t, std::uint32_t> m_port_uses;
    std::uint64_t m_next_id = 0;
    bool m_opening = true;
    bool m_stopping = false;
    Figures m_figures;
    std::vector<Evidence> m_evidence;
    std::vector<std::pair<std::uint16_t, std::uint32_t>> m_reset_connections;
    std::size_t m_kept_violations = 0;
    std::size_t m_kept_resets = 0;
};

}  // namespace soak

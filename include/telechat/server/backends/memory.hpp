/// @file
/// @brief telechat::server::MemoryBackend: in-process byte pipes instead of a
///        network, for deterministic tests and for running a whole server in
///        one process.
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../../hash_table.hpp"
#include "../../queue.hpp"
#include "../concepts.hpp"

namespace telechat::server {

/// @brief Where a MemoryBackend bends the rules, to test what real networks do.
///
/// The defaults behave like a fast, reliable network. Smaller chunks give
/// short reads and writes; a small pipe capacity makes a client that does
/// not read fill up, as a TCP window does.
struct MemoryFaults {
    /// @brief At most this many bytes per read.
    std::size_t max_read_chunk = SIZE_MAX;
    /// @brief At most this many bytes per write.
    std::size_t max_write_chunk = SIZE_MAX;
    /// @brief How many unread bytes one direction of a connection holds
    ///        before writes would block.
    std::size_t pipe_capacity = std::size_t{256} * 1024;
};

/**
 * @brief A network in memory: listeners by port number, and connections made
 *        of two byte pipes.
 *
 * One mutex guards everything and one condition variable announces every
 * change; pollers wait on it. That is slow for thousands of connections and
 * perfect for tests: no ports, no kernel, no timing luck.
 *
 * The network also keeps the time. Its clock starts at the real time when
 * the network is made and then moves only when a test calls advance_clock(),
 * so a test of a 30-second timeout takes no time at all and cannot be late.
 */
class MemoryNetwork {
public:
    /// @brief A handle: an index into the network's table of sockets.
    using Handle = std::uint32_t;

    /// @brief An empty network.
    /// @param faults how reads, writes and pipes misbehave.
    explicit MemoryNetwork(MemoryFaults faults = {})
        : m_faults(faults),
          m_clock_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()) {}

    /// @brief The network's time, in milliseconds since the Unix epoch.
    /// @return the time, which moves only with advance_clock().
    [[nodiscard]] std::int64_t now() {
        std::lock_guard<std::mutex> guard(m_mutex);
        return m_clock_ms;
    }

    /// @brief Moves the clock forward and wakes every poller, so that a
    ///        server sees at once the timeouts that have now passed.
    /// @param by how far; negative values are ignored (time never goes back).
    void advance_clock(std::chrono::milliseconds by) {
        std::lock_guard<std::mutex> guard(m_mutex);
        m_clock_ms += by.count() > 0 ? by.count() : 0;
        m_changed.notify_all();
    }

    /// @brief Opens a listener on `port` (0 picks an unused one).
    /// @param port the port.
    /// @return the listener's handle.
    /// @throws std::runtime_error if the port is taken.
    Handle listen(std::uint16_t port) {
        std::lock_guard<std::mutex> guard(m_mutex);
        if (port == 0) {
            port = m_next_free_port++;
        }
        if (m_listeners.contains(port)) {
            throw std::runtime_error("memory network: port " + std::to_string(port) + " is taken");
        }
        const Handle handle = new_socket(Socket{Kind::listener, nullptr, false, port});
        m_listeners.insert_or_assign(port, handle);
        return handle;
    }

    /// @brief Connects to the listener on `port`, as a client would.
    /// @param port the port.
    /// @return the client's end of the new connection.
    /// @throws std::runtime_error if nothing listens there.
    Handle connect(std::uint16_t port) {
        std::lock_guard<std::mutex> guard(m_mutex);
        const auto listener = m_listeners.find(port);
        if (listener == m_listeners.end()) {
            throw std::runtime_error("memory network: connection refused on port " +
                                     std::to_string(port));
        }
        auto pipes = std::make_shared<Pipes>();
        const Handle client = new_socket(Socket{Kind::stream, pipes, true, port});
        const Handle server = new_socket(Socket{Kind::stream, pipes, false, port});
        m_sockets[listener->second].pending.push(server);
        m_changed.notify_all();
        return client;
    }

    /// @brief The port of a listener.
    /// @param handle the listener.
    /// @return its port.
    [[nodiscard]] std::uint16_t port_of(Handle handle) {
        std::lock_guard<std::mutex> guard(m_mutex);
        return m_sockets.at(handle).port;
    }

    /// @brief Takes one pending connection from a listener.
    /// @param listener the listener.
    /// @return ok and the server's end, or would_block.
    std::pair<IoStatus, Handle> accept(Handle listener) {
        std::lock_guard<std::mutex> guard(m_mutex);
        Queue<Handle>& pending = m_sockets.at(listener).pending;
        if (pending.empty()) {
            return {IoStatus::would_block, 0};
        }
        const Handle accepted = pending.front();
        pending.pop();
        return {IoStatus::ok, accepted};
    }

    /// @brief Reads what the other end wrote.
    /// @param handle this end.
    /// @param into where to put the bytes.
    /// @return ok, would_block, or closed once the other end closed and all is read.
    IoResult read(Handle handle, std::span<char> into) {
        std::lock_guard<std::mutex> guard(m_mutex);
        Socket& end = m_sockets.at(handle);
        Pipe& inbound = end.inbound();
        const std::size_t available = inbound.bytes.size() - inbound.read_offset;
        if (available == 0) {
            return {inbound.writer_closed ? IoStatus::closed : IoStatus::would_block, 0};
        }
        const std::size_t count = std::min({available, into.size(), m_faults.max_read_chunk});
        std::copy_n(inbound.bytes.data() + inbound.read_offset, count, into.data());
        inbound.read_offset += count;
        if (inbound.read_offset == inbound.bytes.size()) {
            inbound.bytes.clear();
            inbound.read_offset = 0;
        }
        m_changed.notify_all();
        return {IoStatus::ok, count};
    }

    /// @brief Writes to the other end, as much as its pipe takes.
    /// @param handle this end.
    /// @param from the bytes.
    /// @return ok (maybe short), would_block when the pipe is full, closed if
    ///         the other end is gone.
    IoResult write(Handle handle, std::span<const char> from) {
        std::lock_guard<std::mutex> guard(m_mutex);
        Socket& end = m_sockets.at(handle);
        Pipe& outbound = end.outbound();
        if (outbound.reader_closed || outbound.writer_closed) {
            return {IoStatus::closed, 0};
        }
        const std::size_t unread = outbound.bytes.size() - outbound.read_offset;
        const std::size_t room =
            m_faults.pipe_capacity > unread ? m_faults.pipe_capacity - unread : 0;
        const std::size_t count = std::min({room, from.size(), m_faults.max_write_chunk});
        if (count == 0 && !from.empty()) {
            return {IoStatus::would_block, 0};
        }
        outbound.bytes.append(from.data(), count);
        m_changed.notify_all();
        return {IoStatus::ok, count};
    }

    /// @brief Closes one end: the other end reads end of stream, and its writes fail.
    /// @param handle this end.
    void close(Handle handle) {
        std::lock_guard<std::mutex> guard(m_mutex);
        Socket& end = m_sockets.at(handle);
        if (end.kind == Kind::listener) {
            m_listeners.erase(end.port);
        } else if (end.pipes) {
            end.outbound().writer_closed = true;
            end.inbound().reader_closed = true;
        }
        end.open = false;
        m_changed.notify_all();
    }

    /// @brief Closes only this end's sending side (like `shutdown(SHUT_WR)`).
    /// @param handle this end.
    void shutdown_sending(Handle handle) {
        std::lock_guard<std::mutex> guard(m_mutex);
        m_sockets.at(handle).outbound().writer_closed = true;
        m_changed.notify_all();
    }

    /// @brief Whether a read on `handle` would not block (data, end of
    ///        stream, or a pending connection). Needs the lock.
    /// @param handle the handle to check.
    /// @return true if a read or an accept would not block.
    [[nodiscard]] bool readable_locked(Handle handle) const {
        const Socket& end = m_sockets.at(handle);
        if (end.kind == Kind::listener) {
            return !end.pending.empty();
        }
        const Pipe& inbound = end.inbound();
        return inbound.bytes.size() > inbound.read_offset || inbound.writer_closed;
    }

    /// @brief Whether a write on `handle` would not block. Needs the lock.
    /// @param handle the handle to check.
    /// @return true if a write would not block (or would fail at once).
    [[nodiscard]] bool writable_locked(Handle handle) const {
        const Socket& end = m_sockets.at(handle);
        if (end.kind == Kind::listener) {
            return false;
        }
        const Pipe& outbound = end.outbound();
        return outbound.bytes.size() - outbound.read_offset < m_faults.pipe_capacity ||
               outbound.reader_closed;
    }

    /// @brief Waits until `ready()` holds or `timeout` passes; `ready` runs with the lock held.
    /// @param timeout the longest wait.
    /// @param ready the condition.
    /// @return whether it held.
    template <class Ready>
    bool wait_until(std::chrono::milliseconds timeout, Ready ready) {
        std::unique_lock<std::mutex> lock(m_mutex);
        return m_changed.wait_for(lock, timeout, [&] { return ready(); });
    }

    /// @brief Wakes every waiter so that it re-checks its condition.
    void notify() {
        std::lock_guard<std::mutex> guard(m_mutex);
        m_changed.notify_all();
    }

private:
    enum class Kind { listener, stream };

    struct Pipe {
        std::string bytes;
        std::size_t read_offset = 0;
        bool writer_closed = false;
        bool reader_closed = false;
    };

    struct Pipes {
        Pipe to_client;
        Pipe to_server;
    };

    struct Socket {
        Kind kind = Kind::stream;
        std::shared_ptr<Pipes> pipes;
        bool is_client = false;
        std::uint16_t port = 0;
        bool open = true;
        Queue<Handle> pending;  // a listener's connections not accepted yet

        Socket(Kind k, std::shared_ptr<Pipes> p, bool client, std::uint16_t on_port)
            : kind(k), pipes(std::move(p)), is_client(client), port(on_port) {}
        [[nodiscard]] Pipe& inbound() { return is_client ? pipes->to_client : pipes->to_server; }
        [[nodiscard]] Pipe& outbound() { return is_client ? pipes->to_server : pipes->to_client; }
        [[nodiscard]] const Pipe& inbound() const {
            return is_client ? pipes->to_client : pipes->to_server;
        }
        [[nodiscard]] const Pipe& outbound() const {
            return is_client ? pipes->to_server : pipes->to_client;
        }
    };

    Handle new_socket(Socket added) {
        m_sockets.push_back(std::move(added));
        return static_cast<Handle>(m_sockets.size() - 1);
    }

    friend class MemoryPoller;

    MemoryFaults m_faults;
    std::int64_t m_clock_ms;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<Socket> m_sockets;
    HashTable<std::uint16_t, Handle> m_listeners;
    std::uint16_t m_next_free_port = 40000;
};

/// @brief A Poller over a MemoryNetwork: re-checks its handles whenever the
///        network changes.
class MemoryPoller {
public:
    /// @brief A poller for `network`.
    /// @param network the network its handles live in.
    explicit MemoryPoller(std::shared_ptr<MemoryNetwork> network)
        : m_network(std::move(network)), m_clock_seen(m_network->now()) {}

    /// @brief Watches `handle` for reading.
    /// @param handle the handle.
    /// @param token what wait() reports for it.
    void add(MemoryNetwork::Handle handle, std::uint64_t token) {
        std::lock_guard<std::mutex> guard(m_network->m_mutex);
        m_watched.insert_or_assign(handle, Watch{token, false});
    }

    /// @brief Starts or stops reporting writability too.
    /// @param handle the handle.
    /// @param token its token.
    /// @param enabled whether to report writability.
    void watch_writes(MemoryNetwork::Handle handle, std::uint64_t token, bool enabled) {
        std::lock_guard<std::mutex> guard(m_network->m_mutex);
        m_watched.insert_or_assign(handle, Watch{token, enabled});
    }

    /// @brief Stops watching `handle`.
    /// @param handle the handle.
    void remove(MemoryNetwork::Handle handle) {
        std::lock_guard<std::mutex> guard(m_network->m_mutex);
        m_watched.erase(handle);
    }

    /// @brief Waits up to `timeout_ms` (-1: with no limit; in practice an
    ///        hour) for a watched handle to be ready, a wake(), or a move of
    ///        the network's clock.
    /// @param events where to store what is ready.
    /// @param timeout_ms the longest wait.
    /// @return how many events were stored.
    std::size_t wait(std::span<PollEvent> events, int timeout_ms) {
        std::unique_lock<std::mutex> lock(m_network->m_mutex);
        std::size_t count = 0;
        const auto collect = [&] {
            count = 0;
            // A move of the clock is a wake-up: a deadline may have passed.
            if (m_woken || m_clock_seen != m_network->m_clock_ms) {
                m_woken = false;
                m_clock_seen = m_network->m_clock_ms;
                events[count++] = PollEvent{wake_token, true, false};
            }
            for (const auto& [handle, watch] : m_watched) {
                if (count == events.size()) {
                    break;
                }
                const bool readable = m_network->readable_locked(handle);
                const bool writable = watch.writes && m_network->writable_locked(handle);
                if (readable || writable) {
                    events[count++] = PollEvent{watch.token, readable, writable};
                }
            }
            return count > 0;
        };
        m_network->m_changed.wait_for(
            lock, std::chrono::milliseconds(timeout_ms < 0 ? 3'600'000 : timeout_ms), collect);
        return count;
    }

    /// @brief Makes the current or next wait() return. Safe from any thread
    ///        (not from a signal handler: it takes a mutex).
    void wake() {
        std::lock_guard<std::mutex> guard(m_network->m_mutex);
        m_woken = true;
        m_network->m_changed.notify_all();
    }

private:
    struct Watch {
        std::uint64_t token = 0;
        bool writes = false;
    };

    std::shared_ptr<MemoryNetwork> m_network;
    HashTable<MemoryNetwork::Handle, Watch> m_watched;
    bool m_woken = false;       // guarded by the network's mutex
    std::int64_t m_clock_seen;  // likewise
};

/**
 * @brief A SocketBackend over a MemoryNetwork: the whole server in one
 *        process, with no ports, no kernel and no timing luck.
 *
 * Tests connect clients with MemoryNetwork::connect and talk through the
 * same read and write calls, and move time with MemoryNetwork::advance_clock. MemoryFaults injects
 * short reads and writes and small pipes (a client that stops reading), and is the seam for more
 * faults.
 */
class MemoryBackend {
public:
    /// @brief A handle into the network.
    using Handle = MemoryNetwork::Handle;
    /// @brief The in-memory poller.
    using PollerType = MemoryPoller;

    /// @brief A backend on `network`.
    /// @param network the shared in-memory network.
    explicit MemoryBackend(std::shared_ptr<MemoryNetwork> network)
        : m_network(std::move(network)) {}

    /// @brief Listens on the endpoint's port (the address is ignored).
    /// @param endpoint the port to use; 0 picks one.
    /// @return the listener.
    Handle listen(const Endpoint& endpoint) { return m_network->listen(endpoint.port); }
    /// @brief The port of a listener.
    /// @param listener the listener.
    /// @return its port.
    [[nodiscard]] std::uint16_t local_port(Handle listener) const {
        return m_network->port_of(listener);
    }
    /// @brief Accepts a pending connection.
    /// @param listener the listener.
    /// @return the status and the server's end.
    std::pair<IoStatus, Handle> accept(Handle listener) { return m_network->accept(listener); }
    /// @brief Reads.
    /// @param handle the connection.
    /// @param into where to put the bytes.
    /// @return as MemoryNetwork::read.
    IoResult read(Handle handle, std::span<char> into) { return m_network->read(handle, into); }
    /// @brief Writes.
    /// @param handle the connection.
    /// @param from the bytes.
    /// @return as MemoryNetwork::write.
    IoResult write(Handle handle, std::span<const char> from) {
        return m_network->write(handle, from);
    }
    /// @brief Ends the stream towards the peer; reads go on.
    /// @param handle the connection.
    void shutdown_sending(Handle handle) { m_network->shutdown_sending(handle); }
    /// @brief Closes.
    /// @param handle the connection.
    void close(Handle handle) { m_network->close(handle); }
    /// @brief The network's clock, which the test moves by hand.
    /// @return MemoryNetwork::now().
    [[nodiscard]] std::int64_t now() const { return m_network->now(); }
    /// @brief A name for logs.
    /// @param handle the connection.
    /// @return "memory:<handle>".
    [[nodiscard]] std::string peer_name(Handle handle) const {
        return "memory:" + std::to_string(handle);
    }
    /// @brief A poller on the same network.
    /// @return the poller.
    [[nodiscard]] PollerType make_poller() { return MemoryPoller(m_network); }

private:
    std::shared_ptr<MemoryNetwork> m_network;
};

static_assert(SocketBackend<MemoryBackend>, "MemoryBackend must model SocketBackend");

}  // namespace telechat::server

/// @file
/// @brief telechat::server::TracingBackend: a SocketBackend that forwards
///        everything to another and writes, for every connection, a trace
///        of both directions (`telechat-server --trace DIR`). Where a trace
///        goes is the caller's: no file I/O here.
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "../../hash_table.hpp"
#include "../concepts.hpp"
#include "../connection_trace.hpp"

namespace telechat::server {

/// @brief Where the trace of one connection goes (a file, for the app).
class TraceSink {
public:
    virtual ~TraceSink() = default;
    /// @brief Appends rows (whole lines, each ending with LF).
    /// @param rows the text to append.
    virtual void write(std::string_view rows) = 0;
};

/// @brief What a TracingBackend needs besides the backend it wraps.
struct TraceSettings {
    /// @brief The server's agent key, never written to a trace (empty: none).
    std::string agent_key;
    /// @brief Opens the sink of a new connection, given its number in
    ///        accept order (1, 2, ...; its trace calls it c1, c2, ...) and
    ///        its peer's address. Called on a loop's thread; null: no trace
    ///        for that connection.
    std::function<std::unique_ptr<TraceSink>(std::uint64_t number, const std::string& peer)> open;
};

/**
 * @brief A SocketBackend that traces every connection of `Inner`.
 *
 * It records each accepted connection, every chunk a read returned, the
 * bytes each write took (IoResult::bytes), the server's shutdown of its
 * sending side and the close, as transcript rows (ConnectionTrace), and
 * hands them to the connection's TraceSink as they happen.
 *
 * The backend is copied into every loop, and loops run on several threads:
 * the copies share one table of traces under a mutex, and each trace has a
 * mutex of its own, held while its rows are made and written. A handle's
 * trace ends before `Inner::close`, so a descriptor the system hands out
 * again starts a fresh trace. A server without tracing does not use this
 * class at all, so tracing costs nothing when it is off.
 *
 * @tparam Inner the backend that moves the bytes.
 */
template <SocketBackend Inner>
class TracingBackend {
public:
    /// @brief The inner backend's handle.
    using Handle = typename Inner::Handle;
    /// @brief The inner backend's poller.
    using PollerType = typename Inner::PollerType;

    /// @brief Traces `inner`'s connections as `settings` say; TIME 0 is now.
    /// @param inner the backend that moves the bytes.
    /// @param settings the key to hide and where traces go.
    TracingBackend(Inner inner, TraceSettings settings)
        : m_inner(std::move(inner)),
          m_shared(std::make_shared<Shared>(std::move(settings), m_inner.now())) {}

    /// @brief Inner::listen.
    /// @param endpoint where to listen.
    /// @return the listener.
    Handle listen(const Endpoint& endpoint) { return m_inner.listen(endpoint); }
    /// @brief Inner::local_port.
    /// @param listener the listener.
    /// @return its port.
    [[nodiscard]] std::uint16_t local_port(Handle listener) const {
        return m_inner.local_port(listener);
    }

    /// @brief Inner::accept; a new connection starts its trace.
    /// @param listener the listener.
    /// @return as Inner::accept.
    std::pair<IoStatus, Handle> accept(Handle listener) {
        const std::pair<IoStatus, Handle> accepted = m_inner.accept(listener);
        if (accepted.first == IoStatus::ok) {
            start_trace(accepted.second);
        }
        return accepted;
    }

    /// @brief Inner::read; records the chunk, or the end of the stream.
    /// @param handle the connection.
    /// @param into where the bytes go.
    /// @return as Inner::read.
    IoResult read(Handle handle, std::span<char> into) {
        const IoResult result = m_inner.read(handle, into);
        if (result.status == IoStatus::ok && result.bytes > 0) {
            record(handle, [&](ConnectionTrace& trace, std::int64_t now) {
                return trace.received(std::string_view(into.data(), result.bytes), now);
            });
        } else if (result.status == IoStatus::closed || result.status == IoStatus::error) {
            record(handle, [&](ConnectionTrace& trace, std::int64_t now) {
                return trace.read_ended(result.status == IoStatus::error, now);
            });
        }
        return result;
    }

    /// @brief Inner::write; records the bytes it took.
    /// @param handle the connection.
    /// @param from the bytes.
    /// @return as Inner::write.
    IoResult write(Handle handle, std::span<const char> from) {
        const IoResult result = m_inner.write(handle, from);
        if (result.status == IoStatus::ok && result.bytes > 0) {
            record(handle, [&](ConnectionTrace& trace, std::int64_t now) {
                return trace.sent(std::string_view(from.data(), result.bytes), now);
            });
        }
        return result;
    }

    /// @brief Records the server's end of sending, then Inner::shutdown_sending.
    /// @param handle the connection.
    void shutdown_sending(Handle handle) {
        record(handle,
               [](ConnectionTrace& trace, std::int64_t now) { return trace.shut_down(now); });
        m_inner.shutdown_sending(handle);
    }

    /// @brief Ends the handle's trace, then Inner::close.
    /// @param handle the handle.
    void close(Handle handle) {
        std::shared_ptr<Traced> traced;
        {
            const std::lock_guard<std::mutex> guard(m_shared->mutex);
            const auto found = m_shared->traces.find(handle);
            if (found != m_shared->traces.end()) {
                traced = std::move(found->second);
                m_shared->traces.erase(found);
            }
        }
        if (traced) {
            const std::lock_guard<std::mutex> guard(traced->mutex);
            traced->sink->write(traced->trace.closed(m_inner.now()));
            traced->sink.reset();
        }
        m_inner.close(handle);
    }

    /// @brief Inner::now.
    /// @return the time.
    [[nodiscard]] std::int64_t now() const { return m_inner.now(); }
    /// @brief Inner::peer_name.
    /// @param handle the connection.
    /// @return its peer.
    [[nodiscard]] std::string peer_name(Handle handle) const { return m_inner.peer_name(handle); }
    /// @brief Inner::make_poller.
    /// @return a poller.
    [[nodiscard]] PollerType make_poller() { return m_inner.make_poller(); }

private:
    struct Traced {
        std::mutex mutex;  // guards both, and orders the sink's writes
        ConnectionTrace trace;
        std::unique_ptr<TraceSink> sink;
        Traced(ConnectionTrace t, std::unique_ptr<TraceSink> s)
            : trace(std::move(t)), sink(std::move(s)) {}
    };

    struct Shared {
        TraceSettings settings;
        std::int64_t started_ms;
        std::atomic<std::uint64_t> connections{0};
        std::mutex mutex;  // guards traces
        HashTable<Handle, std::shared_ptr<Traced>> traces;
        Shared(TraceSettings s, std::int64_t started)
            : settings(std::move(s)), started_ms(started) {}
    };

    void start_trace(Handle handle) {
        const std::uint64_t number = ++m_shared->connections;
        std::unique_ptr<TraceSink> sink =
            m_shared->settings.open ? m_shared->settings.open(number, m_inner.peer_name(handle))
                                    : nullptr;
        if (!sink) {
            return;
        }
        auto traced = std::make_shared<Traced>(
            ConnectionTrace("c" + std::to_string(number), m_shared->settings.agent_key,
                            m_shared->started_ms),
            std::move(sink));
        {
            const std::lock_guard<std::mutex> guard(traced->mutex);
            traced->sink->write(traced->trace.connected(m_inner.now()));
        }
        const std::lock_guard<std::mutex> guard(m_shared->mutex);
        m_shared->traces.insert_or_assign(handle, std::move(traced));
    }

    // Runs `make_rows` on the handle's trace, if it has one, and writes them.
    template <class MakeRows>
    void record(Handle handle, MakeRows make_rows) {
        std::shared_ptr<Traced> traced;
        {
            const std::lock_guard<std::mutex> guard(m_shared->mutex);
            const auto found = m_shared->traces.find(handle);
            if (found == m_shared->traces.end()) {
                return;
            }
            traced = found->second;
        }
        const std::lock_guard<std::mutex> guard(traced->mutex);
        const std::string rows = make_rows(traced->trace, m_inner.now());
        if (!rows.empty()) {
            traced->sink->write(rows);
        }
    }

    Inner m_inner;
    std::shared_ptr<Shared> m_shared;
};

}  // namespace telechat::server

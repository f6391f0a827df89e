/// @file
/// @brief The socket side of telechat::Server: SocketBackend (how bytes move,
///        and what time it is) and the Poller it names, as C++20 concepts.
///        The threading side is in threading/threading_model.hpp.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>

namespace telechat::server {

/// @brief How a read, a write or an accept ended.
enum class IoStatus {
    ok,           ///< some bytes moved (or a connection was accepted)
    would_block,  ///< nothing to do now; the poller will say when
    closed,       ///< the peer closed its side (read) or the connection is gone (write)
    exhausted,    ///< accept: out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM)
    error,        ///< anything else; the connection should be dropped
};

/// @brief The result of a read or a write.
struct IoResult {
    /// @brief How it ended.
    IoStatus status = IoStatus::ok;
    /// @brief How many bytes moved when `status` is IoStatus::ok.
    std::size_t bytes = 0;
};

/// @brief Where a server listens: an address and a port (0 picks a free one).
struct Endpoint {
    /// @brief A numeric IPv4 or IPv6 address; empty or "*" means every interface.
    std::string address;
    /// @brief The port; 0 asks the system for a free one.
    std::uint16_t port = 0;
};

/// @brief What one wait on a Poller reported about one watched handle.
struct PollEvent {
    /// @brief The token given when the handle was added.
    std::uint64_t token = 0;
    /// @brief Data (or end of stream, or a pending connection) can be read.
    bool readable = false;
    /// @brief The socket takes more output.
    bool writable = false;
};

/// @brief The token a Poller reports when its wake() was called.
inline constexpr std::uint64_t wake_token = ~std::uint64_t{0};

/**
 * @brief A readiness poller: one per event loop.
 *
 * Semantic requirements the compiler cannot check: `wait` returns the events
 * of at most `events.size()` handles, blocking up to `timeout_ms`, or for
 * as long as nothing happens when `timeout_ms` is -1 (level-triggered: a
 * handle stays readable until drained); `wake` may be called from any
 * thread and makes a current or the next `wait` return an event with
 * `wake_token`; `add`, `watch_writes`, `remove` and `wait` are never called
 * concurrently (the loop's own thread calls them, or, with a desk guard
 * that runs desk work elsewhere, another thread while the loop waits for
 * that work), so they need no lock of their own.
 */
template <class P, class Handle>
concept Poller = requires(P& poller, Handle handle, std::uint64_t token, bool flag,
                          std::span<PollEvent> events, int timeout_ms) {
    { poller.add(handle, token) } -> std::same_as<void>;
    { poller.watch_writes(handle, token, flag) } -> std::same_as<void>;
    { poller.remove(handle) } -> std::same_as<void>;
    { poller.wait(events, timeout_ms) } -> std::same_as<std::size_t>;
    { poller.wake() } -> std::same_as<void>;
};

/**
 * @brief How a Server moves bytes: listening, accepting, reading, writing,
 *        closing, and waiting for readiness.
 *
 * A backend is a small value type (copied into every loop) that names a
 * `Handle` type (a cheap, copyable name of a socket: a file descriptor for
 * POSIX) and a `PollerType`. All streams are non-blocking: `read` and
 * `write` never wait, they return IoStatus::would_block instead.
 *
 * Semantic requirements: `read` returns IoStatus::closed at end of stream;
 * `write` never raises SIGPIPE and may write fewer bytes than given (a
 * short write); `accept` returns IoStatus::exhausted when the process is out
 * of descriptors, and the server retries later instead of spinning;
 * `shutdown_sending` ends the stream towards the peer (it reads end of
 * stream once it has read everything written before) while reads go on;
 * `close` is called exactly once per accepted handle; `peer_name` is for
 * logs only. `now` is the server's only clock, in milliseconds since the
 * Unix epoch: a real backend reads the system clock, a test backend may
 * move it by hand; it never goes backwards. A default-constructed `Handle`
 * names no socket (the server keeps one before it listens).
 */
template <class B>
concept SocketBackend = std::copyable<B> && std::default_initializable<typename B::Handle> &&
    std::copyable<typename B::Handle> && Poller<typename B::PollerType, typename B::Handle> &&
    requires(B& backend, const B& const_backend, typename B::Handle handle,
             const Endpoint& endpoint, std::span<char> into, std::span<const char> from) {
    typename B::Handle;
    typename B::PollerType;
    { backend.listen(endpoint) } -> std::same_as<typename B::Handle>;
    { const_backend.local_port(handle) } -> std::same_as<std::uint16_t>;
    { backend.accept(handle) } -> std::same_as<std::pair<IoStatus, typename B::Handle>>;
    { backend.read(handle, into) } -> std::same_as<IoResult>;
    { backend.write(handle, from) } -> std::same_as<IoResult>;
    { backend.shutdown_sending(handle) } -> std::same_as<void>;
    { backend.close(handle) } -> std::same_as<void>;
    { const_backend.now() } -> std::same_as<std::int64_t>;
    { const_backend.peer_name(handle) } -> std::same_as<std::string>;
    { backend.make_poller() } -> std::same_as<typename B::PollerType>;
};

}  // namespace telechat::server

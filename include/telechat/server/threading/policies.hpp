/// @file
/// @brief The three threading policies of telechat::Server: Threads, Reactor, Reactors.
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <thread>

#include "../concepts.hpp"

namespace telechat::server {

/// @brief One thread per client, as in the original course project.
///
/// An acceptor loop takes new connections and starts a thread for each;
/// that thread waits in its own poller on its one socket and a wake-up
/// descriptor (waking at least four times a second), and the shared desk
/// sits behind a mutex. Simple to follow, one stack per
/// client: the model to compare the others against.
struct Threads {
    /// @brief The name used by `--model`.
    static constexpr const char* name = "threads";
    /// @brief Many threads call the desk, so it is locked.
    static constexpr bool shares_desk = true;
    /// @brief Every connection gets its own loop and thread.
    static constexpr bool thread_per_connection = true;
    /// @brief One acceptor loop; the per-connection loops come and go.
    /// @return 1.
    [[nodiscard]] std::size_t loop_count(std::size_t /*requested*/) const { return 1; }
};

/// @brief One event loop on one thread: non-blocking sockets, epoll, no locks.
struct Reactor {
    /// @brief The name used by `--model`.
    static constexpr const char* name = "reactor";
    /// @brief Only one thread touches the desk: no lock at all.
    static constexpr bool shares_desk = false;
    /// @brief All connections share the one loop.
    static constexpr bool thread_per_connection = false;
    /// @brief Always one loop.
    /// @return 1.
    [[nodiscard]] std::size_t loop_count(std::size_t /*requested*/) const { return 1; }
};

/// @brief One event loop per core: connections are dealt round-robin to the
///        loops, which share one desk behind a mutex.
///
/// Each loop waits for and reads its own sockets in parallel with the
/// others; the desk's work (parsing, routing, formatting: a few hundred
/// nanoseconds a line) and the writes, which read the desk's output buffers,
/// happen with the desk's mutex held. Output for a connection of another
/// loop is handed to that loop (its id, through an inbox), which writes it.
struct Reactors {
    /// @brief The name used by `--model`.
    static constexpr const char* name = "reactors";
    /// @brief Several loops call the desk, so it is locked.
    static constexpr bool shares_desk = true;
    /// @brief Connections are shared out among the loops.
    static constexpr bool thread_per_connection = false;
    /// @brief How many loops to run.
    /// @param requested the wanted count; 0 means one per core.
    /// @return at least 1.
    [[nodiscard]] std::size_t loop_count(std::size_t requested) const {
        if (requested != 0) {
            return requested;
        }
        const unsigned cores = std::thread::hardware_concurrency();
        return cores == 0 ? 1 : cores;
    }
};

static_assert(ThreadingPolicy<Threads>, "Threads must model ThreadingPolicy");
static_assert(ThreadingPolicy<Reactor>, "Reactor must model ThreadingPolicy");
static_assert(ThreadingPolicy<Reactors>, "Reactors must model ThreadingPolicy");

}  // namespace telechat::server

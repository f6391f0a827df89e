/// @file
/// @brief telechat::server::ReactorPerCore: one event loop per core, one
///        desk behind a mutex.
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <thread>

#include "threading_model.hpp"

namespace telechat::server {

/// @brief Several reactors (`--model reactors`): one event loop per core,
///        connections dealt round-robin to the loops, which share one desk
///        behind a mutex.
///
/// Each loop waits for and reads its own sockets in parallel with the
/// others; the desk's work (parsing, routing, formatting: a few hundred
/// nanoseconds a line) and the writes, which read the desk's output
/// buffers, happen with the mutex held. Output for a connection of another
/// loop is handed to that loop, which writes it.
class ReactorPerCore {
public:
    /// @brief The name used by `--model`.
    static constexpr const char* name = "reactors";
    /// @brief As many loops as asked for.
    static constexpr std::size_t max_loops = 0;
    /// @brief Several threads call the desk: a mutex.
    using DeskGuardType = MutexDeskGuard;

    /// @brief Adds the loops (LoopHost::requested_loops(), or one per core),
    ///        runs the first here and the others on threads of their own.
    /// @param host the server's loops.
    template <LoopHost Host>
    void run(Host& host) {
        const std::size_t count = loops_for(host.requested_loops());
        const LoopId acceptor = host.add_loop();
        for (std::size_t i = 1; i < count; ++i) {
            host.run_on_new_thread(host.add_loop());
        }
        host.run_here(acceptor);
        host.join_loops();
    }

    /// @brief Deals connections to the loops in turn (round robin).
    /// @param host the server's loops.
    /// @return the next loop in turn.
    template <LoopHost Host>
    LoopId place_connection(Host& host, LoopId /*acceptor*/) {
        return host.loop_at(m_next++ % host.loop_count());  // only the acceptor calls this
    }

    /// @brief Nothing to do between turns.
    /// @return wait as long as nothing happens; never end early.
    template <LoopHost Host>
    NextTurn after_turn(Host& /*host*/, const LoopState& /*state*/) {
        return {};
    }

private:
    static std::size_t loops_for(std::size_t requested) {
        if (requested != 0) {
            return requested;
        }
        const unsigned cores = std::thread::hardware_concurrency();
        return cores == 0 ? 1 : cores;
    }

    std::size_t m_next = 0;
};

static_assert(ThreadingModel<ReactorPerCore>, "ReactorPerCore must model ThreadingModel");

}  // namespace telechat::server

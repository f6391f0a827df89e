/// @file
/// @brief telechat::server::SingleReactor: one event loop on one thread, no lock.
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>

#include "threading_model.hpp"

namespace telechat::server {

/// @brief The Reactor pattern with one reactor (`--model reactor`): one
///        event loop on the calling thread owns every connection and the
///        desk, so the desk needs no lock at all.
///
/// The reference model of ThreadingModel, and the simplest: every member
/// says "the one loop".
struct SingleReactor {
    /// @brief The name used by `--model`.
    static constexpr const char* name = "reactor";
    /// @brief One loop, ever: what lets the desk go unguarded.
    static constexpr std::size_t max_loops = 1;
    /// @brief Only this loop's thread touches the desk.
    using DeskGuardType = NoDeskGuard;

    /// @brief Runs the one loop on the calling thread.
    /// @param host the server's loops.
    template <LoopHost Host>
    void run(Host& host) {
        host.run_here(host.add_loop());
    }

    /// @brief Every connection goes to the one loop.
    /// @param acceptor the loop that accepted it (the only one).
    /// @return `acceptor`.
    template <LoopHost Host>
    LoopId place_connection(Host& /*host*/, LoopId acceptor) {
        return acceptor;
    }

    /// @brief Nothing to do between turns: the loop sleeps until an event
    ///        or one of the server's own timers.
    /// @return wait as long as nothing happens; never end early.
    template <LoopHost Host>
    NextTurn after_turn(Host& /*host*/, const LoopState& /*state*/) {
        return {};
    }
};

static_assert(ThreadingModel<SingleReactor>, "SingleReactor must model ThreadingModel");

}  // namespace telechat::server

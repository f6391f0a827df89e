/// @file
/// @brief telechat::server::ThreadPerConnection: an acceptor, and one loop
///        on one thread per client.
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>

#include "threading_model.hpp"

namespace telechat::server {

/// @brief A thread per connection (`--model threads`): the acceptor loop
///        starts a loop on a new thread for each client; the shared desk
///        sits behind a mutex.
///
/// Each client's loop owns one socket and sleeps in its poller until that
/// socket or a stop needs it: no periodic wake-up. The course project
/// TeleChat grew out of had a thread per client too, blocked in `recv`; a
/// loop with one socket is the same thread, but it can also be woken to
/// write another client's message or to shut down. Simple to follow, one
/// stack per client: the model to compare the others against.
struct ThreadPerConnection {
    /// @brief The name used by `--model`.
    static constexpr const char* name = "threads";
    /// @brief A loop per client, as many as there are clients.
    static constexpr std::size_t max_loops = 0;
    /// @brief Many threads call the desk: a mutex.
    using DeskGuardType = MutexDeskGuard;

    /// @brief Runs the acceptor here; the clients' loops come and go.
    /// @param host the server's loops.
    template <LoopHost Host>
    void run(Host& host) {
        host.run_here(host.add_loop());
        host.join_loops();
    }

    /// @brief A new loop on a new thread for every connection.
    /// @param host the server's loops.
    /// @return the new loop.
    /// @throws std::system_error if no thread can start (the server then
    ///         refuses the client and pauses accepting).
    template <LoopHost Host>
    LoopId place_connection(Host& host, LoopId /*acceptor*/) {
        const LoopId loop = host.add_loop();
        host.run_on_new_thread(loop);
        return loop;
    }

    /// @brief The acceptor reaps the loops whose client has gone; a client's
    ///        loop ends when its connection is closed.
    /// @param host the server's loops.
    /// @param state the loop that finished a turn.
    /// @return wait as long as nothing happens; end a client's loop once
    ///         its client is gone.
    template <LoopHost Host>
    NextTurn after_turn(Host& host, const LoopState& state) {
        if (state.acceptor) {
            host.remove_finished_loops();
            return {};
        }
        return NextTurn{-1, state.served_any && state.connections == 0};
    }
};

static_assert(ThreadingModel<ThreadPerConnection>, "ThreadPerConnection must model ThreadingModel");

}  // namespace telechat::server

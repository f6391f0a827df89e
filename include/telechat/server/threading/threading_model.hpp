/// @file
/// @brief telechat::server::ThreadingModel: who runs a Server's event
///        loops, on which threads, and how they share the desk.
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <concepts>
#include <cstddef>
#include <type_traits>

#include "desk_guard.hpp"
#include "loop_host.hpp"

namespace telechat::server {

/// @brief What a loop tells its model after each turn.
struct LoopState {
    /// @brief Which loop.
    LoopId loop = 0;
    /// @brief Whether it is the acceptor (the first loop, with the listener).
    bool acceptor = false;
    /// @brief The connections it owns, lingering ones included.
    std::size_t connections = 0;
    /// @brief Whether it has ever owned one.
    bool served_any = false;
};

/// @brief What a model tells a loop after a turn.
struct NextTurn {
    /// @brief The longest the loop may wait for its next event, in
    ///        milliseconds; -1: as long as nothing happens. The loop waits
    ///        less when the server's own timers need it (the desk's
    ///        timeouts on the acceptor, lingering closes, shutdown).
    int wait_ms = -1;
    /// @brief End the loop now (its run_here() or thread returns).
    bool end_loop = false;
};

/// @brief A model whose desk has no guard runs exactly one loop: only then
///        is the desk touched by one thread only.
template <class M>
concept KeepsTheDeskSafe =
    !std::same_as<typename M::DeskGuardType, NoDeskGuard> || (M::max_loops == 1);

/**
 * @brief Who runs the event loops of a Server, on which threads, and how
 *        they share the desk.
 *
 * A model owns its behaviour; the server owns the loop mechanics. The
 * model, given the server's LoopHost:
 * - `run(host)` adds the loops, starts the threads it wants, runs one loop
 *   on the calling thread (that is Server::run()'s thread) and returns
 *   when the server has stopped and its loops have ended;
 * - `place_connection(host, acceptor)` names the loop that takes a new
 *   connection, called on the acceptor's thread; it may add a loop and
 *   start its thread (thread per connection);
 * - `after_turn(host, state)`, called on each loop's thread after each
 *   of its turns, does the model's housekeeping (reaping finished loops)
 *   and says how long the loop may wait and whether it ends;
 * - `DeskGuardType` is how loops reach the desk (a DeskGuard); the server
 *   makes one, default-constructed, that lives as long as the server.
 *
 * `name` is the name `--model` knows it by; `max_loops` is the most loops
 * it ever has at once (0: no limit), which the host enforces.
 *
 * Semantic requirements: `run` adds at least one loop and runs the first
 * (the acceptor) on the calling thread or waits for it; `place_connection`
 * returns an existing loop that has not ended; a model whose guard does
 * not serialize desk work (NoDeskGuard) has `max_loops == 1`
 * (KeepsTheDeskSafe checks it where the compiler can tell: for
 * NoDeskGuard itself).
 *
 * Reference models: SingleReactor (one loop, no guard), ReactorPerCore
 * (a loop per core, a mutex), ThreadPerConnection (an acceptor and a loop
 * per connection, a mutex); the threading lab in docs/server.md builds a
 * fourth, a desk on its own thread fed by queues.
 */
template <class M>
concept ThreadingModel = std::move_constructible<M> &&
    requires(M& model, LoopHostArchetype& host, LoopId loop, const LoopState& state) {
    { M::name } -> std::convertible_to<const char*>;
    { M::max_loops } -> std::convertible_to<std::size_t>;
    typename M::DeskGuardType;
    requires DeskGuard<typename M::DeskGuardType>;
    requires std::default_initializable<typename M::DeskGuardType>;
    { model.run(host) } -> std::same_as<void>;
    { model.place_connection(host, loop) } -> std::same_as<LoopId>;
    { model.after_turn(host, state) } -> std::same_as<NextTurn>;
} && KeepsTheDeskSafe<M>;

}  // namespace telechat::server

/// @file
/// @brief telechat::server::LoopHost: what a Server offers its threading
///        model (the set of event loops), as a concept with an archetype.
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <concepts>
#include <cstddef>

namespace telechat::server {

/// @brief The name of one event loop of a Server: stable while the loop
///        exists, never reused for another loop.
using LoopId = std::size_t;

/**
 * @brief The set of event loops a Server offers its ThreadingModel.
 *
 * An event loop is a poller and the connections it owns; the server runs
 * its mechanics (read, hand the bytes to the desk, write, watch for
 * writability, close, shut down). The model decides how many loops there
 * are, on which threads they run, and when finished ones go.
 *
 * - `add_loop()` makes a loop that does not run yet. The first loop a
 *   model adds holds the listening socket and the desk's timers; it is the
 *   *acceptor*. It throws `std::logic_error` when the model adds more
 *   loops than its `max_loops` allows.
 * - `run_here(loop)` runs `loop` on the calling thread and returns when it
 *   has ended (after `Server::stop()`, or when the model ended it).
 * - `run_on_new_thread(loop)` starts a thread that runs `loop`; it throws
 *   `std::system_error` if no thread can start (the server then refuses
 *   the connection and pauses accepting, as for a lack of descriptors).
 * - `loop_count()` and `loop_at(i)`, for `i < loop_count()`, look loops up.
 * - `remove_finished_loops()` joins the threads of loops that have ended
 *   and frees them; it returns how many it removed. It is cheap when none
 *   has ended.
 * - `join_loops()` waits until every loop started on a thread has ended.
 * - `requested_loops()` is what the user asked for (`ServerOptions::loops`,
 *   `--loops`); 0 means "you choose".
 *
 * Every member may be called from any loop's thread; the host guards its
 * own state.
 */
template <class H>
concept LoopHost = requires(H& host, const H& const_host, LoopId loop, std::size_t index) {
    { host.add_loop() } -> std::same_as<LoopId>;
    { host.run_here(loop) } -> std::same_as<void>;
    { host.run_on_new_thread(loop) } -> std::same_as<void>;
    { const_host.loop_count() } -> std::same_as<std::size_t>;
    { const_host.loop_at(index) } -> std::same_as<LoopId>;
    { host.remove_finished_loops() } -> std::same_as<std::size_t>;
    { host.join_loops() } -> std::same_as<void>;
    { const_host.requested_loops() } -> std::same_as<std::size_t>;
};

/// @brief The least a LoopHost offers, and nothing more: a threading
///        model's members are checked against this archetype, so the
///        model's concept does not depend on Server. (A concept checks
///        declarations, not template bodies: a model whose body calls more
///        than this interface fails when Server instantiates it, at the
///        model's line.)
struct LoopHostArchetype {
    /// @brief See LoopHost. @return a new loop.
    LoopId add_loop();
    /// @brief See LoopHost. @param loop the loop.
    void run_here(LoopId loop);
    /// @brief See LoopHost. @param loop the loop.
    void run_on_new_thread(LoopId loop);
    /// @brief See LoopHost. @return how many loops exist.
    [[nodiscard]] std::size_t loop_count() const;
    /// @brief See LoopHost. @param index below loop_count(). @return the loop.
    [[nodiscard]] LoopId loop_at(std::size_t index) const;
    /// @brief See LoopHost. @return how many were removed.
    std::size_t remove_finished_loops();
    /// @brief See LoopHost.
    void join_loops();
    /// @brief See LoopHost. @return the loops the user asked for.
    [[nodiscard]] std::size_t requested_loops() const;
};

static_assert(LoopHost<LoopHostArchetype>, "the archetype is the concept's own model");

}  // namespace telechat::server

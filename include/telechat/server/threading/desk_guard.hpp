/// @file
/// @brief telechat::server::DeskGuard: how event loops get the desk to
///        themselves, with the two guards TeleChat provides (a mutex, and
///        none for a single loop).
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <concepts>
#include <mutex>

namespace telechat::server {

/// @brief A piece of desk work, as the DeskGuard concept sees it: callable
///        with no argument. (The server's work items are lambdas.)
struct DeskWorkArchetype {
    /// @brief Does the work.
    void operator()() const;
};

/**
 * @brief How the event loops of a Server reach its one desk.
 *
 * `with_desk(work)` runs `work()` with the desk to itself: no other
 * `with_desk` of the same guard runs at the same time, and everything one
 * piece of work did is visible to the next (a happens-before edge). It
 * returns after `work()` has run, and passes on what `work()` throws.
 * Where the work runs is the guard's choice: on the calling thread under a
 * lock (MutexDeskGuard), on the calling thread with no lock at all when
 * only one loop exists (NoDeskGuard), or on a thread that owns the desk, as
 * a message to an actor (the desk-actor model of the threading lab).
 */
template <class G>
concept DeskGuard = requires(G& guard, const DeskWorkArchetype& work) {
    { guard.with_desk(work) } -> std::same_as<void>;
};

/// @brief A mutex around every piece of desk work: for models whose
///        loops run on several threads.
class MutexDeskGuard {
public:
    /// @brief Runs `work` with the mutex held.
    /// @param work the desk work.
    template <class Work>
    void with_desk(const Work& work) {
        const std::lock_guard<std::mutex> guard(m_mutex);
        work();
    }

private:
    std::mutex m_mutex;
};

/// @brief No guard at all: the work runs at once on the calling thread.
///
/// Right only when a single loop ever touches the desk. The ThreadingModel
/// concept holds a model to that: a model with this guard must declare
/// `max_loops == 1`, and the server refuses to add a second loop.
class NoDeskGuard {
public:
    /// @brief Runs `work`.
    /// @param work the desk work.
    template <class Work>
    void with_desk(const Work& work) {
        work();
    }
};

static_assert(DeskGuard<MutexDeskGuard>, "MutexDeskGuard must model DeskGuard");
static_assert(DeskGuard<NoDeskGuard>, "NoDeskGuard must model DeskGuard");

}  // namespace telechat::server

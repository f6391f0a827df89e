// The one replacement of the global operator new and delete in TeleChat's
// tests and benchmarks. A program that links the CMake target
// telechat_allocation_counter (tests/support/allocation_counter.cmake) gets
// operator new and delete (every form) that
//   - always count the calls to operator new, so that a test can prove that
//     an operation allocates nothing and a benchmark can report allocations
//     per operation: allocation_count(), allocations_during();
//   - between start_heap_tracking() and stop_heap_tracking(), also record each
//     block's requested size, so that a benchmark can report the live and
//     peak heap bytes of a container: heap_usage().
#pragma once

#include <cstddef>
#include <utility>

namespace telechat_test {

/// The number of calls to the global operator new (every form) since the
/// program started.
[[nodiscard]] std::size_t allocation_count() noexcept;

/// How many allocations happen while `action` runs.
template <class Action>
[[nodiscard]] std::size_t allocations_during(Action&& action) {
    const std::size_t before = allocation_count();
    std::forward<Action>(action)();
    return allocation_count() - before;
}

/// What the blocks allocated since start_heap_tracking() (and not freed yet) take.
struct HeapUsage {
    std::size_t live_bytes = 0;      ///< bytes asked of operator new
    std::size_t peak_bytes = 0;      ///< the most live_bytes ever was
    std::size_t live_footprint = 0;  ///< what malloc really hands out, size words included
    std::size_t live_blocks = 0;
    /// The side table filled up: the figures are incomplete, do not use them.
    bool overflow = false;
};

/// Starts recording block sizes from zero; blocks allocated before are
/// ignored, even when freed. Not thread-safe: one thread allocates while
/// tracking is on. Returns false if the side table cannot be allocated.
[[nodiscard]] bool start_heap_tracking() noexcept;

/// The figures since start_heap_tracking().
[[nodiscard]] HeapUsage heap_usage() noexcept;

/// Stops recording and frees the side table.
void stop_heap_tracking() noexcept;

}  // namespace telechat_test

// Queue and Stack make the same promises (lifetimes, exception safety,
// copies and moves, iteration in push order) under different names: front
// and back for Queue, top for Stack. A "kind" hides the names, so that one
// contract suite (sequence_contract_test.cpp) and one differential runner
// (differential_test.cpp) serve both:
//
//     TEMPLATE_TEST_CASE("...", "[sequence]", QueueKind, StackKind) {
//         typename TestType::template Container<int> c;   // Queue<int> or Stack<int>
//         c.push(1);
//         TestType::next_out(c);                          // front() or top()
//     }
//
// What differs in the containers' promises is said here too, once: the pop
// order (fifo) and how a requested capacity is rounded (capacity_for).
#pragma once

#include <telechat/queue.hpp>
#include <telechat/stack.hpp>

#include <bit>
#include <cstddef>
#include <queue>
#include <stack>
#include <vector>

namespace telechat_test {

/// telechat::Queue, and std::queue to compare it with.
struct QueueKind {
    template <class T>
    using Container = telechat::Queue<T>;
    /// std::queue, with its underlying container (c) public to read it all.
    template <class T>
    struct Reference : std::queue<T> {
        using std::queue<T>::c;
    };

    static constexpr const char* name = "Queue";
    /// Elements leave in the order they arrived.
    static constexpr bool fifo = true;

    /// The element pop() removes next.
    template <class C>
    static decltype(auto) next_out(C& container) {
        return container.front();
    }
    /// The element the last push added.
    template <class C>
    static decltype(auto) newest(C& container) {
        return container.back();
    }
    /// The capacity reserve(wanted) gives an empty container: a power of two.
    static std::size_t capacity_for(std::size_t wanted) { return std::bit_ceil(wanted); }

    /// A full queue of capacity 8 whose elements first, ..., first + 7 wrap
    /// around the end of the buffer: the front sits in slot 5, the back in slot 4.
    template <class T>
    static Container<T> full(int first) {
        Container<T> queue;
        queue.reserve(8);
        for (int i = 0; i < 5; ++i) {
            queue.emplace(-1);
        }
        for (int i = 0; i < 5; ++i) {
            queue.pop();
        }
        for (int i = 0; i < 8; ++i) {
            queue.emplace(first + i);
        }
        return queue;
    }
};

/// telechat::Stack, and std::stack to compare it with.
struct StackKind {
    template <class T>
    using Container = telechat::Stack<T>;
    /// std::stack over a vector, with its underlying container (c) public.
    template <class T>
    struct Reference : std::stack<T, std::vector<T>> {
        using std::stack<T, std::vector<T>>::c;
    };

    static constexpr const char* name = "Stack";
    /// The last element pushed is the first popped.
    static constexpr bool fifo = false;

    template <class C>
    static decltype(auto) next_out(C& container) {
        return container.top();
    }
    template <class C>
    static decltype(auto) newest(C& container) {
        return container.top();
    }
    /// The capacity reserve(wanted) gives an empty container: exactly that.
    static std::size_t capacity_for(std::size_t wanted) { return wanted; }

    /// A full stack of capacity 8 holding first (bottom), ..., first + 7 (top).
    template <class T>
    static Container<T> full(int first) {
        Container<T> stack;
        stack.reserve(8);
        for (int i = 0; i < 8; ++i) {
            stack.emplace(first + i);
        }
        return stack;
    }
};

/// The address of every element, in iteration order: equal before and
/// after an operation exactly when no element moved.
template <class Container>
[[nodiscard]] std::vector<const void*> element_addresses(const Container& container) {
    std::vector<const void*> result;
    for (const auto& element : container) {
        result.push_back(&element);
    }
    return result;
}

}  // namespace telechat_test

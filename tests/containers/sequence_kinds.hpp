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
//
// Each kind also takes the growth rule's facts (DoublingFacts, HalfAgainFacts):
// the capacities the rule must produce, written out by hand rather than
// computed by the rule under test. SequenceKinds lists every container with
// every rule, for TEMPLATE_LIST_TEST_CASE.
#pragma once

#include <telechat/growth.hpp>
#include <telechat/queue.hpp>
#include <telechat/stack.hpp>

#include <bit>
#include <cstddef>
#include <queue>
#include <stack>
#include <tuple>
#include <vector>

namespace telechat_test {

/// The capacities a container reaches by single pushes from empty, under
/// each growth rule, as the rule's documentation states them.
struct DoublingFacts {
    using Rule = telechat::growth::Doubling;
    static constexpr const char* name = "Doubling";
    static std::vector<std::size_t> capacities() { return {8, 16, 32, 64, 128, 256, 512, 1024}; }
    /// The capacity after a push into a full container of capacity `full`.
    static std::size_t grown(std::size_t full) { return 2 * full; }
    /// The capacity Queue::reserve(wanted) gives an empty queue.
    static std::size_t ring_capacity(std::size_t wanted) { return std::bit_ceil(wanted); }
};

struct HalfAgainFacts {
    using Rule = telechat::growth::HalfAgain;
    static constexpr const char* name = "HalfAgain";
    static std::vector<std::size_t> capacities() {
        return {8, 12, 18, 27, 40, 60, 90, 135, 202, 303, 454, 681};
    }
    static std::size_t grown(std::size_t full) { return full + full / 2; }
    static std::size_t ring_capacity(std::size_t wanted) { return wanted; }
};

/// The capacities of `Facts` up to and including the first that holds `n` elements.
template <class Facts>
[[nodiscard]] std::vector<std::size_t> capacities_until(std::size_t n) {
    std::vector<std::size_t> result;
    for (const std::size_t capacity : Facts::capacities()) {
        result.push_back(capacity);
        if (capacity >= n) {
            break;
        }
    }
    return result;
}

/// telechat::Queue, and std::queue to compare it with.
template <class Facts>
struct QueueKindOf {
    using GrowthFacts = Facts;
    template <class T>
    using Container = telechat::Queue<T, typename Facts::Rule>;
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
    /// The capacity reserve(wanted) gives an empty container: a ring
    /// capacity of the rule (a power of two with Doubling).
    static std::size_t capacity_for(std::size_t wanted) { return Facts::ring_capacity(wanted); }

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
template <class Facts>
struct StackKindOf {
    using GrowthFacts = Facts;
    template <class T>
    using Container = telechat::Stack<T, typename Facts::Rule>;
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

/// The containers with their default rule.
using QueueKind = QueueKindOf<DoublingFacts>;
using StackKind = StackKindOf<DoublingFacts>;

/// Every container with every growth rule.
using SequenceKinds =
    std::tuple<QueueKind, StackKind, QueueKindOf<HalfAgainFacts>, StackKindOf<HalfAgainFacts>>;

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

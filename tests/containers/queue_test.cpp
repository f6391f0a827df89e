// Unit tests of what only telechat::Queue promises: first in, first out; the
// ring buffer's wrap-around, growth while wrapped and reserve while wrapped;
// and its iterator rules (a pop or a push without growth leaves the other
// iterators valid). What Queue and Stack both promise is tested for both in
// sequence_contract_test.cpp. Every case runs with each growth rule.
#include <telechat/queue.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <iterator>
#include <string>
#include <tuple>
#include <vector>

#include "element_types.hpp"
#include "sequence_kinds.hpp"

using namespace telechat_test;

namespace {

using QueueKinds = std::tuple<QueueKind, QueueKindOf<HalfAgainFacts>>;

/// Queue<T, the kind's growth rule>.
template <class Kind, class T>
using QueueOf = typename Kind::template Container<T>;

/// Whether the elements of a queue wrap around the end of its buffer.
template <class Q>
bool is_wrapped(const Q& queue) {
    return &queue.back() < &queue.front();
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("Queue: the queue that the contract tests fill wraps around its buffer",
                        "[queue]", QueueKinds) {
    const QueueOf<TestType, int> queue = TestType::template full<int>(10);
    REQUIRE(is_wrapped(queue));
    REQUIRE(queue.capacity() == 8U);
    REQUIRE(ints_of(queue) == iota_ints(10, 8));
    REQUIRE(queue.front() == 10);
    REQUIRE(queue.back() == 17);
}

TEMPLATE_LIST_TEST_CASE("Queue: elements leave in the order they arrived", "[queue]", QueueKinds) {
    QueueOf<TestType, int> queue;
    for (int i = 0; i < 100; ++i) {
        queue.push(i);
        REQUIRE(queue.back() == i);
        REQUIRE(queue.front() == 0);
    }
    REQUIRE_NOTHROW(queue.check_invariants());
    for (int i = 0; i < 100; ++i) {
        REQUIRE(queue.front() == i);
        REQUIRE(queue.back() == 99);
        queue.pop();
        REQUIRE_NOTHROW(queue.check_invariants());
    }
    REQUIRE(queue.empty());
}

TEMPLATE_LIST_TEST_CASE("Queue: a pop or a push without growth leaves other iterators valid",
                        "[queue]", QueueKinds) {
    QueueOf<TestType, int> queue;
    queue.reserve(8);
    for (int i = 0; i < 6; ++i) {
        queue.push(i);
    }
    const typename QueueOf<TestType, int>::iterator third = std::next(queue.begin(), 2);
    const typename QueueOf<TestType, int>::const_iterator last = std::next(queue.cbegin(), 5);
    const int& third_reference = *third;

    queue.pop();
    queue.pop();
    REQUIRE(*third == 2);  // still the same element, now the front
    REQUIRE(&*third == &third_reference);
    REQUIRE(third == queue.begin());
    REQUIRE(*last == 5);

    // Pushes that wrap around the end of the buffer, without growing.
    for (int i = 6; i < 10; ++i) {
        queue.push(i);
    }
    REQUIRE(queue.capacity() == 8U);
    REQUIRE(is_wrapped(queue));
    REQUIRE(*third == 2);
    REQUIRE(*last == 5);
    REQUIRE(std::distance(typename QueueOf<TestType, int>::const_iterator(third), last) == 3);
    REQUIRE(std::vector<int>(third, queue.end()) == iota_ints(2, 8));

    // Popping the front past the end of the buffer: iterators keep counting.
    for (int i = 0; i < 5; ++i) {
        queue.pop();
    }
    REQUIRE(queue.front() == 7);
    auto from_front = queue.begin();
    for (int expected = 7; expected < 10; ++expected, ++from_front) {
        REQUIRE(*from_front == expected);
    }
    REQUIRE(from_front == queue.end());
    REQUIRE_NOTHROW(queue.check_invariants());
}

TEMPLATE_LIST_TEST_CASE("Queue: the ring wraps around without allocating", "[queue]", QueueKinds) {
    QueueOf<TestType, int> queue;
    queue.reserve(8);
    REQUIRE(queue.capacity() == 8U);
    for (int i = 0; i < 8; ++i) {
        queue.push(i);
    }
    const int* first_slot = &queue.front();

    const std::size_t allocations = allocations_during([&] {
        for (int i = 0; i < 5; ++i) {
            queue.pop();
        }
        for (int i = 8; i < 13; ++i) {
            queue.push(i);  // lands in slots 0..4, ahead of the front in slot 5
        }
    });
    REQUIRE(allocations == 0U);
    REQUIRE_NOTHROW(queue.check_invariants());
    REQUIRE(queue.capacity() == 8U);
    REQUIRE(queue.size() == 8U);
    REQUIRE(is_wrapped(queue));
    REQUIRE(&queue.back() == first_slot + 4);
    REQUIRE(&queue.front() == first_slot + 5);
    REQUIRE(ints_of(queue) == iota_ints(5, 8));

    SECTION("popping past the end of the buffer continues at slot 0") {
        for (int expected = 5; expected < 13; ++expected) {
            REQUIRE(queue.front() == expected);
            queue.pop();
            REQUIRE_NOTHROW(queue.check_invariants());
        }
        REQUIRE(queue.empty());
        REQUIRE(queue.capacity() == 8U);
    }
    SECTION("the queue keeps cycling through the same buffer") {
        for (int i = 13; i < 1000; ++i) {
            queue.pop();
            queue.push(i);
            REQUIRE(queue.front() == i - 7);
            REQUIRE(queue.back() == i);
        }
        REQUIRE(queue.capacity() == 8U);
        REQUIRE_NOTHROW(queue.check_invariants());
        REQUIRE(ints_of(queue) == iota_ints(992, 8));
    }
}

TEMPLATE_LIST_TEST_CASE("Queue: growing while the ring is wrapped keeps FIFO order", "[queue]",
                        QueueKinds) {
    QueueOf<TestType, std::string> queue;
    queue.reserve(8);
    for (int i = 0; i < 6; ++i) {
        queue.push("dropped " + std::to_string(i));
    }
    for (int i = 0; i < 6; ++i) {
        queue.pop();
    }
    // A long prefix keeps every string on the heap, so a lost or doubly
    // freed element is a sanitizer error.
    const std::string prefix = "a string too long for the small buffer #";
    for (int i = 0; i < 8; ++i) {
        queue.push(prefix + std::to_string(i));
    }
    REQUIRE(queue.capacity() == 8U);
    REQUIRE(is_wrapped(queue));

    queue.push(prefix + "8");  // the ninth element: grows while wrapped
    REQUIRE_NOTHROW(queue.check_invariants());
    const std::size_t grown = TestType::GrowthFacts::grown(8);  // 16, or 12 with HalfAgain
    REQUIRE(queue.capacity() == grown);
    REQUIRE(queue.size() == 9U);
    REQUIRE_FALSE(is_wrapped(queue));
    for (int i = 0; i < 9; ++i) {
        REQUIRE(*std::next(queue.begin(), i) == prefix + std::to_string(i));
    }

    // Wrap the grown ring too, then grow again.
    for (int i = 0; i < 9; ++i) {
        queue.pop();
        queue.push(prefix + std::to_string(9 + i));
    }
    int next = 18;
    while (queue.size() < grown) {
        queue.push(prefix + std::to_string(next++));
    }
    REQUIRE(queue.capacity() == grown);
    REQUIRE(is_wrapped(queue));
    queue.push(prefix + std::to_string(next));
    REQUIRE_NOTHROW(queue.check_invariants());
    REQUIRE(queue.capacity() == TestType::GrowthFacts::grown(grown));
    for (int i = 9; i <= next; ++i) {
        REQUIRE(queue.front() == prefix + std::to_string(i));
        queue.pop();
    }
    REQUIRE(queue.empty());
}

TEMPLATE_LIST_TEST_CASE("Queue: reserve on a wrapped queue unwraps it and keeps the order",
                        "[queue]", QueueKinds) {
    QueueOf<TestType, int> queue = TestType::template full<int>(0);
    REQUIRE(is_wrapped(queue));
    queue.reserve(20);
    REQUIRE_NOTHROW(queue.check_invariants());
    REQUIRE(queue.capacity() == TestType::capacity_for(20));  // 32, or 20 with HalfAgain
    REQUIRE_FALSE(is_wrapped(queue));
    REQUIRE(ints_of(queue) == iota_ints(0, 8));
}

TEMPLATE_LIST_TEST_CASE("Queue: layout() names the slots of the front and of the next push",
                        "[queue]", QueueKinds) {
    QueueOf<TestType, int> queue;
    const auto empty = queue.layout();
    REQUIRE(empty.capacity == 0U);
    REQUIRE(empty.size == 0U);
    REQUIRE(empty.front_slot == 0U);
    REQUIRE(empty.next_slot == 0U);

    queue = TestType::template full<int>(10);  // front in slot 5, full
    auto layout = queue.layout();
    REQUIRE(layout.capacity == 8U);
    REQUIRE(layout.size == 8U);
    REQUIRE(layout.front_slot == 5U);
    REQUIRE(layout.next_slot == 5U);

    queue.pop();
    layout = queue.layout();
    REQUIRE(layout.size == 7U);
    REQUIRE(layout.front_slot == 6U);
    REQUIRE(layout.next_slot == 5U);

    queue.push(18);
    queue.push(19);  // grows while wrapped: unwrapped into the new block
    layout = queue.layout();
    REQUIRE(layout.capacity == TestType::GrowthFacts::grown(8));
    REQUIRE(layout.size == 9U);
    REQUIRE(layout.front_slot == 0U);
    REQUIRE(layout.next_slot == 9U);
}

TEMPLATE_LIST_TEST_CASE("Queue: element i sits in slot (front_slot + i) % capacity", "[queue]",
                        QueueKinds) {
    QueueOf<TestType, int> queue;
    queue.reserve(5);  // 8 slots with Doubling, 5 with HalfAgain
    for (int i = 0; i < 5; ++i) {
        queue.push(i);
    }
    for (int i = 0; i < 3; ++i) {
        queue.pop();
    }
    for (int i = 5; i < 8; ++i) {
        queue.push(i);
    }
    const auto layout = queue.layout();
    REQUIRE(layout.capacity == TestType::capacity_for(5));
    REQUIRE(layout.front_slot == 3U);
    REQUIRE(layout.next_slot == 8U % layout.capacity);
    const int* slot_zero = &queue.front() - layout.front_slot;
    std::size_t i = 0;
    for (const int& element : queue) {
        REQUIRE(&element == slot_zero + (layout.front_slot + i) % layout.capacity);
        ++i;
    }
    REQUIRE(ints_of(queue) == iota_ints(3, 5));
    REQUIRE_NOTHROW(queue.check_invariants());
}

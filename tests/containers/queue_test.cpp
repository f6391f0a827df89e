// Unit tests of what only telechat::Queue promises: first in, first out; the
// ring buffer's wrap-around, growth while wrapped and reserve while wrapped;
// and its iterator rules (a pop or a push without growth leaves the other
// iterators valid). What Queue and Stack both promise is tested for both in
// sequence_contract_test.cpp.
#include <telechat/queue.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <iterator>
#include <string>
#include <vector>

#include "element_types.hpp"
#include "sequence_kinds.hpp"

using telechat::Queue;
using namespace telechat_test;

namespace {

/// Whether the elements of a queue wrap around the end of its buffer.
template <class T>
bool is_wrapped(const Queue<T>& queue) {
    return &queue.back() < &queue.front();
}

}  // namespace

TEST_CASE("Queue: the queue that the contract tests fill wraps around its buffer", "[queue]") {
    const Queue<int> queue = QueueKind::full<int>(10);
    REQUIRE(is_wrapped(queue));
    REQUIRE(queue.capacity() == 8U);
    REQUIRE(ints_of(queue) == iota_ints(10, 8));
    REQUIRE(queue.front() == 10);
    REQUIRE(queue.back() == 17);
}

TEST_CASE("Queue: elements leave in the order they arrived", "[queue]") {
    Queue<int> queue;
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

TEST_CASE("Queue: a pop or a push without growth leaves other iterators valid", "[queue]") {
    Queue<int> queue;
    queue.reserve(8);
    for (int i = 0; i < 6; ++i) {
        queue.push(i);
    }
    const Queue<int>::iterator third = std::next(queue.begin(), 2);
    const Queue<int>::const_iterator last = std::next(queue.cbegin(), 5);
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
    REQUIRE(std::distance(Queue<int>::const_iterator(third), last) == 3);
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

TEST_CASE("Queue: the ring wraps around without allocating", "[queue]") {
    Queue<int> queue;
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

TEST_CASE("Queue: growing while the ring is wrapped keeps FIFO order", "[queue]") {
    Queue<std::string> queue;
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
    REQUIRE(queue.capacity() == 16U);
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
    for (int i = 18; i < 25; ++i) {
        queue.push(prefix + std::to_string(i));
    }
    REQUIRE(queue.size() == 16U);
    REQUIRE(queue.capacity() == 16U);
    REQUIRE(is_wrapped(queue));
    queue.push(prefix + "25");
    REQUIRE_NOTHROW(queue.check_invariants());
    REQUIRE(queue.capacity() == 32U);
    for (int i = 9; i <= 25; ++i) {
        REQUIRE(queue.front() == prefix + std::to_string(i));
        queue.pop();
    }
    REQUIRE(queue.empty());
}

TEST_CASE("Queue: reserve on a wrapped queue unwraps it and keeps the order", "[queue]") {
    Queue<int> queue = QueueKind::full<int>(0);
    REQUIRE(is_wrapped(queue));
    queue.reserve(20);
    REQUIRE_NOTHROW(queue.check_invariants());
    REQUIRE(queue.capacity() == 32U);
    REQUIRE_FALSE(is_wrapped(queue));
    REQUIRE(ints_of(queue) == iota_ints(0, 8));
}

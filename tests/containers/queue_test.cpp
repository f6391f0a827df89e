// Unit tests of telechat::Queue: every public member, the ring buffer's
// wrap-around and growth, element lifetimes and exception safety.
#include <telechat/queue.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <iterator>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "element_types.hpp"

using telechat::Queue;
using namespace telechat_test;

namespace {

static_assert(std::bidirectional_iterator<Queue<int>::iterator>);
static_assert(std::bidirectional_iterator<Queue<int>::const_iterator>);
static_assert(std::is_convertible_v<Queue<int>::iterator, Queue<int>::const_iterator>);
static_assert(!std::is_convertible_v<Queue<int>::const_iterator, Queue<int>::iterator>);
static_assert(std::is_nothrow_move_constructible_v<Queue<ThrowingCopy>>);
static_assert(std::is_nothrow_move_assignable_v<Queue<ThrowingCopy>>);
static_assert(std::is_nothrow_swappable_v<Queue<ThrowingCopy>>);

/// A full queue of capacity 8 whose elements first, ..., first + 7 wrap
/// around the end of the buffer: the front sits in slot 5, the back in slot 4.
template <class T>
Queue<T> wrapped_full_queue(int first) {
    Queue<T> queue;
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

/// Whether the elements of a queue wrap around the end of its buffer.
template <class T>
bool is_wrapped(const Queue<T>& queue) {
    return &queue.back() < &queue.front();
}

}  // namespace

TEST_CASE("Queue: a default-constructed queue is empty and allocates nothing", "[queue]") {
    std::size_t allocations = 0;
    {
        const std::size_t before = allocation_count();
        const Queue<std::string> queue;
        allocations = allocation_count() - before;

        REQUIRE(queue.empty());
        REQUIRE(queue.size() == 0U);
        REQUIRE(queue.capacity() == 0U);
        REQUIRE(queue.begin() == queue.end());
        REQUIRE(queue.cbegin() == queue.cend());
        REQUIRE_NOTHROW(queue.check_invariants());
    }
    REQUIRE(allocations == 0U);
}

TEST_CASE("Queue: front, back and pop on an empty queue throw std::out_of_range", "[queue]") {
    Queue<int> queue;
    const Queue<int>& read_only = queue;

    SECTION("a queue that never held anything") {
        REQUIRE_THROWS_AS(queue.front(), std::out_of_range);
        REQUIRE_THROWS_AS(queue.back(), std::out_of_range);
        REQUIRE_THROWS_AS(read_only.front(), std::out_of_range);
        REQUIRE_THROWS_AS(read_only.back(), std::out_of_range);
        REQUIRE_THROWS_AS(queue.pop(), std::out_of_range);
        REQUIRE(queue.capacity() == 0U);
    }
    SECTION("a queue emptied by pops keeps its capacity and still throws") {
        queue.push(1);
        queue.push(2);
        queue.pop();
        queue.pop();
        const std::size_t capacity = queue.capacity();
        REQUIRE_THROWS_AS(queue.front(), std::out_of_range);
        REQUIRE_THROWS_AS(queue.back(), std::out_of_range);
        REQUIRE_THROWS_AS(read_only.front(), std::out_of_range);
        REQUIRE_THROWS_AS(read_only.back(), std::out_of_range);
        REQUIRE_THROWS_AS(queue.pop(), std::out_of_range);
        REQUIRE(queue.capacity() == capacity);
    }
    REQUIRE(queue.empty());
    REQUIRE_NOTHROW(queue.check_invariants());
    queue.push(7);
    REQUIRE(queue.front() == 7);
}

TEST_CASE("Queue: with one element, front and back are that element", "[queue]") {
    Queue<int> queue;
    queue.push(42);
    REQUIRE_NOTHROW(queue.check_invariants());
    REQUIRE_FALSE(queue.empty());
    REQUIRE(queue.size() == 1U);
    REQUIRE(&queue.front() == &queue.back());
    REQUIRE(queue.front() == 42);
    REQUIRE(std::next(queue.begin()) == queue.end());

    queue.front() = 43;
    REQUIRE(std::as_const(queue).back() == 43);

    queue.pop();
    REQUIRE_NOTHROW(queue.check_invariants());
    REQUIRE(queue.empty());
    REQUIRE(queue.begin() == queue.end());
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

TEST_CASE("Queue: the initializer-list constructor puts the first value at the front", "[queue]") {
    const Queue<std::string> queue{"first", "second", "third"};
    REQUIRE_NOTHROW(queue.check_invariants());
    REQUIRE(queue.size() == 3U);
    REQUIRE(queue.front() == "first");
    REQUIRE(queue.back() == "third");
    REQUIRE(std::vector<std::string>(queue.begin(), queue.end()) ==
            std::vector<std::string>{"first", "second", "third"});

    const Queue<int> empty_list{};
    REQUIRE(empty_list.empty());
}

TEST_CASE("Queue: push copies an lvalue, moves an rvalue, emplace builds in place", "[queue]") {
    Counted::Track::reset_all();
    {
        Queue<Counted> queue;
        queue.reserve(8);  // no growth below, so only the push itself is counted
        const Counted original(1);
        Counted movable(2);
        Counted::Track::reset_counters();

        SECTION("push(const T&) copies once") {
            queue.push(original);
            REQUIRE(Counted::Track::stats().copies == 1U);
            REQUIRE(Counted::Track::stats().moves == 0U);
            REQUIRE(original.value() == 1);
            REQUIRE(queue.back().value() == 1);
        }
        SECTION("push(T&&) moves once") {
            queue.push(std::move(movable));
            REQUIRE(Counted::Track::stats().copies == 0U);
            REQUIRE(Counted::Track::stats().moves == 1U);
            REQUIRE(movable.value() == Counted::moved_from);  // NOLINT(bugprone-use-after-move)
            REQUIRE(queue.back().value() == 2);
        }
        SECTION("emplace constructs exactly one object and returns it") {
            queue.push(original);
            Counted::Track::reset_counters();
            Counted& added = queue.emplace(3);
            REQUIRE(Counted::Track::stats().constructions == 1U);
            REQUIRE(Counted::Track::stats().copies == 0U);
            REQUIRE(Counted::Track::stats().moves == 0U);
            REQUIRE(&added == &queue.back());
            REQUIRE(added.value() == 3);
            REQUIRE(queue.front().value() == 1);
        }
        REQUIRE_NOTHROW(queue.check_invariants());
    }
    REQUIRE(Counted::Track::live() == 0U);
    REQUIRE(Counted::Track::stats().bad_destructions == 0U);
}

TEST_CASE("Queue: iterators visit the elements front to back", "[queue]") {
    Queue<int> queue = wrapped_full_queue<int>(10);
    REQUIRE(is_wrapped(queue));

    SECTION("forward iteration in FIFO order, across the wrap") {
        REQUIRE(ints_of(queue) == iota_ints(10, 8));
        REQUIRE(std::distance(queue.begin(), queue.end()) == 8);
        REQUIRE(std::distance(queue.cbegin(), queue.cend()) == 8);
    }
    SECTION("backward iteration from end() reaches the back first") {
        std::vector<int> reversed;
        for (auto it = queue.end(); it != queue.begin();) {
            --it;
            reversed.push_back(*it);
        }
        REQUIRE(reversed == std::vector<int>{17, 16, 15, 14, 13, 12, 11, 10});
    }
    SECTION("post-increment and post-decrement return the old position") {
        auto it = queue.begin();
        REQUIRE(*it++ == 10);
        REQUIRE(*it == 11);
        REQUIRE(*it-- == 11);
        REQUIRE(*it == 10);
        REQUIRE(it == queue.begin());
    }
    SECTION("writing through an iterator changes the element") {
        for (auto it = queue.begin(); it != queue.end(); ++it) {
            *it *= 2;
        }
        REQUIRE(queue.front() == 20);
        REQUIRE(queue.back() == 34);
    }
    SECTION("an iterator converts to a const_iterator at the same position") {
        Queue<int>::const_iterator position = std::next(queue.begin(), 3);
        REQUIRE(*position == 13);
        REQUIRE(position == std::next(queue.cbegin(), 3));
        REQUIRE(position != queue.cbegin());
    }
    SECTION("a default-constructed iterator can be assigned a position") {
        Queue<int>::iterator position;
        Queue<int>::const_iterator read_position;
        position = std::next(queue.begin(), 2);
        read_position = position;
        REQUIRE(*position == 12);
        REQUIRE(*read_position == 12);
    }
    SECTION("operator-> reaches the element") {
        Queue<std::string> words{"alpha", "beta"};
        REQUIRE(words.begin()->size() == 5U);
        REQUIRE(std::next(words.cbegin())->front() == 'b');
    }
    REQUIRE_NOTHROW(queue.check_invariants());
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

TEST_CASE("Queue: swap keeps iterators valid, now into the other queue", "[queue]") {
    Queue<int> a = wrapped_full_queue<int>(0);
    Queue<int> b{100, 101, 102};
    const Queue<int>::iterator a_fourth = std::next(a.begin(), 3);
    const Queue<int>::iterator b_second = std::next(b.begin());

    a.swap(b);
    REQUIRE(*a_fourth == 3);
    REQUIRE(a_fourth == std::next(b.begin(), 3));
    REQUIRE(*b_second == 101);
    REQUIRE(b_second == std::next(a.begin()));
    REQUIRE(std::vector<int>(a_fourth, b.end()) == iota_ints(3, 5));
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

TEST_CASE("Queue: reserve rounds up to a power of two and then pushes do not allocate", "[queue]") {
    Queue<int> queue;

    SECTION("reserve on an empty queue") {
        queue.reserve(5);
        REQUIRE(queue.capacity() == 8U);
        queue.reserve(9);
        REQUIRE(queue.capacity() == 16U);
        queue.reserve(16);
        REQUIRE(queue.capacity() == 16U);
        REQUIRE(queue.empty());
        REQUIRE_NOTHROW(queue.check_invariants());
    }
    SECTION("pushes up to the capacity allocate nothing and move nothing") {
        queue.reserve(100);
        REQUIRE(queue.capacity() == 128U);
        queue.push(0);
        const int* front = &queue.front();
        const std::size_t allocations = allocations_during([&] {
            for (int i = 1; i < 128; ++i) {
                queue.push(i);
            }
        });
        REQUIRE(allocations == 0U);
        REQUIRE(queue.capacity() == 128U);
        REQUIRE(&queue.front() == front);
        REQUIRE(ints_of(queue) == iota_ints(0, 128));

        queue.push(128);  // one past the capacity: now it grows
        REQUIRE(queue.capacity() == 256U);
        REQUIRE_NOTHROW(queue.check_invariants());
    }
    SECTION("a smaller or equal request changes nothing") {
        queue.reserve(32);
        queue.push(1);
        const int* front = &queue.front();
        const std::size_t allocations = allocations_during([&] {
            queue.reserve(0);
            queue.reserve(1);
            queue.reserve(32);
        });
        REQUIRE(allocations == 0U);
        REQUIRE(queue.capacity() == 32U);
        REQUIRE(&queue.front() == front);
    }
    SECTION("reserve on a wrapped queue unwraps it and keeps the order") {
        queue = wrapped_full_queue<int>(0);
        REQUIRE(is_wrapped(queue));
        queue.reserve(20);
        REQUIRE_NOTHROW(queue.check_invariants());
        REQUIRE(queue.capacity() == 32U);
        REQUIRE_FALSE(is_wrapped(queue));
        REQUIRE(ints_of(queue) == iota_ints(0, 8));
    }
    SECTION("an impossible request throws std::length_error and changes nothing") {
        queue = wrapped_full_queue<int>(0);
        const int* front = &queue.front();
        REQUIRE_THROWS_AS(queue.reserve(static_cast<std::size_t>(-1)), std::length_error);
        REQUIRE(queue.capacity() == 8U);
        REQUIRE(&queue.front() == front);
        REQUIRE(ints_of(queue) == iota_ints(0, 8));
        REQUIRE_NOTHROW(queue.check_invariants());
    }
}

TEST_CASE("Queue: clear destroys every element and keeps the capacity", "[queue]") {
    Counted::Track::reset_all();
    {
        Queue<Counted> queue = wrapped_full_queue<Counted>(0);
        REQUIRE(Counted::Track::live() == 8U);

        queue.clear();
        REQUIRE_NOTHROW(queue.check_invariants());
        REQUIRE(Counted::Track::live() == 0U);
        REQUIRE(queue.empty());
        REQUIRE(queue.capacity() == 8U);
        REQUIRE(queue.begin() == queue.end());
        REQUIRE_THROWS_AS(queue.front(), std::out_of_range);

        // Reusable, in the same buffer: refilling all 8 slots does not grow it.
        for (int i = 0; i < 8; ++i) {
            queue.emplace(i);
        }
        REQUIRE(queue.capacity() == 8U);
        REQUIRE_NOTHROW(queue.check_invariants());
        REQUIRE(ints_of(queue) == iota_ints(0, 8));

        queue.clear();
        queue.clear();  // clearing an empty queue is harmless
        REQUIRE(queue.empty());
    }
    REQUIRE(Counted::Track::live() == 0U);
    REQUIRE(Counted::Track::stats().bad_destructions == 0U);
}

TEST_CASE("Queue: copies are independent and equal", "[queue]") {
    const Queue<int> source = wrapped_full_queue<int>(0);

    SECTION("copy construction of a wrapped queue") {
        Queue<int> copy(source);
        REQUIRE_NOTHROW(copy.check_invariants());
        REQUIRE(copy == source);
        REQUIRE(ints_of(copy) == iota_ints(0, 8));
        REQUIRE(&copy.front() != &source.front());
        copy.pop();
        copy.push(100);
        REQUIRE(ints_of(source) == iota_ints(0, 8));
        REQUIRE_FALSE(copy == source);
    }
    SECTION("copying an empty queue allocates nothing") {
        const Queue<int> empty;
        const std::size_t before = allocation_count();
        const Queue<int> copy(empty);
        const std::size_t allocations = allocation_count() - before;
        REQUIRE(allocations == 0U);
        REQUIRE(copy.capacity() == 0U);
        REQUIRE_NOTHROW(copy.check_invariants());
    }
    SECTION("copy of a queue whose size is not a power of two") {
        const Queue<int> three{1, 2, 3};
        Queue<int> copy(three);
        REQUIRE_NOTHROW(copy.check_invariants());
        REQUIRE(copy == three);
        for (int i = 4; i < 40; ++i) {
            copy.push(i);
        }
        REQUIRE_NOTHROW(copy.check_invariants());
        REQUIRE(ints_of(copy) == iota_ints(1, 39));
    }
    SECTION("copy assignment replaces the old contents") {
        Queue<int> target{7, 8, 9};
        target = source;
        REQUIRE_NOTHROW(target.check_invariants());
        REQUIRE(target == source);
        target = Queue<int>{};
        REQUIRE(target.empty());
    }
    SECTION("copy self-assignment changes nothing") {
        Queue<int> queue = wrapped_full_queue<int>(0);
        const int* front = &queue.front();
        queue = same_object(queue);
        REQUIRE_NOTHROW(queue.check_invariants());
        REQUIRE(&queue.front() == front);
        REQUIRE(ints_of(queue) == iota_ints(0, 8));
    }
}

TEST_CASE("Queue: moves take the storage and leave the source empty", "[queue]") {
    Queue<std::string> source{"a", "b", "c"};
    const std::string* front = &source.front();

    SECTION("move construction") {
        Queue<std::string> taken(std::move(source));
        REQUIRE(&taken.front() == front);  // the very same element: nothing moved
        REQUIRE(taken.size() == 3U);
        REQUIRE(source.empty());  // NOLINT(bugprone-use-after-move)
        REQUIRE(source.capacity() == 0U);
        REQUIRE_NOTHROW(source.check_invariants());
        REQUIRE_NOTHROW(taken.check_invariants());
        source.push("reused");
        REQUIRE(source.front() == "reused");
    }
    SECTION("move assignment") {
        Queue<std::string> target{"x"};
        target = std::move(source);
        REQUIRE(&target.front() == front);
        REQUIRE(target == Queue<std::string>{"a", "b", "c"});
        REQUIRE(source.empty());  // NOLINT(bugprone-use-after-move)
        REQUIRE_NOTHROW(source.check_invariants());
        REQUIRE_NOTHROW(target.check_invariants());
    }
    SECTION("move self-assignment changes nothing") {
        source = std::move(same_object(source));
        REQUIRE_NOTHROW(source.check_invariants());
        REQUIRE(&source.front() == front);
        REQUIRE(source == Queue<std::string>{"a", "b", "c"});
    }
}

TEST_CASE("Queue: swap exchanges contents and storage", "[queue]") {
    for (const bool use_member_swap : {true, false}) {
        INFO("member swap: " << use_member_swap);
        Queue<int> a = wrapped_full_queue<int>(0);
        Queue<int> b{100, 101};
        const int& a_front = a.front();
        const int& b_front = b.front();
        const std::size_t a_capacity = a.capacity();
        const std::size_t b_capacity = b.capacity();

        if (use_member_swap) {
            a.swap(b);
        } else {
            using std::swap;
            swap(a, b);  // the hidden friend, found by argument-dependent lookup
        }
        REQUIRE_NOTHROW(a.check_invariants());
        REQUIRE_NOTHROW(b.check_invariants());
        REQUIRE(ints_of(a) == std::vector<int>{100, 101});
        REQUIRE(ints_of(b) == iota_ints(0, 8));
        REQUIRE(a.capacity() == b_capacity);
        REQUIRE(b.capacity() == a_capacity);
        // References stay valid and now name elements of the other queue.
        REQUIRE(&b.front() == &a_front);
        REQUIRE(&a.front() == &b_front);
    }

    SECTION("swapping with an empty queue") {
        Queue<int> a{100, 101};
        Queue<int> empty;
        a.swap(empty);
        REQUIRE(a.empty());
        REQUIRE(a.capacity() == 0U);
        REQUIRE(ints_of(empty) == std::vector<int>{100, 101});
        REQUIRE_NOTHROW(a.check_invariants());
        REQUIRE_NOTHROW(empty.check_invariants());
    }
}

TEST_CASE("Queue: == compares the elements in order, not capacity or wrap position", "[queue]") {
    const Queue<int> wrapped = wrapped_full_queue<int>(0);
    Queue<int> straight;
    for (int i = 0; i < 8; ++i) {
        straight.push(i);
    }
    straight.reserve(64);
    REQUIRE(straight.capacity() != wrapped.capacity());
    REQUIRE(straight == wrapped);
    REQUIRE(wrapped == straight);

    straight.back() = 70;
    REQUIRE(straight != wrapped);
    straight.back() = 7;
    REQUIRE(straight == wrapped);

    straight.push(8);
    REQUIRE(straight != wrapped);  // a longer queue with the same prefix

    REQUIRE(Queue<int>{} == Queue<int>{});
    REQUIRE(Queue<int>{} != Queue<int>{0});
    REQUIRE(Queue<int>{1, 2} != Queue<int>{2, 1});
}

TEST_CASE("Queue: every element is destroyed exactly once", "[queue][lifetime]") {
    Counted::Track::reset_all();
    {
        Queue<Counted> queue;
        for (int round = 0; round < 20; ++round) {
            for (int i = 0; i < 37; ++i) {
                queue.emplace(round * 100 + i);
            }
            for (int i = 0; i < 30; ++i) {
                queue.pop();
            }
            REQUIRE(Counted::Track::live() == queue.size());
        }
        REQUIRE_NOTHROW(queue.check_invariants());
        Queue<Counted> copy(queue);
        REQUIRE(Counted::Track::live() == 2 * queue.size());
        Queue<Counted> moved(std::move(copy));
        copy = moved;  // NOLINT(bugprone-use-after-move): assigning to a moved-from queue is valid
        moved = std::move(queue);
        REQUIRE(Counted::Track::live() == 2 * moved.size());
    }
    REQUIRE(Counted::Track::live() == 0U);
    REQUIRE(Counted::Track::stats().bad_destructions == 0U);
    REQUIRE(Counted::Track::stats().uses_of_dead_objects == 0U);
    REQUIRE(Counted::Track::stats().constructions == Counted::Track::stats().destructions);
}

TEST_CASE("Queue: growth moves elements whose move constructor is noexcept", "[queue][lifetime]") {
    Counted::Track::reset_all();
    {
        Queue<Counted> queue = wrapped_full_queue<Counted>(0);
        Counted::Track::reset_counters();
        for (int i = 8; i < 300; ++i) {
            queue.emplace(i);  // grows from 8 to 512, several times
        }
        REQUIRE(queue.capacity() == 512U);
        REQUIRE(Counted::Track::stats().copies == 0U);
        REQUIRE(Counted::Track::stats().moves == 8U + 16U + 32U + 64U + 128U + 256U);
        REQUIRE(ints_of(queue) == iota_ints(0, 300));
        REQUIRE_NOTHROW(queue.check_invariants());
    }
    REQUIRE(Counted::Track::live() == 0U);
}

TEST_CASE("Queue: growth copies elements whose move constructor may throw", "[queue][exceptions]") {
    ThrowingCopy::Track::reset_all();
    {
        Queue<ThrowingCopy> queue = wrapped_full_queue<ThrowingCopy>(0);
        ThrowingCopy::Track::reset_counters();
        queue.emplace(8);
        REQUIRE(ThrowingCopy::Track::stats().copies == 8U);
        REQUIRE(ThrowingCopy::Track::stats().moves == 0U);
        REQUIRE(ints_of(queue) == iota_ints(0, 9));
    }
    REQUIRE(ThrowingCopy::Track::live() == 0U);
}

TEST_CASE("Queue: a push that grows and whose copy throws leaves the queue unchanged",
          "[queue][exceptions]") {
    ThrowingCopy::Track::reset_all();
    const ThrowingCopy extra(99);

    // A successful push(const T&) into a full queue of 8 makes 9 copies: the
    // new element first, then the 8 old ones. Fail each of them in turn.
    for (long successes = 0; successes <= 8; ++successes) {
        INFO("copies that succeed before the failing one: " << successes);
        Queue<ThrowingCopy> queue = wrapped_full_queue<ThrowingCopy>(0);
        const ThrowingCopy* front = &queue.front();
        {
            const ArmedCountdown failure(copy_countdown(), successes);
            REQUIRE_THROWS_AS(queue.push(extra), InjectedFailure);
        }
        REQUIRE_NOTHROW(queue.check_invariants());
        REQUIRE(queue.size() == 8U);
        REQUIRE(queue.capacity() == 8U);
        REQUIRE(&queue.front() == front);
        REQUIRE(is_wrapped(queue));
        REQUIRE(ints_of(queue) == iota_ints(0, 8));
        REQUIRE(ThrowingCopy::Track::live() == 9U);  // the 8 elements and `extra`: no leak

        queue.push(extra);  // and the queue still works
        REQUIRE(queue.size() == 9U);
        REQUIRE(queue.back().value() == 99);
        REQUIRE_NOTHROW(queue.check_invariants());
    }

    SECTION("the ninth copy was the last one: with 9 allowed the push succeeds") {
        Queue<ThrowingCopy> queue = wrapped_full_queue<ThrowingCopy>(0);
        const ArmedCountdown failure(copy_countdown(), 9);
        REQUIRE_NOTHROW(queue.push(extra));
        REQUIRE(ints_of(queue).back() == 99);
    }
    SECTION("push(T&&) moves the new element, then a throwing copy of an old one") {
        for (long successes = 0; successes <= 7; ++successes) {
            Queue<ThrowingCopy> queue = wrapped_full_queue<ThrowingCopy>(0);
            ThrowingCopy pushed(50);
            {
                const ArmedCountdown failure(copy_countdown(), successes);
                REQUIRE_THROWS_AS(queue.push(std::move(pushed)), InjectedFailure);
            }
            REQUIRE_NOTHROW(queue.check_invariants());
            REQUIRE(ints_of(queue) == iota_ints(0, 8));
            REQUIRE(queue.capacity() == 8U);
        }
    }
    SECTION("a reserve whose copy throws leaves the queue unchanged") {
        Queue<ThrowingCopy> queue = wrapped_full_queue<ThrowingCopy>(0);
        {
            const ArmedCountdown failure(copy_countdown(), 3);
            REQUIRE_THROWS_AS(queue.reserve(100), InjectedFailure);
        }
        REQUIRE_NOTHROW(queue.check_invariants());
        REQUIRE(queue.capacity() == 8U);
        REQUIRE(ints_of(queue) == iota_ints(0, 8));
    }
    REQUIRE(ThrowingCopy::Track::live() == 1U);  // only `extra` is left
    REQUIRE(ThrowingCopy::Track::stats().bad_destructions == 0U);
    REQUIRE(ThrowingCopy::Track::stats().uses_of_dead_objects == 0U);
}

TEST_CASE("Queue: a copy that throws leaks nothing and a copy assignment is strong",
          "[queue][exceptions]") {
    ThrowingCopy::Track::reset_all();
    {
        const Queue<ThrowingCopy> source = wrapped_full_queue<ThrowingCopy>(0);

        SECTION("copy construction") {
            for (long successes = 0; successes < 8; ++successes) {
                const ArmedCountdown failure(copy_countdown(), successes);
                REQUIRE_THROWS_AS(Queue<ThrowingCopy>(source), InjectedFailure);
                REQUIRE(ThrowingCopy::Track::live() == 8U);
            }
        }
        SECTION("copy assignment") {
            Queue<ThrowingCopy> target;
            target.emplace(1);
            target.emplace(2);
            for (long successes = 0; successes < 8; ++successes) {
                {
                    const ArmedCountdown failure(copy_countdown(), successes);
                    REQUIRE_THROWS_AS(target = source, InjectedFailure);
                }
                REQUIRE_NOTHROW(target.check_invariants());
                REQUIRE(ints_of(target) == std::vector<int>{1, 2});
                REQUIRE(ThrowingCopy::Track::live() == 10U);
            }
            target = source;
            REQUIRE(target == source);
        }
    }
    REQUIRE(ThrowingCopy::Track::live() == 0U);
    REQUIRE(ThrowingCopy::Track::stats().bad_destructions == 0U);
}

TEST_CASE("Queue: holds move-only elements", "[queue]") {
    Queue<MoveOnly> queue;
    for (int i = 0; i < 20; ++i) {
        queue.push(MoveOnly(i));  // grows twice
    }
    MoveOnly last(20);
    queue.push(std::move(last));
    REQUIRE(last.moved_from());  // NOLINT(bugprone-use-after-move)
    REQUIRE_NOTHROW(queue.check_invariants());
    REQUIRE(queue.front().value() == 0);
    REQUIRE(queue.back().value() == 20);

    MoveOnly taken = std::move(queue.front());
    queue.pop();
    REQUIRE(taken.value() == 0);
    REQUIRE(queue.front().value() == 1);

    Queue<MoveOnly> moved(std::move(queue));
    REQUIRE(moved.size() == 20U);
    REQUIRE(ints_of(moved) == iota_ints(1, 20));
    static_assert(!std::is_copy_constructible_v<MoveOnly>);
}

TEST_CASE("Queue: holds elements without a default constructor", "[queue]") {
    Queue<NoDefault> queue;
    for (int i = 0; i < 10; ++i) {
        queue.emplace(i);
    }
    queue.pop();
    queue.push(NoDefault(10));
    REQUIRE_NOTHROW(queue.check_invariants());
    const Queue<NoDefault> copy = queue;
    REQUIRE(copy == queue);
    REQUIRE(ints_of(copy) == iota_ints(1, 10));
    static_assert(!std::is_default_constructible_v<NoDefault>);
}

TEST_CASE("Queue: push accepts a reference to one of its own elements", "[queue]") {
    const std::string long_text = "long enough to live on the heap, not in the string";
    Queue<std::string> queue;

    SECTION("without growth") {
        queue.reserve(8);
        queue.push(long_text);
        queue.push(queue.front());
        queue.emplace(queue.back());
        REQUIRE(queue.size() == 3U);
        REQUIRE(queue.back() == long_text);
    }
    SECTION("when the push has to grow, the source is read before it moves") {
        for (int i = 0; i < 8; ++i) {
            queue.push(long_text + std::to_string(i));
        }
        REQUIRE(queue.size() == queue.capacity());
        queue.push(queue.front());
        REQUIRE(queue.back() == long_text + "0");
        while (queue.size() != queue.capacity()) {
            queue.push("filler");
        }
        queue.push(std::move(queue.front()));  // moved from the old block into the new one
        REQUIRE(queue.back() == long_text + "0");
    }
    REQUIRE_NOTHROW(queue.check_invariants());
}

// Unit tests of telechat::Stack: every public member, growth, element
// lifetimes and exception safety.
#include <telechat/stack.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <iterator>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "element_types.hpp"

using telechat::Stack;
using namespace telechat_test;

namespace {

static_assert(std::is_same_v<Stack<int>::iterator, int*>);
static_assert(std::is_same_v<Stack<int>::const_iterator, const int*>);
static_assert(std::is_nothrow_move_constructible_v<Stack<ThrowingCopy>>);
static_assert(std::is_nothrow_move_assignable_v<Stack<ThrowingCopy>>);
static_assert(std::is_nothrow_swappable_v<Stack<ThrowingCopy>>);

/// A full stack of capacity 8 holding first (bottom), ..., first + 7 (top).
template <class T>
Stack<T> full_stack(int first) {
    Stack<T> stack;
    stack.reserve(8);
    for (int i = 0; i < 8; ++i) {
        stack.emplace(first + i);
    }
    return stack;
}

}  // namespace

TEST_CASE("Stack: a default-constructed stack is empty and allocates nothing", "[stack]") {
    std::size_t allocations = 0;
    {
        const std::size_t before = allocation_count();
        const Stack<std::string> stack;
        allocations = allocation_count() - before;

        REQUIRE(stack.empty());
        REQUIRE(stack.size() == 0U);
        REQUIRE(stack.capacity() == 0U);
        REQUIRE(stack.begin() == stack.end());
        REQUIRE(stack.cbegin() == stack.cend());
        REQUIRE_NOTHROW(stack.check_invariants());
    }
    REQUIRE(allocations == 0U);
}

TEST_CASE("Stack: top and pop on an empty stack throw std::out_of_range", "[stack]") {
    Stack<int> stack;
    const Stack<int>& read_only = stack;

    SECTION("a stack that never held anything") {
        REQUIRE_THROWS_AS(stack.top(), std::out_of_range);
        REQUIRE_THROWS_AS(read_only.top(), std::out_of_range);
        REQUIRE_THROWS_AS(stack.pop(), std::out_of_range);
        REQUIRE(stack.capacity() == 0U);
    }
    SECTION("a stack emptied by pops keeps its capacity and still throws") {
        stack.push(1);
        stack.pop();
        const std::size_t capacity = stack.capacity();
        REQUIRE_THROWS_AS(stack.top(), std::out_of_range);
        REQUIRE_THROWS_AS(read_only.top(), std::out_of_range);
        REQUIRE_THROWS_AS(stack.pop(), std::out_of_range);
        REQUIRE(stack.capacity() == capacity);
    }
    REQUIRE(stack.empty());
    REQUIRE_NOTHROW(stack.check_invariants());
    stack.push(7);
    REQUIRE(stack.top() == 7);
}

TEST_CASE("Stack: with one element, top is that element", "[stack]") {
    Stack<int> stack;
    stack.push(42);
    REQUIRE_NOTHROW(stack.check_invariants());
    REQUIRE_FALSE(stack.empty());
    REQUIRE(stack.size() == 1U);
    REQUIRE(stack.top() == 42);
    REQUIRE(&stack.top() == stack.begin());
    REQUIRE(stack.begin() + 1 == stack.end());

    stack.top() = 43;
    REQUIRE(std::as_const(stack).top() == 43);

    stack.pop();
    REQUIRE_NOTHROW(stack.check_invariants());
    REQUIRE(stack.empty());
    REQUIRE(stack.begin() == stack.end());
}

TEST_CASE("Stack: the last element pushed is the first popped", "[stack]") {
    Stack<int> stack;
    for (int i = 0; i < 100; ++i) {
        stack.push(i);
        REQUIRE(stack.top() == i);
    }
    REQUIRE_NOTHROW(stack.check_invariants());
    for (int i = 99; i >= 0; --i) {
        REQUIRE(stack.top() == i);
        stack.pop();
        REQUIRE_NOTHROW(stack.check_invariants());
    }
    REQUIRE(stack.empty());
}

TEST_CASE("Stack: the initializer-list constructor puts the first value at the bottom", "[stack]") {
    const Stack<std::string> stack{"bottom", "middle", "top"};
    REQUIRE_NOTHROW(stack.check_invariants());
    REQUIRE(stack.size() == 3U);
    REQUIRE(stack.top() == "top");
    REQUIRE(*stack.begin() == "bottom");
    REQUIRE(std::vector<std::string>(stack.begin(), stack.end()) ==
            std::vector<std::string>{"bottom", "middle", "top"});

    const Stack<int> empty_list{};
    REQUIRE(empty_list.empty());
}

TEST_CASE("Stack: push copies an lvalue, moves an rvalue, emplace builds in place", "[stack]") {
    Counted::Track::reset_all();
    {
        Stack<Counted> stack;
        stack.reserve(8);  // no growth below, so only the push itself is counted
        const Counted original(1);
        Counted movable(2);
        Counted::Track::reset_counters();

        SECTION("push(const T&) copies once") {
            stack.push(original);
            REQUIRE(Counted::Track::stats().copies == 1U);
            REQUIRE(Counted::Track::stats().moves == 0U);
            REQUIRE(original.value() == 1);
            REQUIRE(stack.top().value() == 1);
        }
        SECTION("push(T&&) moves once") {
            stack.push(std::move(movable));
            REQUIRE(Counted::Track::stats().copies == 0U);
            REQUIRE(Counted::Track::stats().moves == 1U);
            REQUIRE(movable.value() == Counted::moved_from);  // NOLINT(bugprone-use-after-move)
            REQUIRE(stack.top().value() == 2);
        }
        SECTION("emplace constructs exactly one object and returns it") {
            Counted& added = stack.emplace(3);
            REQUIRE(Counted::Track::stats().constructions == 1U);
            REQUIRE(Counted::Track::stats().copies == 0U);
            REQUIRE(Counted::Track::stats().moves == 0U);
            REQUIRE(&added == &stack.top());
            REQUIRE(added.value() == 3);
        }
        REQUIRE_NOTHROW(stack.check_invariants());
    }
    REQUIRE(Counted::Track::live() == 0U);
    REQUIRE(Counted::Track::stats().bad_destructions == 0U);
}

TEST_CASE("Stack: iterators run from the bottom to the top", "[stack]") {
    Stack<int> stack = full_stack<int>(10);
    REQUIRE(ints_of(stack) == iota_ints(10, 8));
    REQUIRE(stack.end() - stack.begin() == 8);
    REQUIRE(stack.cend() - stack.cbegin() == 8);
    REQUIRE(&*(stack.end() - 1) == &stack.top());

    for (int& element : stack) {
        element += 100;
    }
    REQUIRE(*std::as_const(stack).begin() == 110);
    REQUIRE(stack.top() == 117);
    REQUIRE_NOTHROW(stack.check_invariants());
}

TEST_CASE("Stack: growth doubles the capacity", "[stack]") {
    Stack<int> stack;
    stack.push(0);
    REQUIRE(stack.capacity() == 8U);
    std::vector<std::size_t> capacities{stack.capacity()};
    for (int i = 1; i < 100; ++i) {
        stack.push(i);
        if (stack.capacity() != capacities.back()) {
            capacities.push_back(stack.capacity());
        }
        REQUIRE(stack.size() <= stack.capacity());
    }
    REQUIRE(capacities == std::vector<std::size_t>{8, 16, 32, 64, 128});
    REQUIRE(ints_of(stack) == iota_ints(0, 100));
    REQUIRE_NOTHROW(stack.check_invariants());
}

TEST_CASE("Stack: reserve gives the exact capacity and then pushes do not allocate", "[stack]") {
    Stack<int> stack;

    SECTION("reserve on an empty stack") {
        stack.reserve(5);
        REQUIRE(stack.capacity() == 5U);
        REQUIRE(stack.empty());
        REQUIRE_NOTHROW(stack.check_invariants());
    }
    SECTION("pushes up to the capacity allocate nothing and move nothing") {
        stack.reserve(100);
        stack.push(0);
        const int* bottom = stack.begin();
        const std::size_t allocations = allocations_during([&] {
            for (int i = 1; i < 100; ++i) {
                stack.push(i);
            }
        });
        REQUIRE(allocations == 0U);
        REQUIRE(stack.capacity() == 100U);
        REQUIRE(stack.begin() == bottom);
        REQUIRE(ints_of(stack) == iota_ints(0, 100));

        stack.push(100);  // one past the capacity: now it grows
        REQUIRE(stack.capacity() == 200U);
        REQUIRE(ints_of(stack) == iota_ints(0, 101));
        REQUIRE_NOTHROW(stack.check_invariants());
    }
    SECTION("a smaller or equal request changes nothing") {
        stack.reserve(32);
        stack.push(1);
        const int* bottom = stack.begin();
        const std::size_t allocations = allocations_during([&] {
            stack.reserve(0);
            stack.reserve(1);
            stack.reserve(32);
        });
        REQUIRE(allocations == 0U);
        REQUIRE(stack.capacity() == 32U);
        REQUIRE(stack.begin() == bottom);
    }
    SECTION("reserve on a full stack moves the elements and keeps the order") {
        stack = full_stack<int>(0);
        stack.reserve(20);
        REQUIRE_NOTHROW(stack.check_invariants());
        REQUIRE(stack.capacity() == 20U);
        REQUIRE(ints_of(stack) == iota_ints(0, 8));
    }
    SECTION("an impossible request throws std::length_error and changes nothing") {
        stack = full_stack<int>(0);
        const int* bottom = stack.begin();
        REQUIRE_THROWS_AS(stack.reserve(static_cast<std::size_t>(-1)), std::length_error);
        REQUIRE(stack.capacity() == 8U);
        REQUIRE(stack.begin() == bottom);
        REQUIRE(ints_of(stack) == iota_ints(0, 8));
        REQUIRE_NOTHROW(stack.check_invariants());
    }
}

TEST_CASE("Stack: clear destroys every element and keeps the capacity", "[stack]") {
    Counted::Track::reset_all();
    {
        Stack<Counted> stack = full_stack<Counted>(0);
        const Counted* storage = stack.begin();
        REQUIRE(Counted::Track::live() == 8U);

        stack.clear();
        REQUIRE_NOTHROW(stack.check_invariants());
        REQUIRE(Counted::Track::live() == 0U);
        REQUIRE(stack.empty());
        REQUIRE(stack.capacity() == 8U);
        REQUIRE(stack.begin() == stack.end());
        REQUIRE_THROWS_AS(stack.top(), std::out_of_range);

        stack.emplace(5);
        REQUIRE(stack.begin() == storage);
        REQUIRE(stack.top().value() == 5);

        stack.clear();
        stack.clear();  // clearing an empty stack is harmless
        REQUIRE(stack.empty());
    }
    REQUIRE(Counted::Track::live() == 0U);
    REQUIRE(Counted::Track::stats().bad_destructions == 0U);
}

TEST_CASE("Stack: copies are independent and equal", "[stack]") {
    const Stack<int> source = full_stack<int>(0);

    SECTION("copy construction sizes the copy to fit") {
        Stack<int> copy(source);
        REQUIRE_NOTHROW(copy.check_invariants());
        REQUIRE(copy == source);
        REQUIRE(copy.capacity() == 8U);
        REQUIRE(copy.begin() != source.begin());
        copy.pop();
        copy.push(100);
        REQUIRE(ints_of(source) == iota_ints(0, 8));
        REQUIRE_FALSE(copy == source);
    }
    SECTION("copying an empty stack allocates nothing") {
        const Stack<int> empty;
        const std::size_t before = allocation_count();
        const Stack<int> copy(empty);
        const std::size_t allocations = allocation_count() - before;
        REQUIRE(allocations == 0U);
        REQUIRE(copy.capacity() == 0U);
        REQUIRE_NOTHROW(copy.check_invariants());
    }
    SECTION("a copy of a small stack grows normally") {
        const Stack<int> three{1, 2, 3};
        Stack<int> copy(three);
        REQUIRE(copy.capacity() == 3U);
        for (int i = 4; i < 40; ++i) {
            copy.push(i);
        }
        REQUIRE_NOTHROW(copy.check_invariants());
        REQUIRE(ints_of(copy) == iota_ints(1, 39));
    }
    SECTION("copy assignment replaces the old contents") {
        Stack<int> target{7, 8, 9};
        target = source;
        REQUIRE_NOTHROW(target.check_invariants());
        REQUIRE(target == source);
        target = Stack<int>{};
        REQUIRE(target.empty());
    }
    SECTION("copy self-assignment changes nothing") {
        Stack<int> stack = full_stack<int>(0);
        const int* bottom = stack.begin();
        stack = same_object(stack);
        REQUIRE_NOTHROW(stack.check_invariants());
        REQUIRE(stack.begin() == bottom);
        REQUIRE(ints_of(stack) == iota_ints(0, 8));
    }
}

TEST_CASE("Stack: moves take the storage and leave the source empty", "[stack]") {
    Stack<std::string> source{"a", "b", "c"};
    const std::string* bottom = source.begin();

    SECTION("move construction") {
        Stack<std::string> taken(std::move(source));
        REQUIRE(taken.begin() == bottom);  // the very same elements: nothing moved
        REQUIRE(taken.size() == 3U);
        REQUIRE(source.empty());  // NOLINT(bugprone-use-after-move)
        REQUIRE(source.capacity() == 0U);
        REQUIRE_NOTHROW(source.check_invariants());
        REQUIRE_NOTHROW(taken.check_invariants());
        source.push("reused");
        REQUIRE(source.top() == "reused");
    }
    SECTION("move assignment") {
        Stack<std::string> target{"x"};
        target = std::move(source);
        REQUIRE(target.begin() == bottom);
        REQUIRE(target == Stack<std::string>{"a", "b", "c"});
        REQUIRE(source.empty());  // NOLINT(bugprone-use-after-move)
        REQUIRE_NOTHROW(source.check_invariants());
        REQUIRE_NOTHROW(target.check_invariants());
    }
    SECTION("move self-assignment changes nothing") {
        source = std::move(same_object(source));
        REQUIRE_NOTHROW(source.check_invariants());
        REQUIRE(source.begin() == bottom);
        REQUIRE(source == Stack<std::string>{"a", "b", "c"});
    }
}

TEST_CASE("Stack: swap exchanges contents and storage", "[stack]") {
    for (const bool use_member_swap : {true, false}) {
        INFO("member swap: " << use_member_swap);
        Stack<int> a = full_stack<int>(0);
        Stack<int> b{100, 101};
        const Stack<int>::iterator a_bottom = a.begin();
        const Stack<int>::iterator b_bottom = b.begin();
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
        // Iterators stay valid and now point into the other stack.
        REQUIRE(b.begin() == a_bottom);
        REQUIRE(a.begin() == b_bottom);
    }

    SECTION("swapping with an empty stack") {
        Stack<int> a{100, 101};
        Stack<int> empty;
        a.swap(empty);
        REQUIRE(a.empty());
        REQUIRE(a.capacity() == 0U);
        REQUIRE(ints_of(empty) == std::vector<int>{100, 101});
        REQUIRE_NOTHROW(a.check_invariants());
        REQUIRE_NOTHROW(empty.check_invariants());
    }
}

TEST_CASE("Stack: == compares the elements in order, not the capacity", "[stack]") {
    const Stack<int> full = full_stack<int>(0);
    Stack<int> roomy;
    roomy.reserve(64);
    for (int i = 0; i < 8; ++i) {
        roomy.push(i);
    }
    REQUIRE(roomy == full);
    REQUIRE(full == roomy);

    roomy.top() = 70;
    REQUIRE(roomy != full);
    roomy.top() = 7;
    REQUIRE(roomy == full);

    roomy.push(8);
    REQUIRE(roomy != full);  // a longer stack with the same prefix
    REQUIRE(full != roomy);

    REQUIRE(Stack<int>{} == Stack<int>{});
    REQUIRE(Stack<int>{} != Stack<int>{0});
    REQUIRE(Stack<int>{1, 2} != Stack<int>{2, 1});
}

TEST_CASE("Stack: every element is destroyed exactly once", "[stack][lifetime]") {
    Counted::Track::reset_all();
    {
        Stack<Counted> stack;
        for (int round = 0; round < 20; ++round) {
            for (int i = 0; i < 37; ++i) {
                stack.emplace(round * 100 + i);
            }
            for (int i = 0; i < 30; ++i) {
                stack.pop();
            }
            REQUIRE(Counted::Track::live() == stack.size());
        }
        REQUIRE_NOTHROW(stack.check_invariants());
        Stack<Counted> copy(stack);
        REQUIRE(Counted::Track::live() == 2 * stack.size());
        Stack<Counted> moved(std::move(copy));
        copy = moved;  // NOLINT(bugprone-use-after-move): assigning to a moved-from stack is valid
        moved = std::move(stack);
        REQUIRE(Counted::Track::live() == 2 * moved.size());
    }
    REQUIRE(Counted::Track::live() == 0U);
    REQUIRE(Counted::Track::stats().bad_destructions == 0U);
    REQUIRE(Counted::Track::stats().uses_of_dead_objects == 0U);
    REQUIRE(Counted::Track::stats().constructions == Counted::Track::stats().destructions);
}

TEST_CASE("Stack: growth moves elements whose move constructor is noexcept", "[stack][lifetime]") {
    Counted::Track::reset_all();
    {
        Stack<Counted> stack = full_stack<Counted>(0);
        Counted::Track::reset_counters();
        for (int i = 8; i < 300; ++i) {
            stack.emplace(i);  // grows from 8 to 512, several times
        }
        REQUIRE(stack.capacity() == 512U);
        REQUIRE(Counted::Track::stats().copies == 0U);
        REQUIRE(Counted::Track::stats().moves == 8U + 16U + 32U + 64U + 128U + 256U);
        REQUIRE(ints_of(stack) == iota_ints(0, 300));
        REQUIRE_NOTHROW(stack.check_invariants());
    }
    REQUIRE(Counted::Track::live() == 0U);
}

TEST_CASE("Stack: growth copies elements whose move constructor may throw", "[stack][exceptions]") {
    ThrowingCopy::Track::reset_all();
    {
        Stack<ThrowingCopy> stack = full_stack<ThrowingCopy>(0);
        ThrowingCopy::Track::reset_counters();
        stack.emplace(8);
        REQUIRE(ThrowingCopy::Track::stats().copies == 8U);
        REQUIRE(ThrowingCopy::Track::stats().moves == 0U);
        REQUIRE(ints_of(stack) == iota_ints(0, 9));
    }
    REQUIRE(ThrowingCopy::Track::live() == 0U);
}

TEST_CASE("Stack: a push that grows and whose copy throws leaves the stack unchanged",
          "[stack][exceptions]") {
    ThrowingCopy::Track::reset_all();
    const ThrowingCopy extra(99);

    // A successful push(const T&) onto a full stack of 8 makes 9 copies: the
    // new element first, then the 8 old ones. Fail each of them in turn.
    for (long successes = 0; successes <= 8; ++successes) {
        INFO("copies that succeed before the failing one: " << successes);
        Stack<ThrowingCopy> stack = full_stack<ThrowingCopy>(0);
        const ThrowingCopy* bottom = stack.begin();
        {
            const ArmedCountdown failure(copy_countdown(), successes);
            REQUIRE_THROWS_AS(stack.push(extra), InjectedFailure);
        }
        REQUIRE_NOTHROW(stack.check_invariants());
        REQUIRE(stack.size() == 8U);
        REQUIRE(stack.capacity() == 8U);
        REQUIRE(stack.begin() == bottom);
        REQUIRE(ints_of(stack) == iota_ints(0, 8));
        REQUIRE(ThrowingCopy::Track::live() == 9U);  // the 8 elements and `extra`: no leak

        stack.push(extra);  // and the stack still works
        REQUIRE(stack.size() == 9U);
        REQUIRE(stack.top().value() == 99);
        REQUIRE_NOTHROW(stack.check_invariants());
    }

    SECTION("the ninth copy was the last one: with 9 allowed the push succeeds") {
        Stack<ThrowingCopy> stack = full_stack<ThrowingCopy>(0);
        const ArmedCountdown failure(copy_countdown(), 9);
        REQUIRE_NOTHROW(stack.push(extra));
        REQUIRE(stack.top().value() == 99);
    }
    SECTION("emplace of a new element, then a throwing copy of an old one") {
        for (long successes = 0; successes <= 7; ++successes) {
            Stack<ThrowingCopy> stack = full_stack<ThrowingCopy>(0);
            {
                const ArmedCountdown failure(copy_countdown(), successes);
                REQUIRE_THROWS_AS(stack.emplace(50), InjectedFailure);
            }
            REQUIRE_NOTHROW(stack.check_invariants());
            REQUIRE(ints_of(stack) == iota_ints(0, 8));
            REQUIRE(stack.capacity() == 8U);
        }
    }
    SECTION("a reserve whose copy throws leaves the stack unchanged") {
        Stack<ThrowingCopy> stack = full_stack<ThrowingCopy>(0);
        {
            const ArmedCountdown failure(copy_countdown(), 3);
            REQUIRE_THROWS_AS(stack.reserve(100), InjectedFailure);
        }
        REQUIRE_NOTHROW(stack.check_invariants());
        REQUIRE(stack.capacity() == 8U);
        REQUIRE(ints_of(stack) == iota_ints(0, 8));
    }
    REQUIRE(ThrowingCopy::Track::live() == 1U);  // only `extra` is left
    REQUIRE(ThrowingCopy::Track::stats().bad_destructions == 0U);
    REQUIRE(ThrowingCopy::Track::stats().uses_of_dead_objects == 0U);
}

TEST_CASE("Stack: a copy that throws leaks nothing and a copy assignment is strong",
          "[stack][exceptions]") {
    ThrowingCopy::Track::reset_all();
    {
        const Stack<ThrowingCopy> source = full_stack<ThrowingCopy>(0);

        SECTION("copy construction") {
            for (long successes = 0; successes < 8; ++successes) {
                const ArmedCountdown failure(copy_countdown(), successes);
                REQUIRE_THROWS_AS(Stack<ThrowingCopy>(source), InjectedFailure);
                REQUIRE(ThrowingCopy::Track::live() == 8U);
            }
        }
        SECTION("copy assignment") {
            Stack<ThrowingCopy> target;
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

TEST_CASE("Stack: holds move-only elements", "[stack]") {
    Stack<MoveOnly> stack;
    for (int i = 0; i < 20; ++i) {
        stack.push(MoveOnly(i));  // grows twice
    }
    MoveOnly last(20);
    stack.push(std::move(last));
    REQUIRE(last.moved_from());  // NOLINT(bugprone-use-after-move)
    REQUIRE_NOTHROW(stack.check_invariants());
    REQUIRE(stack.top().value() == 20);

    MoveOnly taken = std::move(stack.top());
    stack.pop();
    REQUIRE(taken.value() == 20);
    REQUIRE(stack.top().value() == 19);

    Stack<MoveOnly> moved(std::move(stack));
    REQUIRE(moved.size() == 20U);
    REQUIRE(ints_of(moved) == iota_ints(0, 20));
}

TEST_CASE("Stack: holds elements without a default constructor", "[stack]") {
    Stack<NoDefault> stack;
    for (int i = 0; i < 10; ++i) {
        stack.emplace(i);
    }
    stack.pop();
    stack.push(NoDefault(9));
    REQUIRE_NOTHROW(stack.check_invariants());
    const Stack<NoDefault> copy = stack;
    REQUIRE(copy == stack);
    REQUIRE(ints_of(copy) == iota_ints(0, 10));
}

TEST_CASE("Stack: push accepts a reference to one of its own elements", "[stack]") {
    const std::string long_text = "long enough to live on the heap, not in the string";
    Stack<std::string> stack;

    SECTION("without growth") {
        stack.reserve(8);
        stack.push(long_text);
        stack.push(stack.top());
        stack.emplace(*stack.begin());
        REQUIRE(stack.size() == 3U);
        REQUIRE(stack.top() == long_text);
    }
    SECTION("when the push has to grow, the source is read before it moves") {
        for (int i = 0; i < 8; ++i) {
            stack.push(long_text + std::to_string(i));
        }
        REQUIRE(stack.size() == stack.capacity());
        stack.push(*stack.begin());
        REQUIRE(stack.top() == long_text + "0");
        while (stack.size() != stack.capacity()) {
            stack.push("filler");
        }
        stack.push(std::move(stack.begin()[1]));  // moved from the old block into the new one
        REQUIRE(stack.top() == long_text + "1");
    }
    REQUIRE_NOTHROW(stack.check_invariants());
}

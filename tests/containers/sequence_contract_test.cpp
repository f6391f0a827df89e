// The contract that telechat::Queue and telechat::Stack both promise, tested
// once for both through a kind (sequence_kinds.hpp): construction, access to
// the element that leaves next, iteration in push order, capacity, copies,
// moves and swap, element lifetimes, exception safety, move-only elements,
// elements without a default constructor, and pushing an element of the
// container into itself. What only one of them promises (FIFO or LIFO order,
// Queue's wrap-around and iterator rules) is in queue_test.cpp and
// stack_test.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "element_types.hpp"
#include "sequence_kinds.hpp"

using namespace telechat_test;

namespace {

/// Queue<T> or Stack<T>.
template <class Kind, class T>
using ContainerOf = typename Kind::template Container<T>;

template <class Kind>
constexpr bool static_promises() {
    using Ints = ContainerOf<Kind, int>;
    using Throwing = ContainerOf<Kind, ThrowingCopy>;
    static_assert(std::bidirectional_iterator<typename Ints::iterator>);
    static_assert(std::bidirectional_iterator<typename Ints::const_iterator>);
    static_assert(std::is_convertible_v<typename Ints::iterator, typename Ints::const_iterator>);
    static_assert(!std::is_convertible_v<typename Ints::const_iterator, typename Ints::iterator>);
    static_assert(std::is_nothrow_move_constructible_v<Throwing>);
    static_assert(std::is_nothrow_move_assignable_v<Throwing>);
    static_assert(std::is_nothrow_swappable_v<Throwing>);
    return true;
}
static_assert(static_promises<QueueKind>());
static_assert(static_promises<StackKind>());
static_assert(static_promises<QueueKindOf<HalfAgainFacts>>());
static_assert(static_promises<StackKindOf<HalfAgainFacts>>());
static_assert(!std::is_copy_constructible_v<MoveOnly>);
static_assert(!std::is_default_constructible_v<NoDefault>);

}  // namespace

TEMPLATE_LIST_TEST_CASE("Sequence: a default-constructed container is empty and allocates nothing",
                        "[sequence]", SequenceKinds) {
    std::size_t allocations = 0;
    {
        const std::size_t before = allocation_count();
        const ContainerOf<TestType, std::string> container;
        allocations = allocation_count() - before;

        REQUIRE(container.empty());
        REQUIRE(container.size() == 0U);
        REQUIRE(container.capacity() == 0U);
        REQUIRE(container.begin() == container.end());
        REQUIRE(container.cbegin() == container.cend());
        REQUIRE_NOTHROW(container.check_invariants());
    }
    REQUIRE(allocations == 0U);
}

TEMPLATE_LIST_TEST_CASE("Sequence: access and pop on an empty container throw std::out_of_range",
                        "[sequence]", SequenceKinds) {
    ContainerOf<TestType, int> container;
    const ContainerOf<TestType, int>& read_only = container;
    const auto require_all_throw = [&] {
        REQUIRE_THROWS_AS(TestType::next_out(container), std::out_of_range);
        REQUIRE_THROWS_AS(TestType::newest(container), std::out_of_range);
        REQUIRE_THROWS_AS(TestType::next_out(read_only), std::out_of_range);
        REQUIRE_THROWS_AS(TestType::newest(read_only), std::out_of_range);
        REQUIRE_THROWS_AS(container.pop(), std::out_of_range);
    };

    SECTION("a container that never held anything") {
        require_all_throw();
        REQUIRE(container.capacity() == 0U);
    }
    SECTION("a container emptied by pops keeps its capacity and still throws") {
        container.push(1);
        container.push(2);
        container.pop();
        container.pop();
        const std::size_t capacity = container.capacity();
        require_all_throw();
        REQUIRE(container.capacity() == capacity);
    }
    REQUIRE(container.empty());
    REQUIRE_NOTHROW(container.check_invariants());
    container.push(7);
    REQUIRE(TestType::next_out(container) == 7);
}

TEMPLATE_LIST_TEST_CASE("Sequence: with one element, every accessor reaches that element",
                        "[sequence]", SequenceKinds) {
    ContainerOf<TestType, int> container;
    container.push(42);
    REQUIRE_NOTHROW(container.check_invariants());
    REQUIRE_FALSE(container.empty());
    REQUIRE(container.size() == 1U);
    REQUIRE(&TestType::next_out(container) == &TestType::newest(container));
    REQUIRE(&TestType::next_out(container) == &*container.begin());
    REQUIRE(TestType::next_out(container) == 42);
    REQUIRE(std::next(container.begin()) == container.end());

    TestType::next_out(container) = 43;
    REQUIRE(TestType::newest(std::as_const(container)) == 43);

    container.pop();
    REQUIRE_NOTHROW(container.check_invariants());
    REQUIRE(container.empty());
    REQUIRE(container.begin() == container.end());
}

TEMPLATE_LIST_TEST_CASE("Sequence: the initializer-list constructor pushes the values in order",
                        "[sequence]", SequenceKinds) {
    const ContainerOf<TestType, std::string> container{"first", "second", "third"};
    REQUIRE_NOTHROW(container.check_invariants());
    REQUIRE(container.size() == 3U);
    REQUIRE(TestType::newest(container) == "third");
    REQUIRE(TestType::next_out(container) == (TestType::fifo ? "first" : "third"));
    REQUIRE(*container.begin() == "first");
    REQUIRE(std::vector<std::string>(container.begin(), container.end()) ==
            std::vector<std::string>{"first", "second", "third"});

    const ContainerOf<TestType, int> empty_list{};
    REQUIRE(empty_list.empty());
}

TEMPLATE_LIST_TEST_CASE("Sequence: push copies an lvalue, moves an rvalue, emplace builds in place",
                        "[sequence]", SequenceKinds) {
    Counted::Track::reset_all();
    {
        ContainerOf<TestType, Counted> container;
        container.reserve(8);  // no growth below, so only the push itself is counted
        const Counted original(1);
        Counted movable(2);
        Counted::Track::reset_counters();

        SECTION("push(const T&) copies once") {
            container.push(original);
            REQUIRE(Counted::Track::stats().copies == 1U);
            REQUIRE(Counted::Track::stats().moves == 0U);
            REQUIRE(original.value() == 1);
            REQUIRE(TestType::newest(container).value() == 1);
        }
        SECTION("push(T&&) moves once") {
            container.push(std::move(movable));
            REQUIRE(Counted::Track::stats().copies == 0U);
            REQUIRE(Counted::Track::stats().moves == 1U);
            REQUIRE(movable.value() == Counted::moved_from);  // NOLINT(bugprone-use-after-move)
            REQUIRE(TestType::newest(container).value() == 2);
        }
        SECTION("emplace constructs exactly one object and returns it") {
            container.push(original);
            Counted::Track::reset_counters();
            Counted& added = container.emplace(3);
            REQUIRE(Counted::Track::stats().constructions == 1U);
            REQUIRE(Counted::Track::stats().copies == 0U);
            REQUIRE(Counted::Track::stats().moves == 0U);
            REQUIRE(&added == &TestType::newest(container));
            REQUIRE(added.value() == 3);
            REQUIRE(container.begin()->value() == 1);
        }
        REQUIRE_NOTHROW(container.check_invariants());
    }
    REQUIRE(Counted::Track::live() == 0U);
    REQUIRE(Counted::Track::stats().bad_destructions == 0U);
}

TEMPLATE_LIST_TEST_CASE("Sequence: iterators visit the elements in the order they were pushed",
                        "[sequence]", SequenceKinds) {
    using Ints = ContainerOf<TestType, int>;
    Ints container = TestType::template full<int>(10);  // a Queue's wraps around its buffer

    SECTION("forward iteration in push order") {
        REQUIRE(ints_of(container) == iota_ints(10, 8));
        REQUIRE(std::distance(container.begin(), container.end()) == 8);
        REQUIRE(std::distance(container.cbegin(), container.cend()) == 8);
        REQUIRE(&*std::prev(container.end()) == &TestType::newest(container));
    }
    SECTION("backward iteration from end() reaches the newest first") {
        std::vector<int> reversed;
        for (auto it = container.end(); it != container.begin();) {
            --it;
            reversed.push_back(*it);
        }
        REQUIRE(reversed == std::vector<int>{17, 16, 15, 14, 13, 12, 11, 10});
    }
    SECTION("post-increment and post-decrement return the old position") {
        auto it = container.begin();
        REQUIRE(*it++ == 10);
        REQUIRE(*it == 11);
        REQUIRE(*it-- == 11);
        REQUIRE(*it == 10);
        REQUIRE(it == container.begin());
    }
    SECTION("writing through an iterator changes the element") {
        for (int& element : container) {
            element *= 2;
        }
        REQUIRE(*std::as_const(container).begin() == 20);
        REQUIRE(TestType::newest(container) == 34);
    }
    SECTION("an iterator converts to a const_iterator at the same position") {
        typename Ints::const_iterator position = std::next(container.begin(), 3);
        REQUIRE(*position == 13);
        REQUIRE(position == std::next(container.cbegin(), 3));
        REQUIRE(position != container.cbegin());
    }
    SECTION("a default-constructed iterator can be assigned a position") {
        typename Ints::iterator position{};
        typename Ints::const_iterator read_position{};
        position = std::next(container.begin(), 2);
        read_position = position;
        REQUIRE(*position == 12);
        REQUIRE(*read_position == 12);
    }
    SECTION("operator-> reaches the element") {
        ContainerOf<TestType, std::string> words{"alpha", "beta"};
        REQUIRE(words.begin()->size() == 5U);
        REQUIRE(std::next(words.cbegin())->front() == 'b');
    }
    REQUIRE_NOTHROW(container.check_invariants());
}

TEMPLATE_LIST_TEST_CASE("Sequence: growth follows the growth rule, from 8", "[sequence]",
                        SequenceKinds) {
    ContainerOf<TestType, int> container;
    container.push(0);
    REQUIRE(container.capacity() == 8U);
    std::vector<std::size_t> capacities{container.capacity()};
    for (int i = 1; i < 100; ++i) {
        container.push(i);
        if (container.capacity() != capacities.back()) {
            capacities.push_back(container.capacity());
        }
        REQUIRE(container.size() <= container.capacity());
    }
    // Doubling: 8, 16, 32, 64, 128; HalfAgain: 8, 12, 18, 27, 40, 60, 90, 135.
    REQUIRE(capacities == capacities_until<typename TestType::GrowthFacts>(100));
    REQUIRE(ints_of(container) == iota_ints(0, 100));
    REQUIRE_NOTHROW(container.check_invariants());
}

TEMPLATE_LIST_TEST_CASE("Sequence: reserve makes room, and then pushes do not allocate",
                        "[sequence]", SequenceKinds) {
    ContainerOf<TestType, int> container;

    SECTION("reserve on an empty container") {
        for (const std::size_t wanted : {5U, 9U, 16U}) {
            container.reserve(wanted);
            REQUIRE(container.capacity() == TestType::capacity_for(wanted));
        }
        REQUIRE(container.empty());
        REQUIRE_NOTHROW(container.check_invariants());
    }
    SECTION("pushes up to the capacity allocate nothing and move nothing") {
        container.reserve(100);
        const std::size_t capacity = TestType::capacity_for(100);
        REQUIRE(container.capacity() == capacity);
        container.push(0);
        const int* first = &*container.begin();
        const std::size_t allocations = allocations_during([&] {
            for (int i = 1; static_cast<std::size_t>(i) < capacity; ++i) {
                container.push(i);
            }
        });
        REQUIRE(allocations == 0U);
        REQUIRE(container.capacity() == capacity);
        REQUIRE(&*container.begin() == first);
        REQUIRE(ints_of(container) == iota_ints(0, static_cast<int>(capacity)));

        container.push(static_cast<int>(capacity));  // one past the capacity: now it grows
        REQUIRE(container.capacity() == TestType::GrowthFacts::grown(capacity));
        REQUIRE(ints_of(container) == iota_ints(0, static_cast<int>(capacity) + 1));
        REQUIRE_NOTHROW(container.check_invariants());
    }
    SECTION("a smaller or equal request changes nothing") {
        container.reserve(32);
        container.push(1);
        const int* first = &*container.begin();
        const std::size_t allocations = allocations_during([&] {
            container.reserve(0);
            container.reserve(1);
            container.reserve(32);
        });
        REQUIRE(allocations == 0U);
        REQUIRE(container.capacity() == 32U);
        REQUIRE(&*container.begin() == first);
    }
    SECTION("reserve on a full container keeps the order") {
        container = TestType::template full<int>(0);
        container.reserve(20);
        REQUIRE_NOTHROW(container.check_invariants());
        REQUIRE(container.capacity() == TestType::capacity_for(20));
        REQUIRE(ints_of(container) == iota_ints(0, 8));
    }
    SECTION("an impossible request throws std::length_error and changes nothing") {
        container = TestType::template full<int>(0);
        const std::vector<const void*> addresses = element_addresses(container);
        REQUIRE_THROWS_AS(container.reserve(static_cast<std::size_t>(-1)), std::length_error);
        REQUIRE(container.capacity() == 8U);
        REQUIRE(element_addresses(container) == addresses);
        REQUIRE(ints_of(container) == iota_ints(0, 8));
        REQUIRE_NOTHROW(container.check_invariants());
    }
}

TEMPLATE_LIST_TEST_CASE("Sequence: clear destroys every element and keeps the capacity",
                        "[sequence]", SequenceKinds) {
    Counted::Track::reset_all();
    {
        ContainerOf<TestType, Counted> container = TestType::template full<Counted>(0);
        REQUIRE(Counted::Track::live() == 8U);
        std::vector<const void*> slots = element_addresses(container);
        std::sort(slots.begin(), slots.end());

        container.clear();
        REQUIRE_NOTHROW(container.check_invariants());
        REQUIRE(Counted::Track::live() == 0U);
        REQUIRE(container.empty());
        REQUIRE(container.capacity() == 8U);
        REQUIRE(container.begin() == container.end());
        REQUIRE_THROWS_AS(TestType::next_out(container), std::out_of_range);

        // Reusable, in the same buffer: refilling all 8 slots fills the same 8 slots.
        for (int i = 0; i < 8; ++i) {
            container.emplace(i);
        }
        std::vector<const void*> refilled = element_addresses(container);
        std::sort(refilled.begin(), refilled.end());
        REQUIRE(refilled == slots);
        REQUIRE(container.capacity() == 8U);
        REQUIRE_NOTHROW(container.check_invariants());
        REQUIRE(ints_of(container) == iota_ints(0, 8));

        container.clear();
        container.clear();  // clearing an empty container is harmless
        REQUIRE(container.empty());
    }
    REQUIRE(Counted::Track::live() == 0U);
    REQUIRE(Counted::Track::stats().bad_destructions == 0U);
}

TEMPLATE_LIST_TEST_CASE("Sequence: copies are independent and equal", "[sequence]", SequenceKinds) {
    using Ints = ContainerOf<TestType, int>;
    const Ints source = TestType::template full<int>(0);

    SECTION("copy construction") {
        Ints copy(source);
        REQUIRE_NOTHROW(copy.check_invariants());
        REQUIRE(copy == source);
        REQUIRE(copy.capacity() == 8U);
        REQUIRE(ints_of(copy) == iota_ints(0, 8));
        REQUIRE(&*copy.begin() != &*source.begin());
        copy.pop();
        copy.push(100);
        REQUIRE(ints_of(source) == iota_ints(0, 8));
        REQUIRE_FALSE(copy == source);
    }
    SECTION("copying an empty container allocates nothing") {
        const Ints empty;
        const std::size_t before = allocation_count();
        const Ints copy(empty);
        const std::size_t allocations = allocation_count() - before;
        REQUIRE(allocations == 0U);
        REQUIRE(copy.capacity() == 0U);
        REQUIRE_NOTHROW(copy.check_invariants());
    }
    SECTION("a copy of a small container has the capacity reserve would give, and grows") {
        const Ints three{1, 2, 3};
        Ints copy(three);
        REQUIRE_NOTHROW(copy.check_invariants());
        REQUIRE(copy == three);
        REQUIRE(copy.capacity() == TestType::capacity_for(3));
        for (int i = 4; i < 40; ++i) {
            copy.push(i);
        }
        REQUIRE_NOTHROW(copy.check_invariants());
        REQUIRE(ints_of(copy) == iota_ints(1, 39));
    }
    SECTION("copy assignment replaces the old contents") {
        Ints target{7, 8, 9};
        target = source;
        REQUIRE_NOTHROW(target.check_invariants());
        REQUIRE(target == source);
        target = Ints{};
        REQUIRE(target.empty());
    }
    SECTION("copy self-assignment changes nothing") {
        Ints container = TestType::template full<int>(0);
        const std::vector<const void*> addresses = element_addresses(container);
        container = same_object(container);
        REQUIRE_NOTHROW(container.check_invariants());
        REQUIRE(element_addresses(container) == addresses);
        REQUIRE(ints_of(container) == iota_ints(0, 8));
    }
}

TEMPLATE_LIST_TEST_CASE("Sequence: moves take the storage and leave the source empty", "[sequence]",
                        SequenceKinds) {
    using Strings = ContainerOf<TestType, std::string>;
    Strings source{"a", "b", "c"};
    const std::vector<const void*> addresses = element_addresses(source);

    SECTION("move construction") {
        Strings taken(std::move(source));
        REQUIRE(element_addresses(taken) == addresses);  // the very same elements: nothing moved
        REQUIRE(taken.size() == 3U);
        REQUIRE(source.empty());  // NOLINT(bugprone-use-after-move)
        REQUIRE(source.capacity() == 0U);
        REQUIRE_NOTHROW(source.check_invariants());
        REQUIRE_NOTHROW(taken.check_invariants());
        source.push("reused");
        REQUIRE(TestType::next_out(source) == "reused");
    }
    SECTION("move assignment") {
        Strings target{"x"};
        target = std::move(source);
        REQUIRE(element_addresses(target) == addresses);
        REQUIRE(target == Strings{"a", "b", "c"});
        REQUIRE(source.empty());  // NOLINT(bugprone-use-after-move)
        REQUIRE_NOTHROW(source.check_invariants());
        REQUIRE_NOTHROW(target.check_invariants());
    }
    SECTION("move self-assignment changes nothing") {
        source = std::move(same_object(source));
        REQUIRE_NOTHROW(source.check_invariants());
        REQUIRE(element_addresses(source) == addresses);
        REQUIRE(source == Strings{"a", "b", "c"});
    }
}

TEMPLATE_LIST_TEST_CASE("Sequence: swap exchanges contents and storage", "[sequence]",
                        SequenceKinds) {
    using Ints = ContainerOf<TestType, int>;
    for (const bool use_member_swap : {true, false}) {
        INFO("member swap: " << use_member_swap);
        Ints a = TestType::template full<int>(0);
        Ints b{100, 101};
        const std::vector<const void*> a_addresses = element_addresses(a);
        const std::vector<const void*> b_addresses = element_addresses(b);
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
        // References stay valid and now name elements of the other container.
        REQUIRE(element_addresses(b) == a_addresses);
        REQUIRE(element_addresses(a) == b_addresses);
    }

    SECTION("iterators stay valid, now into the other container") {
        Ints a = TestType::template full<int>(0);
        Ints b{100, 101, 102};
        const typename Ints::iterator a_fourth = std::next(a.begin(), 3);
        const typename Ints::iterator b_second = std::next(b.begin());

        a.swap(b);
        REQUIRE(*a_fourth == 3);
        REQUIRE(a_fourth == std::next(b.begin(), 3));
        REQUIRE(*b_second == 101);
        REQUIRE(b_second == std::next(a.begin()));
        REQUIRE(std::vector<int>(a_fourth, b.end()) == iota_ints(3, 5));
    }
    SECTION("swapping with an empty container") {
        Ints a{100, 101};
        Ints empty;
        a.swap(empty);
        REQUIRE(a.empty());
        REQUIRE(a.capacity() == 0U);
        REQUIRE(ints_of(empty) == std::vector<int>{100, 101});
        REQUIRE_NOTHROW(a.check_invariants());
        REQUIRE_NOTHROW(empty.check_invariants());
    }
}

TEMPLATE_LIST_TEST_CASE("Sequence: == compares the elements in order, not capacity or layout",
                        "[sequence]", SequenceKinds) {
    using Ints = ContainerOf<TestType, int>;
    const Ints full = TestType::template full<int>(0);  // a Queue's wraps around its buffer
    Ints roomy;
    for (int i = 0; i < 8; ++i) {
        roomy.push(i);
    }
    roomy.reserve(64);
    REQUIRE(roomy.capacity() != full.capacity());
    REQUIRE(roomy == full);
    REQUIRE(full == roomy);

    TestType::newest(roomy) = 70;
    REQUIRE(roomy != full);
    TestType::newest(roomy) = 7;
    REQUIRE(roomy == full);

    roomy.push(8);
    REQUIRE(roomy != full);  // a longer container with the same prefix
    REQUIRE(full != roomy);

    REQUIRE(Ints{} == Ints{});
    REQUIRE(Ints{} != Ints{0});
    REQUIRE(Ints{1, 2} != Ints{2, 1});
}

TEMPLATE_LIST_TEST_CASE("Sequence: every element is destroyed exactly once", "[sequence][lifetime]",
                        SequenceKinds) {
    using Elements = ContainerOf<TestType, Counted>;
    Counted::Track::reset_all();
    {
        Elements container;
        for (int round = 0; round < 20; ++round) {
            for (int i = 0; i < 37; ++i) {
                container.emplace(round * 100 + i);
            }
            for (int i = 0; i < 30; ++i) {
                container.pop();
            }
            REQUIRE(Counted::Track::live() == container.size());
        }
        REQUIRE_NOTHROW(container.check_invariants());
        Elements copy(container);
        REQUIRE(Counted::Track::live() == 2 * container.size());
        Elements moved(std::move(copy));
        copy = moved;  // NOLINT(bugprone-use-after-move): assigning to a moved-from one is valid
        moved = std::move(container);
        REQUIRE(Counted::Track::live() == 2 * moved.size());
    }
    REQUIRE(Counted::Track::live() == 0U);
    REQUIRE(Counted::Track::stats().bad_destructions == 0U);
    REQUIRE(Counted::Track::stats().uses_of_dead_objects == 0U);
    REQUIRE(Counted::Track::stats().constructions == Counted::Track::stats().destructions);
}

TEMPLATE_LIST_TEST_CASE("Sequence: growth moves elements whose move constructor is noexcept",
                        "[sequence][lifetime]", SequenceKinds) {
    Counted::Track::reset_all();
    {
        ContainerOf<TestType, Counted> container = TestType::template full<Counted>(0);
        Counted::Track::reset_counters();
        for (int i = 8; i < 300; ++i) {
            container.emplace(i);  // grows from 8 to 512 (×2) or 303 (×1.5), several times
        }
        // Each growth moves all the elements of the block it leaves.
        const std::vector<std::size_t> capacities =
            capacities_until<typename TestType::GrowthFacts>(300);
        std::size_t moves = 0;
        for (std::size_t i = 0; i + 1 < capacities.size(); ++i) {
            moves += capacities[i];
        }
        REQUIRE(container.capacity() == capacities.back());
        REQUIRE(Counted::Track::stats().copies == 0U);
        REQUIRE(Counted::Track::stats().moves == moves);
        REQUIRE(ints_of(container) == iota_ints(0, 300));
        REQUIRE_NOTHROW(container.check_invariants());
    }
    REQUIRE(Counted::Track::live() == 0U);
}

TEMPLATE_LIST_TEST_CASE("Sequence: growth copies elements whose move constructor may throw",
                        "[sequence][exceptions]", SequenceKinds) {
    ThrowingCopy::Track::reset_all();
    {
        ContainerOf<TestType, ThrowingCopy> container = TestType::template full<ThrowingCopy>(0);
        ThrowingCopy::Track::reset_counters();
        container.emplace(8);
        REQUIRE(ThrowingCopy::Track::stats().copies == 8U);
        REQUIRE(ThrowingCopy::Track::stats().moves == 0U);
        REQUIRE(ints_of(container) == iota_ints(0, 9));
    }
    REQUIRE(ThrowingCopy::Track::live() == 0U);
}

TEMPLATE_LIST_TEST_CASE("Sequence: a push that grows and whose copy throws changes nothing",
                        "[sequence][exceptions]", SequenceKinds) {
    using Elements = ContainerOf<TestType, ThrowingCopy>;
    ThrowingCopy::Track::reset_all();
    const ThrowingCopy extra(99);

    /// Fails `attempt` on a full container after each number of successful
    /// copies below `copies`, and checks that the container is exactly as it
    /// was (same elements at the same addresses, same capacity), that
    /// nothing leaked, and that the container still works.
    const auto require_strong = [](long copies, const auto& attempt) {
        for (long successes = 0; successes < copies; ++successes) {
            INFO("copies that succeed before the failing one: " << successes);
            const std::size_t outside = ThrowingCopy::Track::live();
            Elements container = TestType::template full<ThrowingCopy>(0);
            const std::vector<const void*> addresses = element_addresses(container);
            {
                const ArmedCountdown failure(copy_countdown(), successes);
                REQUIRE_THROWS_AS(attempt(container), InjectedFailure);
            }
            REQUIRE_NOTHROW(container.check_invariants());
            REQUIRE(container.size() == 8U);
            REQUIRE(container.capacity() == 8U);
            REQUIRE(element_addresses(container) == addresses);
            REQUIRE(ints_of(container) == iota_ints(0, 8));
            REQUIRE(ThrowingCopy::Track::live() == outside + 8U);  // no leak

            container.emplace(99);
            REQUIRE(container.size() == 9U);
            REQUIRE(TestType::newest(container).value() == 99);
            REQUIRE_NOTHROW(container.check_invariants());
        }
    };

    SECTION("push(const T&) copies the new element, then the 8 old ones: fail each in turn") {
        require_strong(9, [&](Elements& container) { container.push(extra); });
        REQUIRE(ThrowingCopy::Track::live() == 1U);  // only `extra`: no leak

        Elements container = TestType::template full<ThrowingCopy>(0);
        {
            const ArmedCountdown failure(copy_countdown(), 9);  // the ninth copy was the last
            REQUIRE_NOTHROW(container.push(extra));
        }
        REQUIRE(container.size() == 9U);
        REQUIRE(TestType::newest(container).value() == 99);
        REQUIRE_NOTHROW(container.check_invariants());
    }
    SECTION("push(T&&) moves the new element, then a throwing copy of an old one") {
        require_strong(8, [](Elements& container) {
            ThrowingCopy pushed(50);
            container.push(std::move(pushed));
        });
    }
    SECTION("emplace of a new element, then a throwing copy of an old one") {
        require_strong(8, [](Elements& container) { container.emplace(50); });
    }
    SECTION("a reserve whose copy throws") {
        require_strong(8, [](Elements& container) { container.reserve(100); });
    }
    REQUIRE(ThrowingCopy::Track::live() == 1U);  // only `extra` is left
    REQUIRE(ThrowingCopy::Track::stats().bad_destructions == 0U);
    REQUIRE(ThrowingCopy::Track::stats().uses_of_dead_objects == 0U);
}

TEMPLATE_LIST_TEST_CASE(
    "Sequence: a copy that throws leaks nothing and a copy assignment is strong",
    "[sequence][exceptions]", SequenceKinds) {
    using Elements = ContainerOf<TestType, ThrowingCopy>;
    ThrowingCopy::Track::reset_all();
    {
        const Elements source = TestType::template full<ThrowingCopy>(0);

        SECTION("copy construction") {
            for (long successes = 0; successes < 8; ++successes) {
                const ArmedCountdown failure(copy_countdown(), successes);
                REQUIRE_THROWS_AS(Elements(source), InjectedFailure);
                REQUIRE(ThrowingCopy::Track::live() == 8U);
            }
        }
        SECTION("copy assignment") {
            Elements target;
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

TEMPLATE_LIST_TEST_CASE("Sequence: holds move-only elements", "[sequence]", SequenceKinds) {
    using Elements = ContainerOf<TestType, MoveOnly>;
    Elements container;
    for (int i = 0; i < 20; ++i) {
        container.push(MoveOnly(i));  // grows twice
    }
    MoveOnly last(20);
    container.push(std::move(last));
    REQUIRE(last.moved_from());  // NOLINT(bugprone-use-after-move)
    REQUIRE_NOTHROW(container.check_invariants());
    REQUIRE(container.begin()->value() == 0);
    REQUIRE(TestType::newest(container).value() == 20);

    MoveOnly taken = std::move(TestType::next_out(container));
    container.pop();
    REQUIRE(taken.value() == (TestType::fifo ? 0 : 20));
    REQUIRE(TestType::next_out(container).value() == (TestType::fifo ? 1 : 19));

    Elements moved(std::move(container));
    REQUIRE(moved.size() == 20U);
    REQUIRE(ints_of(moved) == iota_ints(TestType::fifo ? 1 : 0, 20));
}

TEMPLATE_LIST_TEST_CASE("Sequence: holds elements without a default constructor", "[sequence]",
                        SequenceKinds) {
    using Elements = ContainerOf<TestType, NoDefault>;
    Elements container;
    for (int i = 0; i < 10; ++i) {
        container.emplace(i);  // grows once
    }
    container.push(NoDefault(10));
    REQUIRE_NOTHROW(container.check_invariants());
    REQUIRE(ints_of(container) == iota_ints(0, 11));
    container.pop();
    const Elements copy = container;
    REQUIRE(copy == container);
    REQUIRE(ints_of(copy) == iota_ints(TestType::fifo ? 1 : 0, 10));
}

TEMPLATE_LIST_TEST_CASE("Sequence: push accepts a reference to one of its own elements",
                        "[sequence]", SequenceKinds) {
    const std::string long_text = "long enough to live on the heap, not in the string";
    ContainerOf<TestType, std::string> container;

    SECTION("without growth") {
        container.reserve(8);
        container.push(long_text);
        container.push(TestType::next_out(container));
        container.emplace(TestType::newest(container));
        container.emplace(*container.begin());
        REQUIRE(container.size() == 4U);
        REQUIRE(std::vector<std::string>(container.begin(), container.end()) ==
                std::vector<std::string>(4, long_text));
    }
    SECTION("when the push has to grow, the source is read before it moves") {
        for (int i = 0; i < 8; ++i) {
            container.push(long_text + std::to_string(i));
        }
        REQUIRE(container.size() == container.capacity());
        const std::string next_out = TestType::next_out(container);
        container.push(TestType::next_out(container));  // q.push(q.front()), s.push(s.top())
        REQUIRE(TestType::newest(container) == next_out);

        while (container.size() != container.capacity()) {
            container.push("filler");
        }
        container.push(*container.begin());
        REQUIRE(TestType::newest(container) == long_text + "0");

        while (container.size() != container.capacity()) {
            container.push("filler");
        }
        // Moved from the old block into the new one.
        container.push(std::move(*std::next(container.begin())));
        REQUIRE(TestType::newest(container) == long_text + "1");
    }
    REQUIRE_NOTHROW(container.check_invariants());
}

// Unit tests of the growth rules themselves (telechat/growth.hpp): the
// capacities each one produces, the cap at the maximum without overflow,
// std::length_error past it, the ring capacities and slots the Queue relies
// on; and a third rule, written here from the concept's documentation only,
// that Queue and Stack take without any edit.
#include <telechat/growth.hpp>
#include <telechat/queue.hpp>
#include <telechat/stack.hpp>

#include <catch2/catch.hpp>

#include <bit>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "element_types.hpp"
#include "sequence_kinds.hpp"

using namespace telechat_test;
namespace growth = telechat::growth;

namespace {

constexpr std::size_t no_limit = std::numeric_limits<std::size_t>::max();

/// Grows by 16 slots at a time, whatever the capacity: allowed by the
/// concept, but a push becomes O(n) amortised (the concept says so).
struct PlusSixteen {
    static std::size_t grow(std::size_t current, std::size_t needed, std::size_t max) {
        growth::require_at_most(needed, max);
        std::size_t capacity = current;
        while (capacity < needed) {
            capacity = capacity > max - 16 ? max : capacity + 16;
        }
        return capacity;
    }
    static std::size_t round_up(std::size_t wanted, std::size_t max) {
        growth::require_at_most(wanted, max);
        return wanted;
    }
    static std::size_t slot(std::size_t position, std::size_t capacity) noexcept {
        return position % capacity;
    }
};
static_assert(growth::GrowthRule<PlusSixteen>);
static_assert(!growth::GrowthRule<int>);

using FactsOfEachRule = std::tuple<DoublingFacts, HalfAgainFacts>;

/// The capacities of single pushes from an empty container: grow(c, c + 1).
template <class Rule>
std::vector<std::size_t> capacities_by_single_pushes(std::size_t count, std::size_t max) {
    std::vector<std::size_t> capacities;
    std::size_t capacity = 0;
    for (std::size_t i = 0; i < count; ++i) {
        capacity = Rule::grow(capacity, capacity + 1, max);
        capacities.push_back(capacity);
    }
    return capacities;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("Growth: single pushes from empty give the documented capacities",
                        "[growth]", FactsOfEachRule) {
    using Rule = typename TestType::Rule;
    const std::vector<std::size_t> expected = TestType::capacities();
    REQUIRE(capacities_by_single_pushes<Rule>(expected.size(), no_limit) == expected);
    for (const std::size_t full : expected) {
        REQUIRE(Rule::grow(full, full + 1, no_limit) == TestType::grown(full));
    }
}

TEMPLATE_LIST_TEST_CASE("Growth: a large need is met by growing several steps at once", "[growth]",
                        FactsOfEachRule) {
    using Rule = typename TestType::Rule;
    // From 8 to hold 100: the first capacity of the sequence that does.
    REQUIRE(Rule::grow(8, 100, no_limit) == capacities_until<TestType>(100).back());
    // From nothing, to hold 1: the first capacity, 8.
    REQUIRE(Rule::grow(0, 1, no_limit) == 8U);
    // From a capacity a reserve left below 8, growth starts at 8.
    REQUIRE(Rule::grow(3, 4, no_limit) == 8U);
    // From a reserved capacity off the sequence, growth continues from it.
    REQUIRE(Rule::grow(100, 101, no_limit) == TestType::grown(100));
}

TEMPLATE_LIST_TEST_CASE("Growth: the result never passes the maximum and never overflows",
                        "[growth]", FactsOfEachRule) {
    using Rule = typename TestType::Rule;
    SECTION("a small maximum caps the growth") {
        REQUIRE(Rule::grow(80, 81, 100) == 100U);
        REQUIRE(Rule::grow(99, 100, 100) == 100U);
        REQUIRE(Rule::grow(0, 1, 4) == 4U);  // not even 8 fit
    }
    SECTION("near the top of size_t, the cap is reached without wrapping around") {
        const std::size_t big = no_limit / 3 * 2 + 10;  // × 1.5 or × 2 would pass no_limit
        REQUIRE(Rule::grow(big, big + 1, no_limit) == no_limit);
        REQUIRE(Rule::grow(no_limit - 1, no_limit, no_limit) == no_limit);
    }
    SECTION("past the maximum: std::length_error") {
        REQUIRE_THROWS_AS(Rule::grow(100, 101, 100), std::length_error);
        REQUIRE_THROWS_AS(Rule::grow(0, 5, 4), std::length_error);
        REQUIRE_THROWS_AS(Rule::round_up(101, 100), std::length_error);
    }
    SECTION("every result is above the current capacity, holds the need, stays within the max") {
        for (const std::size_t max : {std::size_t{9}, std::size_t{64}, std::size_t{300}}) {
            for (std::size_t current = 0; current < max; ++current) {
                for (std::size_t needed = current + 1; needed <= max; needed += 7) {
                    const std::size_t grown = Rule::grow(current, needed, max);
                    INFO("current " << current << ", needed " << needed << ", max " << max);
                    REQUIRE(grown > current);
                    REQUIRE(grown >= needed);
                    REQUIRE(grown <= max);
                }
            }
        }
    }
}

TEST_CASE("Growth: Doubling keeps a power-of-two ring a power of two, up to its maximum",
          "[growth]") {
    const std::size_t max = std::size_t{1} << 20;
    for (std::size_t capacity = 8; capacity < max; capacity *= 2) {
        REQUIRE(std::has_single_bit(growth::Doubling::grow(capacity, capacity + 1, max)));
    }
    REQUIRE(growth::Doubling::grow(max / 2, max / 2 + 1, max) == max);
}

TEST_CASE("Growth: ring capacities and slots", "[growth]") {
    SECTION("Doubling rounds up to a power of two and masks") {
        REQUIRE(growth::Doubling::round_up(0, no_limit) == 0U);
        REQUIRE(growth::Doubling::round_up(1, no_limit) == 1U);
        REQUIRE(growth::Doubling::round_up(5, no_limit) == 8U);
        REQUIRE(growth::Doubling::round_up(8, no_limit) == 8U);
        REQUIRE(growth::Doubling::round_up(9, no_limit) == 16U);
    }
    SECTION("HalfAgain takes any capacity") {
        for (const std::size_t wanted : {0U, 1U, 5U, 12U, 27U}) {
            REQUIRE(growth::HalfAgain::round_up(wanted, no_limit) == wanted);
        }
    }
    SECTION("slot(position, capacity) is position % capacity, for each rule's ring capacities") {
        for (std::size_t position = 0; position < 200; ++position) {
            for (const std::size_t capacity : {1U, 8U, 64U}) {
                REQUIRE(growth::Doubling::slot(position, capacity) == position % capacity);
            }
            for (const std::size_t capacity : {1U, 12U, 27U}) {
                REQUIRE(growth::HalfAgain::slot(position, capacity) == position % capacity);
            }
        }
    }
}

TEST_CASE("Growth: a third rule works in Queue and Stack without any edit of them", "[growth]") {
    SECTION("Queue") {
        telechat::Queue<int, PlusSixteen> queue;
        std::vector<std::size_t> capacities;
        for (int i = 0; i < 40; ++i) {
            queue.push(i);
            if (capacities.empty() || capacities.back() != queue.capacity()) {
                capacities.push_back(queue.capacity());
            }
            if (i % 3 == 0) {
                queue.pop();  // keeps the ring wrapping as it grows
            }
            REQUIRE_NOTHROW(queue.check_invariants());
        }
        REQUIRE(capacities == std::vector<std::size_t>{16, 32});
        REQUIRE(queue.front() == 14);
        REQUIRE(queue.size() == 26U);
        queue.reserve(50);
        REQUIRE(queue.capacity() == 50U);
        REQUIRE(ints_of(queue).front() == 14);
        REQUIRE_NOTHROW(queue.check_invariants());
    }
    SECTION("Stack") {
        telechat::Stack<int, PlusSixteen> stack;
        for (int i = 0; i < 40; ++i) {
            stack.push(i);
        }
        REQUIRE(stack.capacity() == 48U);
        REQUIRE(ints_of(stack) == iota_ints(0, 40));
        REQUIRE_NOTHROW(stack.check_invariants());
    }
}

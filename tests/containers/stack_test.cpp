// Unit tests of what only telechat::Stack promises: last in, first out, and
// iterators that are plain pointers. What Queue and Stack both promise is
// tested for both in sequence_contract_test.cpp.
#include <telechat/stack.hpp>

#include <catch2/catch.hpp>

#include <tuple>
#include <type_traits>

#include "element_types.hpp"
#include "sequence_kinds.hpp"

using telechat::Stack;
using namespace telechat_test;

static_assert(std::is_same_v<Stack<int>::iterator, int*>);
static_assert(std::is_same_v<Stack<int>::const_iterator, const int*>);
static_assert(std::is_same_v<Stack<int, telechat::growth::HalfAgain>::iterator, int*>);

namespace {
using StackKinds = std::tuple<StackKind, StackKindOf<HalfAgainFacts>>;
}  // namespace

TEMPLATE_LIST_TEST_CASE("Stack: the last element pushed is the first popped", "[stack]",
                        StackKinds) {
    typename TestType::template Container<int> stack;
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

TEMPLATE_LIST_TEST_CASE("Stack: iterators are pointers into one contiguous array", "[stack]",
                        StackKinds) {
    typename TestType::template Container<int> stack = TestType::template full<int>(10);
    REQUIRE(stack.end() - stack.begin() == 8);
    REQUIRE(stack.cend() - stack.cbegin() == 8);
    REQUIRE(&stack.top() == stack.begin() + 7);
    REQUIRE(stack.begin()[3] == 13);
}

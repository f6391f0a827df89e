// Pictures of live Queues and Stacks (apps/lab/picture_queue.hpp,
// picture_stack.hpp), in text and SVG, and the --steps sequences.
#include "../../apps/lab/picture_queue.hpp"
#include "../../apps/lab/picture_stack.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "svg_check.hpp"

using namespace lab_app;
namespace growth = telechat::growth;

TEST_CASE("Picture: a queue wrapped around the end of its ring", "[lab][picture]") {
    telechat::Queue<int> queue;
    for (int i = 1; i <= 6; ++i) {
        queue.push(i * 10);
    }
    for (int i = 0; i < 4; ++i) {
        queue.pop();
    }
    for (int i = 7; i <= 9; ++i) {
        queue.push(i * 10);
    }
    REQUIRE(to_text(picture_of(queue)) ==
            "Queue: size 5, capacity 8\n"
            "  0    1    2    3    4    5    6    7\n"
            "+----+----+----+----+----+----+----+----+\n"
            "| 90 |    |    |    | 50 | 60 | 70 | 80 |\n"
            "+----+----+----+----+----+----+----+----+\n"
            "                      ^ head: the front, popped next (slot 4)\n"
            "       ^ tail: the next push goes here (slot 1)\n");
}

TEST_CASE("Picture: an empty, a full and a never-allocated queue", "[lab][picture]") {
    telechat::Queue<int, growth::HalfAgain> queue;
    REQUIRE(to_text(picture_of(queue)) == "Queue: size 0, capacity 0\n(no block allocated)\n");
    queue.reserve(3);
    for (int i = 0; i < 3; ++i) {
        queue.push(i);
    }
    REQUIRE(to_text(picture_of(queue)) ==
            "Queue: size 3, capacity 3\n"
            "  0   1   2\n"
            "+---+---+---+\n"
            "| 0 | 1 | 2 |\n"
            "+---+---+---+\n"
            "  ^ head: the front, popped next (slot 0)\n"
            "  ^ tail = head: full; the next push grows the ring\n");
    queue.pop();
    queue.pop();
    queue.pop();
    REQUIRE(to_text(picture_of(queue)) ==
            "Queue: size 0, capacity 3\n"
            "  0   1   2\n"
            "+---+---+---+\n"
            "|   |   |   |\n"
            "+---+---+---+\n"
            "  ^ head = tail: empty; the next push goes here (slot 0)\n");
}

TEST_CASE("Picture: a stack, its top and its raw slots", "[lab][picture]") {
    telechat::Stack<std::string> stack{"ana", "bo"};
    stack.reserve(4);
    REQUIRE(to_text(picture_of(stack)) ==
            "Stack: size 2, capacity 4\n"
            "   0     1     2     3\n"
            "+-----+-----+-----+-----+\n"
            "| ana | bo  |     |     |\n"
            "+-----+-----+-----+-----+\n"
            "         ^ top: popped next (slot 1)\n"
            "               ^ the next push goes here (slot 2)\n");
}

TEST_CASE("Picture: --steps draws the container after each operation", "[lab][picture]") {
    const auto operations = parse_operations("push 1, push 2,pop , pop,pop");
    REQUIRE(operations.has_value());
    const std::vector<std::string> steps = stack_steps(*operations);
    REQUIRE(steps.size() == 5U);
    REQUIRE(steps[0].starts_with("after push 1: Stack: size 1, capacity 8\n"));
    REQUIRE(steps[2].starts_with("after pop: Stack: size 1, capacity 8\n"));
    REQUIRE(steps[4].starts_with("after pop (refused: empty): Stack: size 0, capacity 8\n"));

    SECTION("the default queue steps wrap the ring, fill it and grow it while wrapped") {
        const std::vector<std::string> queue = queue_steps(default_queue_operations());
        REQUIRE(queue.size() == 17U);
        REQUIRE(queue[14].find("| 9  | 10 | 11 |    | 5  |") != std::string::npos);
        REQUIRE(queue[15].find("tail = head: full") != std::string::npos);
        REQUIRE(queue[16].starts_with("after push 13: Queue: size 9, capacity 16\n"));
        REQUIRE(queue[16].find("| 5  | 6  | 7  | 8  | 9  | 10 | 11 | 12 | 13 |") !=
                std::string::npos);
        const auto half_again = queue_steps<growth::HalfAgain>(default_queue_operations());
        REQUIRE(half_again[16].starts_with("after push 13: Queue: size 9, capacity 12\n"));
    }
    SECTION("the default stack steps fill the block and grow it") {
        const std::vector<std::string> stack = stack_steps(default_stack_operations());
        REQUIRE(stack.size() == 12U);
        REQUIRE(stack[7].find("full: the next push grows the block") != std::string::npos);
        REQUIRE(stack[8].starts_with("after push 9: Stack: size 9, capacity 16\n"));
        REQUIRE(stack[11].starts_with("after pop: Stack: size 6, capacity 16\n"));
    }
}

TEST_CASE("Picture: operations that do not parse are refused whole", "[lab][picture]") {
    REQUIRE_FALSE(parse_operations("").has_value());
    REQUIRE_FALSE(parse_operations("push").has_value());
    REQUIRE_FALSE(parse_operations("push x").has_value());
    REQUIRE_FALSE(parse_operations("push 1,,pop").has_value());
    REQUIRE_FALSE(parse_operations("push 1 2").has_value());
    REQUIRE_FALSE(parse_operations("peek").has_value());
    REQUIRE(parse_operations("push -3").value().front().value == -3);
}

TEST_CASE("Picture: as SVG, one slot rectangle per slot and one label per marker",
          "[lab][picture]") {
    telechat::Queue<std::string> queue{"<a>", "b&c"};
    const std::string svg = to_svg(picture_of(queue));
    REQUIRE(lab_test::svg_problem(svg).empty());
    REQUIRE(queue.capacity() == 2U);
    REQUIRE(lab_test::occurrences(svg, "<rect") == 1U + 2U);  // the background, then the slots
    REQUIRE(svg.find("&lt;a&gt;") != std::string::npos);
    REQUIRE(svg.find("b&amp;c") != std::string::npos);
    REQUIRE(svg.find("head: the front") != std::string::npos);

    const std::string steps = to_svg(stack_step_pictures(default_stack_operations()));
    REQUIRE(lab_test::svg_problem(steps).empty());
    REQUIRE(lab_test::occurrences(steps, "after push") == 9U);
    REQUIRE(steps == to_svg(stack_step_pictures(default_stack_operations())));
}

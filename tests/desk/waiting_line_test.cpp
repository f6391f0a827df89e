// Unit tests of telechat::WaitingLine: FIFO order, leaving from the middle,
// returning customers at their old place, the positions to report, and that
// none of it allocates.
#include <telechat/desk/waiting_line.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

using telechat::WaitingLine;

namespace {

std::vector<std::uint32_t> slots_of(const WaitingLine& line) {
    std::vector<std::uint32_t> slots;
    for (const WaitingLine::Entry& entry : line) {
        slots.push_back(entry.slot);
    }
    return slots;
}

using Told = std::vector<std::pair<std::uint32_t, std::size_t>>;

Told report(WaitingLine& line) {
    Told told;
    line.report_new_positions(
        [&](std::uint32_t slot, std::size_t position) { told.emplace_back(slot, position); });
    return told;
}

}  // namespace

TEST_CASE("waiting line: customers are served in arrival order", "[waiting_line]") {
    WaitingLine line;
    const std::uint64_t first = line.join(7);
    const std::uint64_t second = line.join(3);
    line.join(9);
    CHECK(first < second);
    CHECK(slots_of(line) == std::vector<std::uint32_t>{7, 3, 9});
    CHECK(report(line) == Told{{7, 1}, {3, 2}, {9, 3}});
    CHECK(report(line).empty());  // nothing changed since
    CHECK(line.front() == 7);
    CHECK(line.serve_front() == 7);
    CHECK(report(line) == Told{{3, 1}, {9, 2}});
    line.check_invariants();
}

TEST_CASE("waiting line: leaving from the middle reports only those behind", "[waiting_line]") {
    WaitingLine line;
    for (std::uint32_t slot = 0; slot < 5; ++slot) {
        line.join(slot);
    }
    report(line);
    line.leave(2);
    CHECK(slots_of(line) == std::vector<std::uint32_t>{0, 1, 3, 4});
    CHECK(report(line) == Told{{3, 3}, {4, 4}});
    line.leave(0);
    line.leave(4);
    line.leave(42);  // not in the line: nothing happens
    CHECK(slots_of(line) == std::vector<std::uint32_t>{1, 3});
    CHECK(report(line) == Told{{1, 1}, {3, 2}});
    line.check_invariants();
}

TEST_CASE("waiting line: returning customers go back to the place their tickets give",
          "[waiting_line]") {
    WaitingLine line;
    const std::uint64_t ann = line.join(0);
    const std::uint64_t bob = line.join(1);
    line.join(2);
    const std::uint64_t dan = line.join(3);
    line.leave(0);
    line.leave(1);
    line.leave(3);
    report(line);
    line.rejoin(3, dan);
    line.rejoin(0, ann);
    line.rejoin(1, bob);
    line.check_invariants();
    CHECK(slots_of(line) == std::vector<std::uint32_t>{0, 1, 2, 3});
    CHECK(report(line) == Told{{0, 1}, {1, 2}, {2, 3}, {3, 4}});
    line.join(4);
    CHECK(slots_of(line) == std::vector<std::uint32_t>{0, 1, 2, 3, 4});
    line.check_invariants();
}

TEST_CASE("waiting line: departures and returns do not allocate", "[waiting_line]") {
    WaitingLine line;
    std::vector<std::uint64_t> tickets;
    for (std::uint32_t slot = 0; slot < 64; ++slot) {
        tickets.push_back(line.join(slot));
    }
    const std::size_t capacity = line.capacity();
    for (std::uint32_t round = 0; round < 1000; ++round) {
        const std::uint32_t slot = (round * 37) % 64;
        line.leave(slot);
        line.rejoin(slot, tickets[slot]);
    }
    CHECK(line.capacity() == capacity);
    CHECK(line.size() == 64);
    line.check_invariants();
}

// Unit tests of telechat::SessionSlots, the generational slot map behind the
// desk's connection ids: reuse of freed slots, stale ids, and its invariants.
#include <telechat/desk/session_slots.hpp>

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using telechat::ConnectionId;
using telechat::SessionSlots;

TEST_CASE("slots: new ids take fresh slots, and records start default", "[slots]") {
    SessionSlots<std::string> slots;
    const ConnectionId a = slots.insert();
    const ConnectionId b = slots.insert();
    CHECK(a == ConnectionId{0, 0});
    CHECK(b == ConnectionId{1, 0});
    CHECK(slots.size() == 2);
    CHECK(slots.slot_count() == 2);
    CHECK(slots[a.slot].empty());
    slots[b.slot] = "bob";
    CHECK(slots[slots.slot_of(b)] == "bob");
    CHECK(slots.id_of(1) == b);
    slots.check_invariants();
}

TEST_CASE("slots: a freed slot is reused with the next generation, and old ids go stale",
          "[slots]") {
    SessionSlots<std::string> slots;
    const ConnectionId a = slots.insert();
    const ConnectionId b = slots.insert();
    slots[a.slot] = "ann";
    slots.erase(a);
    CHECK_FALSE(slots.contains(a));
    CHECK(slots.contains(b));
    CHECK_FALSE(slots.in_use(a.slot));
    CHECK(slots.size() == 1);
    slots.check_invariants();
    const ConnectionId c = slots.insert();
    CHECK(c == ConnectionId{a.slot, a.generation + 1});
    CHECK(slots[c.slot].empty());  // the record was reset
    CHECK_FALSE(slots.contains(a));
    CHECK(slots.slot_count() == 2);
    slots.check_invariants();
}

TEST_CASE("slots: the last freed slot is reused first", "[slots]") {
    SessionSlots<int> slots;
    const ConnectionId a = slots.insert();
    const ConnectionId b = slots.insert();
    const ConnectionId c = slots.insert();
    slots.erase(a);
    slots.erase(c);
    CHECK(slots.insert().slot == c.slot);
    CHECK(slots.insert().slot == a.slot);
    CHECK(slots.insert().slot == 3);
    CHECK(slots.contains(b));
    slots.check_invariants();
}

TEST_CASE("slots: stale and unknown ids are refused", "[slots]") {
    SessionSlots<int> slots;
    const ConnectionId a = slots.insert();
    slots.erase(a);
    CHECK_THROWS_AS(slots.slot_of(a), std::invalid_argument);
    CHECK_THROWS_AS(slots.erase(a), std::invalid_argument);
    CHECK_FALSE(slots.contains(ConnectionId{7, 0}));
    CHECK_THROWS_AS(slots.slot_of(ConnectionId{7, 0}), std::invalid_argument);
    CHECK(slots.size() == 0);
    slots.check_invariants();
}

TEST_CASE("slots: many opens and closes keep the free list exact", "[slots]") {
    SessionSlots<int> slots;
    std::vector<ConnectionId> open;
    for (int round = 0; round < 200; ++round) {
        open.push_back(slots.insert());
        if (round % 3 == 2) {
            slots.erase(open[open.size() / 2]);
            open.erase(open.begin() + static_cast<std::ptrdiff_t>(open.size() / 2));
        }
        slots.check_invariants();
    }
    CHECK(slots.size() == open.size());
    for (const ConnectionId id : open) {
        CHECK(slots.contains(id));
    }
}

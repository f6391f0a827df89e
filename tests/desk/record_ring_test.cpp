// Unit tests of telechat::RecordRing: the newest records, in order, packed in
// one buffer that wraps around instead of growing, checked against a model.
#include <telechat/desk/history_store.hpp>
#include <telechat/desk/record_ring.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <random>
#include <string>
#include <vector>

using telechat::RecordRing;

namespace {

std::vector<std::string> contents(const RecordRing& ring) {
    return {ring.begin(), ring.end()};
}

}  // namespace

TEST_CASE("record ring: keeps the newest records in order, joined from their parts",
          "[record_ring]") {
    RecordRing ring(2);
    ring.push("1 ", "ann", " hi");
    ring.push(std::string("2 bob"));
    ring.push("3", std::string_view(""), " cid");
    CHECK(contents(ring) == std::vector<std::string>{"2 bob", "3 cid"});
    CHECK(ring.size() == 2);
    CHECK(ring.used_bytes() == 2 * RecordRing::header_bytes + 5 + 5);
    ring.check_invariants();
}

TEST_CASE("record ring: a limit of zero keeps nothing and allocates nothing", "[record_ring]") {
    RecordRing ring(0);
    ring.push("hello");
    CHECK(ring.empty());
    CHECK(ring.capacity_bytes() == 0);
    ring.check_invariants();
}

TEST_CASE("record ring: empty records count like any other", "[record_ring]") {
    RecordRing ring(3);
    ring.push("");
    ring.push("x");
    ring.push("");
    CHECK(contents(ring) == std::vector<std::string>{"", "x", ""});
    ring.check_invariants();
}

TEST_CASE("record ring: with room reserved, a full ring reuses its buffer for ever",
          "[record_ring]") {
    RecordRing ring(10);
    ring.reserve(1000);
    REQUIRE(ring.capacity_bytes() == 1000);
    for (int i = 0; i < 5000; ++i) {
        ring.push("record number ", std::to_string(i));  // 18-21 bytes: the buffer wraps often
        REQUIRE(ring.capacity_bytes() == 1000);
    }
    CHECK(ring.size() == 10);
    CHECK(*ring.begin() == "record number 4990");
    ring.check_invariants();
}

TEST_CASE("record ring: reserve keeps the records, in order", "[record_ring]") {
    RecordRing ring(4);
    for (int i = 0; i < 7; ++i) {
        ring.push(std::string(static_cast<std::size_t>(40 + i), static_cast<char>('a' + i)));
    }
    const std::vector<std::string> before = contents(ring);
    ring.reserve(4096);
    CHECK(ring.capacity_bytes() == 4096);
    CHECK(contents(ring) == before);
    ring.reserve(16);  // never shrinks
    CHECK(ring.capacity_bytes() == 4096);
    ring.check_invariants();
}

TEST_CASE("record ring: agrees with a model on random records and limits", "[record_ring]") {
    std::mt19937 random(20261204);
    for (int trial = 0; trial < 200; ++trial) {
        const std::size_t limit = 1 + random() % 40;
        RecordRing ring(limit);
        if (trial % 2 == 0) {
            ring.reserve(random() % 2000);
        }
        std::vector<std::string> model;
        for (int step = 0; step < 300; ++step) {
            // Mostly short records, now and then a long one that forces growth.
            const std::size_t length = random() % 10 == 0 ? random() % 600 : random() % 40;
            std::string record(length, static_cast<char>('a' + step % 26));
            ring.push(record);
            model.push_back(record);
            if (model.size() > limit) {
                model.erase(model.begin());
            }
            REQUIRE(contents(ring) == model);
            ring.check_invariants();
        }
    }
}

TEST_CASE("history: reserve gives a history its room, once, capped", "[history]") {
    telechat::HistoryStore store(100, 10, 96);
    const std::uint32_t ann = store.open("ann");
    store.append(ann, 1, "ann", "bob", "before the room");
    store.reserve(ann);
    const telechat::RecordRing* records = store.find("ann");
    REQUIRE(records != nullptr);
    CHECK(records->capacity_bytes() == 100 * 96);
    CHECK(records->size() == 1);
    for (int i = 0; i < 100; ++i) {
        store.append(ann, 2, "ann", "bob",
                     "a message of about sixty characters, as people write them");
    }
    CHECK(records->capacity_bytes() == 100 * 96);  // a full history fitted: no growth
    store.check_invariants();

    telechat::HistoryStore huge(10'000'000, 10, 96);
    const std::uint32_t bob = huge.open("bob");
    huge.reserve(bob);
    CHECK(huge.find("bob")->capacity_bytes() == telechat::HistoryStore::largest_reserve);

    telechat::HistoryStore none(100, 10, 0);
    none.reserve(none.open("cid"));
    CHECK(none.find("cid")->capacity_bytes() == 0);
}

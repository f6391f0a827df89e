// Unit tests of telechat::HistoryStore: records and their limit, names
// ignoring case, and forgetting the users who left longest ago.
#include <telechat/desk/history_store.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using telechat::HistoryStore;

namespace {

std::vector<std::string> records_of(const HistoryStore& store, std::string_view name) {
    const auto* records = store.find(name);
    REQUIRE(records != nullptr);
    return {records->begin(), records->end()};
}

}  // namespace

TEST_CASE("history: records are kept per user, oldest dropped past the limit", "[history]") {
    HistoryStore store(2, 100);
    const std::uint32_t ann = store.open("ann");
    store.append(ann, 1, "ann", "bob", "one");
    store.append(ann, 2, "ann", "bob", "two");
    store.append(ann, 3, "bob", "ann", "three words here");
    CHECK(records_of(store, "ANN") ==
          std::vector<std::string>{"2 ann bob two", "3 bob ann three words here"});
    CHECK(store.find("bob") == nullptr);
    CHECK(store.size() == 1);
    store.check_invariants();
}

TEST_CASE("history: a limit of zero records nothing", "[history]") {
    HistoryStore store(0, 100);
    const std::uint32_t ann = store.open("ann");
    store.append(ann, 1, "ann", "*", "hello");
    CHECK(records_of(store, "ann").empty());
    store.check_invariants();
}

TEST_CASE("history: a returning user finds its history, in any case", "[history]") {
    HistoryStore store(10, 100);
    const std::uint32_t first = store.open("Ann");
    store.append(first, 5, "Ann", "*", "hi");
    store.close(first);
    store.check_invariants();
    const std::uint32_t again = store.open("aNN");
    CHECK(again == first);
    CHECK(records_of(store, "ann") == std::vector<std::string>{"5 Ann * hi"});
    store.check_invariants();
}

TEST_CASE("history: past the bound, the user who left longest ago is forgotten", "[history]") {
    HistoryStore store(10, 2);
    const std::uint32_t ann = store.open("ann");
    const std::uint32_t bob = store.open("bob");
    store.close(ann);
    store.close(bob);
    store.open("cid");  // forgets ann, who left first
    CHECK(store.find("ann") == nullptr);
    CHECK(store.find("bob") != nullptr);
    CHECK(store.size() == 2);
    store.check_invariants();
    store.open("bob");  // back online: its old departure no longer counts
    store.open("dan");  // nobody gone to forget: the store grows past the bound
    CHECK(store.size() == 3);
    store.check_invariants();
}

TEST_CASE("history: a user who left, came back and left again is forgotten by its last departure",
          "[history]") {
    HistoryStore store(10, 2);
    const std::uint32_t ann = store.open("ann");
    store.close(ann);
    const std::uint32_t bob = store.open("bob");
    store.close(bob);
    store.open("ann");
    store.close(ann);   // ann's first departure is stale now
    store.open("cid");  // forgets bob, who left before ann's last departure
    CHECK(store.find("bob") == nullptr);
    CHECK(store.find("ann") != nullptr);
    store.check_invariants();
}

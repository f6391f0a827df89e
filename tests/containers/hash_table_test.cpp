// Unit tests of telechat::HashTable: every public member, growth and
// rehashing, the load factor, erase while iterating, heterogeneous lookup,
// stats(), weak hashes, element lifetimes and exception safety.
#include <telechat/hash_table.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "element_types.hpp"
#include "hash_combination.hpp"

// Compiled once per collision strategy and sizing rule: see hash_combination.hpp.
namespace COMBINATION_NAMESPACE {
using telechat_test::ComboTable;

using telechat::HashTable;
using namespace telechat_test;

namespace {

using IntTable = ComboTable<int, int>;
using StringTable = ComboTable<std::string, int, telechat::StringHash, std::equal_to<>>;

static_assert(std::is_same_v<IntTable::value_type, std::pair<const int, int>>);
static_assert(
    std::is_same_v<std::iter_reference_t<IntTable::iterator>, std::pair<const int, int>&>);
static_assert(std::random_access_iterator<IntTable::iterator>);
static_assert(std::random_access_iterator<IntTable::const_iterator>);
static_assert(std::is_convertible_v<IntTable::iterator, IntTable::const_iterator>);
static_assert(!std::is_convertible_v<IntTable::const_iterator, IntTable::iterator>);
static_assert(std::is_nothrow_move_constructible_v<IntTable>);
static_assert(std::is_nothrow_move_assignable_v<IntTable>);
static_assert(IntTable::max_size() == std::numeric_limits<std::uint32_t>::max());

/// A hash and an equality with state, to see that the table keeps them.
struct SeededHash {
    std::size_t seed = 0;
    std::size_t operator()(int key) const noexcept { return std::hash<int>{}(key) ^ seed; }
};
struct TaggedEqual {
    int tag = 0;
    bool operator()(int a, int b) const noexcept { return a == b; }
};

/// Hashes a Counted by its value, so that it can be a key.
struct CountedHash {
    std::size_t operator()(const Counted& key) const noexcept {
        return std::hash<int>{}(key.value());
    }
};

/// A table mapping each key in [first, first + count) to key * 10.
IntTable table_of_range(int first, int count) {
    IntTable table;
    for (int key = first; key < first + count; ++key) {
        table.try_emplace(key, key * 10);
    }
    return table;
}

/// The keys of a table in iteration order.
template <class Table>
std::vector<typename Table::key_type> keys_in_order(const Table& table) {
    std::vector<typename Table::key_type> keys;
    for (const auto& element : table) {
        keys.push_back(element.first);
    }
    return keys;
}

/// Whether the table maps exactly each key in [first, first + count) to key * 10.
template <class Table>
bool holds_range(const Table& table, int first, int count) {
    if (table.size() != static_cast<std::size_t>(count)) {
        return false;
    }
    for (int key = first; key < first + count; ++key) {
        const auto found = table.find(key);
        if (found == table.end() || found->first != key || as_int(found->second) != key * 10) {
            return false;
        }
    }
    return true;
}

}  // namespace

// ---------------------------------------------------------------------------
// Construction and the empty table
// ---------------------------------------------------------------------------

TEST_CASE(COMBINATION "HashTable: a default-constructed table is empty and allocates nothing",
          "[hash_table]") {
    const std::size_t before = allocation_count();
    IntTable table;
    const IntTable& read_only = table;
    const bool found = table.find(1) != table.end() || read_only.find(1) != read_only.end();
    const bool contained = table.contains(1);
    const std::size_t counted = table.count(1);
    const std::size_t erased = table.erase(1);
    const std::size_t allocations = allocation_count() - before;

    REQUIRE(allocations == 0U);
    REQUIRE_FALSE(found);
    REQUIRE_FALSE(contained);
    REQUIRE(counted == 0U);
    REQUIRE(erased == 0U);
    REQUIRE(table.empty());
    REQUIRE(table.size() == 0U);
    REQUIRE(table.bucket_count() == 0U);
    REQUIRE(table.load_factor() == 0.0F);
    REQUIRE(table.max_load_factor() == IntTable::default_max_load_factor);
    REQUIRE(table.begin() == table.end());
    REQUIRE(read_only.cbegin() == read_only.cend());
    REQUIRE_THROWS_AS(table.at(1), std::out_of_range);
    REQUIRE_THROWS_AS(read_only.at(1), std::out_of_range);
    REQUIRE_NOTHROW(table.check_invariants());
}

TEST_CASE(COMBINATION
          "HashTable: the bucket-count constructor sizes the index and keeps hash and equality",
          "[hash_table]") {
    using Table = ComboTable<int, int, SeededHash, TaggedEqual>;
    Table table(100, SeededHash{7}, TaggedEqual{3});
    const std::size_t buckets = Sizing::round_up(100);
    REQUIRE(table.bucket_count() == buckets);
    REQUIRE(table.empty());
    REQUIRE(table.hash_function().seed == 7U);
    REQUIRE(table.key_eq().tag == 3);
    REQUIRE_NOTHROW(table.check_invariants());

    for (int key = 0; key < 100; ++key) {
        table.try_emplace(key, key);
    }
    // 100 fit into the buckets asked for, at the default load
    REQUIRE(table.bucket_count() == buckets_for_request(100, 100, Table::default_max_load_factor));
    REQUIRE_NOTHROW(table.check_invariants());

    REQUIRE(Table(0).bucket_count() == 0U);
    REQUIRE(allowed_bucket_count(Table(1).bucket_count()));
    REQUIRE(Table(9).bucket_count() == Sizing::round_up(9));
}

TEST_CASE(COMBINATION "HashTable: list and range constructors keep the first of equal keys",
          "[hash_table]") {
    SECTION("initializer list") {
        const IntTable table{{1, 10}, {2, 20}, {1, 99}, {3, 30}};
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE(table.size() == 3U);
        REQUIRE(table.at(1) == 10);
        REQUIRE(keys_in_order(table) == std::vector<int>{1, 2, 3});
    }
    SECTION("iterator range") {
        const std::vector<std::pair<int, int>> pairs{{5, 50}, {6, 60}, {5, 55}, {7, 70}, {6, 66}};
        const IntTable table(pairs.begin(), pairs.end());
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE(table.size() == 3U);
        REQUIRE(table.at(5) == 50);
        REQUIRE(table.at(6) == 60);
        REQUIRE(table.at(7) == 70);
    }
}

TEST_CASE(COMBINATION "HashTable: a table with one element", "[hash_table]") {
    IntTable table;
    const auto [position, inserted] = table.insert({7, 70});
    REQUIRE(inserted);
    REQUIRE_NOTHROW(table.check_invariants());
    REQUIRE(table.size() == 1U);
    REQUIRE_FALSE(table.empty());
    REQUIRE(position == table.begin());
    REQUIRE(table.begin() + 1 == table.end());
    REQUIRE(table.find(7) == position);
    REQUIRE(table.find(8) == table.end());
    const std::size_t buckets = table.bucket_count();
    REQUIRE(buckets != 0U);

    REQUIRE(table.erase(7) == 1U);
    REQUIRE_NOTHROW(table.check_invariants());
    REQUIRE(table.empty());
    REQUIRE(table.find(7) == table.end());
    REQUIRE(table.bucket_count() == buckets);  // the index stays for the next insert
}

// ---------------------------------------------------------------------------
// Insertion
// ---------------------------------------------------------------------------

TEST_CASE(COMBINATION "HashTable: insert adds a new key and leaves an existing one alone",
          "[hash_table]") {
    ComboTable<int, std::string> table;
    const std::string long_value = "a value long enough to be allocated on the heap";

    SECTION("insert(const value_type&)") {
        const std::pair<int, std::string> element{1, long_value};
        auto [first, inserted] = table.insert(element);
        REQUIRE(inserted);
        REQUIRE(first->second == long_value);
        REQUIRE(element.second == long_value);

        const std::pair<int, std::string> duplicate{1, "other"};
        auto [second, inserted_again] = table.insert(duplicate);
        REQUIRE_FALSE(inserted_again);
        REQUIRE(second == first);
        REQUIRE(table.at(1) == long_value);
    }
    SECTION("insert(value_type&&) moves only when it inserts") {
        std::pair<int, std::string> element{1, long_value};
        REQUIRE(table.insert(std::move(element)).second);
        REQUIRE(table.at(1) == long_value);

        std::pair<int, std::string> duplicate{1, long_value + " (duplicate)"};
        const auto result = table.insert(std::move(duplicate));
        REQUIRE_FALSE(result.second);
        REQUIRE(duplicate.second ==
                long_value + " (duplicate)");  // NOLINT(bugprone-use-after-move)
        REQUIRE(table.at(1) == long_value);
    }
    SECTION("insert(first, last) and insert(initializer list) skip present keys") {
        table.insert({{1, "one"}, {2, "two"}});
        const std::vector<std::pair<int, std::string>> more{{2, "zwei"}, {3, "three"}, {3, "drei"}};
        table.insert(more.begin(), more.end());
        table.insert({{3, "trois"}, {4, "four"}});
        REQUIRE(table.size() == 4U);
        REQUIRE(table.at(1) == "one");
        REQUIRE(table.at(2) == "two");
        REQUIRE(table.at(3) == "three");
        REQUIRE(table.at(4) == "four");
    }
    REQUIRE_NOTHROW(table.check_invariants());
}

TEST_CASE(COMBINATION "HashTable: emplace builds the pair and drops it if the key is present",
          "[hash_table]") {
    Counted::Track::reset_all();
    {
        ComboTable<int, Counted> table;
        auto [first, inserted] = table.emplace(1, 10);
        REQUIRE(inserted);
        REQUIRE(first->first == 1);
        REQUIRE(first->second.value() == 10);

        auto [second, inserted_again] = table.emplace(1, 11);
        REQUIRE_FALSE(inserted_again);
        REQUIRE(second == first);
        REQUIRE(table.at(1).value() == 10);
        REQUIRE(table.size() == 1U);
        REQUIRE(Counted::Track::live() == 1U);  // the rejected candidate is gone
        REQUIRE_NOTHROW(table.check_invariants());

        table.emplace(std::piecewise_construct, std::forward_as_tuple(2),
                      std::forward_as_tuple(20));
        table.emplace(std::pair<int, Counted>(3, Counted(30)));
        REQUIRE(table.size() == 3U);
        REQUIRE(table.at(2).value() == 20);
        REQUIRE(table.at(3).value() == 30);

        // Many duplicates in a row, also while the value array is full.
        for (int round = 0; round < 3; ++round) {
            for (int key = 0; key < 40; ++key) {
                table.emplace(key, key);
            }
        }
        REQUIRE(table.size() == 40U);
        REQUIRE(table.at(1).value() == 10);
        REQUIRE(Counted::Track::live() == 40U);
        REQUIRE_NOTHROW(table.check_invariants());
    }
    REQUIRE(Counted::Track::live() == 0U);
    REQUIRE(Counted::Track::stats().bad_destructions == 0U);
}

TEST_CASE(COMBINATION "HashTable: try_emplace does not touch its arguments when the key exists",
          "[hash_table]") {
    SECTION("a move-only mapped value is not moved from") {
        ComboTable<int, std::unique_ptr<int>> table;
        REQUIRE(table.try_emplace(1, std::make_unique<int>(10)).second);

        auto pointer = std::make_unique<int>(11);
        const auto [position, inserted] = table.try_emplace(1, std::move(pointer));
        REQUIRE_FALSE(inserted);
        REQUIRE(pointer != nullptr);  // NOLINT(bugprone-use-after-move)
        REQUIRE(*pointer == 11);
        REQUIRE(*position->second == 10);

        REQUIRE(table.try_emplace(2, std::move(pointer)).second);
        REQUIRE(pointer == nullptr);  // NOLINT(bugprone-use-after-move): inserted, so taken
        REQUIRE(*table.at(2) == 11);
    }
    SECTION("a key passed as an rvalue is not moved from") {
        ComboTable<std::string, std::string> table;
        std::string key = "a key that is long enough to own heap memory";
        table.try_emplace(key, "first");

        std::string same_key = key;
        std::string value = "a value that is long enough to own heap memory";
        REQUIRE_FALSE(table.try_emplace(std::move(same_key), std::move(value)).second);
        REQUIRE(same_key == key);  // NOLINT(bugprone-use-after-move)
        REQUIRE(
            value ==
            "a value that is long enough to own heap memory");  // NOLINT(bugprone-use-after-move)
        REQUIRE(table.at(key) == "first");
    }
    SECTION("no mapped value is even constructed") {
        Counted::Track::reset_all();
        ComboTable<int, Counted> table;
        table.try_emplace(1, 10);
        Counted::Track::reset_counters();
        REQUIRE_FALSE(table.try_emplace(1, 12).second);
        REQUIRE(Counted::Track::stats().constructions == 0U);
        REQUIRE(table.at(1).value() == 10);
    }
}

TEST_CASE(COMBINATION "HashTable: insert_or_assign inserts a new key or overwrites the value",
          "[hash_table]") {
    ComboTable<std::string, std::string> table;
    const std::string key = "a key that is long enough to own heap memory";

    auto [first, inserted] = table.insert_or_assign(key, "one");
    REQUIRE(inserted);
    REQUIRE(first->second == "one");

    auto [second, inserted_again] = table.insert_or_assign(key, std::string("two"));
    REQUIRE_FALSE(inserted_again);
    REQUIRE(second == first);
    REQUIRE(table.at(key) == "two");
    REQUIRE(table.size() == 1U);

    std::string rvalue_key = key;
    REQUIRE_FALSE(table.insert_or_assign(std::move(rvalue_key), "three").second);
    REQUIRE(rvalue_key == key);  // NOLINT(bugprone-use-after-move): not inserted, so not taken
    REQUIRE(table.at(key) == "three");

    std::string new_key = key + "!";
    REQUIRE(table.insert_or_assign(std::move(new_key), "four").second);
    REQUIRE(table.at(key + "!") == "four");
    REQUIRE_NOTHROW(table.check_invariants());
}

TEST_CASE(COMBINATION
          "HashTable: operator[] inserts a value-initialised value only if the key is absent",
          "[hash_table]") {
    ComboTable<std::string, int> table;
    int& fresh = table["alpha"];
    REQUIRE(fresh == 0);
    REQUIRE(table.size() == 1U);

    fresh = 5;
    REQUIRE(table["alpha"] == 5);
    REQUIRE(table.size() == 1U);

    ++table["beta"];
    ++table["beta"];
    REQUIRE(table.at("beta") == 2);

    const std::string key = "gamma";
    table[key] = 3;  // the const K& overload
    REQUIRE(table.at(key) == 3);
    REQUIRE(table.size() == 3U);
    REQUIRE_NOTHROW(table.check_invariants());
}

// ---------------------------------------------------------------------------
// Lookup
// ---------------------------------------------------------------------------

TEST_CASE(COMBINATION "HashTable: find, contains, count and at agree on present and absent keys",
          "[hash_table]") {
    IntTable table = table_of_range(0, 500);
    const IntTable& read_only = table;
    for (int key = -100; key < 600; ++key) {
        const bool present = key >= 0 && key < 500;
        INFO("key " << key);
        REQUIRE(table.contains(key) == present);
        REQUIRE(table.count(key) == (present ? 1U : 0U));
        REQUIRE((table.find(key) != table.end()) == present);
        REQUIRE((read_only.find(key) != read_only.end()) == present);
        if (present) {
            REQUIRE(table.find(key)->first == key);
            REQUIRE(table.at(key) == key * 10);
            REQUIRE(read_only.at(key) == key * 10);
            REQUIRE(&table.at(key) == &table.find(key)->second);
        } else {
            REQUIRE_THROWS_AS(table.at(key), std::out_of_range);
            REQUIRE_THROWS_AS(read_only.at(key), std::out_of_range);
        }
    }
    table.at(3) = -3;
    REQUIRE(table.find(3)->second == -3);
}

// ---------------------------------------------------------------------------
// Removal
// ---------------------------------------------------------------------------

TEST_CASE(COMBINATION "HashTable: erase by key removes exactly that key", "[hash_table]") {
    IntTable table = table_of_range(0, 300);
    for (int key = 0; key < 300; key += 2) {
        REQUIRE(table.erase(key) == 1U);
        REQUIRE(table.erase(key) == 0U);
    }
    REQUIRE(table.erase(1000) == 0U);
    REQUIRE_NOTHROW(table.check_invariants());
    REQUIRE(table.size() == 150U);
    for (int key = 0; key < 300; ++key) {
        REQUIRE(table.contains(key) == (key % 2 == 1));
    }
    for (int key = 1; key < 300; key += 2) {
        REQUIRE(table.at(key) == key * 10);
    }
}

TEST_CASE(COMBINATION "HashTable: erase by iterator fills the hole with the last element",
          "[hash_table]") {
    IntTable table;
    for (int key = 1; key <= 5; ++key) {
        table.try_emplace(key, key * 10);
    }
    REQUIRE(keys_in_order(table) == std::vector<int>{1, 2, 3, 4, 5});

    SECTION("erasing from the middle returns the element moved into its place") {
        const auto next = table.erase(table.find(2));
        REQUIRE(next == table.begin() + 1);
        REQUIRE(next->first == 5);
        REQUIRE(next->second == 50);
        REQUIRE(keys_in_order(table) == std::vector<int>{1, 5, 3, 4});
    }
    SECTION("erasing the last element returns end()") {
        const auto next = table.erase(table.find(5));
        REQUIRE(next == table.end());
        REQUIRE(keys_in_order(table) == std::vector<int>{1, 2, 3, 4});
    }
    SECTION("erase takes a const_iterator too") {
        const IntTable::const_iterator position = table.cbegin();
        const auto next = table.erase(position);
        REQUIRE(next->first == 5);
        REQUIRE(keys_in_order(table) == std::vector<int>{5, 2, 3, 4});
    }
    REQUIRE_NOTHROW(table.check_invariants());
    REQUIRE(table.size() == 4U);
    for (const auto& [key, value] : table) {
        REQUIRE(table.find(key)->second == value);
        REQUIRE(value == key * 10);
    }
}

TEST_CASE(COMBINATION "HashTable: erase while iterating visits every element once",
          "[hash_table]") {
    constexpr int count = 2000;
    IntTable table = table_of_range(0, count);
    std::vector<int> visited;

    const auto doomed = [](const std::pair<int, int>& element) { return element.first % 3 == 0; };
    for (auto it = table.begin(); it != table.end();) {
        visited.push_back(it->first);
        it = doomed(*it) ? table.erase(it) : it + 1;
    }

    REQUIRE_NOTHROW(table.check_invariants());
    std::sort(visited.begin(), visited.end());
    REQUIRE(visited == iota_ints(0, count));  // every key once, none twice
    REQUIRE(table.size() == static_cast<std::size_t>(count - (count + 2) / 3));
    for (int key = 0; key < count; ++key) {
        REQUIRE(table.contains(key) == (key % 3 != 0));
    }

    SECTION("erasing everything while iterating empties the table") {
        for (auto it = table.begin(); it != table.end();) {
            it = table.erase(it);
        }
        REQUIRE(table.empty());
        REQUIRE_NOTHROW(table.check_invariants());
    }
}

TEST_CASE(COMBINATION "HashTable: clear destroys every element and keeps the buckets",
          "[hash_table]") {
    Counted::Track::reset_all();
    {
        ComboTable<int, Counted> table;
        for (int key = 0; key < 100; ++key) {
            table.try_emplace(key, key);
        }
        const std::size_t buckets = table.bucket_count();
        table.clear();
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE(Counted::Track::live() == 0U);
        REQUIRE(table.empty());
        REQUIRE(table.bucket_count() == buckets);
        REQUIRE_FALSE(table.contains(5));
        REQUIRE(table.begin() == table.end());

        table.try_emplace(5, 50);
        REQUIRE(table.at(5).value() == 50);
        REQUIRE(table.size() == 1U);
        REQUIRE_NOTHROW(table.check_invariants());
    }
    REQUIRE(Counted::Track::live() == 0U);
}

// ---------------------------------------------------------------------------
// Iteration order
// ---------------------------------------------------------------------------

TEST_CASE(COMBINATION "HashTable: iteration follows insertion order until an erase",
          "[hash_table]") {
    IntTable table;
    const std::vector<int> order{50, 10, 40, 20, 30};
    for (const int key : order) {
        table.try_emplace(key, key);
    }
    REQUIRE(keys_in_order(table) == order);

    // Growing the index does not reorder anything.
    std::vector<int> longer = order;
    for (int key = 1000; key < 1200; ++key) {
        table.try_emplace(key, key);
        longer.push_back(key);
    }
    REQUIRE(keys_in_order(table) == longer);

    table.erase(10);  // the last key, 1199, takes its place
    REQUIRE(keys_in_order(table)[1] == 1199);
    REQUIRE(table.size() == longer.size() - 1);
}

// ---------------------------------------------------------------------------
// Growth, rehash, reserve and the load factor
// ---------------------------------------------------------------------------

TEST_CASE(COMBINATION "HashTable: growth under load keeps the load factor at or below the maximum",
          "[hash_table]") {
    IntTable table;
    std::vector<std::size_t> bucket_counts;
    for (int key = 0; key < 10000; ++key) {
        table.try_emplace(key, key * 10);
        INFO("after inserting key " << key);
        REQUIRE(allowed_bucket_count(table.bucket_count()));
        REQUIRE(static_cast<double>(table.size()) <= static_cast<double>(table.max_load_factor()) *
                                                         static_cast<double>(table.bucket_count()));
        REQUIRE((table.size() < table.bucket_count() || table.max_load_factor() >= 1.0F));
        REQUIRE(table.load_factor() <= table.max_load_factor());
        if (bucket_counts.empty() || bucket_counts.back() != table.bucket_count()) {
            bucket_counts.push_back(table.bucket_count());
        }
        if (key % 64 == 0) {
            REQUIRE_NOTHROW(table.check_invariants());
        }
    }
    REQUIRE_NOTHROW(table.check_invariants());
    REQUIRE(holds_range(table, 0, 10000));
    for (std::size_t i = 1; i < bucket_counts.size(); ++i) {
        // geometric growth: about doubling (a prime 2^k - c is just under twice the last)
        REQUIRE(bucket_counts[i] + 16 >= 2 * bucket_counts[i - 1]);
    }
    REQUIRE(table.load_factor() ==
            Approx(10000.0 / static_cast<double>(table.bucket_count())).epsilon(1e-6));
}

TEST_CASE(COMBINATION "HashTable: rehash rebuilds only the index", "[hash_table]") {
    IntTable table = table_of_range(0, 100);
    const std::size_t buckets = buckets_for(100, IntTable::default_max_load_factor);
    REQUIRE(table.bucket_count() == buckets);
    const int* value = &table.at(50);
    const IntTable::iterator position = table.find(60);

    SECTION("growing keeps every element where it is") {
        table.rehash(4000);
        REQUIRE(table.bucket_count() == Sizing::round_up(4000));
        REQUIRE(&table.at(50) == value);
        REQUIRE(position->first == 60);
        REQUIRE(table.find(60) == position);
    }
    SECTION("a request below what the size needs is raised to it") {
        table.rehash(1);
        REQUIRE(table.bucket_count() == buckets);
    }
    SECTION("rehash(0) shrinks to fit") {
        table.rehash(4096);
        for (int key = 10; key < 100; ++key) {
            table.erase(key);
        }
        table.rehash(0);
        // the fewest buckets that hold the 10 left
        REQUIRE(table.bucket_count() == buckets_for(10, IntTable::default_max_load_factor));
        REQUIRE(&table.at(5) == &table.begin()[5].second);
        REQUIRE(holds_range(table, 0, 10));
    }
    SECTION("rehash(0) of an empty table frees the index, and the table still works") {
        table.clear();
        table.rehash(0);
        REQUIRE(table.bucket_count() == 0U);
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE_FALSE(table.contains(5));
        table.try_emplace(5, 50);
        REQUIRE(table.at(5) == 50);
    }
    SECTION("an impossible request throws std::length_error and changes nothing") {
        REQUIRE_THROWS_AS(table.rehash(std::numeric_limits<std::size_t>::max()), std::length_error);
        REQUIRE(table.bucket_count() == buckets);
    }
    REQUIRE_NOTHROW(table.check_invariants());
    REQUIRE(table.at(5) == 50);
}

TEST_CASE(COMBINATION "HashTable: after reserve(n), n inserts neither allocate nor rehash",
          "[hash_table]") {
    IntTable table;
    table.try_emplace(-1, -10);
    table.reserve(1000);
    const std::size_t buckets = table.bucket_count();
    REQUIRE(static_cast<double>(buckets) * static_cast<double>(table.max_load_factor()) >= 1000.0);
    const auto first = table.begin();

    const std::size_t allocations = allocations_during([&] {
        for (int key = 0; key < 999; ++key) {
            table.try_emplace(key, key * 10);
        }
    });
    REQUIRE(allocations == 0U);
    REQUIRE(table.bucket_count() == buckets);
    REQUIRE(table.begin() == first);
    REQUIRE(table.size() == 1000U);
    REQUIRE_NOTHROW(table.check_invariants());

    SECTION("reserving less than the size changes nothing") {
        table.reserve(10);
        REQUIRE(table.bucket_count() == buckets);
        REQUIRE(table.begin() == first);
    }
    SECTION("reserving more than max_size() throws std::length_error") {
        REQUIRE_THROWS_AS(table.reserve(IntTable::max_size() + std::size_t{1}), std::length_error);
        REQUIRE(table.bucket_count() == buckets);
        REQUIRE(table.size() == 1000U);
    }
}

TEST_CASE(COMBINATION "HashTable: max_load_factor decides when the table grows", "[hash_table]") {
    IntTable table;
    const float usual = IntTable::default_max_load_factor;
    const float highest = IntTable::highest_max_load_factor;
    REQUIRE(table.max_load_factor() == usual);

    SECTION("values outside [0.05, highest] throw std::invalid_argument and change nothing") {
        table = table_of_range(0, 50);
        const std::size_t buckets = table.bucket_count();
        for (const float invalid :
             {0.0F, 0.049F, highest * 1.01F, highest + 1.0F, 2.0F * highest, -0.5F,
              std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
            INFO("max_load_factor(" << invalid << ")");
            REQUIRE_THROWS_AS(table.max_load_factor(invalid), std::invalid_argument);
            REQUIRE(table.max_load_factor() == usual);
            REQUIRE(table.bucket_count() == buckets);
        }
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE(holds_range(table, 0, 50));
    }
    SECTION("open addressing stays below 1; chaining goes above") {
        const bool open_addressing = highest < 1.0F;
        REQUIRE(open_addressing != std::is_same_v<Collision, telechat::hashing::SeparateChaining>);
    }
    SECTION("the limits 0.05 and the highest themselves are accepted") {
        REQUIRE_NOTHROW(table.max_load_factor(0.05F));
        REQUIRE(table.max_load_factor() == 0.05F);
        for (int key = 0; key < 100; ++key) {
            table.try_emplace(key, key * 10);
            REQUIRE(table.load_factor() <= 0.05F);
        }
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE_NOTHROW(table.max_load_factor(highest));
        REQUIRE(table.max_load_factor() == highest);
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE(holds_range(table, 0, 100));
    }
    SECTION("lowering it below the current load rehashes at once") {
        table = table_of_range(0, 100);
        const std::size_t buckets = buckets_for(100, usual);
        REQUIRE(table.bucket_count() == buckets);
        const int* value = &table.at(7);
        table.max_load_factor(0.5F);
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE(table.bucket_count() == buckets_for_request(buckets, 100, 0.5F));
        REQUIRE(table.load_factor() <= 0.5F);
        REQUIRE(&table.at(7) == value);  // the values do not move
        REQUIRE(holds_range(table, 0, 100));
    }
    SECTION("raising it lets more elements into the same buckets") {
        table.rehash(64);
        const std::size_t buckets = table.bucket_count();
        REQUIRE(buckets == Sizing::round_up(64));
        const int at_usual = static_cast<int>(element_limit(buckets, usual));
        const int at_highest = static_cast<int>(element_limit(buckets, highest));
        REQUIRE(at_highest > at_usual);
        for (int key = 0; key < at_usual; ++key) {
            table.try_emplace(key, key * 10);
        }
        REQUIRE(table.bucket_count() == buckets);
        table.max_load_factor(highest);
        for (int key = at_usual; key < at_highest; ++key) {
            table.try_emplace(key, key * 10);
        }
        REQUIRE(table.bucket_count() == buckets);
        REQUIRE_NOTHROW(table.check_invariants());
        table.try_emplace(at_highest, at_highest * 10);
        REQUIRE(table.bucket_count() == Sizing::grow(buckets));
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE(holds_range(table, 0, at_highest + 1));
    }
    SECTION("the default table grows one element past its limit") {
        table.rehash(64);
        const std::size_t buckets = table.bucket_count();
        const int limit = static_cast<int>(element_limit(buckets, usual));
        for (int key = 0; key < limit; ++key) {
            table.try_emplace(key, key * 10);
        }
        REQUIRE(table.bucket_count() == buckets);
        table.try_emplace(limit, 0);
        REQUIRE(table.bucket_count() == Sizing::grow(buckets));
        REQUIRE_NOTHROW(table.check_invariants());
    }
}

// ---------------------------------------------------------------------------
// Copy, move, swap and equality
// ---------------------------------------------------------------------------

TEST_CASE(COMBINATION "HashTable: copies are independent and equal", "[hash_table]") {
    const IntTable source = table_of_range(0, 200);

    SECTION("copy construction") {
        IntTable copy(source);
        REQUIRE_NOTHROW(copy.check_invariants());
        REQUIRE(copy == source);
        REQUIRE(copy.bucket_count() == source.bucket_count());
        copy.at(5) = -5;
        copy.erase(6);
        copy.try_emplace(1000, 1);
        REQUIRE(holds_range(source, 0, 200));
        REQUIRE_NOTHROW(copy.check_invariants());
    }
    SECTION("copy assignment") {
        IntTable target = table_of_range(500, 10);
        target = source;
        REQUIRE_NOTHROW(target.check_invariants());
        REQUIRE(target == source);
        REQUIRE_FALSE(target.contains(500));
    }
    SECTION("copy self-assignment changes nothing") {
        IntTable table = table_of_range(0, 200);
        const int* value = &table.at(3);
        table = same_object(table);
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE(&table.at(3) == value);
        REQUIRE(holds_range(table, 0, 200));
    }
}

TEST_CASE(COMBINATION "HashTable: moves take both arrays and leave the source empty",
          "[hash_table]") {
    IntTable source = table_of_range(0, 200);
    const int* value = &source.at(3);

    SECTION("move construction") {
        IntTable taken(std::move(source));
        REQUIRE(&taken.at(3) == value);
        REQUIRE(holds_range(taken, 0, 200));
        REQUIRE(source.empty());  // NOLINT(bugprone-use-after-move)
        REQUIRE(source.bucket_count() == 0U);
        REQUIRE_FALSE(source.contains(3));
        REQUIRE_NOTHROW(source.check_invariants());
        source.try_emplace(1, 2);  // a moved-from table is usable
        REQUIRE(source.at(1) == 2);
        REQUIRE_NOTHROW(source.check_invariants());
    }
    SECTION("move assignment") {
        IntTable target = table_of_range(500, 10);
        target = std::move(source);
        REQUIRE(&target.at(3) == value);
        REQUIRE(holds_range(target, 0, 200));
        REQUIRE(source.empty());  // NOLINT(bugprone-use-after-move)
        REQUIRE_NOTHROW(source.check_invariants());
        REQUIRE_NOTHROW(target.check_invariants());
    }
    SECTION("move self-assignment changes nothing") {
        source = std::move(same_object(source));
        REQUIRE_NOTHROW(source.check_invariants());
        REQUIRE(&source.at(3) == value);
        REQUIRE(holds_range(source, 0, 200));
    }
}

TEST_CASE(COMBINATION "HashTable: swap exchanges contents, settings, hash and equality",
          "[hash_table]") {
    using Table = ComboTable<int, int, SeededHash, TaggedEqual>;
    for (const bool use_member_swap : {true, false}) {
        INFO("member swap: " << use_member_swap);
        Table a(0, SeededHash{1}, TaggedEqual{10});
        Table b(0, SeededHash{2}, TaggedEqual{20});
        for (int key = 0; key < 100; ++key) {
            a.try_emplace(key, key);
        }
        b.max_load_factor(0.5F);
        b.try_emplace(-1, -1);
        const int* a_value = &a.at(42);

        if (use_member_swap) {
            a.swap(b);
        } else {
            using std::swap;
            swap(a, b);  // the hidden friend, found by argument-dependent lookup
        }
        REQUIRE_NOTHROW(a.check_invariants());
        REQUIRE_NOTHROW(b.check_invariants());
        REQUIRE(a.size() == 1U);
        REQUIRE(a.at(-1) == -1);
        REQUIRE(b.size() == 100U);
        REQUIRE(&b.at(42) == a_value);  // references now name elements of the other table
        REQUIRE(a.max_load_factor() == 0.5F);
        REQUIRE(b.max_load_factor() == Table::default_max_load_factor);
        REQUIRE(a.hash_function().seed == 2U);
        REQUIRE(b.hash_function().seed == 1U);
        REQUIRE(a.key_eq().tag == 20);
        REQUIRE(b.key_eq().tag == 10);
    }
}

TEST_CASE(COMBINATION "HashTable: == compares the pairs, not their order or the bucket count",
          "[hash_table]") {
    IntTable forward = table_of_range(0, 100);
    IntTable backward;
    backward.rehash(1024);
    for (int key = 99; key >= 0; --key) {
        backward.try_emplace(key, key * 10);
    }
    REQUIRE(forward.bucket_count() != backward.bucket_count());
    REQUIRE(keys_in_order(forward) != keys_in_order(backward));
    REQUIRE(forward == backward);
    REQUIRE(backward == forward);

    backward.at(50) = 0;
    REQUIRE(forward != backward);
    backward.at(50) = 500;
    REQUIRE(forward == backward);

    backward.try_emplace(100, 1000);
    REQUIRE(forward != backward);
    REQUIRE(backward != forward);

    backward.erase(100);
    backward.erase(0);
    backward.try_emplace(-1, 0);  // same size and values, different key
    REQUIRE(forward != backward);

    REQUIRE(IntTable{} == IntTable{});
    REQUIRE(IntTable{} != IntTable{{1, 1}});
}

// ---------------------------------------------------------------------------
// Heterogeneous lookup
// ---------------------------------------------------------------------------

namespace {

using PlainStringTable = ComboTable<std::string, int>;

template <class Table, class Key>
concept CanFind = requires(const Table& table, const Key& key) {
    table.find(key);
};

// A string_view only finds std::string keys when the lookup is transparent:
// the plain table would have to build a std::string, which it never does
// implicitly (std::string's constructor from a string_view is explicit).
// In the plain table the call is declared, so that it fails with one
// static_assert naming StringHash rather than a page of candidates (so a
// requires-expression cannot detect it):
// tests/compile_fail/hash_table_view_lookup_not_transparent.cpp proves it.
static_assert(CanFind<StringTable, std::string_view>);
static_assert(CanFind<StringTable, const char*>);
static_assert(CanFind<PlainStringTable, const char*>);  // converted to a std::string

}  // namespace

TEST_CASE(COMBINATION
          "HashTable: transparent lookup finds std::string keys without building a string",
          "[hash_table]") {
    StringTable table;
    // Longer than any small-string buffer, so that building a std::string
    // from one of these would have to allocate.
    const std::string prefix = "customer conversation number ";
    for (int i = 0; i < 100; ++i) {
        table.try_emplace(prefix + std::to_string(i), i);
    }
    const std::string wanted_text = prefix + "42";
    const std::string missing_text = prefix + "4242";
    const std::string_view wanted = wanted_text;
    const std::string_view missing = missing_text;
    const char* const wanted_c_string = wanted_text.c_str();

    const std::size_t before = allocation_count();
    const auto by_view = table.find(wanted);
    const auto by_c_string = table.find(wanted_c_string);
    const bool contains_view = table.contains(wanted);
    const bool contains_missing = table.contains(missing);
    const std::size_t count_view = table.count(wanted);
    const std::size_t count_c_string = table.count(wanted_c_string);
    const int at_view = table.at(wanted);
    const int at_c_string = std::as_const(table).at(wanted_c_string);
    const bool missing_found = std::as_const(table).find(missing) != table.cend();
    const std::size_t allocations = allocation_count() - before;

    REQUIRE(allocations == 0U);
    REQUIRE(by_view != table.end());
    REQUIRE(by_view->first == wanted_text);
    REQUIRE(by_c_string == by_view);
    REQUIRE(contains_view);
    REQUIRE_FALSE(contains_missing);
    REQUIRE(count_view == 1U);
    REQUIRE(count_c_string == 1U);
    REQUIRE(at_view == 42);
    REQUIRE(at_c_string == 42);
    REQUIRE_FALSE(missing_found);
    REQUIRE_THROWS_AS(table.at(missing), std::out_of_range);

    SECTION("the counter does see the allocation of a std::string built for a plain lookup") {
        PlainStringTable plain;
        plain.try_emplace(wanted_text, 42);
        const std::size_t plain_before = allocation_count();
        const bool found = plain.contains(std::string(wanted));
        const std::size_t plain_allocations = allocation_count() - plain_before;
        REQUIRE(found);
        REQUIRE(plain_allocations >= 1U);
    }
    SECTION("erase by a string_view or a string literal") {
        REQUIRE(table.erase(wanted) == 1U);
        REQUIRE(table.erase(wanted) == 0U);
        REQUIRE(table.erase(missing) == 0U);
        table.try_emplace("short", 1);
        REQUIRE(table.erase("short") == 1U);
        REQUIRE(table.size() == 99U);
        REQUIRE_NOTHROW(table.check_invariants());
        // An iterator still selects the erase(iterator) overload.
        const auto next = table.erase(table.begin());
        REQUIRE(next == table.begin());
        REQUIRE(table.size() == 98U);
    }
    SECTION("a std::string key still works as usual") {
        REQUIRE(table.find(wanted_text) == by_view);
        REQUIRE(table.at(wanted_text) == 42);
        table[prefix + "100"] = 100;
        REQUIRE(table.contains(std::string_view(prefix + "100")));
    }
    REQUIRE_NOTHROW(table.check_invariants());
}

// ---------------------------------------------------------------------------
// stats() and hash quality
// ---------------------------------------------------------------------------

namespace {

/// Checks everything stats() promises about itself and about the table.
template <class Table>
void require_consistent_stats(const Table& table) {
    const telechat::HashTableStats stats = table.stats();
    REQUIRE(stats.size == table.size());
    REQUIRE(stats.bucket_count == table.bucket_count());
    REQUIRE(stats.load_factor == Approx(static_cast<double>(table.load_factor())));
    REQUIRE(stats.max_load_factor == Approx(static_cast<double>(table.max_load_factor())));

    const auto& histogram = stats.probe_length_histogram;
    const std::size_t elements =
        std::accumulate(histogram.begin(), histogram.end(), std::size_t{0});
    REQUIRE(elements == table.size());
    if (table.empty()) {
        REQUIRE(stats.mean_probe_length == 0.0);
        REQUIRE(stats.max_probe_length == 0U);
        return;
    }
    REQUIRE(histogram[0] == 0U);  // every element costs at least one bucket read
    REQUIRE(histogram.size() == stats.max_probe_length + 1);
    REQUIRE(histogram.back() != 0U);
    std::size_t total = 0;
    for (std::size_t length = 0; length < histogram.size(); ++length) {
        total += length * histogram[length];
    }
    REQUIRE(stats.mean_probe_length ==
            Approx(static_cast<double>(total) / static_cast<double>(table.size())));
    REQUIRE(stats.mean_probe_length >= 1.0);
    REQUIRE(stats.mean_probe_length <= static_cast<double>(stats.max_probe_length));
}

}  // namespace

TEST_CASE(COMBINATION "HashTable: stats reports size, load and probe lengths",
          "[hash_table][stats]") {
    IntTable table;
    SECTION("an empty table without buckets") {
        const telechat::HashTableStats stats = table.stats();
        REQUIRE(stats.size == 0U);
        REQUIRE(stats.bucket_count == 0U);
        REQUIRE(stats.load_factor == 0.0);
        REQUIRE(stats.max_load_factor == Approx(IntTable::default_max_load_factor));
        REQUIRE(stats.mean_probe_length == 0.0);
        REQUIRE(stats.max_probe_length == 0U);
        REQUIRE(stats.probe_length_histogram.empty());
    }
    SECTION("while filling, erasing and clearing") {
        for (int key = 0; key < 3000; ++key) {
            table.try_emplace(key * 7, key);
            if (key % 250 == 0) {
                require_consistent_stats(table);
            }
        }
        require_consistent_stats(table);
        for (int key = 0; key < 3000; key += 2) {
            table.erase(key * 7);
        }
        require_consistent_stats(table);
        table.max_load_factor(0.95F);
        require_consistent_stats(table);
        table.clear();
        require_consistent_stats(table);
        REQUIRE(table.stats().bucket_count != 0U);
    }
    SECTION("one element sits in its home bucket") {
        table.try_emplace(1, 1);
        const telechat::HashTableStats stats = table.stats();
        REQUIRE(stats.mean_probe_length == 1.0);
        REQUIRE(stats.max_probe_length == 1U);
        REQUIRE(stats.probe_length_histogram == std::vector<std::size_t>{0, 1});
    }
}

TEMPLATE_TEST_CASE(COMBINATION "HashTable: weak hashes still give short probes, thanks to mixing",
                   "[hash_table][stats]", IdentityHash, TimesThousandTwentyFourHash) {
    // Without mixing, both hashes leave the top bits (which choose the home
    // bucket) zero for these keys: every key would start in bucket 0 and the
    // mean probe length would be about half the number of keys.
    ComboTable<int, int, TestType> table;
    const int stride = std::is_same_v<TestType, IdentityHash> ? 1024 : 1;
    for (const int count : {5000, 6553}) {  // 6553 brings the load factor to 0.8
        table.clear();
        for (int i = 0; i < count; ++i) {
            table.try_emplace(i * stride, i);
        }
        INFO(count << " keys, load factor " << table.load_factor());
        const telechat::HashTableStats stats = table.stats();
        REQUIRE(stats.mean_probe_length < 2.5);
        REQUIRE(stats.max_probe_length < 16U);
        require_consistent_stats(table);
        REQUIRE_NOTHROW(table.check_invariants());
        for (int i = 0; i < count; ++i) {
            REQUIRE(table.at(i * stride) == i);
        }
    }
}

TEST_CASE(COMBINATION "HashTable: a constant hash is slow but still correct",
          "[hash_table][stats]") {
    constexpr int count = 300;
    ComboTable<int, int, ConstantHash> table;
    for (int key = 0; key < count; ++key) {
        REQUIRE(table.try_emplace(key, key * 10).second);
        REQUIRE_FALSE(table.try_emplace(key, 0).second);
    }
    REQUIRE_NOTHROW(table.check_invariants());
    REQUIRE(holds_range(table, 0, count));
    REQUIRE_FALSE(table.contains(count));
    REQUIRE_FALSE(table.contains(-1));

    // One cluster: the probe lengths are exactly 1, 2, ..., count; with
    // groups, each length is shared by the entries of one group (at most 16:
    // a partial last group under Prime holds fewer).
    const telechat::HashTableStats stats = table.stats();
    if constexpr (buckets_per_probe == 1) {
        REQUIRE(stats.max_probe_length == static_cast<std::size_t>(count));
        REQUIRE(stats.mean_probe_length == Approx((count + 1) / 2.0));
    } else {
        REQUIRE(stats.max_probe_length >= (count + buckets_per_probe - 1) / buckets_per_probe);
        for (std::size_t length = 1; length <= stats.max_probe_length; ++length) {
            REQUIRE(stats.probe_length_histogram[length] >= 1U);
            REQUIRE(stats.probe_length_histogram[length] <= buckets_per_probe);
        }
    }
    require_consistent_stats(table);

    for (auto it = table.begin(); it != table.end();) {
        it = it->first % 2 == 0 ? table.erase(it) : it + 1;
    }
    for (int key = 1; key < count; key += 4) {
        REQUIRE(table.erase(key) == 1U);
    }
    REQUIRE_NOTHROW(table.check_invariants());
    REQUIRE(table.size() == static_cast<std::size_t>(count / 4));
    for (int key = 0; key < count; ++key) {
        REQUIRE(table.contains(key) == (key % 4 == 3));
    }
}

// ---------------------------------------------------------------------------
// check_invariants really checks
// ---------------------------------------------------------------------------

// Keys are read-only: what used to corrupt the table (a key changed through
// an iterator) no longer compiles; tests/compile_fail/ proves the loop case.
template <class Table>
consteval bool key_is_read_only() {
    using Key = typename Table::key_type;
    using Mapped = typename Table::mapped_type;
    using Iterator = typename Table::iterator;
    using ConstIterator = typename Table::const_iterator;
    return std::is_same_v<decltype((std::declval<Iterator>()->first)), const Key&> &&
           std::is_same_v<decltype((std::declval<ConstIterator>()->first)), const Key&> &&
           std::is_same_v<decltype((std::declval<typename Table::reference>().first)),
                          const Key&> &&
           std::is_same_v<decltype((std::declval<Iterator>()->second)), Mapped&> &&
           std::is_same_v<decltype((std::declval<ConstIterator>()->second)), const Mapped&>;
}
static_assert(key_is_read_only<IntTable>());
static_assert(key_is_read_only<StringTable>());
static_assert(!std::is_assignable_v<decltype((std::declval<IntTable&>().begin()->first)), int>);

namespace {

/// A hash whose results change when `salt` does: with keys read-only, the
/// way left to put elements in the wrong buckets, for check_invariants.
struct DriftingHash {
    static inline std::size_t salt = 0;
    std::size_t operator()(int key) const noexcept { return std::hash<int>{}(key) ^ salt; }
};

}  // namespace

TEST_CASE(COMBINATION "HashTable: check_invariants detects elements in the wrong buckets",
          "[hash_table][invariants]") {
    DriftingHash::salt = 0;
    ComboTable<int, int, DriftingHash> table;
    for (int key = 0; key < 100; ++key) {
        table.try_emplace(key, key);
    }
    REQUIRE_NOTHROW(table.check_invariants());
    DriftingHash::salt = 0x5bd1e995;
    REQUIRE_THROWS_AS(table.check_invariants(), telechat::InvariantViolation);
    table.rehash(2 * table.bucket_count());  // places every element by the new hash
    REQUIRE_NOTHROW(table.check_invariants());
    REQUIRE(table.contains(42));
    DriftingHash::salt = 0;
}

TEST_CASE(COMBINATION "HashTable: structured bindings see a const key and a mutable value",
          "[hash_table][iterators]") {
    IntTable table = table_of_range(0, 100);
    for (auto& [key, value] : table) {
        static_assert(std::is_same_v<decltype(key), const int>);
        static_assert(std::is_same_v<decltype(value), int>);
        value = -key;
    }
    int sum = 0;
    for (const auto& [key, value] : std::as_const(table)) {
        static_assert(std::is_same_v<decltype(value), const int>);
        REQUIRE(value == -key);
        sum += key;
    }
    REQUIRE(sum == 99 * 100 / 2);
    REQUIRE_NOTHROW(table.check_invariants());
}

// ---------------------------------------------------------------------------
// Element types
// ---------------------------------------------------------------------------

TEST_CASE(COMBINATION "HashTable: every key and value is destroyed exactly once",
          "[hash_table][lifetime]") {
    Counted::Track::reset_all();
    {
        ComboTable<Counted, Counted, CountedHash> table;
        for (int key = 0; key < 500; ++key) {
            table.try_emplace(Counted(key), key * 10);
        }
        for (int key = 0; key < 500; key += 3) {
            table.erase(Counted(key));
        }
        table.emplace(Counted(1), Counted(1));  // a rejected duplicate
        table.insert_or_assign(Counted(2), Counted(-2));
        table.rehash(4096);
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE(Counted::Track::live() == 2 * table.size());

        ComboTable<Counted, Counted, CountedHash> copy(table);
        REQUIRE(copy == table);
        ComboTable<Counted, Counted, CountedHash> moved(std::move(copy));
        copy = moved;  // NOLINT(bugprone-use-after-move): assigning to a moved-from table is valid
        moved.clear();
        REQUIRE(Counted::Track::live() == 4 * table.size());
    }
    REQUIRE(Counted::Track::live() == 0U);
    REQUIRE(Counted::Track::stats().bad_destructions == 0U);
    REQUIRE(Counted::Track::stats().uses_of_dead_objects == 0U);
    REQUIRE(Counted::Track::stats().constructions == Counted::Track::stats().destructions);
}

TEST_CASE(COMBINATION "HashTable: values that move without throwing are moved, never copied",
          "[hash_table][lifetime]") {
    Counted::Track::reset_all();
    {
        ComboTable<int, Counted> table;
        for (int key = 0; key < 1000; ++key) {
            table.try_emplace(key, key);  // the value array grows several times
        }
        REQUIRE(Counted::Track::stats().copies == 0U);
        REQUIRE(Counted::Track::stats().moves > 0U);

        Counted::Track::reset_counters();
        table.erase(0);  // the last value moves into the hole
        REQUIRE(Counted::Track::stats().copies == 0U);
        REQUIRE(Counted::Track::stats().copy_assignments == 0U);
        REQUIRE(Counted::Track::stats().move_assignments == 1U);
        REQUIRE(table.begin()->first == 999);
        REQUIRE(table.begin()->second.value() == 999);
    }
    REQUIRE(Counted::Track::live() == 0U);
}

TEST_CASE(COMBINATION "HashTable: move-only keys and values", "[hash_table]") {
    ComboTable<MoveOnly, MoveOnly, MoveOnlyHash> table;
    for (int key = 0; key < 100; ++key) {
        REQUIRE(table.try_emplace(MoveOnly(key), key * 10).second);
    }
    REQUIRE(table.emplace(MoveOnly(100), MoveOnly(1000)).second);
    REQUIRE(table.insert(std::pair<MoveOnly, MoveOnly>(MoveOnly(101), MoveOnly(1010))).second);
    REQUIRE_FALSE(table.emplace(MoveOnly(5), MoveOnly(-1)).second);

    MoveOnly value(-2);
    REQUIRE_FALSE(table.insert_or_assign(MoveOnly(6), std::move(value)).second);
    REQUIRE(table.at(MoveOnly(6)).value() == -2);

    REQUIRE_NOTHROW(table.check_invariants());
    REQUIRE(table.size() == 102U);
    REQUIRE(table.at(MoveOnly(5)).value() == 50);
    REQUIRE(table.erase(MoveOnly(7)) == 1U);
    table.erase(table.find(MoveOnly(8)));
    REQUIRE_NOTHROW(table.check_invariants());

    ComboTable<MoveOnly, MoveOnly, MoveOnlyHash> moved(std::move(table));
    REQUIRE(moved.size() == 100U);
    REQUIRE(moved.at(MoveOnly(101)).value() == 1010);
}

TEST_CASE(COMBINATION "HashTable: values without a default constructor", "[hash_table]") {
    ComboTable<int, NoDefault> table;
    REQUIRE(table.try_emplace(1, 10).second);
    REQUIRE(table.emplace(2, NoDefault(20)).second);
    REQUIRE(table.insert({3, NoDefault(30)}).second);
    REQUIRE_FALSE(table.insert_or_assign(1, NoDefault(11)).second);
    for (int key = 4; key < 50; ++key) {
        table.try_emplace(key, key * 10);
    }
    table.erase(2);
    REQUIRE_NOTHROW(table.check_invariants());
    REQUIRE(table.at(1).value() == 11);
    REQUIRE(table.at(3).value() == 30);
    REQUIRE_FALSE(table.contains(2));
    const ComboTable<int, NoDefault> copy = table;
    REQUIRE(copy == table);
}

// ---------------------------------------------------------------------------
// Exception safety
// ---------------------------------------------------------------------------

namespace {

using ThrowingHashTable = ComboTable<int, int, ThrowingHash>;

/// The first bucket count of a table, and how many keys fill it.
const std::size_t first_buckets = Sizing::round_up(Sizing::min_bucket_count);
const int full =
    static_cast<int>(element_limit(first_buckets, ThrowingHashTable::default_max_load_factor));

/// A table of keys 0..full-1 with its first buckets (8 and 6 for the
/// default table): full, so the next insert rebuilds the index, which
/// hashes every key again.
ThrowingHashTable table_about_to_grow() {
    ThrowingHashTable table;
    for (int key = 0; key < full; ++key) {
        table.try_emplace(key, key * 10);
    }
    REQUIRE(table.bucket_count() == first_buckets);
    return table;
}

/// Runs `insert` against a table that is about to grow, making the 1st, 2nd,
/// ... hash call fail until the insert succeeds; after each failure the table
/// must be exactly as it was (but for emplace, which builds the pair before
/// it hashes: that may have moved the values to a larger array, as its
/// invalidation rule says). Returns how many failures there were.
template <class Insert>
long fail_every_hash_of(Insert insert, bool builds_the_pair_first = false) {
    long failures = 0;
    for (long successes = 0;; ++successes) {
        INFO("hash calls that succeed before the failing one: " << successes);
        ThrowingHashTable table = table_about_to_grow();
        const auto values = table.begin();
        bool threw = false;
        {
            const ArmedCountdown failure(hash_countdown(), successes);
            try {
                insert(table);
            } catch (const InjectedFailure&) {
                threw = true;
            }
        }
        if (!threw) {
            REQUIRE(table.size() == static_cast<std::size_t>(full) + 1);
            REQUIRE(table.at(100) == 1000);
            REQUIRE_NOTHROW(table.check_invariants());
            return failures;
        }
        ++failures;
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE(table.size() == static_cast<std::size_t>(full));
        REQUIRE(table.bucket_count() == first_buckets);
        REQUIRE((builds_the_pair_first || table.begin() == values));
        REQUIRE(holds_range(table, 0, full));
        REQUIRE_FALSE(table.contains(100));
    }
}

}  // namespace

TEST_CASE(COMBINATION "HashTable: an insert whose hash throws leaves the table unchanged",
          "[hash_table][exceptions]") {
    long failures = 0;
    SECTION("insert") {
        failures = fail_every_hash_of([](ThrowingHashTable& t) { t.insert({100, 1000}); });
    }
    SECTION("emplace") {
        failures = fail_every_hash_of([](ThrowingHashTable& t) { t.emplace(100, 1000); }, true);
    }
    SECTION("try_emplace") {
        failures = fail_every_hash_of([](ThrowingHashTable& t) { t.try_emplace(100, 1000); });
    }
    SECTION("insert_or_assign") {
        failures = fail_every_hash_of([](ThrowingHashTable& t) { t.insert_or_assign(100, 1000); });
    }
    SECTION("operator[]") {
        failures = fail_every_hash_of([](ThrowingHashTable& t) { t[100] = 1000; });
    }
    // The new key's own hash, and then each of the keys while the index grows.
    REQUIRE(failures >= full + 1);
}

TEST_CASE(COMBINATION
          "HashTable: rehash, reserve and max_load_factor whose hash throws change nothing",
          "[hash_table][exceptions]") {
    // Each of them rebuilds the index of the keys; fail each of their hashes.
    const auto require_unchanged = [](ThrowingHashTable& table) {
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE(table.bucket_count() == first_buckets);
        REQUIRE(table.max_load_factor() == ThrowingHashTable::default_max_load_factor);
        REQUIRE(holds_range(table, 0, full));
        table.try_emplace(100, 1000);  // and the table still works
        REQUIRE_NOTHROW(table.check_invariants());
    };
    SECTION("rehash") {
        for (long successes = 0; successes < full; ++successes) {
            INFO("hash calls that succeed before the failing one: " << successes);
            ThrowingHashTable table = table_about_to_grow();
            {
                const ArmedCountdown failure(hash_countdown(), successes);
                REQUIRE_THROWS_AS(table.rehash(64), InjectedFailure);
            }
            require_unchanged(table);
        }
    }
    SECTION("reserve") {
        for (long successes = 0; successes < full; ++successes) {
            INFO("hash calls that succeed before the failing one: " << successes);
            ThrowingHashTable table = table_about_to_grow();
            {
                const ArmedCountdown failure(hash_countdown(), successes);
                REQUIRE_THROWS_AS(table.reserve(100), InjectedFailure);
            }
            require_unchanged(table);
        }
    }
    SECTION("max_load_factor, lowered so that it has to rehash") {
        for (long successes = 0; successes < full; ++successes) {
            INFO("hash calls that succeed before the failing one: " << successes);
            ThrowingHashTable table = table_about_to_grow();
            {
                const ArmedCountdown failure(hash_countdown(), successes);
                REQUIRE_THROWS_AS(table.max_load_factor(0.5F), InjectedFailure);
            }
            require_unchanged(table);
        }
    }
}

TEST_CASE(COMBINATION "HashTable: an erase whose hash throws leaves the table whole",
          "[hash_table][exceptions]") {
    // Erasing key 2 hashes it (or, by iterator, its stored key), and then the
    // last key, whose value moves into the hole. Fail the second hash.
    ThrowingHashTable table = table_about_to_grow();
    SECTION("erase by key") {
        const ArmedCountdown failure(hash_countdown(), 1);
        REQUIRE_THROWS_AS(table.erase(2), InjectedFailure);
    }
    SECTION("erase by iterator") {
        const auto position = table.find(2);
        const ArmedCountdown failure(hash_countdown(), 1);
        REQUIRE_THROWS_AS(table.erase(position), InjectedFailure);
    }
    REQUIRE_NOTHROW(table.check_invariants());
    REQUIRE(holds_range(table, 0, full));
    REQUIRE(table.erase(2) == 1U);
    REQUIRE(table.erase(full - 1) == 1U);
    REQUIRE_NOTHROW(table.check_invariants());
    REQUIRE(table.size() == static_cast<std::size_t>(full) - 2);
}

TEST_CASE(COMBINATION "HashTable: an insert whose value copy throws leaves the table unchanged",
          "[hash_table][exceptions]") {
    ThrowingCopy::Track::reset_all();
    using Table = ComboTable<int, ThrowingCopy>;
    const ThrowingCopy extra(1000);
    const Table::value_type element{100, extra};
    {
        // Keys 0..7: the value array (capacity 8) is full, so inserting
        // `element` copies its value and then every old pair, since a pair
        // with a ThrowingCopy inside may throw when moved.
        static_assert(!std::is_nothrow_move_constructible_v<Table::value_type>);
        const auto make_full_table = [] {
            Table table;
            for (int key = 0; key < 8; ++key) {
                table.try_emplace(key, key * 10);
            }
            return table;
        };
        for (long successes = 0; successes <= 8; ++successes) {
            INFO("copies that succeed before the failing one: " << successes);
            Table table = make_full_table();
            const auto values = table.begin();
            {
                const ArmedCountdown failure(copy_countdown(), successes);
                REQUIRE_THROWS_AS(table.insert(element), InjectedFailure);
            }
            REQUIRE_NOTHROW(table.check_invariants());
            REQUIRE(table.begin() == values);
            REQUIRE(holds_range(table, 0, 8));
            REQUIRE_FALSE(table.contains(100));
            // The 8 values, `extra` and `element`: nothing leaked.
            REQUIRE(ThrowingCopy::Track::live() == 10U);
        }

        SECTION("try_emplace and emplace, also while the index grows") {
            Table table;
            for (int key = 0; key < 6; ++key) {  // the next insert rebuilds the index
                table.try_emplace(key, key * 10);
            }
            {
                const ArmedCountdown failure(copy_countdown(), 0);
                REQUIRE_THROWS_AS(table.try_emplace(100, extra), InjectedFailure);
            }
            REQUIRE_NOTHROW(table.check_invariants());
            REQUIRE(holds_range(table, 0, 6));
            {
                const ArmedCountdown failure(copy_countdown(), 0);
                REQUIRE_THROWS_AS(table.emplace(100, extra), InjectedFailure);
            }
            REQUIRE_NOTHROW(table.check_invariants());
            REQUIRE(holds_range(table, 0, 6));
        }
        SECTION("insert_or_assign of a present key keeps the old value") {
            Table table = make_full_table();
            {
                const ArmedCountdown failure(copy_countdown(), 0);
                REQUIRE_THROWS_AS(table.insert_or_assign(3, extra), InjectedFailure);
            }
            REQUIRE_NOTHROW(table.check_invariants());
            REQUIRE(holds_range(table, 0, 8));
        }
        SECTION("copy construction leaks nothing; copy assignment is strong") {
            const Table source = make_full_table();
            Table target;
            target.try_emplace(-1, -10);
            for (long successes = 0; successes < 8; ++successes) {
                {
                    const ArmedCountdown failure(copy_countdown(), successes);
                    REQUIRE_THROWS_AS(Table(source), InjectedFailure);
                }
                REQUIRE(ThrowingCopy::Track::live() == 11U);
                {
                    const ArmedCountdown failure(copy_countdown(), successes);
                    REQUIRE_THROWS_AS(target = source, InjectedFailure);
                }
                REQUIRE_NOTHROW(target.check_invariants());
                REQUIRE(target.size() == 1U);
                REQUIRE(target.at(-1).value() == -10);
            }
        }
    }
    REQUIRE(ThrowingCopy::Track::live() == 2U);  // only `extra` and `element` are left
    REQUIRE(ThrowingCopy::Track::stats().bad_destructions == 0U);
    REQUIRE(ThrowingCopy::Track::stats().uses_of_dead_objects == 0U);
}

}  // namespace COMBINATION_NAMESPACE

// What a student brings over from std::unordered_map, and what LLVM's own
// conformance tests of it check where they apply to HashTable: noexcept that
// follows the hasher's, self-assignment with a key type that hijacks unary &,
// erase(first, last) and erase_if. (Queue and Stack get the unary & check too.)
#include <telechat/hash_table.hpp>
#include <telechat/queue.hpp>
#include <telechat/stack.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "element_types.hpp"
#include "hash_combination.hpp"

// Compiled once per collision strategy and sizing rule: see hash_combination.hpp.
namespace COMBINATION_NAMESPACE {
using telechat_test::ComboTable;

using telechat::HashTable;
using telechat_test::MoveOnly;
using telechat_test::MoveOnlyHash;
using telechat_test::same_object;

namespace {

// ---------------------------------------------------------------------------
// noexcept follows Hash and KeyEqual (LLVM: move_noexcept, move_assign_noexcept,
// swap_noexcept)
// ---------------------------------------------------------------------------

/// As LLVM's `some_hash`: a user-declared copy constructor (not noexcept)
/// and therefore no move constructor.
struct CopyMayThrowHash {
    CopyMayThrowHash() = default;
    CopyMayThrowHash(const CopyMayThrowHash& /*other*/) {}  // NOLINT: not noexcept on purpose
    CopyMayThrowHash& operator=(const CopyMayThrowHash& /*other*/) { return *this; }
    ~CopyMayThrowHash() = default;
    std::size_t operator()(int key) const noexcept { return static_cast<std::size_t>(key); }
};

/// Moves cannot throw, but a swap can: its own swap() is not noexcept.
struct SwapMayThrowEqual {
    bool operator()(int a, int b) const noexcept { return a == b; }
    friend void swap(SwapMayThrowEqual& /*a*/, SwapMayThrowEqual& /*b*/) {}  // not noexcept
};

using PlainTable = ComboTable<int, int>;
using CopyMayThrowTable = ComboTable<int, int, CopyMayThrowHash>;
using SwapMayThrowTable = ComboTable<int, int, std::hash<int>, SwapMayThrowEqual>;

static_assert(std::is_nothrow_move_constructible_v<PlainTable>);
static_assert(std::is_nothrow_move_assignable_v<PlainTable>);
static_assert(std::is_nothrow_swappable_v<PlainTable>);
static_assert(noexcept(std::declval<PlainTable&>().swap(std::declval<PlainTable&>())));

static_assert(!std::is_nothrow_move_constructible_v<CopyMayThrowTable>);
static_assert(!std::is_nothrow_move_assignable_v<CopyMayThrowTable>);
static_assert(!std::is_nothrow_swappable_v<CopyMayThrowTable>);
static_assert(std::is_move_constructible_v<CopyMayThrowTable>);

static_assert(std::is_nothrow_move_constructible_v<SwapMayThrowTable>);
static_assert(std::is_nothrow_move_assignable_v<SwapMayThrowTable>);
static_assert(!std::is_nothrow_swappable_v<SwapMayThrowTable>);
static_assert(
    !noexcept(std::declval<SwapMayThrowTable&>().swap(std::declval<SwapMayThrowTable&>())));

/// A hash with state whose copy, move and swap throw when armed, to see
/// the exception reach the caller instead of std::terminate.
struct ArmedHash {
    static inline bool armed = false;
    int seed = 0;

    ArmedHash() = default;
    explicit ArmedHash(int initial_seed) : seed(initial_seed) {}
    ArmedHash(const ArmedHash& other) : seed(other.seed) { maybe_throw(); }
    ArmedHash(ArmedHash&& other) : seed(other.seed) { maybe_throw(); }  // NOLINT: may throw
    ArmedHash& operator=(const ArmedHash& other) {
        maybe_throw();
        seed = other.seed;
        return *this;
    }
    ArmedHash& operator=(ArmedHash&& other) {  // NOLINT: may throw
        maybe_throw();
        seed = other.seed;
        return *this;
    }
    ~ArmedHash() = default;

    std::size_t operator()(int key) const noexcept {
        return static_cast<std::size_t>(key) * 31U + static_cast<std::size_t>(seed);
    }

    static void maybe_throw() {
        if (armed) {
            throw telechat_test::InjectedFailure();
        }
    }
};

/// Disarms ArmedHash however the test section ends.
struct Armed {
    Armed() { ArmedHash::armed = true; }
    Armed(const Armed&) = delete;
    Armed& operator=(const Armed&) = delete;
    ~Armed() { ArmedHash::armed = false; }
};

using ArmedTable = ComboTable<int, int, ArmedHash>;

ArmedTable armed_table_of(int count, int seed) {
    ArmedTable table(0, ArmedHash(seed));
    for (int key = 0; key < count; ++key) {
        table.try_emplace(key, key * 10);
    }
    return table;
}

bool holds_keys(const ArmedTable& table, int count) {
    if (table.size() != static_cast<std::size_t>(count)) {
        return false;
    }
    for (int key = 0; key < count; ++key) {
        const auto found = table.find(key);
        if (found == table.end() || found->second != key * 10) {
            return false;
        }
    }
    return true;
}

}  // namespace

TEST_CASE(COMBINATION "HashTable: tables whose equality's swap is not noexcept still swap",
          "[hash_table][conformance]") {
    SwapMayThrowTable a;
    SwapMayThrowTable b;
    a.try_emplace(1, 10);
    b.try_emplace(2, 20);
    swap(a, b);
    REQUIRE(a.contains(2));
    REQUIRE(b.contains(1));
    a.swap(b);
    REQUIRE(a.at(1) == 10);
    REQUIRE_NOTHROW(a.check_invariants());
}

TEST_CASE(COMBINATION "HashTable: an exception from the hasher's copy or move reaches the caller",
          "[hash_table][conformance][exceptions]") {
    static_assert(!std::is_nothrow_move_constructible_v<ArmedTable>);
    ArmedTable source = armed_table_of(100, 7);

    SECTION("copy constructor") {
        const Armed armed;
        REQUIRE_THROWS_AS(ArmedTable(source), telechat_test::InjectedFailure);
    }
    SECTION("move constructor: the source keeps its elements") {
        {
            const Armed armed;
            REQUIRE_THROWS_AS(ArmedTable(std::move(source)), telechat_test::InjectedFailure);
        }
        REQUIRE(holds_keys(source, 100));
        REQUIRE_NOTHROW(source.check_invariants());
    }
    SECTION("move assignment: the source keeps its elements, the target is left empty") {
        ArmedTable target = armed_table_of(10, 99);
        {
            const Armed armed;
            REQUIRE_THROWS_AS(target = std::move(source), telechat_test::InjectedFailure);
        }
        REQUIRE(holds_keys(source, 100));
        REQUIRE_NOTHROW(source.check_invariants());
        REQUIRE(target.empty());
        REQUIRE_NOTHROW(target.check_invariants());
        target.try_emplace(1, 10);  // and it is usable
        REQUIRE(target.contains(1));
    }
    SECTION("copy assignment") {
        ArmedTable target = armed_table_of(10, 99);
        {
            const Armed armed;
            REQUIRE_THROWS_AS(target = source, telechat_test::InjectedFailure);
        }
        REQUIRE(holds_keys(source, 100));
        REQUIRE_NOTHROW(target.check_invariants());
    }
    SECTION("swap: both tables are left valid") {
        ArmedTable other = armed_table_of(10, 99);
        {
            const Armed armed;
            REQUIRE_THROWS_AS(swap(source, other), telechat_test::InjectedFailure);
        }
        REQUIRE_NOTHROW(source.check_invariants());
        REQUIRE_NOTHROW(other.check_invariants());
    }
    SECTION("unarmed, everything works and the hasher travels with the elements") {
        ArmedTable other = armed_table_of(10, 99);
        swap(source, other);
        REQUIRE(holds_keys(other, 100));
        REQUIRE(other.hash_function().seed == 7);
        ArmedTable moved(std::move(other));
        REQUIRE(holds_keys(moved, 100));
        source = std::move(moved);
        REQUIRE(holds_keys(source, 100));
        REQUIRE(source.hash_function().seed == 7);
        REQUIRE_NOTHROW(source.check_invariants());
    }
}

// ---------------------------------------------------------------------------
// A key or value type that hijacks unary & (LLVM: assign_copy.addressof,
// assign_move.addressof)
// ---------------------------------------------------------------------------

namespace hijack {

/// As LLVM's operator_hijacker: hidden friends that argument-dependent lookup
/// finds for every type built from it (HashTable<Hijacker, ...>, its pairs,
/// its iterators), so a built-in `&x` or `a, b` on any of them fails to compile.
struct Hijacker {
    int value = 0;

    friend bool operator==(const Hijacker& a, const Hijacker& b) { return a.value == b.value; }
    template <class T>
    friend void operator&(T&&) = delete;
    template <class T, class U>
    friend void operator,(T&&, U&&) = delete;
    template <class T, class U>
    friend void operator&&(T&&, U&&) = delete;
    template <class T, class U>
    friend void operator||(T&&, U&&) = delete;
};

struct HijackerHash {
    std::size_t operator()(const Hijacker& key) const noexcept {
        return static_cast<std::size_t>(key.value);
    }
};

}  // namespace hijack

namespace {

/// Copies, moves, and copy- and move-assigns `original`, self-assignment
/// included: each of these used a built-in `&`.
template <class Container>
Container assigned_every_way(const Container& original) {
    Container copy = original;
    copy = same_object(copy);
    copy = std::move(same_object(copy));
    Container result;
    result = copy;
    result = std::move(copy);
    return result;
}

}  // namespace

TEST_CASE(COMBINATION "Containers assign and self-assign elements whose type hijacks unary &",
          "[hash_table][stack][queue][conformance]") {
    using hijack::Hijacker;
    SECTION("HashTable, as the key and as the value") {
        ComboTable<Hijacker, Hijacker, hijack::HijackerHash> original;
        original.try_emplace(Hijacker{1}, Hijacker{10});
        original[Hijacker{2}] = Hijacker{20};
        auto table = assigned_every_way(original);
        REQUIRE(table.size() == 2U);
        REQUIRE(table.at(Hijacker{2}).value == 20);
        REQUIRE(table.find(Hijacker{1})->second.value == 10);
        table.erase(table.begin(), table.end());
        REQUIRE(table.empty());
    }
    SECTION("Stack") {
        telechat::Stack<Hijacker> original;
        original.push(Hijacker{1});
        REQUIRE(assigned_every_way(original).top().value == 1);
    }
    SECTION("Queue") {
        telechat::Queue<Hijacker> original;
        original.push(Hijacker{1});
        const auto queue = assigned_every_way(original);
        REQUIRE(queue.front().value == 1);
        REQUIRE(queue.begin()->value == 1);
    }
}

// ---------------------------------------------------------------------------
// erase(first, last) and erase_if
// ---------------------------------------------------------------------------

namespace {

PlainTable table_of(int count) {
    PlainTable table;
    for (int key = 0; key < count; ++key) {
        table.try_emplace(key, key * 10);
    }
    return table;
}

std::vector<int> sorted_keys(const PlainTable& table) {
    std::vector<int> keys;
    for (const auto& [key, value] : table) {
        keys.push_back(key);
    }
    std::sort(keys.begin(), keys.end());
    return keys;
}

}  // namespace

TEST_CASE(COMBINATION "HashTable: erase(first, last) removes exactly that range",
          "[hash_table][conformance][erase]") {
    PlainTable table = table_of(20);
    std::vector<int> expected = sorted_keys(table);
    const auto remove_positions = [&](std::ptrdiff_t from, std::ptrdiff_t to) {
        for (auto it = table.begin() + from; it != table.begin() + to; ++it) {
            expected.erase(std::find(expected.begin(), expected.end(), it->first));
        }
        const auto next = table.erase(table.cbegin() + from, table.cbegin() + to);
        REQUIRE(next == table.begin() + from);
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE(sorted_keys(table) == expected);
        for (const auto& [key, value] : table) {
            REQUIRE(value == key * 10);
        }
    };

    SECTION("an empty range") {
        remove_positions(5, 5);
    }
    SECTION("a range in the middle, longer than the tail after it") {
        remove_positions(3, 15);
    }
    SECTION("a range in the middle, shorter than the tail after it") {
        remove_positions(2, 5);
    }
    SECTION("the tail") {
        remove_positions(12, 20);
    }
    SECTION("the head") {
        remove_positions(0, 7);
    }
    SECTION("everything") {
        const auto next = table.erase(table.begin(), table.end());
        REQUIRE(next == table.end());
        REQUIRE(table.empty());
        REQUIRE_NOTHROW(table.check_invariants());
    }
    SECTION("erase while iterating, a run at a time") {
        std::size_t visited = 0;
        for (auto it = table.begin(); it != table.end();) {
            ++visited;
            if (it->first % 4 == 0 && it + 1 != table.end()) {
                it = table.erase(it, it + 1);
            } else {
                ++it;
            }
        }
        REQUIRE(visited == 20U);
        REQUIRE_NOTHROW(table.check_invariants());
    }
}

TEST_CASE(COMBINATION
          "HashTable: erase(first, last) agrees with std::unordered_map on random ranges",
          "[hash_table][conformance][erase]") {
    std::mt19937 rng(1234);
    for (int round = 0; round < 200; ++round) {
        const int count = static_cast<int>(rng() % 300U);
        PlainTable table = table_of(count);
        std::unordered_map<int, int> reference;
        for (int key = 0; key < count; ++key) {
            reference.emplace(key, key * 10);
        }
        const std::size_t size = table.size();
        const std::size_t from = rng() % (size + 1);
        const std::size_t to = from + rng() % (size - from + 1);
        for (std::size_t i = from; i < to; ++i) {
            reference.erase(table.begin()[static_cast<std::ptrdiff_t>(i)].first);
        }
        table.erase(table.begin() + static_cast<std::ptrdiff_t>(from),
                    table.begin() + static_cast<std::ptrdiff_t>(to));
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE(table.size() == reference.size());
        for (const auto& [key, value] : reference) {
            REQUIRE(table.contains(key));
        }
    }
}

TEST_CASE(COMBINATION "HashTable: erase_if, found by argument-dependent lookup, returns the count",
          "[hash_table][conformance][erase]") {
    SECTION("int keys") {
        PlainTable table = table_of(1000);
        const std::size_t removed =
            erase_if(table, [](const auto& element) { return element.first % 3 == 0; });
        REQUIRE(removed == 334U);
        REQUIRE(table.size() == 666U);
        REQUIRE_NOTHROW(table.check_invariants());
        for (const auto& [key, value] : table) {
            REQUIRE(key % 3 != 0);
        }
        REQUIRE(erase_if(table, [](const auto&) { return false; }) == 0U);
        REQUIRE(telechat::erase_if(table, [](const auto&) { return true; }) == 666U);
        REQUIRE(table.empty());
    }
    SECTION("string keys, a predicate on the structured binding") {
        ComboTable<std::string, int, telechat::StringHash, std::equal_to<>> table;
        for (int i = 0; i < 200; ++i) {
            table.try_emplace("key " + std::to_string(i), i);
        }
        const auto removed = erase_if(table, [](const auto& element) {
            const auto& [key, value] = element;
            return key.back() == '7' || value >= 150;
        });
        REQUIRE(removed == 50U + 15U);
        REQUIRE(table.size() == 200U - removed);
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE(table.contains(std::string_view("key 8")));
        REQUIRE_FALSE(table.contains(std::string_view("key 17")));
    }
    SECTION("move-only keys") {
        ComboTable<MoveOnly, int, MoveOnlyHash> table;
        for (int i = 0; i < 50; ++i) {
            REQUIRE(table.insert(std::pair<MoveOnly, int>(MoveOnly(i), i)).second);
        }
        REQUIRE(erase_if(table, [](const auto& element) { return element.second < 25; }) == 25U);
        REQUIRE_NOTHROW(table.check_invariants());
        REQUIRE(table.contains(MoveOnly(30)));
    }
}

}  // namespace COMBINATION_NAMESPACE

// Differential tests: long random sequences of operations applied both to a
// TeleChat container and to its standard-library counterpart (std::queue,
// std::stack, std::unordered_map), comparing everything observable after
// each step. Every sequence comes from a fixed seed, so a failure replays.
#include <telechat/hash_table.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "element_types.hpp"
#include "hash_combination.hpp"
#include "sequence_kinds.hpp"

// Compiled once per collision strategy and sizing rule: see hash_combination.hpp.
namespace COMBINATION_NAMESPACE {
using telechat_test::ComboTable;

namespace {

constexpr std::array<std::uint64_t, 4> seeds{0x7e1ec4a7ULL, 1ULL, 0xdeadbeefcafef00dULL,
                                             20240611ULL};
/// Per seed; with four seeds every container sees well over 10^5 operations.
constexpr std::size_t steps_per_seed = 30'000;
/// How often the (O(1) for Queue and Stack, O(n) for HashTable) invariant check runs.
constexpr std::size_t invariant_period = 64;
/// How often the whole contents are compared.
constexpr std::size_t full_compare_period = 1024;

/// Stops the test with the seed and step that reproduce a mismatch. The
/// message is only built when something is wrong, so the loops stay fast.
class Mismatch {
public:
    explicit Mismatch(std::uint64_t seed) : m_seed(seed) {}
    void at_step(std::size_t step) noexcept { m_step = step; }
    void require(bool holds, const char* what) const {
        if (!holds) {
            FAIL("seed " << m_seed << ", step " << m_step << ": " << what);
        }
    }

private:
    std::uint64_t m_seed;
    std::size_t m_step = 0;
};

/// Random element values: ints, or strings of 0 to 40 characters (some fit
/// the small-string buffer, most do not).
template <class T>
T random_value(std::mt19937_64& rng);

template <>
int random_value<int>(std::mt19937_64& rng) {
    return static_cast<int>(rng() % 2'000'001U) - 1'000'000;
}

template <>
std::string random_value<std::string>(std::mt19937_64& rng) {
    const std::size_t length = rng() % 41U;
    std::string text(length, ' ');
    for (char& c : text) {
        c = static_cast<char>('a' + static_cast<int>(rng() % 26U));
    }
    return text;
}

/// A Counted (every construction and destruction tracked) that operator[]
/// can default-construct.
struct CountedValue : telechat_test::Counted {
    CountedValue() : Counted(0) {}
    explicit CountedValue(int value) : Counted(value) {}
};

template <>
CountedValue random_value<CountedValue>(std::mt19937_64& rng) {
    return CountedValue(random_value<int>(rng));
}

template <class Container, class Reference>
bool same_sequence(const Container& container, const Reference& reference) {
    return container.size() == reference.size() &&
           std::equal(container.begin(), container.end(), reference.begin(), reference.end());
}

/// A random step pattern: phases of mostly growing and mostly shrinking, so
/// that sizes wander between empty and a few thousand.
bool in_growing_phase(std::size_t step) {
    return (step / 4096) % 2 == 0;
}

// ---------------------------------------------------------------------------
// Queue and Stack
// ---------------------------------------------------------------------------

/// What the Queue and Stack runs are parametrised by.
template <class K, class T>
struct SequenceUnderTest {
    using Kind = K;
    using Element = T;
};

/// Queue against std::queue, or Stack against std::stack: `Kind` (see
/// sequence_kinds.hpp) names both and hides front/back versus top.
template <class Kind, class T>
void run_sequence_against_std(std::uint64_t seed) {
    using Container = typename Kind::template Container<T>;
    using Reference = typename Kind::template Reference<T>;
    std::mt19937_64 rng(seed);
    Mismatch mismatch(seed);
    Container container;
    Reference reference;

    for (std::size_t step = 0; step < steps_per_seed; ++step) {
        mismatch.at_step(step);
        const std::uint64_t roll = rng() % 1000U;
        const std::uint64_t pushes = in_growing_phase(step) ? 600U : 380U;
        if (roll < pushes) {
            T value = random_value<T>(rng);
            reference.push(value);
            switch (roll % 3U) {
                case 0:
                    container.push(value);
                    break;
                case 1:
                    container.push(std::move(value));
                    break;
                default:
                    mismatch.require(container.emplace(value) == Kind::newest(reference),
                                     "emplace returns the new element");
                    break;
            }
        } else if (roll < 990U) {
            if (reference.empty()) {
                REQUIRE_THROWS_AS(container.pop(), std::out_of_range);
            } else {
                reference.pop();
                container.pop();
            }
        } else {
            switch (roll) {
                case 990: {
                    container.clear();
                    reference = Reference();
                    break;
                }
                case 991: {
                    const std::size_t capacity = container.capacity();
                    const std::size_t wanted = rng() % (2 * container.size() + 16);
                    container.reserve(wanted);
                    mismatch.require(
                        container.capacity() >= wanted && container.capacity() >= capacity,
                        "reserve reaches the wanted capacity and never shrinks");
                    break;
                }
                case 992: {
                    const Container copy(container);
                    mismatch.require(copy == container && same_sequence(copy, reference.c),
                                     "a copy equals the original");
                    break;
                }
                case 993: {
                    Container target;
                    target.push(random_value<T>(rng));
                    target = container;
                    mismatch.require(same_sequence(target, reference.c), "copy assignment");
                    container = std::move(target);
                    break;
                }
                case 994: {
                    Container taken(std::move(container));
                    mismatch.require(container.empty(), "a moved-from container is empty");
                    container = std::move(taken);
                    break;
                }
                case 995: {
                    Container other{random_value<T>(rng)};
                    container.swap(other);
                    mismatch.require(same_sequence(other, reference.c), "swap moves the contents");
                    swap(container, other);
                    break;
                }
                case 996: {
                    container = telechat_test::same_object(container);
                    container = std::move(telechat_test::same_object(container));
                    break;
                }
                case 997: {
                    if (!reference.empty()) {
                        T value = random_value<T>(rng);
                        Kind::next_out(reference) = value;
                        Kind::next_out(container) = value;
                    }
                    break;
                }
                case 998: {
                    if (!reference.empty()) {
                        T value = random_value<T>(rng);
                        Kind::newest(reference) = value;
                        Kind::newest(container) = std::move(value);
                    }
                    break;
                }
                default: {
                    mismatch.require(same_sequence(container, reference.c),
                                     "contents in iteration order");
                    break;
                }
            }
        }

        mismatch.require(container.size() == reference.size(), "size");
        mismatch.require(container.empty() == reference.empty(), "empty");
        if (!reference.empty()) {
            mismatch.require(Kind::next_out(container) == Kind::next_out(reference),
                             "the element that leaves next (front or top)");
            mismatch.require(Kind::newest(container) == Kind::newest(reference),
                             "the newest element (back or top)");
        } else {
            REQUIRE_THROWS_AS(Kind::next_out(container), std::out_of_range);
        }
        if (step % invariant_period == 0) {
            REQUIRE_NOTHROW(container.check_invariants());
        }
        if (step % full_compare_period == 0) {
            REQUIRE(same_sequence(container, reference.c));
        }
    }
    REQUIRE_NOTHROW(container.check_invariants());
    REQUIRE(same_sequence(container, reference.c));
}

// ---------------------------------------------------------------------------
// HashTable
// ---------------------------------------------------------------------------

/// `count` distinct keys: ints 0 .. count - 1, or strings of which a third
/// are long enough to live on the heap.
template <class K>
std::vector<K> make_keys(std::size_t count) {
    std::vector<K> keys;
    keys.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        if constexpr (std::is_same_v<K, int>) {
            keys.push_back(static_cast<int>(i));
        } else {
            keys.push_back((i % 3 == 0 ? "a key long enough to need the heap #" : "k") +
                           std::to_string(i));
        }
    }
    return keys;
}

/// Whether table and reference hold exactly the same pairs, checked both
/// ways: every element of the table is in the reference with the same value,
/// and every key of the reference is found in the table.
template <class Table, class Reference>
bool same_contents(const Table& table, const Reference& reference) {
    if (table.size() != reference.size()) {
        return false;
    }
    for (const auto& [key, value] : table) {
        const auto expected = reference.find(key);
        if (expected == reference.end() || !(expected->second == value)) {
            return false;
        }
    }
    for (const auto& [key, value] : reference) {
        const auto found = table.find(key);
        if (found == table.end() || !(found->first == key) || !(found->second == value)) {
            return false;
        }
    }
    return true;
}

/// How long a run is, and how often it checks the invariants.
struct RunLength {
    std::size_t steps = steps_per_seed;
    std::size_t check_period = invariant_period;  ///< 1: after every operation
};

template <class K, class V, class Hash = std::hash<K>, class KeyEqual = std::equal_to<K>>
void run_hash_table_against_unordered_map(std::uint64_t seed, std::size_t key_space,
                                          RunLength length = {}) {
    using Table = ComboTable<K, V, Hash, KeyEqual>;
    std::mt19937_64 rng(seed);
    Mismatch mismatch(seed);
    const std::vector<K> keys = make_keys<K>(key_space);
    Table table;
    std::unordered_map<K, V> reference;

    for (std::size_t step = 0; step < length.steps; ++step) {
        mismatch.at_step(step);
        const K& key = keys[rng() % key_space];
        const std::uint64_t roll = rng() % 1000U;
        const std::uint64_t inserts = in_growing_phase(step) ? 450U : 200U;

        if (roll < inserts) {
            V value = random_value<V>(rng);
            const auto [expected, expected_inserted] = reference.try_emplace(key, value);
            switch (roll % 6U) {
                case 0: {
                    const std::pair<K, V> element{key, value};
                    const auto result = table.insert(element);
                    mismatch.require(result.second == expected_inserted, "insert(const&) reports");
                    break;
                }
                case 1: {
                    const auto result = table.insert(std::pair<K, V>{key, std::move(value)});
                    mismatch.require(result.second == expected_inserted, "insert(&&) reports");
                    break;
                }
                case 2: {
                    const auto result = table.emplace(key, value);
                    mismatch.require(result.second == expected_inserted, "emplace reports");
                    mismatch.require(result.first->first == key, "emplace points at the key");
                    break;
                }
                case 3: {
                    const auto result = table.try_emplace(key, std::move(value));
                    mismatch.require(result.second == expected_inserted, "try_emplace reports");
                    mismatch.require(result.first->second == expected->second,
                                     "try_emplace points at the current value");
                    break;
                }
                case 4: {
                    expected->second = value;
                    const auto result = table.insert_or_assign(key, value);
                    mismatch.require(result.second == expected_inserted,
                                     "insert_or_assign reports");
                    break;
                }
                default: {
                    expected->second = value;
                    table[key] = std::move(value);
                    break;
                }
            }
        } else if (roll < 700U) {
            const std::size_t expected = reference.erase(key);
            if (roll % 2U == 0) {
                mismatch.require(table.erase(key) == expected, "erase(key) count");
            } else {
                const auto position = table.find(key);
                mismatch.require((position != table.end()) == (expected == 1),
                                 "find before erase(iterator)");
                if (position != table.end()) {
                    const std::size_t index = static_cast<std::size_t>(position - table.begin());
                    const auto next = table.erase(position);
                    mismatch.require(next == table.begin() + static_cast<std::ptrdiff_t>(index),
                                     "erase(iterator) returns the same position");
                }
            }
        } else if (roll < 990U) {
            const auto expected = reference.find(key);
            const bool present = expected != reference.end();
            const auto found = std::as_const(table).find(key);
            mismatch.require((found != table.cend()) == present, "find");
            mismatch.require(table.contains(key) == present, "contains");
            mismatch.require(table.count(key) == (present ? 1U : 0U), "count");
            if (present) {
                mismatch.require(found->first == key && found->second == expected->second,
                                 "find gives the mapped value");
                mismatch.require(table.at(key) == expected->second, "at");
            } else if (roll % 8U == 0) {
                REQUIRE_THROWS_AS(table.at(key), std::out_of_range);
            }
            if constexpr (std::is_same_v<K, std::string>) {
                const std::string_view view = key;
                mismatch.require(table.contains(view) == present, "transparent contains");
            }
        } else {
            switch (roll) {
                case 990: {
                    if (rng() % 4U == 0) {  // keep the tables big most of the time
                        table.clear();
                        reference.clear();
                    }
                    break;
                }
                case 991: {
                    const std::size_t wanted = rng() % (4 * table.size() + 64);
                    table.rehash(wanted);
                    mismatch.require(table.bucket_count() >= wanted, "rehash reaches the count");
                    break;
                }
                case 992: {
                    table.reserve(table.size() + rng() % 2000U);
                    break;
                }
                case 993: {
                    const float limit =
                        static_cast<float>(30U + rng() % 66U) / 100.0F;  // 0.30 .. 0.95
                    table.max_load_factor(limit);
                    mismatch.require(table.max_load_factor() == limit, "max_load_factor is set");
                    mismatch.require(table.load_factor() <= limit, "load within the new maximum");
                    REQUIRE_THROWS_AS(table.max_load_factor(Table::highest_max_load_factor * 2.0F),
                                      std::invalid_argument);
                    break;
                }
                case 994: {
                    // Erase while iterating, with a predicate on the key's position.
                    const std::size_t modulus = 2 + rng() % 7U;
                    std::size_t visited = 0;
                    const std::size_t before = table.size();
                    for (auto it = table.begin(); it != table.end();) {
                        ++visited;
                        const bool doomed = std::hash<K>{}(it->first) % modulus == 0;
                        if (doomed) {
                            reference.erase(it->first);
                            it = table.erase(it);
                        } else {
                            ++it;
                        }
                    }
                    mismatch.require(visited == before, "erase while iterating visits each once");
                    break;
                }
                case 995: {
                    const Table copy(table);
                    mismatch.require(copy == table && same_contents(copy, reference),
                                     "a copy equals the original");
                    break;
                }
                case 996: {
                    Table taken(std::move(table));
                    mismatch.require(table.empty(), "a moved-from table is empty");
                    table = std::move(taken);
                    break;
                }
                case 997: {
                    Table other;
                    other.try_emplace(key, random_value<V>(rng));
                    table.swap(other);
                    mismatch.require(same_contents(other, reference), "swap moves the contents");
                    swap(table, other);
                    break;
                }
                case 998: {
                    table = telechat_test::same_object(table);
                    table = std::move(telechat_test::same_object(table));
                    break;
                }
                default: {
                    mismatch.require(same_contents(table, reference), "full contents");
                    break;
                }
            }
        }

        mismatch.require(table.size() == reference.size(), "size");
        mismatch.require(table.empty() == reference.empty(), "empty");
        if (step % length.check_period == 0) {
            REQUIRE_NOTHROW(table.check_invariants());
        }
        if (step % full_compare_period == 0) {
            REQUIRE(same_contents(table, reference));
        }
    }
    REQUIRE_NOTHROW(table.check_invariants());
    REQUIRE(same_contents(table, reference));
}

}  // namespace

#ifndef TELECHAT_TEST_NOT_DEFAULT  // the sequences need no run per hash combination
TEMPLATE_TEST_CASE("Queue and Stack behave like std::queue and std::stack under random operations",
                   "[sequence][differential]", (SequenceUnderTest<telechat_test::QueueKind, int>),
                   (SequenceUnderTest<telechat_test::QueueKind, std::string>),
                   (SequenceUnderTest<telechat_test::StackKind, int>),
                   (SequenceUnderTest<telechat_test::StackKind, std::string>)) {
    for (const std::uint64_t seed : seeds) {
        run_sequence_against_std<typename TestType::Kind, typename TestType::Element>(seed);
    }
}
#endif

TEST_CASE(COMBINATION "HashTable<int, int> behaves like std::unordered_map under random operations",
          "[hash_table][differential]") {
    for (const std::uint64_t seed : seeds) {
        run_hash_table_against_unordered_map<int, int>(seed, 3000);
    }
}

TEST_CASE(COMBINATION
          "HashTable<int, std::string> behaves like std::unordered_map under random operations",
          "[hash_table][differential]") {
    for (const std::uint64_t seed : seeds) {
        run_hash_table_against_unordered_map<int, std::string>(seed, 2000);
    }
}

TEST_CASE(COMBINATION "HashTable<std::string, int> with StringHash behaves like std::unordered_map",
          "[hash_table][differential]") {
    for (const std::uint64_t seed : seeds) {
        run_hash_table_against_unordered_map<std::string, int, telechat::StringHash,
                                             std::equal_to<>>(seed, 2000);
    }
}

TEST_CASE(COMBINATION "HashTable checked after every operation agrees with std::unordered_map",
          "[hash_table][differential]") {
    // Small tables, so that an O(n) check after each step stays cheap, and
    // growth, tombstones and rebuilds come often.
    for (const std::uint64_t seed : seeds) {
        run_hash_table_against_unordered_map<int, int>(seed, 300, RunLength{4000, 1});
        run_hash_table_against_unordered_map<int, std::string>(seed, 100, RunLength{2000, 1});
    }
}

TEST_CASE(COMBINATION "HashTable of counted values: every value is destroyed once",
          "[hash_table][differential]") {
    using telechat_test::Counted;
    Counted::Track::reset_all();
    for (const std::uint64_t seed : seeds) {
        run_hash_table_against_unordered_map<int, CountedValue>(seed, 500, RunLength{8000, 16});
    }
    REQUIRE(Counted::Track::stats().bad_destructions == 0U);
    REQUIRE(Counted::Track::stats().uses_of_dead_objects == 0U);
    REQUIRE(Counted::Track::stats().constructions == Counted::Track::stats().destructions);
}

}  // namespace COMBINATION_NAMESPACE

// The hash table lab's first program: the same keys in a table of every
// collision strategy, over prime bucket counts, compared by what their
// stats() say. Change the strategy, the sizing rule or the hash and run it
// again; telechat-lab does the same at scale.
//
// Build and run, from the top of the repository:
//   c++ -std=c++20 -O2 -I include docs/examples/hash_table_lab.cpp
//   ./a.out
// It checks its own answers and exits 1 if one is wrong.
#include <telechat/hash_table.hpp>
#include <telechat/hashing.hpp>

#include <cstddef>
#include <cstdio>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace {

int failures = 0;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "hash_table_lab: wrong: %s\n", what);
        ++failures;
    }
}

//! [declare]
// Linear probing over prime bucket counts: the textbook's table.
using Textbook =
    telechat::HashTable<int, std::string, std::hash<int>, std::equal_to<int>,
                        telechat::hashing::LinearProbing,
                        telechat::hashing::Prime>;
//! [declare]

template <class Collision>
void fill_and_report() {
    telechat::HashTable<int, int, std::hash<int>, std::equal_to<int>, Collision,
                        telechat::hashing::Prime>
        table;
    std::minstd_rand random(1);  // the same keys for every strategy
    std::vector<int> keys;
    while (table.size() < 20000) {
        const auto key = static_cast<int>(random() % 1'000'000'000U);
        if (table.try_emplace(key, key).second) {
            keys.push_back(key);
        }
    }
    for (std::size_t i = 0; i < keys.size(); i += 2) {
        table.erase(keys[i]);
    }
    table.check_invariants();
    const telechat::HashTableStats stats = table.stats();
    std::printf(
        "%-17s %6zu buckets, load %.2f, mean probes %.2f, longest %zu, "
        "tombstones %zu\n",
        std::string(Collision::name).c_str(), stats.bucket_count,
        stats.load_factor, stats.mean_probe_length, stats.max_probe_length,
        stats.tombstones);
    check(table.size() == 10000 && table.at(keys[1]) == keys[1],
          "the odd keys are all there");
    check(stats.mean_probe_length >= 1.0,
          "every search reads at least one bucket");
    check((stats.tombstones != 0) ==
              (Collision::name == telechat::hashing::LinearProbing::name ||
               Collision::name == telechat::hashing::QuadraticProbing::name),
          "only linear and quadratic probing leave tombstones");
}

}  // namespace

int main() {
    Textbook names;
    names[42] = "forty-two";  // home 42 % 7 = 0
    names.erase(42);
    names[8] = "eight";  // home 1: the tombstone in bucket 0 stays
    check(names.size() == 1 && names.at(8) == "eight",
          "a textbook table is a map like any");
    check(names.index().tombstones() == 1, "the erase left a tombstone");

    fill_and_report<telechat::hashing::SeparateChaining>();
    fill_and_report<telechat::hashing::LinearProbing>();
    fill_and_report<telechat::hashing::QuadraticProbing>();
    fill_and_report<telechat::hashing::RobinHood>();
    return failures == 0 ? 0 : 1;
}

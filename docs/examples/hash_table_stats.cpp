// Watching clustering with telechat::HashTable::stats().
//
// Fills a table of 65536 buckets with random keys up to three load limits,
// then with consecutive integers, then 1000 keys under a constant hash, and
// prints the probe lengths of each. With random keys the mean probe length
// follows Knuth's estimate for linear probing, (1 + 1/(1 - load)) / 2.
//
// Build and run, from the top of the repository:
//   c++ -std=c++20 -O2 -I include docs/examples/hash_table_stats.cpp
//   ./a.out
// It checks its own answers and exits 1 if one is wrong.
#include <telechat/hash_table.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <random>

namespace {

// The probe lengths of this page count buckets, as Robin Hood reads them;
// the default GroupProbing counts groups of 16 (the guide says why).
template <class K, class V, class Hash = std::hash<K>>
using RobinHoodTable = telechat::HashTable<K, V, Hash, std::equal_to<K>,
                                           telechat::hashing::RobinHood>;

int failures = 0;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "hash_table_stats: wrong: %s\n", what);
        ++failures;
    }
}

//! [print]
void print(const char* label, const telechat::HashTableStats& s) {
    std::printf("%-22s load %.2f  mean %6.2f  max %4zu  histogram:", label,
                s.load_factor, s.mean_probe_length, s.max_probe_length);
    for (std::size_t k = 1; k < s.probe_length_histogram.size() && k <= 8;
         ++k) {
        std::printf(" %zu", s.probe_length_histogram[k]);
    }
    std::printf(s.probe_length_histogram.size() > 9 ? " ...\n" : "\n");
}
//! [print]

//! [random]
// Fills 65536 buckets right up to the load limit with random 64-bit keys.
telechat::HashTableStats fill_with_random_keys(float max_load) {
    RobinHoodTable<std::uint64_t, int> t;
    t.max_load_factor(max_load);
    t.rehash(65536);
    const auto limit = static_cast<std::size_t>(65536 * double{max_load});
    std::mt19937_64 random(1);
    while (t.size() < limit) {
        t.try_emplace(random(), 0);
    }
    return t.stats();
}
//! [random]

//! [constant]
// Every key hashes to 42: one home bucket for all of them.
struct ConstantHash {
    std::size_t operator()(int) const noexcept { return 42; }
};
//! [constant]

}  // namespace

int main() {
    for (const float load : {0.5F, 0.8F, 0.95F}) {
        const telechat::HashTableStats s = fill_with_random_keys(load);
        const double knuth = (1.0 + 1.0 / (1.0 - double{load})) / 2.0;
        char label[32];
        std::snprintf(label, sizeof label, "random, limit %.2f", double{load});
        print(label, s);
        check(s.mean_probe_length > 0.9 * knuth &&
                  s.mean_probe_length < 1.1 * knuth,
              "random keys: the mean probe length is near Knuth's estimate");
        check(s.probe_length_histogram[0] == 0, "no probe length 0");
    }

    RobinHoodTable<int, int> consecutive;
    for (int i = 0; i < 100000; ++i) {
        consecutive[i] = i;
    }
    const telechat::HashTableStats spread = consecutive.stats();
    print("0, 1, ..., 99999", spread);
    check(spread.mean_probe_length < 1.2,
          "consecutive keys: almost all in their home bucket");

    //! [constant_use]
    RobinHoodTable<int, int, ConstantHash> t;
    for (int i = 0; i < 1000; ++i) {
        t[i] = i;  // each insert compares the key with every key already there
    }
    print("constant hash", t.stats());  // mean 500.5, max 1000
    //! [constant_use]
    const telechat::HashTableStats piled = t.stats();
    check(piled.mean_probe_length == 500.5 && piled.max_probe_length == 1000,
          "constant hash: one run, mean (n + 1) / 2");

    if (failures != 0) {
        return 1;
    }
    std::puts("hash_table_stats: all checks passed");
    return 0;
}

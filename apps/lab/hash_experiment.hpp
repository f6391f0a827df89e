// The hash-table experiment of telechat-lab: fill a table of each collision
// strategy and sizing rule to a series of load factors, over one bucket
// count and one set of random keys, and measure what a search costs, in
// probes (see telechat::hashing::ProbeCount for what one counts) and in
// nanoseconds, beside the textbook's predictions. No I/O here: the program
// prints the rows.
#pragma once

#include <telechat/hash_table.hpp>
#include <telechat/hashing.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace lab_app {

/// What one run measures.
struct HashExperiment {
    /// Each sizing rule uses its largest bucket count up to this (PowerOfTwo:
    /// 262,144; Prime: 262,139), so that all tables are alike in size.
    std::size_t buckets = std::size_t{1} << 18;
    std::vector<double> load_factors = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95};
    std::uint64_t seed = 1;  ///< of the random 64-bit keys
    bool timing = true;      ///< false: probes only (for tests: fast and deterministic)
};

/// One combination at one load factor.
struct HashRow {
    std::string_view collision;
    std::string_view sizing;
    double load_factor = 0;  ///< as reached: entries / buckets
    std::size_t buckets = 0;
    double mean_probes_hit = 0;   ///< over every key in the table
    double mean_probes_miss = 0;  ///< over as many absent keys
    std::size_t max_probes = 0;   ///< the longest successful search
    double ns_find_hit = 0;
    double ns_find_miss = 0;
    double ns_insert = 0;
};

/// The textbook's expected probes at load `alpha`, where it has a formula.
struct Prediction {
    std::optional<double> hit;
    std::optional<double> miss;
};

/// Knuth's for linear probing, uniform probing's for quadratic (an
/// approximation: quadratic probing still has secondary clustering), and
/// chaining's (`1 + α/2`, `α`). Robin Hood's successful searches cost what
/// linear probing's do on average (it only evens them out); its misses stop
/// early, and have no simple formula. GroupProbing counts groups of 16
/// buckets, not buckets, and no textbook gives a formula for it either.
[[nodiscard]] inline Prediction predicted_probes(std::string_view collision, double alpha) {
    const double free = 1.0 - alpha;
    if (collision == telechat::hashing::LinearProbing::name) {
        return {0.5 * (1 + 1 / free), 0.5 * (1 + 1 / (free * free))};
    }
    if (collision == telechat::hashing::RobinHood::name) {
        return {0.5 * (1 + 1 / free), std::nullopt};
    }
    if (collision == telechat::hashing::QuadraticProbing::name) {
        return {alpha == 0 ? 1.0 : std::log(1 / free) / alpha, 1 / free};
    }
    if (collision == telechat::hashing::SeparateChaining::name) {
        return {1 + alpha / 2, alpha};
    }
    return {};
}

namespace detail {

// Distinct, random-looking 64-bit keys: splitmix64 is a bijection of its
// counter, so no two keys of one seed are equal.
class KeySource {
public:
    explicit KeySource(std::uint64_t seed) : m_state(seed * 0x9E3779B97F4A7C15ULL) {}
    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

private:
    std::uint64_t m_state;
};

// std::hash of an integer is the integer: the sizing rule decides whether
// it is mixed, which is part of the experiment.
struct KeyHash {
    std::size_t operator()(std::uint64_t key) const noexcept {
        return static_cast<std::size_t>(key);
    }
};

// The largest bucket count of `Sizing` up to `wanted` (its smallest if none is).
template <class Sizing>
[[nodiscard]] std::size_t buckets_up_to(std::size_t wanted) {
    std::size_t count = Sizing::round_up(Sizing::min_bucket_count);
    while (Sizing::grow(count) <= wanted) {
        count = Sizing::grow(count);
    }
    return count;
}

// The time of `work` over `count` operations, in ns each: the best of
// `rounds` (a noisy machine only ever adds time).
template <class Work>
[[nodiscard]] double nanoseconds_each(std::size_t count, int rounds, Work&& work) {
    double best = 0;
    for (int round = 0; round < rounds; ++round) {
        const auto start = std::chrono::steady_clock::now();
        work();
        const std::chrono::duration<double, std::nano> took =
            std::chrono::steady_clock::now() - start;
        best = round == 0 ? took.count() : std::min(best, took.count());
    }
    return count == 0 ? 0.0 : best / static_cast<double>(count);
}

// The probes a search for `key` takes in `table`'s index.
template <class Table>
[[nodiscard]] std::size_t probes_of(const Table& table, std::uint64_t key) {
    telechat::hashing::ProbeCount count;
    const auto values = table.begin();
    (void)table.index().find(
        table.prepared_hash(key),
        [&](std::uint32_t value) {
            return values[static_cast<std::ptrdiff_t>(value)].first == key;
        },
        count);
    return count.probes;
}

template <class Table>
void measure_probes(const Table& table, const std::vector<std::uint64_t>& present,
                    const std::vector<std::uint64_t>& absent, HashRow& row) {
    std::size_t total = 0;
    for (const std::uint64_t key : present) {
        const std::size_t probes = probes_of(table, key);
        total += probes;
        row.max_probes = std::max(row.max_probes, probes);
    }
    row.mean_probes_hit =
        present.empty() ? 0 : static_cast<double>(total) / static_cast<double>(present.size());
    total = 0;
    for (const std::uint64_t key : absent) {
        total += probes_of(table, key);
    }
    row.mean_probes_miss =
        absent.empty() ? 0 : static_cast<double>(total) / static_cast<double>(absent.size());
}

template <class Table>
void measure_time(const Table& table, const std::vector<std::uint64_t>& present,
                  const std::vector<std::uint64_t>& absent, HashRow& row) {
    std::size_t found = 0;
    row.ns_find_hit = nanoseconds_each(present.size(), 3, [&] {
        for (const std::uint64_t key : present) {
            found += table.contains(key) ? 1U : 0U;
        }
    });
    row.ns_find_miss = nanoseconds_each(absent.size(), 3, [&] {
        for (const std::uint64_t key : absent) {
            found += table.contains(key) ? 1U : 0U;
        }
    });
    if (found != 3 * present.size()) {  // also keeps the loops from being optimised away
        throw std::logic_error("telechat-lab: a present key was not found, or an absent one was");
    }
}

}  // namespace detail

namespace detail {

// ns per insert into a table made ready by `empty_table`: the best of three.
template <class MakeTable>
[[nodiscard]] double time_inserts(MakeTable&& empty_table, const std::vector<std::uint64_t>& keys) {
    double best = 0;
    for (int round = 0; round < 3; ++round) {
        auto table = empty_table(keys.size());
        const double each = nanoseconds_each(keys.size(), 1, [&] {
            for (const std::uint64_t key : keys) {
                table.try_emplace(key, key);
            }
        });
        best = round == 0 ? each : std::min(best, each);
    }
    return best;
}

}  // namespace detail

/// The rows of one combination, one per load factor of `experiment`.
template <class Collision, class Sizing>
[[nodiscard]] std::vector<HashRow> measure_hash(const HashExperiment& experiment) {
    using Table = telechat::HashTable<std::uint64_t, std::uint64_t, detail::KeyHash,
                                      std::equal_to<std::uint64_t>, Collision, Sizing>;
    std::vector<HashRow> rows;
    const std::size_t buckets = detail::buckets_up_to<Sizing>(experiment.buckets);
    // Buckets and value array ready, so that an insert costs only itself.
    const auto empty_table = [&](std::size_t count) {
        Table table;
        table.max_load_factor(Table::highest_max_load_factor);
        table.rehash(buckets);
        table.reserve(count);
        return table;
    };
    for (const double alpha : experiment.load_factors) {
        detail::KeySource keys(experiment.seed);
        const auto count = static_cast<std::size_t>(alpha * static_cast<double>(buckets));
        std::vector<std::uint64_t> present(count);
        std::vector<std::uint64_t> absent(count);
        for (auto& key : present) {
            key = keys.next();
        }
        for (auto& key : absent) {
            key = keys.next();
        }
        HashRow row{Collision::name, Sizing::name};
        Table table = empty_table(count);
        for (const std::uint64_t key : present) {
            table.try_emplace(key, key);
        }
        if (experiment.timing) {
            row.ns_insert = detail::time_inserts(empty_table, present);
        }
        // Quadratic probing over a prime count may have had to grow (see
        // QuadraticProbing): the row says where it ended.
        row.buckets = table.bucket_count();
        row.load_factor = static_cast<double>(table.size()) / static_cast<double>(row.buckets);
        detail::measure_probes(table, present, absent, row);
        if (experiment.timing) {
            detail::measure_time(table, present, absent, row);
        }
        rows.push_back(row);
    }
    return rows;
}

/// Every combination, strategies in the order of the course (chaining
/// first), each over PowerOfTwo and then Prime. `progress(done, total)` is
/// called after each combination.
template <class Progress>
[[nodiscard]] std::vector<HashRow> measure_all_hash(const HashExperiment& experiment,
                                                    Progress&& progress) {
    using namespace telechat::hashing;
    std::vector<HashRow> rows;
    std::size_t done = 0;
    const auto add = [&](std::vector<HashRow> more) {
        rows.insert(rows.end(), more.begin(), more.end());
        progress(++done, std::size_t{10});
    };
    add(measure_hash<SeparateChaining, PowerOfTwo>(experiment));
    add(measure_hash<SeparateChaining, Prime>(experiment));
    add(measure_hash<LinearProbing, PowerOfTwo>(experiment));
    add(measure_hash<LinearProbing, Prime>(experiment));
    add(measure_hash<QuadraticProbing, PowerOfTwo>(experiment));
    add(measure_hash<QuadraticProbing, Prime>(experiment));
    add(measure_hash<RobinHood, PowerOfTwo>(experiment));
    add(measure_hash<RobinHood, Prime>(experiment));
    add(measure_hash<GroupProbing, PowerOfTwo>(experiment));
    add(measure_hash<GroupProbing, Prime>(experiment));
    return rows;
}

}  // namespace lab_app

// The container benchmark: telechat::HashTable, Queue and Stack against
// std::unordered_map, std::queue and std::stack (and boost::unordered_flat_map
// and absl::flat_hash_map when CMake found them), side by side in one run.
//
// Every workload runs each implementation in turn, rotating the order from one
// repetition to the next, so that a slow phase of a shared machine hits all of
// them alike; it prints the median ns per operation of each and the ratios
// "other / telechat" (above 1: TeleChat is faster). The live heap bytes per
// element come from the replaced global operator new and delete of
// tests/support/allocation_counter.hpp (CMake target telechat_allocation_counter).
// bench/README.md explains the options and the columns.

#include <telechat/hash_table.hpp>
#include <telechat/queue.hpp>
#include <telechat/stack.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <queue>
#include <random>
#include <stack>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#if __has_include(<malloc.h>)
#include <malloc.h>  // mallopt
#endif

#include "allocation_counter.hpp"

#if defined(TELECHAT_BENCH_HAVE_BOOST) && __has_include(<boost/unordered/unordered_flat_map.hpp>)
#include <boost/unordered/unordered_flat_map.hpp>
#define TELECHAT_BENCH_BOOST 1
#endif

#if defined(TELECHAT_BENCH_HAVE_BOOST) && __has_include(<boost/circular_buffer.hpp>)
#include <boost/circular_buffer.hpp>
#define TELECHAT_BENCH_CIRCULAR_BUFFER 1
#endif

#if defined(TELECHAT_BENCH_HAVE_ABSL) && __has_include(<absl/container/flat_hash_map.h>)
#include <absl/container/flat_hash_map.h>
#define TELECHAT_BENCH_ABSL 1
#endif

namespace {

// ---------------------------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------------------------

using Clock = std::chrono::steady_clock;

/// Makes the compiler believe `value` is read (and all memory may be), so that
/// no work whose result lands in it is optimised away.
template <class T>
inline void keep(const T& value) {
    __asm__ __volatile__("" : : "g"(&value) : "memory");
}

/// Times `work()`. Every timed instruction of the benchmark runs inside this
/// one function, which is kept out of line so that a profiler can select it
/// (callgrind: --toggle-collect='*timed_region*', see bench/README.md).
template <class Work>
[[gnu::noinline]] std::int64_t timed_region(Work&& work) {
    const Clock::time_point start = Clock::now();
    work();
    const Clock::time_point stop = Clock::now();
    return std::chrono::duration_cast<std::chrono::nanoseconds>(stop - start).count();
}

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

struct Options {
    bool quick = false;
    bool once = false;
    bool list = false;
    bool malloc_defaults = false;
    int reps = 7;
    std::vector<std::string> filters;  // a workload runs if its name contains any of them
    std::vector<std::string> only;     // an implementation runs if its name contains any of them
    double min_sample_ns = 1.0e6;      // each sample of a workload lasts at least this long
};

bool contains_any(const std::string& name, const std::vector<std::string>& words) {
    if (words.empty()) {
        return true;
    }
    return std::any_of(words.begin(), words.end(), [&name](const std::string& word) {
        return name.find(word) != std::string::npos;
    });
}

void print_usage() {
    std::puts(
        "usage: containers_bench [--quick] [--reps N] [--filter WORD]... [--only IMPL]...\n"
        "                        [--once] [--malloc-defaults] [--list]\n"
        "  --quick        sizes 1e3 and 1e4 only, 3 repetitions, short samples (a smoke run)\n"
        "  --reps N       repetitions of every workload (default 7); the median is printed\n"
        "  --filter WORD  run only the workloads whose name contains WORD (repeatable;\n"
        "                 e.g. map/u64, find-hit, queue/, memory)\n"
        "  --only IMPL    run only the implementations whose name contains IMPL (repeatable;\n"
        "                 e.g. telechat, std::unordered_map, boost, absl, std::stack<vector>)\n"
        "  --once         run each workload exactly once per implementation: one batch of\n"
        "                 its operations, no warm-up (for callgrind; see bench/README.md)\n"
        "  --malloc-defaults  keep glibc's mmap and trim thresholds (by default the benchmark\n"
        "                 turns both off, so that memory freed by one sample is reused by the\n"
        "                 next rather than page-faulted in again; see bench/README.md)\n"
        "  --list         print the workload names and exit");
}

std::optional<Options> parse_options(int argc, char** argv) {
    Options options;
    bool reps_given = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "--quick") {
            options.quick = true;
        } else if (arg == "--once") {
            options.once = true;
        } else if (arg == "--list") {
            options.list = true;
        } else if (arg == "--malloc-defaults") {
            options.malloc_defaults = true;
        } else if (arg == "--reps" && has_value) {
            char* end = nullptr;
            const long reps = std::strtol(argv[++i], &end, 10);
            if (end == nullptr || *end != '\0' || reps < 1 || reps > 1000) {
                std::fprintf(stderr, "containers_bench: --reps wants a number in [1, 1000]\n");
                return std::nullopt;
            }
            options.reps = static_cast<int>(reps);
            reps_given = true;
        } else if (arg == "--filter" && has_value) {
            options.filters.emplace_back(argv[++i]);
        } else if (arg == "--only" && has_value) {
            options.only.emplace_back(argv[++i]);
        } else if (arg == "--help" || arg == "-h") {
            print_usage();
            std::exit(0);
        } else {
            std::fprintf(stderr, "containers_bench: unknown or incomplete option '%s'\n", argv[i]);
            print_usage();
            return std::nullopt;
        }
    }
    if (options.quick) {
        options.min_sample_ns = 2.0e5;
        if (!reps_given) {
            options.reps = 3;
        }
    }
    if (options.once) {
        options.reps = 1;
    }
    return options;
}

// ---------------------------------------------------------------------------------------------
// Measuring one workload
// ---------------------------------------------------------------------------------------------

/// One implementation of one workload: `run(batches)` performs `batches`
/// batches of the workload's operations and returns the nanoseconds spent
/// inside timed_region (set-up and tear-down between batches are not timed).
struct Impl {
    std::string name;
    std::function<std::int64_t(std::size_t batches)> run;
};

struct Result {
    std::string name;                // e.g. "map/u64/1e5/find-hit"
    std::vector<std::string> impls;  // the first one is TeleChat's
    std::vector<double> median_ns;   // per operation, one per impl
    double spread = 0.0;             // the largest interquartile range / median, over the impls
    std::size_t ops_per_sample = 0;  // of the first implementation's samples
};

double median_of(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

double quantile_of(std::vector<double> values, double q) {
    std::sort(values.begin(), values.end());
    const double position = q * static_cast<double>(values.size() - 1);
    const auto below = static_cast<std::size_t>(position);
    const std::size_t above = std::min(below + 1, values.size() - 1);
    const double fraction = position - static_cast<double>(below);
    return values[below] + fraction * (values[above] - values[below]);
}

/// Runs every implementation `reps` times, alternating: repetition r runs
/// them starting from implementation r (mod count), so each one goes first,
/// second, ... equally often. The batch count of each implementation is set
/// by a warm-up run so that one sample lasts at least `min_sample_ns`.
Result measure(const std::string& name, std::size_t ops_per_batch, std::vector<Impl>& impls,
               const Options& options) {
    Result result;
    result.name = name;
    const std::size_t count = impls.size();
    std::vector<std::size_t> batches(count, 1);
    std::vector<std::vector<double>> samples(count);
    if (!options.once) {
        for (std::size_t i = 0; i < count; ++i) {
            const double warm_ns = static_cast<double>(std::max<std::int64_t>(impls[i].run(1), 1));
            if (warm_ns < options.min_sample_ns) {
                batches[i] = static_cast<std::size_t>(std::ceil(options.min_sample_ns / warm_ns));
            }
        }
    }
    for (int rep = 0; rep < options.reps; ++rep) {
        for (std::size_t k = 0; k < count; ++k) {
            const std::size_t i = (static_cast<std::size_t>(rep) + k) % count;
            const std::int64_t ns = impls[i].run(batches[i]);
            samples[i].push_back(static_cast<double>(ns) /
                                 static_cast<double>(batches[i] * ops_per_batch));
        }
    }
    result.ops_per_sample = count == 0 ? 0 : batches[0] * ops_per_batch;
    for (std::size_t i = 0; i < count; ++i) {
        result.impls.push_back(impls[i].name);
        const double median = median_of(samples[i]);
        result.median_ns.push_back(median);
        const double iqr = quantile_of(samples[i], 0.75) - quantile_of(samples[i], 0.25);
        result.spread = std::max(result.spread, median > 0 ? iqr / median : 0.0);
    }
    return result;
}

// ---------------------------------------------------------------------------------------------
// Targets and the table
// ---------------------------------------------------------------------------------------------

/// What a row's status is judged by: the ratio of one other implementation
/// over TeleChat against a threshold.
struct RowTarget {
    std::string versus;  // the implementation to compare with; empty: no per-row target
    double at_least = 0.0;
    std::string note;  // printed when there is no per-row target
};

struct Table {
    bool once = false;  // --once: say how many operations each implementation ran
    std::vector<Result> results;
    std::string header_impls;  // the impl list of the last header printed

    [[nodiscard]] const Result* find(const std::string& name) const {
        for (const Result& r : results) {
            if (r.name == name) {
                return &r;
            }
        }
        return nullptr;
    }
};

/// The ratio "impl time / TeleChat time" in a result, or nullopt if either is missing.
std::optional<double> ratio_in(const Result& result, const std::string& impl) {
    std::optional<double> telechat;
    std::optional<double> other;
    for (std::size_t i = 0; i < result.impls.size(); ++i) {
        if (result.impls[i] == "telechat") {
            telechat = result.median_ns[i];
        }
        if (result.impls[i] == impl) {
            other = result.median_ns[i];
        }
    }
    if (!telechat || !other || *telechat <= 0.0) {
        return std::nullopt;
    }
    return *other / *telechat;
}

void print_header(const std::vector<std::string>& impls) {
    std::printf("\n%-28s", "workload (median ns/op)");
    for (const std::string& impl : impls) {
        std::printf(" %11.11s", impl.c_str());
    }
    std::printf("  |");
    for (std::size_t i = 1; i < impls.size(); ++i) {
        const std::string label = impls[i].substr(0, 8) + "/tc";
        std::printf(" %11.11s", label.c_str());
    }
    std::printf("  | iqr%%  | target\n");
}

void add_row(Table& table, Result result, const RowTarget& target) {
    std::string key;
    for (const std::string& impl : result.impls) {
        key += impl + ",";
    }
    if (key != table.header_impls) {
        print_header(result.impls);
        table.header_impls = key;
    }
    std::printf("%-28s", result.name.c_str());
    for (double ns : result.median_ns) {
        std::printf(" %11.2f", ns);
    }
    std::printf("  |");
    for (std::size_t i = 1; i < result.impls.size(); ++i) {
        const std::optional<double> ratio = ratio_in(result, result.impls[i]);
        if (ratio) {
            std::printf(" %10.2fx", *ratio);
        } else {
            std::printf(" %11s", "-");
        }
    }
    std::printf("  | %4.0f%% | ", 100.0 * result.spread);
    if (!target.versus.empty()) {
        const std::optional<double> ratio = ratio_in(result, target.versus);
        if (ratio) {
            std::printf(">=%.2gx %s: %s", target.at_least, target.versus.c_str(),
                        *ratio >= target.at_least ? "met" : "NOT MET");
        } else {
            std::printf("(needs %s)", target.versus.c_str());
        }
    } else {
        std::printf("%s", target.note.c_str());
    }
    std::printf("\n");
    if (table.once) {
        std::printf("%-28s (--once: %zu operations timed per implementation)\n", "",
                    result.ops_per_sample);
    }
    std::fflush(stdout);
    table.results.push_back(std::move(result));
}

std::string size_label(std::size_t n) {
    int exponent = 0;
    std::size_t rest = n;
    while (rest >= 10 && rest % 10 == 0) {
        rest /= 10;
        ++exponent;
    }
    return rest == 1 ? "1e" + std::to_string(exponent) : std::to_string(n);
}

// ---------------------------------------------------------------------------------------------
// Data: random keys and values, fixed seeds
// ---------------------------------------------------------------------------------------------

constexpr std::uint64_t seed = 20240611;

std::string random_string(std::mt19937_64& rng, std::size_t length) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string text(length, ' ');
    std::uint64_t bits = 0;
    int left = 0;
    for (char& c : text) {
        if (left == 0) {
            bits = rng();
            left = 10;
        }
        c = alphabet[bits & 63U];
        bits >>= 6;
        --left;
    }
    return text;
}

/// `count` distinct random keys, each string allocated in order, one after
/// the other. (Duplicates are found by sorting rather than with a node-based
/// set: freeing a million small nodes would leave holes of the strings' own
/// size class all over the heap, and the maps' copies of the keys would then
/// land at scattered addresses, adding cache misses that no program that
/// loads its data in one go would see.)
template <class K>
std::vector<K> distinct_keys(std::size_t count, std::size_t string_length, std::uint64_t salt) {
    std::mt19937_64 rng(seed + salt);
    const auto fresh_key = [&rng, string_length]() -> K {
        if constexpr (std::is_same_v<K, std::uint64_t>) {
            (void)string_length;
            return rng();
        } else {
            return random_string(rng, string_length);
        }
    };
    std::vector<K> keys;
    keys.reserve(count);
    while (keys.size() < count) {
        keys.push_back(fresh_key());
    }
    // Replace repeats until there are none (with 64 random bits or 16 random
    // characters, there practically never are).
    std::vector<std::size_t> order(count);
    for (bool repeated = true; repeated;) {
        for (std::size_t i = 0; i < count; ++i) {
            order[i] = i;
        }
        std::sort(order.begin(), order.end(),
                  [&keys](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
        repeated = false;
        for (std::size_t i = 1; i < count; ++i) {
            if (keys[order[i]] == keys[order[i - 1]]) {
                keys[order[i]] = fresh_key();
                repeated = true;
            }
        }
    }
    return keys;
}

/// A small map sees more than one sequence of keys: its batches cycle through
/// `blocks_for(n)` different blocks of n keys (and its lookups through as many
/// shuffles), about 64 Ki operations in all. Otherwise the same few hundred
/// lookups, repeated batch after batch, would let the branch predictor learn
/// every probe's outcome, which no real workload allows.
constexpr std::size_t sequence_min = 65536;

std::size_t blocks_for(std::size_t n) {
    return n >= sequence_min ? 1 : (sequence_min + n - 1) / n;
}

template <class K>
struct KeySet {
    std::vector<K> inserted;  // in insertion order
    std::vector<K> absent;    // never inserted
};

/// Keys for every size in `sizes`: enough for the largest, and for the blocks
/// of the smaller ones.
template <class K>
KeySet<K> make_key_set(const std::vector<std::size_t>& sizes, std::size_t string_length,
                       std::uint64_t salt) {
    std::size_t count = 0;
    for (std::size_t n : sizes) {
        count = std::max(count, n * blocks_for(n));
    }
    std::vector<K> all = distinct_keys<K>(2 * count, string_length, salt);
    KeySet<K> set;
    set.absent.assign(std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(count)),
                      std::make_move_iterator(all.end()));
    all.resize(count);
    set.inserted = std::move(all);
    return set;
}

/// The keys of one map workload of size n.
template <class K>
struct MapData {
    std::size_t n = 0;
    std::size_t blocks = 1;     // blocks_for(n)
    const K* keys = nullptr;    // blocks * n keys, insertion order; the map holds the first n
    const K* absent = nullptr;  // blocks * n keys that are in no map
    std::vector<K> hits;        // `blocks` shuffles of the first n keys, one after the other
                                // (copied in that order: a lookup key's characters are read
                                // in allocation order and add no cache miss of their own)
    [[nodiscard]] std::size_t lookups() const { return blocks * n; }
};

template <class K>
std::shared_ptr<MapData<K>> make_map_data(const KeySet<K>& set, std::size_t n) {
    auto data = std::make_shared<MapData<K>>();
    data->n = n;
    data->blocks = blocks_for(n);
    data->keys = set.inserted.data();
    data->absent = set.absent.data();
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) {
        order[i] = i;
    }
    std::mt19937_64 rng(seed ^ n);
    data->hits.reserve(data->lookups());
    for (std::size_t block = 0; block < data->blocks; ++block) {
        std::shuffle(order.begin(), order.end(), rng);
        for (std::size_t i : order) {
            data->hits.push_back(set.inserted[i]);
        }
    }
    return data;
}

// ---------------------------------------------------------------------------------------------
// The maps
// ---------------------------------------------------------------------------------------------

template <class K>
using TeleChatMap = telechat::HashTable<K, std::uint64_t>;
template <class K>
using StdMap = std::unordered_map<K, std::uint64_t>;
#if defined(TELECHAT_BENCH_BOOST)
template <class K>
using BoostMap = boost::unordered_flat_map<K, std::uint64_t>;
#endif
#if defined(TELECHAT_BENCH_ABSL)
template <class K>
using AbslMap = absl::flat_hash_map<K, std::uint64_t>;
#endif

/// Calls `visit.template operator()<Map>(name)` for every map type, TeleChat's first.
template <class K, class Visit>
void for_each_map(const Options& options, Visit&& visit) {
    const auto wanted = [&options](const char* name) {
        return std::string_view(name) == "telechat" || contains_any(name, options.only);
    };
    if (wanted("telechat")) {
        visit.template operator()<TeleChatMap<K>>("telechat");
    }
    if (wanted("std::unordered_map")) {
        visit.template operator()<StdMap<K>>("std::unordered_map");
    }
#if defined(TELECHAT_BENCH_BOOST)
    if (wanted("boost::unordered_flat_map")) {
        visit.template operator()<BoostMap<K>>("boost::unordered_flat_map");
    }
#endif
#if defined(TELECHAT_BENCH_ABSL)
    if (wanted("absl::flat_hash_map")) {
        visit.template operator()<AbslMap<K>>("absl::flat_hash_map");
    }
#endif
}

const std::vector<std::string> map_workloads = {"insert",    "insert-reserve", "find-hit",
                                                "find-miss", "erase",          "iterate"};

template <class Map, class K>
std::uint64_t find_all(const Map& map, const K* keys, std::size_t count) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const auto found = map.find(keys[i]);
        if (found != map.end()) {
            sum += found->second;
        }
    }
    return sum;
}

template <class Map, class K>
std::uint64_t count_misses(const Map& map, const K* keys, std::size_t count) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < count; ++i) {
        sum += map.find(keys[i]) == map.end() ? 1U : 0U;
    }
    return sum;
}

template <class Map>
std::uint64_t sum_values(const Map& map) {
    std::uint64_t sum = 0;
    for (const auto& element : map) {
        sum += element.second;
    }
    return sum;
}

/// The operations in one batch of each map workload.
std::size_t map_ops_per_batch(const std::string& workload, std::size_t n) {
    return workload == "find-hit" || workload == "find-miss" ? n * blocks_for(n) : n;
}

/// The six workloads of one map type on one data set, in map_workloads order.
///
/// insert, insert-reserve: batch b builds a fresh map from key block b (mod
///     the block count); the map is destroyed outside the timed region.
/// find-hit, find-miss: one batch looks up every key of the lookup sequence
///     (hits: shuffles of the map's keys; misses: keys it does not hold) in a
///     map built beforehand. One untimed pass first, so a small map starts
///     each sample in cache, as it would in a program that uses it.
/// erase: batch b copies the built map (untimed), then erases all its keys
///     in the order of shuffle b.
/// iterate: one batch visits every element (summing the values).
template <class Map, class K>
std::vector<Impl> map_impls(const std::string& name, std::shared_ptr<const MapData<K>> data) {
    // The map the lookups, erases and iteration work on, built on first use (untimed).
    auto built = std::make_shared<std::optional<Map>>();
    auto prebuilt = [data, built]() -> Map& {
        if (!built->has_value()) {
            built->emplace();
            Map& map = **built;
            for (std::size_t i = 0; i < data->n; ++i) {
                map.try_emplace(data->keys[i], std::uint64_t{i});
            }
        }
        return **built;
    };
    const auto insert = [data](std::size_t batches, bool reserve) {
        std::int64_t total = 0;
        for (std::size_t b = 0; b < batches; ++b) {
            const K* keys = data->keys + (b % data->blocks) * data->n;
            Map map;
            total += timed_region([&] {
                if (reserve) {
                    map.reserve(data->n);
                }
                for (std::size_t i = 0; i < data->n; ++i) {
                    map.try_emplace(keys[i], std::uint64_t{i});
                }
                keep(map);
            });
        }  // destroyed outside the timed region
        return total;
    };
    std::vector<Impl> impls;
    impls.push_back({name, [insert](std::size_t batches) { return insert(batches, false); }});
    impls.push_back({name, [insert](std::size_t batches) { return insert(batches, true); }});
    impls.push_back({name, [data, prebuilt](std::size_t batches) {
                         const Map& map = prebuilt();
                         keep(find_all(map, data->hits.data(), data->lookups()));
                         return timed_region([&] {
                             std::uint64_t sum = 0;
                             for (std::size_t b = 0; b < batches; ++b) {
                                 sum += find_all(map, data->hits.data(), data->lookups());
                             }
                             keep(sum);
                         });
                     }});
    impls.push_back({name, [data, prebuilt](std::size_t batches) {
                         const Map& map = prebuilt();
                         keep(count_misses(map, data->absent, data->lookups()));
                         return timed_region([&] {
                             std::uint64_t sum = 0;
                             for (std::size_t b = 0; b < batches; ++b) {
                                 sum += count_misses(map, data->absent, data->lookups());
                             }
                             keep(sum);
                         });
                     }});
    impls.push_back({name, [data, prebuilt](std::size_t batches) {
                         const Map& source = prebuilt();
                         std::int64_t total = 0;
                         for (std::size_t b = 0; b < batches; ++b) {
                             const K* order = data->hits.data() + (b % data->blocks) * data->n;
                             Map map(source);  // copied outside the timed region
                             total += timed_region([&] {
                                 std::uint64_t sum = 0;
                                 for (std::size_t i = 0; i < data->n; ++i) {
                                     sum += map.erase(order[i]);
                                 }
                                 keep(sum);
                                 keep(map);
                             });
                         }
                         return total;
                     }});
    impls.push_back({name, [prebuilt](std::size_t batches) {
                         const Map& map = prebuilt();
                         keep(sum_values(map));
                         return timed_region([&] {
                             std::uint64_t sum = 0;
                             for (std::size_t b = 0; b < batches; ++b) {
                                 sum += sum_values(map);
                             }
                             keep(sum);
                         });
                     }});
    return impls;
}

/// The speed targets are set for 1e5 to 1e6 elements; a --quick run, which
/// stops at 1e4, checks them there for a rough idea only.
std::size_t target_min_size(const Options& options) {
    return options.quick ? 10000 : 100000;
}

/// The five workloads the speed targets are about (iterate has a target of its own).
bool is_target_workload(const std::string& workload) {
    return workload == "insert" || workload == "insert-reserve" || workload == "find-hit" ||
           workload == "find-miss" || workload == "erase";
}

template <class K>
void map_suite(Table& table, const Options& options, const std::string& key_name,
               std::size_t string_length, std::uint64_t salt,
               const std::vector<std::size_t>& sizes) {
    const std::string prefix = "map/" + key_name + "/";
    bool any = false;
    for (std::size_t n : sizes) {
        for (const std::string& workload : map_workloads) {
            any = any || contains_any(prefix + size_label(n) + "/" + workload, options.filters);
        }
    }
    if (!any) {
        return;
    }
    const KeySet<K> keys = make_key_set<K>(sizes, string_length, salt);
    for (std::size_t n : sizes) {
        const std::string size_prefix = prefix + size_label(n) + "/";
        std::shared_ptr<const MapData<K>> data = make_map_data(keys, n);
        std::vector<std::vector<Impl>> per_map;  // per_map[map][workload]
        for_each_map<K>(options, [&]<class Map>(const char* name) {
            per_map.push_back(map_impls<Map, K>(name, data));
        });
        for (std::size_t w = 0; w < map_workloads.size(); ++w) {
            const std::string name = size_prefix + map_workloads[w];
            if (!contains_any(name, options.filters)) {
                continue;
            }
            std::vector<Impl> impls;
            for (std::vector<Impl>& map : per_map) {
                impls.push_back(map[w]);
            }
            RowTarget target;
            if (n >= target_min_size(options) && is_target_workload(map_workloads[w])) {
                if (key_name == "u64") {
                    target = {"std::unordered_map", 2.0, ""};
                } else {
                    target.note = "in geomean vs boost";
                }
            } else if (n >= target_min_size(options) && map_workloads[w] == "iterate") {
                target = {"boost::unordered_flat_map", 5.0, ""};
            }
            add_row(table, measure(name, map_ops_per_batch(map_workloads[w], n), impls, options),
                    target);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Queues and stacks
// ---------------------------------------------------------------------------------------------

std::uint64_t value_of(std::uint64_t value) {
    return value;
}
std::uint64_t value_of(const std::string& value) {
    return value.size();
}

/// 4096 values to push: random integers, or random 12-character strings
/// (short enough for libstdc++'s small-string buffer, so pushing one copies
/// 32 bytes and allocates nothing: the container is what is measured).
template <class T>
std::vector<T> value_pool() {
    std::mt19937_64 rng(seed + 7);
    std::vector<T> pool;
    for (int i = 0; i < 4096; ++i) {
        if constexpr (std::is_same_v<T, std::uint64_t>) {
            pool.push_back(rng());
        } else {
            pool.push_back(random_string(rng, 12));
        }
    }
    return pool;
}
constexpr std::size_t pool_mask = 4095;

/// Push/pop pattern of the stack's "mixed" workload: runs of 1 to 16 pushes
/// and of 1 to 16 pops, drifting no further than about 100 elements from the
/// starting depth and returning to it at the end. 1 = push, 0 = pop.
std::vector<std::uint8_t> mixed_pattern(std::size_t length) {
    std::mt19937_64 rng(seed + 11);
    std::vector<std::uint8_t> pattern;
    long depth = 0;
    while (pattern.size() < length) {
        long pushes = 1 + static_cast<long>(rng() % 16);
        long pops = 1 + static_cast<long>(rng() % 16);
        if (depth > 64) {
            pops += 8;
        } else if (depth < -64) {
            pushes += 8;
        }
        for (long i = 0; i < pushes; ++i) {
            pattern.push_back(1);
        }
        for (long i = 0; i < pops; ++i) {
            pattern.push_back(0);
        }
        depth += pushes - pops;
    }
    for (; depth > 0; --depth) {
        pattern.push_back(0);
    }
    for (; depth < 0; ++depth) {
        pattern.push_back(1);
    }
    return pattern;
}

constexpr std::size_t stream_ops = 65536;  // push+pop pairs per batch of a steady stream

#if defined(TELECHAT_BENCH_CIRCULAR_BUFFER)
/// boost::circular_buffer used as a growable queue, the way a user would: it
/// never grows by itself (a push into a full one overwrites the front), so a
/// push that finds it full first doubles its capacity with set_capacity(),
/// from 8: the same capacities as telechat::Queue's default rule, and the
/// same knowledge (neither is told n in advance).
template <class T>
class GrowingCircularBuffer {
public:
    void push(const T& value) {
        if (m_ring.full()) [[unlikely]] {
            m_ring.set_capacity(std::max<std::size_t>(8, 2 * m_ring.capacity()));
        }
        m_ring.push_back(value);
    }
    [[nodiscard]] const T& front() const { return m_ring.front(); }
    void pop() { m_ring.pop_front(); }

private:
    boost::circular_buffer<T> m_ring;
};
#endif

// The loops that the queue and stack workloads time. Each takes what it reads
// as parameters and returns its sum: a variable whose address escapes (a
// lambda's capture by reference, or keep()'s argument) is reloaded or stored
// on every iteration, around the growth call, at the same cost to every
// implementation, which would pull every ratio towards 1.

/// `count` times: push one, read the front, pop one.
template <class Q, class T>
std::uint64_t push_read_pop(Q& q, const T* values, std::size_t count) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < count; ++i) {
        q.push(values[i & pool_mask]);
        sum += value_of(q.front());
        q.pop();
    }
    return sum;
}

/// Push n, then read and pop n (top() for a stack, front() for a queue).
template <class C, class T>
std::uint64_t push_then_pop(C& c, const T* values, std::size_t n) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        c.push(values[i & pool_mask]);
    }
    for (std::size_t i = 0; i < n; ++i) {
        if constexpr (requires { c.top(); }) {
            sum += value_of(c.top());
        } else {
            sum += value_of(c.front());
        }
        c.pop();
    }
    return sum;
}

/// The stack's mixed pattern: a push for each 1, a read of the top and a pop
/// for each 0.
template <class S, class T>
std::uint64_t push_or_pop(S& s, const T* values, const std::uint8_t* steps, std::size_t length) {
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < length; ++i) {
        if (steps[i] != 0) {
            s.push(values[i & pool_mask]);
        } else {
            sum += value_of(s.top());
            s.pop();
        }
    }
    return sum;
}

/// A sequence workload of `batches` calls of `loop` on one container kept
/// across them (steady, refill, mixed), or on a fresh one each (burst: its
/// construction, growth and destruction are timed).
template <class C, class Loop>
std::int64_t run_kept(C& c, std::size_t batches, Loop loop) {
    return timed_region([&c, batches, loop] {
        C& container = c;
        std::uint64_t sum = 0;
        for (std::size_t b = 0; b < batches; ++b) {
            sum += loop(container);
        }
        keep(sum);
    });
}

template <class C, class Loop>
std::int64_t run_fresh(std::size_t batches, Loop loop) {
    std::int64_t total = 0;
    for (std::size_t b = 0; b < batches; ++b) {
        total += timed_region([loop] {
            C container;
            const std::uint64_t sum = loop(container);
            keep(sum);
        });
    }
    return total;
}

/// Queue workloads. Steady: a queue of n elements; each operation pushes one
/// and pops one (reading the front). Burst: from an empty queue, push n, then
/// pop n (the whole life of the queue is timed, its growth and destruction
/// included). Refill: the same pushes and pops on one queue kept from batch
/// to batch, so that only the first batch grows it, outside the timing.
template <class Q, class T>
Impl queue_impl(const std::string& name, const std::string& workload, std::size_t n,
                std::shared_ptr<const std::vector<T>> pool) {
    const T* const values = pool->data();
    if (workload == "burst") {
        return {name, [pool, values, n](std::size_t batches) {
                    return run_fresh<Q>(batches,
                                        [values, n](Q& q) { return push_then_pop(q, values, n); });
                }};
    }
    auto queue = std::make_shared<Q>();
    if (workload == "steady") {
        for (std::size_t i = 0; i < n; ++i) {
            queue->push(values[i & pool_mask]);
        }
        return {name, [pool, queue, values](std::size_t batches) {
                    return run_kept(*queue, batches, [values](Q& q) {
                        return push_read_pop(q, values, stream_ops);
                    });
                }};
    }
    push_then_pop(*queue, values, n);  // refill: the queue grows here, untimed
    return {name, [pool, queue, values, n](std::size_t batches) {
                return run_kept(*queue, batches,
                                [values, n](Q& q) { return push_then_pop(q, values, n); });
            }};
}

/// Stack workloads. Burst: from an empty stack, push n, then pop n (reading
/// the top), destruction included. Mixed: on a stack of n elements, runs of
/// pushes and pops (mixed_pattern), each pop reading the top.
template <class S, class T>
Impl stack_impl(const std::string& name, const std::string& workload, std::size_t n,
                std::shared_ptr<const std::vector<T>> pool,
                std::shared_ptr<const std::vector<std::uint8_t>> pattern) {
    const T* const values = pool->data();
    if (workload == "burst") {
        return {name, [pool, values, n](std::size_t batches) {
                    return run_fresh<S>(batches,
                                        [values, n](S& s) { return push_then_pop(s, values, n); });
                }};
    }
    auto stack = std::make_shared<S>();
    for (std::size_t i = 0; i < n; ++i) {
        stack->push(values[i & pool_mask]);
    }
    return {name, [pool, pattern, stack, values](std::size_t batches) {
                const std::uint8_t* const steps = pattern->data();
                const std::size_t length = pattern->size();
                return run_kept(*stack, batches, [values, steps, length](S& s) {
                    return push_or_pop(s, values, steps, length);
                });
            }};
}

struct SequenceRow {
    std::string workload;
    std::size_t n;
};

std::vector<SequenceRow> queue_rows(const std::vector<std::size_t>& sizes) {
    std::vector<SequenceRow> rows;
    for (const char* workload : {"steady", "burst", "refill"}) {
        for (std::size_t n : sizes) {
            rows.push_back({workload, n});
        }
    }
    return rows;
}

std::vector<SequenceRow> stack_rows(const std::vector<std::size_t>& sizes) {
    std::vector<SequenceRow> rows;
    for (std::size_t n : sizes) {
        rows.push_back({"burst", n});
    }
    for (std::size_t n : sizes) {
        rows.push_back({"mixed", n});
    }
    return rows;
}

// Operations per batch: a steady or mixed batch has a fixed length; a burst or
// a refill pushes and pops n elements, counted as n operations (one push + one
// pop each).
std::size_t ops_of(const SequenceRow& row, std::size_t pattern_length) {
    if (row.workload == "steady") {
        return stream_ops;
    }
    if (row.workload == "mixed") {
        return pattern_length;
    }
    return row.n;
}

template <class T>
void queue_suite(Table& table, const Options& options, const std::string& type_name,
                 const std::vector<std::size_t>& sizes) {
    auto pool = std::make_shared<const std::vector<T>>(value_pool<T>());
    const bool want_std = contains_any("std::queue", options.only);
#if defined(TELECHAT_BENCH_CIRCULAR_BUFFER)
    const bool want_ring = contains_any("boost::circular_buffer", options.only);
#endif
    for (const SequenceRow& row : queue_rows(sizes)) {
        const std::string name =
            "queue/" + type_name + "/" + row.workload + "/" + size_label(row.n);
        if (!contains_any(name, options.filters)) {
            continue;
        }
        std::vector<Impl> impls;
        impls.push_back(queue_impl<telechat::Queue<T>, T>("telechat", row.workload, row.n, pool));
        if (want_std) {
            impls.push_back(queue_impl<std::queue<T>, T>("std::queue", row.workload, row.n, pool));
        }
#if defined(TELECHAT_BENCH_CIRCULAR_BUFFER)
        if (want_ring) {
            impls.push_back(queue_impl<GrowingCircularBuffer<T>, T>("boost::circular_buffer",
                                                                    row.workload, row.n, pool));
        }
#endif
        add_row(table, measure(name, ops_of(row, 0), impls, options), {"std::queue", 1.5, ""});
    }
}

template <class T>
void stack_suite(Table& table, const Options& options, const std::string& type_name,
                 const std::vector<std::size_t>& sizes) {
    auto pool = std::make_shared<const std::vector<T>>(value_pool<T>());
    auto pattern = std::make_shared<const std::vector<std::uint8_t>>(mixed_pattern(stream_ops));
    const bool want_deque = contains_any("std::stack", options.only);
    const bool want_vector = contains_any("std::stack<vector>", options.only);
    for (const SequenceRow& row : stack_rows(sizes)) {
        const std::string name =
            "stack/" + type_name + "/" + row.workload + "/" + size_label(row.n);
        if (!contains_any(name, options.filters)) {
            continue;
        }
        std::vector<Impl> impls;
        impls.push_back(
            stack_impl<telechat::Stack<T>, T>("telechat", row.workload, row.n, pool, pattern));
        if (want_deque) {
            impls.push_back(
                stack_impl<std::stack<T>, T>("std::stack", row.workload, row.n, pool, pattern));
        }
        if (want_vector) {
            impls.push_back(stack_impl<std::stack<T, std::vector<T>>, T>(
                "std::stack<vector>", row.workload, row.n, pool, pattern));
        }
        add_row(table, measure(name, ops_of(row, pattern->size()), impls, options),
                {"std::stack<vector>", 1.0, ""});
    }
}

// ---------------------------------------------------------------------------------------------
// Memory: live heap bytes per element at 1e6 uint64 -> uint64 entries
// ---------------------------------------------------------------------------------------------

struct MemoryRow {
    std::string impl;
    double bytes_per_element = 0.0;  // requested
    double footprint_per_element = 0.0;
    double peak_per_element = 0.0;
    std::size_t blocks = 0;
};

std::vector<MemoryRow> memory_suite(const Options& options) {
    constexpr std::size_t n = 1000000;
    std::vector<MemoryRow> rows;
    if (!contains_any("memory/u64/1e6", options.filters)) {
        return rows;
    }
    const std::vector<std::uint64_t> keys = distinct_keys<std::uint64_t>(n, 0, 1);
    const auto per_element = [](std::size_t bytes) {
        return static_cast<double>(bytes) / static_cast<double>(n);
    };
    for_each_map<std::uint64_t>(options, [&]<class Map>(const char* name) {
        MemoryRow row;
        row.impl = name;  // before counting starts: the name may allocate
        if (!telechat_test::start_heap_tracking()) {
            return;
        }
        {
            Map map;
            for (std::size_t i = 0; i < n; ++i) {
                map.try_emplace(keys[i], std::uint64_t{i});
            }
            keep(map);
            const telechat_test::HeapUsage usage = telechat_test::heap_usage();
            row.bytes_per_element = per_element(usage.live_bytes);
            row.footprint_per_element = per_element(usage.live_footprint);
            row.peak_per_element = per_element(usage.peak_bytes);
            row.blocks = usage.live_blocks;
        }
        const bool overflow = telechat_test::heap_usage().overflow;
        telechat_test::stop_heap_tracking();
        if (!overflow) {
            rows.push_back(row);
        }
    });
    std::printf("\n%-28s %14s %14s %14s %10s  | target\n", "memory/u64/1e6 (no reserve)",
                "B/elt (asked)", "B/elt (malloc)", "peak B/elt", "blocks");
    const MemoryRow* boost_row = nullptr;
    for (const MemoryRow& row : rows) {
        if (row.impl == "boost::unordered_flat_map") {
            boost_row = &row;
        }
    }
    for (const MemoryRow& row : rows) {
        std::printf("%-28s %14.2f %14.2f %14.2f %10zu  | ", row.impl.c_str(), row.bytes_per_element,
                    row.footprint_per_element, row.peak_per_element, row.blocks);
        if (row.impl == "telechat") {
            if (boost_row != nullptr) {
                std::printf(
                    "<= boost (%.2f): %s", boost_row->bytes_per_element,
                    row.bytes_per_element <= boost_row->bytes_per_element ? "met" : "NOT MET");
            } else {
                std::printf("(needs boost::unordered_flat_map)");
            }
        }
        std::printf("\n");
    }
    std::fflush(stdout);
    return rows;
}

// ---------------------------------------------------------------------------------------------
// The summary of the targets
// ---------------------------------------------------------------------------------------------

const char* verdict(bool met) {
    return met ? "met    " : "NOT MET";
}

/// Collects "impl / telechat" ratios of the target workloads.
struct RatioSet {
    std::vector<double> ratios;
    std::vector<std::string> names;
    [[nodiscard]] double geomean() const {
        double log_sum = 0.0;
        for (double r : ratios) {
            log_sum += std::log(r);
        }
        return ratios.empty() ? 0.0 : std::exp(log_sum / static_cast<double>(ratios.size()));
    }
    [[nodiscard]] std::size_t worst() const {
        return static_cast<std::size_t>(std::min_element(ratios.begin(), ratios.end()) -
                                        ratios.begin());
    }
};

RatioSet collect(const Table& table, const std::vector<std::string>& key_names,
                 const std::vector<std::size_t>& sizes, const std::string& versus) {
    RatioSet set;
    for (const std::string& key : key_names) {
        for (std::size_t n : sizes) {
            for (const std::string& workload : map_workloads) {
                if (!is_target_workload(workload)) {
                    continue;
                }
                const std::string name = "map/" + key + "/" + size_label(n) + "/" + workload;
                const Result* result = table.find(name);
                if (result == nullptr) {
                    continue;
                }
                if (const std::optional<double> ratio = ratio_in(*result, versus)) {
                    set.ratios.push_back(*ratio);
                    set.names.push_back(name);
                }
            }
        }
    }
    return set;
}

RatioSet collect_prefix(const Table& table, const std::string& prefix, const std::string& versus) {
    RatioSet set;
    for (const Result& result : table.results) {
        if (result.name.rfind(prefix, 0) == 0) {
            if (const std::optional<double> ratio = ratio_in(result, versus)) {
                set.ratios.push_back(*ratio);
                set.names.push_back(result.name);
            }
        }
    }
    return set;
}

/// Prints one target judged on the geometric mean of `set`'s ratios: met at `at_least` or more.
void print_geomean_target(const RatioSet& set, double at_least, const char* claim,
                          const std::string& sizes_text) {
    if (set.ratios.empty()) {
        std::printf("[not run] %s (needs its implementations and rows)\n", claim);
        return;
    }
    const std::size_t worst = set.worst();
    std::printf("[%s] %s at %s: geomean %.2fx over %zu rows (worst %.2fx, %s)\n",
                verdict(set.geomean() >= at_least), claim, sizes_text.c_str(), set.geomean(),
                set.ratios.size(), set.ratios[worst], set.names[worst].c_str());
}

void print_summary(const Table& table, const std::vector<MemoryRow>& memory,
                   const std::vector<std::size_t>& target_sizes, bool quick) {
    std::printf(
        "\n== Targets (ratio = other's time / TeleChat's time; above 1: TeleChat is faster)%s\n",
        quick ? "\n   --quick: checked at 1e4 instead of 1e5-1e6, so only a rough idea" : "");
    std::string sizes_text;
    for (std::size_t n : target_sizes) {
        sizes_text += (sizes_text.empty() ? "" : ",") + size_label(n);
    }

    print_geomean_target(collect(table, {"u64"}, target_sizes, "boost::unordered_flat_map"), 0.8,
                         "HashTable >= 0.8x boost::unordered_flat_map's speed as a geomean over "
                         "insert, insert-reserve, find-hit, find-miss, erase, u64 keys",
                         sizes_text);

    const RatioSet u64 = collect(table, {"u64"}, target_sizes, "std::unordered_map");
    if (u64.ratios.empty()) {
        std::printf("[not run] HashTable >= 2x std::unordered_map, u64 keys\n");
    } else {
        const std::size_t worst = u64.worst();
        std::printf(
            "[%s] HashTable >= 2x std::unordered_map on each of the same five workloads, u64 "
            "keys at %s: worst %.2fx (%s), geomean %.2fx\n",
            verdict(u64.ratios[worst] >= 2.0), sizes_text.c_str(), u64.ratios[worst],
            u64.names[worst].c_str(), u64.geomean());
    }

    print_geomean_target(
        collect(table, {"str16", "str48"}, target_sizes, "boost::unordered_flat_map"), 1.0,
        "HashTable ahead of boost::unordered_flat_map as a geomean over the same five workloads, "
        "string keys (16 and 48 bytes)",
        sizes_text);

    RatioSet iterate;
    for (const std::string key : {"u64", "str16", "str48"}) {
        for (std::size_t n : target_sizes) {
            const std::string name = "map/" + key + "/" + size_label(n) + "/iterate";
            const Result* result = table.find(name);
            const std::optional<double> ratio =
                result == nullptr ? std::nullopt : ratio_in(*result, "boost::unordered_flat_map");
            if (ratio) {
                iterate.ratios.push_back(*ratio);
                iterate.names.push_back(name);
            }
        }
    }
    if (iterate.ratios.empty()) {
        std::printf("[not run] HashTable iterates >= 5x as fast as boost::unordered_flat_map\n");
    } else {
        const std::size_t worst = iterate.worst();
        std::printf(
            "[%s] HashTable iterates >= 5x as fast as boost::unordered_flat_map, every key type "
            "at %s: worst %.2fx (%s)\n",
            verdict(iterate.ratios[worst] >= 5.0), sizes_text.c_str(), iterate.ratios[worst],
            iterate.names[worst].c_str());
    }

    const RatioSet vs_absl = collect(table, {"u64"}, target_sizes, "absl::flat_hash_map");
    if (!vs_absl.ratios.empty()) {
        std::printf(
            "[info   ] for comparison, HashTable runs at %.2fx absl::flat_hash_map's speed "
            "(geomean, the same five workloads, u64 keys)\n",
            vs_absl.geomean());
    }

    const MemoryRow* tc_memory = nullptr;
    const MemoryRow* boost_memory = nullptr;
    const MemoryRow* std_memory = nullptr;
    for (const MemoryRow& row : memory) {
        if (row.impl == "telechat") {
            tc_memory = &row;
        } else if (row.impl == "boost::unordered_flat_map") {
            boost_memory = &row;
        } else if (row.impl == "std::unordered_map") {
            std_memory = &row;
        }
    }
    if (tc_memory == nullptr || boost_memory == nullptr) {
        std::printf(
            "[not run] bytes/element <= boost::unordered_flat_map's at 1e6 u64->u64 "
            "(needs Boost and the memory workload)\n");
    } else {
        std::printf(
            "[%s] bytes/element at 1e6 u64->u64 (no reserve) <= boost's: TeleChat %.2f, "
            "boost %.2f, std::unordered_map %.2f (bytes asked of operator new)\n",
            verdict(tc_memory->bytes_per_element <= boost_memory->bytes_per_element),
            tc_memory->bytes_per_element, boost_memory->bytes_per_element,
            std_memory != nullptr ? std_memory->bytes_per_element : 0.0);
    }

    const RatioSet queue = collect_prefix(table, "queue/", "std::queue");
    if (queue.ratios.empty()) {
        std::printf("[not run] Queue >= 1.5x std::queue\n");
    } else {
        const std::size_t worst = queue.worst();
        std::printf(
            "[%s] Queue >= 1.5x std::queue on every push/pop stream: worst %.2fx (%s), "
            "geomean %.2fx over %zu rows\n",
            verdict(queue.ratios[worst] >= 1.5), queue.ratios[worst], queue.names[worst].c_str(),
            queue.geomean(), queue.ratios.size());
    }

    const RatioSet ring = collect_prefix(table, "queue/", "boost::circular_buffer");
    if (ring.ratios.empty()) {
        std::printf("[not run] Queue >= 1.0x boost::circular_buffer (needs Boost)\n");
    } else {
        const std::size_t worst = ring.worst();
        std::printf(
            "[%s] Queue >= 1.0x boost::circular_buffer as a geomean over the queue rows: "
            "geomean %.2fx over %zu rows, worst %.2fx (%s)\n",
            verdict(ring.geomean() >= 1.0), ring.geomean(), ring.ratios.size(), ring.ratios[worst],
            ring.names[worst].c_str());
    }

    const RatioSet stack = collect_prefix(table, "stack/", "std::stack<vector>");
    if (stack.ratios.empty()) {
        std::printf("[not run] Stack no slower than std::stack<T, std::vector<T>>\n");
    } else {
        const std::size_t worst = stack.worst();
        std::printf(
            "[%s] Stack no slower than std::stack<T, std::vector<T>> on every workload: "
            "worst %.2fx (%s), geomean %.2fx over %zu rows\n",
            verdict(stack.ratios[worst] >= 1.0), stack.ratios[worst], stack.names[worst].c_str(),
            stack.geomean(), stack.ratios.size());
    }
}

std::vector<std::string> all_workload_names(const std::vector<std::size_t>& map_sizes,
                                            const std::vector<std::size_t>& sequence_sizes) {
    std::vector<std::string> names;
    for (const char* key : {"u64", "str16", "str48"}) {
        for (std::size_t n : map_sizes) {
            for (const std::string& workload : map_workloads) {
                names.push_back(std::string("map/") + key + "/" + size_label(n) + "/" + workload);
            }
        }
    }
    names.emplace_back("memory/u64/1e6");
    for (const char* type : {"u64", "str"}) {
        for (const SequenceRow& row : queue_rows(sequence_sizes)) {
            names.push_back(std::string("queue/") + type + "/" + row.workload + "/" +
                            size_label(row.n));
        }
    }
    for (const char* type : {"u64", "str"}) {
        for (const SequenceRow& row : stack_rows(sequence_sizes)) {
            names.push_back(std::string("stack/") + type + "/" + row.workload + "/" +
                            size_label(row.n));
        }
    }
    return names;
}

}  // namespace

int main(int argc, char** argv) {
    const std::optional<Options> parsed = parse_options(argc, argv);
    if (!parsed) {
        return 2;
    }
    const Options& options = *parsed;
    const std::vector<std::size_t> map_sizes =
        options.quick ? std::vector<std::size_t>{1000, 10000}
                      : std::vector<std::size_t>{1000, 100000, 1000000};
    const std::vector<std::size_t> sequence_sizes =
        options.quick ? std::vector<std::size_t>{1000, 10000}
                      : std::vector<std::size_t>{1000, 10000, 100000, 1000000};
    const std::vector<std::size_t> target_sizes =
        options.quick ? std::vector<std::size_t>{10000} : std::vector<std::size_t>{100000, 1000000};

    if (options.list) {
        for (const std::string& name : all_workload_names(map_sizes, sequence_sizes)) {
            std::puts(name.c_str());
        }
        return 0;
    }

    // glibc serves large blocks with mmap and returns heap memory to the
    // kernel when the top of the heap is free; a benchmark that builds and
    // drops large tables would then time page faults more than containers,
    // and how many depends on what the sample before did.
    bool malloc_tuned = false;
#if defined(__GLIBC__) && defined(M_MMAP_MAX) && defined(M_TRIM_THRESHOLD)
    if (!options.malloc_defaults) {
        malloc_tuned = mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, -1) == 1;
    }
#endif

    std::printf(
        "TeleChat container benchmark: median of %d repetition(s), implementations "
        "alternating%s\n",
        options.reps, options.quick ? " (--quick)" : "");
#if defined(__clang__)
    std::printf("compiler: clang %s", __clang_version__);
#elif defined(__GNUC__)
    std::printf("compiler: g++ %s", __VERSION__);
#endif
#if defined(NDEBUG)
    std::printf(", NDEBUG");
#endif
#if defined(__OPTIMIZE__)
    std::printf(", optimised");
#else
    std::printf(", NOT optimised: figures are meaningless");
#endif
    std::printf("\nmalloc: %s\n", malloc_tuned ? "glibc, mmap and trimming off (memory is reused, "
                                                 "not faulted in again per sample)"
                                               : "as configured by default");
    std::printf("maps compared:");
#if defined(TELECHAT_BENCH_BOOST)
    std::printf(" boost::unordered_flat_map (Boost %d.%d)", BOOST_VERSION / 100000,
                BOOST_VERSION / 100 % 1000);
#else
    std::printf(" [boost::unordered_flat_map: not found at configure time]");
#endif
#if defined(TELECHAT_BENCH_ABSL)
    std::printf(" absl::flat_hash_map");
#else
    std::printf(" [absl::flat_hash_map: not found at configure time]");
#endif
    std::printf(
        "\nkeys: random (mt19937_64, fixed seed), u64 = uint64_t; strN = std::string of N "
        "random characters; values uint64_t; each map with its default hash\n");

    Table table;
    table.once = options.once;
    map_suite<std::uint64_t>(table, options, "u64", 0, 1, map_sizes);
    map_suite<std::string>(table, options, "str16", 16, 2, map_sizes);
    map_suite<std::string>(table, options, "str48", 48, 3, map_sizes);
    const std::vector<MemoryRow> memory = memory_suite(options);
    queue_suite<std::uint64_t>(table, options, "u64", sequence_sizes);
    queue_suite<std::string>(table, options, "str", sequence_sizes);
    stack_suite<std::uint64_t>(table, options, "u64", sequence_sizes);
    stack_suite<std::string>(table, options, "str", sequence_sizes);
    print_summary(table, memory, target_sizes, options.quick);
    return 0;
}

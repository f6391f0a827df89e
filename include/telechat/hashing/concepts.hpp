/// @file
/// @brief The two policies of telechat::HashTable: a collision strategy and a
///        sizing rule, as C++20 concepts, with what a probe counts.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>

/// @brief The hash table's policies: collision strategies and sizing rules.
namespace telechat::hashing {

/// @brief Counts nothing: what HashTable's lookups pass, so that counting
///        costs nothing outside an experiment.
struct NoProbeCount {
    /// @brief One more bucket or chain node examined (ignored).
    constexpr void operator()() const noexcept {}
};

/// @brief Counts the probes of one search, for experiments (`telechat-lab hash`).
///
/// @anchor hashing_probe
/// **What a probe is.** One bucket (open addressing) or one chain node
/// (separate chaining) whose contents a search examines, including the one
/// that ends it: the matching entry, or, for a miss, the empty bucket (or,
/// in Robin Hood order, the first entry nearer its home) where the search
/// gives up. Reading a chain's head pointer is not a probe, so a miss in an
/// empty chain costs 0. These are the counts of Knuth's formulas (The Art of
/// Computer Programming, vol. 3, 6.4): a successful search in linear probing
/// at load α averages ½(1 + 1/(1−α)) probes, a miss ½(1 + 1/(1−α)²);
/// chaining averages 1 + α/2 and α.
///
/// A strategy that reads buckets a group at a time (GroupProbing) counts
/// one probe per group it reads: 16 buckets compared at once cost about what
/// one bucket does, and a group read is what the memory system sees.
struct ProbeCount {
    std::size_t probes = 0;  ///< buckets or chain nodes examined so far
    /// @brief One more bucket or chain node examined.
    constexpr void operator()() noexcept { ++probes; }
};

/// @brief One entry of a table's index, as a picture shows it.
struct BucketView {
    /// @brief What the bucket holds.
    enum class State {
        empty,      ///< nothing, and never anything since the last rebuild (ends a search)
        tombstone,  ///< a deleted entry's mark: a search goes on past it
        entry,      ///< an entry
    };
    State state = State::empty;    ///< what the bucket holds
    std::uint32_t value = 0;       ///< the entry's position in the table's dense value array
    std::size_t probe_length = 0;  ///< probes a successful search for the entry takes (1: at once)
};

/// @brief A sizing rule: how many buckets there are, which one is a hash's
///        home, how the count grows, and whether hashes are mixed first.
///
/// The reference model is hashing::PowerOfTwo. A sizing rule `S` has
/// - `S::name`, its name as the lab prints it (`"PowerOfTwo"`);
/// - `S::min_bucket_count`, the fewest buckets of a table that holds anything;
/// - `S::round_up(n)`: the smallest allowed bucket count `>= n` (throws
///   `std::length_error` past the largest);
/// - `S::grow(n)`: the next allowed bucket count after `n`, about `2n` for
///   amortised O(1) inserts (throws `std::length_error` past the largest);
/// - `S::prepare(h)`: the 64-bit hash the table works with, made from the
///   user's `std::size_t` hash (mixed, or as it is);
/// - `S(n)` for an allowed count `n`, and `home(h)`: the home bucket of a
///   prepared hash, in `[0, n)`; `S{}` stands for no buckets at all.
///
/// What the compiler cannot check: `round_up` and `grow` return allowed
/// counts, `grow(n) > n`; `home` depends only on the hash and is spread well
/// enough for the table's expected O(1) (this is why PowerOfTwo mixes: its
/// home is the hash's top bits, while `std::hash` of an integer is the
/// integer); `prepare` is a pure function.
template <class S>
concept SizingRule = std::semiregular<S> && std::constructible_from<S, std::size_t> &&
    requires(const S rule, std::size_t count, std::uint64_t hash) {
    { S::name } -> std::convertible_to<std::string_view>;
    { S::min_bucket_count } -> std::convertible_to<std::size_t>;
    { S::round_up(count) } -> std::same_as<std::size_t>;
    { S::grow(count) } -> std::same_as<std::size_t>;
    { S::prepare(count) } -> std::same_as<std::uint64_t>;
    { rule.home(hash) } -> std::same_as<std::size_t>;
};

/// @brief The index a collision strategy keeps: which value array positions
///        sit in which buckets, and how a search walks them.
///
/// HashTable keeps its key-value pairs in a dense array and asks the index
/// only for positions: every operation gets the prepared hash, and a search
/// gets a predicate saying whether the value at a position holds the key.
/// The reference model is hashing::RobinHood::Index. An index `I` has
/// - `I()` (no buckets), `I(sizing, element_limit)`, copies, moves, `swap`;
/// - `bucket_count()`, `element_limit()`, and `has_room()`: whether one more
///   entry fits (tombstones count against the limit);
/// - `find(hash, is_match, count)`: a `Probe` that is `found` with
///   `value_at(probe)`, or says where a new entry for the hash would go;
///   `count()` is called once per probe (see ProbeCount);
/// - `can_place(probe)`: whether a failed `find` found a free bucket (a
///   probe sequence may miss some: quadratic probing over a prime count);
///   if not, the table grows; `place(probe, value)` then stores a new entry
///   there, and cannot fail;
/// - `erase(probe)` for a found probe, `retarget(hash, old, new)`: the entry
///   naming `old` names `new` instead (the table moved that value);
/// - `clear()`, `tombstones()`;
/// - `for_each_bucket(visit, hash_of)`: `visit(bucket, BucketView)` for
///   every bucket, once per chain node in chaining, for statistics and
///   pictures; `hash_of(position)` gives the prepared hash of a value, for a
///   strategy that does not store how far an entry is from home;
/// - `check_invariants(size, hash_of)`: the strategy's own invariants, for a
///   table of `size` values whose prepared hashes `hash_of(position)` gives;
///   throws InvariantViolation.
template <class I>
concept CollisionIndex = std::copyable<I> && std::default_initializable<I> &&
    requires(I index, const I& constant, typename I::Probe probe, std::uint64_t hash,
             std::uint32_t value) {
    { probe.found } -> std::convertible_to<bool>;
    { constant.bucket_count() } -> std::same_as<std::size_t>;
    { constant.element_limit() } -> std::same_as<std::size_t>;
    { constant.has_room() } -> std::same_as<bool>;
    { constant.tombstones() } -> std::same_as<std::size_t>;
    { constant.value_at(probe) } -> std::same_as<std::uint32_t>;
    { constant.can_place(probe) } -> std::same_as<bool>;
    index.place(probe, value);
    index.erase(probe);
    index.retarget(hash, value, value);
    index.clear();
    index.swap(index);
};

/// @brief A collision strategy: what happens when two keys want one bucket.
///
/// The reference model is hashing::RobinHood. A strategy `C` has
/// - `C::name`, its name as the lab prints it (`"RobinHood"`);
/// - `C::Index<S>`, the index it keeps over a sizing rule `S`, a
///   CollisionIndex;
/// - `C::default_max_load_factor` and `C::highest_max_load_factor`: the
///   load factor a table starts with, and the highest it accepts (below 1
///   for open addressing, which needs an empty bucket to end a search; above
///   1 for chaining);
/// - `C::element_limit(buckets, max_load)`: how many entries that many
///   buckets hold at that load (open addressing keeps one bucket empty).
///
/// What the compiler cannot check: a `find` after `place` finds the entry
/// until it is erased; a strategy may be slow on a bad hash, never wrong.
template <class C>
concept CollisionStrategy = requires(std::size_t buckets, float max_load) {
    { C::name } -> std::convertible_to<std::string_view>;
    { C::default_max_load_factor } -> std::convertible_to<float>;
    { C::highest_max_load_factor } -> std::convertible_to<float>;
    { C::element_limit(buckets, max_load) } -> std::same_as<std::size_t>;
};

/// @brief Whether strategy `C` keeps a CollisionIndex over sizing rule `S`.
template <class C, class S>
concept CollisionStrategyFor =
    CollisionStrategy<C> && SizingRule<S> && CollisionIndex<typename C::template Index<S>>;

}  // namespace telechat::hashing

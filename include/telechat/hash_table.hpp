/// @file
/// @brief telechat::HashTable, an open-addressing hash map (a dense array of
///        values, and an index searched 16 buckets at a time).
#pragma once

#include <algorithm>
#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "detail/config.hpp"
#include "detail/hash_table_slot.hpp"
#include "detail/raw_buffer.hpp"
#include "hashing/concepts.hpp"
#include "hashing/group_probing.hpp"
#include "hashing/power_of_two.hpp"
#include "hashing/robin_hood.hpp"
#include "stack.hpp"

namespace telechat {

namespace detail {

/// `value` in the fewest digits that read back as it: 0.95F is "0.95", 8.0F is "8".
[[nodiscard]] inline std::string shortest_decimal(float value) {
    char text[32];
    const auto written = std::to_chars(std::begin(text), std::end(text), value);
    return std::string(std::begin(text), written.ptr);
}

/// Whether a hasher and an equality both accept keys of other types.
template <class Hash, class KeyEqual>
concept TransparentLookup = requires {
    typename Hash::is_transparent;
    typename KeyEqual::is_transparent;
};

/// The lookup arguments HashTable's templated lookups take: any type when
/// the table is transparent; otherwise only types that do not convert to K
/// (those take the `const K&` overloads), and only so that the call reaches
/// a static_assert saying how to make the table transparent, instead of a
/// page of "no matching function" candidates.
template <class Other, class K, class Hash, class KeyEqual>
concept LookupArgument =
    TransparentLookup<Hash, KeyEqual> || !std::is_convertible_v<const Other&, const K&>;

/// Whether `Hash` can hash a `K`.
template <class Hash, class K>
inline constexpr bool hashes_keys = std::is_invocable_r_v<std::size_t, const Hash&, const K&>;

/// Stands in for a `Hash` that cannot hash the key, once HashTable's
/// static_assert has said so, so that the compiler reports nothing more
/// (every use of the real one would add an error of its own).
struct UnusableHash {
    template <class T>
    std::size_t operator()(const T& /*key*/) const noexcept {
        return 0;
    }
};

}  // namespace detail

/// @brief A transparent hash for string keys: a `std::string_view` or a
///        `const char*` finds a `std::string` key without building a string.
///
/// Use it with `std::equal_to<>`:
/// `HashTable<std::string, int, StringHash, std::equal_to<>>`.
struct StringHash {
    /// @brief Marks the hash as accepting every string-like type.
    using is_transparent = void;
    /// @brief Hashes the characters of `text`, as `std::hash<std::string_view>` does.
    /// @param text the characters.
    /// @return their hash; equal for a `std::string` and a view of the same characters.
    [[nodiscard]] std::size_t operator()(std::string_view text) const noexcept {
        return std::hash<std::string_view>{}(text);
    }
};

/// @brief What HashTable::stats() reports: how full the table is and how far
///        its elements sit from their home buckets.
///
/// A probe length is the number of buckets a successful lookup reads: 1 for
/// an element in its home bucket. Long probes mean clustering: a weak hash,
/// or a load factor set too high.
struct HashTableStats {
    /// @brief The number of elements.
    std::size_t size = 0;
    /// @brief The number of buckets.
    std::size_t bucket_count = 0;
    /// @brief `size / bucket_count`.
    double load_factor = 0.0;
    /// @brief The load factor at which the table grows.
    double max_load_factor = 0.0;
    /// @brief The mean probe length over all elements (0 when empty).
    double mean_probe_length = 0.0;
    /// @brief The longest probe length of any element (0 when empty).
    std::size_t max_probe_length = 0;
    /// @brief Buckets holding a deleted entry's tombstone (LinearProbing and
    ///        QuadraticProbing; always 0 for the others).
    std::size_t tombstones = 0;
    /// @brief `probe_length_histogram[n]` elements have probe length `n`.
    std::vector<std::size_t> probe_length_histogram;
};

/**
 * @brief A hash map: the key-value pairs in a dense array, and an index of
 *        buckets kept by a collision strategy (by default hashing::
 *        GroupProbing, Swiss-table-like) over a sizing rule (by default
 *        powers of two).
 *
 * @tparam K the key type: hashable by `Hash`, comparable by `KeyEqual`,
 *           move-constructible and move-assignable (move-only keys work);
 *           read-only once inserted.
 * @tparam V the mapped type: move-constructible and move-assignable; a
 *           default constructor is needed only by `operator[]`.
 * @tparam Hash the hash function. It needs to be neither strong nor seeded:
 *           every hash is mixed before use, so `std::hash` of an integer
 *           (the identity) works well.
 * @tparam KeyEqual key equality. When both `Hash` and `KeyEqual` define
 *           `is_transparent`, lookups also take any type they accept (see
 *           StringHash). The overloads for such lookups carry the
 *           constraint `requires detail::TransparentLookup<Hash, KeyEqual>`,
 *           which means exactly that: both define `is_transparent`.
 * @tparam Collision the collision strategy (telechat/hashing.hpp):
 *           hashing::GroupProbing, hashing::RobinHood, hashing::LinearProbing,
 *           hashing::QuadraticProbing, hashing::SeparateChaining, or your own
 *           model of hashing::CollisionStrategy. It owns the index: its
 *           bucket format, its invariants, how a search walks it.
 * @tparam Sizing the sizing rule: hashing::PowerOfTwo or hashing::Prime, or
 *           your own model of hashing::SizingRule. It owns the bucket counts,
 *           how they grow, and whether hashes are mixed.
 *
 * @anchor hash_table_how
 * ## How it works
 * Two arrays. The **values** are a Stack of `std::pair<const K, V>`, packed with no
 * gaps in insertion order; iterating the table is iterating that array.
 * The **index** belongs to the collision strategy. The default,
 * hashing::GroupProbing, keeps a control byte per bucket (empty, tombstone,
 * or 7 bits of the hash) and the value positions beside, and compares 16
 * control bytes at once; its header has the details. The textbook one,
 * hashing::RobinHood, described here, is a power-of-two array of 8-byte buckets, each naming one
 * value by its position and saying how far that bucket is from the value's
 * home bucket (the top bits of its mixed hash), plus 8 bits of the hash as a
 * fingerprint.
 *
 * @code
 *    index (8 buckets)                                      values (dense)
 *    +------+------+------+------+------+------+------+------+
 *    |      | d1 #2| d1 #0| d2 #3|      |      | d1 #1|      |  #0  ("ann", 7)
 *    +------+------+------+------+------+------+------+------+  #1  ("bob", 3)
 *               |      |      |                   |            #2  ("cid", 5)
 *               |      |      +-- "dan" wanted bucket 2,       #3  ("dan", 1)
 *               |      |          sits 1 further on (d2)
 *               +------+--------- d1: in its home bucket
 * @endcode
 *
 * A lookup hashes the key, starts at its home bucket and walks right. Only
 * a bucket whose distance and fingerprint both match costs a key
 * comparison; the walk stops at the first bucket whose entry is closer to
 * its own home than the key would be there (Robin Hood order), which an
 * absent key reaches after about as few steps as a present one. An insert
 * appends the pair to the values and places its bucket, shifting the run
 * after it up by one. An erase empties the bucket, shifts the run after it
 * back by one (no tombstones), and moves the last value into the hole.
 *
 * Growing rebuilds only the index: the values never move when the table
 * grows, only when the value array itself grows (like a Stack).
 *
 * That is hashing::RobinHood over hashing::PowerOfTwo. The
 * table itself knows only the dense array; the index is the collision
 * strategy's (`Collision`), over the sizing rule's buckets (`Sizing`), and
 * either can be swapped (see @ref hash_table_guide "the guide"'s lab).
 *
 * **Growth.** An insert that finds the index out of room (hashing::
 * CollisionIndex::has_room(), where tombstones count) rebuilds it: at the same
 * bucket count if the elements fill at most half of its limit (so it was
 * the tombstones that filled it, and the rebuild drops them), otherwise at
 * the sizing rule's next count. A probe sequence that meets no free bucket
 * also grows the table.
 *
 * @invariant Every value is named by exactly one entry of the index, and
 *            every entry names a distinct value; the strategy's own
 *            invariants hold (see each strategy).
 * @invariant No two values have equal keys: a search for each key finds its own value.
 * @invariant `size() <= Collision::element_limit(bucket_count(), max_load_factor())`.
 *
 * @anchor hash_table_complexity
 * ## Complexity
 * n = size(). "Expected" assumes the mixed hash spreads keys evenly.
 * | operation                                      | cost                            |
 * |------------------------------------------------|---------------------------------|
 * | find, contains, count, at                      | expected O(1), worst O(n)       |
 * | insert, emplace, try_emplace, insert_or_assign | expected amortised O(1)         |
 * | operator[]                                     | expected amortised O(1)         |
 * | erase(key), erase(iterator)                    | expected O(1)                   |
 * | erase(first, last)                             | expected O(last - first)        |
 * | erase_if(table, pred)                          | O(n), expected                  |
 * | clear                                          | O(n + bucket_count)             |
 * | rehash, reserve                                | O(n + bucket_count)             |
 * | iteration (whole table)                        | O(n): the dense array           |
 * | size, empty, load_factor, begin, end, swap     | O(1)                            |
 *
 * @anchor hash_table_iterators
 * ## Iterators and references
 * Iterators are pointers into the dense value array; they visit the
 * elements in insertion order until an erase reorders them.
 * - An insert that adds an element invalidates every iterator and reference
 *   if the value array has to grow (`size() == capacity` of the array,
 *   avoided by `reserve`), else only `end()`. Rehashing the index alone
 *   (`rehash`, or the growth of an insert) invalidates no iterator or
 *   reference.
 * - An erase invalidates iterators and references to the erased element and
 *   to the last element (which moves into the hole), and `end()`. The
 *   iterator it returns points at the element now in the erased position,
 *   which the loop has not visited yet, so "erase while iterating" works:
 *   `for (auto it = t.begin(); it != t.end();) it = pred(*it) ? t.erase(it) : it + 1;`
 * - `clear` invalidates all of them; `swap` none.
 *
 * Keys are read-only, as in `std::unordered_map`: `value_type` is
 * `std::pair<const K, V>`, so `it->first = k` or
 * `for (auto& [key, value] : table) key = k;` does not compile (an element
 * with a changed key would sit in the wrong bucket), while `it->second` and
 * `value` may be changed freely.
 *
 * @anchor hash_table_exceptions
 * ## Exception safety
 * Every insert gives the strong guarantee: if hashing, comparing, allocating
 * or constructing throws, the table holds what it held before (only its
 * `bucket_count()` may have grown). (The pairs live in a Stack, whose
 * growth copies them unless their move is `noexcept`: a pair that cannot be
 * copied and whose move may throw gets only the basic guarantee from an
 * insert that grows the value array.) `at` throws `std::out_of_range` for a
 * missing key. An erase that throws (only the hash can) changes nothing;
 * moving the last element into the erased one's place must not throw: if
 * it does, the dense array cannot be repaired and std::terminate is called.
 * Copy assignment is strong. Moving and swapping tables are `noexcept`
 * exactly when moving and swapping `Hash` and `KeyEqual` are (as for
 * `std::unordered_map`); if one of those throws, the exception propagates and
 * a table whose function objects were half replaced is left empty.
 *
 * Allocators are not supported. At most 2^32 - 1 elements
 * (`std::length_error` beyond).
 *
 * @see @ref hash_table_guide "The HashTable guide": the design and its
 *      alternatives, and how to read stats().
 */
template <class K, class V, class Hash = std::hash<K>, class KeyEqual = std::equal_to<K>,
          class Collision = hashing::GroupProbing, class Sizing = hashing::PowerOfTwo>
requires hashing::CollisionStrategyFor<Collision, Sizing>
class HashTable {
    static_assert(detail::hashes_keys<Hash, K>,
                  "telechat::HashTable<K, V, Hash>: Hash cannot hash a K: specialise std::hash<K>, "
                  "or pass a hash function object as the third template argument");

public:
    /// @brief The key type.
    using key_type = K;
    /// @brief The mapped type.
    using mapped_type = V;
    /// @brief The element type, as in `std::unordered_map`: the key is `const`,
    ///        so no iterator or reference lets it be changed.
    using value_type = std::pair<const K, V>;
    /// @brief The type of sizes and counts.
    using size_type = std::size_t;
    /// @brief The distance between iterators.
    using difference_type = std::ptrdiff_t;
    /// @brief The hash function type.
    using hasher = Hash;
    /// @brief The key equality type.
    using key_equal = KeyEqual;
    /// @brief A reference to an element.
    using reference = value_type&;
    /// @brief A reference to a const element.
    using const_reference = const value_type&;
    /// @brief A random-access iterator over the dense value array; `*it` is a
    ///        `value_type&`, whose `second` may be changed and `first` not.
    using iterator = detail::SlotIterator<detail::HashSlot<K, V>, false>;
    /// @brief A read-only random-access iterator over the dense value array.
    using const_iterator = detail::SlotIterator<detail::HashSlot<K, V>, true>;

    /// @brief The collision strategy.
    using collision_strategy = Collision;
    /// @brief The sizing rule.
    using sizing_rule = Sizing;
    /// @brief The load factor a new table grows at: the strategy's (0.75 for
    ///        GroupProbing, 0.8 for the other open addressing, 1 for chaining).
    static constexpr float default_max_load_factor = Collision::default_max_load_factor;
    /// @brief The lowest maximum load factor accepted.
    static constexpr float lowest_max_load_factor = 0.05F;
    /// @brief The highest maximum load factor accepted: the strategy's
    ///        (0.95 for open addressing, 8 for chaining).
    static constexpr float highest_max_load_factor = Collision::highest_max_load_factor;

    /// @brief An empty table. Allocates nothing.
    /// @complexity O(1).
    HashTable() = default;

    /// @brief An empty table with room for `bucket_count` buckets.
    /// @param bucket_count the number of buckets to allocate (rounded up by the sizing rule).
    /// @param hash the hash function.
    /// @param equal the key equality.
    /// @complexity O(bucket_count).
    explicit HashTable(size_type bucket_count, const Hash& hash = Hash(),
                       const KeyEqual& equal = KeyEqual())
        : m_hash(hash), m_equal(equal) {
        rehash(bucket_count);
    }

    /// @brief A table holding `values`; for equal keys the first one wins.
    /// @param values the initial elements.
    /// @complexity Expected O(n).
    HashTable(std::initializer_list<value_type> values) { insert(values); }

    /// @brief A table holding the elements of `[first, last)`; for equal keys the first wins.
    /// @param first the start of the range.
    /// @param last the end of the range.
    /// @complexity Expected O(n).
    template <std::input_iterator InputIt>
    HashTable(InputIt first, InputIt last) {
        insert(first, last);
    }

    /// @brief Destroys every element once and frees both arrays.
    ~HashTable() = default;
    /// @brief A copy of `other`, with the same buckets.
    /// @param other the table to copy.
    /// @complexity O(n + bucket_count).
    HashTable(const HashTable& other) = default;
    /// @brief Takes over `other`'s arrays; `other` is left empty.
    /// @param other the table to move from.
    /// @complexity O(1).
    /// @exceptionsafety `noexcept` unless moving `Hash` or `KeyEqual` may throw,
    ///        as for `std::unordered_map`. They move first, so if one throws,
    ///        `other` is unchanged (strong).
    HashTable(HashTable&& other) noexcept(nothrow_move_constructible_functions)
        : m_max_load_factor(other.m_max_load_factor),
          m_hash(std::move(other.m_hash)),
          m_equal(std::move(other.m_equal)) {
        m_values.swap(other.m_values);
        m_index.swap(other.m_index);
    }

    /// @brief Replaces the contents with a copy of `other`.
    /// @param other the table to copy.
    /// @return `*this`.
    /// @complexity O(n + bucket_count).
    /// @exceptionsafety Strong, unless move-assigning `Hash` or `KeyEqual`
    ///        throws: then basic, this table is left empty. Self-assignment is
    ///        a no-op.
    HashTable& operator=(const HashTable& other) {
        if (this != std::addressof(other)) {
            *this = HashTable(other);
        }
        return *this;
    }

    /// @brief Replaces the contents with those of `other`, which is left empty.
    /// @param other the table to move from.
    /// @return `*this`.
    /// @complexity O(n) to destroy the old elements.
    /// @exceptionsafety `noexcept` unless move-assigning `Hash` or `KeyEqual`
    ///        may throw, as for `std::unordered_map`. If one throws, the
    ///        exception propagates, `other` is unchanged and this table is left
    ///        empty (its elements may not suit the function objects it now has).
    HashTable& operator=(HashTable&& other) noexcept(nothrow_move_assignable_functions) {
        if (this != std::addressof(other)) {
            exchange_function_objects<nothrow_move_assignable_functions>(
                [&] {
                    m_hash = std::move(other.m_hash);
                    m_equal = std::move(other.m_equal);
                },
                [&]() noexcept { clear(); });
            m_values = std::move(other.m_values);
            m_index = std::move(other.m_index);
            m_max_load_factor = other.m_max_load_factor;
        }
        return *this;
    }

    /// @name Lookup
    /// @{

    /// @brief Finds the element with key `key`.
    /// @param key the key to look for.
    /// @return an iterator to the element, or `end()`.
    /// @complexity Expected O(1).
    [[nodiscard]] iterator find(const K& key) { return iterator_at(position_of(key)); }
    /// @brief Finds the element with key `key`, read-only.
    /// @param key the key to look for.
    /// @return an iterator to the element, or `end()`.
    /// @complexity Expected O(1).
    [[nodiscard]] const_iterator find(const K& key) const { return iterator_at(position_of(key)); }

    /// @brief Finds the element whose key equals `key`, of any type `Hash` and `KeyEqual` accept.
    /// @param key the key to look for; no `K` is built from it.
    /// @return an iterator to the element, or `end()`.
    /// @complexity Expected O(1).
    template <class Other>
    requires detail::LookupArgument<Other, K, Hash, KeyEqual>
    [[nodiscard]] iterator find(const Other& key) { return iterator_at(position_of(key)); }
    /// @brief Finds the element whose key equals `key`, read-only (transparent lookup).
    /// @param key the key to look for; no `K` is built from it.
    /// @return an iterator to the element, or `end()`.
    /// @complexity Expected O(1).
    template <class Other>
    requires detail::LookupArgument<Other, K, Hash, KeyEqual>
    [[nodiscard]] const_iterator find(const Other& key) const {
        return iterator_at(position_of(key));
    }

    /// @brief Whether an element with key `key` exists.
    /// @param key the key to look for.
    /// @return true if found.
    /// @complexity Expected O(1).
    [[nodiscard]] bool contains(const K& key) const { return position_of(key) != size(); }
    /// @brief Whether an element with key `key` exists (transparent lookup).
    /// @param key the key to look for.
    /// @return true if found.
    /// @complexity Expected O(1).
    template <class Other>
    requires detail::LookupArgument<Other, K, Hash, KeyEqual>
    [[nodiscard]] bool contains(const Other& key) const { return position_of(key) != size(); }

    /// @brief How many elements have key `key`.
    /// @param key the key to look for.
    /// @return 1 or 0.
    /// @complexity Expected O(1).
    [[nodiscard]] size_type count(const K& key) const { return contains(key) ? 1 : 0; }
    /// @brief How many elements have key `key` (transparent lookup).
    /// @param key the key to look for.
    /// @return 1 or 0.
    /// @complexity Expected O(1).
    template <class Other>
    requires detail::LookupArgument<Other, K, Hash, KeyEqual>
    [[nodiscard]] size_type count(const Other& key) const { return contains(key) ? 1 : 0; }

    /// @brief The value mapped to `key`.
    /// @param key the key to look for.
    /// @return a reference to the mapped value.
    /// @throws std::out_of_range if there is no such key.
    /// @complexity Expected O(1).
    [[nodiscard]] V& at(const K& key) { return checked(find(key))->second; }
    /// @brief The value mapped to `key`, read-only.
    /// @param key the key to look for.
    /// @return a reference to the mapped value.
    /// @throws std::out_of_range if there is no such key.
    /// @complexity Expected O(1).
    [[nodiscard]] const V& at(const K& key) const { return checked(find(key))->second; }
    /// @brief The value mapped to `key` (transparent lookup).
    /// @param key the key to look for.
    /// @return a reference to the mapped value.
    /// @throws std::out_of_range if there is no such key.
    /// @complexity Expected O(1).
    template <class Other>
    requires detail::LookupArgument<Other, K, Hash, KeyEqual>
    [[nodiscard]] V& at(const Other& key) { return checked(find(key))->second; }
    /// @brief The value mapped to `key`, read-only (transparent lookup).
    /// @param key the key to look for.
    /// @return a reference to the mapped value.
    /// @throws std::out_of_range if there is no such key.
    /// @complexity Expected O(1).
    template <class Other>
    requires detail::LookupArgument<Other, K, Hash, KeyEqual>
    [[nodiscard]] const V& at(const Other& key) const { return checked(find(key))->second; }

    /// @}
    /// @name Insertion
    /// @{

    /// @brief Inserts a copy of `value` unless its key is present.
    /// @param value the element.
    /// @return the element with that key, and whether it was inserted.
    /// @complexity Expected amortised O(1).
    /// @invalidation See the class notes: all if the value array grows, else `end()`.
    /// @exceptionsafety Strong.
    std::pair<iterator, bool> insert(const value_type& value) {
        return try_emplace(value.first, value.second);
    }

    /// @brief Inserts `value`, moving it, unless its key is present (then `value` is untouched).
    /// @param value the element.
    /// @return the element with that key, and whether it was inserted.
    /// @complexity Expected amortised O(1).
    /// @invalidation See the class notes: all if the value array grows, else `end()`.
    /// @exceptionsafety Strong.
    std::pair<iterator, bool> insert(value_type&& value) {
        return try_emplace(value.first, std::move(value.second));  // a const key can only be copied
    }

    /// @brief Inserts an element built from `value` unless its key is
    ///        present: for a `std::pair<K, V2>`, as `try_emplace(key, value)`
    ///        (the key is moved, for move-only keys too, and only if inserted),
    ///        otherwise as `emplace(value)`.
    /// @param value anything `value_type` can be built from.
    /// @return the element with that key, and whether it was inserted.
    /// @complexity Expected amortised O(1).
    /// @invalidation See the class notes: all if the value array grows, else `end()`.
    /// @exceptionsafety Strong.
    template <class P>
    std::pair<iterator, bool> insert(P&& value) requires std::is_constructible_v<value_type, P&&> {
        if constexpr (detail::is_pair_with_key<std::remove_cvref_t<P>, K>) {
            return try_emplace_impl(std::forward<P>(value).first, std::forward<P>(value).second);
        } else {
            return emplace(std::forward<P>(value));
        }
    }

    /// @brief Inserts each element of `[first, last)` whose key is not present yet.
    /// @param first the start of the range.
    /// @param last the end of the range.
    /// @complexity Expected amortised O(1) per element.
    /// @exceptionsafety Basic: the elements inserted before a throw stay.
    template <std::input_iterator InputIt>
    void insert(InputIt first, InputIt last) {
        for (; first != last; ++first) {
            emplace(*first);
        }
    }

    /// @brief Inserts each element of `values` whose key is not present yet.
    /// @param values the elements.
    /// @complexity Expected amortised O(1) per element.
    /// @exceptionsafety Basic: the elements inserted before a throw stay.
    void insert(std::initializer_list<value_type> values) {
        reserve(size() + values.size());
        insert(values.begin(), values.end());
    }

    /// @brief Builds an element from `args` (as `std::pair<K, V>` would) and
    ///        keeps it unless its key is present.
    /// @param args the pair's constructor arguments.
    /// @return the element with that key, and whether it was inserted.
    /// @complexity Expected amortised O(1).
    /// @invalidation See the class notes: all if the value array grows, else
    ///               `end()`. The pair is built before its key is known, so the
    ///               array may grow even when the key is already present
    ///               (`try_emplace` never does that).
    /// @exceptionsafety Strong.
    template <class... Args>
    std::pair<iterator, bool> emplace(Args&&... args) {
        // The key is only known once the pair exists, so the pair is built
        // at the end of the value array first and dropped if it is a duplicate.
        value_type& candidate =
            m_values.emplace(std::in_place, std::forward<Args>(args)...).element;
        const auto candidate_index = static_cast<std::uint32_t>(size() - 1);
        try {
            const std::uint64_t hash = hash_of(candidate.first);
            const Probe probe = find_in_index(hash, candidate.first);
            if (probe.found) {
                m_values.pop();
                return {iterator_at(m_index.value_at(probe)), false};
            }
            index_new_value(hash, probe, candidate_index);
        } catch (...) {
            m_values.pop();
            throw;
        }
        return {iterator_at(candidate_index), true};
    }

    /// @brief Inserts `key` with a value built from `args`, unless `key` is
    ///        present (then nothing is built and `args` are untouched).
    /// @param key the key, copied only if inserted.
    /// @param args the mapped value's constructor arguments.
    /// @return the element with that key, and whether it was inserted.
    /// @complexity Expected amortised O(1).
    /// @invalidation See the class notes: all if the value array grows, else `end()`.
    /// @exceptionsafety Strong.
    template <class... Args>
    std::pair<iterator, bool> try_emplace(const K& key, Args&&... args) {
        return try_emplace_impl(key, std::forward<Args>(args)...);
    }

    /// @brief Inserts `key` (moved) with a value built from `args`, unless `key` is present.
    /// @param key the key, moved only if inserted.
    /// @param args the mapped value's constructor arguments.
    /// @return the element with that key, and whether it was inserted.
    /// @complexity Expected amortised O(1).
    /// @invalidation See the class notes: all if the value array grows, else `end()`.
    /// @exceptionsafety Strong.
    template <class... Args>
    std::pair<iterator, bool> try_emplace(K&& key, Args&&... args) {
        return try_emplace_impl(std::move(key), std::forward<Args>(args)...);
    }

    /// @brief Maps `key` to `value`: inserts it, or assigns over the old value.
    /// @param key the key.
    /// @param value the new mapped value.
    /// @return the element with that key, and whether it was inserted.
    /// @complexity Expected amortised O(1).
    /// @exceptionsafety Strong for an insert; for an assignment, as V's assignment.
    template <class M>
    std::pair<iterator, bool> insert_or_assign(const K& key, M&& value) {
        auto result = try_emplace(key, std::forward<M>(value));
        if (!result.second) {
            result.first->second = std::forward<M>(value);
        }
        return result;
    }

    /// @brief Maps `key` (moved if inserted) to `value`: inserts, or assigns over the old value.
    /// @param key the key.
    /// @param value the new mapped value.
    /// @return the element with that key, and whether it was inserted.
    /// @complexity Expected amortised O(1).
    /// @exceptionsafety Strong for an insert; for an assignment, as V's assignment.
    template <class M>
    std::pair<iterator, bool> insert_or_assign(K&& key, M&& value) {
        auto result = try_emplace(std::move(key), std::forward<M>(value));
        if (!result.second) {
            result.first->second = std::forward<M>(value);
        }
        return result;
    }

    /// @brief The value mapped to `key`, inserting a value-initialised one first if absent.
    /// @param key the key.
    /// @return a reference to the mapped value.
    /// @complexity Expected amortised O(1).
    /// @exceptionsafety Strong.
    V& operator[](const K& key) { return try_emplace(key).first->second; }
    /// @brief The value mapped to `key`, inserting a value-initialised one first if absent.
    /// @param key the key, moved if inserted.
    /// @return a reference to the mapped value.
    /// @complexity Expected amortised O(1).
    /// @exceptionsafety Strong.
    V& operator[](K&& key) { return try_emplace(std::move(key)).first->second; }

    /// @}
    /// @name Removal
    /// @{

    /// @brief Removes the element with key `key`, if any.
    /// @param key the key.
    /// @return how many elements were removed: 1 or 0.
    /// @complexity Expected O(1).
    /// @invalidation The erased and the last element, and `end()`.
    size_type erase(const K& key) { return erase_key(key); }

    /// @brief Removes the element whose key equals `key` (transparent lookup).
    /// @param key the key.
    /// @return how many elements were removed: 1 or 0.
    /// @complexity Expected O(1).
    /// @invalidation The erased and the last element, and `end()`.
    template <class Other>
    requires detail::LookupArgument<Other, K, Hash, KeyEqual> &&
        (!std::is_convertible_v<const Other&, const_iterator>)size_type erase(const Other& key) {
        return erase_key(key);
    }

    /// @brief Removes the element at `position`.
    /// @param position a valid, dereferenceable iterator of this table.
    /// @return an iterator to the element that takes its place (not visited
    ///         yet by a loop over the table), or `end()`.
    /// @complexity Expected O(1).
    /// @invalidation The erased and the last element, and `end()`.
    iterator erase(const_iterator position) {
        const auto index = static_cast<std::uint32_t>(position - cbegin());
        const std::uint64_t hash = hash_of(position->first);
        erase_at(m_index.find(hash, [index](std::uint32_t value) { return value == index; }),
                 index);
        return iterator_at(index);
    }

    /// @brief Removes the element at `position`.
    /// @param position a valid, dereferenceable iterator of this table.
    /// @return an iterator to the element that takes its place, or `end()`.
    /// @complexity Expected O(1).
    /// @invalidation The erased and the last element, and `end()`.
    iterator erase(iterator position) { return erase(const_iterator{position}); }

    /// @brief Removes the elements of `[first, last)`.
    /// @param first the first element to remove.
    /// @param last one past the last; `[first, last)` is a valid range of this table.
    /// @return an iterator to the element now at `first`'s position (one a
    ///         loop over the table has not visited yet), or `end()`.
    /// @complexity Expected O(last - first).
    /// @invalidation Iterators and references to the erased elements, to the
    ///               elements that fill their places (they come from the end of
    ///               the array: at most the last `last - first`), and `end()`.
    /// @exceptionsafety Basic: only the hash can throw, and the elements
    ///                  erased before it stay erased.
    iterator erase(const_iterator first, const_iterator last) {
        const auto from = static_cast<size_type>(first - cbegin());
        auto to = static_cast<size_type>(last - cbegin());
        // Back to front: each erase moves the current last element into the
        // hole, and that element is never one still to be erased (those all
        // sit before the hole).
        while (to > from) {
            --to;
            erase(iterator_at(to));
        }
        return iterator_at(from);
    }

    /// @brief Removes every element; the bucket count stays.
    /// @complexity O(n + bucket_count).
    /// @invalidation All iterators and references.
    void clear() noexcept {
        m_values.clear();
        m_index.clear();
    }

    /// @}
    /// @name Capacity and buckets
    /// @{

    /// @brief The number of elements.
    /// @return the element count.
    [[nodiscard]] size_type size() const noexcept { return m_values.size(); }
    /// @brief Whether the table holds no element.
    /// @return `size() == 0`.
    [[nodiscard]] bool empty() const noexcept { return m_values.empty(); }
    /// @brief The largest number of elements the table can hold.
    /// @return 2^32 - 1 (values are named by 32-bit positions).
    [[nodiscard]] static constexpr size_type max_size() noexcept { return UINT32_MAX; }
    /// @brief The number of buckets in the index (0 before the first insert).
    /// @return the bucket count.
    [[nodiscard]] size_type bucket_count() const noexcept { return m_index.bucket_count(); }

    /// @brief The mean number of elements per bucket.
    /// @return `size() / bucket_count()`, or 0 without buckets.
    [[nodiscard]] float load_factor() const noexcept {
        return bucket_count() == 0 ? 0.0F
                                   : static_cast<float>(static_cast<double>(size()) /
                                                        static_cast<double>(bucket_count()));
    }

    /// @brief The load factor above which an insert grows the index.
    /// @return the maximum load factor (the strategy's default_max_load_factor).
    [[nodiscard]] float max_load_factor() const noexcept { return m_max_load_factor; }

    /// @brief Sets the load factor above which an insert grows the index,
    ///        and rebuilds the index for it (with more buckets if the table
    ///        is already fuller than that).
    /// @param limit the new maximum, in `[lowest_max_load_factor,
    ///        highest_max_load_factor]`: `[0.05, 0.95]` for open addressing,
    ///        `[0.05, 8]` for chaining. Higher values save memory at the cost
    ///        of longer probes.
    /// @throws std::invalid_argument if `limit` is outside that range.
    /// @complexity O(n + bucket_count).
    /// @invalidation None: only the index is rebuilt.
    /// @exceptionsafety Strong.
    void max_load_factor(float limit) {
        if (!(limit >= lowest_max_load_factor && limit <= highest_max_load_factor)) {
            throw std::invalid_argument("telechat::HashTable::max_load_factor must be in [0.05, " +
                                        detail::shortest_decimal(highest_max_load_factor) +
                                        "] for " + std::string(Collision::name));
        }
        const float previous = std::exchange(m_max_load_factor, limit);
        if (bucket_count() == 0) {
            return;
        }
        // Rebuild before anything else changes: if hashing throws, the old
        // limit and index stay, and so do the invariants.
        try {
            rebuild_index(std::max(bucket_count(), bucket_count_for(size(), limit)));
        } catch (...) {
            m_max_load_factor = previous;
            throw;
        }
    }

    /// @brief Sets the bucket count to at least `bucket_count`, and at least
    ///        what the current size needs, rounded up by the sizing rule.
    /// @param bucket_count the wanted number of buckets; 0 shrinks to fit.
    /// @complexity O(n + bucket_count).
    /// @invalidation None: only the index is rebuilt.
    /// @exceptionsafety Strong.
    void rehash(size_type bucket_count) {
        const size_type needed = size() == 0 && bucket_count == 0
                                     ? 0
                                     : std::max(Sizing::round_up(bucket_count),
                                                bucket_count_for(size(), m_max_load_factor));
        if (needed != this->bucket_count()) {
            rebuild_index(needed);
        }
    }

    /// @brief Makes room for `count` elements without another allocation.
    /// @param count the number of elements to plan for.
    /// @throws std::length_error if `count > max_size()`.
    /// @complexity O(n + bucket_count) if it grows.
    /// @invalidation All iterators and references if the value array grows.
    /// @exceptionsafety Strong.
    void reserve(size_type count) {
        require_fits(count);
        m_values.reserve(count);
        if (count > m_index.element_limit()) {
            rebuild_index(bucket_count_for(count, m_max_load_factor));
        }
    }

    /// @}
    /// @name Iteration
    /// @{

    /// @brief The first element of the dense array.
    /// @return an iterator to it, or `end()` if empty.
    [[nodiscard]] iterator begin() noexcept { return iterator(m_values.begin()); }
    /// @brief One past the last element.
    /// @return the end iterator.
    [[nodiscard]] iterator end() noexcept { return iterator(m_values.end()); }
    /// @brief The first element, read-only.
    /// @return an iterator to it, or `end()` if empty.
    [[nodiscard]] const_iterator begin() const noexcept { return const_iterator(m_values.begin()); }
    /// @brief One past the last element, read-only.
    /// @return the end iterator.
    [[nodiscard]] const_iterator end() const noexcept { return const_iterator(m_values.end()); }
    /// @brief The first element, read-only.
    /// @return an iterator to it, or `cend()` if empty.
    [[nodiscard]] const_iterator cbegin() const noexcept { return begin(); }
    /// @brief One past the last element, read-only.
    /// @return the end iterator.
    [[nodiscard]] const_iterator cend() const noexcept { return end(); }

    /// @}

    /// @brief Exchanges the contents of two tables.
    /// @param other the other table.
    /// @complexity O(1).
    /// @invalidation None: iterators now refer into the other table.
    /// @exceptionsafety `noexcept` unless swapping `Hash` or `KeyEqual` may
    ///        throw, as for `std::unordered_map`. If one throws, the exception
    ///        propagates and both tables are left empty (a half-swapped hash
    ///        would no longer find their elements).
    void swap(HashTable& other) noexcept(nothrow_swappable_functions) {
        using std::swap;
        exchange_function_objects<nothrow_swappable_functions>(
            [&] {
                swap(m_hash, other.m_hash);
                swap(m_equal, other.m_equal);
            },
            [&]() noexcept {
                clear();
                other.clear();
            });
        m_values.swap(other.m_values);
        m_index.swap(other.m_index);
        swap(m_max_load_factor, other.m_max_load_factor);
    }

    /// @brief Exchanges the contents of two tables.
    /// @param a one table.
    /// @param b the other.
    /// @exceptionsafety As the member swap.
    friend void swap(HashTable& a, HashTable& b) noexcept(noexcept(a.swap(b))) { a.swap(b); }

    /// @brief Whether two tables hold the same key-value pairs, in any order.
    /// @param a one table.
    /// @param b the other.
    /// @return true if they hold equal elements.
    /// @complexity Expected O(n).
    friend bool operator==(const HashTable& a, const HashTable& b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (const value_type& element : a) {
            const auto match = b.find(element.first);
            if (match == b.end() || !(match->second == element.second)) {
                return false;
            }
        }
        return true;
    }

    /// @brief The hash function.
    /// @return a copy of it.
    [[nodiscard]] hasher hash_function() const { return m_hash; }
    /// @brief The key equality.
    /// @return a copy of it.
    [[nodiscard]] key_equal key_eq() const { return m_equal; }

    /// @brief How full the table is and how long its probes are.
    /// @return a snapshot; see HashTableStats.
    /// @complexity O(bucket_count).
    [[nodiscard]] HashTableStats stats() const {
        HashTableStats result;
        result.size = size();
        result.bucket_count = bucket_count();
        result.load_factor = load_factor();
        result.max_load_factor = m_max_load_factor;
        result.tombstones = m_index.tombstones();
        std::size_t total = 0;
        const auto visit = [&](std::size_t /*bucket*/, const hashing::BucketView& view) {
            const std::size_t length = view.probe_length;
            if (view.state != hashing::BucketView::State::entry) {
                return;
            }
            if (length >= result.probe_length_histogram.size()) {
                result.probe_length_histogram.resize(length + 1);
            }
            ++result.probe_length_histogram[length];
            total += length;
            result.max_probe_length = std::max(result.max_probe_length, length);
        };
        m_index.for_each_bucket(visit,
                                [this](std::uint32_t value) { return hash_of(key_at(value)); });
        if (size() != 0) {
            result.mean_probe_length = static_cast<double>(total) / static_cast<double>(size());
        }
        return result;
    }

    /// @brief Verifies every invariant listed in the class description.
    /// @throws InvariantViolation naming the first invariant that fails.
    /// @complexity O(n + bucket_count), expected.
    void check_invariants() const {
        m_values.check_invariants();
        detail::require_invariant(size() <= m_index.element_limit() || size() == 0,
                                  "HashTable: size within the load limit");
        detail::require_invariant(
            m_index.element_limit() == Collision::element_limit(bucket_count(), m_max_load_factor),
            "HashTable: load limit matches the bucket count");
        m_index.check_invariants(size(),
                                 [this](std::uint32_t value) { return hash_of(key_at(value)); });
        for (size_type i = 0; i < size(); ++i) {
            detail::require_invariant(position_of(key_at(i)) == i,
                                      "HashTable: a search for each key finds its own value "
                                      "(unique keys)");
        }
    }

    /// @brief The collision strategy's index, read-only: for pictures and
    ///        experiments (`telechat-lab`), never needed to use the table.
    /// @return the index; see hashing::CollisionIndex.
    [[nodiscard]] const auto& index() const noexcept { return m_index; }

    /// @brief The prepared hash of `key`, as the index sees it.
    /// @param key a key.
    /// @return `Sizing::prepare(hash_function()(key))`.
    template <class Key>
    [[nodiscard]] std::uint64_t prepared_hash(const Key& key) const {
        return hash_of(key);
    }

private:
    using Index = typename Collision::template Index<Sizing>;
    using Probe = typename Index::Probe;
    using Slot = detail::HashSlot<K, V>;

    // What moving and swapping the table may throw: only what its function
    // objects may (std::unordered_map's noexcept conditions).
    static constexpr bool nothrow_move_constructible_functions =
        std::is_nothrow_move_constructible_v<Hash> &&
        std::is_nothrow_move_constructible_v<KeyEqual>;
    static constexpr bool nothrow_move_assignable_functions =
        std::is_nothrow_move_assignable_v<Hash> && std::is_nothrow_move_assignable_v<KeyEqual>;
    static constexpr bool nothrow_swappable_functions =
        std::is_nothrow_swappable_v<Hash> && std::is_nothrow_swappable_v<KeyEqual>;

    // Runs `exchange`, which moves or swaps Hash and KeyEqual. If it throws,
    // `empty_tables` runs before the exception goes on: elements placed by
    // the old function objects may not be found by the new ones, and an
    // empty table is valid whatever its function objects are.
    template <bool NoThrow, class Exchange, class EmptyTables>
    static void exchange_function_objects(Exchange exchange,
                                          EmptyTables empty_tables) noexcept(NoThrow) {
        if constexpr (NoThrow) {
            exchange();
        } else {
            try {
                exchange();
            } catch (...) {
                empty_tables();
                throw;
            }
        }
    }

    [[nodiscard]] iterator iterator_at(size_type position) noexcept {
        return iterator(m_values.begin() + position);
    }
    [[nodiscard]] const_iterator iterator_at(size_type position) const noexcept {
        return const_iterator(m_values.begin() + position);
    }

    // The key of the value at `position` in the dense array.
    [[nodiscard]] const K& key_at(size_type position) const noexcept {
        return m_values.begin()[position].element.first;
    }

    template <class Key>
    [[nodiscard]] std::uint64_t hash_of(const Key& key) const {
        return Sizing::prepare(static_cast<std::size_t>(m_hash(key)));
    }

    // The position of `key` in the value array, or size() if absent.
    // Whether `Key` may be looked up: a K always, anything else only in a
    // transparent table. Fails the one static_assert a wrong type gets.
    template <class Key>
    static consteval bool lookup_allowed() {
        constexpr bool allowed =
            std::is_same_v<Key, K> || detail::TransparentLookup<Hash, KeyEqual>;
        static_assert(
            allowed,
            "telechat::HashTable: looking up a key by another type needs a transparent Hash "
            "and KeyEqual: for std::string keys, HashTable<std::string, V, "
            "telechat::StringHash, std::equal_to<>>");
        return allowed;
    }

    template <class Key>
    [[nodiscard]] size_type position_of(const Key& key) const {
        if constexpr (lookup_allowed<Key>()) {
            if (empty()) {
                return size();
            }
            const Probe probe = find_in_index(hash_of(key), key);
            return probe.found ? m_index.value_at(probe) : size();
        } else {
            return size();
        }
    }

    // Probes the index for `key`. Without buckets, nothing is found.
    template <class Key>
    [[nodiscard]] Probe find_in_index(std::uint64_t hash, const Key& key) const {
        if (bucket_count() == 0) {
            return {};
        }
        const Slot* values = m_values.begin();
        return m_index.find(
            hash, [&](std::uint32_t index) { return m_equal(values[index].element.first, key); });
    }

    template <class Key, class... Args>
    std::pair<iterator, bool> try_emplace_impl(Key&& key, Args&&... args) {
        const std::uint64_t hash = hash_of(key);
        const Probe probe = find_in_index(hash, key);
        if (probe.found) {
            return {iterator_at(m_index.value_at(probe)), false};
        }
        const auto new_index = static_cast<std::uint32_t>(size());
        require_fits(size() + 1);
        const Probe where = make_room_in_index(hash, probe);
        m_values.emplace(std::in_place, std::piecewise_construct,
                         std::forward_as_tuple(std::forward<Key>(key)),
                         std::forward_as_tuple(std::forward<Args>(args)...));
        m_index.place(where, new_index);
        return {iterator_at(new_index), true};
    }

    // Indexes the value just appended at `value_index` (the last one).
    void index_new_value(std::uint64_t hash, const Probe& probe, std::uint32_t value_index) {
        require_fits(size());
        const Probe where = make_room_in_index(hash, probe, value_index);
        m_index.place(where, value_index);
    }

    // Makes the index ready for one more entry, for `hash`, and says where
    // it goes: rebuilt from the first `indexed` values if it is out of room
    // (the growth rule in the class notes), and larger still while the
    // hash's probe sequence meets no free bucket. A rebuild makes the old
    // probe stale.
    Probe make_room_in_index(std::uint64_t hash, const Probe& probe, std::uint32_t indexed) {
        if (m_index.has_room() && m_index.can_place(probe)) {  // no buckets: no room
            return probe;
        }
        // Out of room: the growth rule. Room, but no free bucket on this
        // hash's probe sequence: more buckets.
        size_type count = bucket_count() != 0 && m_index.has_room()
                              ? Sizing::grow(bucket_count())
                              : bucket_count_for_one_more(indexed);
        for (;;) {
            rebuild_index(count, indexed);
            const Probe where = find_free(hash);
            if (m_index.can_place(where)) {
                return where;
            }
            count = Sizing::grow(bucket_count());
        }
    }

    // The bucket count for `indexed + 1` entries: the same as now if the
    // entries fill at most half of its limit (tombstones filled the rest),
    // else the next count of the sizing rule, or more if the limit needs it.
    [[nodiscard]] size_type bucket_count_for_one_more(size_type indexed) const {
        const size_type wanted = indexed + 1;
        if (bucket_count() != 0 && wanted <= m_index.element_limit() / 2) {
            return bucket_count();
        }
        const size_type grown = bucket_count() == 0 ? Sizing::round_up(Sizing::min_bucket_count)
                                                    : Sizing::grow(bucket_count());
        return std::max(grown, bucket_count_for(wanted, m_max_load_factor));
    }

    // The smallest bucket count of the sizing rule that holds `elements` at `max_load`.
    [[nodiscard]] static size_type bucket_count_for(size_type elements, float max_load) {
        size_type count = Sizing::round_up(Sizing::min_bucket_count);
        while (Collision::element_limit(count, max_load) < elements) {
            count = Sizing::grow(count);
        }
        return count;
    }

    // Where an entry for `hash`, known to be absent, would go.
    [[nodiscard]] Probe find_free(std::uint64_t hash) const {
        return m_index.find(hash, [](std::uint32_t) { return false; });
    }

    Probe make_room_in_index(std::uint64_t hash, const Probe& probe) {
        return make_room_in_index(hash, probe, static_cast<std::uint32_t>(size()));
    }

    void rebuild_index(size_type new_bucket_count) { rebuild_index(new_bucket_count, size()); }

    // Builds a fresh index of `new_bucket_count` buckets (more, if some
    // value's probe sequence meets no free bucket there) for the first
    // `indexed` values and swaps it in; if hashing throws, nothing changed.
    void rebuild_index(size_type new_bucket_count, size_type indexed) {
        for (size_type count = new_bucket_count;; count = Sizing::grow(count)) {
            Index fresh(count, Collision::element_limit(count, m_max_load_factor));
            if (index_values(fresh, indexed)) {
                m_index.swap(fresh);
                return;
            }
        }
    }

    // Indexes the first `indexed` values in `fresh`; false if one found no free bucket.
    bool index_values(Index& fresh, size_type indexed) const {
        for (size_type i = 0; i < indexed; ++i) {
            const Probe where = fresh.find(hash_of(key_at(i)), [](std::uint32_t) { return false; });
            if (!fresh.can_place(where)) {
                return false;
            }
            fresh.place(where, static_cast<std::uint32_t>(i));
        }
        return true;
    }

    template <class Key>
    size_type erase_key(const Key& key) {
        if constexpr (lookup_allowed<Key>()) {
            if (empty()) {
                return 0;
            }
            const Probe probe = find_in_index(hash_of(key), key);
            if (!probe.found) {
                return 0;
            }
            erase_at(probe, m_index.value_at(probe));
            return 1;
        } else {
            return 0;
        }
    }

    // Removes the entry `found`, which names `index`. The last value moves
    // into the hole so that the value array stays dense.
    void erase_at(const Probe& found, std::uint32_t index) {
        const auto last = static_cast<std::uint32_t>(size() - 1);
        Slot* values = m_values.begin();
        // Hash the last key before the index changes: if the hash throws,
        // the table is still exactly as it was.
        const std::uint64_t last_hash = index != last ? hash_of(key_at(last)) : 0;
        m_index.erase(found);
        if (index != last) {
            m_index.retarget(last_hash, last, index);
            fill_hole(values[index], values[last]);
        }
        m_values.pop();
    }

    // noexcept on purpose: a move that throws half-way would leave a value
    // no bucket names, so the program stops rather than run on corrupted.
    static void fill_hole(Slot& hole, Slot& last) noexcept { detail::move_slot_over(hole, last); }

    void require_fits(size_type count) const {
        if (count > max_size()) {
            throw std::length_error("telechat::HashTable: more than max_size() elements");
        }
    }

    iterator checked(iterator found) {
        if (found == end()) {
            throw std::out_of_range("telechat::HashTable::at: no such key");
        }
        return found;
    }
    const_iterator checked(const_iterator found) const {
        if (found == end()) {
            throw std::out_of_range("telechat::HashTable::at: no such key");
        }
        return found;
    }

    Stack<Slot> m_values;
    Index m_index;
    float m_max_load_factor = default_max_load_factor;
    // A stand-in if Hash cannot hash K, after the static_assert at the top.
    [[no_unique_address]] std::conditional_t<detail::hashes_keys<Hash, K>, Hash,
                                             detail::UnusableHash>
        m_hash;
    [[no_unique_address]] KeyEqual m_equal;
};

/// @brief Removes every element of `table` for which `pred` is true: C++20's
///        `std::erase_if` for HashTable, found by argument-dependent lookup.
/// @param table the table.
/// @param pred called once per element, with a `value_type&` (the key is
///        `const`); it must not change the table.
/// @return how many elements were removed.
/// @complexity O(n) calls of `pred`, and expected O(1) per removal.
/// @invalidation Iterators and references to the removed elements and to the
///               elements that move into their places (from the end of the
///               array), and `end()`.
/// @exceptionsafety Basic: if `pred` or the hash throws, the elements removed
///                  before stay removed.
template <class K, class V, class Hash, class KeyEqual, class Collision, class Sizing, class Pred>
typename HashTable<K, V, Hash, KeyEqual, Collision, Sizing>::size_type erase_if(
    HashTable<K, V, Hash, KeyEqual, Collision, Sizing>& table, Pred pred) {
    const auto before = table.size();
    for (auto it = table.begin(); it != table.end();) {
        if (pred(*it)) {
            it = table.erase(it);
        } else {
            ++it;
        }
    }
    return before - table.size();
}

}  // namespace telechat

/// @file
/// @brief hashing::RobinHood, HashTable's default collision strategy: linear
///        probing kept in Robin Hood order, with backward-shift deletion.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "../detail/raw_buffer.hpp"
#include "bucket_array.hpp"
#include "concepts.hpp"
#include "open_addressing_limit.hpp"

namespace telechat::hashing {

/// @brief Linear probing in Robin Hood order, with backward-shift deletion:
///        the default collision strategy, and the reference model of
///        CollisionStrategy.
///
/// Each bucket is 8 bytes: the position of a value in the table's dense
/// array, and `distance << 8 | fingerprint`, where distance 1 means "in its
/// home bucket", 0 means empty, and the fingerprint is 8 more bits of the
/// hash, so that most non-matching buckets are passed without comparing keys.
///
/// **Robin Hood order**: walking from an entry's home bucket to the bucket
/// it sits in, every bucket passed holds an entry at least as far from its
/// own home as this one would be there. An insert "takes from the rich": the
/// newcomer claims the first bucket whose occupant is nearer its home, and
/// the run from there to the next empty bucket shifts up by one. A search
/// may therefore stop at the first entry nearer its home than the key would
/// be, so a miss costs about as little as a hit. An erase shifts the run
/// after the entry back by one ("backward shift"): no tombstones.
///
/// @code
///    bucket:  0      1      2      3      4      5      6      7
///           +------+------+------+------+------+------+------+------+
///           |      | d1 #2| d1 #0| d2 #3|      |      | d1 #1|      |
///           +------+------+------+------+------+------+------+------+
///                                   `-- #3 wanted bucket 2; d2: one bucket further
/// @endcode
///
/// @invariant An entry's stored distance is 1 + how far it sits past its home
///            bucket, and its fingerprint is its hash's low 8 bits.
/// @invariant Robin Hood order (above), so that a search for each entry's
///            hash stops at that entry.
/// @invariant At least one bucket is empty, so that every search ends.
struct RobinHood {
    /// @brief The name the lab prints.
    static constexpr std::string_view name = "RobinHood";
    /// @brief The load factor a new table grows at.
    static constexpr float default_max_load_factor = 0.8F;
    /// @brief The highest maximum load factor accepted.
    static constexpr float highest_max_load_factor = 0.95F;

    /// @brief How many entries `bucket_count` buckets hold at `max_load`: one stays empty.
    /// @param bucket_count the number of buckets.
    /// @param max_load the table's maximum load factor.
    /// @return the most entries (and tombstones) the index holds before it is rebuilt.
    [[nodiscard]] static std::size_t element_limit(std::size_t bucket_count,
                                                   float max_load) noexcept {
        return telechat::detail::open_addressing_limit(bucket_count, max_load);
    }

    template <SizingRule Sizing>
    class Index;
};

/// @brief The index RobinHood keeps over sizing rule `Sizing`.
template <SizingRule Sizing>
class RobinHood::Index {
public:
    /// @brief Where a search stopped.
    struct Probe {
        std::size_t bucket = 0;  ///< the entry found, or where a new entry goes
        /// @brief The `distance << 8 | fingerprint` an entry for this hash has in `bucket`.
        std::uint32_t dist_and_fingerprint = 0;
        bool found = false;  ///< whether an entry matched
    };

    /// @cond TELECHAT_INDEX_MEMBERS
    // The members are hashing::CollisionIndex's, documented there once; each
    // comment below says only what this strategy does.
    /// @brief No buckets.
    Index() noexcept = default;
    /// @brief `bucket_count` empty buckets (an allowed count of `Sizing`) for `element_limit`
    /// entries.
    Index(std::size_t bucket_count, std::size_t element_limit)
        : m_buckets(bucket_count, Bucket{}),
          m_element_limit(element_limit),
          m_sizing(bucket_count) {}
    /// @brief A copy with the same buckets.
    Index(const Index& other) = default;
    /// @brief Takes `other`'s buckets; `other` has none after.
    Index(Index&& other) noexcept { swap(other); }
    /// @brief Copy or move assignment, by swap.
    Index& operator=(Index other) noexcept {
        swap(other);
        return *this;
    }
    ~Index() = default;

    /// @brief Exchanges two indexes.
    void swap(Index& other) noexcept {
        std::swap(m_buckets, other.m_buckets);
        std::swap(m_element_limit, other.m_element_limit);
        std::swap(m_entries, other.m_entries);
        std::swap(m_sizing, other.m_sizing);
    }

    [[nodiscard]] std::size_t bucket_count() const noexcept { return m_buckets.size(); }
    [[nodiscard]] std::size_t element_limit() const noexcept { return m_element_limit; }
    [[nodiscard]] bool has_room() const noexcept { return m_entries < m_element_limit; }
    [[nodiscard]] std::size_t tombstones() const noexcept { return 0; }
    [[nodiscard]] std::uint32_t value_at(const Probe& probe) const noexcept {
        return m_buckets[probe.bucket].value;
    }

    /// @brief Walks the probe sequence of `hash` (needs a bucket). Buckets
    ///        whose distance and fingerprint match are offered to
    ///        `is_match(value)`; the walk stops at a match or at the first
    ///        bucket holding an entry nearer its home than this hash would be
    ///        there, which is also where a new entry belongs.
    template <class IsMatch, class Count = NoProbeCount>
    [[nodiscard]] Probe find(std::uint64_t hash, IsMatch&& is_match, Count&& count = {}) const {
        std::uint32_t dist_and_fingerprint = first_step(hash);
        std::size_t position = m_sizing.home(hash);
        for (;;) {
            count();
            const Bucket& here = m_buckets[position];
            if (here.dist_and_fingerprint == dist_and_fingerprint && is_match(here.value)) {
                return {position, dist_and_fingerprint, true};
            }
            if (here.dist_and_fingerprint < dist_and_fingerprint) {
                return {position, dist_and_fingerprint, false};
            }
            dist_and_fingerprint += dist_unit;
            position = next(position);
        }
    }

    /// @brief Always: the walk ends at an empty bucket at the latest.
    [[nodiscard]] bool can_place(const Probe& /*where*/) const noexcept { return true; }

    /// @brief Stores `value` where a failed find stopped, shifting the run
    ///        that starts there up by one bucket. Needs has_room().
    void place(const Probe& where, std::uint32_t value) noexcept {
        Bucket incoming{where.dist_and_fingerprint, value};
        std::size_t position = where.bucket;
        while (!m_buckets[position].empty()) {
            std::swap(incoming, m_buckets[position]);
            incoming.dist_and_fingerprint += dist_unit;
            position = next(position);
        }
        m_buckets[position] = incoming;
        ++m_entries;
    }

    /// @brief Empties a found entry's bucket and pulls each following entry
    ///        that is not in its home bucket back by one.
    void erase(const Probe& found) noexcept {
        std::size_t position = found.bucket;
        std::size_t following = next(position);
        while (m_buckets[following].dist_and_fingerprint >= 2 * dist_unit) {
            m_buckets[position] = {m_buckets[following].dist_and_fingerprint - dist_unit,
                                   m_buckets[following].value};
            position = following;
            following = next(following);
        }
        m_buckets[position] = Bucket{};
        --m_entries;
    }

    /// @brief The entry for `hash` that names `old_value` names `new_value` instead.
    void retarget(std::uint64_t hash, std::uint32_t old_value, std::uint32_t new_value) noexcept {
        const Probe found = find(hash, [old_value](std::uint32_t v) { return v == old_value; });
        m_buckets[found.bucket].value = new_value;
    }

    /// @brief Empties every bucket; the bucket count stays.
    void clear() noexcept {
        m_buckets.fill(Bucket{});
        m_entries = 0;
    }

    /// @brief `visit(bucket, BucketView)` for every bucket, in order.
    ///        The stored distances give the probe lengths: no hash is needed.
    template <class Visit, class HashOf>
    void for_each_bucket(Visit&& visit, HashOf&& /*hash_of*/) const {
        for (std::size_t b = 0; b < m_buckets.size(); ++b) {
            const Bucket& here = m_buckets[b];
            visit(b, here.empty() ? BucketView{}
                                  : BucketView{BucketView::State::entry, here.value,
                                               here.dist_and_fingerprint >> 8});
        }
    }

    /// @brief Checks the invariants above for a table of `size` values whose
    ///        prepared hashes `hash_of(value)` gives.
    /// @throws InvariantViolation naming the first that fails.
    template <class HashOf>
    void check_invariants(std::size_t size, HashOf&& hash_of) const {
        std::vector<bool> named(size, false);
        for (std::size_t b = 0; b < m_buckets.size(); ++b) {
            const Bucket& here = m_buckets[b];
            if (here.empty()) {
                continue;
            }
            telechat::detail::require_invariant(
                here.value < size && !named[here.value],
                "RobinHood: each bucket names a distinct, existing value");
            named[here.value] = true;
            const std::uint64_t hash = hash_of(here.value);
            const std::size_t home = m_sizing.home(hash);
            const std::size_t offset = b >= home ? b - home : b + m_buckets.size() - home;
            telechat::detail::require_invariant(
                here.dist_and_fingerprint ==
                    first_step(hash) + static_cast<std::uint32_t>(offset) * dist_unit,
                "RobinHood: stored distance and fingerprint match the hash");
            const Probe found = find(hash, [&](std::uint32_t v) { return v == here.value; });
            telechat::detail::require_invariant(found.found && found.bucket == b,
                                                "RobinHood: a search for each entry stops at it "
                                                "(Robin Hood order)");
        }
        telechat::detail::require_invariant(m_entries == size, "RobinHood: one entry per value");
        telechat::detail::require_invariant(m_buckets.size() == 0 || m_entries < m_buckets.size(),
                                            "RobinHood: at least one bucket stays empty");
    }

    /// @endcond

private:
    struct Bucket {
        std::uint32_t dist_and_fingerprint = 0;
        std::uint32_t value = 0;
        [[nodiscard]] bool empty() const noexcept { return dist_and_fingerprint == 0; }
    };

    static constexpr std::uint32_t dist_unit = 1U << 8;

    // The `dist_and_fingerprint` an entry for `hash` has in its home bucket.
    [[nodiscard]] static std::uint32_t first_step(std::uint64_t hash) noexcept {
        return dist_unit | static_cast<std::uint32_t>(hash & (dist_unit - 1));
    }

    [[nodiscard]] std::size_t next(std::size_t position) const noexcept {
        return position + 1 == m_buckets.size() ? 0 : position + 1;
    }

    telechat::detail::BucketArray<Bucket> m_buckets;
    std::size_t m_element_limit = 0;
    std::size_t m_entries = 0;
    Sizing m_sizing;
};

}  // namespace telechat::hashing

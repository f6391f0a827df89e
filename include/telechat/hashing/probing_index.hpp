/// @file
/// @brief The index of the textbook open-addressing strategies (linear and
///        quadratic probing): buckets, tombstones, and a probe sequence
///        supplied by the strategy.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "../detail/raw_buffer.hpp"
#include "bucket_array.hpp"
#include "concepts.hpp"

namespace telechat::hashing {

/// @brief An open-addressing index with tombstones, walking the probe
///        sequence `Steps` gives: LinearProbing's and QuadraticProbing's.
///
/// `Steps::next(position, step, bucket_count)` is the bucket a search reads
/// at its `step`-th step (1, 2, ...) after reading `position`. A search reads
/// at most `bucket_count` buckets: it stops at a match, at an empty bucket
/// (the key is absent), or after that many (a sequence that does not reach
/// every bucket, as quadratic steps over a prime count, may never meet an
/// empty one).
///
/// **Deletion leaves a tombstone**: emptying the bucket would cut the probe
/// sequences that pass through it, and the entries beyond would be lost to
/// searches. A search goes on past a tombstone; an insert reuses the first
/// one its search passed. Tombstones count against the element limit
/// (has_room()), so a table with many erasures rebuilds, which drops them
/// all (see HashTable's growth rule).
///
/// Each bucket is 8 bytes: the value's position, and `distance << 8 |
/// fingerprint` as in RobinHood (distance: the step + 1 at which the entry
/// sits), 0 for empty and 1 for a tombstone.
///
/// @invariant An entry's stored distance is 1 + the steps from its home
///            bucket to where it sits, and its fingerprint is its hash's low 8 bits.
/// @invariant A search for each entry's hash reaches it: no empty bucket
///            lies before it on its probe sequence.
/// @invariant Entries + tombstones stay within the element limit, below the
///            bucket count: some bucket is empty.
template <SizingRule Sizing, class Steps>
class ProbingIndex {
public:
    /// @brief Where a search stopped.
    struct Probe {
        /// @brief The entry found; or where a new entry goes (the first
        ///        tombstone passed, else the empty bucket); or `none`.
        std::size_t bucket = none;
        std::uint32_t dist_and_fingerprint = 0;  ///< what a new entry stores in `bucket`
        bool found = false;                      ///< whether an entry matched
    };
    /// @brief No bucket: the search met neither an empty bucket nor a tombstone.
    static constexpr std::size_t none = static_cast<std::size_t>(-1);

    /// @cond TELECHAT_INDEX_MEMBERS
    // The members are hashing::CollisionIndex's, documented there once; each
    // comment below says only what this strategy does.
    ProbingIndex() noexcept = default;
    ProbingIndex(std::size_t bucket_count, std::size_t element_limit)
        : m_buckets(bucket_count, Bucket{}),
          m_element_limit(element_limit),
          m_sizing(bucket_count) {}
    ProbingIndex(const ProbingIndex& other) = default;
    ProbingIndex(ProbingIndex&& other) noexcept { swap(other); }
    ProbingIndex& operator=(ProbingIndex other) noexcept {
        swap(other);
        return *this;
    }
    ~ProbingIndex() = default;

    void swap(ProbingIndex& other) noexcept {
        std::swap(m_buckets, other.m_buckets);
        std::swap(m_element_limit, other.m_element_limit);
        std::swap(m_entries, other.m_entries);
        std::swap(m_tombstones, other.m_tombstones);
        std::swap(m_sizing, other.m_sizing);
    }

    [[nodiscard]] std::size_t bucket_count() const noexcept { return m_buckets.size(); }
    [[nodiscard]] std::size_t element_limit() const noexcept { return m_element_limit; }
    [[nodiscard]] bool has_room() const noexcept {
        return m_entries + m_tombstones < m_element_limit;
    }
    [[nodiscard]] std::size_t tombstones() const noexcept { return m_tombstones; }
    [[nodiscard]] std::uint32_t value_at(const Probe& probe) const noexcept {
        return m_buckets[probe.bucket].value;
    }

    /// @brief Walks the probe sequence of `hash` (needs a bucket), offering
    ///        entries whose distance and fingerprint match to `is_match(value)`.
    template <class IsMatch, class Count = NoProbeCount>
    [[nodiscard]] Probe find(std::uint64_t hash, IsMatch&& is_match, Count&& count = {}) const {
        std::uint32_t dist_and_fingerprint = first_step(hash);
        std::size_t position = m_sizing.home(hash);
        Probe free;  // the first tombstone passed, if any
        for (std::size_t step = 1; step <= m_buckets.size(); ++step) {
            count();
            const Bucket& here = m_buckets[position];
            if (here.dist_and_fingerprint == dist_and_fingerprint && is_match(here.value)) {
                return {position, dist_and_fingerprint, true};
            }
            if (here.dist_and_fingerprint == empty) {
                return free.bucket != none ? free : Probe{position, dist_and_fingerprint, false};
            }
            if (here.dist_and_fingerprint == tombstone && free.bucket == none) {
                free = {position, dist_and_fingerprint, false};
            }
            dist_and_fingerprint += dist_unit;
            position = Steps::next(position, step, m_buckets.size());
        }
        return free;
    }

    /// @brief Whether the failed find met a free bucket (else the table grows).
    [[nodiscard]] bool can_place(const Probe& where) const noexcept { return where.bucket != none; }

    /// @brief Stores `value` where a failed find said. Needs has_room() and can_place().
    void place(const Probe& where, std::uint32_t value) noexcept {
        Bucket& target = m_buckets[where.bucket];
        m_tombstones -= target.dist_and_fingerprint == tombstone ? 1 : 0;
        target = {where.dist_and_fingerprint, value};
        ++m_entries;
    }

    /// @brief Leaves a tombstone in a found entry's bucket.
    void erase(const Probe& found) noexcept {
        m_buckets[found.bucket] = {tombstone, 0};
        --m_entries;
        ++m_tombstones;
    }

    /// @brief The entry for `hash` that names `old_value` names `new_value` instead.
    void retarget(std::uint64_t hash, std::uint32_t old_value, std::uint32_t new_value) noexcept {
        const Probe found = find(hash, [old_value](std::uint32_t v) { return v == old_value; });
        m_buckets[found.bucket].value = new_value;
    }

    /// @brief Empties every bucket, tombstones too; the bucket count stays.
    void clear() noexcept {
        m_buckets.fill(Bucket{});
        m_entries = 0;
        m_tombstones = 0;
    }

    /// @brief `visit(bucket, BucketView)` for every bucket, in order.
    ///        The stored distances give the probe lengths: no hash is needed.
    template <class Visit, class HashOf>
    void for_each_bucket(Visit&& visit, HashOf&& /*hash_of*/) const {
        for (std::size_t b = 0; b < m_buckets.size(); ++b) {
            const Bucket& here = m_buckets[b];
            if (here.dist_and_fingerprint == empty) {
                visit(b, BucketView{});
            } else if (here.dist_and_fingerprint == tombstone) {
                visit(b, BucketView{BucketView::State::tombstone, 0, 0});
            } else {
                visit(b, BucketView{BucketView::State::entry, here.value,
                                    here.dist_and_fingerprint >> 8});
            }
        }
    }

    /// @brief Checks the invariants above for a table of `size` values whose
    ///        prepared hashes `hash_of(value)` gives.
    /// @throws InvariantViolation naming the first that fails.
    template <class HashOf>
    void check_invariants(std::size_t size, HashOf&& hash_of) const {
        std::vector<bool> named(size, false);
        std::size_t tombstones_seen = 0;
        for (std::size_t b = 0; b < m_buckets.size(); ++b) {
            const Bucket& here = m_buckets[b];
            tombstones_seen += here.dist_and_fingerprint == tombstone ? 1 : 0;
            if (here.dist_and_fingerprint == empty || here.dist_and_fingerprint == tombstone) {
                continue;
            }
            require(here.value < size && !named[here.value],
                    "each bucket names a distinct, existing value");
            named[here.value] = true;
            const std::uint64_t hash = hash_of(here.value);
            const Probe found = find(hash, [&](std::uint32_t v) { return v == here.value; });
            require(found.found && found.bucket == b,
                    "a search for each entry reaches it (no empty bucket before it)");
            require(here.dist_and_fingerprint == found.dist_and_fingerprint,
                    "stored distance and fingerprint match the hash");
        }
        require(m_entries == size, "one entry per value");
        require(m_tombstones == tombstones_seen, "the tombstones are counted");
        require(m_buckets.size() == 0 || m_entries + m_tombstones <= m_element_limit,
                "entries and tombstones within the element limit");
        require(m_buckets.size() == 0 || m_element_limit < m_buckets.size(),
                "at least one bucket stays empty");
    }

    /// @endcond

private:
    struct Bucket {
        std::uint32_t dist_and_fingerprint = 0;
        std::uint32_t value = 0;
    };

    static constexpr std::uint32_t dist_unit = 1U << 8;
    static constexpr std::uint32_t empty = 0;
    static constexpr std::uint32_t tombstone = 1;  // distance 0: no entry has it

    [[nodiscard]] static std::uint32_t first_step(std::uint64_t hash) noexcept {
        return dist_unit | static_cast<std::uint32_t>(hash & (dist_unit - 1));
    }

    static void require(bool holds, const char* what) {
        telechat::detail::require_invariant(holds, what);
    }

    telechat::detail::BucketArray<Bucket> m_buckets;
    std::size_t m_element_limit = 0;
    std::size_t m_entries = 0;
    std::size_t m_tombstones = 0;
    Sizing m_sizing;
};

}  // namespace telechat::hashing

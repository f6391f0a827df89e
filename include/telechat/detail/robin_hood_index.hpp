/// @file
/// @brief The hash table's collision strategy: Robin Hood linear probing over
///        an array of small buckets, with backward-shift deletion.
#pragma once

#include "config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "power_of_two_sizing.hpp"

namespace telechat::detail {

/// One slot of the index: where an element's value lives, and how far the
/// slot is from that element's home bucket. Eight bytes, so eight buckets
/// share a cache line.
struct Bucket {
    /// One step of distance. The low 8 bits below it hold a fingerprint:
    /// 8 more bits of the hash, so that most non-matching buckets are
    /// rejected without touching (and comparing) the key.
    static constexpr std::uint32_t dist_unit = 1U << 8;

    /// `distance << 8 | fingerprint`, where distance 1 means "in its home
    /// bucket"; 0 means the bucket is empty. Ordering buckets by this one
    /// number, distance first, is what lets a probe stop early.
    std::uint32_t dist_and_fingerprint = 0;
    /// The element's position in the table's dense array of values.
    std::uint32_t value_index = 0;

    [[nodiscard]] bool empty() const noexcept { return dist_and_fingerprint == 0; }
    [[nodiscard]] std::uint32_t distance() const noexcept { return dist_and_fingerprint >> 8; }
};

/// Where a probe stopped.
struct Probe {
    /// The matching bucket if `found`, else where the new entry belongs.
    std::size_t bucket = 0;
    /// The `dist_and_fingerprint` that an entry for this hash has in `bucket`.
    std::uint32_t dist_and_fingerprint = 0;
    /// Whether a matching entry was found.
    bool found = false;
};

/// The index of a HashTable: an open-addressing array of Bucket, probed
/// linearly, kept in Robin Hood order.
///
/// Robin Hood order: walking from any entry's home bucket to the bucket it
/// sits in, every bucket passed holds an entry that is at least as far from
/// its own home as this entry would be there (comparing distance, then
/// fingerprint). Inserting therefore "takes from the rich": the newcomer
/// claims the first bucket whose occupant is nearer its home, and the
/// occupants from there to the next empty bucket shift up by one. The payoff
/// is that a lookup may stop at the first bucket poorer than itself, so a
/// miss costs about as little as a hit, and probe lengths stay short and
/// even at high load. Erasing shifts the following entries back by one
/// ("backward shift"), so there are no tombstones and the order survives.
///
/// The index knows nothing of keys: callers pass a predicate that says
/// whether the value at an index matches, and the sizing rule maps a hash to
/// its home bucket.
template <class Sizing = PowerOfTwoSizing>
class RobinHoodIndex {
public:
    RobinHoodIndex() noexcept = default;

    /// An empty index of `bucket_count` buckets that may hold `element_limit` entries.
    RobinHoodIndex(std::size_t bucket_count, std::size_t element_limit)
        : m_buckets(std::make_unique<Bucket[]>(bucket_count)),
          m_bucket_count(bucket_count),
          m_element_limit(element_limit),
          m_sizing(bucket_count) {}

    RobinHoodIndex(const RobinHoodIndex& other)
        : m_buckets(other.m_bucket_count == 0 ? nullptr
                                              : std::make_unique<Bucket[]>(other.m_bucket_count)),
          m_bucket_count(other.m_bucket_count),
          m_element_limit(other.m_element_limit),
          m_sizing(other.m_sizing) {
        if (m_bucket_count != 0) {
            std::copy_n(other.m_buckets.get(), m_bucket_count, m_buckets.get());
        }
    }

    RobinHoodIndex(RobinHoodIndex&& other) noexcept
        : m_buckets(std::move(other.m_buckets)),
          m_bucket_count(std::exchange(other.m_bucket_count, 0)),
          m_element_limit(std::exchange(other.m_element_limit, 0)),
          m_sizing(std::exchange(other.m_sizing, Sizing{})) {}

    RobinHoodIndex& operator=(RobinHoodIndex other) noexcept {
        swap(other);
        return *this;
    }

    ~RobinHoodIndex() = default;

    void swap(RobinHoodIndex& other) noexcept {
        std::swap(m_buckets, other.m_buckets);
        std::swap(m_bucket_count, other.m_bucket_count);
        std::swap(m_element_limit, other.m_element_limit);
        std::swap(m_sizing, other.m_sizing);
    }

    [[nodiscard]] std::size_t bucket_count() const noexcept { return m_bucket_count; }
    [[nodiscard]] std::size_t element_limit() const noexcept { return m_element_limit; }
    void set_element_limit(std::size_t limit) noexcept { m_element_limit = limit; }
    [[nodiscard]] const Bucket& bucket(std::size_t position) const noexcept {
        return m_buckets[position];
    }

    /// Walks the probe sequence of `hash` (which needs at least one bucket).
    /// Buckets whose distance and fingerprint match are offered to
    /// `is_match(value_index)`; the walk stops at a match or at the first
    /// bucket that holds something closer to home than this hash would be,
    /// which is also where a new entry for it belongs.
    template <class IsMatch>
    [[nodiscard]] Probe probe(std::uint64_t hash, IsMatch&& is_match) const {
        std::uint32_t dist_and_fingerprint = first_step(hash);
        std::size_t position = m_sizing.home(hash);
        for (;;) {
            const Bucket& here = m_buckets[position];
            if (here.dist_and_fingerprint == dist_and_fingerprint && is_match(here.value_index)) {
                return {position, dist_and_fingerprint, true};
            }
            if (here.dist_and_fingerprint < dist_and_fingerprint) {
                return {position, dist_and_fingerprint, false};
            }
            dist_and_fingerprint += Bucket::dist_unit;
            position = next(position);
        }
    }

    /// Where a new entry for `hash` belongs, for an entry known to be absent.
    [[nodiscard]] Probe probe_absent(std::uint64_t hash) const {
        return probe(hash, [](std::uint32_t) { return false; });
    }

    /// Stores `value_index` where `where` (a failed probe) stopped, shifting
    /// the run that starts there up by one bucket. Needs `size < element_limit`.
    void place(const Probe& where, std::uint32_t value_index) noexcept {
        Bucket incoming{where.dist_and_fingerprint, value_index};
        std::size_t position = where.bucket;
        while (!m_buckets[position].empty()) {
            std::swap(incoming, m_buckets[position]);
            incoming.dist_and_fingerprint += Bucket::dist_unit;
            position = next(position);
        }
        m_buckets[position] = incoming;
    }

    /// Empties `position` and pulls each following entry that is not in its
    /// home bucket back by one, so no probe ever needs a tombstone.
    void erase(std::size_t position) noexcept {
        std::size_t following = next(position);
        while (m_buckets[following].dist_and_fingerprint >= 2 * Bucket::dist_unit) {
            m_buckets[position] = {m_buckets[following].dist_and_fingerprint - Bucket::dist_unit,
                                   m_buckets[following].value_index};
            position = following;
            following = next(following);
        }
        m_buckets[position] = Bucket{};
    }

    /// The bucket that holds `value_index`, whose element hashes to `hash`.
    [[nodiscard]] std::size_t position_of(std::uint64_t hash, std::uint32_t value_index) const {
        return probe(hash, [value_index](std::uint32_t i) { return i == value_index; }).bucket;
    }

    /// Points the entry for `hash` that says `old_index` at `new_index` instead.
    void retarget(std::uint64_t hash, std::uint32_t old_index, std::uint32_t new_index) noexcept {
        m_buckets[position_of(hash, old_index)].value_index = new_index;
    }

    /// Empties every bucket; the bucket count stays.
    void clear() noexcept { std::fill_n(m_buckets.get(), m_bucket_count, Bucket{}); }

    /// The `dist_and_fingerprint` an entry for `hash` has in its home bucket.
    [[nodiscard]] static std::uint32_t first_step(std::uint64_t hash) noexcept {
        return Bucket::dist_unit | static_cast<std::uint32_t>(hash & (Bucket::dist_unit - 1));
    }

    [[nodiscard]] std::size_t home(std::uint64_t hash) const noexcept {
        return m_sizing.home(hash);
    }

    /// Linear probing: the next bucket, wrapping from the last to the first.
    [[nodiscard]] std::size_t next(std::size_t position) const noexcept {
        return position + 1 == m_bucket_count ? 0 : position + 1;
    }

private:
    std::unique_ptr<Bucket[]> m_buckets;
    std::size_t m_bucket_count = 0;
    std::size_t m_element_limit = 0;
    Sizing m_sizing;
};

}  // namespace telechat::detail

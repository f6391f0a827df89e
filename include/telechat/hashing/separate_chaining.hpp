/// @file
/// @brief hashing::SeparateChaining: each bucket heads a linked list of the
///        entries whose home it is.
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

namespace telechat::hashing {

/// @brief Separate chaining: every bucket heads a singly linked chain of the
///        entries whose home bucket it is; an insert puts its entry at the head.
///
/// Collisions never spill into other buckets, so there is no clustering, a
/// load factor above 1 is fine, and an erase just unlinks (no tombstones).
/// Expected probes at load α (the chain nodes a search examines): 1 + α/2
/// for a hit, α for a miss. The price is a pointer chase per node, each a
/// likely cache miss, which open addressing avoids.
///
/// The chains are threaded through an array parallel to the table's dense
/// values (`next[v]`: the entry after value `v`), so a node costs 4 bytes
/// and no allocation of its own.
///
/// @code
///    heads:   0     1     2     3           next (per value):
///           +-----+-----+-----+-----+        #0 -> none
///           |  -  | #2  |  -  | #3  |        #1 -> #0
///           +-----+-----+-----+-----+        #2 -> none
///                          bucket 3: #3 -> #1 -> #0
/// @endcode
///
/// @invariant Every value is in exactly one chain, the one of its home bucket.
/// @invariant Chains end (no cycles); the entries number the values.
struct SeparateChaining {
    /// @brief The name the lab prints.
    static constexpr std::string_view name = "SeparateChaining";
    /// @brief The load factor a new table grows at: one entry per bucket.
    static constexpr float default_max_load_factor = 1.0F;
    /// @brief The highest maximum load factor accepted: chains of 8 on average.
    static constexpr float highest_max_load_factor = 8.0F;

    /// @brief How many entries `bucket_count` buckets hold at `max_load`.
    /// @param bucket_count the number of buckets.
    /// @param max_load the table's maximum load factor.
    /// @return the most entries (and tombstones) the index holds before it is rebuilt.
    [[nodiscard]] static std::size_t element_limit(std::size_t bucket_count,
                                                   float max_load) noexcept {
        return static_cast<std::size_t>(static_cast<double>(bucket_count) * double{max_load});
    }

    template <SizingRule Sizing>
    class Index;
};

/// @brief The index SeparateChaining keeps over sizing rule `Sizing`.
template <SizingRule Sizing>
class SeparateChaining::Index {
public:
    /// @brief No value: the end of a chain, or an empty bucket.
    static constexpr std::uint32_t none = UINT32_MAX;

    /// @brief Where a search stopped.
    struct Probe {
        std::size_t bucket = 0;         ///< the home bucket searched
        std::uint32_t value = none;     ///< the value found
        std::uint32_t previous = none;  ///< the node before it in the chain; none: it is the head
        bool found = false;             ///< whether an entry matched
    };

    /// @cond TELECHAT_INDEX_MEMBERS
    // The members are hashing::CollisionIndex's, documented there once; each
    // comment below says only what this strategy does.
    Index() noexcept = default;
    Index(std::size_t bucket_count, std::size_t element_limit)
        : m_heads(bucket_count, none), m_next(element_limit, none), m_sizing(bucket_count) {}
    Index(const Index& other) = default;
    Index(Index&& other) noexcept { swap(other); }
    Index& operator=(Index other) noexcept {
        swap(other);
        return *this;
    }
    ~Index() = default;

    void swap(Index& other) noexcept {
        std::swap(m_heads, other.m_heads);
        std::swap(m_next, other.m_next);
        std::swap(m_entries, other.m_entries);
        std::swap(m_sizing, other.m_sizing);
    }

    [[nodiscard]] std::size_t bucket_count() const noexcept { return m_heads.size(); }
    [[nodiscard]] std::size_t element_limit() const noexcept { return m_next.size(); }
    [[nodiscard]] bool has_room() const noexcept { return m_entries < m_next.size(); }
    [[nodiscard]] std::size_t tombstones() const noexcept { return 0; }
    [[nodiscard]] std::uint32_t value_at(const Probe& probe) const noexcept { return probe.value; }

    /// @brief Walks the chain of `hash`'s home bucket (needs a bucket).
    template <class IsMatch, class Count = NoProbeCount>
    [[nodiscard]] Probe find(std::uint64_t hash, IsMatch&& is_match, Count&& count = {}) const {
        Probe probe{m_sizing.home(hash), none, none, false};
        for (std::uint32_t node = m_heads[probe.bucket]; node != none; node = m_next[node]) {
            count();
            if (is_match(node)) {
                probe.value = node;
                probe.found = true;
                return probe;
            }
            probe.previous = node;
        }
        return probe;
    }

    /// @brief Always: a chain takes any number of entries.
    [[nodiscard]] bool can_place(const Probe& /*where*/) const noexcept { return true; }

    /// @brief Links `value` at the head of the chain a failed find walked.
    ///        Needs has_room(), so that `value < element_limit()`.
    void place(const Probe& where, std::uint32_t value) noexcept {
        m_next[value] = m_heads[where.bucket];
        m_heads[where.bucket] = value;
        ++m_entries;
    }

    /// @brief Unlinks a found entry.
    void erase(const Probe& found) noexcept {
        link_past(found, m_next[found.value]);
        --m_entries;
    }

    /// @brief The node of value `old_value` becomes that of `new_value`.
    void retarget(std::uint64_t hash, std::uint32_t old_value, std::uint32_t new_value) noexcept {
        const Probe found = find(hash, [old_value](std::uint32_t v) { return v == old_value; });
        m_next[new_value] = m_next[old_value];
        link_past(found, new_value);
    }

    /// @brief Empties every chain; the bucket count stays.
    void clear() noexcept {
        m_heads.fill(none);
        m_entries = 0;
    }

    /// @brief `visit(bucket, BucketView)` once per chain node, in chain
    ///        order, and once with an empty view for an empty bucket.
    ///        The depth in the chain is the probe length: no hash is needed.
    template <class Visit, class HashOf>
    void for_each_bucket(Visit&& visit, HashOf&& /*hash_of*/) const {
        for (std::size_t b = 0; b < m_heads.size(); ++b) {
            if (m_heads[b] == none) {
                visit(b, BucketView{});
            }
            std::size_t depth = 0;
            for (std::uint32_t node = m_heads[b]; node != none; node = m_next[node]) {
                visit(b, BucketView{BucketView::State::entry, node, ++depth});
            }
        }
    }

    /// @brief Checks the invariants above for a table of `size` values whose
    ///        prepared hashes `hash_of(value)` gives.
    /// @throws InvariantViolation naming the first that fails.
    template <class HashOf>
    void check_invariants(std::size_t size, HashOf&& hash_of) const {
        std::vector<bool> named(size, false);
        std::size_t linked = 0;
        for (std::size_t b = 0; b < m_heads.size(); ++b) {
            for (std::uint32_t node = m_heads[b]; node != none; node = m_next[node]) {
                require(node < size && !named[node] && ++linked <= size,
                        "every value is in one chain, and chains end");
                named[node] = true;
                require(m_sizing.home(hash_of(node)) == b, "each value is in its home's chain");
            }
        }
        require(linked == size && m_entries == size, "one entry per value");
        require(m_entries <= m_next.size(), "entries within the element limit");
    }

    /// @endcond

private:
    // Whatever pointed at the found node (its bucket's head, or the node
    // before it) points at `target` instead.
    void link_past(const Probe& found, std::uint32_t target) noexcept {
        if (found.previous == none) {
            m_heads[found.bucket] = target;
        } else {
            m_next[found.previous] = target;
        }
    }

    static void require(bool holds, const char* what) {
        telechat::detail::require_invariant(holds, what);
    }

    telechat::detail::BucketArray<std::uint32_t> m_heads;  // one per bucket
    telechat::detail::BucketArray<std::uint32_t> m_next;   // one per value: the element limit
    std::size_t m_entries = 0;
    Sizing m_sizing;
};

}  // namespace telechat::hashing

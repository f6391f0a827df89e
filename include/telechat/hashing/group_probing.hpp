/// @file
/// @brief hashing::GroupProbing, HashTable's default collision strategy: a
///        control byte per bucket, and a search that reads 16 buckets at a
///        time (the idea of Google's Swiss tables).
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "../detail/raw_buffer.hpp"
#include "bucket_array.hpp"
#include "concepts.hpp"
#include "control_bytes.hpp"
#include "native_group_match.hpp"
#include "open_addressing_limit.hpp"

namespace telechat::hashing {

/// @brief Open addressing a group of 16 buckets at a time: each bucket has
///        a one-byte control (empty, tombstone, or 7 bits of the entry's
///        hash), and one compare of 16 bytes tells which of 16 buckets may
///        hold the key.
///
/// The buckets come in groups of 16, in two arrays: the control bytes (16
/// bytes a group, so a table of 10^6 entries reads a 2 MiB array that stays
/// in cache, and a miss touches nothing else) and the value positions (64
/// bytes a group: one cache line, which a search asks for at once, while
/// the match is still being made). A key's
/// home group holds its home bucket (the sizing rule's; a count that is not
/// a multiple of 16 pads the last group with `no_bucket` bytes, so Prime
/// works too). A search matches the key's 7-bit fingerprint against the
/// group (`GroupMatch`): only buckets whose byte matches cost a key
/// comparison, about 16/128 of a full group's for a miss. It stops at a
/// match, or at the first group with an empty bucket; otherwise it goes on
/// to the next group, wrapping (linear probing over groups). A new entry
/// takes the first free bucket (empty or tombstone) on that path.
///
/// @code
///   group 0:  control  [ 80 | 17 | 80 | 80 | 5A | 80 | ... 16 bytes ]   one compare: 17?
///             values   [  - | #2 |  - |  - | #0 |  - | ...          ]   -> bucket 1 -> #2
/// @endcode
///
/// **What a probe is** (ProbeCount): one group read, one 16-byte match. A
/// successful search in the home group takes 1; BucketView::probe_length is
/// 1 + how many groups past its home group an entry sits.
///
/// **Erasure.** Emptying a bucket would cut the search of an entry that was
/// placed past this group because the group was full; but if the group
/// still has an empty bucket, no search ever went past it, and the bucket
/// becomes empty again. Only in a group with no empty bucket does it become
/// a tombstone. Tombstones count against the element limit (has_room()), so
/// a table that erases often is rebuilt, which drops them.
///
/// The default load limit is 0.75, not the 7/8 usual for Swiss tables: a
/// search stops only at a group with an empty bucket, and at a load of 0.76
/// about one group in six is full; there, misses measured twice boost::
/// unordered_flat_map's time (which stops earlier, with overflow bits). A
/// bucket costs 5 bytes here, not a whole pair, so an emptier index is cheap.
///
/// @tparam Match how 16 control bytes are compared (GroupMatch):
///         NativeGroupMatch (SSE2, NEON) for GroupProbing; the portable
///         ScalarGroupMatch gives the same answers, slower.
///
/// @invariant An entry's control byte is its hash's fingerprint; the
///            padding of a partial last group holds `no_bucket`, and no real
///            bucket does.
/// @invariant A search for each entry's hash reaches it: no group on its
///            path before its own has an empty bucket.
/// @invariant A group holding a tombstone holds no empty bucket.
/// @invariant Entries + tombstones stay within the element limit, below the
///            bucket count: some bucket is empty, so every search ends.
template <GroupMatch Match>
struct BasicGroupProbing {
    /// @brief The name the lab prints.
    static constexpr std::string_view name = "GroupProbing";
    /// @brief The load factor a new table grows at.
    static constexpr float default_max_load_factor = 0.75F;
    /// @brief The highest maximum load factor accepted.
    static constexpr float highest_max_load_factor = 0.95F;
    /// @brief The group match used.
    using group_match = Match;

    /// @brief How many entries and tombstones `bucket_count` buckets hold: one stays empty.
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

/// @brief GroupProbing with the fastest group match of the processor.
using GroupProbing = BasicGroupProbing<NativeGroupMatch>;

/// @brief The index BasicGroupProbing keeps over sizing rule `Sizing`.
template <GroupMatch Match>
template <SizingRule Sizing>
class BasicGroupProbing<Match>::Index {
public:
    /// @brief Where a search stopped.
    struct Probe {
        /// @brief The entry found, or the free bucket a new entry takes
        ///        (`none` only for a search of an index without buckets).
        std::size_t bucket = none;
        std::uint32_t value = 0;       ///< the position the entry found names
        std::uint8_t fingerprint = 0;  ///< the control byte of the hash's entry
        bool found = false;            ///< whether an entry matched
    };
    /// @brief No bucket.
    static constexpr std::size_t none = static_cast<std::size_t>(-1);

    /// @cond TELECHAT_INDEX_MEMBERS
    // The members are hashing::CollisionIndex's, documented there once; each
    // comment below says only what this strategy does.
    Index() noexcept = default;
    Index(std::size_t bucket_count, std::size_t element_limit)
        : m_controls(groups_for(bucket_count), empty_controls()),
          m_positions(groups_for(bucket_count), Positions{}),
          m_bucket_count(bucket_count),
          m_element_limit(element_limit),
          m_sizing(bucket_count) {
        pad_last_group();
    }
    Index(const Index& other) = default;
    Index(Index&& other) noexcept { swap(other); }
    Index& operator=(Index other) noexcept {
        swap(other);
        return *this;
    }
    ~Index() = default;

    void swap(Index& other) noexcept {
        std::swap(m_controls, other.m_controls);
        std::swap(m_positions, other.m_positions);
        std::swap(m_bucket_count, other.m_bucket_count);
        std::swap(m_element_limit, other.m_element_limit);
        std::swap(m_entries, other.m_entries);
        std::swap(m_tombstones, other.m_tombstones);
        std::swap(m_sizing, other.m_sizing);
    }

    [[nodiscard]] std::size_t bucket_count() const noexcept { return m_bucket_count; }
    [[nodiscard]] std::size_t element_limit() const noexcept { return m_element_limit; }
    [[nodiscard]] bool has_room() const noexcept {
        return m_entries + m_tombstones < m_element_limit;
    }
    [[nodiscard]] std::size_t tombstones() const noexcept { return m_tombstones; }
    [[nodiscard]] std::uint32_t value_at(const Probe& probe) const noexcept { return probe.value; }

    /// @brief Matches the fingerprint of `hash` against its home group, then
    ///        the next, until `is_match(value)` accepts a candidate or a group
    ///        has an empty bucket; remembers the first free bucket passed.
    template <class IsMatch, class Count = NoProbeCount>
    [[nodiscard]] Probe find(std::uint64_t hash, IsMatch&& is_match, Count&& count = {}) const {
        const std::uint8_t fingerprint = control::fingerprint(hash);
        std::size_t group = home_group(hash);
        std::size_t free = none;
        for (;;) {
            count();
            const std::uint32_t* positions = m_positions[group].values;
            Match::prefetch(positions);  // before the match says which one to read
            const Match match(m_controls[group].bytes);
            for (const std::size_t slot : match.matching(fingerprint)) {
                if (is_match(positions[slot])) {
                    return {bucket_at(group, slot), positions[slot], fingerprint, true};
                }
            }
            if (const auto empty = match.empty_slots()) {  // no entry of this hash lies further on
                // (and no tombstone in this group: its first free bucket is its first empty one)
                return {free != none ? free : bucket_at(group, empty.lowest()), 0, fingerprint,
                        false};
            }
            if (const auto tombstones = match.free_slots(); tombstones && free == none) {
                free = bucket_at(group, tombstones.lowest());
            }
            group = group + 1 == m_controls.size() ? 0 : group + 1;
        }
    }

    /// @brief Always, once there are buckets: a search ends at an empty one.
    [[nodiscard]] bool can_place(const Probe& where) const noexcept { return where.bucket != none; }

    /// @brief Stores `value` in the free bucket a failed find chose.
    void place(const Probe& where, std::uint32_t value) noexcept {
        std::uint8_t& byte = control_of(where.bucket);
        m_tombstones -= byte == control::tombstone ? 1 : 0;
        byte = where.fingerprint;
        position_of(where.bucket) = value;
        ++m_entries;
    }

    /// @brief Empties a found entry's bucket if its group has an empty
    ///        bucket (no search goes past it), else leaves a tombstone.
    void erase(const Probe& found) noexcept {
        const bool searches_stop_here = has_empty_bucket(found.bucket / control::group_size);
        control_of(found.bucket) = searches_stop_here ? control::empty : control::tombstone;
        m_tombstones += searches_stop_here ? 0 : 1;
        --m_entries;
    }

    /// @brief The entry for `hash` that names `old_value` names `new_value` instead.
    void retarget(std::uint64_t hash, std::uint32_t old_value, std::uint32_t new_value) noexcept {
        const Probe found = find(hash, [old_value](std::uint32_t v) { return v == old_value; });
        position_of(found.bucket) = new_value;
    }

    /// @brief Empties every bucket, tombstones too; the bucket count stays.
    void clear() noexcept {
        m_controls.fill(empty_controls());
        pad_last_group();
        m_entries = 0;
        m_tombstones = 0;
    }

    /// @brief `visit(bucket, BucketView)` for every bucket, in order (not the
    ///        padding). An entry's probe length comes from its home group,
    ///        which only its hash tells: the buckets store 7 bits of it.
    template <class Visit, class HashOf>
    void for_each_bucket(Visit&& visit, HashOf&& hash_of) const {
        for (std::size_t b = 0; b < m_bucket_count; ++b) {
            const std::uint8_t byte = control_of(b);
            if (byte == control::empty) {
                visit(b, BucketView{});
            } else if (byte == control::tombstone) {
                visit(b, BucketView{BucketView::State::tombstone, 0, 0});
            } else {
                const std::uint32_t value = position_of(b);
                visit(b, BucketView{BucketView::State::entry, value,
                                    groups_read(hash_of(value), b / control::group_size)});
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
        for (std::size_t b = 0; b < m_controls.size() * control::group_size; ++b) {
            const std::uint8_t byte = control_of(b);
            require((byte == control::no_bucket) == (b >= m_bucket_count),
                    "the padding of the last group, and only it, holds no bucket");
            tombstones_seen += byte == control::tombstone ? 1 : 0;
            if (byte == control::tombstone) {
                require(!has_empty_bucket(b / control::group_size),
                        "a group holding a tombstone holds no empty bucket");
            }
            if ((byte & 0x80U) != 0) {
                continue;
            }
            const std::uint32_t value = position_of(b);
            require(value < size && !named[value], "each bucket names a distinct, existing value");
            named[value] = true;
            const std::uint64_t hash = hash_of(value);
            require(byte == control::fingerprint(hash), "the control byte is the fingerprint");
            const Probe found = find(hash, [value](std::uint32_t v) { return v == value; });
            require(found.found && found.bucket == b,
                    "a search for each entry reaches it (no empty bucket before it)");
        }
        require(m_entries == size, "one entry per value");
        require(m_tombstones == tombstones_seen, "the tombstones are counted");
        require(m_bucket_count == 0 || m_entries + m_tombstones <= m_element_limit,
                "entries and tombstones within the element limit");
        require(m_bucket_count == 0 || m_element_limit < m_bucket_count,
                "at least one bucket stays empty");
    }

    /// @endcond

private:
    // A group's control bytes, aligned for one vector load.
    struct alignas(control::group_size) Controls {
        std::uint8_t bytes[control::group_size];
    };
    // A group's value positions: one cache line of 64 bytes.
    struct alignas(control::group_size * sizeof(std::uint32_t)) Positions {
        std::uint32_t values[control::group_size];
    };

    static Controls empty_controls() noexcept {
        Controls group{};
        for (std::uint8_t& byte : group.bytes) {
            byte = control::empty;
        }
        return group;
    }

    static std::size_t groups_for(std::size_t bucket_count) noexcept {
        return (bucket_count + control::group_size - 1) / control::group_size;
    }
    static std::size_t bucket_at(std::size_t group, std::size_t slot) noexcept {
        return group * control::group_size + slot;
    }
    static std::size_t slot_of(std::size_t bucket) noexcept { return bucket % control::group_size; }
    [[nodiscard]] const std::uint8_t& control_of(std::size_t bucket) const noexcept {
        return m_controls[bucket / control::group_size].bytes[slot_of(bucket)];
    }
    [[nodiscard]] std::uint8_t& control_of(std::size_t bucket) noexcept {
        return m_controls[bucket / control::group_size].bytes[slot_of(bucket)];
    }
    [[nodiscard]] const std::uint32_t& position_of(std::size_t bucket) const noexcept {
        return m_positions[bucket / control::group_size].values[slot_of(bucket)];
    }
    [[nodiscard]] std::uint32_t& position_of(std::size_t bucket) noexcept {
        return m_positions[bucket / control::group_size].values[slot_of(bucket)];
    }
    [[nodiscard]] bool has_empty_bucket(std::size_t group) const noexcept {
        return static_cast<bool>(Match(m_controls[group].bytes).empty_slots());
    }
    [[nodiscard]] std::size_t home_group(std::uint64_t hash) const noexcept {
        return m_sizing.home(hash) / control::group_size;
    }

    // Marks the buckets past the count in the last group as no buckets.
    void pad_last_group() noexcept {
        for (std::size_t b = m_bucket_count; b < m_controls.size() * control::group_size; ++b) {
            control_of(b) = control::no_bucket;
        }
    }

    // How many groups a successful search for `hash` reads to reach `group`.
    [[nodiscard]] std::size_t groups_read(std::uint64_t hash, std::size_t group) const noexcept {
        const std::size_t home = home_group(hash);
        return 1 + (group >= home ? group - home : group + m_controls.size() - home);
    }

    static void require(bool holds, const char* what) {
        telechat::detail::require_invariant(holds, what);
    }

    telechat::detail::BucketArray<Controls> m_controls;
    telechat::detail::BucketArray<Positions> m_positions;
    std::size_t m_bucket_count = 0;
    std::size_t m_element_limit = 0;
    std::size_t m_entries = 0;
    std::size_t m_tombstones = 0;
    Sizing m_sizing;
};

}  // namespace telechat::hashing

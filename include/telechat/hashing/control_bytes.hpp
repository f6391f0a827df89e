/// @file
/// @brief What GroupProbing's control bytes mean, the mask of slots a group
///        match returns, and the GroupMatch concept its matchers model.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace telechat::hashing {

/// @brief The control bytes of hashing::GroupProbing: one byte per bucket
///        says what the bucket holds, so that one 16-byte compare reads 16
///        buckets.
///
/// | byte        | meaning                                                   |
/// |-------------|-----------------------------------------------------------|
/// | `0x00-0x7F` | an entry; the byte is 7 bits of its hash (a fingerprint)  |
/// | `0x80`      | empty: never used since the last rebuild (ends a search)  |
/// | `0xFE`      | a tombstone: a deleted entry's mark (a search goes on)    |
/// | `0xFF`      | no bucket: pads the last group when the count is not a multiple of 16 |
///
/// The top bit alone tells an entry from the rest; read as signed bytes,
/// the free buckets (empty and tombstone, -128 and -2) are exactly those
/// below -1, which is one compare on SSE2 and NEON.
namespace control {
/// @brief How many buckets one group, and one match, covers.
inline constexpr std::size_t group_size = 16;
/// @brief An empty bucket.
inline constexpr std::uint8_t empty = 0x80;
/// @brief A deleted entry's bucket.
inline constexpr std::uint8_t tombstone = 0xFE;
/// @brief Not a bucket: the padding of a partial last group.
inline constexpr std::uint8_t no_bucket = 0xFF;
/// @brief The byte an entry stores: the low 7 bits of its prepared hash.
/// @param hash a prepared hash.
/// @return a byte in `[0x00, 0x7F]`.
[[nodiscard]] constexpr std::uint8_t fingerprint(std::uint64_t hash) noexcept {
    return static_cast<std::uint8_t>(hash & 0x7FU);
}
}  // namespace control

/// @brief The slots of one group that a match selected, as the bits of a
///        `Word`: slot `i` is bit `i << Shift` (SSE2 and the scalar path
///        give one bit per slot, NEON one bit in each 4-bit nibble).
///
/// Iterating it visits the selected slots from the lowest, each in O(1):
/// `for (std::size_t slot : mask)`.
template <std::unsigned_integral Word, int Shift>
class SlotMask {
public:
    /// @brief The selection with these bits (only bit `i << Shift` of each slot set).
    /// @param bits the bits.
    constexpr explicit SlotMask(Word bits) noexcept : m_bits(bits) {}

    /// @brief Whether any slot is selected.
    /// @return true if one is.
    [[nodiscard]] constexpr explicit operator bool() const noexcept { return m_bits != 0; }
    /// @brief The lowest selected slot; needs one.
    /// @return its index in the group, `[0, 16)`.
    [[nodiscard]] constexpr std::size_t lowest() const noexcept {
        return static_cast<std::size_t>(std::countr_zero(m_bits)) >> Shift;
    }
    /// @brief How many slots are selected.
    /// @return the count, `[0, 16]`.
    [[nodiscard]] constexpr int count() const noexcept { return std::popcount(m_bits); }

    /// @brief Walks the selected slots, lowest first.
    class Iterator {
    public:
        /// @brief At the lowest of these bits.
        /// @param bits the selected slots not visited yet.
        constexpr explicit Iterator(Word bits) noexcept : m_rest(bits) {}
        /// @brief The slot here.
        /// @return its index in the group.
        [[nodiscard]] constexpr std::size_t operator*() const noexcept {
            return SlotMask(m_rest).lowest();
        }
        /// @brief On to the next selected slot.
        /// @return `*this`.
        constexpr Iterator& operator++() noexcept {
            m_rest &= static_cast<Word>(m_rest - 1);  // drops the lowest bit
            return *this;
        }
        /// @brief Whether two walks are at the same place.
        /// @return true if they have the same slots left.
        friend constexpr bool operator==(Iterator, Iterator) noexcept = default;

    private:
        Word m_rest;
    };
    /// @brief The lowest selected slot.
    /// @return a walk from it.
    [[nodiscard]] constexpr Iterator begin() const noexcept { return Iterator(m_bits); }
    /// @brief Past the last selected slot.
    /// @return the walk's end.
    [[nodiscard]] constexpr Iterator end() const noexcept { return Iterator(0); }

private:
    Word m_bits;
};

/// @brief A way to compare the 16 control bytes of a group at once: what
///        hashing::BasicGroupProbing takes as its template parameter.
///
/// A matcher `M` has `M::name` (`"SSE2"`, `"NEON"`, `"scalar"`), is built
/// from a pointer to 16 control bytes aligned to 16 (it reads them once),
/// and answers which slots hold a `fingerprint` (`matching`), are empty
/// (`empty_slots`), or are free for a new entry (`free_slots`: the bytes
/// with the top bit set other than `no_bucket`, so in a table the empty
/// buckets and the tombstones), as masks that iterate as slot indexes (SlotMask). Every
/// matcher gives the same answers for the same bytes: only the speed differs.
/// `M::prefetch(address)` asks the processor to start loading the cache line
/// of `address` (a hint: it may do nothing).
template <class M>
concept GroupMatch = requires(const std::uint8_t* control, const M match, std::uint8_t byte) {
    { M::name } -> std::convertible_to<std::string_view>;
    M(control);
    M::prefetch(control);
    { match.matching(byte).lowest() } -> std::same_as<std::size_t>;
    { match.empty_slots().lowest() } -> std::same_as<std::size_t>;
    { match.free_slots().lowest() } -> std::same_as<std::size_t>;
    static_cast<bool>(match.empty_slots());
};

}  // namespace telechat::hashing

/// @file
/// @brief The array every index of telechat/hashing.hpp keeps its buckets
///        in: a fixed count of one bucket type, copyable, so that the
///        indexes themselves need no copy or move code of their own.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <cstddef>
#include <memory>
#include <utility>

/// @cond TELECHAT_INTERNALS
namespace telechat::detail {

// `count` value-initialised buckets; a copy copies them, a move leaves none.
template <class Bucket>
class BucketArray {
public:
    BucketArray() noexcept = default;
    BucketArray(std::size_t count, const Bucket& fill)
        : m_buckets(count == 0 ? nullptr : std::make_unique<Bucket[]>(count)), m_count(count) {
        std::fill_n(m_buckets.get(), count, fill);
    }
    BucketArray(const BucketArray& other)
        : m_buckets(other.m_count == 0 ? nullptr : std::make_unique<Bucket[]>(other.m_count)),
          m_count(other.m_count) {
        std::copy_n(other.m_buckets.get(), m_count, m_buckets.get());
    }
    BucketArray(BucketArray&& other) noexcept
        : m_buckets(std::move(other.m_buckets)), m_count(std::exchange(other.m_count, 0)) {}
    BucketArray& operator=(BucketArray other) noexcept {
        std::swap(m_buckets, other.m_buckets);
        std::swap(m_count, other.m_count);
        return *this;
    }
    ~BucketArray() = default;

    [[nodiscard]] std::size_t size() const noexcept { return m_count; }
    Bucket& operator[](std::size_t i) noexcept { return m_buckets[i]; }
    const Bucket& operator[](std::size_t i) const noexcept { return m_buckets[i]; }
    void fill(const Bucket& value) noexcept { std::fill_n(m_buckets.get(), m_count, value); }

private:
    std::unique_ptr<Bucket[]> m_buckets;
    std::size_t m_count = 0;
};

}  // namespace telechat::detail
/// @endcond

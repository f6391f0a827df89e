// See allocation_counter.hpp. Counting a call is one relaxed atomic
// increment; off, the byte tracking costs one predictable branch, so
// benchmark timings are not disturbed. On, every block
// is recorded with its requested size in an open-addressing side table
// (itself from calloc, never from operator new), so that even the unsized
// operator delete knows how many bytes it returns.
#include "allocation_counter.hpp"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

namespace {

std::atomic<std::size_t> g_allocations{0};

struct Entry {
    std::uintptr_t address;
    std::size_t size;
};

constexpr std::uintptr_t tombstone = 1;
constexpr int table_bits = 22;
constexpr std::size_t table_size = std::size_t{1} << table_bits;

struct Tracking {
    bool on = false;
    Entry* table = nullptr;
    std::size_t slots_used = 0;  // live entries and tombstones
    telechat_test::HeapUsage usage;
};

Tracking g_tracking;

std::size_t slot_of(std::uintptr_t address) noexcept {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(address) * 0x9E3779B97F4A7C15ULL) >>
                                    (64 - table_bits));
}

// The bytes a block occupies in the heap: glibc rounds a request up to its
// granularity and keeps an 8-byte size word in front of each block.
std::size_t footprint_of(void* block, std::size_t requested) noexcept {
#if defined(__GLIBC__)
    (void)requested;
    return malloc_usable_size(block) + sizeof(std::size_t);
#else
    (void)block;
    return requested;
#endif
}

void record_alloc(void* block, std::size_t size) noexcept {
    Tracking& t = g_tracking;
    if (!t.on || t.usage.overflow) {
        return;
    }
    if (2 * (t.slots_used + 1) > table_size) {
        t.usage.overflow = true;
        return;
    }
    const auto address = reinterpret_cast<std::uintptr_t>(block);
    std::size_t i = slot_of(address);
    while (t.table[i].address != 0 && t.table[i].address != tombstone) {
        i = (i + 1) & (table_size - 1);
    }
    if (t.table[i].address == 0) {
        ++t.slots_used;
    }
    t.table[i] = {address, size};
    t.usage.live_bytes += size;
    t.usage.peak_bytes = std::max(t.usage.peak_bytes, t.usage.live_bytes);
    t.usage.live_footprint += footprint_of(block, size);
    ++t.usage.live_blocks;
}

void record_free(void* block) noexcept {
    Tracking& t = g_tracking;
    if (!t.on || block == nullptr) {
        return;
    }
    const auto address = reinterpret_cast<std::uintptr_t>(block);
    for (std::size_t i = slot_of(address); t.table[i].address != 0;
         i = (i + 1) & (table_size - 1)) {
        if (t.table[i].address == address) {
            t.usage.live_bytes -= t.table[i].size;
            t.usage.live_footprint -= footprint_of(block, t.table[i].size);
            --t.usage.live_blocks;
            t.table[i].address = tombstone;
            return;
        }
    }
    // Allocated before tracking began: not ours to count.
}

// An over-aligned block. Windows's C runtime has no aligned_alloc, and its
// free() cannot release an over-aligned block: there the block comes from
// _aligned_malloc and goes back through _aligned_free (release_aligned).
void* aligned_block(std::size_t alignment, std::size_t bytes) noexcept {
#if defined(_WIN32)
    return _aligned_malloc(bytes, alignment);
#else
    return std::aligned_alloc(alignment, bytes);
#endif
}

// malloc, or aligned_block for the over-aligned forms; retries through the
// new handler as the standard operator new does.
void* allocate(std::size_t size, std::size_t alignment = 0) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    // aligned_alloc wants a multiple of the alignment.
    const std::size_t bytes = alignment == 0 ? std::max<std::size_t>(size, 1)
                              : size == 0    ? alignment
                                             : (size + alignment - 1) / alignment * alignment;
    for (;;) {
        void* block = alignment == 0 ? std::malloc(bytes) : aligned_block(alignment, bytes);
        if (block != nullptr) {
            record_alloc(block, size);
            return block;
        }
        const std::new_handler handler = std::get_new_handler();
        if (handler == nullptr) {
            throw std::bad_alloc();
        }
        handler();
    }
}

void* allocate_aligned(std::size_t size, std::align_val_t alignment) {
    return allocate(size, static_cast<std::size_t>(alignment));
}

template <class... Args>
void* allocate_or_null(Args... args) noexcept {
    try {
        return allocate(args...);
    } catch (...) {
        return nullptr;
    }
}

void release(void* block) noexcept {
    record_free(block);
    std::free(block);
}

void release_aligned(void* block) noexcept {
    record_free(block);
#if defined(_WIN32)
    _aligned_free(block);
#else
    std::free(block);
#endif
}

}  // namespace

std::size_t telechat_test::allocation_count() noexcept {
    return g_allocations.load(std::memory_order_relaxed);
}

bool telechat_test::start_heap_tracking() noexcept {
    Tracking& t = g_tracking;
    t = Tracking{};
    t.table = static_cast<Entry*>(std::calloc(table_size, sizeof(Entry)));
    t.on = t.table != nullptr;
    return t.on;
}

telechat_test::HeapUsage telechat_test::heap_usage() noexcept {
    return g_tracking.usage;
}

void telechat_test::stop_heap_tracking() noexcept {
    Tracking& t = g_tracking;
    t.on = false;
    std::free(t.table);
    t.table = nullptr;
}

void* operator new(std::size_t size) {
    return allocate(size);
}
void* operator new[](std::size_t size) {
    return allocate(size);
}
void* operator new(std::size_t size, const std::nothrow_t& /*tag*/) noexcept {
    return allocate_or_null(size);
}
void* operator new[](std::size_t size, const std::nothrow_t& /*tag*/) noexcept {
    return allocate_or_null(size);
}
void* operator new(std::size_t size, std::align_val_t alignment) {
    return allocate_aligned(size, alignment);
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
    return allocate_aligned(size, alignment);
}
void* operator new(std::size_t size, std::align_val_t alignment,
                   const std::nothrow_t& /*tag*/) noexcept {
    return allocate_or_null(size, static_cast<std::size_t>(alignment));
}
void* operator new[](std::size_t size, std::align_val_t alignment,
                     const std::nothrow_t& /*tag*/) noexcept {
    return allocate_or_null(size, static_cast<std::size_t>(alignment));
}

void operator delete(void* block) noexcept {
    release(block);
}
void operator delete[](void* block) noexcept {
    release(block);
}
void operator delete(void* block, std::size_t /*size*/) noexcept {
    release(block);
}
void operator delete[](void* block, std::size_t /*size*/) noexcept {
    release(block);
}
void operator delete(void* block, std::align_val_t /*alignment*/) noexcept {
    release_aligned(block);
}
void operator delete[](void* block, std::align_val_t /*alignment*/) noexcept {
    release_aligned(block);
}
void operator delete(void* block, std::size_t /*size*/, std::align_val_t /*alignment*/) noexcept {
    release_aligned(block);
}
void operator delete[](void* block, std::size_t /*size*/, std::align_val_t /*alignment*/) noexcept {
    release_aligned(block);
}
void operator delete(void* block, const std::nothrow_t& /*tag*/) noexcept {
    release(block);
}
void operator delete[](void* block, const std::nothrow_t& /*tag*/) noexcept {
    release(block);
}
void operator delete(void* block, std::align_val_t /*alignment*/,
                     const std::nothrow_t& /*tag*/) noexcept {
    release_aligned(block);
}
void operator delete[](void* block, std::align_val_t /*alignment*/,
                       const std::nothrow_t& /*tag*/) noexcept {
    release_aligned(block);
}

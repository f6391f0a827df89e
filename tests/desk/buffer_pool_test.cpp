// Unit tests of telechat::BufferPool: which buffers are kept, that borrowing
// hands back a kept block, and its limits.
#include <telechat/desk/buffer_pool.hpp>

#include <catch2/catch.hpp>

#include <string>

using telechat::BufferPool;

namespace {

std::string with_block(std::size_t capacity) {
    std::string buffer;
    buffer.reserve(capacity);
    buffer.assign("some bytes");
    return buffer;
}

}  // namespace

TEST_CASE("buffers: a returned block is kept empty and lent again", "[buffers]") {
    BufferPool pool;
    std::string output = with_block(1000);
    const char* block = output.data();
    pool.give_back(output);
    CHECK(output.empty());
    CHECK_FALSE(BufferPool::owns_heap_buffer(output));
    CHECK(pool.size() == 1);
    pool.check_invariants();
    std::string next;
    pool.borrow_into(next);
    CHECK(next.data() == block);
    CHECK(next.empty());
    CHECK(next.capacity() >= 1000);
    CHECK(pool.size() == 0);
    pool.check_invariants();
}

TEST_CASE("buffers: borrowing leaves a buffer with data or a block alone", "[buffers]") {
    BufferPool pool;
    std::string spare = with_block(500);
    pool.give_back(spare);
    std::string holding = "x";
    pool.borrow_into(holding);
    CHECK(holding == "x");
    std::string owning = with_block(300);
    owning.clear();
    pool.borrow_into(owning);
    CHECK(owning.capacity() < 500);
    CHECK(pool.size() == 1);
    BufferPool empty;
    std::string nothing;
    empty.borrow_into(nothing);
    CHECK(nothing.empty());
}

TEST_CASE("buffers: short strings, huge blocks and blocks past the count are not kept",
          "[buffers]") {
    BufferPool pool;
    std::string small = "hi";
    pool.give_back(small);
    CHECK(pool.size() == 0);
    std::string huge = with_block(BufferPool::largest_kept_buffer + 1);
    pool.give_back(huge);
    CHECK(pool.size() == 0);
    CHECK(huge.capacity() < 100);
    for (std::size_t i = 0; i < BufferPool::most_kept_buffers + 5; ++i) {
        std::string buffer = with_block(64);
        pool.give_back(buffer);
    }
    CHECK(pool.size() == BufferPool::most_kept_buffers);
    pool.check_invariants();
}

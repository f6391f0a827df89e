// detail::wide_multiply(), the 64×64→128-bit multiply under HashTable's hash
// mixer: the standard C++ fallback must give exactly what the compiler's own
// 128-bit multiply gives, or a table built with one compiler would place its
// keys differently from the same table built with another. Every product
// below is checked on both paths: against the other path, and against a
// value known without either (written out, or a power of two).
#include <telechat/detail/wide_multiply.hpp>
#include <telechat/hash_table.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <ios>
#include <limits>
#include <random>
#include <sstream>
#include <string>

using telechat::detail::wide_multiply;
using telechat::detail::wide_multiply_portable;
using telechat::detail::WideProduct;

// A failed REQUIRE prints both halves in hex rather than "{?}".
template <>
struct Catch::StringMaker<WideProduct> {
    static std::string convert(const WideProduct& product) {
        std::ostringstream out;
        out << std::hex << "{low 0x" << product.low << ", high 0x" << product.high << '}';
        return out.str();
    }
};

namespace {

constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t golden = 0x9E3779B97F4A7C15;  // mix_hash's multiplier

/// Values where a carry between the 32-bit digits of the fallback starts or
/// stops: the digits' edges, and the largest values. (clang-format would put
/// each on a line of its own.)
// clang-format off
constexpr std::array<std::uint64_t, 16> edge_values{
    0, 1, 2, 3,                                           // the smallest
    0x7FFF'FFFF, 0x8000'0000, 0xFFFF'FFFF,                // the low digit's top
    0x1'0000'0000, 0x1'0000'0001, 0xFFFF'FFFF'0000'0000,  // the high digit's bottom
    0x7FFF'FFFF'FFFF'FFFF, 0x8000'0000'0000'0000,         // the top bit
    max - 1, max, golden, 0x0123'4567'89AB'CDEF};
// clang-format on

/// Both paths' product of `a` and `b`, required equal to `expected`.
void require_product(std::uint64_t a, std::uint64_t b, WideProduct expected) {
    INFO("a = " << a << ", b = " << b);
    const WideProduct portable = wide_multiply_portable(a, b);
    const WideProduct native = wide_multiply(a, b);
    REQUIRE(portable.low == expected.low);
    REQUIRE(portable.high == expected.high);
    REQUIRE(native.low == expected.low);
    REQUIRE(native.high == expected.high);
}

/// Both paths agree on `a * b` and on `b * a`, and the low half is the
/// ordinary wrapping product.
void require_paths_agree(std::uint64_t a, std::uint64_t b) {
    INFO("a = " << a << ", b = " << b);
    const WideProduct portable = wide_multiply_portable(a, b);
    REQUIRE(wide_multiply(a, b) == portable);
    REQUIRE(wide_multiply_portable(b, a) == portable);
    REQUIRE(portable.low == a * b);
}

}  // namespace

// The fallback is constexpr, so these are proven when the file compiles.
static_assert(wide_multiply_portable(0, max) == WideProduct{0, 0});
static_assert(wide_multiply_portable(max, max) == WideProduct{1, max - 1});
static_assert(wide_multiply_portable(0xFFFF'FFFF, 0xFFFF'FFFF) ==
              WideProduct{0xFFFF'FFFE'0000'0001, 0});

TEST_CASE("wide_multiply: with unsigned __int128, the native path is the one in use",
          "[wide_multiply]") {
    // Otherwise the comparisons below would hold the fallback to itself.
#if defined(__SIZEOF_INT128__)
    STATIC_REQUIRE(telechat::detail::wide_multiply_is_native);
#else
    SUCCEED("no unsigned __int128 on this compiler");
#endif
}

TEST_CASE("wide_multiply: known products", "[wide_multiply]") {
    require_product(0, 0, {0, 0});
    require_product(0, max, {0, 0});
    require_product(1, max, {max, 0});
    require_product(max, max, {1, 0xFFFF'FFFF'FFFF'FFFE});
    require_product(max, 0x8000'0000'0000'0000, {0x8000'0000'0000'0000, 0x7FFF'FFFF'FFFF'FFFF});
    require_product(0xFFFF'FFFF, 0xFFFF'FFFF, {0xFFFF'FFFE'0000'0001, 0});
    require_product(0x1'0000'0000, 0x1'0000'0000, {0, 1});
    require_product(golden, golden, {0xDF44'2D22'CE48'59B9, 0x61C8'8646'80B5'83E8});
    require_product(0x0123'4567'89AB'CDEF, 0xFEDC'BA98'7654'3210,
                    {0x2236'D88F'E561'8CF0, 0x0121'FA00'AD77'D742});
    // 10^19 × floor(10^19 / 7)
    require_product(10'000'000'000'000'000'000U, 1'428'571'428'571'428'571U,
                    {0x582C'1A74'E978'0000, 0x0ABF'5418'0CEE'AE5A});
}

TEST_CASE("wide_multiply: every product of two powers of two", "[wide_multiply]") {
    for (unsigned i = 0; i < 64; ++i) {
        for (unsigned j = 0; j < 64; ++j) {
            const unsigned exponent = i + j;
            const WideProduct expected = exponent < 64
                                             ? WideProduct{std::uint64_t{1} << exponent, 0}
                                             : WideProduct{0, std::uint64_t{1} << (exponent - 64)};
            require_product(std::uint64_t{1} << i, std::uint64_t{1} << j, expected);
        }
    }
}

TEST_CASE("wide_multiply: both paths agree on every pair of edge values", "[wide_multiply]") {
    for (const std::uint64_t a : edge_values) {
        for (const std::uint64_t b : edge_values) {
            require_paths_agree(a, b);
        }
    }
}

TEST_CASE("wide_multiply: both paths agree on random values", "[wide_multiply]") {
    std::mt19937_64 rng(0x5EED'1234);  // fixed: a failure replays
    // Random values, then values with a random number of significant bits,
    // so that short operands (high digit zero) are tried as often as long ones.
    for (int step = 0; step < 100'000; ++step) {
        require_paths_agree(rng(), rng());
    }
    for (int step = 0; step < 100'000; ++step) {
        const std::uint64_t a = rng() >> (rng() % 64);
        const std::uint64_t b = rng() >> (rng() % 64);
        require_paths_agree(a, b);
    }
}

TEST_CASE("wide_multiply: mix_hash, built on it, gives the values it always gave",
          "[wide_multiply][hash_table]") {
    // mix_hash(h) = low ^ high of h × golden; these are that, worked out
    // apart from either path. A change here moves every key's home bucket.
    using telechat::detail::mix_hash;
    REQUIRE(mix_hash(0) == 0);
    REQUIRE(mix_hash(1) == golden);
    REQUIRE(mix_hash(2) == 0x3C6E'F372'FE94'F82B);
    REQUIRE(mix_hash(8) == 0xF1BB'CDCB'FA53'E0AC);
    REQUIRE(mix_hash(42) == 0xF519'F86E'E238'5B6B);
    REQUIRE(mix_hash(0x8000'0000'0000'0000) == 0xCF1B'BCDC'BFA5'3E0A);
    REQUIRE(mix_hash(max) == max);
}

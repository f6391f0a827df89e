// The group matches of GroupProbing (hashing::GroupMatch): each one must
// select exactly the slots a plain loop over the 16 control bytes selects,
// on chosen edge cases (the first and last slot, bytes that differ only in
// the top bit, where the scalar path's carries would go wrong) and on
// random groups; and the vector path must agree with the scalar one.
#include <telechat/hashing.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <random>
#include <type_traits>
#include <vector>

namespace {

namespace hashing = telechat::hashing;
namespace control = telechat::hashing::control;

using Bytes = std::array<std::uint8_t, control::group_size>;
struct alignas(16) Group {
    Bytes bytes{};
};

// The slots of `group` whose byte satisfies `selected`, by a plain loop.
template <class Selected>
std::vector<std::size_t> slots_where(const Group& group, Selected selected) {
    std::vector<std::size_t> slots;
    for (std::size_t i = 0; i < group.bytes.size(); ++i) {
        if (selected(group.bytes[i])) {
            slots.push_back(i);
        }
    }
    return slots;
}

template <class Mask>
std::vector<std::size_t> slots_of(Mask mask) {
    std::vector<std::size_t> slots;
    for (const std::size_t slot : mask) {
        slots.push_back(slot);
    }
    REQUIRE(static_cast<std::size_t>(mask.count()) == slots.size());
    REQUIRE(static_cast<bool>(mask) == !slots.empty());
    if (!slots.empty()) {
        REQUIRE(mask.lowest() == slots.front());
    }
    return slots;
}

// Every question `Match` answers about `group`, against the plain loop.
template <class Match>
void check_against_loop(const Group& group, std::uint8_t fingerprint) {
    const Match match(group.bytes.data());
    CHECK(slots_of(match.matching(fingerprint)) ==
          slots_where(group, [&](std::uint8_t b) { return b == fingerprint; }));
    CHECK(slots_of(match.empty_slots()) ==
          slots_where(group, [](std::uint8_t b) { return b == control::empty; }));
    // Free: the top bit set, and not padding (in a table: empty or tombstone).
    CHECK(slots_of(match.free_slots()) ==
          slots_where(group, [](std::uint8_t b) { return b >= 0x80 && b != control::no_bucket; }));
}

template <class Match>
void check_edge_cases() {
    Group group;
    group.bytes.fill(control::empty);
    check_against_loop<Match>(group, 0x00);
    group.bytes.fill(std::uint8_t{0x7F});
    check_against_loop<Match>(group, 0x7F);
    group.bytes.fill(control::no_bucket);  // padding is neither free nor a fingerprint
    check_against_loop<Match>(group, 0x7F);
    // Bytes that differ only in the top bit: 0x00/0x80 and 0x7F/0xFF.
    group.bytes = {0x00, 0x80, 0x7F, 0xFF, 0x00, 0x80, 0x7F, 0xFF,
                   0xFE, 0x7E, 0x01, 0x81, 0x00, 0xFE, 0x80, 0x00};
    for (const int fingerprint : {0x00, 0x7F, 0x7E, 0x01}) {
        check_against_loop<Match>(group, static_cast<std::uint8_t>(fingerprint));
    }
    // Only the first slot, then only the last, match.
    group.bytes.fill(control::empty);
    group.bytes[0] = 0x11;
    check_against_loop<Match>(group, 0x11);
    group.bytes[0] = control::empty;
    group.bytes[15] = 0x11;
    check_against_loop<Match>(group, 0x11);
}

// A group of bytes a table can hold: fingerprints, empty, tombstones, padding.
Group random_table_group(std::mt19937& random) {
    static constexpr std::array<std::uint8_t, 3> marks = {control::empty, control::tombstone,
                                                          control::no_bucket};
    Group group;
    for (std::uint8_t& byte : group.bytes) {
        const unsigned pick = random() % 8;
        byte = pick < 3 ? marks[pick] : static_cast<std::uint8_t>(random() % 128);
    }
    return group;
}

template <class Match>
void check_random_groups() {
    std::mt19937 random(2026);
    for (int round = 0; round < 20000; ++round) {
        const Group group = random_table_group(random);
        check_against_loop<Match>(group, static_cast<std::uint8_t>(random() % 128));
    }
}

}  // namespace

TEST_CASE("ScalarGroupMatch selects what a loop over the bytes selects", "[group_match]") {
    STATIC_REQUIRE(hashing::GroupMatch<hashing::ScalarGroupMatch>);
    check_edge_cases<hashing::ScalarGroupMatch>();
    check_random_groups<hashing::ScalarGroupMatch>();
}

#if defined(TELECHAT_HAS_SSE2_GROUP_MATCH)
TEST_CASE("Sse2GroupMatch selects what a loop over the bytes selects", "[group_match]") {
    STATIC_REQUIRE(hashing::GroupMatch<hashing::Sse2GroupMatch>);
    check_edge_cases<hashing::Sse2GroupMatch>();
    check_random_groups<hashing::Sse2GroupMatch>();
}

TEST_CASE("Sse2GroupMatch and ScalarGroupMatch agree on random groups", "[group_match]") {
    std::mt19937 random(18);
    for (int round = 0; round < 20000; ++round) {
        Group group;
        for (std::uint8_t& byte : group.bytes) {  // any byte at all, not only a table's
            byte = static_cast<std::uint8_t>(random());
        }
        const auto fingerprint = static_cast<std::uint8_t>(random() % 128);
        const hashing::Sse2GroupMatch vector(group.bytes.data());
        const hashing::ScalarGroupMatch scalar(group.bytes.data());
        REQUIRE(slots_of(vector.matching(fingerprint)) == slots_of(scalar.matching(fingerprint)));
        REQUIRE(slots_of(vector.empty_slots()) == slots_of(scalar.empty_slots()));
        REQUIRE(slots_of(vector.free_slots()) == slots_of(scalar.free_slots()));
    }
}
#endif

#if defined(TELECHAT_HAS_NEON_GROUP_MATCH)
TEST_CASE("NeonGroupMatch selects what a loop over the bytes selects", "[group_match]") {
    STATIC_REQUIRE(hashing::GroupMatch<hashing::NeonGroupMatch>);
    check_edge_cases<hashing::NeonGroupMatch>();
    check_random_groups<hashing::NeonGroupMatch>();
}
#endif

TEST_CASE("NativeGroupMatch is the vector path where the processor has one", "[group_match]") {
#if defined(TELECHAT_HAS_SSE2_GROUP_MATCH)
    STATIC_REQUIRE(std::is_same_v<hashing::NativeGroupMatch, hashing::Sse2GroupMatch>);
#elif defined(TELECHAT_HAS_NEON_GROUP_MATCH)
    STATIC_REQUIRE(std::is_same_v<hashing::NativeGroupMatch, hashing::NeonGroupMatch>);
#else
    STATIC_REQUIRE(std::is_same_v<hashing::NativeGroupMatch, hashing::ScalarGroupMatch>);
#endif
    STATIC_REQUIRE(std::is_same_v<hashing::GroupProbing::group_match, hashing::NativeGroupMatch>);
}

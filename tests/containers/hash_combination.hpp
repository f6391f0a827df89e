// The collision strategy and sizing rule a hash-table test file is compiled
// for. tests/CMakeLists.txt compiles each HashTable test file once per
// combination (TELECHAT_TEST_COLLISION, TELECHAT_TEST_SIZING), each copy in
// a namespace of its own, so that every test runs on every table; a build
// without them gets the default table. ScalarGroupProbing is GroupProbing
// with the portable group match, so that the scalar path runs the whole
// suite on x86 too. Expected bucket counts are
// computed from the policies, never written down for one of them.
#pragma once

#include <telechat/hash_table.hpp>
#include <telechat/hashing.hpp>

#include <cstddef>
#include <functional>
#include <string_view>

#ifndef TELECHAT_TEST_COLLISION
#define TELECHAT_TEST_COLLISION GroupProbing
#define TELECHAT_TEST_SIZING PowerOfTwo
#endif

#define TELECHAT_TEST_STRINGIZE_(x) #x
#define TELECHAT_TEST_STRINGIZE(x) TELECHAT_TEST_STRINGIZE_(x)
#define TELECHAT_TEST_CONCAT_(a, b, c) a##_##b##_##c
#define TELECHAT_TEST_CONCAT(a, b, c) TELECHAT_TEST_CONCAT_(a, b, c)

/// The combination's name, to start a test case's name: "[LinearProbing/Prime] ".
#define COMBINATION                                                                   \
    "[" TELECHAT_TEST_STRINGIZE(TELECHAT_TEST_COLLISION) "/" TELECHAT_TEST_STRINGIZE( \
        TELECHAT_TEST_SIZING) "] "

/// The namespace a test file's copy for this combination lives in.
#define COMBINATION_NAMESPACE \
    TELECHAT_TEST_CONCAT(combination, TELECHAT_TEST_COLLISION, TELECHAT_TEST_SIZING)

namespace telechat_test {

/// The strategies a combination may name: the library's, and GroupProbing
/// with the portable matcher.
namespace strategies {
using namespace telechat::hashing;
using ScalarGroupProbing = BasicGroupProbing<ScalarGroupMatch>;
}  // namespace strategies

// Inline and named for the combination: each copy's helpers are functions
// of their own (one name in every copy would be one function to the linker,
// whichever copy it kept), reached as telechat_test::... all the same.
inline namespace COMBINATION_NAMESPACE {

using Collision = strategies::TELECHAT_TEST_COLLISION;
using Sizing = telechat::hashing::TELECHAT_TEST_SIZING;

/// Whether this is HashTable's default combination, for the tests that
/// need to run only once.
inline constexpr bool default_combination =
    std::is_same_v<Collision, telechat::hashing::GroupProbing> &&
    std::is_same_v<Sizing, telechat::hashing::PowerOfTwo>;

/// Whether strategy `C` reads its buckets a group at a time (GroupProbing).
template <class C>
concept ReadsGroups = requires {
    typename C::group_match;
};

/// How many buckets one probe reads: a group for GroupProbing, else one.
inline constexpr std::size_t buckets_per_probe =
    ReadsGroups<Collision> ? telechat::hashing::control::group_size : 1;

/// The table under test.
template <class K, class V, class Hash = std::hash<K>, class KeyEqual = std::equal_to<K>>
using ComboTable = telechat::HashTable<K, V, Hash, KeyEqual, Collision, Sizing>;

/// How many elements `buckets` buckets hold at `load` in this combination.
inline std::size_t element_limit(std::size_t buckets, float load) {
    return Collision::element_limit(buckets, load);
}

/// The fewest buckets of this combination that hold `elements` at `load`.
inline std::size_t buckets_for(std::size_t elements, float load) {
    std::size_t count = Sizing::round_up(Sizing::min_bucket_count);
    while (element_limit(count, load) < elements) {
        count = Sizing::grow(count);
    }
    return count;
}

/// The bucket count a table asked for `requested` buckets holding `elements` gets.
inline std::size_t buckets_for_request(std::size_t requested, std::size_t elements, float load) {
    const std::size_t rounded = Sizing::round_up(requested);
    const std::size_t needed = buckets_for(elements, load);
    return rounded > needed ? rounded : needed;
}

/// Whether `count` is a bucket count the sizing rule allows.
inline bool allowed_bucket_count(std::size_t count) {
    return Sizing::round_up(count) == count;
}

}  // namespace COMBINATION_NAMESPACE
}  // namespace telechat_test

// A sizing rule without grow(): HashTable's constraint must name SizingRule.
#include <telechat/hash_table.hpp>
#include <telechat/hashing.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

struct NoGrowth {
    static constexpr std::string_view name = "NoGrowth";
    static constexpr std::size_t min_bucket_count = 8;
    NoGrowth() = default;
    explicit NoGrowth(std::size_t /*buckets*/) {}
    static std::size_t round_up(std::size_t n) { return n; }
    static std::uint64_t prepare(std::size_t hash) { return hash; }
    std::size_t home(std::uint64_t hash) const { return static_cast<std::size_t>(hash % 8); }
};

int main() {
    telechat::HashTable<int, int, std::hash<int>, std::equal_to<int>, telechat::hashing::RobinHood,
                        NoGrowth>
        table;
    return static_cast<int>(table.size());
}

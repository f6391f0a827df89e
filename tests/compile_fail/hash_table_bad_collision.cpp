// A collision strategy without element_limit(): HashTable's constraint must
// name CollisionStrategy.
#include <telechat/hash_table.hpp>

#include <functional>
#include <string_view>

struct HalfAStrategy {
    static constexpr std::string_view name = "HalfAStrategy";
    static constexpr float default_max_load_factor = 0.5F;
    static constexpr float highest_max_load_factor = 0.9F;
    template <class Sizing>
    struct Index {};
};

int main() {
    telechat::HashTable<int, int, std::hash<int>, std::equal_to<int>, HalfAStrategy> table;
    return static_cast<int>(table.size());
}

// Must NOT compile: keys are read-only, as in std::unordered_map. Changing a
// key in place would leave its element in the wrong bucket.
#include <telechat/hash_table.hpp>

int main() {
    telechat::HashTable<int, int> table{{1, 10}, {2, 20}};
    for (auto& [key, value] : table) {
        key += 100;
    }
    return static_cast<int>(table.size());
}

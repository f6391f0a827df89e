// Must compile: the control case for the read-only keys. Values stay
// writable through the same loops and iterators.
#include <telechat/hash_table.hpp>

int main() {
    telechat::HashTable<int, int> table{{1, 10}, {2, 20}};
    for (auto& [key, value] : table) {
        value += key;
    }
    for (const auto& [key, value] : table) {
        static_cast<void>(key + value);
    }
    table.begin()->second = 0;
    return static_cast<int>(table.size());
}

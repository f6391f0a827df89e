// Must NOT compile: no iterator hands out a writable key either.
#include <telechat/hash_table.hpp>

int main() {
    telechat::HashTable<int, int> table{{1, 10}};
    table.begin()->first = 2;
    return static_cast<int>(table.size());
}

// Must NOT compile in C++17 mode (GCC 12's default is gnu++17): one #error
// says to compile with -std=c++20, and compilation stops there.
#include <telechat/hash_table.hpp>
#include <telechat/queue.hpp>
#include <telechat/stack.hpp>

int main() {
    telechat::HashTable<int, int> table;
    table[1] = 2;
    return static_cast<int>(table.size());
}

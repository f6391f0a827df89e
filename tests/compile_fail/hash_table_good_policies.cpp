// The control case: every strategy over every sizing rule compiles.
#include <telechat/hash_table.hpp>
#include <telechat/hashing.hpp>

#include <functional>

template <class Collision, class Sizing>
int use() {
    telechat::HashTable<int, int, std::hash<int>, std::equal_to<int>, Collision, Sizing> table;
    table[1] = 2;
    return table.at(1);
}

int main() {
    using namespace telechat::hashing;
    return use<RobinHood, PowerOfTwo>() + use<RobinHood, Prime>() + use<LinearProbing, Prime>() +
           use<QuadraticProbing, PowerOfTwo>() + use<SeparateChaining, Prime>() - 10;
}

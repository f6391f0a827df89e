// Must NOT compile: Point has no std::hash and no hasher is given. One
// static_assert says what to do.
#include <telechat/hash_table.hpp>

struct Point {
    int x = 0;
    int y = 0;
    bool operator==(const Point&) const = default;
};

int main() {
    telechat::HashTable<Point, int> table;
    table[Point{1, 2}] = 3;
    return table.contains(Point{1, 2}) ? 0 : 1;
}

// Must NOT compile: a std::string_view finds a std::string key only in a
// table with a transparent hash and equality (StringHash, std::equal_to<>).
#include <string>
#include <string_view>

#include <telechat/hash_table.hpp>

int main() {
    telechat::HashTable<std::string, int> table;
    table["ann"] = 1;
    const std::string_view name = "ann";
    return table.find(name) != table.end() ? 0 : 1;
}

// Must compile: the control case. With StringHash and std::equal_to<> a
// std::string_view looks up a std::string key; without them a const char*
// still does, converted to a std::string.
#include <functional>
#include <string>
#include <string_view>

#include <telechat/hash_table.hpp>

int main() {
    telechat::HashTable<std::string, int, telechat::StringHash, std::equal_to<>> table;
    table["ann"] = 1;
    const std::string_view name = "ann";
    telechat::HashTable<std::string, int> plain;
    plain["bob"] = 2;
    const bool found = table.find(name) != table.end() && table.contains("ann") &&
                       table.erase(name) == 1 && plain.contains("bob") && plain.count("bob") == 1;
    return found ? 0 : 1;
}

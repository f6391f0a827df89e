// Word count with telechat::HashTable: how often does each word occur?
//
// A hash table maps each word to its count; each lookup takes expected O(1),
// so counting n words takes expected O(n). With telechat::StringHash and
// std::equal_to<> the table finds a std::string key from a std::string_view,
// so a lookup of a word that is already counted builds no string.
//
// Build and run, from the top of the repository:
//   c++ -std=c++20 -I include docs/examples/word_count.cpp
//   ./a.out
// It checks its own answers and exits 1 if one is wrong.
#include <telechat/hash_table.hpp>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

//! [count]
// Keys are std::string; lookups may use a std::string_view (transparent
// lookup).
using WordCounts = telechat::HashTable<std::string, std::size_t,
                                       telechat::StringHash, std::equal_to<>>;

// Counts the words of `text`: runs of letters, compared as written.
WordCounts count_words(std::string_view text) {
    WordCounts counts;
    std::size_t start = 0;
    while (start < text.size()) {
        if (std::isalpha(static_cast<unsigned char>(text[start])) == 0) {
            ++start;
            continue;
        }
        std::size_t end = start;
        while (end < text.size() &&
               std::isalpha(static_cast<unsigned char>(text[end])) != 0) {
            ++end;
        }
        const std::string_view word = text.substr(start, end - start);
        if (auto found = counts.find(word); found != counts.end()) {
            ++found->second;  // seen before: no std::string is built
        } else {
            counts.try_emplace(std::string(word), 1);
        }
        start = end;
    }
    return counts;
}
//! [count]

//! [most_common]
// The words sorted by count, most frequent first (ties alphabetically).
// A hash table has no useful order: copy the pairs out to sort them.
std::vector<std::pair<std::string, std::size_t>> by_frequency(
    const WordCounts& counts) {
    std::vector<std::pair<std::string, std::size_t>> sorted(counts.begin(),
                                                            counts.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    return sorted;
}
//! [most_common]

int failures = 0;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "word_count: wrong: %s\n", what);
        ++failures;
    }
}

}  // namespace

int main() {
    //! [basics]
    telechat::HashTable<std::string, int> seats;
    seats["ana"] = 3;               // inserts ("ana", 3)
    seats.try_emplace("bruno", 1);  // inserts ("bruno", 1)
    seats.try_emplace("ana", 9);    // "ana" is present: nothing changes
    int seat = 0;
    if (auto it = seats.find("ana"); it != seats.end()) {
        seat = it->second;  // 3
    }
    seats.erase("bruno");
    //! [basics]
    check(seat == 3 && seats.size() == 1 && !seats.contains("bruno"),
          "the basics");

    const WordCounts counts =
        count_words("the cat saw the dog; the dog saw a cat, and the end");
    check(counts.size() == 7, "seven distinct words");
    check(counts.at("the") == 4, "'the' four times");
    check(
        counts.at("cat") == 2 && counts.at("dog") == 2 && counts.at("saw") == 2,
        "pairs");
    check(!counts.contains("The"), "words are compared as written");
    const auto sorted = by_frequency(counts);
    check(sorted.front() == std::pair<std::string, std::size_t>("the", 4),
          "'the' is most common");
    check(sorted[1].first == "cat" && sorted.back().first == "end",
          "ties in alphabetical order");
    check(count_words("").empty() && count_words(" ,.; ").empty(), "no words");

    if (failures != 0) {
        return 1;
    }
    std::puts("word_count: all checks passed");
    return 0;
}

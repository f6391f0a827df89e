// A test of the kit: its name, the section of docs/protocol.md it checks,
// one line about it, and its body. Each *_tests.hpp file adds its own.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "context.hpp"

namespace conform {

/// One conformance test.
struct TestCase {
    std::string name;         ///< `area.rule-words`, lower case, no spaces
    std::string section;      ///< e.g. `§framing`: the anchor protocol_framing
    std::string description;  ///< one line
    std::function<void(Context&)> run;
};

/// The tests of one area, in the order they are added.
class Registry {
public:
    /// Adds a test of `section` (an anchor of docs/protocol.md without its
    /// `protocol_` and `cmd_` prefixes).
    void add(std::string name, std::string section, std::string description,
             std::function<void(Context&)> run) {
        m_tests.push_back(TestCase{std::move(name), "§" + std::move(section),
                                   std::move(description), std::move(run)});
    }
    [[nodiscard]] const std::vector<TestCase>& tests() const noexcept { return m_tests; }

private:
    std::vector<TestCase> m_tests;
};

/// Whether `name` matches the glob `pattern` (`*` any run, `?` one character).
inline bool glob_match(std::string_view pattern, std::string_view name) {
    std::size_t p = 0;
    std::size_t n = 0;
    std::size_t star = std::string_view::npos;
    std::size_t resume = 0;
    while (n < name.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
            ++p;
            ++n;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = n;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            n = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

/// Whether the options select `name`: it matches an --only pattern (or
/// there is none) and no --skip pattern.
inline bool selected(const Options& options, const std::string& name) {
    const auto matches = [&name](const std::vector<std::string>& patterns) {
        for (const std::string& pattern : patterns) {
            if (glob_match(pattern, name)) {
                return true;
            }
        }
        return false;
    };
    return (options.only.empty() || matches(options.only)) && !matches(options.skip);
}

}  // namespace conform

// The driver's judgement, apart from any process: what the kit printed, which
// tests a mutant claims, whether it killed them all, and which kit tests no
// mutant has proven able to fail. Pure functions, so --self-check can show
// on made-up output that a surviving mutant is reported.
#pragma once

#include <fnmatch.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mutants {

/// @brief Splits `text` at `separator`, leaving out empty pieces.
inline std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> pieces;
    while (!text.empty()) {
        const std::size_t end = text.find(separator);
        if (end != 0) {
            pieces.emplace_back(text.substr(0, end));
        }
        if (end == std::string_view::npos) {
            break;
        }
        text.remove_prefix(end + 1);
    }
    return pieces;
}

inline bool matches(const std::string& glob, const std::string& name) {
    return ::fnmatch(glob.c_str(), name.c_str(), 0) == 0;
}

/// @brief The kit's verdict per test, from its output: lines that start
///        with `PASS `, `FAIL ` or `SKIP `, then the test's name.
inline std::map<std::string, std::string> verdicts_of(std::string_view output) {
    std::map<std::string, std::string> verdicts;
    for (const std::string& line : split(output, '\n')) {
        for (const char* verdict : {"PASS", "FAIL", "SKIP"}) {
            if (line.starts_with(std::string(verdict) + " ")) {
                const std::vector<std::string> words = split(line, ' ');
                verdicts[words.at(1)] = verdict;
            }
        }
    }
    return verdicts;
}

/// @brief The kit's test names, from `telechat-conform --list`.
inline std::vector<std::string> tests_of_list(std::string_view output) {
    std::vector<std::string> names;
    for (const std::string& line : split(output, '\n')) {
        const std::vector<std::string> words = split(line, ' ');
        if (!words.empty() && words[0].find('.') != std::string::npos) {
            names.push_back(words[0]);
        }
    }
    return names;
}

/// @brief The kit tests that the globs `kills` (comma-separated) name.
inline std::vector<std::string> targets_of(const std::string& kills,
                                           const std::vector<std::string>& tests) {
    std::vector<std::string> targets;
    for (const std::string& test : tests) {
        for (const std::string& glob : split(kills, ',')) {
            if (matches(glob, test)) {
                targets.push_back(test);
                break;
            }
        }
    }
    return targets;
}

/// @brief What went wrong with one mutant's run: empty if it killed every
///        test it claims (each printed FAIL and the kit exited 1).
inline std::vector<std::string> survivals(const std::string& kills,
                                          const std::vector<std::string>& tests,
                                          const std::string& kit_output, int kit_exit) {
    std::vector<std::string> problems;
    for (const std::string& glob : split(kills, ',')) {
        if (targets_of(glob, tests).empty()) {
            problems.push_back("its target " + glob + " names no kit test");
        }
    }
    const auto verdicts = verdicts_of(kit_output);
    for (const std::string& test : targets_of(kills, tests)) {
        const auto found = verdicts.find(test);
        if (found == verdicts.end()) {
            problems.push_back(test + " was not run");
        } else if (found->second != "FAIL") {
            problems.push_back(test + " survived: " + found->second);
        }
    }
    if (kit_exit != 1) {
        problems.push_back("the kit exited " + std::to_string(kit_exit) + ", not 1");
    }
    return problems;
}

/// @brief The committed list of tests not yet proven able to fail:
///        `name reason...` per line; `#` starts a comment line.
inline std::map<std::string, std::string> not_yet_proven_of(std::string_view text) {
    std::map<std::string, std::string> entries;
    for (const std::string& line : split(text, '\n')) {
        if (line.starts_with('#')) {
            continue;
        }
        const std::size_t space = line.find(' ');
        entries[line.substr(0, space)] = space == std::string::npos ? "" : line.substr(space + 1);
    }
    return entries;
}

}  // namespace mutants

// Every mutant of telechat-mutant-proxy, from the tables of each section,
// and the two that break nothing: `none` (the transparent proxy) and
// `harmless` (for the driver's self-check: it claims a kill it cannot make).
#pragma once

#include <string_view>
#include <vector>

#include "lines.hpp"
#include "mutants_across.hpp"
#include "mutants_commands.hpp"
#include "mutants_desk.hpp"
#include "mutants_framing.hpp"
#include "mutants_limits.hpp"
#include "mutants_syntax.hpp"
#include "mutation.hpp"

namespace mutants {

/// @brief The section of the one mutant that must survive: the driver's self-check.
inline constexpr std::string_view self_check_section = "self-check";

inline std::vector<Mutant> catalogue() {
    std::vector<Mutant> all;
    for (auto table : {framing_mutants(), syntax_mutants(), command_mutants(), desk_mutants(),
                       across_mutants(), limits_mutants()}) {
        all.insert(all.end(), table.begin(), table.end());
    }
    all.push_back({"harmless", self_check_section, "framing.lf-ending,framing.crlf-ending",
                   "nothing: it rewrites each client line to itself, so its claimed kills "
                   "must survive and the driver must say so",
                   client_rewrite([](std::string_view body) { return std::string(body); })});
    return all;
}

/// @brief The transparent proxy: no rule broken.
inline Mutant no_mutation() {
    return {"none", "", "", "nothing: every byte forwarded as it came",
            [] { return std::make_unique<Mutation>(); }};
}

}  // namespace mutants

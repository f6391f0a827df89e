// How telechat-lab prints the hash experiment: a table a person reads, with
// the textbook's predictions beside the measurements, or CSV for a
// spreadsheet (the header is a contract: other tools read it).
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "hash_experiment.hpp"

namespace lab_app {

/// The CSV header, exactly.
inline constexpr const char* hash_csv_header =
    "collision,sizing,load_factor,mean_probes_hit,mean_probes_miss,max_probes,ns_find_hit,"
    "ns_find_miss,ns_insert";

/// One row as CSV (no line ending).
[[nodiscard]] inline std::string csv_line(const HashRow& row) {
    char text[256];
    std::snprintf(text, sizeof text, "%s,%s,%.4f,%.4f,%.4f,%zu,%.2f,%.2f,%.2f",
                  std::string(row.collision).c_str(), std::string(row.sizing).c_str(),
                  row.load_factor, row.mean_probes_hit, row.mean_probes_miss, row.max_probes,
                  row.ns_find_hit, row.ns_find_miss, row.ns_insert);
    return text;
}

namespace detail {

[[nodiscard]] inline std::string number_or_dash(std::optional<double> value) {
    if (!value) {
        return "-";
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", *value);
    return text;
}

}  // namespace detail

/// The rows as a readable table, a block per combination.
[[nodiscard]] inline std::vector<std::string> report_lines(const std::vector<HashRow>& rows,
                                                           bool timing) {
    std::vector<std::string> lines{
        "A probe is one bucket (or chain node) a search examines, the last one included: for a",
        "miss, the empty bucket where it ends; a chain's head pointer is not one. 'predicted' is",
        "the textbook's: Knuth's for linear probing (and Robin Hood's hits), uniform probing's",
        "for quadratic probing, 1 + a/2 and a for chaining."};
    std::string group;
    for (const HashRow& row : rows) {
        const std::string name = std::string(row.collision) + " over " + std::string(row.sizing);
        if (name != group) {
            lines.emplace_back();
            lines.push_back(name + ", " + std::to_string(row.buckets) + " buckets");
            lines.push_back(std::string("  load   hit  predicted   miss  predicted   max") +
                            (timing ? "   ns hit  ns miss  ns insert" : ""));
            group = name;
        }
        const Prediction predicted = predicted_probes(row.collision, row.load_factor);
        char text[200];
        std::snprintf(text, sizeof text, "  %4.2f %5.2f %10s %6.2f %10s %5zu", row.load_factor,
                      row.mean_probes_hit, detail::number_or_dash(predicted.hit).c_str(),
                      row.mean_probes_miss, detail::number_or_dash(predicted.miss).c_str(),
                      row.max_probes);
        std::string line = text;
        if (timing) {
            std::snprintf(text, sizeof text, " %8.1f %8.1f %10.1f", row.ns_find_hit,
                          row.ns_find_miss, row.ns_insert);
            line += text;
        }
        lines.push_back(std::move(line));
    }
    return lines;
}

}  // namespace lab_app

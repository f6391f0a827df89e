// The growth experiment's rows (growth_experiment.hpp) as a text table for
// a person, as CSV for a spreadsheet or a plotting script, and as a plot of
// the capacity against the number of elements pushed.
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <string>
#include <system_error>
#include <vector>

#include "growth_experiment.hpp"
#include "svg_plot.hpp"

namespace lab_app {

namespace report_detail {

/// `value` with `decimals` decimals, a dot whatever the locale.
inline std::string fixed(double value, int decimals) {
    std::array<char, 64> buffer{};
    const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                            std::chars_format::fixed, decimals);
    return error == std::errc{} ? std::string(buffer.data(), end) : std::string("?");
}

inline std::string percent(double share) {
    return fixed(100 * share, 1) + "%";
}

inline double moves_per_element(const GrowthRow& row) {
    return row.elements == 0
               ? 0.0
               : static_cast<double>(row.moves + row.copies) / static_cast<double>(row.elements);
}

/// A row's cells, in the order of the headers below.
inline std::vector<std::string> cells_of(const GrowthRow& row) {
    return {row.container,
            row.rule,
            row.element,
            std::to_string(row.elements),
            std::to_string(row.allocations),
            std::to_string(row.moves),
            std::to_string(row.copies),
            fixed(moves_per_element(row), 2),
            std::to_string(row.peak_capacity),
            std::to_string(row.peak_bytes),
            std::to_string(row.final_capacity),
            percent(row.final_waste()),
            percent(row.mean_waste),
            std::to_string(row.reusable_growths)};
}

inline const std::vector<std::string>& table_headers() {
    static const std::vector<std::string> headers{
        "container", "rule",        "element",    "N",        "allocs",
        "moves",     "copies",      "per push",   "peak cap", "peak bytes",
        "final cap", "final waste", "mean waste", "reusable"};
    return headers;
}

inline std::string padded(const std::string& text, std::size_t width, bool right) {
    const std::string padding(width > text.size() ? width - text.size() : 0, ' ');
    return right ? padding + text : text + padding;
}

}  // namespace report_detail

/// The rows as an aligned text table: words to the left, numbers to the
/// right, two spaces between columns, and what the columns mean under it.
[[nodiscard]] inline std::string growth_table(const std::vector<GrowthRow>& rows) {
    using namespace report_detail;
    std::vector<std::vector<std::string>> lines{table_headers()};
    for (const GrowthRow& row : rows) {
        lines.push_back(cells_of(row));
    }
    std::vector<std::size_t> widths(table_headers().size(), 0);
    for (const auto& line : lines) {
        for (std::size_t column = 0; column < line.size(); ++column) {
            widths[column] = std::max(widths[column], line[column].size());
        }
    }
    std::string table;
    for (const auto& line : lines) {
        std::string text;
        for (std::size_t column = 0; column < line.size(); ++column) {
            text += (column == 0 ? "" : "  ") + padded(line[column], widths[column], column >= 3);
        }
        table += text + "\n";
    }
    const std::size_t bytes = rows.empty() ? 0 : rows.front().element_bytes;
    return table +
           "allocs: blocks allocated; moves, copies: element constructions made by "
           "growth; per push: (moves + copies) / N;\npeak bytes: old + new block held "
           "during the largest growth (" +
           std::to_string(bytes) +
           "-byte elements); waste: empty share of the block, at the end and averaged over "
           "sizes 1..N;\nreusable: growths whose new block fits in the blocks freed before it\n";
}

/// The rows as CSV, with a header line; numbers plain, shares as fractions.
[[nodiscard]] inline std::string growth_csv(const std::vector<GrowthRow>& rows) {
    using namespace report_detail;
    std::string csv =
        "container,rule,element,elements,element_bytes,allocations,moves,copies,"
        "moves_per_element,peak_capacity,peak_bytes,final_capacity,final_waste,mean_waste,"
        "reusable_growths\n";
    for (const GrowthRow& row : rows) {
        csv += row.container + "," + row.rule + "," + row.element + "," +
               std::to_string(row.elements) + "," + std::to_string(row.element_bytes) + "," +
               std::to_string(row.allocations) + "," + std::to_string(row.moves) + "," +
               std::to_string(row.copies) + "," + fixed(moves_per_element(row), 4) + "," +
               std::to_string(row.peak_capacity) + "," + std::to_string(row.peak_bytes) + "," +
               std::to_string(row.final_capacity) + "," + fixed(row.final_waste(), 4) + "," +
               fixed(row.mean_waste, 4) + "," + std::to_string(row.reusable_growths) + "\n";
    }
    return csv;
}

/// The capacity of a Stack after each push, 1..`elements`, under ×2 and ×1.5,
/// with the size itself as the lower bound: the staircases of the two rules.
[[nodiscard]] inline svg::LinePlot growth_plot(std::size_t elements) {
    namespace growth = telechat::growth;
    // Vertical at each size where a push finds the block full, flat between.
    const auto staircase = [elements](auto grow) {
        std::vector<svg::Point> points{{0, 0}};
        std::size_t capacity = 0;
        while (capacity < elements) {
            const std::size_t grown = grow(capacity, capacity + 1);
            points.push_back({static_cast<double>(capacity), static_cast<double>(grown)});
            capacity = grown;
            points.push_back(
                {static_cast<double>(std::min(capacity, elements)), static_cast<double>(capacity)});
        }
        return points;
    };
    constexpr std::size_t no_limit = ~std::size_t{0};
    svg::LinePlot plot;
    plot.title = "Capacity as elements are pushed";
    plot.x_label = "elements pushed";
    plot.y_label = "capacity";
    plot.series.push_back({"x2 (Doubling)", staircase([](std::size_t c, std::size_t n) {
                               return growth::Doubling::grow(c, n, no_limit);
                           }),
                           false, ""});
    plot.series.push_back({"x1.5 (HalfAgain)", staircase([](std::size_t c, std::size_t n) {
                               return growth::HalfAgain::grow(c, n, no_limit);
                           }),
                           false, ""});
    plot.series.push_back({"size",
                           {{0, 0}, {static_cast<double>(elements), static_cast<double>(elements)}},
                           true,
                           ""});
    return plot;
}

}  // namespace lab_app

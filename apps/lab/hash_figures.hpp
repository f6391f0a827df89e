// The hash lab's figures as SVG, drawn from measured rows and live tables:
// probes against load factor with the textbook's curves, time against load
// factor, and a table's buckets. The docs build draws them with
// telechat-lab, so the guide shows the code's own figures.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "hash_experiment.hpp"
#include "svg.hpp"
#include "svg_plot.hpp"

namespace lab_app {

namespace detail {

// The strategies, each over `sizing` only, so that a plot stays readable.
inline std::vector<std::string_view> collisions_in(const std::vector<HashRow>& rows) {
    std::vector<std::string_view> names;
    for (const HashRow& row : rows) {
        if (std::find(names.begin(), names.end(), row.collision) == names.end()) {
            names.push_back(row.collision);
        }
    }
    return names;
}

}  // namespace detail

/// Mean probes of a hit (or a miss) against the load factor, measured over
/// `sizing` (solid) and predicted (dashed, where there is a formula).
[[nodiscard]] inline std::string probes_plot(const std::vector<HashRow>& rows, bool hits,
                                             std::string_view sizing = "PowerOfTwo") {
    svg::LinePlot plot;
    plot.title = std::string("Probes per ") + (hits ? "successful" : "unsuccessful") +
                 " search, over " + std::string(sizing);
    plot.x_label = "load factor";
    plot.y_label = "probes";
    const auto collisions = detail::collisions_in(rows);
    for (std::size_t c = 0; c < collisions.size(); ++c) {
        const std::string_view collision = collisions[c];
        const std::string colour = svg::palette()[c % svg::palette().size()];
        svg::Series measured{std::string(collision) + " (measured)", {}, false, colour};
        svg::Series predicted{std::string(collision) + " (predicted)", {}, true, colour};
        for (const HashRow& row : rows) {
            if (row.collision != collision || row.sizing != sizing) {
                continue;
            }
            measured.points.push_back(
                {row.load_factor, hits ? row.mean_probes_hit : row.mean_probes_miss});
            const Prediction prediction = predicted_probes(collision, row.load_factor);
            if (const auto value = hits ? prediction.hit : prediction.miss) {
                predicted.points.push_back({row.load_factor, *value});
            }
        }
        plot.series.push_back(measured);
        if (!predicted.points.empty()) {
            plot.series.push_back(predicted);
        }
    }
    return svg::render(plot);
}

/// Nanoseconds per search that hits, against the load factor, every combination.
[[nodiscard]] inline std::string time_plot(const std::vector<HashRow>& rows) {
    svg::LinePlot plot;
    plot.title = "Time per successful search";
    plot.x_label = "load factor";
    plot.y_label = "ns";
    for (const HashRow& row : rows) {
        const std::string name = std::string(row.collision) + "/" + std::string(row.sizing);
        if (plot.series.empty() || plot.series.back().name != name) {
            plot.series.push_back({name, {}, row.sizing != "PowerOfTwo", {}});
        }
        plot.series.back().points.push_back({row.load_factor, row.ns_find_hit});
    }
    return svg::render(plot);
}

}  // namespace lab_app

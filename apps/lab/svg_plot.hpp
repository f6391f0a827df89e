// An XY line plot drawn with svg.hpp: axes with "nice" ticks (1, 2 or 5
// times a power of ten), axis labels, a title, several series (solid for
// measurements, dashed for predictions, say) and a legend. telechat-lab uses
// it for the growth experiment and the hash table's probe plots.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "svg.hpp"

namespace lab_app::svg {

/// One curve: its name in the legend, its points in data coordinates.
struct Series {
    std::string name;
    std::vector<Point> points;
    bool dashed = false;
    std::string colour;  ///< empty: the next colour of the palette
};

/// What a plot shows.
struct LinePlot {
    std::string title;
    std::string x_label;
    std::string y_label;
    std::vector<Series> series;
    double width = 640;
    double height = 400;
};

/// A range of data values with its tick step: `low` and `high` are multiples
/// of `step`.
struct Axis {
    double low = 0;
    double high = 1;
    double step = 0.2;
};

/// The smallest of 1, 2 or 5 times a power of ten that is at least `rough`.
[[nodiscard]] inline double nice_step(double rough) {
    if (!(rough > 0) || !std::isfinite(rough)) {
        return 1;
    }
    const double power = std::pow(10.0, std::floor(std::log10(rough)));
    for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
        if (factor * power >= rough * (1 - 1e-9)) {
            return factor * power;
        }
    }
    return 10 * power;
}

/// An axis over [low, high] with about five ticks, widened to whole steps.
[[nodiscard]] inline Axis axis_for(double low, double high) {
    if (!(high > low)) {
        high = low + 1;
    }
    const double step = nice_step((high - low) / 5);
    return Axis{std::floor(low / step + 1e-9) * step, std::ceil(high / step - 1e-9) * step, step};
}

/// The palette, in order: distinguishable, and readable on white.
inline const std::vector<std::string>& palette() {
    static const std::vector<std::string> colours{"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                                  "#ff7f0e", "#8c564b", "#e377c2", "#7f7f7f"};
    return colours;
}

namespace detail {

struct Frame {
    double left = 70;
    double top = 40;
    double right = 0;
    double bottom = 0;
    Axis x;
    Axis y;

    [[nodiscard]] Point at(Point data) const {
        return {left + (data.x - x.low) / (x.high - x.low) * (right - left),
                bottom - (data.y - y.low) / (y.high - y.low) * (bottom - top)};
    }
};

inline Frame frame_for(const LinePlot& plot) {
    double x_low = 0;
    double x_high = 0;
    double y_high = 0;
    bool first = true;
    for (const Series& series : plot.series) {
        for (const Point& point : series.points) {
            x_low = first ? point.x : std::min(x_low, point.x);
            x_high = first ? point.x : std::max(x_high, point.x);
            y_high = std::max(y_high, point.y);
            first = false;
        }
    }
    Frame frame;
    frame.right = plot.width - 20;
    frame.bottom = plot.height - 50;
    frame.x = axis_for(x_low, x_high);
    frame.y = axis_for(0, y_high);  // counts and times start at 0
    return frame;
}

inline void draw_axes(Document& document, const Frame& frame, const LinePlot& plot) {
    const Style grid{"none", "#dddddd", 1, false};
    const Style axis{"none", "black", 1, false};
    const TextStyle tick_text{11, Anchor::middle, "black", false, false};
    const auto ticks = [](const Axis& range) {
        return static_cast<int>(std::lround((range.high - range.low) / range.step));
    };
    for (int i = 0; i <= ticks(frame.x); ++i) {
        const double value = frame.x.low + i * frame.x.step;
        const double x = frame.at({value, frame.y.low}).x;
        document.line({x, frame.top}, {x, frame.bottom}, grid);
        document.text({x, frame.bottom + 16}, number(value), tick_text);
    }
    TextStyle y_tick_text = tick_text;
    y_tick_text.anchor = Anchor::end;
    for (int i = 0; i <= ticks(frame.y); ++i) {
        const double value = frame.y.low + i * frame.y.step;
        const double y = frame.at({frame.x.low, value}).y;
        document.line({frame.left, y}, {frame.right, y}, grid);
        document.text({frame.left - 6, y + 4}, number(value), y_tick_text);
    }
    document.line({frame.left, frame.bottom}, {frame.right, frame.bottom}, axis);
    document.line({frame.left, frame.top}, {frame.left, frame.bottom}, axis);
    const TextStyle label{12, Anchor::middle, "black", false, false};
    document.text({(frame.left + frame.right) / 2, plot.height - 12}, plot.x_label, label);
    document.text({frame.left, frame.top - 10}, plot.y_label, TextStyle{12, Anchor::middle});
    document.text({plot.width / 2, 20}, plot.title, TextStyle{14, Anchor::middle, "black", true});
}

inline void draw_series(Document& document, const Frame& frame, const LinePlot& plot) {
    const TextStyle legend_text{11, Anchor::start};
    for (std::size_t i = 0; i < plot.series.size(); ++i) {
        const Series& series = plot.series[i];
        const std::string colour =
            series.colour.empty() ? palette()[i % palette().size()] : series.colour;
        const Style style{"none", colour, 2, series.dashed};
        std::vector<Point> points;
        for (const Point& point : series.points) {
            points.push_back(frame.at(point));
        }
        document.polyline(points, style);
        const double y = frame.top + 14 + 16 * static_cast<double>(i);
        document.line({frame.left + 10, y - 4}, {frame.left + 34, y - 4}, style);
        document.text({frame.left + 40, y}, series.name, legend_text);
    }
}

}  // namespace detail

/// The plot as a whole SVG document.
[[nodiscard]] inline std::string render(const LinePlot& plot) {
    Document document(plot.width, plot.height);
    const detail::Frame frame = detail::frame_for(plot);
    detail::draw_axes(document, frame, plot);
    detail::draw_series(document, frame, plot);
    return document.str();
}

}  // namespace lab_app::svg

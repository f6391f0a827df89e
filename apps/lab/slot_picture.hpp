// A row of memory slots, some holding an element and some raw, with
// markers under chosen slots: what picture_queue.hpp and picture_stack.hpp
// draw a live container as, in the terminal (to_text) or as SVG (to_svg).
//
//     Queue: size 4, capacity 8
//       0    1    2    3    4    5    6    7
//     +----+----+----+----+----+----+----+----+
//     | 30 | 40 |    |    |    |    | 10 | 20 |
//     +----+----+----+----+----+----+----+----+
//                 ^ tail: the next push goes here (slot 2)
//                                     ^ head: the front, popped next (slot 6)
#pragma once

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "svg.hpp"

namespace lab_app {

/// A note under one slot.
struct Marker {
    std::size_t slot = 0;
    std::string label;
};

/// A block of `slots.size()` slots: each holds an element's label, or
/// nothing (raw memory, no object).
struct SlotPicture {
    std::string title;
    std::vector<std::optional<std::string>> slots;
    std::vector<Marker> markers;
};

/// An element as a picture shows it: numbers in decimal, strings as they are.
struct DefaultLabel {
    template <class T>
    std::string operator()(const T& value) const {
        if constexpr (std::is_arithmetic_v<T>) {
            char buffer[32] = {};
            const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
            return std::string(buffer, result.ptr);
        } else {
            return std::string(std::string_view(value));
        }
    }
};

namespace picture_detail {

inline std::size_t cell_width(const SlotPicture& picture) {
    std::size_t width = std::to_string(picture.slots.size()).size();
    for (const auto& slot : picture.slots) {
        width = std::max(width, slot ? slot->size() : 0);
    }
    return width + 2;
}

inline std::string centred(std::string_view text, std::size_t width) {
    const std::size_t left = (width - std::min(width, text.size())) / 2;
    std::string line(left, ' ');
    line += text;
    line.resize(std::max(line.size(), width), ' ');
    return line;
}

inline std::string without_trailing_spaces(std::string line) {
    line.erase(line.find_last_not_of(' ') + 1);
    return line;
}

}  // namespace picture_detail

/// The picture as lines of plain ASCII text (element labels as they are),
/// each ending with a newline.
[[nodiscard]] inline std::string to_text(const SlotPicture& picture) {
    using namespace picture_detail;
    std::string text = picture.title + "\n";
    if (picture.slots.empty()) {
        return text + "(no block allocated)\n";
    }
    const std::size_t width = cell_width(picture);
    std::string numbers = " ";
    std::string border = "+";
    std::string cells = "|";
    for (std::size_t slot = 0; slot < picture.slots.size(); ++slot) {
        numbers += centred(std::to_string(slot), width) + " ";
        border += std::string(width, '-') + "+";
        cells += centred(picture.slots[slot].value_or(""), width) + "|";
    }
    text += without_trailing_spaces(numbers) + "\n" + border + "\n" + cells + "\n" + border + "\n";
    for (const Marker& marker : picture.markers) {
        const std::size_t column = 1 + marker.slot * (width + 1) + (width - 1) / 2;
        text += std::string(column, ' ') + "^ " + marker.label + "\n";
    }
    return text;
}

namespace picture_detail {

constexpr double left = 20;     // margin
constexpr double cell = 44;     // a slot's side
constexpr double row = 18;      // a marker's line
constexpr double heading = 40;  // the title and the slot numbers

/// The height draw() uses for `picture`.
inline double height_of(const SlotPicture& picture) {
    return heading + cell + row * static_cast<double>(picture.markers.size() + 1) + 10;
}

}  // namespace picture_detail

/// Draws the picture into `document` from height `top`; returns the height used.
inline double draw(svg::Document& document, const SlotPicture& picture, double top) {
    using namespace picture_detail;
    document.text({left, top + 16}, picture.title, svg::TextStyle{14, svg::Anchor::start});
    const double cells_top = top + heading;
    for (std::size_t slot = 0; slot < picture.slots.size(); ++slot) {
        const double x = left + cell * static_cast<double>(slot);
        const bool live = picture.slots[slot].has_value();
        document.text({x + cell / 2, cells_top - 6}, std::to_string(slot),
                      svg::TextStyle{10, svg::Anchor::middle, "#666666"});
        document.rect({x, cells_top}, cell, cell,
                      svg::Style{live ? "#cfe3f7" : "#f4f4f4", "black", 1, !live});
        document.text({x + cell / 2, cells_top + cell / 2 + 5}, picture.slots[slot].value_or(""),
                      svg::TextStyle{13, svg::Anchor::middle, "black", false, true});
    }
    double y = cells_top + cell + row;
    for (const Marker& marker : picture.markers) {
        const double x = left + cell * (static_cast<double>(marker.slot) + 0.5);
        document.line({x, cells_top + cell + 2}, {x, y - 4}, svg::Style{"none", "#d62728", 1.5});
        document.text({x + 6, y}, marker.label, svg::TextStyle{12, svg::Anchor::start, "#d62728"});
        y += row;
    }
    return height_of(picture);
}

/// Several pictures (the steps of a sequence of operations), one under the
/// other, as one SVG document.
[[nodiscard]] inline std::string to_svg(const std::vector<SlotPicture>& pictures) {
    using namespace picture_detail;
    std::size_t widest = 4;
    double height = 20;
    for (const SlotPicture& picture : pictures) {
        widest = std::max(widest, picture.slots.size());
        height += height_of(picture);
    }
    // Room on the right for the markers' labels.
    svg::Document document(2 * left + cell * static_cast<double>(widest) + 320, height);
    double top = 10;
    for (const SlotPicture& picture : pictures) {
        top += draw(document, picture, top);
    }
    return document.str();
}

/// One picture as one SVG document.
[[nodiscard]] inline std::string to_svg(const SlotPicture& picture) {
    return to_svg(std::vector<SlotPicture>{picture});
}

}  // namespace lab_app

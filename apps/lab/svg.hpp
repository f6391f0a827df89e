// A tiny SVG 1.1 writer for telechat-lab's pictures and plots: rectangles,
// lines, polylines and text into a Document, and a line plot with axes,
// ticks, a legend and several series (svg_plot.hpp). No dependency, no I/O:
// it returns strings, and the same input gives the same bytes (numbers are
// written with std::to_chars, whatever the locale), so tests compare them.
#pragma once

#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace lab_app::svg {

/// A point in the document's coordinates: x to the right, y downwards.
struct Point {
    double x = 0;
    double y = 0;
};

/// How a shape is painted.
struct Style {
    std::string fill = "none";
    std::string stroke = "black";
    double stroke_width = 1;
    bool dashed = false;
};

/// How a text is set.
enum class Anchor { start, middle, end };
struct TextStyle {
    double size = 12;
    Anchor anchor = Anchor::start;
    std::string fill = "black";
    bool bold = false;
    bool monospace = false;
};

/// A number as SVG wants it: at most two decimals, no trailing zeros, no
/// exponent, a dot whatever the locale; "-0" is written "0".
[[nodiscard]] inline std::string number(double value) {
    const double rounded = std::round(value * 100) / 100;
    std::array<char, 64> buffer{};
    const auto [end, error] =
        std::to_chars(buffer.data(), buffer.data() + buffer.size(), rounded == 0 ? 0.0 : rounded,
                      std::chars_format::fixed, 2);
    if (error != std::errc{}) {
        return "0";
    }
    std::string text(buffer.data(), end);
    while (text.back() == '0') {
        text.pop_back();
    }
    if (text.back() == '.') {
        text.pop_back();
    }
    return text;
}

/// `text` with the five XML special characters escaped, for element
/// content and attribute values alike.
[[nodiscard]] inline std::string escape(std::string_view text) {
    std::string escaped;
    escaped.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                escaped += "&amp;";
                break;
            case '<':
                escaped += "&lt;";
                break;
            case '>':
                escaped += "&gt;";
                break;
            case '"':
                escaped += "&quot;";
                break;
            case '\'':
                escaped += "&apos;";
                break;
            default:
                escaped += c;
        }
    }
    return escaped;
}

/// An SVG document being drawn: shapes are appended in order (later ones on
/// top), and str() gives the whole file.
class Document {
public:
    Document(double width, double height) : m_width(width), m_height(height) {}

    [[nodiscard]] double width() const noexcept { return m_width; }
    [[nodiscard]] double height() const noexcept { return m_height; }

    void rect(Point corner, double width, double height, const Style& style) {
        m_body += "<rect x=\"" + number(corner.x) + "\" y=\"" + number(corner.y) + "\" width=\"" +
                  number(width) + "\" height=\"" + number(height) + "\"" + paint(style) + "/>\n";
    }

    void line(Point from, Point to, const Style& style) {
        m_body += "<line x1=\"" + number(from.x) + "\" y1=\"" + number(from.y) + "\" x2=\"" +
                  number(to.x) + "\" y2=\"" + number(to.y) + "\"" + paint(style) + "/>\n";
    }

    void polyline(const std::vector<Point>& points, const Style& style) {
        std::string coordinates;
        for (const Point& point : points) {
            if (!coordinates.empty()) {
                coordinates += ' ';
            }
            coordinates += number(point.x) + "," + number(point.y);
        }
        m_body += "<polyline points=\"" + coordinates + "\"" + paint(style) + "/>\n";
    }

    void text(Point at, std::string_view content, const TextStyle& style) {
        m_body += "<text x=\"" + number(at.x) + "\" y=\"" + number(at.y) + "\" font-size=\"" +
                  number(style.size) + "\" font-family=\"" +
                  (style.monospace ? "monospace" : "sans-serif") + "\" text-anchor=\"" +
                  anchor_name(style.anchor) + "\" fill=\"" + escape(style.fill) + "\"" +
                  (style.bold ? " font-weight=\"bold\"" : "") + ">" + escape(content) + "</text>\n";
    }

    /// The whole document: an XML declaration and one <svg> element.
    [[nodiscard]] std::string str() const {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" +
               number(m_width) + "\" height=\"" + number(m_height) + "\" viewBox=\"0 0 " +
               number(m_width) + " " + number(m_height) + "\">\n" +
               "<rect x=\"0\" y=\"0\" width=\"" + number(m_width) + "\" height=\"" +
               number(m_height) + "\" fill=\"white\"/>\n" + m_body + "</svg>\n";
    }

private:
    static std::string paint(const Style& style) {
        return " fill=\"" + escape(style.fill) + "\" stroke=\"" + escape(style.stroke) +
               "\" stroke-width=\"" + number(style.stroke_width) + "\"" +
               (style.dashed ? " stroke-dasharray=\"6,4\"" : "");
    }

    static const char* anchor_name(Anchor anchor) {
        switch (anchor) {
            case Anchor::middle:
                return "middle";
            case Anchor::end:
                return "end";
            case Anchor::start:
                break;
        }
        return "start";
    }

    double m_width;
    double m_height;
    std::string m_body;
};

}  // namespace lab_app::svg

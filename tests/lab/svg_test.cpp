// The lab's SVG writer (apps/lab/svg.hpp, svg_plot.hpp): numbers and text
// written safely and the same way every time, documents that are well formed.
#include "../../apps/lab/svg.hpp"
#include "../../apps/lab/svg_plot.hpp"

#include <catch2/catch.hpp>

#include <string>

#include "svg_check.hpp"

using namespace lab_app::svg;
using lab_test::occurrences;
using lab_test::svg_problem;

TEST_CASE("SVG: numbers have at most two decimals, no trailing zeros, and a dot", "[lab][svg]") {
    REQUIRE(number(0) == "0");
    REQUIRE(number(-0.0) == "0");
    REQUIRE(number(-0.001) == "0");
    REQUIRE(number(12) == "12");
    REQUIRE(number(0.5) == "0.5");
    REQUIRE(number(1234.567) == "1234.57");
    REQUIRE(number(-3.25) == "-3.25");
    REQUIRE(number(1e6) == "1000000");
}

TEST_CASE("SVG: text and attribute values are escaped", "[lab][svg]") {
    REQUIRE(escape("a < b && c > \"d\" 'e'") ==
            "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &apos;e&apos;");
    Document document(100, 50);
    document.text({10, 20}, "x<y & \"z\"", TextStyle{});
    const std::string svg = document.str();
    REQUIRE(svg.find("x&lt;y &amp; &quot;z&quot;") != std::string::npos);
    REQUIRE(svg_problem(svg).empty());
}

TEST_CASE("SVG: a small document, byte for byte", "[lab][svg]") {
    Document document(120, 60);
    document.rect({10, 10}, 30, 20, Style{"#cfe3f7", "black", 1, false});
    document.line({0, 0}, {120, 60}, Style{"none", "red", 1.5, true});
    document.polyline({{0, 60}, {60, 0.125}, {120, 60}}, Style{});
    document.text({60, 55}, "hi", TextStyle{12, Anchor::middle, "black", true, true});
    REQUIRE(document.str() ==
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"120\" "
            "height=\"60\" viewBox=\"0 0 120 60\">\n"
            "<rect x=\"0\" y=\"0\" width=\"120\" height=\"60\" fill=\"white\"/>\n"
            "<rect x=\"10\" y=\"10\" width=\"30\" height=\"20\" fill=\"#cfe3f7\" "
            "stroke=\"black\" stroke-width=\"1\"/>\n"
            "<line x1=\"0\" y1=\"0\" x2=\"120\" y2=\"60\" fill=\"none\" stroke=\"red\" "
            "stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>\n"
            "<polyline points=\"0,60 60,0.13 120,60\" fill=\"none\" stroke=\"black\" "
            "stroke-width=\"1\"/>\n"
            "<text x=\"60\" y=\"55\" font-size=\"12\" font-family=\"monospace\" "
            "text-anchor=\"middle\" fill=\"black\" font-weight=\"bold\">hi</text>\n"
            "</svg>\n");
    REQUIRE(svg_problem(document.str()).empty());
}

TEST_CASE("SVG: the well-formedness check itself catches broken documents", "[lab][svg]") {
    REQUIRE_FALSE(svg_problem("<svg><g></svg>").empty());
    REQUIRE_FALSE(svg_problem("<svg><text>a < b</text></svg>").empty());
    REQUIRE_FALSE(svg_problem("<svg><text>a & b</text></svg>").empty());
    REQUIRE_FALSE(svg_problem("<svg><rect x=\"1/></svg>").empty());
    REQUIRE_FALSE(svg_problem("<rect/>").empty());
    REQUIRE(svg_problem("<svg><text>a &amp; b</text><rect x=\"1\"/></svg>").empty());
}

TEST_CASE("SVG: ticks fall on 1, 2 or 5 times a power of ten", "[lab][svg]") {
    REQUIRE(nice_step(0.17) == Approx(0.2));
    REQUIRE(nice_step(3) == Approx(5));
    REQUIRE(nice_step(7) == Approx(10));
    REQUIRE(nice_step(1000) == Approx(1000));
    const Axis axis = axis_for(0.1, 0.95);
    REQUIRE(axis.step == Approx(0.2));
    REQUIRE(axis.low == Approx(0));
    REQUIRE(axis.high == Approx(1));
    const Axis flat = axis_for(3, 3);  // one value: still a range to draw
    REQUIRE(flat.high > flat.low);
}

TEST_CASE("SVG: a line plot has its axes, ticks, legend and every series", "[lab][svg]") {
    LinePlot plot;
    plot.title = "probes & load";
    plot.x_label = "load factor";
    plot.y_label = "probes";
    plot.series.push_back({"measured", {{0.1, 1.1}, {0.5, 1.5}, {0.9, 5.5}}, false, ""});
    plot.series.push_back({"Knuth", {{0.1, 1.05}, {0.5, 1.5}, {0.9, 5.5}}, true, "#000000"});
    const std::string svg = render(plot);
    REQUIRE(svg_problem(svg).empty());
    REQUIRE(svg == render(plot));  // deterministic
    REQUIRE(occurrences(svg, "<polyline") == 2U);
    REQUIRE(svg.find("probes &amp; load") != std::string::npos);
    REQUIRE(svg.find(">measured</text>") != std::string::npos);
    REQUIRE(svg.find(">Knuth</text>") != std::string::npos);
    REQUIRE(svg.find("stroke=\"#000000\" stroke-width=\"2\" stroke-dasharray") !=
            std::string::npos);
    // x ticks 0, 0.2, ..., 1 and y ticks 0, 1, ..., 6.
    REQUIRE(svg.find(">0.4</text>") != std::string::npos);
    REQUIRE(svg.find(">6</text>") != std::string::npos);
    REQUIRE(svg.find(">7</text>") == std::string::npos);
}

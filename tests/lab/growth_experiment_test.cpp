// The growth experiment (apps/lab/growth_experiment.hpp, growth_report.hpp):
// its counts for N = 100 and N = 8, worked out by hand from each rule's
// capacities, and its table, CSV and plot.
#include "../../apps/lab/growth_experiment.hpp"
#include "../../apps/lab/growth_report.hpp"

#include <catch2/catch.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "svg_check.hpp"

using namespace lab_app;

namespace {

const GrowthRow& row_of(const std::vector<GrowthRow>& rows, const std::string& container,
                        const std::string& rule, const std::string& element) {
    for (const GrowthRow& row : rows) {
        if (row.container == container && row.rule == rule && row.element == element) {
            return row;
        }
    }
    FAIL("no row " << container << " " << rule << " " << element);
    return rows.front();
}

}  // namespace

TEST_CASE("Growth experiment: 100 elements under x2 and x1.5", "[lab][growth]") {
    const std::vector<GrowthRow> rows = growth_experiment({100}, true);
    REQUIRE(rows.size() == 8U);
    for (const std::string container : {"Stack", "Queue"}) {
        INFO(container);
        // x2: blocks of 8, 16, 32, 64, 128; each growth moves the block it leaves.
        const GrowthRow& doubling = row_of(rows, container, "Doubling", "noexcept-move");
        REQUIRE(doubling.elements == 100U);
        REQUIRE(doubling.element_bytes == 16U);
        REQUIRE(doubling.allocations == 5U);
        REQUIRE(doubling.moves == 8U + 16U + 32U + 64U);
        REQUIRE(doubling.copies == 0U);
        REQUIRE(doubling.peak_capacity == 128U);
        REQUIRE(doubling.peak_bytes == std::size_t{64 + 128} * 16U);
        REQUIRE(doubling.final_capacity == 128U);
        REQUIRE(doubling.final_waste() == Approx(28.0 / 128.0));
        REQUIRE(doubling.reusable_growths == 0U);  // 8 + ... + c/2 < 2c, always

        // x1.5: blocks of 8, 12, 18, 27, 40, 60, 90, 135. Freed before the
        // growth to 60: 8 + 12 + 18 + 27 = 65 >= 60; to 90: 105; to 135: 165.
        const GrowthRow& half_again = row_of(rows, container, "HalfAgain", "noexcept-move");
        REQUIRE(half_again.allocations == 8U);
        REQUIRE(half_again.moves == 8U + 12U + 18U + 27U + 40U + 60U + 90U);
        REQUIRE(half_again.peak_capacity == 135U);
        REQUIRE(half_again.peak_bytes == std::size_t{90 + 135} * 16U);
        REQUIRE(half_again.reusable_growths == 3U);

        // A move that may throw is not used: growth copies instead.
        const GrowthRow& copied = row_of(rows, container, "Doubling", "throwing-move");
        REQUIRE(copied.moves == 0U);
        REQUIRE(copied.copies == doubling.moves);
    }
}

TEST_CASE("Growth experiment: the mean waste averages the empty share over every size",
          "[lab][growth]") {
    // Sizes 1..8 in a block of 8: (7 + 6 + ... + 0) / 8 / 8 = 0.4375.
    const GrowthRow row =
        measure_growth<telechat::Stack<CountingElement<true>>>("Stack", "Doubling", 8);
    REQUIRE(row.mean_waste == Approx(0.4375));
    REQUIRE(row.allocations == 1U);
    REQUIRE(row.moves == 0U);
    REQUIRE(measure_growth<telechat::Stack<CountingElement<true>>>("Stack", "Doubling", 0)
                .allocations == 0U);
}

TEST_CASE("Growth experiment: the table and the CSV carry every row", "[lab][growth]") {
    const std::vector<GrowthRow> rows = growth_experiment({100});
    const std::string table = growth_table(rows);
    REQUIRE(table.starts_with("container  rule       element"));
    REQUIRE(
        table.find("\nStack      Doubling   noexcept-move  100       5    120       0      "
                   "1.20       128        3072        128        21.9%       29.5%         0\n") !=
        std::string::npos);
    REQUIRE(table.find("16-byte elements") != std::string::npos);

    const std::string csv = growth_csv(rows);
    REQUIRE(
        csv.starts_with("container,rule,element,elements,element_bytes,allocations,moves,"
                        "copies,moves_per_element,peak_capacity,peak_bytes,final_capacity,"
                        "final_waste,mean_waste,reusable_growths\n"));
    REQUIRE(lab_test::occurrences(csv, "\n") == 5U);
    REQUIRE(
        csv.find("\nQueue,HalfAgain,noexcept-move,100,16,8,255,0,2.5500,135,3600,135,0.2593,") !=
        std::string::npos);
}

TEST_CASE("Growth experiment: the capacity plot draws both staircases", "[lab][growth]") {
    const lab_app::svg::LinePlot plot = growth_plot(100);
    REQUIRE(plot.series.size() == 3U);
    // x2: up at 0 to 8, then flat to 8, up to 16, ..., up at 64 to 128, flat to 100.
    const auto& doubling = plot.series[0].points;
    REQUIRE(doubling.size() == 11U);
    REQUIRE(doubling.back().x == Approx(100));
    REQUIRE(doubling.back().y == Approx(128));
    const std::string svg = lab_app::svg::render(plot);
    REQUIRE(lab_test::svg_problem(svg).empty());
}

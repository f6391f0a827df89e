// The hash lab (apps/lab/hash_*.hpp): probe counts that agree with the
// textbook's formulas, the CSV contract, the pictures read from a live
// table, and telechat-lab's command line.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "../../apps/lab/hash_experiment.hpp"
#include "../../apps/lab/hash_figures.hpp"
#include "../../apps/lab/hash_picture.hpp"
#include "../../apps/lab/hash_report.hpp"
#include "svg_check.hpp"

using namespace lab_app;
using namespace telechat::hashing;

namespace {

HashExperiment probes_only(std::vector<double> load_factors) {
    HashExperiment experiment;
    experiment.buckets = std::size_t{1} << 16;
    experiment.load_factors = std::move(load_factors);
    experiment.timing = false;
    return experiment;
}

}  // namespace

TEST_CASE("Hash lab: linear probing's probes agree with Knuth's formulas", "[lab][hash]") {
    for (const HashRow& row : measure_hash<LinearProbing, PowerOfTwo>(probes_only({0.5, 0.8}))) {
        const Prediction knuth = predicted_probes(row.collision, row.load_factor);
        INFO("load factor " << row.load_factor);
        CHECK(row.mean_probes_hit == Approx(*knuth.hit).epsilon(0.03));
        CHECK(row.mean_probes_miss == Approx(*knuth.miss).epsilon(0.08));
        CHECK(row.buckets == 65536U);
        CHECK(row.max_probes > 1U);
    }
}

TEST_CASE("Hash lab: chaining's probes agree with 1 + a/2 and a", "[lab][hash]") {
    for (const HashRow& row : measure_hash<SeparateChaining, Prime>(probes_only({0.3, 0.9}))) {
        INFO("load factor " << row.load_factor);
        CHECK(row.buckets == 65521U);  // the largest prime of the rule up to 2^16
        CHECK(row.mean_probes_hit == Approx(1 + row.load_factor / 2).epsilon(0.02));
        CHECK(row.mean_probes_miss == Approx(row.load_factor).epsilon(0.05));
    }
}

TEST_CASE("Hash lab: Robin Hood changes who waits, not how long on average", "[lab][hash]") {
    // The same keys in the same buckets: the total of the displacements does
    // not depend on which key yields, so the mean hit cost is linear probing's,
    // while the longest shrinks and a miss stops early.
    const auto linear = measure_hash<LinearProbing, PowerOfTwo>(probes_only({0.9}));
    const auto robin_hood = measure_hash<RobinHood, PowerOfTwo>(probes_only({0.9}));
    CHECK(robin_hood[0].mean_probes_hit == Approx(linear[0].mean_probes_hit).epsilon(1e-12));
    CHECK(robin_hood[0].max_probes * 4 < linear[0].max_probes);
    CHECK(robin_hood[0].mean_probes_miss * 4 < linear[0].mean_probes_miss);
}

TEST_CASE("Hash lab: GroupProbing reads about one group where linear probing reads runs",
          "[lab][hash]") {
    const auto linear = measure_hash<LinearProbing, PowerOfTwo>(probes_only({0.9}));
    const auto grouped = measure_hash<GroupProbing, PowerOfTwo>(probes_only({0.9}));
    CHECK(grouped[0].load_factor == Approx(linear[0].load_factor));
    CHECK(grouped[0].mean_probes_hit < 1.5);
    CHECK(grouped[0].mean_probes_hit * 3 < linear[0].mean_probes_hit);
    CHECK(grouped[0].mean_probes_miss * 10 < linear[0].mean_probes_miss);
}

TEST_CASE("Hash lab: primary clustering, linear against quadratic probing at 0.9", "[lab][hash]") {
    const auto linear = measure_hash<LinearProbing, PowerOfTwo>(probes_only({0.9}));
    const auto quadratic = measure_hash<QuadraticProbing, PowerOfTwo>(probes_only({0.9}));
    CHECK(quadratic[0].load_factor == Approx(linear[0].load_factor));
    CHECK(quadratic[0].mean_probes_miss * 3 < linear[0].mean_probes_miss);
    CHECK(quadratic[0].mean_probes_hit < linear[0].mean_probes_hit);
}

TEST_CASE("Hash lab: every combination, CSV with the contract's header", "[lab][hash]") {
    std::size_t progress_calls = 0;
    const auto rows = measure_all_hash(probes_only({0.5}), [&](std::size_t done, std::size_t all) {
        CHECK(done == ++progress_calls);
        CHECK(all == 10U);
    });
    REQUIRE(rows.size() == 10U);
    CHECK(std::string(hash_csv_header) ==
          "collision,sizing,load_factor,mean_probes_hit,mean_probes_miss,max_probes,ns_find_hit,"
          "ns_find_miss,ns_insert");
    CHECK(csv_line(rows[0]).starts_with("SeparateChaining,PowerOfTwo,0.5000,"));
    CHECK(csv_line(rows[7]).starts_with("RobinHood,Prime,"));
    CHECK(csv_line(rows[9]).starts_with("GroupProbing,Prime,"));
    const auto report = report_lines(rows, false);
    CHECK(std::find(report.begin(), report.end(), "QuadraticProbing over Prime, 65521 buckets") !=
          report.end());
    for (const bool hits : {true, false}) {
        CHECK(lab_test::svg_problem(probes_plot(rows, hits)).empty());
    }
    CHECK(lab_test::svg_problem(time_plot(rows)).empty());
}

TEST_CASE("Hash lab: a picture is read from the table's own index", "[lab][hash][picture]") {
    HashPictureSettings settings;
    settings.sizing = "Prime";  // home = key % 7: checkable by hand
    settings.buckets = 7;
    settings.keys = {3, 10, 17, 4};
    settings.erase = {10};
    settings.collision = "LinearProbing";
    const auto linear = draw_hash_pictures(settings);
    REQUIRE(linear);
    const std::string title =
        "LinearProbing over Prime: 7 buckets, 3 entries (load 0.43), 1 tombstone";
    CHECK(linear->lines == std::vector<std::string>{"the table:", title, "  0 |", "  1 |", "  2 |",
                                                    "  3 | 3 (home 3)", "  4 | (deleted)",
                                                    "  5 | 17 (home 3, probe 3)",
                                                    "  6 | 4 (home 4, probe 3)"});
    CHECK(lab_test::svg_problem(linear->svg).empty());

    settings.collision = "SeparateChaining";
    const auto chained = draw_hash_pictures(settings);
    REQUIRE(chained);
    CHECK(chained->lines[5] == "  3 | 17 (home 3) -> 3 (home 3, probe 2)");

    // One group holds all 7 buckets (and 9 of padding): every key is at
    // home, a new one takes the group's first free bucket, and the erase
    // empties its bucket, no tombstone, since the group has empty ones.
    settings.collision = "GroupProbing";
    const auto grouped = draw_hash_pictures(settings);
    REQUIRE(grouped);
    CHECK(grouped->lines ==
          std::vector<std::string>{
              "the table:", "GroupProbing over Prime: 7 buckets, 3 entries (load 0.43)",
              "  0 | 3 (home 3)", "  1 |", "  2 | 17 (home 3)", "  3 | 4 (home 4)", "  4 |",
              "  5 |", "  6 |"});
    CHECK(lab_test::svg_problem(grouped->svg).empty());

    settings.sizing = "Fibonacci";
    CHECK_FALSE(draw_hash_pictures(settings).has_value());
}

#ifdef TELECHAT_LAB_PATH
namespace {

struct Run {
    int status = -1;
    std::string out;
};

Run run_lab(const std::string& arguments) {
    Run run;
    FILE* pipe = ::popen((std::string(TELECHAT_LAB_PATH) + " " + arguments + " 2>&1").c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    for (std::size_t got = 0; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
        run.out.append(buffer, got);
    }
    const int status = ::pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

}  // namespace

TEST_CASE("telechat-lab: bad options get the usage hint and exit 2", "[lab][cli]") {
    for (const char* arguments :
         {"", "hashes", "hash --buckets", "hash --buckets many", "hash --load-factors 0.5,1.2",
          "hash --frobnicate", "picture", "picture graph", "picture hash --collision Cuckoo",
          "picture queue --growth triple", "picture stack --ops 'push x'", "growth --sizes 0"}) {
        INFO("telechat-lab " << arguments);
        const Run run = run_lab(arguments);
        CHECK(run.status == 2);
        CHECK(run.out.find("(try --help)") != std::string::npos);
    }
    const Run help = run_lab("--help");
    CHECK(help.status == 0);
    CHECK(help.out.starts_with("usage: telechat-lab COMMAND"));
}

TEST_CASE("telechat-lab: hash --csv and picture hash", "[lab][cli]") {
    const Run csv = run_lab("hash --buckets 4096 --load-factors 0.5 --no-timing --csv");
    CHECK(csv.status == 0);
    CHECK(csv.out.starts_with(std::string(hash_csv_header) + "\n"));
    CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 11);  // the header and 10 rows
    const Run picture = run_lab(
        "picture hash --collision LinearProbing --sizing Prime --buckets 7 --keys 3,10 --steps");
    CHECK(picture.status == 0);
    CHECK(picture.out.find("after insert 10:") != std::string::npos);
    CHECK(picture.out.find("  4 | 10 (home 3, probe 2)") != std::string::npos);
}
#endif

// telechat-lab: the data-structures course's experiments, run on TeleChat's
// own containers. `hash` measures every collision strategy and sizing rule
// against the textbook; `picture` draws a small live container as it is in
// memory. Everything it shows is read from the objects themselves.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "growth_experiment.hpp"
#include "growth_report.hpp"
#include "hash_experiment.hpp"
#include "hash_figures.hpp"
#include "hash_picture.hpp"
#include "hash_report.hpp"
#include "operations.hpp"
#include "options.hpp"
#include "picture_queue.hpp"
#include "picture_stack.hpp"

namespace {

// Writes `text` to `path`, or stops the program saying why it could not.
void write_file(const std::string& path, const std::string& text) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    const bool written =
        file != nullptr && std::fwrite(text.data(), 1, text.size(), file) == text.size();
    if (file == nullptr || std::fclose(file) != 0 || !written) {
        std::fprintf(stderr, "telechat-lab: cannot write %s\n", path.c_str());
        std::exit(1);
    }
}

constexpr const char* usage_text = R"(usage: telechat-lab COMMAND [options]

Experiments for the data-structures course, on TeleChat's own containers.

  telechat-lab hash [--buckets N] [--load-factors A,B,...] [--seed S] [--csv]
                    [--no-timing] [--svg DIR]
      Fills a table of every collision strategy (SeparateChaining,
      LinearProbing, QuadraticProbing, RobinHood, GroupProbing) over every
      sizing rule (PowerOfTwo, Prime) with random 64-bit keys to each load
      factor, and measures the probes of a search (hit and miss) and the time
      of find and insert, beside the textbook's predictions. A probe is one
      bucket (or chain node) a search examines, the last one included; for
      GroupProbing, one group of 16 buckets. --csv writes CSV
      to stdout; --svg writes hash_probes_hit.svg, hash_probes_miss.svg and
      hash_time.svg into DIR. Defaults: 262144 buckets, load factors
      0.1,0.2,...,0.9,0.95, seed 1.

  telechat-lab growth [--sizes N,N,...] [--throwing-move] [--csv] [--svg FILE]
      Pushes N elements into a Stack and a Queue growing by 2 (Doubling) and
      by 1.5 (HalfAgain), and counts allocations, elements moved or copied,
      peak and wasted memory. Default sizes: 1000,100000,1000000.

  telechat-lab picture hash [--collision C] [--sizing S] [--buckets N]
                            [--keys K,K,...] [--erase K,K,...] [--steps] [--svg FILE]
      Draws a small table as it is in memory: each bucket, its entry's home
      and probe length, tombstones, chains. --steps draws it after each
      insert and erase. C is SeparateChaining, LinearProbing,
      QuadraticProbing, RobinHood or GroupProbing (buckets in groups of 16;
      probe: groups read). Defaults: RobinHood, PowerOfTwo, 16 buckets, ten keys.

  telechat-lab picture queue|stack [--growth doubling|half-again]
                                   [--ops "push 1, push 2, pop"] [--steps] [--svg FILE]
      Draws a small Queue (its ring buffer, head and tail) or Stack (size and
      capacity) after the operations; --steps after each of them.

  telechat-lab --help
      This text.

Exit codes: 0 done, 1 a file could not be written, 2 bad usage.
)";

int run_hash(lab_app::Options& options) {
    lab_app::HashExperiment experiment;
    experiment.buckets = options.size("--buckets", experiment.buckets, 8, std::size_t{1} << 26);
    experiment.load_factors =
        options.fractions("--load-factors", experiment.load_factors, 0.01, 0.95);
    experiment.seed = options.size("--seed", 1, 0, SIZE_MAX);
    const bool csv = options.flag("--csv");
    experiment.timing = !options.flag("--no-timing");
    const std::string svg_directory = options.text("--svg", "");
    options.require_all_used();

    // About 10 ns per probe-counted search and 3 timed passes of each:
    // say so when a run will take long, and show progress.
    double operations = 0;
    for (const double alpha : experiment.load_factors) {
        operations +=
            alpha * static_cast<double>(experiment.buckets) * (experiment.timing ? 14 : 3);
    }
    const double seconds = operations * 8 * 60e-9;
    if (seconds > 20) {
        std::fprintf(stderr, "telechat-lab: this run takes about %.0f s\n", seconds);
    }
    const auto rows = lab_app::measure_all_hash(experiment, [&](std::size_t done, std::size_t all) {
        if (seconds > 20) {
            std::fprintf(stderr, "  %zu of %zu combinations done\n", done, all);
        }
    });
    if (!svg_directory.empty()) {
        write_file(svg_directory + "/hash_probes_hit.svg", lab_app::probes_plot(rows, true));
        write_file(svg_directory + "/hash_probes_miss.svg", lab_app::probes_plot(rows, false));
        write_file(svg_directory + "/hash_time.svg", lab_app::time_plot(rows));
    }
    if (csv) {
        std::printf("%s\n", lab_app::hash_csv_header);
        for (const auto& row : rows) {
            std::printf("%s\n", lab_app::csv_line(row).c_str());
        }
    } else {
        for (const auto& line : lab_app::report_lines(rows, experiment.timing)) {
            std::printf("%s\n", line.c_str());
        }
    }
    return 0;
}

int run_growth(lab_app::Options& options) {
    std::vector<std::size_t> sizes;
    for (const double size : options.fractions("--sizes", {1000, 100000, 1000000}, 1, 1e8)) {
        sizes.push_back(static_cast<std::size_t>(size));
    }
    const bool throwing_move = options.flag("--throwing-move");
    const bool csv = options.flag("--csv");
    const std::string svg_file = options.text("--svg", "");
    options.require_all_used();
    const auto rows = lab_app::growth_experiment(sizes, throwing_move);
    std::fputs((csv ? lab_app::growth_csv(rows) : lab_app::growth_table(rows)).c_str(), stdout);
    if (!svg_file.empty()) {
        write_file(svg_file, lab_app::svg::render(lab_app::growth_plot(sizes.front())));
    }
    return 0;
}

// Prints the pictures of a Queue or Stack (the last, or each with `steps`),
// or writes them as one SVG.
int show_slot_pictures(std::vector<lab_app::SlotPicture> pictures, bool steps,
                       const std::string& svg_file) {
    if (!steps) {
        pictures.erase(pictures.begin(), pictures.end() - 1);
    }
    if (!svg_file.empty()) {
        write_file(svg_file, lab_app::to_svg(pictures));
        return 0;
    }
    for (const std::string& text : lab_app::to_texts(pictures)) {
        std::printf("%s\n", text.c_str());
    }
    return 0;
}

template <class Growth>
int draw_sequence(bool queue, const std::vector<lab_app::Operation>& operations, bool steps,
                  const std::string& svg_file) {
    return show_slot_pictures(queue ? lab_app::queue_step_pictures<Growth>(operations)
                                    : lab_app::stack_step_pictures<Growth>(operations),
                              steps, svg_file);
}

int run_sequence_picture(lab_app::Options& options, bool queue) {
    const std::string growth = options.text("--growth", "doubling");
    const std::string ops = options.text("--ops", "");
    const bool steps = options.flag("--steps");
    const std::string svg_file = options.text("--svg", "");
    options.require_all_used();
    std::vector<lab_app::Operation> operations =
        queue ? lab_app::default_queue_operations() : lab_app::default_stack_operations();
    if (!ops.empty()) {
        const auto parsed = lab_app::parse_operations(ops);
        if (!parsed) {
            lab_app::usage_error("--ops: '" + ops + "' is not like \"push 1, push 2, pop\"");
        }
        operations = *parsed;
    }
    if (growth == "doubling") {
        return draw_sequence<telechat::growth::Doubling>(queue, operations, steps, svg_file);
    }
    if (growth == "half-again") {
        return draw_sequence<telechat::growth::HalfAgain>(queue, operations, steps, svg_file);
    }
    lab_app::usage_error("--growth: '" + growth + "' is not doubling or half-again");
}

int run_picture(lab_app::Options& options) {
    const std::string what = options.next_word("picture needs what to draw: hash, queue or stack");
    if (what == "queue" || what == "stack") {
        return run_sequence_picture(options, what == "queue");
    }
    if (what != "hash") {
        lab_app::usage_error("picture: unknown '" + what + "' (hash, queue or stack)");
    }
    lab_app::HashPictureSettings settings;
    settings.collision = options.text("--collision", settings.collision);
    settings.sizing = options.text("--sizing", settings.sizing);
    settings.buckets = options.size("--buckets", settings.buckets, 1, 4096);
    settings.keys = options.integers("--keys", settings.keys);
    settings.erase = options.integers("--erase", {});
    settings.steps = options.flag("--steps");
    const std::string svg_file = options.text("--svg", "");
    options.require_all_used();
    const auto pictures = lab_app::draw_hash_pictures(settings);
    if (!pictures) {
        lab_app::usage_error("picture hash: unknown --collision or --sizing (see --help)");
    }
    if (!svg_file.empty()) {
        write_file(svg_file, pictures->svg);
        return 0;
    }
    for (const auto& line : pictures->lines) {
        std::printf("%s\n", line.c_str());
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        lab_app::Options options(argc, argv, usage_text);
        const std::string command = options.next_word("a command is needed (try --help)");
        if (command == "hash") {
            return run_hash(options);
        }
        if (command == "growth") {
            return run_growth(options);
        }
        if (command == "picture") {
            return run_picture(options);
        }
        lab_app::usage_error("unknown command '" + command + "'");
    } catch (const std::exception& error) {
        std::fprintf(stderr, "telechat-lab: %s\n", error.what());
        return 1;
    }
}

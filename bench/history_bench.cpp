// The durable history log's costs that the load matrix cannot show (issue 19):
//
// (a) startup: a log of 10^6 records (1000 customers x 1000 messages of 40
//     characters, each kept by both users), opened (FileStorage, that is
//     recover_log(): read and check every record) and loaded into a Desk;
//     with the file in the page cache (warm) and evicted from it (cold).
// (b) compaction: the save() that rewrites a log of 10^6 records of which
//     about half are live (history_limit 500): the longest pause the
//     server's loop sees, and its parts.
// (c) append + save per record, for each fsync policy and group size.
//
// Every repetition of (a) and (b) runs in a child process of its own, so
// that its peak RSS is its own. Medians of 5 (3 for (c)).
//
// usage: history_bench [--dir DIR] [--quick]
//   DIR: where the temporary logs go (default /tmp, or the current directory
//   if /tmp is a tmpfs, where an fsync costs nothing).
#include <telechat/desk/desk.hpp>
#include <telechat/desk/history_store.hpp>
#include <telechat/history/file_storage.hpp>
#include <telechat/history/log_format.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

namespace history = telechat::history;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

struct Spread {
    double median = 0;
    double min = 0;
    double max = 0;
};

Spread spread(const std::vector<double>& values) {
    if (values.empty()) {
        return {};
    }
    return {median(values), *std::min_element(values.begin(), values.end()),
            *std::max_element(values.begin(), values.end())};
}

std::string show(const Spread& s, const char* format = "%.1f") {
    char out[96];
    const std::string f = std::string(format) + " [" + format + "-" + format + "]";
    std::snprintf(out, sizeof out, f.c_str(), s.median, s.min, s.max);
    return out;
}

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// Resets the peak RSS (VmHWM) to the current RSS (Linux 4.0 and later).
void reset_peak_rss() {
    std::ofstream("/proc/self/clear_refs") << "5";
}

// The peak RSS since the last reset_peak_rss(), from /proc/self/status.
long peak_since_reset_kib() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmHWM:", 0) == 0) {
            return std::strtol(line.c_str() + 6, nullptr, 10);
        }
    }
    return 0;
}

long current_rss_kib() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0;
    long resident = 0;
    statm >> pages >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// Runs `work` in a child process and returns the numbers it produced.
std::vector<double> in_child(const std::function<std::vector<double>()>& work) {
    std::array<int, 2> pipe_ends{};
    if (pipe(pipe_ends.data()) != 0) {
        throw std::runtime_error("pipe failed");
    }
    std::fflush(stdout);
    const pid_t child = fork();
    if (child < 0) {
        throw std::runtime_error("fork failed");
    }
    if (child == 0) {
        close(pipe_ends[0]);
        int status = 0;
        try {
            const std::vector<double> numbers = work();
            const auto bytes = static_cast<std::size_t>(numbers.size() * sizeof(double));
            if (write(pipe_ends[1], numbers.data(), bytes) != static_cast<ssize_t>(bytes)) {
                status = 1;
            }
        } catch (const std::exception& error) {
            std::fprintf(stderr, "history_bench: %s\n", error.what());
            status = 1;
        }
        std::_Exit(status);
    }
    close(pipe_ends[1]);
    std::vector<double> numbers;
    double value = 0;
    while (read(pipe_ends[0], &value, sizeof value) == static_cast<ssize_t>(sizeof value)) {
        numbers.push_back(value);
    }
    close(pipe_ends[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw std::runtime_error("a measurement failed");
    }
    return numbers;
}

// ------------------------------------------------------------ the log

constexpr std::size_t customers = 1000;
constexpr std::size_t agents = 250;  // 4 customers each, as with --agent-capacity 4
constexpr std::size_t text_bytes = 40;

struct LogShape {
    std::size_t customers = 0;
    std::size_t messages_per_customer = 0;
};

// Writes a log as a busy desk would have: round r holds message r of every
// customer's conversation, customers' and agents' turns alternating; every
// record is kept by both users. Streams to the file 1 MiB at a time.
std::uint64_t write_log(const std::string& path, LogShape shape) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    std::string bytes;
    history::append_file_header(bytes);
    std::uint64_t total = 0;
    std::vector<std::string> customer_names;
    std::vector<std::string> agent_names;
    for (std::size_t i = 0; i < shape.customers; ++i) {
        customer_names.push_back("c" + std::to_string(i));
    }
    for (std::size_t i = 0; i < agents; ++i) {
        agent_names.push_back("a" + std::to_string(i));
    }
    std::string text(text_bytes, 'x');
    std::int64_t now = 1'767'225'600'000;  // 2026-01-01
    for (std::size_t round = 0; round < shape.messages_per_customer; ++round) {
        for (std::size_t c = 0; c < shape.customers; ++c) {
            const std::string& customer = customer_names[c];
            const std::string& agent = agent_names[c % agents];
            const bool from_customer = round % 2 == 0;
            char head[32];
            const int written =
                std::snprintf(head, sizeof head, "msg %zu of %s: ", round, customer.c_str());
            text.replace(0, static_cast<std::size_t>(written), head);
            history::HistoryRecord record;
            record.time = now++;
            record.from = from_customer ? customer : agent;
            record.to = from_customer ? agent : customer;
            record.text = text;
            record.kept_by = history::KeptBy::both;
            history::append_record(bytes, record);
            if (bytes.size() >= (std::size_t{1} << 20)) {
                file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
                total += bytes.size();
                bytes.clear();
            }
        }
    }
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    total += bytes.size();
    file.close();
    if (!file) {
        throw std::runtime_error("cannot write " + path);
    }
    return total;
}

// Puts the file on the disk, and optionally out of the page cache.
void settle_file(const std::string& path, bool evict) {
    const int fd = open(path.c_str(), O_RDONLY);
    if (fd < 0) {
        throw std::runtime_error("cannot open " + path);
    }
    fsync(fd);
    if (evict) {
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    }
    close(fd);
}

void copy_log(const std::string& from, const std::string& to) {
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
    settle_file(to, false);
}

// ------------------------------------------------------------ (a) startup

// One start: FileStorage construction (recover_log) and the Desk built on it.
// Returns {open ms, load ms, peak RSS KiB, RSS before KiB, entries, compactions}.
std::vector<double> one_start(const std::string& path, bool cold) {
    settle_file(path, cold);
    const double rss_before = static_cast<double>(current_rss_kib());
    const auto start = Clock::now();
    history::FileStorageOptions options;
    options.path = path;
    options.sync = history::SyncPolicy::never;
    history::FileStorage storage(std::move(options));
    const double open_ms = ms_since(start);
    const auto entries = static_cast<double>(storage.stats().log_entries);
    const auto loading = Clock::now();
    telechat::DeskOptions desk_options;
    desk_options.agent_key = "bench-key";
    telechat::Desk desk(std::move(desk_options), std::move(storage));
    const double load_ms = ms_since(loading);
    const auto histories = static_cast<double>(desk.stats().histories);
    return {open_ms, load_ms, static_cast<double>(peak_rss_kib()), rss_before, entries, histories};
}

void startup(const std::string& dir, std::size_t repetitions, LogShape shape) {
    const std::string path = dir + "/startup.log";
    const std::uint64_t bytes = write_log(path, shape);
    settle_file(path, false);
    const double mb = static_cast<double>(bytes) / 1e6;
    const std::size_t records = shape.customers * shape.messages_per_customer;
    std::printf(
        "\n(a) startup: a log of %zu records (%zu customers x %zu messages of %zu chars, "
        "kept by both; %zu agents), %.1f MB\n",
        records, shape.customers, shape.messages_per_customer, text_bytes, agents, mb);
    std::printf(
        "    open = FileStorage(): read + check every record (recover_log); load = Desk "
        "built on it\n");
    std::printf("%-6s %-28s %-28s %-28s %-12s %-14s\n", "cache", "open ms med [min-max]", "load ms",
                "total ms", "MB/s total", "peak RSS MiB");
    for (const bool cold : {false, true}) {
        std::vector<double> open_ms;
        std::vector<double> load_ms;
        std::vector<double> total_ms;
        std::vector<double> rss;
        double entries = 0;
        double histories = 0;
        for (std::size_t r = 0; r < repetitions; ++r) {
            const std::vector<double> n = in_child([&] { return one_start(path, cold); });
            open_ms.push_back(n[0]);
            load_ms.push_back(n[1]);
            total_ms.push_back(n[0] + n[1]);
            rss.push_back(n[2] / 1024);
            entries = n[4];
            histories = n[5];
        }
        std::printf("%-6s %-28s %-28s %-28s %-12.0f %-14.0f\n", cold ? "cold" : "warm",
                    show(spread(open_ms)).c_str(), show(spread(load_ms)).c_str(),
                    show(spread(total_ms)).c_str(), mb / (median(total_ms) / 1e3), median(rss));
        if (!cold) {
            std::printf("       (%.0f history entries in the log, %.0f histories after loading)\n",
                        entries, histories);
        }
    }
    std::filesystem::remove(path);
}

// ------------------------------------------------------------ (b) compaction

// The live histories of a desk that loaded `storage`'s log with `limit`
// records per user: what the desk hands its storage's save().
void fill(telechat::HistoryStore& live, history::FileStorage& storage) {
    storage.load([&](const history::HistoryRecord& record) { live.restore(record); });
}

// One compaction of a copy of `source`, as the loop sees it. Returns
// {pause to start ms (the snapshot), pause to finish ms (tail, sync, rename,
// reopen), background ms (start to ready), the same compaction done at once
// in the loop ms, log MB after, live records, peak RSS growth MiB}.
std::vector<double> one_compaction(const std::string& source, const std::string& path,
                                   std::size_t limit) {
    const auto open_copy = [&](bool in_background) {
        copy_log(source, path);
        history::FileStorageOptions options;
        options.path = path;
        options.sync = history::SyncPolicy::never;
        options.compact_in_background = in_background;
        return history::FileStorage(std::move(options));
    };
    history::FileStorage storage = open_copy(true);
    telechat::HistoryStore live(limit, 100'000);
    fill(live, storage);

    const long rss_before = current_rss_kib();
    reset_peak_rss();
    const auto start = Clock::now();
    storage.save(live);  // nothing pending: starts the compaction
    const double start_ms = ms_since(start);
    double finish_ms = 0;
    for (int poll = 0; poll < 60'000 && storage.stats().compactions == 0; ++poll) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const auto before = Clock::now();
        storage.save(live);  // puts the new log in place once it is ready
        finish_ms = ms_since(before);
    }
    const double background_ms = ms_since(start);
    const history::FileStorageStats stats = storage.stats();
    if (stats.compactions != 1) {
        throw std::runtime_error("the save did not compact");
    }
    const double rss_growth = static_cast<double>(peak_since_reset_kib() - rss_before) / 1024;

    history::FileStorage at_once = open_copy(false);
    const auto inline_start = Clock::now();
    at_once.save(live);
    const double inline_ms = ms_since(inline_start);
    return {start_ms,
            finish_ms,
            background_ms,
            inline_ms,
            static_cast<double>(stats.log_bytes) / 1e6,
            static_cast<double>(live.record_count()),
            rss_growth};
}

void compaction(const std::string& dir, std::size_t repetitions, LogShape shape) {
    const std::size_t limit = shape.messages_per_customer / 2;
    const std::string source = dir + "/compaction-source.log";
    const std::string path = dir + "/compaction.log";
    const std::uint64_t bytes = write_log(source, shape);
    settle_file(source, false);
    std::vector<std::vector<double>> runs;
    for (std::size_t r = 0; r < repetitions; ++r) {
        runs.push_back(in_child([&] { return one_compaction(source, path, limit); }));
    }
    const auto column = [&](std::size_t i) {
        std::vector<double> values;
        for (const auto& run : runs) {
            values.push_back(run[i]);
        }
        return spread(values);
    };
    std::printf(
        "\n(b) compaction: a log of %zu records (%.1f MB, %zu customers x %zu messages), "
        "--history-limit %zu:\n",
        shape.customers * shape.messages_per_customer, static_cast<double>(bytes) / 1e6,
        shape.customers, shape.messages_per_customer, limit);
    std::printf("    %.0f live records (each kept by one user) rewritten into %.1f MB\n",
                column(5).median, column(4).median);
    std::printf("  %-52s %s\n", "part", "ms med [min-max]");
    std::printf("  %-52s %s\n", "loop pause 1: the save() that starts it", show(column(0)).c_str());
    std::printf("  %-52s %s\n", "loop pause 2: the save() that puts the new log in place",
                show(column(1)).c_str());
    std::printf("  %-52s %s\n", "start to new log in place (the thread's work)",
                show(column(2)).c_str());
    std::printf("  %-52s %s\n", "the same compaction done at once in the loop",
                show(column(3)).c_str());
    std::printf("  peak RSS growth during the compaction: %.0f MiB\n", column(6).median);
    std::filesystem::remove(source);
    std::filesystem::remove(path);
    std::filesystem::remove(path + ".tmp");
}

// ------------------------------------------------------------ (c) append + save

// Live histories as large as anything appended, so that no save compacts.
class NoCompaction final : public history::LiveHistories {
public:
    [[nodiscard]] std::size_t record_count() const override { return std::size_t{1} << 40; }
    [[nodiscard]] std::size_t records_per_user() const override { return 1000; }
    void for_each(const history::RecordSink&) const override {}
};

// ns per record of append + save, `group` records per save, for at least
// `seconds` or `max_records`.
double append_save_ns(const std::string& path, history::SyncPolicy policy, std::size_t group,
                      double seconds, std::size_t max_records) {
    std::filesystem::remove(path);
    history::FileStorageOptions options;
    options.path = path;
    options.sync = policy;
    history::FileStorage storage(std::move(options));
    const NoCompaction live;
    std::string text(text_bytes, 'y');
    history::HistoryRecord record;
    record.from = "c123";
    record.to = "a45";
    record.text = text;
    record.kept_by = history::KeptBy::both;
    std::size_t records = 0;
    const auto start = Clock::now();
    while (records < max_records && (records == 0 || ms_since(start) < seconds * 1e3)) {
        for (std::size_t i = 0; i < group; ++i) {
            record.time = static_cast<std::int64_t>(records++);
            if (!storage.append(record)) {
                throw std::runtime_error("append refused");
            }
        }
        storage.save(live);
    }
    const double ns = ms_since(start) * 1e6 / static_cast<double>(records);
    std::filesystem::remove(path);
    return ns;
}

void append_save(const std::string& dir, std::size_t repetitions, bool quick) {
    const std::string path = dir + "/append.log";
    std::printf("\n(c) append + save, in-process, %zu-char records: ns per record med [min-max]\n",
                text_bytes);
    std::printf("  %-10s %-30s %-30s %-30s\n", "policy", "1 record per save", "32 records per save",
                "1000 records per save");
    const std::pair<const char*, history::SyncPolicy> policies[] = {
        {"never", history::SyncPolicy::never},
        {"everysec", history::SyncPolicy::every_second},
        {"always", history::SyncPolicy::always}};
    for (const auto& [name, policy] : policies) {
        std::printf("  %-10s", name);
        for (const std::size_t group : {std::size_t{1}, std::size_t{32}, std::size_t{1000}}) {
            std::vector<double> samples;
            const bool syncs = policy == history::SyncPolicy::always;
            for (std::size_t r = 0; r < repetitions; ++r) {
                samples.push_back(append_save_ns(path, policy, group, quick ? 0.2 : 1.0,
                                                 syncs ? group * 400 : 2'000'000));
            }
            std::printf(" %-30s", show(spread(samples), "%.0f").c_str());
        }
        std::printf("\n");
    }
}

// ------------------------------------------------------------ the machine

std::string cpu_model() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);) {
        if (line.rfind("model name", 0) == 0) {
            return line.substr(line.find(':') + 2);
        }
    }
    return "unknown";
}

std::string file_system(const std::string& dir) {
    struct statfs info {};
    if (statfs(dir.c_str(), &info) != 0) {
        return "unknown";
    }
    switch (static_cast<unsigned long>(info.f_type)) {
        case 0xEF53UL:
            return "ext4";
        case 0x01021994UL:
            return "tmpfs";
        case 0x58465342UL:
            return "xfs";
        case 0x9123683EUL:
            return "btrfs";
        case 0x794C7630UL:
            return "overlayfs";
        default: {
            char hex[32];
            std::snprintf(hex, sizeof hex, "0x%lx", static_cast<unsigned long>(info.f_type));
            return hex;
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string parent;
    bool quick = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--dir" && i + 1 < argc) {
            parent = argv[++i];
        } else if (arg == "--quick") {
            quick = true;
        } else {
            std::fprintf(stderr, "usage: history_bench [--dir DIR] [--quick]\n");
            return 2;
        }
    }
    if (parent.empty()) {
        parent = file_system("/tmp") == "tmpfs" ? "." : "/tmp";
    }
    std::string pattern = parent + "/telechat-history-bench.XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
        std::fprintf(stderr, "history_bench: cannot make a directory in %s\n", parent.c_str());
        return 1;
    }
    const std::string dir = pattern;
    const std::size_t repetitions = quick ? 1 : 5;
    const LogShape shape{customers, quick ? 100U : 1000U};
    std::printf("history log benchmark: %s, %ld cores; logs in %s (%s)\n", cpu_model().c_str(),
                sysconf(_SC_NPROCESSORS_ONLN), dir.c_str(), file_system(dir).c_str());
    if (file_system(dir) == "tmpfs") {
        std::printf("warning: a tmpfs: fsync costs nothing there\n");
    }
    int status = 0;
    try {
        startup(dir, repetitions, shape);
        compaction(dir, repetitions, shape);
        append_save(dir, quick ? 1 : 3, quick);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "history_bench: %s\n", error.what());
        status = 1;
    }
    std::filesystem::remove_all(dir);
    return status;
}

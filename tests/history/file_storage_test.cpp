// FileStorage under a real desk: history survives a restart in every sync
// policy, a torn tail is cut, damage is refused or repaired, compaction
// keeps exactly the live histories, and a crash at any step of it leaves a
// log that loads the same histories. (tests/apps/history_crash_test.cpp
// kills the real server; file_storage_desk_tests run the desk's history
// scenarios with every World on a log file.)
#include "../desk/harness.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <telechat/history/file_storage.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#ifndef _WIN32
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

using namespace desk_test;
using history_test::TempDir;
using telechat::history::FileStorage;
using telechat::history::FileStorageOptions;
using telechat::history::LogCorrupted;
using telechat::history::ReplaceStep;
using telechat::history::SyncPolicy;

namespace {

FileStorageOptions on(const std::string& path, SyncPolicy sync = SyncPolicy::never) {
    FileStorageOptions options;
    options.path = path;
    options.sync = sync;
    return options;
}

const std::vector<std::string> everyone{"ann", "bob", "eve", "zed"};

// A conversation with messages both ways, one left while waiting, and a
// user who leaves and comes back.
void converse(World& w, int rounds) {
    Client& ann = w.agent("ann");
    Client& zed = w.customer("zed");
    Client& bob = w.customer("bob");
    for (int i = 0; i < rounds; ++i) {
        w.advance(3);
        bob.send_line("MSG bob says " + std::to_string(i));
        ann.send_line("MSG bob ann answers " + std::to_string(i));
        zed.send_line("MSG zed " + std::to_string(i));
    }
    Client& eve = w.customer("eve");  // ann is full: eve waits
    eve.send_line("MSG while waiting, é");
    bob.send_line("QUIT");
    eve.send_line("MSG assigned now");
}

// Every user's HIST, as an agent who just came reads it.
std::vector<Lines> histories(World& w) {
    Client& reader = w.agent("reader");
    forget_lines(reader);
    std::vector<Lines> all;
    for (const std::string& name : everyone) {
        reader.send_line("HIST " + name);
        all.push_back(reader.take());
    }
    reader.send_line("QUIT");
    return all;
}

DeskOptions small_options(std::size_t history_limit = 1000) {
    DeskOptions options = test_options();
    options.agent_capacity = 2;
    options.history_limit = history_limit;
    return options;
}

// The histories a memory-only desk has after `converse`.
std::vector<Lines> expected_after(int rounds, std::size_t history_limit = 1000) {
    World w(Split::whole, small_options(history_limit));
    converse(w, rounds);
    return histories(w);
}

std::string bytes_of(const std::string& path) {
    return telechat::history::read_whole_file(path).value();
}

}  // namespace

TEST_CASE("file storage: history survives a restart, in every sync policy", "[history][file]") {
    const SyncPolicy sync =
        GENERATE(SyncPolicy::always, SyncPolicy::every_second, SyncPolicy::never);
    CAPTURE(static_cast<int>(sync));
    const TempDir dir;
    const std::string log = dir.file("history.log");
    {
        World w(Split::whole, small_options(), FileStorage(on(log, sync)));
        converse(w, 5);
    }
    World restarted(Split::whole, small_options(), FileStorage(on(log, sync)));
    CHECK(histories(restarted) == expected_after(5));
    CHECK(restarted.desk().history_storage().find(log) != std::string::npos);
#ifndef _WIN32
    struct stat status {};
    REQUIRE(::stat(log.c_str(), &status) == 0);
    CHECK((status.st_mode & 0777) == 0600);
#endif
}

TEST_CASE("file storage: one write per save, and with 'always' one sync per save",
          "[history][file]") {
    const TempDir dir;
    FileStorage storage(on(dir.file("h.log"), SyncPolicy::always));
    telechat::HistoryStore live(10, 10);
    for (int i = 0; i < 3; ++i) {
        CHECK(storage.append({i, "bob", "*", "text", telechat::history::KeptBy::sender}));
    }
    CHECK(storage.unsaved());
    storage.save(live);
    CHECK_FALSE(storage.unsaved());
    CHECK(storage.stats().writes == 1);
    CHECK(storage.stats().syncs == 1);
    CHECK(storage.stats().records_appended == 3);
    storage.save(live);  // nothing waits: nothing written
    CHECK(storage.stats().writes == 1);
}

TEST_CASE("file storage: 'every second' syncs in the background", "[history][file]") {
    const TempDir dir;
    FileStorageOptions options = on(dir.file("h.log"), SyncPolicy::every_second);
    options.sync_interval = std::chrono::milliseconds(20);
    FileStorage storage(options);
    telechat::HistoryStore live(10, 10);
    CHECK(storage.append({1, "bob", "*", "text", telechat::history::KeptBy::sender}));
    storage.save(live);
    CHECK(storage.stats().writes == 1);
    for (int tick = 0; tick < 400 && storage.stats().syncs == 0; ++tick) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(storage.stats().syncs == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    CHECK(storage.stats().syncs == 1);  // nothing written since: nothing to sync
}

TEST_CASE("file storage: a torn last record is cut off, with a notice", "[history][file]") {
    const TempDir dir;
    const std::string log = dir.file("h.log");
    {
        World w(Split::whole, small_options(), FileStorage(on(log)));
        converse(w, 2);
    }
    const std::string whole = bytes_of(log);
    // Where the last record begins: the end of the longest clean prefix.
    std::size_t last_record_start = 0;
    for (std::size_t end = telechat::history::file_header_bytes; end < whole.size(); ++end) {
        const auto scan = telechat::history::scan_log(
            std::string_view(whole).substr(0, end), [](const telechat::history::HistoryRecord&) {});
        if (scan.status == telechat::history::LogStatus::clean) {
            last_record_start = end;
        }
    }
    REQUIRE(last_record_start > telechat::history::file_header_bytes);
    for (std::size_t cut = last_record_start + 1; cut < whole.size(); ++cut) {
        CAPTURE(cut);
        std::filesystem::resize_file(log, cut);
        {
            FileStorage reopened(on(log));
            REQUIRE(reopened.notices().size() == 1);
            CHECK(reopened.notices()[0].find("cut off") != std::string::npos);
        }
        CHECK(bytes_of(log) == whole.substr(0, last_record_start));
        std::filesystem::resize_file(log, 0);
        telechat::history::replace_file(log, whole);
    }
    std::filesystem::resize_file(log, whole.size() - 1);
    World restarted(Split::whole, small_options(), FileStorage(on(log)));
    const std::vector<Lines> after = histories(restarted);
    const std::vector<Lines> before = expected_after(2);
    // The last message (eve to ann) was torn: never acknowledged, it is gone
    // from both histories; the others are whole.
    CHECK(after[0].size() + 1 == before[0].size());
    CHECK(after[2].size() + 1 == before[2].size());
    CHECK(after[1] == before[1]);
    CHECK(after[3] == before[3]);
}

TEST_CASE("file storage: damage is refused, repair keeps the records before it",
          "[history][file]") {
    const TempDir dir;
    const std::string log = dir.file("h.log");
    {
        World w(Split::whole, small_options(), FileStorage(on(log)));
        converse(w, 3);
    }
    std::string damaged = bytes_of(log);
    const std::size_t offset = damaged.size() / 2;
    damaged[offset] = static_cast<char>(damaged[offset] ^ 0x20);
    telechat::history::replace_file(log, damaged);

    try {
        FileStorage refused(on(log));
        FAIL("a damaged log was accepted");
    } catch (const LogCorrupted& error) {
        const std::string what = error.what();
        CHECK(what.find(log) != std::string::npos);
        CHECK(what.find("byte ") != std::string::npos);
    }
    CHECK(bytes_of(log) == damaged);  // untouched

    FileStorageOptions repair = on(log);
    repair.repair = true;
    repair.now = 1'796'400'000'000;
    FileStorage repaired(repair);
    REQUIRE(repaired.notices().size() == 1);
    const std::string aside =
        log + ".corrupt-" + telechat::history::utc_timestamp_for_file_name(repair.now);
    CHECK(repaired.notices()[0].find(aside) != std::string::npos);
    CHECK(bytes_of(aside) == damaged);
    const std::string kept = bytes_of(log);
    CHECK(kept.size() < offset + 1);
    CHECK(damaged.substr(0, kept.size()) == kept);
}

TEST_CASE("file storage: a file that is not a history log is refused, untouched",
          "[history][file]") {
    const TempDir dir;
    const std::string log = dir.file("notes.txt");
    telechat::history::replace_file(log, "hello, this is not a log\n");
    CHECK_THROWS_AS(FileStorage(on(log)), std::runtime_error);
    CHECK(bytes_of(log) == "hello, this is not a log\n");
}

TEST_CASE("file storage: compaction keeps exactly the live histories", "[history][file]") {
    const TempDir dir;
    const std::string log = dir.file("h.log");
    FileStorageOptions options = on(log);
    options.compaction_slack = 8;
    options.compact_in_background = false;  // each step happens at a known message
    {
        World w(Split::whole, small_options(3), FileStorage(options));
        converse(w, 40);
        CHECK(histories(w) == expected_after(40, 3));
    }
    std::uint64_t entries = 0;
    {
        const FileStorage reopened(options);
        entries = reopened.stats().log_entries;
    }
    World restarted(Split::whole, small_options(3), FileStorage(options));
    CHECK(histories(restarted) == expected_after(40, 3));
    // Retention keeps 3 messages per user, 15 entries in all: the log stays
    // within twice that plus the slack and one turn's records, not the ~250
    // entries written.
    CHECK(entries <= 2 * 15 + 8 + 6);
}

TEST_CASE("file storage: a crash at any step of a compaction leaves a log with the same histories",
          "[history][file]") {
    struct Crash {};
    const ReplaceStep step = GENERATE(ReplaceStep::temporary_written, ReplaceStep::temporary_synced,
                                      ReplaceStep::renamed, ReplaceStep::directory_synced);
    CAPTURE(static_cast<int>(step));
    const TempDir dir;
    const std::string log = dir.file("h.log");
    FileStorageOptions options = on(log);
    options.compaction_slack = 8;
    options.compact_in_background = false;  // each step happens at a known message
    options.compaction_step = [step](ReplaceStep reached) {
        if (reached == step) {
            throw Crash{};
        }
    };
    auto crashes = std::make_shared<int>(0);
    options.compaction_step = [step, crashes](ReplaceStep reached) {
        if (reached == step && (*crashes)++ == 0) {
            throw Crash{};
        }
    };
    World w(Split::whole, small_options(3), FileStorage(options));
    try {
        converse(w, 40);
    } catch (const Crash&) {
        // The process "dies" here: the log is left as this step left it.
    }
    REQUIRE(*crashes == 1);
    const std::string left_on_disk = bytes_of(log);
    const std::vector<Lines> in_memory = histories(w);  // every message kept before the crash

    const std::string copy = dir.file("copy.log");
    telechat::history::replace_file(copy, left_on_disk);
    FileStorage after_crash(on(copy));
    CHECK(after_crash.notices().empty());  // the old log or the new one, complete
    World restarted(Split::whole, small_options(3), std::move(after_crash));
    CHECK(histories(restarted) == in_memory);
}

#ifndef _WIN32
TEST_CASE("file storage: a process that dies at any step of a compaction leaves a whole log",
          "[history][file]") {
    const ReplaceStep step = GENERATE(ReplaceStep::temporary_written, ReplaceStep::temporary_synced,
                                      ReplaceStep::renamed, ReplaceStep::directory_synced);
    CAPTURE(static_cast<int>(step));
    const TempDir dir;
    const std::string log = dir.file("h.log");
    FileStorageOptions options = on(log);
    options.compaction_slack = 8;
    options.compact_in_background = false;  // each step happens at a known message
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        options.compaction_step = [step](ReplaceStep reached) {
            if (reached == step) {
                ::_exit(42);
            }
        };
        World w(Split::whole, small_options(3), FileStorage(options));
        converse(w, 40);
        ::_exit(0);  // no compaction reached that step: the test fails below
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 42);
    // Whatever the messages acknowledged before the crash, the histories the
    // log holds are complete: a desk loads them with no notice, and they
    // are a prefix of the conversation for every user.
    FileStorage after_crash(options);
    CHECK(after_crash.notices().empty());
    World restarted(Split::whole, small_options(3), std::move(after_crash));
    const std::vector<Lines> loaded = histories(restarted);
    CHECK(loaded[0].size() >= 3);  // ann kept her last messages
}
#endif

// In the background, the loop only copies the live records and later puts
// the new log in place; the records appended meanwhile reach the new log.
TEST_CASE("file storage: a compaction in the background keeps every live record",
          "[history][file]") {
    const TempDir dir;
    const std::string log = dir.file("h.log");
    FileStorageOptions options = on(log);
    options.compaction_slack = 100;
    telechat::HistoryStore live(5, 100);
    std::vector<std::uint32_t> users;
    for (const char* name : {"ann", "bob", "eve"}) {
        users.push_back(live.open(name));
    }
    std::uint64_t compactions = 0;
    std::int64_t time = 0;  // also the count of records appended
    {
        FileStorage storage(options);
        for (int turn = 0; turn < 20'000 && storage.stats().compactions < 3; ++turn) {
            for (int i = 0; i < 20; ++i, ++time) {
                const std::string text = "message " + std::to_string(time);
                const telechat::history::HistoryRecord record{time, "ann", "bob", text,
                                                              telechat::history::KeptBy::both};
                REQUIRE(storage.append(record));
                live.append(users[0], time, "ann", "bob", text);
                live.append(users[1], time, "ann", "bob", text);
            }
            storage.save(live);
            if (turn % 50 == 0) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));  // let the thread run
            }
        }
        compactions = storage.stats().compactions;
        // Less than everything appended: the rewritten live records, plus
        // what came while the last rewrite ran (here, most of it: the loop
        // appends far faster than any server would).
        CHECK(storage.stats().log_entries < 2 * static_cast<std::uint64_t>(time));
    }
    CHECK(compactions >= 3);
    FileStorage reopened(options);
    CHECK(reopened.notices().empty());
    telechat::HistoryStore loaded(5, 100);
    reopened.load([&](const telechat::history::HistoryRecord& record) { loaded.restore(record); });
    for (const char* name : {"ann", "bob"}) {
        CAPTURE(name);
        REQUIRE(loaded.find(name) != nullptr);
        const std::vector<std::string_view> want(live.find(name)->begin(), live.find(name)->end());
        const std::vector<std::string_view> got(loaded.find(name)->begin(),
                                                loaded.find(name)->end());
        CHECK(got == want);
    }
}

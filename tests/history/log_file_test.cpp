// The history log's file layer: appending, syncing, reserving space, and
// replacing a file so that a crash at any step leaves the old file or the
// new one, complete. The crashes are process deaths (a hook that throws, a
// child that _exits or is killed): they prove the order of the steps, not
// what a power cut does to the page cache, which no test here can cause.
#include "temp_dir.hpp"

#include <telechat/history/log_file.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#ifndef _WIN32
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#endif

namespace {

using telechat::history::LogFile;
using telechat::history::ReplaceStep;
namespace fs = std::filesystem;

using history_test::TempDir;

constexpr ReplaceStep all_steps[] = {ReplaceStep::temporary_written, ReplaceStep::temporary_synced,
                                     ReplaceStep::renamed, ReplaceStep::directory_synced};

// Bytes a text-mode read or write would change: CR LF, NUL, Ctrl-Z. (The
// literal's own length, NUL included: a hand count read past its end.)
using namespace std::string_literals;
const std::string binary_bytes = "line\r\nnul\0ctrl-z\x1a end\n"s;

std::string content_of(const std::string& path) {
    return telechat::history::read_whole_file(path).value();
}

struct Stop {};

#ifndef _WIN32
mode_t mode_of(const std::string& path) {
    struct stat status {};
    REQUIRE(::stat(path.c_str(), &status) == 0);
    return status.st_mode & 0777;
}

// Runs `child` in a forked process, which must end with _exit; the exit
// status, or -signal if it was killed.
template <typename Child>
int in_child(Child child) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        try {
            child();
        } catch (...) {
            ::_exit(3);
        }
        ::_exit(4);  // the child returned without its planned crash
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}
#endif

}  // namespace

TEST_CASE("log file: appends accumulate in order, size() follows them, reopening appends") {
    const TempDir dir;
    const auto path = dir.file("history.log");
    {
        auto log = LogFile::open_for_append(path);
        CHECK(log.path() == path);
        CHECK(log.size() == 0);
        log.append("first\n");
        log.append(binary_bytes);
        log.append("");
        CHECK(log.size() == 6 + binary_bytes.size());
    }
    auto log = LogFile::open_for_append(path);
    CHECK(log.size() == 6 + binary_bytes.size());
    log.append("third\n");
    CHECK(content_of(path) == "first\n" + binary_bytes + "third\n");
}

TEST_CASE("log file: a LogFile moves, and only the last owner writes") {
    const TempDir dir;
    auto first = LogFile::open_for_append(dir.file("a.log"));
    LogFile moved(std::move(first));
    moved.append("a");
    auto other = LogFile::open_for_append(dir.file("b.log"));
    other = std::move(moved);
    other.append("b");
    CHECK(other.path() == dir.file("a.log"));
    CHECK(content_of(dir.file("a.log")) == "ab");
    CHECK(content_of(dir.file("b.log")).empty());
}

TEST_CASE("log file: read_whole_file of a missing file is nullopt, it reads bytes unchanged") {
    const TempDir dir;
    CHECK_FALSE(telechat::history::read_whole_file(dir.file("missing")).has_value());
    telechat::history::replace_file(dir.file("bytes"), binary_bytes);
    CHECK(content_of(dir.file("bytes")) == binary_bytes);
    const std::string big(300000, 'x');  // more than one read's buffer
    telechat::history::replace_file(dir.file("big"), big);
    CHECK(content_of(dir.file("big")) == big);
}

TEST_CASE("log file: reserve_space keeps the size and the content, and finds room") {
    const TempDir dir;
    const auto path = dir.file("history.log");
    auto log = LogFile::open_for_append(path);
    log.append("kept");
    CHECK(log.reserve_space(0));
    CHECK(log.reserve_space(1 << 20));
    CHECK(log.size() == 4);
    log.append("!");
    CHECK(log.size() == 5);
    CHECK(content_of(path) == "kept!");
}

TEST_CASE("log file: sync succeeds, also on another thread while appending") {
    const TempDir dir;
    const auto path = dir.file("history.log");
    auto log = LogFile::open_for_append(path);
    log.append("one\n");
    log.sync();
    std::atomic<bool> done{false};
    std::thread syncer([&] {
        while (!done) {
            log.sync();
        }
    });
    for (int i = 0; i < 200; ++i) {
        log.append("line\n");
    }
    done = true;
    syncer.join();
    log.sync();
    CHECK(log.size() == 4 + 200 * 5);
}

TEST_CASE("log file: replace_file creates, then replaces, and leaves no temporary") {
    const TempDir dir;
    const auto path = dir.file("state");
    telechat::history::replace_file(path, "old and longer");
    CHECK(content_of(path) == "old and longer");
    std::vector<ReplaceStep> seen;
    telechat::history::replace_file(path, "new", [&](ReplaceStep step) { seen.push_back(step); });
    CHECK(content_of(path) == "new");
    CHECK(seen == std::vector<ReplaceStep>(std::begin(all_steps), std::end(all_steps)));
    CHECK_FALSE(fs::exists(path + ".tmp"));
}

TEST_CASE("log file: a hook that throws at any step leaves the old file or the new one") {
    for (const ReplaceStep stop : all_steps) {
        const TempDir dir;
        const auto path = dir.file("state");
        telechat::history::replace_file(path, "the old content");
        const auto stopping = [stop](ReplaceStep step) {
            if (step == stop) {
                throw Stop{};
            }
        };
        CHECK_THROWS_AS(telechat::history::replace_file(path, "new", stopping), Stop);
        INFO("stopped after step " << static_cast<int>(stop));
        CHECK(content_of(path) == (stop < ReplaceStep::renamed ? "the old content" : "new"));
        // What the crash left (a .tmp, maybe) does not stop the next replacement.
        telechat::history::replace_file(path, "newer");
        CHECK(content_of(path) == "newer");
    }
}

TEST_CASE("log file: a stale .tmp from a crashed replacement does not break the next one") {
    const TempDir dir;
    const auto path = dir.file("state");
    telechat::history::replace_file(path, "old");
    {
        auto stale = LogFile::open_for_append(path + ".tmp");
        stale.append(std::string(10000, 'z'));  // longer than the new content: must be truncated
    }
    telechat::history::replace_file(path, "new");
    CHECK(content_of(path) == "new");
    CHECK_FALSE(fs::exists(path + ".tmp"));
}

TEST_CASE("log file: keep_copy_aside keeps identical bytes and refuses an existing aside") {
    const TempDir dir;
    const auto path = dir.file("history.log");
    const auto aside = path + ".corrupt-" + telechat::history::utc_timestamp_for_file_name(0);
    {
        auto log = LogFile::open_for_append(path);
        log.append(binary_bytes);
        telechat::history::keep_copy_aside(path, aside);  // while the log is open, too
    }
    CHECK(content_of(aside) == binary_bytes);
    CHECK(content_of(path) == binary_bytes);
    // A new original does not change the copy kept aside.
    telechat::history::replace_file(path, "repaired");
    CHECK(content_of(aside) == binary_bytes);
    CHECK_THROWS_AS(telechat::history::keep_copy_aside(path, aside), std::system_error);
    CHECK(content_of(aside) == binary_bytes);
}

TEST_CASE("log file: utc_timestamp_for_file_name gives the UTC time to the second") {
    using telechat::history::utc_timestamp_for_file_name;
    CHECK(utc_timestamp_for_file_name(0) == "19700101T000000Z");
    CHECK(utc_timestamp_for_file_name(1796413512000) == "20261204T194512Z");
    CHECK(utc_timestamp_for_file_name(1796413512999) == "20261204T194512Z");
    CHECK(utc_timestamp_for_file_name(951868799000) == "20000229T235959Z");
    CHECK(utc_timestamp_for_file_name(-1) == "19691231T235959Z");
}

TEST_CASE("log file: errors name the path") {
    const TempDir dir;
    const auto missing = dir.file("no-such-folder") + "/history.log";
    try {
        static_cast<void>(LogFile::open_for_append(missing));
        FAIL("opened a file in a missing folder");
    } catch (const std::system_error& error) {
        CHECK(error.code() == std::errc::no_such_file_or_directory);
        CHECK_THAT(error.what(), Catch::Contains(missing));
    }
    CHECK_THROWS_WITH(telechat::history::replace_file(missing, "x"), Catch::Contains(missing));
    CHECK_THROWS_WITH(telechat::history::keep_copy_aside(missing, dir.file("aside")),
                      Catch::Contains(missing));
    const auto folder = dir.file("a-folder");
    fs::create_directory(folder);
    CHECK_THROWS_WITH(telechat::history::read_whole_file(folder), Catch::Contains(folder));
}

#ifndef _WIN32

TEST_CASE("log file: a new log file gets mode 0600 whatever the umask, an old one keeps its mode") {
    const TempDir dir;
    for (const mode_t umask : {mode_t{0}, mode_t{022}, mode_t{0277}}) {
        const auto path = dir.file("history-" + std::to_string(umask) + ".log");
        const mode_t before = ::umask(umask);
        static_cast<void>(LogFile::open_for_append(path));
        telechat::history::replace_file(path + ".state", "x");
        ::umask(before);
        INFO("umask " << umask);
        CHECK(mode_of(path) == 0600);
        CHECK(mode_of(path + ".state") == 0600);
    }
    const auto path = dir.file("chosen.log");
    static_cast<void>(LogFile::open_for_append(path));
    REQUIRE(::chmod(path.c_str(), 0640) == 0);
    static_cast<void>(LogFile::open_for_append(path));
    CHECK(mode_of(path) == 0640);
}

TEST_CASE("log file: sync_directory_of syncs a file's folder, and names a missing one") {
    const TempDir dir;
    telechat::history::sync_directory_of(dir.file("any"));
    telechat::history::sync_directory_of("relative-name-in-the-current-folder");
    const auto missing = dir.file("gone");
    CHECK_THROWS_WITH(telechat::history::sync_directory_of(missing + "/file"),
                      Catch::Contains(missing));
}

TEST_CASE("log file: a process that dies at any step of replace_file leaves old or new") {
    for (const ReplaceStep stop : all_steps) {
        const TempDir dir;
        const auto path = dir.file("state");
        telechat::history::replace_file(path, "the old content");
        const int status = in_child([&] {
            telechat::history::replace_file(path, "new", [stop](ReplaceStep step) {
                if (step == stop) {
                    ::_exit(0);
                }
            });
        });
        INFO("died after step " << static_cast<int>(stop));
        CHECK(status == 0);
        CHECK(content_of(path) == (stop < ReplaceStep::renamed ? "the old content" : "new"));
        telechat::history::replace_file(path, "newer");
        CHECK(content_of(path) == "newer");
    }
}

TEST_CASE("log file: kill -9 in the middle of replacing a large file leaves old or new") {
    const TempDir dir;
    const auto path = dir.file("state");
    const std::string old_bytes(6 << 20, 'o');
    const std::string new_bytes(8 << 20, 'n');  // another size: a mix would show
    // How long one replacement takes here, so that the kills spread over it.
    const auto start = std::chrono::steady_clock::now();
    telechat::history::replace_file(path, new_bytes);
    const auto took = std::chrono::steady_clock::now() - start;
    constexpr int attempts = 10;
    int old_seen = 0;
    int new_seen = 0;
    for (int attempt = 0; attempt < attempts; ++attempt) {
        telechat::history::replace_file(path, old_bytes);
        int ready[2];
        REQUIRE(::pipe(ready) == 0);
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::close(ready[0]);
            static_cast<void>(::write(ready[1], "go", 1));
            try {
                telechat::history::replace_file(path, new_bytes);
            } catch (...) {
                ::_exit(3);
            }
            ::_exit(0);
        }
        ::close(ready[1]);
        char go = 0;
        REQUIRE(::read(ready[0], &go, 1) == 1);
        ::close(ready[0]);
        // From at once to a little past the end of a replacement: each step gets its turn.
        std::this_thread::sleep_for(took * attempt / (attempts - 2));
        ::kill(pid, SIGKILL);
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        CHECK((WIFSIGNALED(status) || WEXITSTATUS(status) == 0));
        const auto content = telechat::history::read_whole_file(path);
        REQUIRE(content.has_value());
        const bool is_old = *content == old_bytes;
        const bool is_new = *content == new_bytes;
        INFO("attempt " << attempt << ": " << content->size() << " bytes");
        CHECK((is_old || is_new));
        old_seen += is_old ? 1 : 0;
        new_seen += is_new ? 1 : 0;
    }
    INFO("kill -9 left the old file " << old_seen << " times, the new one " << new_seen);
    CHECK(old_seen + new_seen == attempts);
}

#endif  // !_WIN32

#ifdef _WIN32

TEST_CASE("log file: on Windows a new log file is writable, not read-only") {
    const TempDir dir;
    const auto path = dir.file("history.log");
    static_cast<void>(LogFile::open_for_append(path));
    const auto permissions = fs::status(path).permissions();
    CHECK((permissions & fs::perms::owner_write) != fs::perms::none);
}

// Windows refuses to rename over a file that is open without
// FILE_SHARE_DELETE, which the C runtime never asks for: the log must be
// closed before it is replaced (replace_file() says so).
TEST_CASE("log file: on Windows replacing a file the log holds open fails, naming it") {
    const TempDir dir;
    const auto path = dir.file("history.log");
    {
        auto log = LogFile::open_for_append(path);
        log.append("old");
        CHECK_THROWS_WITH(telechat::history::replace_file(path, "new"), Catch::Contains(path));
        CHECK(content_of(path) == "old");
    }
    telechat::history::replace_file(path, "new");  // closed: the .tmp left behind is overwritten
    CHECK(content_of(path) == "new");
}

#endif  // _WIN32

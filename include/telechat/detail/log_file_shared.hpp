/// @file
/// @brief What the POSIX and the Windows file layers of the history log
///        (history/log_file_posix.hpp, history/log_file_windows.hpp) share:
///        standard C++ only, so that the two cannot drift apart.
#pragma once

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace telechat::history {

/// @brief The steps of replace_file(), in order; its hook is called after
///        each one, so that a test can stop the replacement between any two.
enum class ReplaceStep {
    temporary_written,  ///< `PATH.tmp` holds the new bytes (maybe only in the page cache)
    temporary_synced,   ///< `PATH.tmp` is on stable storage and closed
    renamed,            ///< `PATH.tmp` has replaced `PATH`
    directory_synced,   ///< the rename itself is on stable storage (a no-op step on Windows)
};

}  // namespace telechat::history

namespace telechat::detail {

// An error that says what failed on which file: the path is what an
// operator needs first ("cannot open /var/lib/telechat/history.log: ...").
[[nodiscard]] inline std::system_error file_error(int code, const std::error_category& category,
                                                  std::string_view action,
                                                  const std::string& path) {
    return std::system_error(code, category, std::string(action) + " " + path);
}

// A file descriptor closed when it goes out of scope, also when a
// replace_file() hook throws; `Close` is the system's close (::_close on Windows).
template <int (*Close)(int)>
class OwnedDescriptor {
public:
    explicit OwnedDescriptor(int fd) : m_fd(fd) {}
    OwnedDescriptor(OwnedDescriptor&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    OwnedDescriptor& operator=(OwnedDescriptor&& other) noexcept {
        if (this != &other) {
            reset();
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }
    ~OwnedDescriptor() { reset(); }
    [[nodiscard]] int get() const { return m_fd; }
    // close()'s own result: it can report a delayed write error (NFS).
    [[nodiscard]] int close() { return Close(std::exchange(m_fd, -1)); }

private:
    void reset() noexcept {
        if (m_fd >= 0) {
            Close(m_fd);  // no caller to tell: sync() is where write errors count
        }
        m_fd = -1;
    }

    int m_fd;
};

// Whether a sync of a LogFile ever failed. Once it has, every later sync
// fails too: the data may be lost, and a later sync that succeeds would not
// bring it back (log_file.hpp). Atomic: sync() may run on another thread.
class SyncFailure {
public:
    SyncFailure() = default;
    SyncFailure(SyncFailure&& other) noexcept : m_failed(other.m_failed.load()) {}
    SyncFailure& operator=(SyncFailure&& other) noexcept {
        m_failed = other.m_failed.load();
        return *this;
    }
    ~SyncFailure() = default;

    template <typename Sync>
    void guard(Sync sync, const std::string& path) {
        if (m_failed) {
            throw file_error(EIO, std::generic_category(),
                             "an earlier sync failed (data may be lost), cannot sync", path);
        }
        try {
            sync();
        } catch (...) {
            m_failed = true;
            throw;
        }
    }

private:
    std::atomic<bool> m_failed{false};
};

// Where replace_file() writes before it renames: the same folder as `path`,
// since a rename is atomic only within one file system.
[[nodiscard]] inline std::string temporary_of(const std::string& path) {
    return path + ".tmp";
}

inline void after_step(const std::function<void(history::ReplaceStep)>& hook,
                       history::ReplaceStep step) {
    if (hook) {
        hook(step);
    }
}

// "YYYYMMDDTHHMMSSZ" (ISO 8601, basic format): no ':' (forbidden in Windows
// file names), and names sort in time order. Times before 1970 floor towards
// the earlier second, as the calendar does.
[[nodiscard]] inline std::string utc_file_stamp(std::int64_t unix_millis) {
    using namespace std::chrono;
    const sys_time<milliseconds> when{milliseconds{unix_millis}};
    const sys_days day = floor<days>(when);
    const year_month_day date{day};
    const hh_mm_ss<seconds> time{floor<seconds>(when) - day};
    char text[32] = {};
    std::snprintf(text, sizeof text, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    return text;
}

}  // namespace telechat::detail

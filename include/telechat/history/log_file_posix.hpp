/// @file
/// @brief telechat::history::LogFile and the durable file operations of the
///        history log on POSIX systems. Include <telechat/history/log_file.hpp>,
///        which picks this file or its Windows twin and explains the rules
///        (why write and rename, when to sync what, what a failed sync means).
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "../detail/log_file_shared.hpp"

namespace telechat::detail {

using PosixFile = OwnedDescriptor<::close>;

// The new descriptor (close-on-exec: a spawned process must not inherit the
// log), or -errno.
[[nodiscard]] inline int open_retrying(const std::string& path, int flags, mode_t mode) noexcept {
    for (;;) {
        const int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
        if (fd >= 0 || errno != EINTR) {
            return fd >= 0 ? fd : -errno;
        }
    }
}

[[nodiscard]] inline PosixFile open_posix(const std::string& path, int flags, mode_t mode,
                                          std::string_view action) {
    const int fd = open_retrying(path, flags, mode);
    if (fd < 0) {
        throw file_error(-fd, std::generic_category(), action, path);
    }
    return PosixFile(fd);
}

// open() applies the umask to 0600: a strict one (0277) would leave 0400.
inline void force_private_mode(int fd, const std::string& path) {
    if (::fchmod(fd, 0600) != 0) {
        throw file_error(errno, std::generic_category(), "cannot chmod", path);
    }
}

inline void write_all_posix(int fd, std::string_view bytes, const std::string& path) {
    while (!bytes.empty()) {
        const ssize_t written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {  // 0 for a non-empty write: no progress, give up rather than spin
            throw file_error(written < 0 ? errno : EIO, std::generic_category(), "cannot write to",
                             path);
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
}

// fdatasync skips the metadata no read needs (the modification time); macOS
// has no usable fdatasync, and its fsync reaches the drive but not past the
// drive's cache (F_FULLFSYNC would): a weaker promise, stated in log_file.hpp.
inline void sync_data_posix(int fd, const std::string& path) {
    for (;;) {
#if defined(_POSIX_SYNCHRONIZED_IO) && _POSIX_SYNCHRONIZED_IO > 0 && !defined(__APPLE__)
        const int result = ::fdatasync(fd);
#else
        const int result = ::fsync(fd);
#endif
        if (result == 0) {
            return;
        }
        if (errno != EINTR) {  // EINTR: nothing was reported lost, so asking again is honest
            throw file_error(errno, std::generic_category(), "cannot sync", path);
        }
    }
}

}  // namespace telechat::detail

namespace telechat::history {

/// @brief A file the history log appends to: opened once, appended to, synced.
///
/// Move-only (a moved-from LogFile may only be destroyed or assigned to);
/// the destructor closes the file, without a sync: call sync() for what
/// must survive a crash.
class LogFile {
public:
    /// @brief Opens `path` for appending, creating it with mode 0600 if missing.
    /// @param path the file.
    /// @return the open file.
    /// @throws std::system_error naming `path` if it cannot be opened or created.
    ///
    /// A new file gets exactly 0600 (owner read and write: messages are
    /// private), whatever the umask; an existing file keeps the mode an
    /// administrator may have given it.
    [[nodiscard]] static LogFile open_for_append(const std::string& path) {
        for (;;) {
            // O_EXCL tells whether this call creates the file: only a new file's mode is ours.
            int fd = detail::open_retrying(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL, 0600);
            if (fd >= 0) {
                LogFile file(fd, path);
                detail::force_private_mode(fd, path);
                return file;
            }
            if (fd == -EEXIST) {
                fd = detail::open_retrying(path, O_WRONLY | O_APPEND, 0);
                if (fd >= 0) {
                    return LogFile(fd, path);
                }
                if (fd == -ENOENT) {
                    continue;  // removed between the two opens: create it after all
                }
            }
            throw detail::file_error(-fd, std::generic_category(), "cannot open", path);
        }
    }

    /// @brief Appends all of `bytes` at the end of the file.
    /// @param bytes what to append.
    /// @throws std::system_error naming the path (a full disk: ENOSPC). Some
    ///         of `bytes` may then be in the file: the log's reader must
    ///         accept a torn last record.
    void append(std::string_view bytes) { detail::write_all_posix(m_file.get(), bytes, m_path); }

    /// @brief Puts everything appended so far on stable storage (fdatasync).
    ///
    /// Safe to call from another thread than the one appending, even while
    /// it appends: both only use the descriptor, which neither changes, and
    /// the kernel syncs at least what append() finished before sync() began.
    /// (Not while the LogFile is being moved or destroyed.)
    /// @throws std::system_error naming the path. After one failure every
    ///         later call fails too: the data may be lost (log_file.hpp).
    void sync() {
        m_sync_failure.guard([this] { detail::sync_data_posix(m_file.get(), m_path); }, m_path);
    }

    /// @brief Makes sure the file can grow to `end` bytes without running out
    ///        of space, without changing its size.
    /// @param end the size to make room for.
    /// @return false if the disk or the quota is full; true if the room is
    ///         there, or if this system cannot reserve (not Linux, or a file
    ///         system without fallocate): then a full disk surfaces as an
    ///         append() error instead.
    /// @throws std::system_error naming the path on any other error.
    ///
    /// FALLOC_FL_KEEP_SIZE leaves the size alone, so a reader (and recovery
    /// after a crash) never sees the reserved blocks as zeros in the file.
    bool reserve_space(std::uint64_t end) {
        if (!within_file_size_limit(end)) {
            return false;
        }
#if defined(__linux__) && defined(FALLOC_FL_KEEP_SIZE)
        if (end == 0) {
            return true;  // fallocate refuses an empty range; no room is needed
        }
        for (;;) {
            if (::fallocate(m_file.get(), FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(end)) == 0) {
                return true;
            }
            switch (errno) {
                case EINTR:
                    continue;
                case ENOSPC:
                case EDQUOT:
                case EFBIG:  // past the process's file size limit (ulimit -f)
                    return false;
                case EOPNOTSUPP:
                case ENOSYS:
                    return true;
                default:
                    throw detail::file_error(errno, std::generic_category(),
                                             "cannot reserve space in", m_path);
            }
        }
#else
        static_cast<void>(end);
        return true;
#endif
    }

    /// @brief Whether the process's file size limit (`ulimit -f`) lets a
    ///        file grow to `end` bytes: fallocate does not check it (only a
    ///        change of size does), so a write past it would fail later.
    /// @param end the size wanted.
    /// @return false if the limit is below it.
    [[nodiscard]] static bool within_file_size_limit(std::uint64_t end) noexcept {
        struct rlimit limit {};
        if (::getrlimit(RLIMIT_FSIZE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
            return true;
        }
        return end <= static_cast<std::uint64_t>(limit.rlim_cur);
    }

    /// @brief The file's size now.
    /// @return its size in bytes.
    /// @throws std::system_error naming the path if fstat fails.
    [[nodiscard]] std::uint64_t size() const {
        struct stat status {};
        if (::fstat(m_file.get(), &status) != 0) {
            throw detail::file_error(errno, std::generic_category(), "cannot stat", m_path);
        }
        return static_cast<std::uint64_t>(status.st_size);
    }

    /// @brief The path the file was opened with.
    /// @return the path.
    [[nodiscard]] const std::string& path() const {
        return m_path;
    }

private:
    LogFile(int fd, std::string path) : m_file(fd), m_path(std::move(path)) {}

    detail::PosixFile m_file;
    std::string m_path;
    detail::SyncFailure m_sync_failure;
};

/// @brief Reads a whole file, as bytes.
/// @param path the file.
/// @return its bytes, or nullopt if it does not exist.
/// @throws std::system_error naming `path` on any other error.
[[nodiscard]] inline std::optional<std::string> read_whole_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        return std::nullopt;
    }
    if (fd < 0) {
        throw detail::file_error(errno, std::generic_category(), "cannot open", path);
    }
    const detail::PosixFile file(fd);
    std::string bytes;
    struct stat status {};
    if (::fstat(file.get(), &status) == 0 && status.st_size > 0) {
        // One allocation: growing by doubling would copy a large log
        // several times over, each copy into fresh pages.
        bytes.reserve(static_cast<std::size_t>(status.st_size));
    }
    char buffer[65536];
    for (;;) {
        const ssize_t count = ::read(file.get(), buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            throw detail::file_error(errno, std::generic_category(), "cannot read", path);
        }
        if (count == 0) {
            return bytes;
        }
        bytes.append(buffer, static_cast<std::size_t>(count));
    }
}

/// @brief Makes the last renames, creations and links in the folder of
///        `path` durable: opens that folder and fsyncs it.
/// @param path a file in the folder (not the folder itself).
/// @throws std::system_error naming the folder.
inline void sync_directory_of(const std::string& path) {
    std::string folder = std::filesystem::path(path).parent_path().string();
    if (folder.empty()) {
        folder = ".";
    }
    const auto directory =
        detail::open_posix(folder, O_RDONLY | O_DIRECTORY, 0, "cannot open folder");
    // EINVAL: this file system cannot sync a folder (some network ones); nothing more to do.
    if (::fsync(directory.get()) != 0 && errno != EINVAL) {
        throw detail::file_error(errno, std::generic_category(), "cannot sync folder", folder);
    }
}

/// @brief Renames `from` over `to`, atomically: `to` names the old file or
///        the new one at every instant (both in one folder).
/// @param from the new file.
/// @param to the name it takes.
/// @throws std::system_error naming `to`.
inline void rename_over(const std::string& from, const std::string& to) {
    if (::rename(from.c_str(), to.c_str()) != 0) {
        throw detail::file_error(errno, std::generic_category(), "cannot rename over", to);
    }
}

/// @brief Replaces `path` by `bytes` so that a crash at any instant leaves
///        either the old file or the new one, complete (log_file.hpp says why).
/// @param path the file to replace (created if missing).
/// @param bytes its new content.
/// @param after_step called after each step; a test stops there by throwing
///        or by ending the process. Does nothing by default.
/// @throws std::system_error naming the failing file; `path` is then
///         either untouched or already replaced, and `PATH.tmp` may be left.
inline void replace_file(const std::string& path, std::string_view bytes,
                         const std::function<void(ReplaceStep)>& after_step = {}) {
    const std::string temporary = detail::temporary_of(path);
    {
        // O_TRUNC: a .tmp left by a crashed replacement is simply written over.
        auto file =
            detail::open_posix(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0600, "cannot create");
        detail::force_private_mode(file.get(), temporary);  // not the umask's, nor a stale .tmp's
        detail::write_all_posix(file.get(), bytes, temporary);
        detail::after_step(after_step, ReplaceStep::temporary_written);
        detail::sync_data_posix(file.get(), temporary);
        if (file.close() != 0 && errno != EINTR) {  // a delayed write error (NFS)
            throw detail::file_error(errno, std::generic_category(), "cannot close", temporary);
        }
    }
    detail::after_step(after_step, ReplaceStep::temporary_synced);
    rename_over(temporary, path);
    detail::after_step(after_step, ReplaceStep::renamed);
    sync_directory_of(path);
    detail::after_step(after_step, ReplaceStep::directory_synced);
}

/// @brief Keeps the file `path` also under the name `aside` (say
///        `PATH.corrupt-20261204T194512Z`), never without a complete copy.
/// @param path the file to keep.
/// @param aside its other name, in the same folder; must not exist.
/// @throws std::system_error naming the file (EEXIST if `aside` exists).
///
/// A hard link is instant and atomic: the bytes are never copied. Where the
/// file system has no hard links (EPERM, as on FAT) or `aside` is elsewhere
/// (EXDEV), it copies and syncs the copy instead.
inline void keep_copy_aside(const std::string& path, const std::string& aside) {
    if (::link(path.c_str(), aside.c_str()) != 0) {
        if (errno != EXDEV && errno != EPERM) {
            throw detail::file_error(errno, std::generic_category(),
                                     "cannot link as " + aside + ":", path);
        }
        const auto bytes = read_whole_file(path);
        if (!bytes) {
            throw detail::file_error(ENOENT, std::generic_category(), "cannot copy", path);
        }
        auto copy = detail::open_posix(aside, O_WRONLY | O_CREAT | O_EXCL, 0600, "cannot create");
        try {
            detail::write_all_posix(copy.get(), *bytes, aside);
            detail::sync_data_posix(copy.get(), aside);
        } catch (...) {
            ::unlink(aside.c_str());  // a partial copy would pass for the original
            throw;
        }
    }
    sync_directory_of(aside);
}

/// @brief A UTC time for a file name, as `20261204T194512Z`.
/// @param unix_millis milliseconds since 1970-01-01 00:00:00 UTC.
/// @return the time to the second, in ISO 8601's basic format (no ':',
///         which Windows file names cannot hold; names sort in time order).
[[nodiscard]] inline std::string utc_timestamp_for_file_name(std::int64_t unix_millis) {
    return detail::utc_file_stamp(unix_millis);
}

}  // namespace telechat::history

/// @file
/// @brief telechat::history::LogFile and the durable file operations of the
///        history log on Windows (MinGW-w64 or MSVC). Include
///        <telechat/history/log_file.hpp>, which picks this file or its POSIX
///        twin and explains the rules.
///
/// The C runtime's descriptors (`_sopen_s`, `_write`, `_commit`) do the
/// file work, always in binary mode (`_O_BINARY`: no "\n" to "\r\n"
/// translation, no Ctrl-Z as end of file); Win32 does what the runtime
/// cannot (MoveFileExA, CopyFileA). Paths are narrow strings in the process's
/// code page, used with the A functions throughout (UTF-8 where the program's
/// manifest asks for it). `_sopen_s` is the runtime's `_open` with a share
/// mode, and the one MSVC accepts without a deprecation warning.
///
/// What differs from POSIX: reserve_space() reserves nothing and returns
/// true (Windows has no reservation that keeps the size and outlives the
/// open file), so a full disk shows as an append() error; replace_file()
/// fails while anyone holds `PATH` open, a LogFile included (the runtime
/// opens files without FILE_SHARE_DELETE, which a rename over them needs);
/// sync_directory_of() does nothing, as MoveFileEx's write-through needs no
/// folder sync; keep_copy_aside() copies, then flushes the copy.
///
/// Mode 0600 has no Windows meaning: `_S_IREAD | _S_IWRITE` only says the
/// file is not read-only. Who may read it is decided by the access control
/// list the file inherits from its folder (under the user's profile, only
/// that user and the administrators).
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

// <windows.h> defines macros named min and max, which break std::min and
// numeric_limits<T>::max, unless told not to before it is read.
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <fcntl.h>
#include <io.h>
#include <share.h>
#include <sys/stat.h>
#include <windows.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "../detail/log_file_shared.hpp"

namespace telechat::detail {

// A function of our own around _close: the runtime's, imported from a DLL,
// has no address at compile time to give a template.
inline int close_crt(int fd) {
    return ::_close(fd);
}
using WindowsFile = OwnedDescriptor<close_crt>;

// Share mode _SH_DENYNO: others may read the log (and copy it aside) while
// it is open. Renaming over an open file still fails on Windows.
[[nodiscard]] inline WindowsFile open_windows(const std::string& path, int flags,
                                              std::string_view action) {
    int fd = -1;
    const errno_t error = ::_sopen_s(&fd, path.c_str(), flags | _O_BINARY | _O_NOINHERIT,
                                     _SH_DENYNO, _S_IREAD | _S_IWRITE);
    if (error != 0) {
        throw file_error(error, std::generic_category(), action, path);
    }
    return WindowsFile(fd);
}

inline void write_all_windows(int fd, std::string_view bytes, const std::string& path) {
    constexpr std::size_t max_chunk_bytes = 1u << 30;  // _write counts in unsigned int
    while (!bytes.empty()) {
        const auto chunk = static_cast<unsigned>(std::min(bytes.size(), max_chunk_bytes));
        const int written = ::_write(fd, bytes.data(), chunk);
        if (written <= 0) {  // 0 for a non-empty write: no progress, give up rather than spin
            throw file_error(written < 0 ? errno : EIO, std::generic_category(), "cannot write to",
                             path);
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
}

// _commit is FlushFileBuffers on the descriptor's handle: data and metadata.
inline void sync_windows(int fd, const std::string& path) {
    if (::_commit(fd) != 0) {
        throw file_error(errno, std::generic_category(), "cannot sync", path);
    }
}

[[nodiscard]] inline std::system_error win32_error(std::string_view action,
                                                   const std::string& path) {
    return file_error(static_cast<int>(::GetLastError()), std::system_category(), action, path);
}

}  // namespace telechat::detail

// The API reference documents these names once, from log_file_posix.hpp:
// Doxygen reads both files as one program, and two sets of @param for one
// function is a warning, which fails the docs build. What is particular to
// Windows is in this file's description, which the reference keeps.
/// @cond TELECHAT_WINDOWS_TWIN
namespace telechat::history {

/// @brief A file the history log appends to: opened once, appended to, synced.
///
/// Move-only (a moved-from LogFile may only be destroyed or assigned to);
/// the destructor closes the file, without a sync: call sync() for what
/// must survive a crash.
class LogFile {
public:
    /// @brief Opens `path` for appending, creating it if missing (mode 0600
    ///        has no meaning here: see the file's description).
    /// @param path the file.
    /// @return the open file.
    /// @throws std::system_error naming `path` if it cannot be opened or created.
    [[nodiscard]] static LogFile open_for_append(const std::string& path) {
        auto file = detail::open_windows(path, _O_WRONLY | _O_APPEND | _O_CREAT, "cannot open");
        return LogFile(std::move(file), path);
    }

    /// @brief Appends all of `bytes` at the end of the file.
    /// @param bytes what to append.
    /// @throws std::system_error naming the path (a full disk: ENOSPC). Some
    ///         of `bytes` may then be in the file: the log's reader must
    ///         accept a torn last record.
    void append(std::string_view bytes) { detail::write_all_windows(m_file.get(), bytes, m_path); }

    /// @brief Puts everything appended so far on stable storage (_commit,
    ///        which is FlushFileBuffers).
    ///
    /// Safe to call from another thread than the one appending, even while
    /// it appends: both only use the descriptor, which neither changes.
    /// (Not while the LogFile is being moved or destroyed.)
    /// @throws std::system_error naming the path. After one failure every
    ///         later call fails too: the data may be lost (log_file.hpp).
    void sync() {
        m_sync_failure.guard([this] { detail::sync_windows(m_file.get(), m_path); }, m_path);
    }

    /// @brief Would make room for the file to grow to `end` bytes; Windows
    ///        has no reservation that keeps the size and survives closing
    ///        the file, so this reserves nothing.
    /// @param end the size to make room for.
    /// @return always true: a full disk surfaces as an append() error instead.
    bool reserve_space(std::uint64_t end) {
        static_cast<void>(end);
        return true;
    }

    /// @brief The file's size now.
    /// @return its size in bytes.
    /// @throws std::system_error naming the path if it cannot be read.
    [[nodiscard]] std::uint64_t size() const {
        const auto length = ::_filelengthi64(m_file.get());
        if (length < 0) {
            throw detail::file_error(errno, std::generic_category(), "cannot stat", m_path);
        }
        return static_cast<std::uint64_t>(length);
    }

    /// @brief The path the file was opened with.
    /// @return the path.
    [[nodiscard]] const std::string& path() const { return m_path; }

private:
    LogFile(detail::WindowsFile file, std::string path)
        : m_file(std::move(file)), m_path(std::move(path)) {}

    detail::WindowsFile m_file;
    std::string m_path;
    detail::SyncFailure m_sync_failure;
};

/// @brief Reads a whole file, in binary mode.
/// @param path the file.
/// @return its bytes, or nullopt if it does not exist.
/// @throws std::system_error naming `path` on any other error.
[[nodiscard]] inline std::optional<std::string> read_whole_file(const std::string& path) {
    int fd = -1;
    const errno_t error =
        ::_sopen_s(&fd, path.c_str(), _O_RDONLY | _O_BINARY | _O_NOINHERIT, _SH_DENYNO, 0);
    if (error == ENOENT) {
        return std::nullopt;
    }
    if (error != 0) {
        throw detail::file_error(error, std::generic_category(), "cannot open", path);
    }
    const detail::WindowsFile file(fd);
    std::string bytes;
    char buffer[65536];
    for (;;) {
        const int count = ::_read(file.get(), buffer, sizeof buffer);
        if (count == 0) {
            return bytes;
        }
        if (count < 0) {
            throw detail::file_error(errno, std::generic_category(), "cannot read", path);
        }
        bytes.append(buffer, static_cast<std::size_t>(count));
    }
}

/// @brief Does nothing on Windows: a folder cannot be synced there, and the
///        write-through moves of replace_file() need no such sync.
/// @param path a file in the folder.
inline void sync_directory_of(const std::string& path) {
    static_cast<void>(path);
}

/// @brief Renames `from` over `to`, atomically, the rename written through;
///        neither may be open without FILE_SHARE_DELETE.
/// @param from the new file.
/// @param to the name it takes.
/// @throws std::system_error naming `to`.
inline void rename_over(const std::string& from, const std::string& to) {
    if (::MoveFileExA(from.c_str(), to.c_str(),
                      MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH) == 0) {
        throw detail::win32_error("cannot rename over", to);
    }
}

/// @brief Replaces `path` by `bytes` so that a crash at any instant leaves
///        either the old file or the new one, complete (log_file.hpp says why).
/// @param path the file to replace (created if missing); nobody may have it
///        open without FILE_SHARE_DELETE (a LogFile of it must be closed).
/// @param bytes its new content.
/// @param after_step called after each step; a test stops there by throwing.
///        Does nothing by default. ReplaceStep::directory_synced comes right
///        after ReplaceStep::renamed, as there is no folder to sync.
/// @throws std::system_error naming the failing file; `path` is then
///         either untouched or already replaced, and `PATH.tmp` may be left.
inline void replace_file(const std::string& path, std::string_view bytes,
                         const std::function<void(ReplaceStep)>& after_step = {}) {
    const std::string temporary = detail::temporary_of(path);
    {
        // _O_TRUNC: a .tmp left by a crashed replacement is simply written over.
        const auto file =
            detail::open_windows(temporary, _O_WRONLY | _O_CREAT | _O_TRUNC, "cannot create");
        detail::write_all_windows(file.get(), bytes, temporary);
        detail::after_step(after_step, ReplaceStep::temporary_written);
        detail::sync_windows(file.get(), temporary);
    }
    detail::after_step(after_step, ReplaceStep::temporary_synced);
    rename_over(temporary, path);
    detail::after_step(after_step, ReplaceStep::renamed);
    sync_directory_of(path);
    detail::after_step(after_step, ReplaceStep::directory_synced);
}

/// @brief Keeps a copy of the file `path` under the name `aside` (say
///        `PATH.corrupt-20261204T194512Z`); the original is not touched.
/// @param path the file to keep.
/// @param aside its other name; must not exist.
/// @throws std::system_error naming the file (ERROR_FILE_EXISTS if `aside` exists).
inline void keep_copy_aside(const std::string& path, const std::string& aside) {
    if (::CopyFileA(path.c_str(), aside.c_str(), TRUE) == 0) {  // TRUE: fail if `aside` exists
        throw detail::win32_error("cannot copy to " + aside + ":", path);
    }
    // CopyFile does not flush the copy: a crash could leave it empty.
    const auto copy = detail::open_windows(aside, _O_WRONLY, "cannot open");
    detail::sync_windows(copy.get(), aside);
}

/// @brief A UTC time for a file name, as `20261204T194512Z`.
/// @param unix_millis milliseconds since 1970-01-01 00:00:00 UTC.
/// @return the time to the second, in ISO 8601's basic format (no ':',
///         which Windows file names cannot hold; names sort in time order).
[[nodiscard]] inline std::string utc_timestamp_for_file_name(std::int64_t unix_millis) {
    return detail::utc_file_stamp(unix_millis);
}

}  // namespace telechat::history
/// @endcond

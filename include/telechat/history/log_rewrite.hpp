/// @file
/// @brief telechat::history::LogRewrite, one compaction of a history log,
///        written on a thread of its own while the loop goes on.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "../desk/history_store.hpp"
#include "log_file.hpp"
#include "log_format.hpp"
#include "log_reader.hpp"
#include "record.hpp"
#include "storage.hpp"

namespace telechat::history {

/**
 * @brief A compaction in progress: the new log is written beside the old
 *        one, on a thread, while the old one keeps taking appends; then the
 *        records appended meanwhile are copied over and the new log takes
 *        the old one's name.
 *
 * @code
 *   loop:    note where the log ends now: byte X                  (no pause)
 *   thread:  read the log up to X into histories of its own, with the
 *            desk's retention; write what they keep to PATH.tmp; sync it
 *   loop:    ... appends go to PATH as usual, and are kept as the tail ...
 *   loop:    finish(): append the tail to PATH.tmp, sync, rename over PATH,
 *            sync the folder                                      (a pause)
 * @endcode
 *
 * The thread rebuilds the histories from the log rather than copying the
 * desk's: the desk's are the loop's, and copying them would pause it (about
 * 0.3 s for 625,000 records here, mostly page faults). A log read with the
 * same retention gives each user the same records, since retention keeps
 * the last N of each history whatever else happened; the thread forgets no
 * user (a user the desk forgot is forgotten again at the next start).
 *
 * A crash before the rename leaves PATH whole (and PATH.tmp junk, written
 * over by the next compaction); after it, PATH is the rewritten log plus
 * every later record, whole. It is Redis's append-only-file rewrite, small.
 */
class LogRewrite {
public:
    /// @brief Starts writing the new log.
    /// @param path the log's path; the new log is written to `path + ".tmp"`.
    /// @param log_end the log's size now: the records before it are rewritten.
    /// @param records_per_user the desk's retention (history_limit).
    /// @param step called after each step of the rewrite (tests crash there).
    /// @param in_background write on a thread (else at once, in the constructor).
    LogRewrite(const std::string& path, std::uint64_t log_end, std::size_t records_per_user,
               std::function<void(ReplaceStep)> step, bool in_background)
        : m_path(path),
          m_temporary(path + ".tmp"),
          m_log_end(log_end),
          m_records_per_user(records_per_user),
          m_step(std::move(step)) {
        if (in_background) {
            m_thread = std::thread([this] { write_new_log(); });
        } else {
            write_new_log();
        }
    }

    LogRewrite(const LogRewrite&) = delete;
    LogRewrite& operator=(const LogRewrite&) = delete;

    /// @brief Waits for the thread; an unfinished rewrite leaves only PATH.tmp.
    ~LogRewrite() {
        if (m_thread.joinable()) {
            m_thread.join();
        }
        if (!m_renamed) {
            std::error_code ignored;
            std::filesystem::remove(m_temporary, ignored);
        }
    }

    /// @brief Whether the new log is written and synced (or failed): finish()
    ///        will not wait.
    /// @return true once the thread is done.
    [[nodiscard]] bool ready() const noexcept { return m_ready.load(std::memory_order_acquire); }

    /// @brief How many history entries the rewritten part holds; valid
    ///        after finish().
    /// @return the count.
    [[nodiscard]] std::size_t entries() const noexcept { return m_entries; }

    /// @brief Whether the new log has taken the old one's name.
    /// @return true after the rename.
    [[nodiscard]] bool renamed() const noexcept { return m_renamed; }

    /// @brief Puts the new log in place: appends `tail` (the records appended
    ///        to the old log since the snapshot), syncs, renames over the
    ///        old log, syncs the folder.
    /// @param tail the encoded records appended since the snapshot.
    /// @param close_old_log called just before the rename (Windows cannot
    ///        rename over an open file).
    /// @return the new log's size.
    /// @throws what the thread threw, or std::system_error; renamed() then
    ///         says which log is in place.
    std::uint64_t finish(std::string_view tail, const std::function<void()>& close_old_log) {
        if (m_thread.joinable()) {
            m_thread.join();
        }
        if (m_error) {
            std::rethrow_exception(m_error);
        }
        m_file->append(tail);
        m_file->sync();
        const std::uint64_t size = m_file->size();
        m_file.reset();
        close_old_log();
        rename_over(m_temporary, m_path);
        m_renamed = true;
        after(ReplaceStep::renamed);
        sync_directory_of(m_path);
        after(ReplaceStep::directory_synced);
        return size;
    }

private:
    // Rebuilds the histories from the log up to m_log_end, writes what
    // they keep to PATH.tmp and syncs it; on the thread.
    void write_new_log() {
        try {
            HistoryStore kept(m_records_per_user, std::numeric_limits<std::size_t>::max());
            {
                const std::optional<std::string> log = read_whole_file(m_path);
                const std::string_view prefix =
                    std::string_view(log.value()).substr(0, static_cast<std::size_t>(m_log_end));
                scan_log(prefix, [&](const HistoryRecord& record) { kept.restore(record); });
            }
            std::string bytes;
            append_file_header(bytes);
            kept.for_each([&](const HistoryRecord& record) {
                append_record(bytes, record);
                ++m_entries;
            });
            std::filesystem::remove(m_temporary);  // a .tmp left by an earlier crash
            m_file.emplace(LogFile::open_for_append(m_temporary));
            m_file->append(bytes);
            after(ReplaceStep::temporary_written);
            m_file->sync();
            after(ReplaceStep::temporary_synced);
        } catch (...) {
            m_error = std::current_exception();
        }
        m_ready.store(true, std::memory_order_release);
    }

    void after(ReplaceStep step) const {
        if (m_step) {
            m_step(step);
        }
    }

    std::string m_path;
    std::string m_temporary;
    std::uint64_t m_log_end;
    std::size_t m_records_per_user;
    std::function<void(ReplaceStep)> m_step;
    std::size_t m_entries = 0;      // written by the thread, read after it is joined
    std::optional<LogFile> m_file;  // PATH.tmp, open from the snapshot to the rename
    std::exception_ptr m_error;     // what the thread threw
    std::atomic<bool> m_ready{false};
    bool m_renamed = false;
    std::thread m_thread;  // last: starts once the members above exist
};

}  // namespace telechat::history

/// @file
/// @brief telechat::history::LogRewrite, one compaction of a history log,
///        written on a thread of its own while the loop goes on.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "log_file.hpp"
#include "log_format.hpp"
#include "record.hpp"
#include "storage.hpp"

namespace telechat::history {

/**
 * @brief A compaction in progress: the new log is written beside the old
 *        one while the old one keeps taking appends; then the records
 *        appended meanwhile are copied over and the new log takes the old
 *        one's name.
 *
 * @code
 *   loop:    snapshot the live records (a plain copy, no encoding)
 *   thread:  encode them into PATH.tmp, sync it          (the slow part)
 *   loop:    ... appends go to PATH as usual, and are kept as the tail ...
 *   loop:    finish(): append the tail to PATH.tmp, sync, rename over PATH,
 *            sync the folder
 * @endcode
 *
 * A crash before the rename leaves PATH whole (and PATH.tmp junk, written
 * over by the next compaction); after it, PATH is the snapshot plus every
 * later record, whole. It is Redis's append-only-file rewrite, small.
 *
 * The loop's pause is the snapshot (copying the live records) and finish()
 * (the tail, one sync, a rename), not the encoding of every record.
 */
class LogRewrite {
public:
    /// @brief Copies the live records and starts writing the new log.
    /// @param path the log's path; the new log is written to `path + ".tmp"`.
    /// @param live the desk's live records.
    /// @param step called after each step of the rewrite (tests crash there).
    /// @param in_background write on a thread (else at once, in the constructor).
    LogRewrite(const std::string& path, const LiveHistories& live,
               std::function<void(ReplaceStep)> step, bool in_background)
        : m_path(path), m_temporary(path + ".tmp"), m_step(std::move(step)) {
        live.for_each([this](const HistoryRecord& record) { copy_record(record); });
        if (in_background) {
            m_thread = std::thread([this] { write_snapshot(); });
        } else {
            write_snapshot();
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

    /// @brief How many history entries the snapshot holds.
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
    // The snapshot's plain form: per record, kept_by, time, the two name
    // lengths, the text's length, then the three strings. A memcpy each,
    // so the loop's part of a compaction stays short.
    struct Plain {
        std::uint8_t kept_by;
        std::int64_t time;
        std::uint8_t from_size;
        std::uint8_t to_size;
        std::uint32_t text_size;
    };

    void copy_record(const HistoryRecord& record) {
        Plain plain{};  // zeroed, padding included: the snapshot holds no stray byte
        plain.kept_by = static_cast<std::uint8_t>(record.kept_by);
        plain.time = record.time;
        plain.from_size = static_cast<std::uint8_t>(record.from.size());
        plain.to_size = static_cast<std::uint8_t>(record.to.size());
        plain.text_size = static_cast<std::uint32_t>(record.text.size());
        m_snapshot.append(reinterpret_cast<const char*>(&plain), sizeof plain);
        m_snapshot.append(record.from).append(record.to).append(record.text);
        ++m_entries;
    }

    // Encodes the snapshot into PATH.tmp and syncs it; on the thread.
    void write_snapshot() {
        try {
            std::string bytes;
            bytes.reserve(m_snapshot.size() + m_entries * record_header_bytes + file_header_bytes);
            append_file_header(bytes);
            for (std::size_t at = 0; at < m_snapshot.size();) {
                Plain plain{};
                std::memcpy(&plain, m_snapshot.data() + at, sizeof plain);
                at += sizeof plain;
                const std::string_view rest = std::string_view(m_snapshot).substr(at);
                append_record(bytes, {plain.time, rest.substr(0, plain.from_size),
                                      rest.substr(plain.from_size, plain.to_size),
                                      rest.substr(plain.from_size + plain.to_size, plain.text_size),
                                      static_cast<KeptBy>(plain.kept_by)});
                at += std::size_t{plain.from_size} + plain.to_size + plain.text_size;
            }
            m_snapshot = std::string{};
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
    std::function<void(ReplaceStep)> m_step;
    std::string m_snapshot;  // the live records, plain, until encoded
    std::size_t m_entries = 0;
    std::optional<LogFile> m_file;  // PATH.tmp, open from the snapshot to the rename
    std::exception_ptr m_error;     // what the thread threw
    std::atomic<bool> m_ready{false};
    bool m_renamed = false;
    std::thread m_thread;  // last: starts once the members above exist
};

}  // namespace telechat::history

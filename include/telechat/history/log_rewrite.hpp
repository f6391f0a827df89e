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
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "../desk/names.hpp"
#include "../hash_table.hpp"
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
 *   thread:  read the log up to X; copy the records retention keeps
 *            (each history's last N) to PATH.tmp; sync it
 *   loop:    ... appends go to PATH as usual, and are kept as the tail ...
 *   loop:    finish(): append the tail to PATH.tmp, sync, rename over PATH,
 *            sync the folder                                      (a pause)
 * @endcode
 *
 * The thread works from the log rather than from the desk's histories: the
 * histories are the loop's, and copying them would pause it (about 0.3 s
 * for 625,000 records here, mostly page faults). The log up to X is never
 * written again, so a thread may read it; retention keeps the last N
 * records of each history whatever else happened, so counting each
 * history's records in the log tells which to keep. A kept record is copied
 * byte for byte, in log order: no re-encoding, no new checksum. The thread
 * forgets no user (one the desk forgot is forgotten again at the next start).
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
    // One record of the log as the rewrite sees it: where its bytes are,
    // and who keeps it. The log up to m_log_end was checked when it was
    // opened or written by this process, so only its framing is read here.
    struct Frame {
        std::string_view bytes;  // header and payload, copied as they are
        HistoryRecord record;
    };

    // The frame at `offset` of `log`; throws if the framing is broken
    // (the compaction is then given up, and the old log stays).
    static Frame frame_at(std::string_view log, std::size_t offset) {
        const auto broken = [] {
            return std::system_error(std::make_error_code(std::errc::illegal_byte_sequence),
                                     "compaction: the log's framing is broken");
        };
        if (log.size() - offset < record_header_bytes) {
            throw broken();
        }
        const std::size_t length = static_cast<std::size_t>(detail::load_le(log, offset, 3));
        if (log.size() - offset - record_header_bytes < length) {
            throw broken();
        }
        Frame frame{log.substr(offset, record_header_bytes + length), {}};
        if (detail::decode_history_payload(frame.bytes.substr(record_header_bytes), frame.record) !=
            nullptr) {
            throw broken();
        }
        return frame;
    }

    // Calls visit(frame) for each record of the log before m_log_end.
    template <class Visit>
    void for_each_frame(std::string_view log, Visit&& visit) const {
        for (std::size_t at = file_header_bytes; at < m_log_end;) {
            const Frame frame = frame_at(log, at);
            visit(frame);
            at += frame.bytes.size();
        }
    }

    // How many of its records a user's history has, and how many of them
    // the second pass has passed: the last m_records_per_user are kept.
    struct Seen {
        std::size_t total = 0;
        std::size_t passed = 0;
    };
    using Users = HashTable<std::string, Seen, CaseInsensitiveHash, CaseInsensitiveEqual>;

    static Seen& seen(Users& users, std::string_view name) {
        const auto found = users.find(name);
        return found != users.end() ? found->second : users[std::string(name)];
    }

    // Whether the next record of `name`'s history is among its last
    // m_records_per_user; advances its count.
    bool kept_next(Users& users, std::string_view name) const {
        Seen& user = seen(users, name);
        return user.passed++ + m_records_per_user >= user.total;
    }

    // Writes the records retention keeps, in log order, to PATH.tmp and
    // syncs it; on the thread. Two passes over the log up to m_log_end: one
    // counts each history's records, the next keeps each history's last
    // m_records_per_user. A kept record is copied byte for byte (no
    // encoding, no checksum: they are in it); one kept by a single user of
    // two is written again for that user.
    void write_new_log() {
        try {
            const std::optional<std::string> log = read_whole_file(m_path);
            if (!log || log->size() < m_log_end) {
                throw std::system_error(std::make_error_code(std::errc::io_error),
                                        "compaction: the log is shorter than it was");
            }
            Users users;
            for_each_frame(*log, [&](const Frame& frame) {
                if (kept_by_sender(frame.record)) {
                    ++seen(users, frame.record.from).total;
                }
                if (kept_by_receiver(frame.record)) {
                    ++seen(users, frame.record.to).total;
                }
            });
            std::string bytes;
            bytes.reserve(static_cast<std::size_t>(m_log_end));  // at most the old log
            append_file_header(bytes);
            for_each_frame(*log, [&](const Frame& frame) { keep(users, frame, bytes); });
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

    // Appends `frame` to `out` as far as retention keeps it.
    void keep(Users& users, const Frame& frame, std::string& out) {
        const HistoryRecord& record = frame.record;
        const bool by_sender = kept_by_sender(record);
        const bool by_receiver = kept_by_receiver(record);
        const bool sender_keeps = by_sender && kept_next(users, record.from);
        const bool receiver_keeps = by_receiver && kept_next(users, record.to);
        if (sender_keeps == by_sender && receiver_keeps == by_receiver) {
            if (sender_keeps || receiver_keeps) {
                out.append(frame.bytes);
                m_entries += (sender_keeps ? 1U : 0U) + (receiver_keeps ? 1U : 0U);
            }
        } else if (sender_keeps || receiver_keeps) {
            HistoryRecord alone = record;
            alone.kept_by = sender_keeps ? KeptBy::sender : KeptBy::receiver;
            append_record(out, alone);
            ++m_entries;
        }
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

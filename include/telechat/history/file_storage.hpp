/// @file
/// @brief telechat::history::FileStorage, a HistoryStorage that keeps every
///        record in an append-only log file, synced as the operator chooses.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "background_sync.hpp"
#include "log_file.hpp"
#include "log_format.hpp"
#include "log_recovery.hpp"
#include "log_rewrite.hpp"
#include "record.hpp"
#include "storage.hpp"

namespace telechat::history {

/// @brief When FileStorage asks the system to put the log on stable storage.
enum class SyncPolicy {
    always,        ///< before every reply: one fsync per server turn, for all its records
    every_second,  ///< once a second, from a background thread
    never,         ///< when the system decides
};

/// @brief The settings of a FileStorage.
struct FileStorageOptions {
    /// @brief The log's path; created (mode 0600) if missing.
    std::string path;
    /// @brief When the log is synced.
    SyncPolicy sync = SyncPolicy::every_second;
    /// @brief Keep the good prefix of a damaged log (the original is kept
    ///        aside) instead of refusing to start.
    bool repair = false;
    /// @brief The time at the start, for the name of a repaired log's original.
    std::int64_t now = 0;
    /// @brief How often SyncPolicy::every_second syncs (tests make it shorter).
    std::chrono::milliseconds sync_interval = std::chrono::seconds(1);
    /// @brief The log is compacted when it holds more than twice the live
    ///        history entries plus this many.
    std::size_t compaction_slack = 65'536;
    /// @brief Write a compaction's new log on a thread of its own (the loop
    ///        pauses only to copy the live records and to put the new log in
    ///        place); false writes it at once, in the loop (tests).
    bool compact_in_background = true;
    /// @brief Called after each step of a compaction's rewrite; tests inject
    ///        a crash there.
    std::function<void(ReplaceStep)> compaction_step;
};

/// @brief What a FileStorage has done, for its tests and benchmarks.
struct FileStorageStats {
    std::uint64_t records_appended = 0;  ///< records accepted by append()
    std::uint64_t writes = 0;            ///< write calls (one per save with records)
    std::uint64_t syncs = 0;             ///< fsyncs, from the loop and the background
    std::uint64_t compactions = 0;       ///< rewrites of the log
    std::uint64_t log_bytes = 0;         ///< the log's size
    std::uint64_t log_entries = 0;       ///< history entries in the log
};

/**
 * @brief Durable history: every record the desk keeps, appended to a log
 *        file that survives crashes and restarts (docs/history.md).
 *
 * - **append()** encodes the record into a pending buffer (log_format.hpp),
 *   after making sure the disk has room for it (LogFile::reserve_space):
 *   a full disk refuses the message instead of losing it later.
 * - **save()**, called by the desk before any reply leaves, writes the
 *   pending records with one `write`, then, with SyncPolicy::always, one
 *   fsync: a group commit for every message of the server's turn. With
 *   SyncPolicy::every_second a background thread syncs (BackgroundSync).
 *   So a killed process loses no acknowledged message in any policy; a
 *   power loss none with `always`, about a second's with `every_second`.
 * - **Compaction**: once the log holds more than twice the live entries
 *   (plus a slack), save() starts rewriting it with only the live records,
 *   on a thread (LogRewrite: a crash leaves the old log or the new one,
 *   complete); a later save() puts the new log in place.
 * - **Failure**: a failed write or sync makes the storage fail for good:
 *   save() throws (the server stops without sending the turn's replies)
 *   and append() refuses. Appending after a half-written record would turn
 *   a torn tail into damage in the middle.
 *
 * Not thread-safe, like the desk that calls it; its background thread
 * only syncs.
 */
class FileStorage {
public:
    /// @brief Opens (or creates) the log and recovers it (recover_log()).
    /// @param options the path, the sync policy, repair.
    /// @throws LogCorrupted, std::runtime_error, std::system_error: see recover_log().
    explicit FileStorage(FileStorageOptions options)
        : m_state(std::make_unique<State>(std::move(options))) {}

    /// @brief Hands over the records recovered from the log, once.
    /// @param sink where they go.
    void load(const RecordSink& sink) {
        scan_log(m_state->loaded, [&](const HistoryRecord& record) { sink(record); });
        m_state->loaded = std::string{};
    }

    /// @brief Takes one record, to be written at the next save().
    /// @param record the record.
    /// @return false if the disk has no room for it or the storage has failed.
    bool append(const HistoryRecord& record) {
        State& state = *m_state;
        if (state.failed) {
            return false;
        }
        const std::size_t before = state.pending.size();
        append_record(state.pending, record);
        if (!state.room_for_pending()) {
            state.pending.resize(before);
            return false;
        }
        state.pending_entries += entries_of(record);
        ++state.stats.records_appended;
        return true;
    }

    /// @brief Whether records wait for save().
    /// @return true if some do.
    [[nodiscard]] bool unsaved() const noexcept { return !m_state->pending.empty(); }

    /// @brief Writes the pending records (and syncs them, with
    ///        SyncPolicy::always); compacts the log when it is worth it.
    /// @param live the desk's records, for a compaction.
    /// @throws std::system_error if the log cannot be written or synced,
    ///         then and at every later call.
    void save(const LiveHistories& live) {
        State& state = *m_state;
        state.throw_if_failed();
        if (!state.pending.empty()) {
            state.write_pending();
        }
        if (state.rewrite) {
            if (state.rewrite->ready()) {
                state.finish_rewrite();
            }
        } else if (state.worth_compacting(live)) {
            state.start_rewrite(live);
        }
    }

    /// @brief The server's start line.
    /// @return where the history lives and how it is synced.
    [[nodiscard]] std::string describe() const {
        static constexpr const char* promises[] = {
            "fsync always: an acknowledged message survives a crash and a power loss",
            "fsync everysec: an acknowledged message survives a crash, a power loss may "
            "take the last second",
            "fsync never: an acknowledged message survives a crash, the system decides "
            "when it reaches the disk"};
        return "history: " + m_state->options.path + " (" +
               std::to_string(m_state->stats.log_entries) + " entries; " +
               promises[static_cast<int>(m_state->options.sync)] + ")";
    }

    /// @brief What recovery did when the log was opened (a torn tail cut, a repair).
    /// @return one sentence each; empty if the log was clean.
    [[nodiscard]] const std::vector<std::string>& notices() const noexcept {
        return m_state->notices;
    }

    /// @brief Counts of what the storage did.
    /// @return a snapshot (syncs include the background thread's).
    [[nodiscard]] FileStorageStats stats() const {
        FileStorageStats result = m_state->stats;
        result.syncs += m_state->background ? m_state->background->syncs() : 0;
        return result;
    }

private:
    // Everything, behind one pointer: the background thread holds its
    // address, and FileStorage stays movable.
    struct State {
        explicit State(FileStorageOptions given) : options(std::move(given)) {
            RecoveredLog recovered = recover_log(options.path, options.repair, options.now);
            loaded = std::move(recovered.bytes);
            notices = std::move(recovered.notices);
            stats.log_entries = recovered.entries;
            file = std::make_shared<LogFile>(LogFile::open_for_append(options.path));
            stats.log_bytes = file->size();
            if (options.sync == SyncPolicy::every_second) {
                background = std::make_unique<BackgroundSync>(file, options.sync_interval);
            }
        }

        // The disk has room for the log to grow by the pending bytes,
        // reserved a mebibyte at a time, or, near the end of the room, just
        // what they need.
        bool room_for_pending() {
            const std::uint64_t end = stats.log_bytes + pending.size();
            if (end <= reserved_end) {
                return true;
            }
            for (const std::uint64_t wanted : {end + reserve_step, end}) {
                try {
                    if (file->reserve_space(wanted)) {
                        reserved_end = wanted;
                        return true;
                    }
                } catch (const std::system_error&) {
                    return false;  // the message is refused; nothing was written
                }
            }
            return false;
        }

        void write_pending() {
            try {
                file->append(pending);
                ++stats.writes;
                if (options.sync == SyncPolicy::always) {
                    file->sync();
                    ++stats.syncs;
                } else if (background) {
                    background->note_write();
                }
            } catch (const std::system_error& error) {
                failed = true;
                failure = error;
                throw;
            }
            stats.log_bytes += pending.size();
            stats.log_entries += pending_entries;
            if (rewrite) {  // the new log must get them too
                rewrite_tail += pending;
                rewrite_tail_entries += pending_entries;
            }
            pending.clear();
            pending_entries = 0;
        }

        void throw_if_failed() {
            if (!file && !failed) {
                open_log();  // a compaction stopped between closing and reopening it
            }
            if (!failed && background && background->failed()) {
                failed = true;
                failure = background->failure();
            }
            if (failed) {
                throw std::system_error(failure.code(), "history log " + options.path +
                                                            " failed earlier: " + failure.what());
            }
        }

        [[nodiscard]] bool worth_compacting(const LiveHistories& live) const {
            const std::uint64_t limit =
                2 * std::uint64_t{live.record_count()} + std::uint64_t{options.compaction_slack};
            return stats.log_entries > limit && stats.log_entries > retry_compaction_above;
        }

        // Starts a compaction: the log so far is rewritten meanwhile
        // (LogRewrite), and a later save() puts it in place; at once when
        // the rewrite is not in the background.
        void start_rewrite(const LiveHistories& live) {
            rewrite = std::make_unique<LogRewrite>(options.path, stats.log_bytes,
                                                   live.records_per_user(), options.compaction_step,
                                                   options.compact_in_background);
            if (rewrite->ready()) {
                finish_rewrite();
            }
        }

        // A failure before the rename leaves the old log, complete: the
        // storage goes on with it, and tries again once the log has doubled.
        void finish_rewrite() {
            const std::unique_ptr<LogRewrite> done = std::move(rewrite);
            const std::uint64_t tail_entries = std::exchange(rewrite_tail_entries, 0);
            bool in_place = true;
            try {
                done->finish(rewrite_tail, [this] { close_log(); });
            } catch (const std::system_error&) {
                // Before the rename the old log is in place, whole; after it
                // (the folder's sync failed) the new one is.
                in_place = done->renamed();
            }
            rewrite_tail.clear();  // its room stays, for the next compaction's tail
            if (!in_place) {
                retry_compaction_above = 2 * stats.log_entries;
                if (!file) {
                    open_log();
                }
                return;
            }
            open_log();
            stats.log_bytes = file->size();
            stats.log_entries = done->entries() + tail_entries;
            ++stats.compactions;
        }

        void close_log() {
            if (background) {
                background->switch_to(nullptr);
            }
            file.reset();
        }

        // Opens the log at the path for appending; a failure here fails the
        // storage (there is nowhere left to write).
        void open_log() {
            try {
                file = std::make_shared<LogFile>(LogFile::open_for_append(options.path));
            } catch (const std::system_error& error) {
                failed = true;
                failure = error;
                throw;
            }
            if (background) {
                background->switch_to(file);
            }
            reserved_end = 0;
        }

        static constexpr std::uint64_t reserve_step = std::uint64_t{1} << 20;

        FileStorageOptions options;
        std::shared_ptr<LogFile> file;
        std::unique_ptr<BackgroundSync> background;
        std::unique_ptr<LogRewrite> rewrite;  // a compaction in progress
        std::string rewrite_tail;             // records appended since it started
        std::uint64_t rewrite_tail_entries = 0;
        std::string loaded;  // the recovered log, until load()
        std::vector<std::string> notices;
        std::string pending;  // encoded records waiting for save()
        std::size_t pending_entries = 0;
        std::uint64_t reserved_end = 0;
        std::uint64_t retry_compaction_above = 0;  // after a failed compaction
        FileStorageStats stats;
        bool failed = false;
        std::system_error failure{std::error_code{}};
    };

    std::unique_ptr<State> m_state;
};

static_assert(HistoryStorage<FileStorage>);

}  // namespace telechat::history

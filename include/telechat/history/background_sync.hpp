/// @file
/// @brief telechat::history::BackgroundSync, the thread that syncs a log
///        once a second (FileStorage's SyncPolicy::every_second).
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include "log_file.hpp"

namespace telechat::history {

/**
 * @brief Syncs a LogFile once a second, if it was written since, on a
 *        thread of its own: the server's loop never waits for the disk.
 *
 * The loop calls note_write() after each write (an atomic store); the
 * thread wakes every second and, if a write was noted, calls
 * LogFile::sync(). A failed sync is kept (failed(), failure()): the
 * storage then fails for good, since data written before it may be lost
 * and a later sync that succeeds would not bring it back.
 *
 * The file can be swapped (a compaction writes a new log); the swap waits
 * for a sync in progress. Stops and joins in the destructor.
 */
class BackgroundSync {
public:
    /// @brief Starts the thread.
    /// @param file the log to sync.
    /// @param interval how often (a second for `--fsync everysec`; tests go faster).
    explicit BackgroundSync(std::shared_ptr<LogFile> file,
                            std::chrono::milliseconds interval = std::chrono::seconds(1))
        : m_file(std::move(file)), m_interval(interval), m_thread([this] { run(); }) {}

    BackgroundSync(const BackgroundSync&) = delete;
    BackgroundSync& operator=(const BackgroundSync&) = delete;

    /// @brief Stops the thread, after a last sync if a write is pending.
    ~BackgroundSync() {
        {
            const std::lock_guard<std::mutex> guard(m_mutex);
            m_stopping = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }

    /// @brief The log was written: the next tick syncs it.
    void note_write() noexcept { m_written.store(true, std::memory_order_release); }

    /// @brief Syncs `file` from now on (after a compaction replaced the log).
    /// @param file the new log, or null while there is none.
    void switch_to(std::shared_ptr<LogFile> file) {
        const std::lock_guard<std::mutex> guard(m_mutex);
        m_file = std::move(file);
    }

    /// @brief Whether a sync failed.
    /// @return true once one has.
    [[nodiscard]] bool failed() const noexcept { return m_failed.load(std::memory_order_acquire); }

    /// @brief The first sync's failure; valid once failed() is true.
    /// @return the error.
    [[nodiscard]] std::system_error failure() const {
        const std::lock_guard<std::mutex> guard(m_mutex);
        return m_failure;
    }

    /// @brief How many syncs the thread made.
    /// @return the count.
    [[nodiscard]] std::uint64_t syncs() const noexcept {
        return m_syncs.load(std::memory_order_relaxed);
    }

private:
    void run() {
        std::unique_lock<std::mutex> lock(m_mutex);
        for (;;) {
            const bool stopping = m_wake.wait_for(lock, m_interval, [this] { return m_stopping; });
            if (m_written.exchange(false, std::memory_order_acq_rel) && !m_failed.load()) {
                sync_now();
            }
            if (stopping) {
                return;
            }
        }
    }

    // Under m_mutex, so that the file is not swapped meanwhile. No file:
    // a compaction is replacing it, and the new one is synced already.
    void sync_now() {
        if (!m_file) {
            return;
        }
        try {
            m_file->sync();
            m_syncs.fetch_add(1, std::memory_order_relaxed);
        } catch (const std::system_error& error) {
            m_failure = error;
            m_failed.store(true, std::memory_order_release);
        }
    }

    mutable std::mutex m_mutex;  // guards m_file, m_stopping, m_failure
    std::condition_variable m_wake;
    std::shared_ptr<LogFile> m_file;
    std::chrono::milliseconds m_interval;
    bool m_stopping = false;
    std::system_error m_failure{std::error_code{}};
    std::atomic<bool> m_written{false};
    std::atomic<bool> m_failed{false};
    std::atomic<std::uint64_t> m_syncs{0};
    std::thread m_thread;  // last: starts once the members above exist
};

}  // namespace telechat::history

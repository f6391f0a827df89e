/// @file
/// @brief telechat::history::recover_log(), what a history log's owner does
///        when it opens the log: read it, check every record, cut a torn
///        tail, refuse (or, when asked, repair) real damage.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "log_file.hpp"
#include "log_format.hpp"
#include "log_reader.hpp"
#include "record.hpp"

namespace telechat::history {

/// @brief A log that is damaged before its end: records follow a bad one, so
///        this is not a crash in the middle of an append, and starting would
///        silently lose them.
class LogCorrupted : public std::runtime_error {
public:
    /// @brief The error, its message naming the file and the byte offset.
    /// @param message the message.
    explicit LogCorrupted(const std::string& message) : std::runtime_error(message) {}
};

/// @brief What recover_log() found and did.
struct RecoveredLog {
    /// @brief The log's bytes as they are now on disk: the header, then
    ///        only good records.
    std::string bytes;
    /// @brief How many records it holds.
    std::size_t records = 0;
    /// @brief How many history entries they make (a record kept by both
    ///        users counts twice): compaction compares this with the live count.
    std::size_t entries = 0;
    /// @brief What was done, one sentence each (a torn tail cut, a repair),
    ///        for the server to print; empty when the log was clean.
    std::vector<std::string> notices;
};

/**
 * @brief Opens the history log at `path` for a restart, creating it if missing.
 *
 * What the file holds, and what happens:
 * - nothing, or a cut-short header: a fresh header is written;
 * - good records only: nothing;
 * - good records, then a torn last record: the tail is cut off, and a
 *   notice says so;
 * - a bad record with more data after it: LogCorrupted, naming the file and
 *   the offset; with `repair`, the original is kept aside as
 *   `PATH.corrupt-<UTC time>` and the good prefix is kept;
 * - not a TeleChat history log, or a newer version: std::runtime_error; the
 *   file is not touched.
 *
 * A torn tail is what a crash in the middle of an append leaves: cutting it
 * loses only a record whose message was never acknowledged (the reply waits
 * until the record is written). Real damage is different: records follow
 * it, and they may be acknowledged messages, so the server refuses to start
 * rather than drop them without a word.
 *
 * @param path the log.
 * @param repair keep the good prefix of a damaged log instead of refusing.
 * @param now the time, for the name of the kept original.
 * @return the log's good bytes and what was done.
 * @throws LogCorrupted, std::runtime_error as above; std::system_error on I/O errors.
 */
inline RecoveredLog recover_log(const std::string& path, bool repair, std::int64_t now) {
    RecoveredLog recovered;
    std::optional<std::string> bytes = read_whole_file(path);
    recovered.bytes = bytes ? std::move(*bytes) : std::string{};
    const LogScan scan = scan_log(recovered.bytes, [&](const HistoryRecord& record) {
        ++recovered.records;
        recovered.entries += entries_of(record);
    });
    const std::string where = "history log " + path + ": ";
    switch (scan.status) {
        case LogStatus::clean:
            break;
        case LogStatus::not_a_log:
        case LogStatus::unknown_version:
            throw std::runtime_error(where + scan.problem + "; the file was left untouched");
        case LogStatus::torn_tail:
            recovered.bytes.resize(scan.valid_bytes);
            std::filesystem::resize_file(path, scan.valid_bytes);
            // Every torn-tail sentence of scan_log() ends "... are cut".
            recovered.notices.push_back(where + scan.problem +
                                        " off; they were never acknowledged");
            break;
        case LogStatus::corrupt: {
            if (!repair) {
                throw LogCorrupted(where + scan.problem + "; the " +
                                   std::to_string(recovered.records) +
                                   " records before it are good");
            }
            const std::string aside = path + ".corrupt-" + utc_timestamp_for_file_name(now);
            keep_copy_aside(path, aside);
            recovered.bytes.resize(scan.valid_bytes);
            replace_file(path, recovered.bytes);
            recovered.notices.push_back(where + scan.problem + "; repaired: kept the " +
                                        std::to_string(recovered.records) +
                                        " records before it, the original is " + aside);
            break;
        }
    }
    if (recovered.bytes.size() < file_header_bytes) {  // new, or its creation was cut short
        recovered.bytes.clear();
        append_file_header(recovered.bytes);
        replace_file(path, recovered.bytes);
    }
    return recovered;
}

}  // namespace telechat::history

/// @file
/// @brief telechat::history::scan_log(), the recovery side of the history
///        log: which records of a log are good, and where and why the
///        rest is not.
///
/// The format is in log_format.hpp. The writer only ever appends, so after
/// a crash a log is a run of good records followed, perhaps, by what one
/// interrupted append left. The scan walks the records from the start,
/// hands each good one to the caller, and stops at the first that is not:
/// everything before it is kept (LogScan::valid_bytes), and LogScan::status
/// says whether what follows looks like an interrupted append, which the
/// store may cut off and carry on, or like damage, which needs a person.
///
/// What an interrupted append looks like:
/// - A crash of the process (or of the machine) in the middle of write()
///   leaves the file ending inside the last record: fewer than 8 bytes of
///   its header, or a header whose length runs past the end of the file.
///   The length is trusted only if its check byte holds; otherwise the
///   length itself is damaged and the record is corrupt.
/// - A power loss can leave the file longer than the data that reached
///   the disk, with zeros in place of the rest (the size was updated, the
///   data blocks were not). Zeros from inside the failing record to the
///   end of the file are that: no good record ends in a zero byte, so no
///   good record can follow them.
/// Anything else that fails is damage: a check byte or a checksum that
/// fails with something other than zeros after it, or a record whose
/// checksum holds but whose content is not a valid record. A checksum that
/// holds says that the bytes are the ones written, so the writer, not the
/// disk, got them wrong; that is never an interrupted append.
///
/// The file header is read first. An empty file, or the start of a valid
/// header and nothing more, is a log whose creation was cut short: clean,
/// with nothing to keep (the store writes the header again). A file of
/// zeros is the same cut short by a power loss (a torn tail at 0). A file
/// that does not start with the magic is not a log, and is left alone; a
/// header with the magic whose checksum fails is corrupt; a good header
/// of another version is a log that this build cannot read.
///
/// The scan never reads outside `bytes`, allocates only for the problem
/// sentence, and takes O(n) time: each byte is checked a bounded number of
/// times, and a length field only moves the position, never sizes a buffer.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "crc32c.hpp"
#include "log_format.hpp"
#include "record.hpp"

namespace telechat::history {

/// @brief What a scan found after the good records.
enum class LogStatus {
    clean,            ///< nothing: every byte belongs to a good record (or a cut-short header)
    torn_tail,        ///< an append that a crash cut short: drop it and carry on
    corrupt,          ///< damage: the rest cannot be trusted, and records may be lost
    not_a_log,        ///< the file is not a TeleChat history log at all
    unknown_version,  ///< a log of a format version this build does not read
};

/// @brief The result of scan_log().
struct LogScan {
    /// @brief What was found after the good records.
    LogStatus status = LogStatus::clean;
    /// @brief The file header and every good record before the problem:
    ///        what to keep. 0 if not even the header is good.
    std::size_t valid_bytes = 0;
    /// @brief Good records visited.
    std::size_t records = 0;
    /// @brief Where the problem starts (== valid_bytes for a torn tail or
    ///        a corrupt record; 8, the version, for unknown_version).
    std::size_t problem_offset = 0;
    /// @brief One readable sentence about the problem; empty when clean.
    std::string problem;
};

}  // namespace telechat::history

namespace telechat::detail {

/// @brief Why a record is not good, before telling torn from corrupt.
enum class RecordFault {
    none,            ///< good
    short_header,    ///< fewer than 8 bytes left
    bad_check_byte,  ///< the length word fails its check byte
    past_the_end,    ///< the length holds but runs past the end of the file
    bad_checksum,    ///< the payload fails its CRC-32C
    bad_content,     ///< the CRC holds but the payload is not a valid record
};

/// @brief What reading one record found.
struct RecordCheck {
    RecordFault fault = RecordFault::none;
    std::size_t length = 0;         ///< the payload length, once its check byte held
    const char* content = nullptr;  ///< why the content is refused (bad_content)
};

/// @brief Decodes a payload whose checksum holds.
/// @param payload the payload bytes.
/// @param record filled in; its views point into `payload`.
/// @return nullptr if the payload is a valid record, else why not.
[[nodiscard]] constexpr const char* decode_history_payload(
    std::string_view payload, history::HistoryRecord& record) noexcept {
    if (payload.size() < history_fixed_payload_bytes) {
        return "the payload is too short for a record";
    }
    record.kept_by = static_cast<history::KeptBy>(unsigned_byte_at(payload, 0));
    record.time = static_cast<UnixMillis>(load_le(payload, 1, 8));  // two's complement (C++20)
    std::size_t at = 9;
    const std::size_t from_length = unsigned_byte_at(payload, at++);
    if (payload.size() - at < from_length + 1) {  // the name and the next length byte
        return "the sender's length runs past the payload";
    }
    record.from = payload.substr(at, from_length);
    at += from_length;
    const std::size_t to_length = unsigned_byte_at(payload, at++);
    if (payload.size() - at < to_length) {
        return "the receiver's length runs past the payload";
    }
    record.to = payload.substr(at, to_length);
    record.text = payload.substr(at + to_length);
    return history_content_fault(record);
}

/// @brief Reads the record at `offset`, which is below `bytes.size()`.
/// @param record filled in when the record is good.
[[nodiscard]] constexpr RecordCheck check_history_record(std::string_view bytes, std::size_t offset,
                                                         history::HistoryRecord& record) noexcept {
    const std::size_t left = bytes.size() - offset;
    if (left < history::record_header_bytes) {
        return {RecordFault::short_header};
    }
    const auto word = static_cast<std::uint32_t>(load_le(bytes, offset, 4));
    const std::uint32_t length = word & 0xFFFFFFU;
    if (word >> 24 != history_check_byte(length)) {
        return {RecordFault::bad_check_byte};
    }
    if (left - history::record_header_bytes < length) {
        return {RecordFault::past_the_end, length};
    }
    const std::string_view payload = bytes.substr(offset + history::record_header_bytes, length);
    if (history::crc32c(payload) != load_le(bytes, offset + 4, 4)) {
        return {RecordFault::bad_checksum, length};
    }
    const char* content = decode_history_payload(payload, record);
    return {content == nullptr ? RecordFault::none : RecordFault::bad_content, length, content};
}

/// @brief Where the zeros that end `bytes` start (`bytes.size()` if its
///        last byte is not zero).
[[nodiscard]] constexpr std::size_t zero_tail_start(std::string_view bytes) noexcept {
    std::size_t start = bytes.size();
    while (start > 0 && bytes[start - 1] == '\0') {
        --start;
    }
    return start;
}

/// @brief Fills in the status and the sentence of a scan that stopped at
///        the record at `scan.valid_bytes`.
inline void describe_bad_record(std::string_view bytes, const RecordCheck& check,
                                history::LogScan& scan) {
    using history::LogStatus;
    const std::size_t at = scan.valid_bytes;
    const std::string where = "the record at byte " + std::to_string(at);
    const std::string rest = std::to_string(bytes.size() - at) + " bytes";
    const std::string unread = "; the " + rest + " from there to the end of the file are not read";
    const std::string cut = "; those " + rest + " are cut";
    // Zeros that start inside the record (inside its header, if its length
    // is not to be trusted) and run to the end: a power loss.
    const std::size_t record_end = at + history::record_header_bytes +
                                   (check.fault == RecordFault::bad_check_byte ? 0 : check.length);
    const std::size_t zeros = zero_tail_start(bytes);
    scan.problem_offset = at;
    scan.status = LogStatus::torn_tail;
    if (zeros <= at) {
        scan.problem = "the last " + rest + ", from byte " + std::to_string(at) +
                       ", are zeros: an append that a power loss cut short; they are cut";
    } else if (check.fault == RecordFault::short_header) {
        scan.problem =
            "the file ends inside the header of " + where + ": an append cut short" + cut;
    } else if (check.fault == RecordFault::past_the_end) {
        scan.problem = where + " needs " + std::to_string(check.length + 8) +
                       " bytes but the file ends before: an append cut short" + cut;
    } else if (check.fault != RecordFault::bad_content && zeros < record_end) {
        scan.problem = where + " ends in zeros that run to the end of the file: an append that a" +
                       " power loss cut short" + cut;
    } else {
        scan.status = LogStatus::corrupt;
        if (check.fault == RecordFault::bad_check_byte) {
            scan.problem = where + " has a damaged length (its check byte fails)" + unread;
        } else if (check.fault == RecordFault::bad_checksum) {
            scan.problem = where + " fails its checksum" + unread;
        } else {
            scan.problem = where + " passes its checksum but " + check.content + unread;
        }
    }
}

/// @brief Reads the file header: clean with valid_bytes 16 if it is good.
[[nodiscard]] inline history::LogScan scan_history_file_header(std::string_view bytes) {
    using history::LogStatus;
    history::LogScan scan;
    const std::string_view good(history_file_header.data(), history_file_header.size());
    const auto size = [&] { return std::to_string(bytes.size()) + " bytes"; };
    if (bytes.size() < good.size() && good.substr(0, bytes.size()) == bytes) {
        return scan;  // empty, or the creation of the log was cut short
    }
    if (zero_tail_start(bytes) == 0) {
        scan.status = LogStatus::torn_tail;
        scan.problem = "the file's " + size() + " are all zeros: a log whose creation a power" +
                       " loss cut short; they are cut";
    } else if (bytes.size() < good.size() || bytes.substr(0, 8) != history::file_magic) {
        scan.status = LogStatus::not_a_log;
        scan.problem = "the file (" + size() + ") does not start with the signature of a" +
                       " TeleChat history log";
    } else if (history::crc32c(bytes.substr(0, 12)) != load_le(bytes, 12, 4)) {
        scan.status = LogStatus::corrupt;
        scan.problem =
            "the file header fails its checksum; the " + size() + " of the file are not read";
    } else if (const std::uint64_t version = load_le(bytes, 8, 4);
               version != history::format_version) {
        scan.status = LogStatus::unknown_version;
        scan.problem_offset = 8;
        scan.problem = "the log is in format version " + std::to_string(version) +
                       ", and this build reads version 1 only";
    } else {
        scan.valid_bytes = history::file_header_bytes;
    }
    return scan;
}

}  // namespace telechat::detail

namespace telechat::history {

/// @brief Checks a whole log and hands each good record to `visit`, in
///        order, stopping at the first problem (see the rules above).
///
/// @code
///   const LogScan scan = scan_log(bytes, [&](const HistoryRecord& r) { load(r); });
///   if (scan.status == LogStatus::torn_tail) { truncate(file, scan.valid_bytes); }
/// @endcode
/// @param bytes the whole file.
/// @param visit called as `visit(const HistoryRecord&)` for each good
///        record; the record's views point into `bytes`.
/// @return what was found; see LogScan.
/// @invariant `valid_bytes <= bytes.size()`, and scanning the first
///            `valid_bytes` bytes alone finds the same records and clean.
/// @complexity O(bytes.size()); allocates only for LogScan::problem.
template <class Visit>
LogScan scan_log(std::string_view bytes, Visit&& visit) {
    LogScan scan = detail::scan_history_file_header(bytes);
    if (scan.status != LogStatus::clean || scan.valid_bytes == 0) {
        return scan;
    }
    HistoryRecord record;
    while (scan.valid_bytes < bytes.size()) {
        const detail::RecordCheck check =
            detail::check_history_record(bytes, scan.valid_bytes, record);
        if (check.fault != detail::RecordFault::none) {
            detail::describe_bad_record(bytes, check, scan);
            return scan;
        }
        visit(static_cast<const HistoryRecord&>(record));
        ++scan.records;
        scan.valid_bytes += record_header_bytes + check.length;
    }
    return scan;
}

}  // namespace telechat::history

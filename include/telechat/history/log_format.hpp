/// @file
/// @brief The on-disk format of TeleChat's durable history log, and its
///        writer: append_file_header() and append_record().
///
/// The log is one append-only file: a 16-byte file header, then records,
/// one after the other to the end of the file. Every integer is
/// little-endian, whatever the processor, so a log moves between machines.
///
/// @code
///   File header, 16 bytes, at offset 0
///     offset size  field
///      0      8    magic 89 54 43 48 0D 0A 1A 0A  ("\x89" "TCH" "\r\n" "\x1a" "\n")
///      8      4    u32 format version: 1
///     12      4    u32 CRC-32C of bytes 0-11
///
///   Record, 8 + n bytes
///      0      4    u32 length word: bits 0-23  n, the payload length (0 to 16 MiB - 1)
///                                   bits 24-31 check byte: the low 8 bits of the
///                                              CRC-32C of the 3 length bytes
///      4      4    u32 CRC-32C of the n payload bytes
///      8      n    payload
///
///   Payload, n = 11 + f + t + x bytes
///      0      1    u8 kept_by: 1 sender, 2 receiver, 3 both (KeptBy)
///      1      8    i64 time: milliseconds since the Unix epoch, two's complement
///      9      1    u8 f: the length of `from`
///     10      f    from: the sender's name
///   10+f      1    u8 t: the length of `to`
///   11+f      t    to: the receiver's name, or `*` (a waiting customer's message)
///   11+f+t    x    text: the rest of the payload, UTF-8 (valid 3MCP text)
/// @endcode
///
/// Why each part (the reader's rules, in log_reader.hpp, rest on them):
/// - The magic is PNG's idea: the high byte 0x89 is lost by a 7-bit
///   transfer, `\r\n` and the lone `\n` are changed by anything that
///   converts line endings, and 0x1A stops a DOS `type`. A log that went
///   through such a copy is refused rather than misread.
/// - The version lets a later format be recognised and refused by this
///   build, instead of being read as damage. It is under the header's
///   checksum, so a damaged 1 is not taken for a 2.
/// - A length prefix, not a separator: the text may hold any UTF-8, and the
///   reader can step over a record without looking inside it.
/// - The check byte makes the length trustworthy on its own. A crash in
///   the middle of an append leaves a record whose length runs past the
///   end of the file; a damaged length can do the same. The check byte
///   tells them apart: when it holds, the length is as written and the
///   record was cut short; when it fails, the length itself is damaged.
///   It catches every damage to one bit, and all but 2 of the 765 ways
///   one length byte can change.
/// - The payload's CRC-32C catches damage inside the record: every error
///   of up to 32 bits in a row, and anything else but once in 2^32.
/// - The payload repeats none of the framing, and every record has exactly
///   one encoding, so a reader that re-encodes what it read gets the same
///   bytes back (the fuzzer checks this).
/// - A record's last byte is never zero: the text and the names hold no
///   NUL, and `to` is never empty. So a log that ends in a zero byte was
///   cut short by a power loss, which can leave zeros where data was due.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "../protocol/command.hpp"
#include "../protocol/text.hpp"
#include "crc32c.hpp"
#include "record.hpp"

namespace telechat::history {

/// @brief Bytes of the file header.
inline constexpr std::size_t file_header_bytes = 16;
/// @brief Bytes of a record's header: the length word and the payload's CRC.
inline constexpr std::size_t record_header_bytes = 8;
/// @brief The longest payload: what the 24 bits of the length word hold.
inline constexpr std::size_t max_payload_bytes = (std::size_t{1} << 24) - 1;
/// @brief The format this build writes, and the only one it reads.
inline constexpr std::uint32_t format_version = 1;
/// @brief The first 8 bytes of every log.
inline constexpr std::string_view file_magic{"\x89TCH\r\n\x1a\n", 8};

}  // namespace telechat::history

namespace telechat::detail {

/// @brief Payload bytes besides the names and the text: kept_by, the time
///        and the two name lengths.
inline constexpr std::size_t history_fixed_payload_bytes = 1 + 8 + 1 + 1;

// is_valid_text() refuses every C0 control but TAB, so a text it accepts
// holds no line ending and no NUL: the log's readers (and the last-byte
// rule above) count on it.
static_assert(!protocol::is_valid_text("\r") && !protocol::is_valid_text("\n") &&
              !protocol::is_valid_text(std::string_view("\0", 1)));

/// @brief Writes the low `count` bytes of `value` at `at`, little-endian.
/// @return the position after them.
constexpr char* store_le(char* at, std::uint64_t value, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        *at++ = static_cast<char>((value >> (8 * i)) & 0xFFU);
    }
    return at;
}

/// @brief Reads `count` bytes at `offset` of `bytes` as a little-endian
///        number. The caller has checked that they are there.
[[nodiscard]] constexpr std::uint64_t load_le(std::string_view bytes, std::size_t offset,
                                              std::size_t count) noexcept {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        value |= std::uint64_t{unsigned_byte_at(bytes, offset + i)} << (8 * i);
    }
    return value;
}

/// @brief The check byte of a payload length: the low 8 bits of the
///        CRC-32C of its 3 little-endian bytes.
[[nodiscard]] constexpr std::uint32_t history_check_byte(std::uint32_t length) noexcept {
    std::array<char, 3> bytes{};
    store_le(bytes.data(), length, bytes.size());
    return history::crc32c(std::string_view(bytes.data(), bytes.size())) & 0xFFU;
}

/// @brief The length word of a payload of `length` bytes (below 2^24).
[[nodiscard]] constexpr std::uint32_t history_length_word(std::uint32_t length) noexcept {
    return length | history_check_byte(length) << 24;
}

/// @brief The one valid file header of this format.
[[nodiscard]] constexpr std::array<char, history::file_header_bytes> make_history_file_header() {
    std::array<char, history::file_header_bytes> header{};
    std::copy(history::file_magic.begin(), history::file_magic.end(), header.begin());
    store_le(header.data() + 8, history::format_version, 4);
    const std::uint32_t crc = history::crc32c(std::string_view(header.data(), 12));
    store_le(header.data() + 12, crc, 4);
    return header;
}

/// @brief The file header every log of this build starts with.
inline constexpr std::array<char, history::file_header_bytes> history_file_header =
    make_history_file_header();

/// @brief What makes a record's content unfit for the log, as the reader
///        checks it after decoding.
/// @return nullptr if it is fit, else a phrase such as
///         "the sender is not a valid name".
[[nodiscard]] constexpr const char* history_content_fault(
    const history::HistoryRecord& record) noexcept {
    const auto kept_by = static_cast<unsigned>(record.kept_by);
    if (kept_by < 1 || kept_by > 3) {
        return "kept_by is not 1, 2 or 3";
    }
    if (!protocol::is_valid_name(record.from)) {
        return "the sender is not a valid name";
    }
    if (record.to != "*" && !protocol::is_valid_name(record.to)) {
        return "the receiver is neither a valid name nor *";
    }
    if (!protocol::is_valid_text(record.text)) {
        return "the text is not valid 3MCP text (UTF-8 without control characters)";
    }
    return nullptr;
}

/// @brief The payload length of `record`, after checking that the format
///        can hold it and that a reader will accept it.
/// @throws std::invalid_argument naming what is wrong.
[[nodiscard]] inline std::size_t history_payload_bytes(const history::HistoryRecord& record) {
    constexpr std::size_t max_name_bytes = 255;
    const auto refuse = [](const char* why) {
        throw std::invalid_argument(std::string("telechat::history::append_record: ") + why);
    };
    if (record.from.size() > max_name_bytes || record.to.size() > max_name_bytes) {
        refuse("a name is longer than 255 bytes");
    }
    const std::size_t payload =
        history_fixed_payload_bytes + record.from.size() + record.to.size() + record.text.size();
    if (payload > history::max_payload_bytes) {
        refuse("the record's payload is longer than 16 MiB - 1 bytes");
    }
    // A record the reader would call corrupt must not be written: recovery
    // would stop at it and drop every record after it.
    if (const char* fault = history_content_fault(record)) {
        refuse(fault);
    }
    return payload;
}

/// @brief Copies `bytes` to `at`.
/// @return the position after them.
inline char* store_bytes(char* at, std::string_view bytes) noexcept {
    return std::copy(bytes.begin(), bytes.end(), at);
}

}  // namespace telechat::detail

namespace telechat::history {

/// @brief Appends the file header (see the table above) to `out`.
/// @param out the bytes of the new log, empty so far.
/// @complexity O(1).
inline void append_file_header(std::string& out) {
    out.append(detail::history_file_header.data(), detail::history_file_header.size());
}

/// @brief Appends one encoded record (see the table above) to `out`.
///
/// Allocates nothing but what `out` needs to grow. On an exception `out`
/// is unchanged.
/// @param out where the record goes, after what is there.
/// @param record the record; its views are read during the call only.
/// @throws std::invalid_argument if a name is longer than 255 bytes, if
///         the payload would be longer than max_payload_bytes, or if the
///         reader would refuse the content (kept_by not a KeptBy, `from`
///         not a valid name, `to` neither a valid name nor `*`, or the text
///         not valid 3MCP text).
/// @complexity O(size of the record).
inline void append_record(std::string& out, const HistoryRecord& record) {
    const std::size_t payload = detail::history_payload_bytes(record);
    const std::size_t start = out.size();
    out.resize(start + record_header_bytes + payload);
    char* at = out.data() + start + record_header_bytes;
    at = detail::store_le(at, static_cast<std::uint8_t>(record.kept_by), 1);
    at = detail::store_le(at, static_cast<std::uint64_t>(record.time), 8);
    at = detail::store_le(at, record.from.size(), 1);
    at = detail::store_bytes(at, record.from);
    at = detail::store_le(at, record.to.size(), 1);
    at = detail::store_bytes(at, record.to);
    detail::store_bytes(at, record.text);

    const auto length = static_cast<std::uint32_t>(payload);
    const std::string_view written(out.data() + start + record_header_bytes, payload);
    at = detail::store_le(out.data() + start, detail::history_length_word(length), 4);
    detail::store_le(at, crc32c(written), 4);
}

}  // namespace telechat::history

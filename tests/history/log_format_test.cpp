// The history log's format (log_format.hpp) and its recovery (log_reader.hpp):
// the checksum, the exact bytes, round trips, and what the scan says about a
// log cut short, zero-filled or damaged at every byte.
#include <telechat/history/crc32c.hpp>
#include <telechat/history/log_format.hpp>
#include <telechat/history/log_reader.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using namespace telechat::history;
using namespace std::string_literals;

namespace {

// A record that owns its strings, so that what a scan visits outlives it.
struct Stored {
    std::int64_t time = 0;
    std::string from;
    std::string to;
    std::string text;
    KeptBy kept_by = KeptBy::both;

    [[nodiscard]] HistoryRecord view() const { return {time, from, to, text, kept_by}; }
    friend bool operator==(const Stored&, const Stored&) = default;
};

Stored stored(const HistoryRecord& record) {
    return {record.time, std::string(record.from), std::string(record.to), std::string(record.text),
            record.kept_by};
}

struct Scanned {
    LogScan scan;
    std::vector<Stored> records;
};

Scanned scan(std::string_view bytes) {
    Scanned result;
    result.scan =
        scan_log(bytes, [&](const HistoryRecord& r) { result.records.push_back(stored(r)); });
    return result;
}

// The first `count` of `records`.
std::vector<Stored> first(const std::vector<Stored>& records, std::size_t count) {
    return {records.begin(), records.begin() + static_cast<std::ptrdiff_t>(count)};
}

// A whole log of `records`; `starts` gets the offset of each record.
std::string log_of(const std::vector<Stored>& records, std::vector<std::size_t>* starts = nullptr) {
    std::string bytes;
    append_file_header(bytes);
    for (const Stored& record : records) {
        if (starts != nullptr) {
            starts->push_back(bytes.size());
        }
        append_record(bytes, record.view());
    }
    return bytes;
}

// Every kind of record the desk writes: all KeptBy, a waiting customer's
// `*`, UTF-8, an empty text, times before 1970 and at both extremes.
std::vector<Stored> sample_records() {
    return {
        {1'700'000'000'000, "ann", "bob", "hello bob", KeptBy::both},
        {1'700'000'000'250, "bob", "ann", "hi ann, how can I help?\twith a tab", KeptBy::both},
        {1'700'000'001'000, "carol", "*", "is anyone there?", KeptBy::sender},
        {1'700'000'002'000, "dave.q-1", "eve_2", "Olá, ça va? 日本語 \U0001F642", KeptBy::receiver},
        {-1, "x", "y", "", KeptBy::sender},
        {std::numeric_limits<std::int64_t>::min(), std::string(32, 'n'), std::string(32, 'm'),
         "oldest", KeptBy::receiver},
        {std::numeric_limits<std::int64_t>::max(), "Z9", "a.b", "newest", KeptBy::both},
    };
}

// The little-endian bytes of a 32-bit word.
std::string le32(std::uint32_t word) {
    std::string bytes;
    for (int i = 0; i < 4; ++i) {
        bytes += static_cast<char>((word >> (8 * i)) & 0xFF);
    }
    return bytes;
}

// The length word of a payload of `length` bytes, by the header's table.
std::string length_word(std::uint32_t length) {
    const std::string word = le32(length);
    const std::uint32_t check = crc32c(std::string_view(word).substr(0, 3)) & 0xFF;
    return le32(length | check << 24);
}

// The bytes of a record with this payload, framed by the format's rules as
// the test reads them from the header's table (not by the writer).
std::string framed(std::string_view payload) {
    const auto length = static_cast<std::uint32_t>(payload.size());
    return length_word(length) + le32(crc32c(payload)) + std::string(payload);
}

// A payload by the table: kept_by, time, the two names, the text.
std::string payload_of(std::uint8_t kept_by, std::int64_t time, std::string_view from,
                       std::string_view to, std::string_view text) {
    std::string bytes(1, static_cast<char>(kept_by));
    for (int i = 0; i < 8; ++i) {
        bytes += static_cast<char>((static_cast<std::uint64_t>(time) >> (8 * i)) & 0xFF);
    }
    bytes += static_cast<char>(from.size());
    bytes += from;
    bytes += static_cast<char>(to.size());
    bytes += to;
    return bytes + std::string(text);
}

// The CRC-32C by its definition, one bit at a time.
std::uint32_t bitwise_crc32c(std::string_view bytes) {
    std::uint32_t crc = 0xFFFFFFFF;
    for (const char c : bytes) {
        crc ^= static_cast<std::uint8_t>(c);
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
    }
    return ~crc;
}

std::string pseudo_random_bytes(std::size_t count) {
    std::string bytes;
    std::uint32_t state = 12345;
    for (std::size_t i = 0; i < count; ++i) {
        state = state * 1103515245 + 12345;
        bytes += static_cast<char>(state >> 24);
    }
    return bytes;
}

std::string bytes_of(std::initializer_list<int> values) {
    std::string bytes;
    for (const int value : values) {
        bytes += static_cast<char>(value);
    }
    return bytes;
}

}  // namespace

static_assert(crc32c("123456789") == 0xE3069283);

TEST_CASE("log format: CRC-32C gives the published check values") {
    CHECK(crc32c("123456789") == 0xE3069283);
    CHECK(crc32c("") == 0);
    // RFC 3720 (iSCSI), appendix B.4.
    std::string ascending;
    for (int i = 0; i < 32; ++i) {
        ascending += static_cast<char>(i);
    }
    CHECK(crc32c(std::string(32, '\0')) == 0x8A9136AA);
    CHECK(crc32c(std::string(32, '\xFF')) == 0x62A8AB43);
    CHECK(crc32c(ascending) == 0x46DD794E);
    CHECK(crc32c(std::string(ascending.rbegin(), ascending.rend())) == 0x113FDB5C);
}

TEST_CASE("log format: CRC-32C agrees with its bitwise definition at every length and offset") {
    const std::string data = pseudo_random_bytes(300);
    for (std::size_t offset = 0; offset < 8; ++offset) {
        for (std::size_t length = 0; offset + length <= data.size(); ++length) {
            const std::string_view piece = std::string_view(data).substr(offset, length);
            REQUIRE(crc32c(piece) == bitwise_crc32c(piece));
        }
    }
}

TEST_CASE("log format: CRC-32C chains over any split") {
    const std::string data = pseudo_random_bytes(100);
    const std::string_view all = data;
    for (std::size_t a = 0; a <= all.size(); ++a) {
        REQUIRE(crc32c(all.substr(a), crc32c(all.substr(0, a))) == crc32c(all));
        const std::size_t b = (a + all.size()) / 2;
        REQUIRE(crc32c(all.substr(b), crc32c(all.substr(a, b - a), crc32c(all.substr(0, a)))) ==
                crc32c(all));
    }
}

TEST_CASE("log format: the file header and one record, byte for byte") {
    // The contract: a log written today is read by every later version.
    //! [one record]
    const std::string header = bytes_of({0x89, 'T', 'C', 'H', '\r', '\n', 0x1A, '\n',  // magic
                                         0x01, 0x00, 0x00, 0x00,                       // version 1
                                         0x08, 0x57, 0x03, 0x8E});  // CRC-32C of bytes 0-11
    const std::string record = bytes_of({
        0x13, 0x00, 0x00, 0x83,                          // length 19, check byte 0x83
        0xF6, 0x44, 0x20, 0x7A,                          // CRC-32C of the payload
        0x02,                                            // kept_by: receiver
        0xF8, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE,  // time -0x0102030405060708
        0x03, 'a',  'n',  'n',                           // from
        0x03, 'b',  'o',  'b',                           // to
        'h',  'i',                                       // text
    });
    //! [one record]
    std::string bytes;
    append_file_header(bytes);
    CHECK(bytes == header);
    append_record(bytes, {-0x0102030405060708, "ann", "bob", "hi", KeptBy::receiver});
    CHECK(bytes == header + record);
    CHECK(framed(payload_of(2, -0x0102030405060708, "ann", "bob", "hi")) == record);
}

TEST_CASE("log format: records round-trip through the writer and the scan") {
    const std::vector<Stored> records = sample_records();
    const std::string bytes = log_of(records);
    const Scanned result = scan(bytes);
    CHECK(result.scan.status == LogStatus::clean);
    CHECK(result.scan.valid_bytes == bytes.size());
    CHECK(result.scan.records == records.size());
    CHECK(result.scan.problem.empty());
    CHECK(result.records == records);

    SECTION("the visited views point into the scanned bytes") {
        scan_log(bytes, [&](const HistoryRecord& r) {
            REQUIRE(r.from.data() >= bytes.data());
            REQUIRE(r.text.data() + r.text.size() <= bytes.data() + bytes.size());
        });
    }
}

TEST_CASE("log format: the largest payload fits, one byte more is refused") {
    Stored largest{7, "a", "b", "", KeptBy::both};
    largest.text.assign(max_payload_bytes - 11 - 2, 'x');
    const std::string bytes = log_of({largest});
    CHECK(bytes.size() == file_header_bytes + record_header_bytes + max_payload_bytes);
    const Scanned result = scan(bytes);
    CHECK(result.scan.status == LogStatus::clean);
    REQUIRE(result.records.size() == 1);
    CHECK(result.records[0] == largest);

    largest.text += 'x';
    std::string out = "kept";
    CHECK_THROWS_AS(append_record(out, largest.view()), std::invalid_argument);
    CHECK(out == "kept");
}

TEST_CASE("log format: append_record refuses what the reader would refuse") {
    const std::string long_name(256, 'a');
    const std::vector<HistoryRecord> refused{
        {0, long_name, "bob", "hi", KeptBy::both},
        {0, "ann", long_name, "hi", KeptBy::both},
        {0, std::string_view(long_name).substr(0, 33), "bob", "hi", KeptBy::both},
        {0, "", "bob", "hi", KeptBy::both},
        {0, "-ann", "bob", "hi", KeptBy::both},
        {0, "ann", "", "hi", KeptBy::both},
        {0, "ann", "**", "hi", KeptBy::both},
        {0, "*", "bob", "hi", KeptBy::both},
        {0, "ann", "bob", "two\nlines", KeptBy::both},
        {0, "ann", "bob", "carriage\rreturn", KeptBy::both},
        {0, "ann", "bob", "\xC3(", KeptBy::both},
        {0, "ann", "bob", "hi", static_cast<KeptBy>(0)},
        {0, "ann", "bob", "hi", static_cast<KeptBy>(4)},
    };
    for (const HistoryRecord& record : refused) {
        std::string out = "kept";
        CHECK_THROWS_AS(append_record(out, record), std::invalid_argument);
        CHECK(out == "kept");
    }
}

TEST_CASE("log format: a log cut at any byte is clean up to the last whole record") {
    std::vector<std::size_t> starts;
    const std::vector<Stored> records = sample_records();
    const std::string bytes = log_of(records, &starts);
    starts.push_back(bytes.size());
    for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
        const Scanned result = scan(std::string_view(bytes).substr(0, cut));
        if (cut < file_header_bytes) {  // a log whose creation was cut short
            REQUIRE(result.scan.status == LogStatus::clean);
            REQUIRE(result.scan.valid_bytes == 0);
            REQUIRE(result.records.empty());
            continue;
        }
        std::size_t whole = 0;  // records that end at or before the cut
        while (starts[whole + 1] <= cut) {
            ++whole;
            if (whole == records.size()) {
                break;
            }
        }
        INFO("cut at byte " << cut);
        REQUIRE(result.scan.status ==
                (cut == starts[whole] ? LogStatus::clean : LogStatus::torn_tail));
        REQUIRE(result.scan.valid_bytes == starts[whole]);
        REQUIRE(result.scan.records == whole);
        REQUIRE(result.records == first(records, whole));
        if (result.scan.status == LogStatus::torn_tail) {
            REQUIRE(result.scan.problem_offset == starts[whole]);
            REQUIRE_THAT(result.scan.problem,
                         Catch::Contains(std::to_string(cut - starts[whole]) + " bytes"));
        }
    }
}

TEST_CASE("log format: a zero-filled tail is a torn tail") {
    std::vector<std::size_t> starts;
    const std::vector<Stored> records = sample_records();
    const std::string bytes = log_of(records, &starts);
    const std::size_t last = starts.back();
    const auto all_but_last = first(records, records.size() - 1);

    SECTION("zeros after the last record") {
        for (const std::size_t zeros :
             std::initializer_list<std::size_t>{1, 3, 7, 8, 9, 40, 4096}) {
            const Scanned result = scan(bytes + std::string(zeros, '\0'));
            REQUIRE(result.scan.status == LogStatus::torn_tail);
            REQUIRE(result.scan.valid_bytes == bytes.size());
            REQUIRE(result.records == records);
        }
    }
    SECTION("the last record zeroed from any of its bytes on, with zeros after it or not") {
        for (const std::size_t extra : std::initializer_list<std::size_t>{0, 1, 600}) {
            for (std::size_t from = last; from < bytes.size(); ++from) {
                std::string damaged = bytes + std::string(extra, '\0');
                std::fill(damaged.begin() + static_cast<std::ptrdiff_t>(from), damaged.end(), '\0');
                const Scanned result = scan(damaged);
                INFO("zeros from byte " << from << ", " << extra << " more");
                REQUIRE(result.scan.status == LogStatus::torn_tail);
                REQUIRE(result.scan.valid_bytes == last);
                REQUIRE(result.records == all_but_last);
            }
        }
    }
    SECTION("a file of zeros only") {
        for (const std::size_t size : std::initializer_list<std::size_t>{1, 15, 16, 17, 4096}) {
            const Scanned result = scan(std::string(size, '\0'));
            REQUIRE(result.scan.status == LogStatus::torn_tail);
            REQUIRE(result.scan.valid_bytes == 0);
            REQUIRE(result.records.empty());
        }
    }
}

TEST_CASE("log format: damage to any byte is detected, and the records before it are kept") {
    std::vector<std::size_t> starts;
    const std::vector<Stored> records = sample_records();
    const std::string bytes = log_of(records, &starts);
    for (std::size_t at = 0; at < bytes.size(); ++at) {
        for (const int mask : {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF}) {
            std::string damaged = bytes;
            damaged[at] = static_cast<char>(damaged[at] ^ mask);
            const Scanned result = scan(damaged);
            INFO("byte " << at << " xor " << mask);
            if (at < file_header_bytes) {
                REQUIRE(result.scan.status == (at < 8 ? LogStatus::not_a_log : LogStatus::corrupt));
                REQUIRE(result.scan.valid_bytes == 0);
                REQUIRE(result.records.empty());
                continue;
            }
            std::size_t hit = 0;  // the damaged record
            while (hit + 1 < starts.size() && starts[hit + 1] <= at) {
                ++hit;
            }
            // Zeroing the very last byte makes it a power loss's zero tail.
            const bool looks_torn = at + 1 == bytes.size() && damaged[at] == '\0';
            REQUIRE(result.scan.status == (looks_torn ? LogStatus::torn_tail : LogStatus::corrupt));
            REQUIRE(result.scan.valid_bytes == starts[hit]);
            REQUIRE(result.scan.problem_offset == starts[hit]);
            REQUIRE(result.records == first(records, hit));
            REQUIRE_THAT(result.scan.problem, Catch::Contains(std::to_string(starts[hit])));
        }
    }
}

TEST_CASE("log format: the check byte tells a cut-short record from a damaged length") {
    std::vector<std::size_t> starts;
    const std::string bytes = log_of(sample_records(), &starts);
    const std::size_t second = starts[1];
    std::string damaged = bytes;
    // A length that runs past the end of the file, with its check byte...
    damaged.replace(second, 4, length_word(0xABCDEF));
    const Scanned trusted = scan(damaged);
    CHECK(trusted.scan.status == LogStatus::torn_tail);
    CHECK(trusted.scan.valid_bytes == second);
    // ...and with the check byte of another length.
    damaged[second + 3] = static_cast<char>(damaged[second + 3] ^ 0x01);
    const Scanned refused = scan(damaged);
    CHECK(refused.scan.status == LogStatus::corrupt);
    CHECK(refused.scan.valid_bytes == second);
    CHECK_THAT(refused.scan.problem, Catch::Contains("check byte"));
}

TEST_CASE("log format: a file without the magic is not a log") {
    const std::string log = log_of(sample_records());
    std::string line_endings_converted = log;  // as a text-mode copy would leave it
    line_endings_converted.erase(4, 1);
    std::string seven_bit = log;
    seven_bit[0] = static_cast<char>(seven_bit[0] & 0x7F);
    for (const std::string& bytes :
         {line_endings_converted, seven_bit, "not a log at all, really"s, "abc"s, log.substr(1),
          std::string(log.rbegin(), log.rend())}) {
        const Scanned result = scan(bytes);
        CHECK(result.scan.status == LogStatus::not_a_log);
        CHECK(result.scan.valid_bytes == 0);
        CHECK(result.scan.problem_offset == 0);
        CHECK(result.records.empty());
        CHECK_FALSE(result.scan.problem.empty());
    }
}

TEST_CASE("log format: the start of a header alone is an empty log") {
    std::string header;
    append_file_header(header);
    for (std::size_t size = 0; size <= header.size(); ++size) {
        const Scanned result = scan(header.substr(0, size));
        CHECK(result.scan.status == LogStatus::clean);
        CHECK(result.scan.valid_bytes == (size == header.size() ? size : 0));
        CHECK(result.records.empty());
        CHECK(result.scan.problem.empty());
    }
}

TEST_CASE("log format: a good header of version 2 is an unknown version") {
    std::string bytes = log_of(sample_records());
    bytes[8] = 2;
    const std::string with_stale_checksum = bytes;
    const std::uint32_t crc = crc32c(std::string_view(bytes).substr(0, 12));
    for (int i = 0; i < 4; ++i) {
        bytes[static_cast<std::size_t>(12 + i)] = static_cast<char>((crc >> (8 * i)) & 0xFF);
    }
    const Scanned result = scan(bytes);
    CHECK(result.scan.status == LogStatus::unknown_version);
    CHECK(result.scan.valid_bytes == 0);
    CHECK(result.records.empty());
    CHECK_THAT(result.scan.problem, Catch::Contains("version 2"));

    CHECK(scan(with_stale_checksum).scan.status == LogStatus::corrupt);
}

TEST_CASE("log format: a record whose checksum holds but whose content is invalid is corrupt") {
    std::string head;
    append_file_header(head);
    append_record(head, {1, "ann", "bob", "before", KeptBy::both});
    std::string tail;
    append_record(tail, {3, "bob", "ann", "after", KeptBy::both});
    const std::vector<std::string> payloads{
        payload_of(0, 2, "ann", "bob", "hi"),
        payload_of(4, 2, "ann", "bob", "hi"),
        payload_of(3, 2, "", "bob", "hi"),
        payload_of(3, 2, "-ann", "bob", "hi"),
        payload_of(3, 2, "ann", "", "hi"),
        payload_of(3, 2, "ann", "b b", "hi"),
        payload_of(3, 2, "ann", "bob", "two\nlines"),
        payload_of(3, 2, "ann", "bob", "carriage\rreturn"),
        payload_of(3, 2, "ann", "bob", "nul\0"s),
        payload_of(3, 2, "ann", "bob", "\xFF"),
        payload_of(3, 2, "ann", "bob", "hi").substr(0, 10),  // too short
        payload_of(3, 2, "ann", "", "").substr(0, 13) +
            "\x09"
            "bob",  // `to` runs past the end
        payload_of(3, 2, "ann", "", "").substr(0, 9) +
            "\x40"
            "ann",  // `from` runs past the end
        std::string(),
    };
    // The framing by hand agrees with the writer on a valid record...
    CHECK(scan(head + framed(payload_of(3, 2, "ann", "bob", "hi")) + tail).scan.status ==
          LogStatus::clean);
    // ...and each invalid one stops the scan at it.
    for (const std::string& payload : payloads) {
        const Scanned result = scan(head + framed(payload) + tail);
        INFO("payload of " << payload.size() << " bytes");
        CHECK(result.scan.status == LogStatus::corrupt);
        CHECK(result.scan.valid_bytes == head.size());
        CHECK(result.records.size() == 1);
        CHECK_THAT(result.scan.problem, Catch::Contains("passes its checksum but"));
    }
}

// The v1 fixture was written once by append_file_header() and append_record()
// from fixture_records(), and is never written again: it stands for the logs
// already on disks, which every later version must read.
namespace {

std::vector<Stored> fixture_records() {
    return {
        {1'735'689'600'000, "ann", "bob", "hello bob", KeptBy::both},
        {1'735'689'601'500, "bob", "ann", "Olá ann, ça va? 日本語 \U0001F642", KeptBy::both},
        {1'735'689'602'000, "carol", "*", "is anyone there?", KeptBy::sender},
        {1'735'689'603'000, "dave", "eve", "", KeptBy::receiver},
        {-86'400'000, "Eve.2", "frank_3", "\tbefore 1970", KeptBy::sender},
        {1'735'689'604'000, "frank_3", "Eve.2", "the last one", KeptBy::receiver},
    };
}

std::string read_fixture() {
    std::ifstream file(TELECHAT_HISTORY_FIXTURES "/history-v1.log", std::ios::binary);
    REQUIRE(file);
    return {std::istreambuf_iterator<char>(file), {}};
}

}  // namespace

TEST_CASE("log format: the committed version 1 log reads field by field") {
    const std::string bytes = read_fixture();
    const Scanned result = scan(bytes);
    CHECK(result.scan.status == LogStatus::clean);
    CHECK(result.scan.valid_bytes == bytes.size());
    const std::vector<Stored> expected = fixture_records();
    REQUIRE(result.records.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("record " << i);
        CHECK(result.records[i].time == expected[i].time);
        CHECK(result.records[i].from == expected[i].from);
        CHECK(result.records[i].to == expected[i].to);
        CHECK(result.records[i].text == expected[i].text);
        CHECK(result.records[i].kept_by == expected[i].kept_by);
    }
}

TEST_CASE("log format: this build writes the committed version 1 log byte for byte") {
    CHECK(log_of(fixture_records()) == read_fixture());
}

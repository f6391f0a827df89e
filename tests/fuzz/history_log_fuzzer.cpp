// A libFuzzer target for the history log's reader (history/log_reader.hpp).
// Each input is scanned three ways, and every scan's result is checked
// against what LogScan promises:
//
// 1. as a whole file, as it is;
// 2. as the records of a log, after a good file header, so that the
//    fuzzer does not have to find the header's checksum first;
// 3. as payloads framed with good lengths and checksums (each chunk is a
//    length byte and that many bytes), so that the decoding of a record's
//    content is reached too, not only the checksums that guard it.
//
// The checks: the kept prefix lies within the input; a clean scan kept
// everything (or the start of a header alone); scanning the kept prefix
// alone finds the same records and nothing wrong; and writing the visited
// records again gives back exactly the kept bytes, so the reader accepts
// nothing that the writer would not have written.
//
// The same entry point is replayed over the seed corpus history_corpus/
// by an ordinary test (replay_main.cpp), so GCC builds exercise it too.
#include <telechat/history/crc32c.hpp>
#include <telechat/history/log_format.hpp>
#include <telechat/history/log_reader.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace telechat::history;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "history log fuzzer: %s\n", what);
    std::abort();
}

void require(bool holds, const char* what) {
    if (!holds) {
        fail(what);
    }
}

// A visited record, copied: the scan's views die with the scanned bytes.
struct Copy {
    std::int64_t time = 0;
    std::string from;
    std::string to;
    std::string text;
    KeptBy kept_by = KeptBy::both;

    [[nodiscard]] HistoryRecord view() const { return {time, from, to, text, kept_by}; }
    friend bool operator==(const Copy&, const Copy&) = default;
};

struct Result {
    LogScan scan;
    std::vector<Copy> records;
};

Result scan(std::string_view bytes) {
    Result result;
    result.scan = scan_log(bytes, [&](const HistoryRecord& r) {
        result.records.push_back(
            {r.time, std::string(r.from), std::string(r.to), std::string(r.text), r.kept_by});
    });
    return result;
}

void check(std::string_view bytes) {
    const Result result = scan(bytes);
    const LogScan& s = result.scan;
    require(s.valid_bytes <= bytes.size(), "the kept prefix runs past the input");
    require(s.records == result.records.size(), "records is not the count visited");
    require(s.problem.empty() == (s.status == LogStatus::clean),
            "a problem sentence without a problem, or a problem without one");
    if (s.status == LogStatus::clean) {
        require(s.valid_bytes == bytes.size() ||
                    (s.valid_bytes == 0 && bytes.size() < file_header_bytes),
                "a clean scan did not keep everything");
    }
    if (s.valid_bytes < file_header_bytes) {
        require(s.valid_bytes == 0 && s.records == 0, "records kept without a header");
    } else if (s.status != LogStatus::clean) {
        require(s.status == LogStatus::torn_tail || s.status == LogStatus::corrupt,
                "a good header, then a problem that is neither torn nor corrupt");
        require(s.problem_offset == s.valid_bytes, "the problem is not where the kept bytes end");
    }

    const Result prefix = scan(bytes.substr(0, s.valid_bytes));
    require(prefix.scan.status == LogStatus::clean && prefix.scan.valid_bytes == s.valid_bytes,
            "the kept prefix alone does not scan clean");
    require(prefix.records == result.records, "the kept prefix alone gives other records");

    if (s.valid_bytes >= file_header_bytes) {
        std::string written;
        append_file_header(written);
        for (const Copy& record : result.records) {
            append_record(written, record.view());
        }
        require(written == bytes.substr(0, s.valid_bytes),
                "writing the visited records again does not give the kept bytes");
    }
}

std::string good_header() {
    std::string bytes;
    append_file_header(bytes);
    return bytes;
}

void append_le32(std::string& out, std::uint32_t word) {
    for (int i = 0; i < 4; ++i) {
        out += static_cast<char>((word >> (8 * i)) & 0xFFU);
    }
}

// A log whose records are the input's chunks, each framed with a good
// length word and checksum: only the content can be wrong.
std::string framed_chunks(std::string_view input) {
    std::string bytes = good_header();
    while (!input.empty()) {
        const std::size_t size =
            std::min<std::size_t>(static_cast<std::uint8_t>(input[0]), input.size() - 1);
        const std::string_view payload = input.substr(1, size);
        input.remove_prefix(1 + size);
        std::string length_bytes;
        append_le32(length_bytes, static_cast<std::uint32_t>(size));
        const std::uint32_t check = crc32c(std::string_view(length_bytes).substr(0, 3)) & 0xFFU;
        append_le32(bytes, static_cast<std::uint32_t>(size) | check << 24);
        append_le32(bytes, crc32c(payload));
        bytes += payload;
    }
    return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    check(input);
    check(good_header() + std::string(input));

    const std::string framed = framed_chunks(input);
    check(framed);
    const LogScan s = scan(framed).scan;
    require(s.status == LogStatus::clean ||
                (s.status == LogStatus::corrupt &&
                 s.problem.find("passes its checksum") != std::string::npos),
            "well-framed records were found torn, or failing a checksum");
    return 0;
}

// A connection's transcript: every byte sent and received, with its time
// since the connection started, kept so that a connection that breaks a rule
// can be shown exactly as it happened.
//
//       0.000 ms  >  CONNECT CUSTOMER c17\n
//       0.412 ms  <  +OK welcome c17\r\n
//       0.412 ms  <  QUEUED 2\r\n
//      12.031 ms  !  end of stream from the server
//
// `>` is what the soak client sent, `<` what it received, `!` an event.
// Bytes are escaped so the text is byte-exact and one line per record:
// printable ASCII stands for itself, a backslash is `\\`, LF, CR and TAB are
// `\n`, `\r`, `\t`, and every other byte is `\xHH`. A record is split after
// each LF, so a transcript reads line by line; the split adds no bytes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace soak {

using Clock = std::chrono::steady_clock;

/// The byte-exact, one-line escape of `bytes` described above.
inline std::string escape(std::string_view bytes) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size());
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (byte >= 0x20 && byte < 0x7f) {
            out += c;
        } else {
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        }
    }
    return out;
}

class Transcript {
public:
    /// Large enough for any connection of the soak's workload; a runaway
    /// connection is cut short here rather than eating the machine's memory.
    static constexpr std::size_t max_bytes = 4u << 20;

    explicit Transcript(Clock::time_point start) : m_start(start) {}

    void sent(std::string_view bytes) { add('>', bytes); }
    void received(std::string_view bytes) { add('<', bytes); }
    void event(std::string_view what) { add('!', what); }

    /// The whole transcript as text, one record (or LF-ended piece) a line.
    [[nodiscard]] std::string render() const {
        std::string out;
        for (const Record& record : m_records) {
            render_record(out, record);
        }
        if (m_truncated) {
            out += "(transcript cut at " + std::to_string(max_bytes) + " bytes)\n";
        }
        return out;
    }

private:
    struct Record {
        double at_ms;
        char direction;
        std::string bytes;
    };

    void add(char direction, std::string_view bytes) {
        if (m_bytes + bytes.size() > max_bytes) {
            m_truncated = true;
            return;
        }
        m_bytes += bytes.size();
        const std::chrono::duration<double, std::milli> since = Clock::now() - m_start;
        m_records.push_back(Record{since.count(), direction, std::string(bytes)});
    }

    static void render_record(std::string& out, const Record& record) {
        char stamp[32];
        std::snprintf(stamp, sizeof stamp, "%10.3f ms  %c  ", record.at_ms, record.direction);
        if (record.direction == '!') {
            out += stamp + record.bytes + "\n";
            return;
        }
        std::string_view rest = record.bytes;
        while (!rest.empty()) {
            const std::size_t cut = rest.find('\n');
            const std::size_t length = cut == std::string_view::npos ? rest.size() : cut + 1;
            out += stamp + escape(rest.substr(0, length)) + "\n";
            rest.remove_prefix(length);
        }
    }

    Clock::time_point m_start;
    std::vector<Record> m_records;
    std::size_t m_bytes = 0;
    bool m_truncated = false;
};

}  // namespace soak

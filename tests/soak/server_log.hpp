// The server's connection log, indexed so the soak can say what the server
// thought of a connection: its log lines and why it closed it.
//
// telechat-server logs `accepted #S from 127.0.0.1:P`, perhaps
// `registered #S as ...`, then `closed #S (reason)`. Slots are reused and
// so are local ports, but in order: the n-th connection the soak made from
// port P is the n-th one the server accepted from P. The log is only ever
// an annotation; no verdict depends on it.
#pragma once

#include <charconv>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace soak {

class ServerLog {
public:
    explicit ServerLog(std::string_view log) {
        for (std::size_t start = 0; start < log.size();) {
            std::size_t end = log.find('\n', start);
            end = end == std::string_view::npos ? log.size() : end;
            add_line(log.substr(start, end - start));
            start = end + 1;
        }
    }

    /// The log lines of the `use`-th connection from local port `port`.
    [[nodiscard]] std::string lines_of(std::uint16_t port, std::uint32_t use) const {
        const Record* record = find(port, use);
        return record == nullptr ? "(not found in the server's log)\n" : record->lines;
    }

    /// Why the server closed that connection, as it logged it.
    [[nodiscard]] std::string close_reason(std::uint16_t port, std::uint32_t use) const {
        const Record* record = find(port, use);
        return record == nullptr || record->reason.empty() ? "not in the log" : record->reason;
    }

private:
    struct Record {
        std::string lines;
        std::string reason;
    };

    void add_line(std::string_view line) {
        const std::size_t hash = line.find('#');
        if (hash == std::string_view::npos) {
            return;
        }
        const std::size_t space = line.find_first_of(" )", hash);
        const std::string slot(line.substr(hash, space - hash));
        if (line.rfind("accepted ", 0) == 0) {
            const std::size_t colon = line.rfind(':');
            std::uint16_t port = 0;
            const char* end = line.data() + line.size();
            if (colon == std::string_view::npos ||
                std::from_chars(line.data() + colon + 1, end, port).ptr != end) {
                return;  // not a line this index understands
            }
            m_records.push_back(Record{});
            m_by_port[port].push_back(m_records.size() - 1);
            m_open[slot] = m_records.size() - 1;
        }
        const auto open = m_open.find(slot);
        if (open == m_open.end()) {
            return;
        }
        Record& record = m_records[open->second];
        record.lines += "#   " + std::string(line) + "\n";
        if (line.rfind("closed ", 0) == 0) {
            const std::size_t paren = line.find('(');
            record.reason = std::string(line.substr(paren + 1, line.size() - paren - 2));
            m_open.erase(open);
        }
    }

    [[nodiscard]] const Record* find(std::uint16_t port, std::uint32_t use) const {
        const auto found = m_by_port.find(port);
        if (found == m_by_port.end() || use == 0 || use > found->second.size()) {
            return nullptr;
        }
        return &m_records[found->second[use - 1]];
    }

    std::vector<Record> m_records;
    std::unordered_map<std::uint16_t, std::vector<std::size_t>> m_by_port;
    std::unordered_map<std::string, std::size_t> m_open;
};

/// How many resets followed each close reason, e.g. {"quit", 12}.
using ReasonCounts = std::map<std::string, std::uint64_t>;

}  // namespace soak

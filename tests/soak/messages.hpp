// The texts soak clients send with MSG, and the book that tells a receiver
// whether a relayed message is one that was really sent, unchanged, by the
// user the push names.
//
// A text is `t<connection>.<seq>` followed, most of the time, by a space and
// filler drawn from a generator seeded by (seed, connection, seq). So any
// receiver can rebuild the exact text from its tag, without the sender and
// the receiver sharing a list of sent messages.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace soak {

/// splitmix64: a tiny, good-enough generator for workloads and fillers.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : m_state(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    /// A number in [low, high].
    std::size_t between(std::size_t low, std::size_t high) {
        return low + static_cast<std::size_t>(next() % (high - low + 1));
    }
    /// True with probability `percent` / 100.
    bool chance(unsigned percent) { return next() % 100 < percent; }
    template <class T>
    const T& pick(const std::vector<T>& items) {
        return items[between(0, items.size() - 1)];
    }

private:
    std::uint64_t m_state;
};

class MessageBook {
public:
    /// `max_text_bytes` keeps every MSG line, name and ending included,
    /// within the server's line limit.
    MessageBook(std::uint64_t seed, std::size_t max_text_bytes)
        : m_seed(seed), m_max_text_bytes(max_text_bytes) {}

    /// The text of message `seq` of connection `connection`.
    [[nodiscard]] std::string text(std::uint64_t connection, std::uint64_t seq) const {
        std::string out = "t" + std::to_string(connection) + "." + std::to_string(seq);
        Rng rng(m_seed ^ (connection * 0x100000001b3ULL) ^ (seq << 20));
        // Mostly short chat lines; now and then one close to the line limit.
        const std::size_t budget = rng.chance(5) ? m_max_text_bytes : rng.between(0, 80);
        if (budget == 0) {
            return out;
        }
        out += ' ';
        // Spaces, TABs and multi-byte UTF-8 are all text and must come back as sent.
        static const std::vector<std::string> pieces = {"hello",
                                                        "router",
                                                        " ",
                                                        "  ",
                                                        "\t",
                                                        "caf\xc3\xa9",
                                                        "\xe6\x97\xa5\xe6\x9c\xac",
                                                        "\xf0\x9f\x98\x80",
                                                        "MSG",
                                                        "QUIT",
                                                        ".",
                                                        "-ERR",
                                                        "+OK",
                                                        "42",
                                                        "a"};
        while (out.size() < budget) {
            const std::string& piece = rng.pick(pieces);
            if (out.size() + piece.size() > m_max_text_bytes) {
                break;
            }
            out += piece;
        }
        return out;
    }

    /// Connection `connection` sent `CONNECT ... name`; a message it sends
    /// may carry any name it tried (the reply that says which one worked may
    /// not have been read yet when its first message is relayed).
    void tried_name(std::uint64_t connection, std::string_view name) {
        m_names[connection].emplace_back(name);
    }

    /// Why a relayed `MSG <from> <text>` is not a message a soak client
    /// sent, or empty if it is. Sets `connection` and `seq` from its tag.
    [[nodiscard]] std::string check(std::string_view from, std::string_view text,
                                    std::uint64_t& connection, std::uint64_t& seq) const {
        if (!parse_tag(text, connection, seq)) {
            return "the text carries no soak tag";
        }
        if (text != this->text(connection, seq)) {
            return "the text differs from what connection " + std::to_string(connection) +
                   " sent as message " + std::to_string(seq);
        }
        const auto found = m_names.find(connection);
        if (found != m_names.end()) {
            for (const std::string& name : found->second) {
                if (name == from) {
                    return {};
                }
            }
        }
        return "connection " + std::to_string(connection) + " never used the name '" +
               std::string(from) + "'";
    }

private:
    static bool parse_tag(std::string_view text, std::uint64_t& connection, std::uint64_t& seq) {
        if (text.size() < 4 || text[0] != 't') {
            return false;
        }
        const char* end = text.data() + text.size();
        const auto first = std::from_chars(text.data() + 1, end, connection);
        if (first.ec != std::errc{} || first.ptr == end || *first.ptr != '.') {
            return false;
        }
        const auto second = std::from_chars(first.ptr + 1, end, seq);
        return second.ec == std::errc{} && (second.ptr == end || *second.ptr == ' ');
    }

    std::uint64_t m_seed;
    std::size_t m_max_text_bytes;
    std::unordered_map<std::uint64_t, std::vector<std::string>> m_names;
};

}  // namespace soak

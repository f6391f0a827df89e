// Helpers shared by the protocol tests: feeding a LineFramer in a chosen
// split pattern, an independent model of what the framer must produce for a
// whole stream, and a small deterministic random generator.
#pragma once

#include <telechat/protocol/escaping.hpp>
#include <telechat/protocol/framer.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace protocol_test {

/// SplitMix64: tiny, fast and identical on every platform (unlike the
/// standard distributions), so a failing seed can be replayed anywhere.
class Random {
public:
    explicit Random(std::uint64_t seed) noexcept : m_state(seed) {}

    std::uint64_t next() noexcept {
        m_state += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = m_state;
        z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31U);
    }

    /// A number in [0, bound), bound > 0.
    std::size_t below(std::size_t bound) noexcept {
        return static_cast<std::size_t>(next() % static_cast<std::uint64_t>(bound));
    }

private:
    std::uint64_t m_state;
};

/// What one on_line call reported, copied out of the callback.
struct Event {
    std::string text;
    bool too_long = false;

    friend bool operator==(const Event&, const Event&) = default;
};

inline Event line(std::string_view text) {
    return Event{std::string(text), false};
}
inline Event too_long() {
    return Event{{}, true};
}

/// Printable form of bytes: TeleChat's one escape (protocol/escaping.hpp).
using telechat::protocol::escaped;

inline std::ostream& operator<<(std::ostream& os, const Event& event) {
    if (event.too_long) {
        return os << "<TOO_LONG>";
    }
    return os << '"' << escaped(event.text) << '"';
}

/// Everything observable after feeding a stream.
struct Outcome {
    std::vector<Event> events;
    std::string partial;      ///< the caller's buffer after the last feed
    bool discarding = false;  ///< framer.discarding() after the last feed (false if stopped)
    bool stopped = false;     ///< on_line returned false at some point

    friend bool operator==(const Outcome&, const Outcome&) = default;
};

inline std::ostream& operator<<(std::ostream& os, const Outcome& outcome) {
    os << "events [";
    for (const Event& event : outcome.events) {
        os << ' ' << event;
    }
    return os << " ] partial \"" << escaped(outcome.partial) << "\" discarding "
              << outcome.discarding << " stopped " << outcome.stopped;
}

inline constexpr std::size_t never_stop = std::numeric_limits<std::size_t>::max();

/// Broken promises of the framer seen while feeding (empty if none).
struct Feeding {
    Outcome outcome;
    std::vector<std::string> violations;
    std::size_t largest_partial = 0;
};

/// Feeds `stream` to a fresh framer, cut at the offsets in `cuts` (in any
/// order; duplicates and out-of-range offsets give empty or no pieces), and
/// stops feeding once on_line has returned false, which it does after
/// `stop_after` events. Checks the framer's invariants after every call.
inline Feeding feed_with_cuts(std::string_view stream, std::vector<std::size_t> cuts,
                              std::size_t max_line_bytes, std::size_t stop_after = never_stop) {
    Feeding feeding;
    telechat::protocol::LineFramer framer(max_line_bytes);
    const std::size_t max = framer.max_line_bytes();
    std::string partial;
    cuts.push_back(stream.size());
    std::sort(cuts.begin(), cuts.end());
    std::size_t begin = 0;
    for (std::size_t cut : cuts) {
        cut = std::min(cut, stream.size());
        const std::string_view piece = stream.substr(begin, cut - begin);
        begin = std::max(begin, cut);
        framer.feed(piece, partial, [&](const telechat::protocol::FramedLine& framed) {
            if (framed.too_long && !framed.text.empty()) {
                feeding.violations.emplace_back("a too-long event carries text");
            }
            if (!framed.too_long && framed.text.size() + 1 > max) {
                feeding.violations.emplace_back("a delivered line is longer than the limit");
            }
            if (framed.text.find('\n') != std::string_view::npos) {
                feeding.violations.emplace_back("a delivered line holds an LF");
            }
            feeding.outcome.events.push_back(Event{std::string(framed.text), framed.too_long});
            const bool keep_going = feeding.outcome.events.size() < stop_after;
            feeding.outcome.stopped = !keep_going;
            return keep_going;
        });
        feeding.largest_partial = std::max(feeding.largest_partial, partial.size());
        if (partial.size() >= max) {
            feeding.violations.emplace_back("partial holds max_line_bytes bytes or more");
        }
        if (framer.discarding() && !partial.empty()) {
            feeding.violations.emplace_back("partial is not empty while discarding");
        }
        if (feeding.outcome.stopped) {
            break;
        }
    }
    feeding.outcome.partial = partial;
    feeding.outcome.discarding = feeding.outcome.stopped ? false : framer.discarding();
    return feeding;
}

/// The framer's contract computed on the whole stream, written without
/// the framer's incremental logic: cut at every LF; a line whose bytes
/// with its LF pass the limit is one too-long event; otherwise one CR right
/// before the LF is dropped. An unfinished tail is kept as partial, unless it
/// already cannot fit, in which case it is a too-long event and the framer is
/// left discarding.
inline Outcome reference_outcome(std::string_view stream, std::size_t max_line_bytes,
                                 std::size_t stop_after = never_stop) {
    const std::size_t max = std::max<std::size_t>(max_line_bytes, 2);
    Outcome outcome;
    std::size_t pos = 0;
    while (pos < stream.size() && !outcome.stopped) {
        const std::size_t lf = stream.find('\n', pos);
        if (lf == std::string_view::npos) {
            const std::string_view tail = stream.substr(pos);
            if (tail.size() + 1 > max) {
                outcome.events.push_back(too_long());
                outcome.discarding = true;
            } else {
                outcome.partial = std::string(tail);
            }
            pos = stream.size();
        } else {
            std::string_view content = stream.substr(pos, lf - pos);
            pos = lf + 1;
            if (content.size() + 1 > max) {
                outcome.events.push_back(too_long());
            } else {
                if (!content.empty() && content.back() == '\r') {
                    content.remove_suffix(1);
                }
                outcome.events.push_back(line(content));
            }
        }
        if (!outcome.events.empty() && outcome.events.size() >= stop_after) {
            outcome.stopped = true;
            outcome.partial.clear();
            outcome.discarding = false;
        }
    }
    return outcome;
}

/// Cut offsets that make every piece one byte long.
inline std::vector<std::size_t> byte_by_byte(std::size_t size) {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < size; ++i) {
        cuts.push_back(i);
    }
    return cuts;
}

/// Random cut offsets: sometimes few, sometimes many, sometimes repeated.
inline std::vector<std::size_t> random_cuts(std::size_t size, Random& random) {
    std::vector<std::size_t> cuts;
    const std::size_t count = random.below(size / 2 + 2);
    for (std::size_t i = 0; i < count; ++i) {
        cuts.push_back(random.below(size + 1));
    }
    return cuts;
}

inline std::string describe_cuts(const std::vector<std::size_t>& cuts) {
    std::string text = "cuts at {";
    for (const std::size_t cut : cuts) {
        text += ' ' + std::to_string(cut);
    }
    return text + " }";
}

}  // namespace protocol_test

// Unit tests of telechat::protocol::LineFramer: every case is fed whole, cut
// at every offset, byte by byte and at random, and must give the same events;
// the 1024-byte boundaries, too-long lines, CR handling, stopping, and the
// bound on the caller's partial buffer.
#include <telechat/protocol/framer.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "framing_support.hpp"

using telechat::protocol::FramedLine;
using telechat::protocol::LineFramer;
using namespace protocol_test;
using namespace std::string_literals;

namespace {

std::string repeat(std::size_t count, char c = 'a') {
    return std::string(count, c);
}

Outcome lines(std::vector<Event> events, std::string partial = {}, bool discarding = false) {
    return Outcome{std::move(events), std::move(partial), discarding, false};
}

Outcome stopped_after(std::vector<Event> events) {
    return Outcome{std::move(events), {}, false, true};
}

/// Feeds `stream` whole, cut once at every offset, cut twice at every pair
/// of offsets (short streams), byte by byte, and cut at random; every
/// pattern must give `expected` and keep the framer's invariants. The
/// independent model must agree with `expected` too.
void check_every_split(std::string_view stream, std::size_t max, const Outcome& expected,
                       std::size_t stop_after = never_stop) {
    INFO("stream \"" << escaped(stream.substr(0, 80)) << (stream.size() > 80 ? "...\"" : "\"")
                     << " (" << stream.size() << " bytes), max " << max);
    REQUIRE(reference_outcome(stream, max, stop_after) == expected);

    std::vector<std::vector<std::size_t>> patterns;
    patterns.emplace_back();
    for (std::size_t i = 0; i <= stream.size(); ++i) {
        patterns.push_back({i});
    }
    if (stream.size() <= 40) {
        for (std::size_t i = 1; i < stream.size(); ++i) {
            for (std::size_t j = i + 1; j < stream.size(); ++j) {
                patterns.push_back({i, j});
            }
        }
    }
    patterns.push_back(byte_by_byte(stream.size()));
    Random random(stream.size() * 7919U + max);
    for (int i = 0; i < 32; ++i) {
        patterns.push_back(random_cuts(stream.size(), random));
    }

    std::size_t failures = 0;
    for (const auto& cuts : patterns) {
        const Feeding feeding = feed_with_cuts(stream, cuts, max, stop_after);
        if (feeding.outcome == expected && feeding.violations.empty()) {
            continue;
        }
        if (failures++ == 0) {
            INFO(describe_cuts(cuts));
            CHECK(feeding.outcome == expected);
            CHECK(feeding.violations == std::vector<std::string>{});
        }
    }
    CHECK(failures == 0);
}

}  // namespace

TEST_CASE("framer: short lines give the same events however the stream is split", "[framer]") {
    SECTION("CRLF and LF endings") {
        check_every_split("PING\r\n", 1024, lines({line("PING")}));
        check_every_split("PING\n", 1024, lines({line("PING")}));
        check_every_split("PING\r\nLIST\nHELP\r\n", 1024,
                          lines({line("PING"), line("LIST"), line("HELP")}));
    }
    SECTION("an unfinished line stays in partial, CR included") {
        check_every_split("PI", 1024, lines({}, "PI"));
        check_every_split("PING\r", 1024, lines({}, "PING\r"));
        check_every_split("a\r\nb", 1024, lines({line("a")}, "b"));
        check_every_split("", 1024, lines({}));
    }
    SECTION("only the CR right before the LF is dropped") {
        check_every_split("a\rb\n", 1024, lines({line("a\rb")}));
        check_every_split("\rPING\r\n", 1024, lines({line("\rPING")}));
        check_every_split("a\r\r\n", 1024, lines({line("a\r")}));
        check_every_split("\r\r\n", 1024, lines({line("\r")}));
        check_every_split("a\r \r\n", 1024, lines({line("a\r ")}));
    }
    SECTION("empty lines are events with empty text") {
        check_every_split("\n", 1024, lines({line("")}));
        check_every_split("\r\n", 1024, lines({line("")}));
        check_every_split("\n\n\r\nQUIT\r\n\n", 1024,
                          lines({line(""), line(""), line(""), line("QUIT"), line("")}));
    }
    SECTION("the bytes of a line are passed on untouched") {
        check_every_split("MSG bob  hi\tthere \r\n", 1024, lines({line("MSG bob  hi\tthere ")}));
        check_every_split("\xC3\xA9\xE2\x82\xAC\n", 1024, lines({line("\xC3\xA9\xE2\x82\xAC")}));
        const std::string with_nul = "a"s + '\0' + "\xFF" + "b\r\n";
        check_every_split(with_nul, 1024, lines({line("a"s + '\0' + "\xFF" + "b")}));
    }
}

TEST_CASE("framer: the 1024-byte limit counts the line ending", "[framer]") {
    SECTION("1022 bytes + CRLF and 1023 + LF fit") {
        check_every_split(repeat(1022) + "\r\n", 1024, lines({line(repeat(1022))}));
        check_every_split(repeat(1023) + "\n", 1024, lines({line(repeat(1023))}));
        // A CR that is not before the LF counts as one of the 1023 bytes.
        check_every_split(repeat(1021) + "\r\r\n", 1024, lines({line(repeat(1021) + "\r")}));
    }
    SECTION("1023 bytes + CRLF and 1024 + LF are too long") {
        check_every_split(repeat(1023) + "\r\n", 1024, lines({too_long()}));
        check_every_split(repeat(1024) + "\n", 1024, lines({too_long()}));
        check_every_split(repeat(1022) + "\r\r\n", 1024, lines({too_long()}));
    }
    SECTION("a too-long line costs one event, and the next lines are normal") {
        check_every_split(repeat(1024) + "\nPING\r\n", 1024, lines({too_long(), line("PING")}));
        check_every_split(repeat(1023) + "\r\n" + repeat(1022, 'b') + "\r\n", 1024,
                          lines({too_long(), line(repeat(1022, 'b'))}));
        check_every_split(repeat(5000) + "\nLIST\n", 1024, lines({too_long(), line("LIST")}));
        check_every_split(repeat(1030) + "\n" + repeat(2000, 'b') + "\r\nQUIT\r\n", 1024,
                          lines({too_long(), too_long(), line("QUIT")}));
        check_every_split(repeat(1100) + "\nb", 1024, lines({too_long()}, "b"));
        check_every_split(repeat(1024) + "\n\n", 1024, lines({too_long(), line("")}));
    }
    SECTION("a line is too long as soon as it cannot fit, before its LF") {
        check_every_split(repeat(1024), 1024, lines({too_long()}, "", true));
        check_every_split(repeat(1023) + "\r", 1024, lines({too_long()}, "", true));
        check_every_split("PING\n" + repeat(2000), 1024,
                          lines({line("PING"), too_long()}, "", true));
    }
    SECTION("an unfinished line that may still fit is kept") {
        check_every_split(repeat(1023), 1024, lines({}, repeat(1023)));
        check_every_split(repeat(1022) + "\r", 1024, lines({}, repeat(1022) + "\r"));
    }
}

TEST_CASE("framer: the same boundaries hold for any limit", "[framer]") {
    for (const std::size_t max : {std::size_t{2}, std::size_t{3}, std::size_t{4}, std::size_t{5},
                                  std::size_t{8}, std::size_t{100}}) {
        check_every_split(repeat(max - 2) + "\r\nx\n", max,
                          lines({line(repeat(max - 2)), line("x")}));
        check_every_split(repeat(max - 1) + "\nx\n", max,
                          lines({line(repeat(max - 1)), line("x")}));
        check_every_split(repeat(max - 1) + "\r\nx\n", max, lines({too_long(), line("x")}));
        check_every_split(repeat(max) + "\nx\n", max, lines({too_long(), line("x")}));
        check_every_split(repeat(max - 1), max, lines({}, repeat(max - 1)));
        check_every_split(repeat(max), max, lines({too_long()}, "", true));
    }
}

TEST_CASE("framer: the limit defaults to 1024 and is at least 2", "[framer]") {
    STATIC_REQUIRE(LineFramer::default_max_line_bytes == 1024);
    CHECK(LineFramer().max_line_bytes() == 1024);
    CHECK(LineFramer(0).max_line_bytes() == 2);
    CHECK(LineFramer(1).max_line_bytes() == 2);
    CHECK(LineFramer(2).max_line_bytes() == 2);
    CHECK(LineFramer(3).max_line_bytes() == 3);
    CHECK(LineFramer(65536).max_line_bytes() == 65536);

    // A limit of 0 behaves as 2: an empty line or one byte + LF fits.
    CHECK(feed_with_cuts("\r\na\nab\n", {}, 0).outcome == lines({line(""), line("a"), too_long()}));
    CHECK(feed_with_cuts("\r\na\nab\n", {}, 1).outcome == lines({line(""), line("a"), too_long()}));
}

TEST_CASE("framer: a too-long line is skipped up to its LF, step by step", "[framer]") {
    LineFramer framer;
    std::string partial;
    std::vector<Event> events;
    const auto feed = [&](std::string_view bytes) {
        framer.feed(bytes, partial, [&](const FramedLine& framed) {
            events.push_back(Event{std::string(framed.text), framed.too_long});
            return true;
        });
    };

    feed(repeat(1000));
    CHECK(events.empty());
    CHECK(partial.size() == 1000);
    feed(repeat(23));
    CHECK(events.empty());
    CHECK(partial.size() == 1023);
    CHECK_FALSE(framer.discarding());

    feed("a");  // byte 1024 with no LF yet: it can no longer fit
    REQUIRE(events == std::vector<Event>{too_long()});
    CHECK(partial.empty());
    CHECK(framer.discarding());

    feed(repeat(10000));
    feed("\r");
    CHECK(events.size() == 1);
    CHECK(partial.empty());
    CHECK(framer.discarding());

    feed("tail of the long line\nPING\r\nPI");
    CHECK(events == std::vector<Event>{too_long(), line("PING")});
    CHECK_FALSE(framer.discarding());
    CHECK(partial == "PI");

    feed("NG\n");
    CHECK(events == std::vector<Event>{too_long(), line("PING"), line("PING")});
    CHECK(partial.empty());
}

TEST_CASE("framer: on_line returning false stops and drops the rest", "[framer]") {
    SECTION("after a line, in every split") {
        check_every_split("A\nB\nC\n", 1024, stopped_after({line("A")}), 1);
        check_every_split("A\nB\nC\n", 1024, stopped_after({line("A"), line("B")}), 2);
        check_every_split("QUIT\r\nMSG x\r\nMS", 1024, stopped_after({line("QUIT")}), 1);
    }
    SECTION("after a too-long line, in every split") {
        check_every_split(repeat(1100) + "\nB\n", 1024, stopped_after({too_long()}), 1);
        check_every_split(repeat(1100), 1024, stopped_after({too_long()}), 1);
    }
    SECTION("the rest of the read is neither delivered nor buffered") {
        LineFramer framer;
        std::string partial;
        int calls = 0;
        framer.feed("QUIT\r\nPING\r\nPIN", partial, [&](const FramedLine&) {
            ++calls;
            return false;
        });
        CHECK(calls == 1);
        CHECK(partial.empty());
    }
    SECTION("a line cut across reads is dropped from partial too") {
        LineFramer framer;
        std::string partial;
        std::vector<std::string> seen;
        const auto on_line = [&](const FramedLine& framed) {
            seen.emplace_back(framed.text);
            return false;
        };
        framer.feed("QU", partial, on_line);
        CHECK(seen.empty());
        CHECK(partial == "QU");
        framer.feed("IT\nLIST\n", partial, on_line);
        CHECK(seen == std::vector<std::string>{"QUIT"});
        CHECK(partial.empty());
    }
}

TEST_CASE("framer: a whole line is a view into the read, a cut one lives in partial", "[framer]") {
    LineFramer framer;
    std::string partial;
    const std::string read = "PING\r\nLIST\nHE";
    std::vector<const char*> starts;
    framer.feed(read, partial, [&](const FramedLine& framed) {
        starts.push_back(framed.text.data());
        return true;
    });
    REQUIRE(starts.size() == 2);
    CHECK(starts[0] == read.data());
    CHECK(starts[1] == read.data() + 6);
    CHECK(partial == "HE");

    std::string_view last;
    const char* buffer = nullptr;
    framer.feed("LP\r\n", partial, [&](const FramedLine& framed) {
        buffer = partial.data();
        last = framed.text;
        CHECK(framed.text == "HELP");
        return true;
    });
    CHECK(last.data() == buffer);
    CHECK(partial.empty());
}

TEST_CASE("framer: random streams split at random give the reference result", "[framer]") {
    // Lines cluster around the limit so that every boundary is hit often.
    constexpr std::size_t limits[] = {2, 3, 4, 6, 8, 16, 33};
    const auto random_stream = [](Random& random, std::size_t max, std::size_t line_count) {
        constexpr char alphabet[] = {'a', 'b', ' ', '\t', '\r', '\r', '\xC3', '\xA9', '\0'};
        std::string stream;
        for (std::size_t i = 0; i < line_count; ++i) {
            const std::size_t length = max > 8 ? max - 4 + random.below(8) : random.below(max + 3);
            for (std::size_t k = 0; k < length; ++k) {
                stream.push_back(alphabet[random.below(sizeof alphabet)]);
            }
            switch (random.below(4)) {
                case 0:
                    stream += "\r\n";
                    break;
                case 1:
                    break;  // the line runs on into the next one
                default:
                    stream += "\n";
                    break;
            }
        }
        return stream;
    };

    std::size_t streams = 0;
    std::size_t feeds = 0;
    std::size_t too_long_events = 0;
    std::size_t failures = 0;
    const auto check = [&](const std::string& stream, std::size_t max, std::uint64_t seed,
                           Random& random) {
        ++streams;
        const std::size_t stop_after = random.below(3) == 0 ? 1 + random.below(4) : never_stop;
        const Outcome expected = reference_outcome(stream, max, stop_after);
        for (const Event& event : expected.events) {
            too_long_events += event.too_long ? 1U : 0U;
        }
        std::vector<std::vector<std::size_t>> patterns{{}, byte_by_byte(stream.size())};
        for (int i = 0; i < 12; ++i) {
            patterns.push_back(random_cuts(stream.size(), random));
        }
        for (const auto& cuts : patterns) {
            ++feeds;
            const Feeding feeding = feed_with_cuts(stream, cuts, max, stop_after);
            if ((feeding.outcome == expected && feeding.violations.empty()) || failures++ > 0) {
                continue;
            }
            INFO("seed " << seed << ", max " << max << ", stop after " << stop_after
                         << ", stream \"" << escaped(stream) << "\", " << describe_cuts(cuts));
            CHECK(feeding.outcome == expected);
            CHECK(feeding.violations == std::vector<std::string>{});
        }
    };

    for (std::uint64_t seed = 1; seed <= 600; ++seed) {
        Random random(seed);
        const std::size_t max = limits[random.below(std::size(limits))];
        check(random_stream(random, max, random.below(12)), max, seed, random);
    }
    for (std::uint64_t seed = 1001; seed <= 1030; ++seed) {
        Random random(seed);
        check(random_stream(random, 1024, 1 + random.below(5)), 1024, seed, random);
    }
    CHECK(failures == 0);
    CHECK(streams == 630);
    CHECK(feeds == 630 * 14);
    CHECK(too_long_events > 100);  // the generator really does reach the limit
}

TEST_CASE("framer: partial never holds more than max_line_bytes - 1 bytes", "[framer]") {
    const std::string flood = repeat(1 << 20) + "\nPING\n";
    SECTION("byte by byte the bound is reached, never passed") {
        const Feeding feeding = feed_with_cuts(flood, byte_by_byte(flood.size()), 1024);
        CHECK(feeding.violations.empty());
        CHECK(feeding.largest_partial == 1023);
        CHECK(feeding.outcome == lines({too_long(), line("PING")}));
    }
    SECTION("in reads of 1000 bytes") {
        std::vector<std::size_t> cuts;
        for (std::size_t i = 1000; i < flood.size(); i += 1000) {
            cuts.push_back(i);
        }
        const Feeding feeding = feed_with_cuts(flood, cuts, 1024);
        CHECK(feeding.violations.empty());
        CHECK(feeding.largest_partial == 1000);
        CHECK(feeding.outcome == lines({too_long(), line("PING")}));
    }
}

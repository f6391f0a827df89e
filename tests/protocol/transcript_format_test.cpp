// The transcript row format (telechat/protocol/transcript.hpp): rows read
// and written back unchanged, partial and LF-only rows, TIMEs, the key
// placeholders and where keys are found, sessions merged by TIME, HIST times
// hidden, and a line number for every malformed row.
#include <telechat/protocol/transcript.hpp>
#include <telechat/protocol/transcript_session.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace telechat::protocol;

namespace {

const TranscriptKeys keys{"Key-1", "Bad-2"};

std::string bytes_of(const std::string& line) {
    return row_bytes(parse_row(line, 1), keys);
}

}  // namespace

TEST_CASE("transcript rows: every kind is read and rendered back unchanged",
          "[protocol][transcript]") {
    const std::string line = GENERATE(
        as<std::string>{}, "", "# a comment", "== bob connects", "== bob hangs up",
        "== c7's connection breaks", "== 5 s pass", "== 250 ms pass", "== the server shuts down",
        "== options agent_capacity=2", "bob >> MSG hi", "bob >>", "bob << +OK PONG x\\x20",
        "bob -- closed by the server", "+12.034 c7 >> MSG hel\\", "c7 >> lo",
        "+0.000 == c7 connects", "+3.100 c7 -- closed by the server",
        "c1 >> CONNECT AGENT ann \\{agent-key}", "c1 >> CONNECT AGENT ann \\{wrong-key}\\");
    INFO(line);
    CHECK(render_row(parse_row(line, 1)) == line);
}

TEST_CASE("transcript rows: the bytes a row stands for", "[protocol][transcript]") {
    CHECK(bytes_of("bob >> MSG hi") == "MSG hi\r\n");
    CHECK(bytes_of("bob >>") == "\r\n");
    CHECK(bytes_of("bob >> MSG hel\\") == "MSG hel");                 // a partial line
    CHECK(bytes_of("bob >> MSG hi\\n\\") == "MSG hi\n");              // an LF-only line
    CHECK(bytes_of("bob >> MSG two\\nLIST") == "MSG two\nLIST\r\n");  // as golden files say
    CHECK(bytes_of("bob >> a\\\\") == "a\\\r\n");  // an escaped backslash is not lone
    CHECK(bytes_of("bob >> a\\\\\\") == "a\\");    // ... and one more is
    CHECK(bytes_of("bob >> \\") == "");
    CHECK(bytes_of("c1 >> CONNECT AGENT ann \\{agent-key}") == "CONNECT AGENT ann Key-1\r\n");
    CHECK(bytes_of("c1 >> CONNECT AGENT ann \\{wrong-key}") == "CONNECT AGENT ann Bad-2\r\n");
    CHECK(bytes_of("c1 >> \\\\{agent-key}") == "\\{agent-key}\r\n");  // not a placeholder
    CHECK(parse_row("+12.034 c7 >> x", 1).time_ms == 12034);
    CHECK(parse_row("c7 >> x", 1).time_ms == std::nullopt);
    CHECK(parse_row("== 3 s pass", 1).pass_ms == 3000);
}

TEST_CASE("transcript rows: a malformed row names its line", "[protocol][transcript]") {
    const std::string line =
        GENERATE(as<std::string>{}, "bob", "bob >x hi", "bob >>hi", "bob >> \\q", "bob >> \\x4",
                 "bob >> \\{agent}", "bob --", "== bob dances", "== x s pass", "+1.5 bob >> hi",
                 "+1 bob >> hi", "+a.000 bob >> hi", "+1.000", "+1.000 # a comment",
                 "== the bob connects", " bob >> hi");
    INFO(line);
    const std::string text = "# fine\n== bob connects\n" + line + "\n";
    try {
        static_cast<void>(parse_transcript(text));
        FAIL("accepted");
    } catch (const TranscriptError& error) {
        CHECK(error.line() == 3);
        CHECK(std::string(error.what()).rfind("line 3: ", 0) == 0);
    }
    CHECK_THROWS_AS(parse_transcript("bob >> hi"), TranscriptError);  // no final LF
}

TEST_CASE("transcript keys: CONNECT AGENT's key, right or wrong, and the key anywhere",
          "[protocol][transcript]") {
    const auto shown = [](const std::string& bytes, bool client) {
        return masked_text(bytes, bytes, key_masks(bytes, "Key-1", client));
    };
    CHECK(shown("CONNECT AGENT ann Key-1\r\n", true) == "CONNECT AGENT ann \\{agent-key}\\r\\n");
    CHECK(shown("connect  agent ann   Key-2\n", true) == "connect  agent ann   \\{wrong-key}\\n");
    CHECK(shown("CONNECT AGENT ann Key-1 extra\r\n", true) ==
          "CONNECT AGENT ann \\{agent-key} extra\\r\\n");  // not a CONNECT AGENT line: key only
    CHECK(shown("CONNECT AGENT ann xKey-1\r\n", true) == "CONNECT AGENT ann \\{wrong-key}\\r\\n");
    CHECK(shown("MSG bob Key-1 and Key-1\r\n", true) ==
          "MSG bob \\{agent-key} and \\{agent-key}\\r\\n");
    CHECK(shown("MSG ann Key-1\r\n", false) == "MSG ann \\{agent-key}\\r\\n");
    CHECK(shown("CONNECT AGENT ann Key-2\r\n", false) == "CONNECT AGENT ann Key-2\\r\\n");
    CHECK(shown("CONNECT AGENT ann \x01\r\n", true) ==
          "CONNECT AGENT ann \\x01\\r\\n");  // BAD_TEXT
    // A key cut by a split: its placeholder where it starts, nothing after.
    const std::string_view line = "CONNECT AGENT ann Key-1\r\n";
    const auto masks = key_masks(line, "Key-1", true);
    CHECK(masked_text(line, line.substr(0, 20), masks) == "CONNECT AGENT ann \\{agent-key}");
    CHECK(masked_text(line, line.substr(20), masks) == "\\r\\n");
}

TEST_CASE("transcript sessions: traces merged by TIME, chunks, one golden file as written",
          "[protocol][transcript]") {
    const Transcript first{"a.txt", parse_transcript("+0.000 == c1 connects\n+0.005 c1 >> A\\\n"
                                                     "c1 >> B\n+0.009 c1 << R\n")};
    const Transcript second{"b.txt", parse_transcript("# header\n+0.002 == c2 connects\n"
                                                      "+0.005 c2 >> C\n")};
    const std::vector<Transcript> both{first, second};
    const std::vector<SessionRow> session = merge_transcripts(both);
    std::vector<std::string> order;
    order.reserve(session.size());
    for (const SessionRow& at : session) {
        order.push_back(render_row(*at.row) + (at.continues ? " (continues)" : ""));
    }
    CHECK(order == std::vector<std::string>{"# header", "+0.000 == c1 connects",
                                            "+0.002 == c2 connects", "+0.005 c1 >> A\\",
                                            "c1 >> B (continues)", "+0.005 c2 >> C",
                                            "+0.009 c1 << R"});
    const Transcript golden{"g.txt", parse_transcript("== bob connects\nbob >> A\nbob >> B\n")};
    const std::vector<Transcript> alone{golden};
    CHECK_FALSE(merge_transcripts(alone).back().continues);
    const std::vector<Transcript> mixed{first, golden};
    CHECK_THROWS_AS(merge_transcripts(mixed), std::invalid_argument);
}

TEST_CASE("HIST record times are hidden, length kept, prefix by prefix", "[protocol][transcript]") {
    const std::string stream =
        "+OK 2 messages\r\n1700000000000 bob ann hi\r\n1700000000001 ann bob 12\r\n.\r\n"
        "MSG bob 1700000000000\r\n";
    const std::string hidden = without_hist_times(stream);
    CHECK(hidden ==
          "+OK 2 messages\r\n############# bob ann hi\r\n############# ann bob 12\r\n.\r\n"
          "MSG bob 1700000000000\r\n");
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
        INFO(cut);
        CHECK(without_hist_times(stream.substr(0, cut)) == hidden.substr(0, cut));
    }
}

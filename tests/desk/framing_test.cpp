// Scenarios of 3MCP's transport rules, driven through the desk: line endings,
// the line limit, text validation, empty lines, pipelining and splits.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

using namespace desk_test;

namespace {

// A customer `bob` chatting with agent `ann`, lines so far forgotten.
struct Chat {
    World world;
    Client& ann;
    Client& bob;

    explicit Chat(Split split, DeskOptions options = test_options())
        : world(split, std::move(options)), ann(world.agent("ann")), bob(world.customer("bob")) {
        forget_lines(ann, bob);
    }

    // HIST <name> as ann sees it.
    Lines hist(std::string_view name) {
        ann.send_line("HIST " + std::string(name));
        return ann.take();
    }
};

}  // namespace

TEST_CASE("the server ends every line with CRLF, whatever ending the client used",
          "[desk][framing]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& bob = w.open("bob");
    bob.send("PING lf\n");
    bob.send("PING crlf\r\n");
    bob.send("CONNECT CUSTOMER bob\n");
    CHECK(bob.raw() == "+OK PONG lf\r\n+OK PONG crlf\r\n+OK welcome bob\r\nQUEUED 1\r\n");
}

TEST_CASE("a CR is dropped only right before the LF, any other CR is BAD_TEXT", "[desk][framing]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& c = w.open();
    c.send("PING a\rb\r\n");  // CR inside the line
    c.send("PING a\r\r\n");   // a CR before the dropped one
    c.send("\rPING\r\n");     // CR first
    c.send("PING split\r");   // the CR and the LF in different reads
    c.send("\n");
    CHECK(c.take_codes() ==
          Lines{"-ERR BAD_TEXT", "-ERR BAD_TEXT", "-ERR BAD_TEXT", "+OK PONG split"});
}

TEST_CASE("the line limit counts bytes with the line ending", "[desk][framing][too_long]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& c = w.open();
    const std::string token_1017 = repeated(1017);  // "PING " + 1017 = 1022 bytes
    const std::string token_1018 = repeated(1018);  // 1023 bytes
    const std::string token_1019 = repeated(1019);  // 1024 bytes

    SECTION("1022 bytes + CRLF is accepted") {
        c.send("PING " + token_1017 + "\r\n");
        CHECK(c.take() == Lines{"+OK PONG " + token_1017});
    }
    SECTION("1023 bytes + LF is accepted") {
        c.send("PING " + token_1018 + "\n");
        CHECK(c.take() == Lines{"+OK PONG " + token_1018});
    }
    SECTION("1023 bytes + CRLF is TOO_LONG") {
        c.send("PING " + token_1018 + "\r\n");
        CHECK(c.take_codes() == Lines{"-ERR TOO_LONG"});
    }
    SECTION("1024 bytes + LF is TOO_LONG") {
        c.send("PING " + token_1019 + "\n");
        CHECK(c.take_codes() == Lines{"-ERR TOO_LONG"});
    }
    SECTION("a much longer line gets one TOO_LONG, and the next line runs") {
        c.send("PING " + repeated(5000) + " \r\nQUIT" + "\r\n");
        CHECK(c.take_codes() == Lines{"-ERR TOO_LONG", "+OK bye"});
        CHECK(c.closed_by_server());
    }
    SECTION("the rest of a too-long line is skipped, even if it looks like a command") {
        c.send("PING " + repeated(1100) + "\r" + "QUIT" + "\r\n");
        CHECK(c.take_codes() == Lines{"-ERR TOO_LONG"});
        CHECK_FALSE(c.closed());
    }
    // In every section that kept the connection, it still works.
    if (!c.closed()) {
        c.send("PING still-here\r\n");
        CHECK(c.take() == Lines{"+OK PONG still-here"});
    }
}

TEST_CASE("TOO_LONG is sent as soon as a line cannot fit, before its LF arrives",
          "[desk][framing][too_long]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& c = w.open();
    c.send("PING " + repeated(1018));  // 1023 bytes: a LF could still follow
    CHECK(c.take().empty());
    c.send("y");  // 1024 bytes without a line ending: it can no longer fit
    CHECK(c.take_codes() == Lines{"-ERR TOO_LONG"});
    c.send(repeated(3000, 'z'));  // more of the same line: skipped, no second reply
    c.send("\r\n");
    CHECK(c.take().empty());
    c.send("PING after\r\n");
    CHECK(c.take() == Lines{"+OK PONG after"});
}

TEST_CASE("the line limit is a desk option", "[desk][framing][too_long]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    DeskOptions options = test_options();
    options.max_line_bytes = 12;
    World w(split, options);
    Client& c = w.open();
    c.send("PING 12345\r\n");   // 10 + CRLF = 12
    c.send("PING 123456\n");    // 11 + LF = 12
    c.send("PING 123456\r\n");  // 13
    c.send("PING 1234567\n");   // 13
    CHECK(c.take_codes() ==
          Lines{"+OK PONG 12345", "+OK PONG 123456", "-ERR TOO_LONG", "-ERR TOO_LONG"});
}

TEST_CASE("a too-long MSG is neither relayed nor stored", "[desk][framing][too_long]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    Chat chat(split);
    chat.bob.send("MSG " + repeated(1019) + "\r\n");  // 1023 + CRLF
    CHECK(chat.bob.take_codes() == Lines{"-ERR TOO_LONG"});
    CHECK(chat.ann.take().empty());
    CHECK(chat.hist("bob") == Lines{"+OK 0 messages", "."});
    chat.bob.send("MSG " + repeated(1018) + "\r\n");  // 1022 + CRLF
    CHECK(chat.bob.take() == Lines{"+OK message received"});
    CHECK(chat.ann.take() == Lines{"MSG bob " + repeated(1018)});
}

TEST_CASE("lines that are not clean UTF-8 text get BAD_TEXT and have no effect",
          "[desk][framing][bad_text]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    const auto [what, bad] = GENERATE(table<const char*, std::string>({
        {"NUL", std::string(1, '\0')},
        {"SOH (C0)", "\x01"},
        {"ESC (C0)", "\x1b"},
        {"US (C0)", "\x1f"},
        {"VT (C0)", "\x0b"},
        {"DEL", "\x7f"},
        {"bare CR", "\r"},
        {"C1 U+0080", "\xc2\x80"},
        {"C1 U+009B (CSI)", "\xc2\x9b"},
        {"C1 U+009F", "\xc2\x9f"},
        {"overlong '/' in 2 bytes", "\xc0\xaf"},
        {"overlong in 2 bytes, C1 lead", "\xc1\xbf"},
        {"overlong '/' in 3 bytes", "\xe0\x80\xaf"},
        {"overlong U+07FF in 3 bytes", "\xe0\x9f\xbf"},
        {"overlong '/' in 4 bytes", "\xf0\x80\x80\xaf"},
        {"overlong U+FFFF in 4 bytes", "\xf0\x8f\xbf\xbf"},
        {"surrogate U+D800", "\xed\xa0\x80"},
        {"surrogate U+DFFF", "\xed\xbf\xbf"},
        {"U+110000", "\xf4\x90\x80\x80"},
        {"lead 0xF5", "\xf5\x80\x80\x80"},
        {"byte 0xFE", "\xfe"},
        {"byte 0xFF", "\xff"},
        {"stray continuation byte", "\x80"},
        {"truncated 2-byte sequence", "\xc3"},
        {"truncated 3-byte sequence", "\xe2\x82"},
        {"truncated 4-byte sequence", "\xf0\x9f\x98"},
        {"3-byte sequence cut by ASCII", "\xe2\x82x"},
    }));
    CAPTURE(what);
    const bool at_end = GENERATE(false, true);  // also where a truncated sequence ends the line
    CAPTURE(at_end);
    Chat chat(split);
    const std::string text = at_end ? "hello " + bad : "hel" + bad + "lo";

    SECTION("a chatting customer's MSG is not relayed or stored") {
        chat.bob.send("MSG " + text + "\r\n");
        CHECK(chat.bob.take_codes() == Lines{"-ERR BAD_TEXT"});
        CHECK(chat.ann.take().empty());
        CHECK(chat.hist("bob") == Lines{"+OK 0 messages", "."});
        CHECK(chat.hist("ann") == Lines{"+OK 0 messages", "."});
    }
    SECTION("an agent's MSG is not relayed or stored") {
        chat.ann.send("MSG bob " + text + "\r\n");
        CHECK(chat.ann.take_codes() == Lines{"-ERR BAD_TEXT"});
        CHECK(chat.bob.take().empty());
        CHECK(chat.hist("bob") == Lines{"+OK 0 messages", "."});
    }
    SECTION("a waiting customer's MSG is not kept for its agent") {
        // ann (capacity 3) takes bob, cid and dan; eve has to wait.
        Client& cid = chat.world.customer("cid");
        Client& dan = chat.world.customer("dan");
        forget_lines(cid, dan, chat.ann);
        Client& eve = chat.world.customer("eve");
        CHECK(eve.take() == Lines{"+OK welcome eve", "QUEUED 1"});
        eve.send("MSG " + text + "\r\n");
        eve.send("MSG fine\r\n");
        CHECK(eve.take_codes() == Lines{"-ERR BAD_TEXT", "+OK message received"});
        chat.bob.send_line("QUIT");
        CHECK(chat.ann.take() == Lines{"LEFT bob", "ASSIGNED eve", "MSG eve fine"});
        CHECK(chat.hist("eve") ==
              Lines{"+OK 1 messages", std::to_string(start_time) + " eve * fine", "."});
    }
    SECTION("a CONNECT is not carried out") {
        Client& c = chat.world.open();
        c.send("CONNECT CUSTOMER zed" + std::string(at_end ? "" : " ") + bad + "\r\n");
        CHECK(c.take_codes() == Lines{"-ERR BAD_TEXT"});
        c.send_line("LIST");
        CHECK(c.take_codes() == Lines{"-ERR NOT_CONNECTED"});
    }
}

TEST_CASE("TAB and every printable character up to U+10FFFF are accepted and relayed verbatim",
          "[desk][framing][bad_text]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    const std::string text = GENERATE(as<std::string>{},
                                      "tab\there",               // TAB
                                      " ~",                      // U+0020, U+007E
                                      "\xc2\xa0 nbsp",           // U+00A0, first after C1
                                      "\xc3\xa9t\xc3\xa9",       // é
                                      "\xdf\xbf",                // U+07FF
                                      "\xe0\xa0\x80",            // U+0800
                                      "\xed\x9f\xbf",            // U+D7FF, before the surrogates
                                      "\xee\x80\x80",            // U+E000, after them
                                      "\xef\xbf\xbd",            // U+FFFD
                                      "\xf0\x90\x80\x80",        // U+10000
                                      "\xf0\x9f\x98\x80 smile",  // U+1F600
                                      "\xf4\x8f\xbf\xbf");       // U+10FFFF
    Chat chat(split);
    chat.bob.send("MSG " + text + "\r\n");
    CHECK(chat.bob.take() == Lines{"+OK message received"});
    CHECK(chat.ann.take() == Lines{"MSG bob " + text});
}

TEST_CASE("empty lines and lines of spaces are ignored", "[desk][framing]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    Chat chat(split);
    chat.bob.send("\r\n\n   \r\n \n");
    chat.ann.send("\n\r\n");
    CHECK(chat.bob.take().empty());
    CHECK(chat.ann.take().empty());
    chat.bob.send("\r\nPING\r\n\r\n");
    CHECK(chat.bob.take() == Lines{"+OK PONG"});
    CHECK(chat.hist("bob") == Lines{"+OK 0 messages", "."});
}

TEST_CASE("leading spaces before the command word are skipped, keywords ignore case",
          "[desk][framing]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& c = w.open();
    c.send("   PING x\r\n");
    c.send("ping y\r\n");
    c.send("PiNg z\r\n");
    c.send("connect Customer bob\r\n");
    c.send("mSg hi\r\n");
    CHECK(c.take() == Lines{"+OK PONG x", "+OK PONG y", "+OK PONG z", "+OK welcome bob", "QUEUED 1",
                            "+OK message received"});
    Client& ann = w.open("ann");
    ann.send("cOnNeCt aGeNt ann " + std::string(agent_key) + "\r\n");
    CHECK(ann.take() == Lines{"+OK welcome ann", "ASSIGNED bob", "MSG bob hi"});
    ann.send("list\r\n");
    CHECK(sorted_body(ann.take()) ==
          Lines{"+OK 2 users", "ann AGENT 1/3", "bob CUSTOMER CHATTING ann", "."});
    ann.send("  hist bob\r\n");
    ann.send("end bob\r\n");
    CHECK(ann.take() ==
          Lines{"+OK 1 messages", std::to_string(start_time) + " bob * hi", ".", "+OK"});
    CHECK(c.take() == Lines{"ASSIGNED ann", "QUIT conversation ended by ann"});
}

TEST_CASE("pipelined commands get one reply each, in order", "[desk][framing][pipelining]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("ann");
    forget_lines(ann);
    Client& bob = w.open("bob");
    bob.send(
        "PING 1\r\nHELLO\r\nMSG early\r\nCONNECT CUSTOMER bob\r\nMSG one\r\n\r\nMSG two\nPING 2\r\n"
        "CONNECT CUSTOMER bob\r\nLIST\r\nHELP\r\nPING 3\r\n");
    const Lines lines = bob.take_codes();
    REQUIRE(lines.size() == 21);
    CHECK(Lines(lines.begin(), lines.begin() + 9) ==
          Lines{"+OK PONG 1", "-ERR BAD_COMMAND", "-ERR NOT_CONNECTED", "+OK welcome bob",
                "ASSIGNED ann", "+OK message received", "+OK message received", "+OK PONG 2",
                "-ERR ALREADY_CONNECTED"});
    CHECK(lines[9] == "-ERR FORBIDDEN");
    CHECK(starts_with(lines[10], "+OK"));  // HELP: header, 8 body lines, "."
    CHECK(lines[19] == ".");
    CHECK(lines[20] == "+OK PONG 3");
    CHECK(ann.take() == Lines{"ASSIGNED bob", "MSG bob one", "MSG bob two"});
    CHECK(bob.unanswered() == 0);
}

TEST_CASE("a partial last line is discarded when the connection closes", "[desk][framing]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    Chat chat(split);
    chat.bob.send("MSG complete\r\nMSG never finished");
    chat.bob.disconnect();
    CHECK(chat.ann.take() == Lines{"MSG bob complete", "LEFT bob"});
    const Lines hist = chat.hist("bob");
    CHECK(hist == Lines{"+OK 1 messages", std::to_string(start_time) + " bob ann complete", "."});
}

TEST_CASE("lines after QUIT are ignored", "[desk][framing]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    Chat chat(split);
    chat.bob.send("MSG before\r\nQUIT\r\nMSG after\r\nPING\r\n");
    CHECK(chat.bob.take() == Lines{"+OK message received", "+OK bye"});
    CHECK(chat.bob.closed_by_server());
    CHECK(chat.ann.take() == Lines{"MSG bob before", "LEFT bob"});
}

TEST_CASE("a line split at every possible point gives the same replies", "[desk][framing]") {
    // Two sends, cut at each byte boundary of a pipelined script.
    const std::string script = "PING a\r\nCONNECT CUSTOMER bob\r\nMSG x\r\n\r\nPING b\nHELP\r\n";
    World reference(Split::whole);
    Client& expected = reference.open();
    expected.send(script);
    for (std::size_t cut = 0; cut <= script.size(); ++cut) {
        CAPTURE(cut);
        World w(Split::whole);
        Client& c = w.open();
        c.send(script.substr(0, cut));
        c.send(script.substr(cut));
        CHECK(c.lines() == expected.lines());
    }
}

// Scenarios of a connection's life: QUIT, PING, HELP, the registration and
// idle timeouts, the output cap, end of stream and the server's shutdown.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace desk_test;

TEST_CASE("QUIT replies +OK bye and the server closes after the reply", "[desk][quit]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    const std::string line =
        GENERATE(as<std::string>{}, "QUIT", "QUIT   ", "QUIT gotta go", "quit  lunch  time");
    CAPTURE(line);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    Client& stranger = w.open("stranger");
    forget_lines(ann, bob);
    for (Client* c : {&stranger, &bob, &ann}) {
        forget_lines(*c);  // ann heard bob leave
        c->send_line(line);
        CHECK(c->take() == Lines{"+OK bye"});
        CHECK(c->closed_by_server());
        CHECK_FALSE(c->dropped());
    }
    CHECK(w.desk().stats().connections == 0);
}

TEST_CASE("a user leaves the desk exactly once", "[desk][quit]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    forget_lines(ann);
    bob.stop_reading();  // the server cannot close it before the reply is read
    bob.send_line("QUIT");
    CHECK(ann.take() == Lines{"LEFT bob"});
    CHECK_FALSE(bob.closed());
    bob.disconnect();  // the peer closes first: no second LEFT
    CHECK(ann.take().empty());
    CHECK(w.desk().stats().connections == 1);
}

TEST_CASE("PING replies PONG with the token, if any", "[desk][ping]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& stranger = w.open("stranger");
    Client& bob = w.customer("bob");
    Client& ann = w.agent("ann");
    forget_lines(bob, ann);
    for (Client* c : {&stranger, &bob, &ann}) {
        c->send_line("PING");
        c->send_line("PING 12345");
        c->send_line("PING   two words  kept");
        c->send_line("PING   ");
        CHECK(c->take() ==
              Lines{"+OK PONG", "+OK PONG 12345", "+OK PONG two words  kept", "+OK PONG"});
    }
}

TEST_CASE("HELP is a multi-line summary with one line per command", "[desk][help]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& stranger = w.open("stranger");
    stranger.send_line("HELP");
    const Lines help = stranger.take();
    REQUIRE(help.size() >= 3);
    CHECK(starts_with(help.front(), "+OK"));
    CHECK(help.back() == ".");
    const Lines body(help.begin() + 1, help.end() - 1);
    CHECK(body.size() == 8);
    for (const char* command : {"CONNECT", "MSG", "LIST", "HIST", "END", "QUIT", "PING", "HELP"}) {
        CAPTURE(command);
        std::size_t lines_naming_it = 0;
        for (const std::string& line : body) {
            if (first_word_upper(line) == command) {
                ++lines_naming_it;
            }
        }
        CHECK(lines_naming_it == 1);
    }
    for (const std::string& line : body) {
        CHECK_FALSE(starts_with(line, "."));
    }
    // With arguments, and for registered users, the same.
    stranger.send_line("HELP me please");
    CHECK(stranger.take() == help);
    Client& ann = w.agent("ann");
    forget_lines(ann);
    ann.send_line("help");
    CHECK(ann.take() == help);
}

TEST_CASE("HELP names each command's arguments and who may use it", "[desk][help]") {
    World w;
    Client& c = w.open();
    c.send_line("HELP");
    const Lines help = c.take();
    const auto line_of = [&](const char* command) {
        for (const std::string& line : help) {
            if (first_word_upper(line) == command) {
                return line;
            }
        }
        return std::string{};
    };
    CHECK(line_of("CONNECT").find("<name>") != std::string::npos);
    CHECK(line_of("CONNECT").find("<key>") != std::string::npos);
    CHECK(line_of("MSG").find("<text>") != std::string::npos);
    CHECK(line_of("MSG").find("<customer>") != std::string::npos);
    CHECK(line_of("HIST").find("<count>") != std::string::npos);
    CHECK(line_of("END").find("<customer>") != std::string::npos);
    CHECK(line_of("PING").find("<token>") != std::string::npos);
    CHECK(line_of("QUIT").find("<reason>") != std::string::npos);
    for (const char* command : {"LIST", "HIST", "END"}) {
        CAPTURE(command);
        CHECK(line_of(command).find("agent") != std::string::npos);
    }
    for (const char* command : {"QUIT", "PING", "HELP"}) {
        CAPTURE(command);
        CHECK(line_of(command).find("anyone") != std::string::npos);
    }
}

TEST_CASE("a connection that does not register in 30 s is closed with QUIT", "[desk][timeout]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& slow = w.open("slow");
    w.advance(10'000);
    Client& quick = w.open("quick");
    quick.send_line("CONNECT CUSTOMER quick");
    forget_lines(quick);
    slow.send_line("PING");  // activity does not count: only registering does
    slow.send_line("CONNECT AGENT slow wrong");
    CHECK(slow.take_codes() == Lines{"+OK PONG", "-ERR AUTH_FAILED"});
    w.advance(19'999);
    CHECK(slow.take().empty());
    CHECK_FALSE(slow.closed());
    w.advance(1);
    CHECK(slow.take() == Lines{"QUIT registration timeout"});
    CHECK(slow.closed_by_server());
    w.advance(1'000'000);  // a registered user has no registration timeout
    CHECK_FALSE(quick.closed());
    CHECK(quick.take().empty());
}

TEST_CASE("the registration timeout is a desk option, 0 turns it off", "[desk][timeout]") {
    DeskOptions options = test_options();
    SECTION("shorter") {
        options.register_timeout_ms = 500;
        World w(Split::whole, options);
        Client& c = w.open();
        w.advance(499);
        CHECK(c.take().empty());
        w.advance(1);
        CHECK(c.take() == Lines{"QUIT registration timeout"});
        CHECK(c.closed_by_server());
    }
    SECTION("off") {
        options.register_timeout_ms = 0;
        World w(Split::whole, options);
        Client& c = w.open();
        w.advance(24 * 3600 * 1000);
        CHECK(c.take().empty());
        CHECK_FALSE(c.closed());
    }
}

TEST_CASE("there is no idle timeout by default", "[desk][timeout]") {
    World w;
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    forget_lines(ann, bob);
    w.advance(10LL * 24 * 3600 * 1000);
    CHECK(ann.take().empty());
    CHECK(bob.take().empty());
    CHECK_FALSE(bob.closed());
}

TEST_CASE("an idle user is closed with QUIT and leaves like any other", "[desk][timeout]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    DeskOptions options = test_options();
    options.idle_timeout_ms = 60'000;
    options.agent_capacity = 1;
    World w(split, options);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    Client& cid = w.customer("cid");  // waits
    forget_lines(ann, bob, cid);

    SECTION("a silent customer: LEFT to its agent, the slot refilled") {
        w.advance(30'000);
        ann.send_line("PING");  // ann and cid stay active
        cid.send_line("PING");
        w.advance(29'999);
        CHECK(bob.take().empty());
        w.advance(1);
        CHECK(bob.take() == Lines{"QUIT idle timeout"});
        CHECK(bob.closed_by_server());
        CHECK(ann.take() == Lines{"+OK PONG", "LEFT bob", "ASSIGNED cid"});
        CHECK(cid.take() == Lines{"+OK PONG", "ASSIGNED ann"});
    }
    SECTION("any line resets the timer") {
        w.advance(59'999);
        bob.send_line("PING");
        ann.send_line("PING");
        cid.send_line("PING");
        w.advance(59'999);
        CHECK_FALSE(bob.closed());
        bob.send_line("MSG still here");
        ann.send_line("MSG bob good");
        cid.send_line("MSG me too");
        w.advance(59'999);
        CHECK_FALSE(bob.closed());
        CHECK(bob.take() == Lines{"+OK PONG", "+OK message received", "MSG ann good"});
    }
    SECTION("a silent agent: its customers queue again") {
        w.advance(30'000);
        bob.send_line("PING");
        cid.send_line("PING");
        w.advance(30'000);
        CHECK(ann.take() == Lines{"QUIT idle timeout"});
        CHECK(ann.closed_by_server());
        CHECK(bob.take() == Lines{"+OK PONG", "QUEUED 1"});
        CHECK(cid.take() == Lines{"+OK PONG", "QUEUED 2"});
    }
}

TEST_CASE("a client that does not read is dropped at the output cap, the others are unaffected",
          "[desk][output_cap]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    DeskOptions options = test_options();
    options.output_cap_bytes = 200;
    World w(split, options);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    Client& cid = w.customer("cid");
    forget_lines(ann, bob, cid);

    SECTION("a customer who never reads what its agent sends") {
        bob.stop_reading();
        int sent = 0;
        while (!bob.closed() && sent < 100) {
            ann.send_line("MSG bob message number " + std::to_string(sent));  // 30 bytes a line
            ++sent;
        }
        CHECK(bob.dropped());
        CHECK(sent < 20);
        CHECK(bob.take().empty());  // its output was thrown away, not sent
        const Lines seen = ann.take();
        REQUIRE(seen.size() == static_cast<std::size_t>(sent) + 1);
        CHECK(seen.back() == "LEFT bob");
        CHECK(seen.front() == "+OK message received");
        ann.send_line("MSG bob are you there");
        CHECK(ann.take_codes() == Lines{"-ERR NO_SUCH_USER"});
        // cid goes on as before, and bob's name is free again.
        cid.send_line("MSG all fine here");
        CHECK(ann.take() == Lines{"MSG cid all fine here"});
        ann.send_line("MSG cid good");
        CHECK(cid.take() == Lines{"+OK message received", "MSG ann good"});
        Client& bob_again = w.customer("bob");
        CHECK(bob_again.take() == Lines{"+OK welcome bob", "ASSIGNED ann"});
    }
    SECTION("a client that pipelines commands without reading the replies") {
        cid.stop_reading();
        std::string pings;
        for (int i = 0; i < 100; ++i) {
            pings += "PING\r\n";
        }
        cid.send(pings);
        CHECK(cid.dropped());
        CHECK(ann.take() == Lines{"LEFT cid"});
        bob.send_line("PING");
        CHECK(bob.take() == Lines{"+OK PONG"});
    }
    SECTION("a client that reads keeps up, however much it gets") {
        for (int i = 0; i < 100; ++i) {
            ann.send_line("MSG bob message number " + std::to_string(i));
        }
        CHECK_FALSE(bob.closed());
        CHECK(bob.take().size() == 100);
    }
    SECTION("a slow reader that catches up in time stays") {
        bob.stop_reading();
        for (int i = 0; i < 5; ++i) {
            ann.send_line("MSG bob message number " + std::to_string(i));
        }
        bob.resume_reading();
        CHECK(bob.take().size() == 5);
        for (int i = 0; i < 5; ++i) {
            ann.send_line("MSG bob message number " + std::to_string(i));
        }
        CHECK_FALSE(bob.closed());
        CHECK(bob.take().size() == 5);
    }
}

TEST_CASE("a client dropped at the output cap is gone at once, even within one receive",
          "[desk][output_cap]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    DeskOptions options = test_options();
    options.output_cap_bytes = 1000;
    World w(split, options);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    forget_lines(ann, bob);
    bob.stop_reading();
    std::string burst;
    for (int i = 0; i < 8; ++i) {
        burst +=
            "MSG bob " + repeated(300, static_cast<char>('a' + i)) + "\r\n";  // 310 bytes for bob
    }
    ann.send(burst);  // past 1000 bytes unread, bob is dropped before the next line
    CHECK(bob.dropped());
    // Whether the cap counts the write that passes it or the one after it,
    // bob goes after its 4th or 5th message (1240 or 1550 bytes unread) and
    // the remaining lines of the same receive() already find him gone.
    const Lines seen = ann.take_codes();
    REQUIRE(seen.size() == 9);
    const auto left = std::find(seen.begin(), seen.end(), "LEFT bob");
    REQUIRE(left != seen.end());
    const auto delivered = left - seen.begin();
    CHECK((delivered == 4 || delivered == 5));
    CHECK(std::all_of(seen.begin(), left,
                      [](const std::string& line) { return line == "+OK message received"; }));
    CHECK(std::all_of(left + 1, seen.end(),
                      [](const std::string& line) { return line == "-ERR NO_SUCH_USER"; }));
}

TEST_CASE("the default output cap is 1 MiB", "[desk][output_cap]") {
    World w;
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    forget_lines(ann, bob);
    bob.stop_reading();
    const std::string text = repeated(1000, 't');
    const std::string line =
        "MSG bob " + text + "\r\n";  // bob gets "MSG ann <text>\r\n": 1010 bytes
    std::string batch;
    for (int i = 0; i < 1000; ++i) {
        batch += line;
    }
    ann.send(batch);  // 1,010,000 bytes: under 1 MiB
    CHECK_FALSE(bob.closed());
    ann.send(batch.substr(0, line.size() * 100));  // 1,111,000: over
    CHECK(bob.dropped());
}

TEST_CASE("end of stream: the user leaves once, complete lines first", "[desk][eof]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    Client& cid = w.customer("cid");
    forget_lines(ann);
    bob.send("MSG last words\r\nMSG cut off");
    bob.disconnect();
    CHECK(ann.take() == Lines{"MSG bob last words", "LEFT bob"});
    ann.disconnect();  // an agent's end of stream re-queues its customers
    CHECK(cid.take() == Lines{"+OK welcome cid", "ASSIGNED ann", "QUEUED 1"});
    Client& bob_again = w.customer("bob");  // the name is free again
    CHECK(bob_again.take() == Lines{"+OK welcome bob", "QUEUED 2"});
}

TEST_CASE("shut_down sends QUIT server shutting down to every connection and closes them",
          "[desk][shutdown]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    DeskOptions options = test_options();
    options.agent_capacity = 1;
    World w(split, options);
    Client& bob = w.customer("bob");  // chatting with ann; before ann in the desk's table
    Client& ann = w.agent("ann");
    Client& cid = w.customer("cid");  // waits, then chats with cat
    Client& dan = w.customer("dan");  // waiting
    Client& cat = w.agent("cat");
    Client& stranger = w.open("stranger");
    forget_lines(ann, bob, cid, dan, cat);
    w.shut_down();
    for (Client* c : {&ann, &bob, &cid, &dan, &cat, &stranger}) {
        CAPTURE(c->label());
        // No LEFT, no QUEUED, no ASSIGNED on the way out: just the QUIT.
        CHECK(c->take() == Lines{"QUIT server shutting down"});
        CHECK(c->closed_by_server());
    }
    CHECK(w.desk().stats().connections == 0);
}

// Scenarios of the agents' inspection commands: LIST and HIST, with
// histories that survive disconnects and are bounded per user and in number.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace desk_test;

namespace {

std::string at(UnixMillis offset) {
    return std::to_string(start_time + offset);
}

}  // namespace

TEST_CASE("LIST headers are literal: +OK 1 users", "[desk][list]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("ann");
    w.open("unregistered");  // not a user
    forget_lines(ann);
    ann.send_line("LIST");
    CHECK(ann.take() == Lines{"+OK 1 users", "ann AGENT 0/3", "."});
}

TEST_CASE("LIST shows every registered user in its state", "[desk][list]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    DeskOptions options = test_options();
    options.agent_capacity = 2;
    World w(split, options);
    Client& ann = w.agent("Ann");
    Client& cat = w.agent("cat");
    w.customer("Bob");  // Ann
    w.customer("cid");  // cat
    w.customer("dan");  // Ann
    w.customer("eve");  // cat
    w.customer("fay");  // waiting 1
    w.customer("gus");  // waiting 2
    w.open("unregistered");
    Client& failed = w.open("failed");
    failed.send_line("CONNECT CUSTOMER ann");  // NAME_TAKEN: not a user
    forget_lines(ann, cat);

    const Lines expected{"+OK 8 users",
                         "Ann AGENT 2/2",
                         "Bob CUSTOMER CHATTING Ann",
                         "cat AGENT 2/2",
                         "cid CUSTOMER CHATTING cat",
                         "dan CUSTOMER CHATTING Ann",
                         "eve CUSTOMER CHATTING cat",
                         "fay CUSTOMER WAITING 1",
                         "gus CUSTOMER WAITING 2",
                         "."};
    ann.send_line("LIST");
    CHECK(sorted_body(ann.take()) == expected);
    cat.send_line("list");
    CHECK(sorted_body(cat.take()) == expected);
}

TEST_CASE("LIST follows the desk as users come and go", "[desk][list]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    DeskOptions options = test_options();
    options.agent_capacity = 1;
    World w(split, options);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    w.customer("cid");
    w.customer("dan");
    forget_lines(ann);
    ann.send_line("LIST");
    CHECK(sorted_body(ann.take()) == Lines{"+OK 4 users", "ann AGENT 1/1",
                                           "bob CUSTOMER CHATTING ann", "cid CUSTOMER WAITING 1",
                                           "dan CUSTOMER WAITING 2", "."});
    bob.send_line("QUIT");
    forget_lines(ann);
    ann.send_line("LIST");
    CHECK(sorted_body(ann.take()) == Lines{"+OK 3 users", "ann AGENT 1/1",
                                           "cid CUSTOMER CHATTING ann", "dan CUSTOMER WAITING 1",
                                           "."});
    ann.send_line("LIST   ");  // trailing spaces are no argument
    CHECK(ann.take().size() == 5);
}

TEST_CASE("LIST takes no arguments", "[desk][list][bad_args]") {
    World w;
    Client& ann = w.agent("ann");
    forget_lines(ann);
    ann.send_line("LIST all");
    CHECK(ann.take_codes() == Lines{"-ERR BAD_ARGS"});
}

TEST_CASE("HIST returns the latest messages by or to a user, oldest first", "[desk][hist]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    forget_lines(ann, bob);
    bob.send_line("MSG one");
    w.advance(5);
    ann.send_line("MSG bob two");
    w.advance(1000);
    bob.send_line("MSG three has  spaces\tand a tab");
    w.advance(1);
    ann.send_line("MSG bob four");
    forget_lines(ann, bob);
    const Lines all{at(0) + " bob ann one", at(5) + " ann bob two",
                    at(1005) + " bob ann three has  spaces\tand a tab", at(1006) + " ann bob four"};

    SECTION("by default, all retained") {
        ann.send_line("HIST bob");
        CHECK(ann.take() == Lines{"+OK 4 messages", all[0], all[1], all[2], all[3], "."});
        ann.send_line("HIST ann");  // the agent's history holds the same messages
        CHECK(ann.take() == Lines{"+OK 4 messages", all[0], all[1], all[2], all[3], "."});
    }
    SECTION("the last <count>") {
        ann.send_line("HIST bob 2");
        CHECK(ann.take() == Lines{"+OK 2 messages", all[2], all[3], "."});
        ann.send_line("HIST  bob   1");
        CHECK(ann.take() == Lines{"+OK 1 messages", all[3], "."});
        ann.send_line("HIST bob 4");
        CHECK(ann.take() == Lines{"+OK 4 messages", all[0], all[1], all[2], all[3], "."});
    }
    SECTION("a count larger than the history gives all of it") {
        ann.send_line("HIST bob 5");
        CHECK(ann.take() == Lines{"+OK 4 messages", all[0], all[1], all[2], all[3], "."});
        ann.send_line("HIST bob 99999999999999999999999999");
        CHECK(ann.take().size() == 6);
    }
    SECTION("leading zeros are still a positive integer") {
        ann.send_line("HIST bob 003");
        CHECK(ann.take() == Lines{"+OK 3 messages", all[1], all[2], all[3], "."});
    }
}

TEST_CASE("HIST with a bad count or no name is BAD_ARGS", "[desk][hist][bad_args]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("ann");
    forget_lines(ann);
    for (const char* line :
         {"HIST", "HIST   ", "HIST ann 0", "HIST ann 000", "HIST ann -1", "HIST ann +1",
          "HIST ann x", "HIST ann 2x", "HIST ann 1.5", "HIST ann 1e3", "HIST ann 2 3"}) {
        CAPTURE(line);
        ann.send_line(line);
        CHECK(ann.take_codes() == Lines{"-ERR BAD_ARGS"});
    }
}

TEST_CASE("HIST of a name never seen is NO_SUCH_USER, a silent user's history is empty",
          "[desk][hist]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("ann");
    w.customer("bob");
    Client& unregistered = w.open("zed");
    unregistered.send_line("CONNECT AGENT zed wrong");  // never a user
    forget_lines(ann);
    ann.send_line("HIST zed");
    CHECK(ann.take_codes() == Lines{"-ERR NO_SUCH_USER"});
    ann.send_line("HIST nobody 3");
    CHECK(ann.take_codes() == Lines{"-ERR NO_SUCH_USER"});
    ann.send_line("HIST bob");
    CHECK(ann.take() == Lines{"+OK 0 messages", "."});
    ann.send_line("HIST BOB 1");
    CHECK(ann.take() == Lines{"+OK 0 messages", "."});
}

TEST_CASE("a message sent while waiting is in the customer's history only, to '*'",
          "[desk][hist]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& bob = w.customer("bob");
    bob.send_line("MSG anyone?");
    w.advance(7);
    Client& ann = w.agent("ann");
    bob.send_line("MSG ah, hello");
    forget_lines(ann);
    ann.send_line("HIST bob");
    CHECK(ann.take() ==
          Lines{"+OK 2 messages", at(0) + " bob * anyone?", at(7) + " bob ann ah, hello", "."});
    ann.send_line("HIST ann");
    CHECK(ann.take() == Lines{"+OK 1 messages", at(7) + " bob ann ah, hello", "."});
}

TEST_CASE("a history survives disconnects and reconnects in another spelling", "[desk][hist]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    bob.send_line("MSG first visit");
    bob.disconnect();
    forget_lines(ann);

    ann.send_line("HIST bob");  // left: its history stays
    CHECK(ann.take() == Lines{"+OK 1 messages", at(0) + " bob ann first visit", "."});

    w.advance(60'000);
    Client& again = w.customer("BOB");
    again.send_line("MSG second visit");
    forget_lines(ann);
    ann.send_line("MSG BOB welcome back");
    ann.send_line("HIST Bob");
    // Old records keep the spelling they were stored with; new ones use the new one.
    CHECK(ann.take() == Lines{"+OK message received", "+OK 3 messages",
                              at(0) + " bob ann first visit", at(60'000) + " BOB ann second visit",
                              at(60'000) + " ann BOB welcome back", "."});
    again.send_line("QUIT");
    ann.send_line("HIST bob 1");
    CHECK(ann.take() ==
          Lines{"LEFT BOB", "+OK 1 messages", at(60'000) + " ann BOB welcome back", "."});
}

TEST_CASE("each history keeps at most history_limit messages, dropping the oldest",
          "[desk][hist][retention]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    DeskOptions options = test_options();
    options.history_limit = 3;
    World w(split, options);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    Client& cid = w.customer("cid");
    for (int i = 1; i <= 5; ++i) {
        bob.send_line("MSG b" + std::to_string(i));
    }
    cid.send_line("MSG c1");
    forget_lines(ann);
    ann.send_line("HIST bob");
    CHECK(ann.take() == Lines{"+OK 3 messages", at(0) + " bob ann b3", at(0) + " bob ann b4",
                              at(0) + " bob ann b5", "."});
    ann.send_line("HIST cid");  // limits are per user
    CHECK(ann.take() == Lines{"+OK 1 messages", at(0) + " cid ann c1", "."});
    ann.send_line("HIST ann");
    CHECK(ann.take() == Lines{"+OK 3 messages", at(0) + " bob ann b4", at(0) + " bob ann b5",
                              at(0) + " cid ann c1", "."});
}

TEST_CASE("the default retention is 1000 messages per user", "[desk][hist][retention]") {
    World w;
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    std::string script;
    for (int i = 1; i <= 1001; ++i) {
        script += "MSG m" + std::to_string(i) + "\r\n";
    }
    bob.send(script);
    forget_lines(ann);
    ann.send_line("HIST bob");
    const Lines hist = ann.take();
    REQUIRE(hist.size() == 1002);
    CHECK(hist[0] == "+OK 1000 messages");
    CHECK(hist[1] == at(0) + " bob ann m2");
    CHECK(hist[1000] == at(0) + " bob ann m1001");
}

TEST_CASE("past max_remembered_users, the history of who left longest ago is forgotten",
          "[desk][hist][retention]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    DeskOptions options = test_options();
    options.max_remembered_users = 4;
    World w(split, options);
    Client& ann = w.agent("ann");  // online: its history is never forgotten
    Client& u1 = w.customer("u1");
    Client& u2 = w.customer("u2");
    Client& u3 = w.customer("u3");
    u1.send_line("MSG from u1");
    u2.send_line("MSG from u2");
    u3.send_line("MSG from u3");
    u2.send_line("QUIT");  // left first
    u1.send_line("QUIT");
    u3.send_line("QUIT");
    CHECK(w.desk().stats().histories == 4);
    forget_lines(ann);

    Client& u4 = w.customer("u4");  // a fifth history: u2's goes
    CHECK(w.desk().stats().histories == 4);
    ann.send_line("HIST u2");
    ann.send_line("HIST u1");
    ann.send_line("HIST u3");
    CHECK(ann.take_codes() == Lines{"ASSIGNED u4", "-ERR NO_SUCH_USER", "+OK 1 messages",
                                    at(0) + " u1 ann from u1", ".", "+OK 1 messages",
                                    at(0) + " u3 ann from u3", "."});

    // A user who came back is not forgotten for its earlier departure.
    Client& back = w.customer("U1");
    forget_lines(back);
    w.customer("u5");  // u1 left before u3, but came back: u3's history goes
    ann.send_line("HIST u1");
    ann.send_line("HIST u3");
    CHECK(ann.take_codes() == Lines{"ASSIGNED U1", "ASSIGNED u5", "+OK 1 messages",
                                    at(0) + " u1 ann from u1", ".", "-ERR NO_SUCH_USER"});
    static_cast<void>(u4);
}

TEST_CASE("HIST body lines never start with '.', whatever the text", "[desk][hist]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    bob.send_line("MSG .");
    bob.send_line("MSG ..leading dots");
    forget_lines(ann);
    ann.send_line("HIST bob");
    const Lines hist = ann.take();
    REQUIRE(hist.size() == 4);
    CHECK(hist[1] == at(0) + " bob ann .");
    CHECK(hist[2] == at(0) + " bob ann ..leading dots");
    for (std::size_t i = 1; i + 1 < hist.size(); ++i) {
        CHECK(hist[i].front() != '.');
    }
}

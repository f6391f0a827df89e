// Scenarios of conversations: MSG both ways, its errors, END, FORBIDDEN,
// case-insensitive names and the spelling used in pushes, and the order of
// replies and pushes.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace desk_test;

namespace {

// ann (capacity 2) chats with bob and cid; cat chats with dan; eve waits.
// Everything received so far is forgotten.
struct Floor {
    World world;
    Client& ann;
    Client& cat;
    Client& bob;
    Client& cid;
    Client& dan;
    Client& eve;

    static DeskOptions options() {
        DeskOptions result = test_options();
        result.agent_capacity = 2;
        return result;
    }

    explicit Floor(Split split)
        : world(split, options()),
          ann(world.agent("ann")),
          cat(world.agent("cat")),
          bob(world.customer("bob")),   // ann
          cid(world.customer("cid")),   // cat
          dan(world.customer("dan")),   // ann
          eve(world.customer("eve")) {  // cat
        forget_lines(ann, cat, bob, cid, dan, eve);
        // Both agents are full: fay waits.
        waiting = &world.customer("fay");
        forget_lines(*waiting);
    }

    Client* waiting = nullptr;  // fay
};

}  // namespace

TEST_CASE("a chatting customer's MSG goes to its agent, text verbatim", "[desk][msg]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    forget_lines(ann, bob);
    bob.send_line("MSG hello");
    bob.send_line("MSG   three spaces first");      // the text starts after the one space after MSG
    bob.send_line("MSG with\ttabs  and  runs   ");  // kept exactly, trailing spaces too
    bob.send_line("MSG +OK looks like a reply");
    bob.send_line("MSG .dot first");
    CHECK(bob.take() == Lines(5, "+OK message received"));
    CHECK(ann.take() == Lines{"MSG bob hello", "MSG bob   three spaces first",
                              "MSG bob with\ttabs  and  runs   ", "MSG bob +OK looks like a reply",
                              "MSG bob .dot first"});
}

TEST_CASE("an agent's MSG goes to its customer, text verbatim", "[desk][msg]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    forget_lines(ann, bob);
    ann.send_line("MSG bob hi there");
    ann.send_line(
        "MSG    bob   runs before the name, then two spaces");  // runs before bob count as one
    ann.send_line("MSG bob \ttab first");
    CHECK(ann.take() == Lines(3, "+OK message received"));
    CHECK(bob.take() == Lines{"MSG ann hi there", "MSG ann   runs before the name, then two spaces",
                              "MSG ann \ttab first"});
}

TEST_CASE("MSG without text or recipient is BAD_ARGS", "[desk][msg][bad_args]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    forget_lines(ann, bob);
    for (const char* line : {"MSG", "MSG "}) {
        CAPTURE(line);
        bob.send_line(line);
        CHECK(bob.take_codes() == Lines{"-ERR BAD_ARGS"});
    }
    for (const char* line : {"MSG", "MSG ", "MSG bob", "MSG bob ", "MSG    bob"}) {
        CAPTURE(line);
        ann.send_line(line);
        CHECK(ann.take_codes() == Lines{"-ERR BAD_ARGS"});
    }
    CHECK(ann.take().empty());
    CHECK(bob.take().empty());
    ann.send_line("HIST bob");
    CHECK(ann.take() == Lines{"+OK 0 messages", "."});
}

TEST_CASE("an agent's MSG to someone who is not its customer is NOT_ASSIGNED or NO_SUCH_USER",
          "[desk][msg][not_assigned]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    Floor f(split);
    const auto refuse = [&](const std::string& recipient) {
        f.ann.send_line("MSG " + recipient + " psst");
        return f.ann.take_codes();
    };
    CHECK(refuse("cat") == Lines{"-ERR NOT_ASSIGNED"});  // another agent
    CHECK(refuse("ann") == Lines{"-ERR NOT_ASSIGNED"});  // itself
    CHECK(refuse("fay") == Lines{"-ERR NOT_ASSIGNED"});  // a waiting customer
    CHECK(refuse("cid") == Lines{"-ERR NOT_ASSIGNED"});  // another agent's customer
    CHECK(refuse("zed") == Lines{"-ERR NO_SUCH_USER"});  // never connected
    for (Client* other : {&f.cat, &f.cid, &f.dan, &f.eve, f.waiting}) {
        CHECK(other->take().empty());
    }
    f.bob.send_line("QUIT");
    CHECK(f.ann.take() == Lines{"LEFT bob", "ASSIGNED fay"});
    CHECK(refuse("bob") == Lines{"-ERR NO_SUCH_USER"});  // left
    f.world.open("unregistered");
    CHECK(refuse("client") == Lines{"-ERR NO_SUCH_USER"});  // connected, not registered
    CHECK(refuse("unregistered") == Lines{"-ERR NO_SUCH_USER"});
    CHECK(refuse("fay") == Lines{"+OK message received"});  // now ann's customer
    CHECK(f.waiting->take() == Lines{"ASSIGNED ann", "MSG ann psst"});
}

TEST_CASE("names are looked up ignoring case, and pushes spell them as their owners do",
          "[desk][msg][names]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("AnnE");
    Client& bob = w.customer("bOb");
    CHECK(ann.take() == Lines{"+OK welcome AnnE", "ASSIGNED bOb"});
    CHECK(bob.take() == Lines{"+OK welcome bOb", "ASSIGNED AnnE"});
    ann.send_line("MSG BOB hi");
    ann.send_line("MSG bob again");
    CHECK(bob.take() == Lines{"MSG AnnE hi", "MSG AnnE again"});
    bob.send_line("MSG yo");
    CHECK(ann.take() == Lines{"+OK message received", "+OK message received", "MSG bOb yo"});
    ann.send_line("HIST BoB");
    CHECK(ann.take() == Lines{"+OK 3 messages", std::to_string(start_time) + " AnnE bOb hi",
                              std::to_string(start_time) + " AnnE bOb again",
                              std::to_string(start_time) + " bOb AnnE yo", "."});
    ann.send_line("LIST");
    CHECK(sorted_body(ann.take()) ==
          Lines{"+OK 2 users", "AnnE AGENT 1/3", "bOb CUSTOMER CHATTING AnnE", "."});
    ann.send_line("END BOB");
    CHECK(ann.take() == Lines{"+OK"});
    CHECK(bob.take() == Lines{"+OK message received", "QUIT conversation ended by AnnE"});
    Client& cid = w.customer("Cid");
    cid.disconnect();
    CHECK(ann.take() == Lines{"ASSIGNED Cid", "LEFT Cid"});
}

TEST_CASE("messages between two users arrive in the order they were sent", "[desk][msg]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    forget_lines(ann, bob);
    std::string script;
    Lines expected;
    for (int i = 0; i < 40; ++i) {
        script += "MSG bob " + std::to_string(i) + "\r\n";
        expected.push_back("MSG ann " + std::to_string(i));
    }
    ann.send(script);
    CHECK(bob.take() == expected);
    CHECK(ann.take() == Lines(40, "+OK message received"));
}

TEST_CASE("customers may not use agent commands: FORBIDDEN", "[desk][forbidden]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    Floor f(split);
    for (Client* customer : {&f.bob, f.waiting}) {
        CAPTURE(customer->label());
        for (const char* line :
             {"LIST", "LIST extra", "HIST bob", "HIST", "HIST bob 0", "END bob", "END"}) {
            CAPTURE(line);
            customer->send_line(line);
            CHECK(customer->take_codes() == Lines{"-ERR FORBIDDEN"});
        }
    }
    CHECK_FALSE(f.bob.closed());
    CHECK(f.ann.take().empty());
}

TEST_CASE("END ends a conversation: QUIT to the customer, no LEFT, the slot refilled",
          "[desk][end]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    Floor f(split);  // ann: bob, dan; cat: cid, eve; fay waits
    f.ann.send_line("END bob");
    CHECK(f.ann.take() == Lines{"+OK", "ASSIGNED fay"});  // the reply first, then the push
    CHECK(f.bob.take() == Lines{"QUIT conversation ended by ann"});
    CHECK(f.bob.closed_by_server());
    CHECK(f.waiting->take() == Lines{"ASSIGNED ann"});
    CHECK(f.cat.take().empty());
    // bob's name is free, its history kept.
    f.ann.send_line("MSG bob are you there?");
    CHECK(f.ann.take_codes() == Lines{"-ERR NO_SUCH_USER"});
    Client& bob = f.world.customer("BOB");
    CHECK(bob.take() == Lines{"+OK welcome BOB", "QUEUED 1"});
}

TEST_CASE("END follows MSG's rules for its argument", "[desk][end]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    Floor f(split);
    const auto end = [&](const std::string& line) {
        f.ann.send_line(line);
        return f.ann.take_codes();
    };
    CHECK(end("END") == Lines{"-ERR BAD_ARGS"});
    CHECK(end("END   ") == Lines{"-ERR BAD_ARGS"});
    CHECK(end("END bob dan") == Lines{"-ERR BAD_ARGS"});
    CHECK(end("END zed") == Lines{"-ERR NO_SUCH_USER"});
    CHECK(end("END fay") == Lines{"-ERR NOT_ASSIGNED"});  // waiting
    CHECK(end("END cid") == Lines{"-ERR NOT_ASSIGNED"});  // cat's customer
    CHECK(end("END cat") == Lines{"-ERR NOT_ASSIGNED"});  // an agent
    CHECK(end("END ann") == Lines{"-ERR NOT_ASSIGNED"});  // itself
    for (Client* other : {&f.cat, &f.bob, &f.cid, &f.dan, &f.eve, f.waiting}) {
        CHECK(other->take().empty());
        CHECK_FALSE(other->closed());
    }
    CHECK(end("END    DAN") == Lines{"+OK", "ASSIGNED fay"});
    CHECK(f.dan.take() == Lines{"QUIT conversation ended by ann"});
}

TEST_CASE("a reply is written before the pushes its command causes", "[desk][ordering]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& bob = w.customer("bob");
    bob.send_line("MSG queued message");
    CHECK(bob.take() == Lines{"+OK welcome bob", "QUEUED 1", "+OK message received"});
    Client& ann = w.agent("ann");  // welcome, then the assignment, then the backlog
    CHECK(ann.take() == Lines{"+OK welcome ann", "ASSIGNED bob", "MSG bob queued message"});
    Client& cid = w.customer("cid");  // welcome, then ASSIGNED
    CHECK(cid.take() == Lines{"+OK welcome cid", "ASSIGNED ann"});
    Client& dan = w.customer("dan");
    Client& eve = w.customer("eve");  // ann is full: eve waits
    CHECK(eve.take() == Lines{"+OK welcome eve", "QUEUED 1"});
    forget_lines(ann, dan);
    // In one receive: the push END causes comes after its reply and before
    // the next command's reply.
    ann.send("MSG bob a\r\nEND cid\r\nPING\r\n");
    CHECK(ann.take() == Lines{"+OK message received", "+OK", "ASSIGNED eve", "+OK PONG"});
    // A customer's QUIT: the reply to it, and the push to its agent.
    dan.send_line("QUIT");
    CHECK(dan.take() == Lines{"+OK bye"});
    CHECK(ann.take() == Lines{"LEFT dan"});
}

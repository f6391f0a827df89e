// Scenarios of the waiting line, through the whole desk: positions and their live updates, FIFO
// assignment to the least busy agent and its tie-break, capacity, messages
// left while waiting, and what happens when agents and customers leave.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace desk_test;

namespace {

DeskOptions with_capacity(std::size_t capacity) {
    DeskOptions options = test_options();
    options.agent_capacity = capacity;
    return options;
}

}  // namespace

TEST_CASE("customers wait in arrival order and are told their position", "[desk][queue]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& bob = w.customer("bob");
    Client& cid = w.customer("cid");
    Client& dan = w.customer("dan");
    CHECK(bob.take() == Lines{"+OK welcome bob", "QUEUED 1"});
    CHECK(cid.take() == Lines{"+OK welcome cid", "QUEUED 2"});
    CHECK(dan.take() == Lines{"+OK welcome dan", "QUEUED 3"});
    CHECK(w.desk().stats().waiting == 3);
}

TEST_CASE("an agent takes waiting customers in arrival order, up to its capacity",
          "[desk][queue][capacity]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);  // capacity 3 by default
    Client& c1 = w.customer("c1");
    Client& c2 = w.customer("c2");
    Client& c3 = w.customer("c3");
    Client& c4 = w.customer("c4");
    Client& c5 = w.customer("c5");
    forget_lines(c1, c2, c3, c4, c5);

    Client& ann = w.agent("ann");
    CHECK(ann.take() == Lines{"+OK welcome ann", "ASSIGNED c1", "ASSIGNED c2", "ASSIGNED c3"});
    CHECK(c1.take() == Lines{"ASSIGNED ann"});
    CHECK(c2.take() == Lines{"ASSIGNED ann"});
    CHECK(c3.take() == Lines{"ASSIGNED ann"});
    CHECK(c4.take() == Lines{"QUEUED 1"});  // one update, not one per assignment
    CHECK(c5.take() == Lines{"QUEUED 2"});

    ann.send_line("LIST");
    CHECK(sorted_body(ann.take()) == Lines{"+OK 6 users", "ann AGENT 3/3",
                                           "c1 CUSTOMER CHATTING ann", "c2 CUSTOMER CHATTING ann",
                                           "c3 CUSTOMER CHATTING ann", "c4 CUSTOMER WAITING 1",
                                           "c5 CUSTOMER WAITING 2", "."});
}

TEST_CASE("agent capacity is a desk option", "[desk][queue][capacity]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split, with_capacity(2));
    Client& ann = w.agent("ann");
    Client& c1 = w.customer("c1");
    Client& c2 = w.customer("c2");
    Client& c3 = w.customer("c3");
    CHECK(c1.take() == Lines{"+OK welcome c1", "ASSIGNED ann"});
    CHECK(c2.take() == Lines{"+OK welcome c2", "ASSIGNED ann"});
    CHECK(c3.take() == Lines{"+OK welcome c3", "QUEUED 1"});
    CHECK(ann.take() == Lines{"+OK welcome ann", "ASSIGNED c1", "ASSIGNED c2"});
}

TEST_CASE("a customer assigned at once gets no QUEUED", "[desk][queue]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    CHECK(bob.take() == Lines{"+OK welcome bob", "ASSIGNED ann"});
    CHECK(ann.take() == Lines{"+OK welcome ann", "ASSIGNED bob"});
}

TEST_CASE("positions are live: each waiting customer whose position changed is told once",
          "[desk][queue][positions]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split, with_capacity(1));
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");  // chatting with ann
    Client& cid = w.customer("cid");  // 1
    Client& dan = w.customer("dan");  // 2
    Client& eve = w.customer("eve");  // 3
    Client& fay = w.customer("fay");  // 4
    CHECK(fay.take() == Lines{"+OK welcome fay", "QUEUED 4"});
    forget_lines(ann, bob, cid, dan, eve);

    SECTION("someone ahead was assigned") {
        bob.send_line("QUIT");
        CHECK(ann.take() == Lines{"LEFT bob", "ASSIGNED cid"});
        CHECK(cid.take() == Lines{"ASSIGNED ann"});
        CHECK(dan.take() == Lines{"QUEUED 1"});
        CHECK(eve.take() == Lines{"QUEUED 2"});
        CHECK(fay.take() == Lines{"QUEUED 3"});
    }
    SECTION("someone ahead left with QUIT") {
        dan.send_line("QUIT");
        CHECK(cid.take().empty());  // ahead of dan: unchanged
        CHECK(eve.take() == Lines{"QUEUED 2"});
        CHECK(fay.take() == Lines{"QUEUED 3"});
        CHECK(ann.take().empty());  // a waiting customer has no agent to tell
    }
    SECTION("someone ahead disconnected") {
        cid.disconnect();
        CHECK(dan.take() == Lines{"QUEUED 1"});
        CHECK(eve.take() == Lines{"QUEUED 2"});
        CHECK(fay.take() == Lines{"QUEUED 3"});
        CHECK(ann.take().empty());
    }
    SECTION("the last one left: nobody moves") {
        fay.disconnect();
        CHECK(cid.take().empty());
        CHECK(dan.take().empty());
        CHECK(eve.take().empty());
    }
    SECTION("two ahead left in one event stream") {
        cid.send_line("QUIT");
        dan.send_line("QUIT");
        CHECK(eve.take() == Lines{"QUEUED 2", "QUEUED 1"});
        CHECK(fay.take() == Lines{"QUEUED 3", "QUEUED 2"});
    }
    SECTION("nothing that does not move the line sends QUEUED") {
        cid.send_line("PING");
        dan.send_line("MSG waiting");
        Client& late = w.customer("gus");
        CHECK(late.take() == Lines{"+OK welcome gus", "QUEUED 5"});
        ann.send_line("MSG bob hi");
        CHECK(cid.take() == Lines{"+OK PONG"});
        CHECK(dan.take() == Lines{"+OK message received"});
        CHECK(eve.take().empty());
        CHECK(fay.take().empty());
    }
}

TEST_CASE("the next customer goes to the agent with the fewest conversations",
          "[desk][queue][assignment]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);  // capacity 3
    Client& ann = w.agent("ann");
    Client& cat = w.agent("cat");
    Client& c1 = w.customer("c1");
    Client& c2 = w.customer("c2");
    Client& c3 = w.customer("c3");
    Client& c4 = w.customer("c4");
    CHECK(ann.take() == Lines{"+OK welcome ann", "ASSIGNED c1", "ASSIGNED c3"});
    CHECK(cat.take() == Lines{"+OK welcome cat", "ASSIGNED c2", "ASSIGNED c4"});
    forget_lines(c1, c2, c3, c4);

    // cat got the latest assignment, so a tie would go to ann; but cat now
    // has fewer conversations, and fewer wins.
    c2.send_line("QUIT");
    CHECK(cat.take() == Lines{"LEFT c2"});
    Client& c5 = w.customer("c5");
    CHECK(c5.take() == Lines{"+OK welcome c5", "ASSIGNED cat"});
    CHECK(cat.take() == Lines{"ASSIGNED c5"});
    CHECK(ann.take().empty());

    // A third agent with no one is the least busy of all.
    Client& dog = w.agent("dog");
    Client& c6 = w.customer("c6");
    CHECK(c6.take() == Lines{"+OK welcome c6", "ASSIGNED dog"});
    CHECK(dog.take() == Lines{"+OK welcome dog", "ASSIGNED c6"});
}

TEST_CASE("ties go to the agent whose last assignment, or registration, is oldest",
          "[desk][queue][assignment]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);

    SECTION("with no assignment yet, the agent registered first") {
        Client& cat = w.agent("cat");
        Client& ann = w.agent("ann");
        Client& bob = w.customer("bob");
        CHECK(bob.take() == Lines{"+OK welcome bob", "ASSIGNED cat"});
        CHECK(cat.take() == Lines{"+OK welcome cat", "ASSIGNED bob"});
        CHECK(ann.take() == Lines{"+OK welcome ann"});
    }
    SECTION("an assignment makes an agent the most recent") {
        Client& ann = w.agent("ann");
        Client& cat = w.agent("cat");
        Client& c1 = w.customer("c1");  // to ann: registered first
        CHECK(c1.take() == Lines{"+OK welcome c1", "ASSIGNED ann"});
        c1.send_line("QUIT");
        // Both have no one now; ann's assignment is newer than cat's registration.
        Client& c2 = w.customer("c2");
        CHECK(c2.take() == Lines{"+OK welcome c2", "ASSIGNED cat"});
        Client& c3 = w.customer("c3");  // ann has fewer
        CHECK(c3.take() == Lines{"+OK welcome c3", "ASSIGNED ann"});
        c2.send_line("QUIT");
        c3.send_line("QUIT");
        // cat's last assignment (c2) is older than ann's (c3).
        Client& c4 = w.customer("c4");
        CHECK(c4.take() == Lines{"+OK welcome c4", "ASSIGNED cat"});
        CHECK(ann.take() ==
              Lines{"+OK welcome ann", "ASSIGNED c1", "LEFT c1", "ASSIGNED c3", "LEFT c3"});
        CHECK(cat.take() == Lines{"+OK welcome cat", "ASSIGNED c2", "LEFT c2", "ASSIGNED c4"});
    }
    SECTION("an agent registered after another's assignment waited less") {
        Client& ann = w.agent("ann");
        Client& c1 = w.customer("c1");
        Client& cat = w.agent("cat");  // registered after c1 was assigned to ann
        c1.send_line("QUIT");
        Client& c2 = w.customer("c2");
        CHECK(c2.take() == Lines{"+OK welcome c2", "ASSIGNED ann"});
        CHECK(cat.take() == Lines{"+OK welcome cat"});
        forget_lines(ann);
    }
}

TEST_CASE("messages sent while waiting are delivered on assignment, in order",
          "[desk][queue][backlog]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& bob = w.customer("bob");
    bob.send_line("MSG first");
    bob.send_line("MSG  second, with a leading space");
    bob.send("MSG third\r\nMSG fourth\r\n");
    CHECK(bob.take() == Lines{"+OK welcome bob", "QUEUED 1", "+OK message received",
                              "+OK message received", "+OK message received",
                              "+OK message received"});
    Client& ann = w.agent("ann");
    CHECK(ann.take() == Lines{"+OK welcome ann", "ASSIGNED bob", "MSG bob first",
                              "MSG bob  second, with a leading space", "MSG bob third",
                              "MSG bob fourth"});
    CHECK(bob.take() == Lines{"ASSIGNED ann"});
    // Delivered once: the next message is just relayed.
    bob.send_line("MSG fifth");
    CHECK(ann.take() == Lines{"MSG bob fifth"});
}

TEST_CASE("a waiting customer may leave at most waiting_backlog_limit messages",
          "[desk][queue][backlog]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    DeskOptions options = test_options();
    options.waiting_backlog_limit = 2;
    World w(split, options);
    Client& bob = w.customer("bob");
    forget_lines(bob);
    bob.send("MSG one\r\nMSG two\r\nMSG three\r\n");
    CHECK(bob.take_codes() ==
          Lines{"+OK message received", "+OK message received", "-ERR SERVER_FULL"});
    Client& ann = w.agent("ann");
    CHECK(ann.take() == Lines{"+OK welcome ann", "ASSIGNED bob", "MSG bob one", "MSG bob two"});
    bob.send_line("MSG four");  // chatting: no limit
    CHECK(bob.take() == Lines{"ASSIGNED ann", "+OK message received"});
    CHECK(ann.take() == Lines{"MSG bob four"});
    ann.send_line("HIST bob");
    CHECK(ann.take() == Lines{"+OK 3 messages", std::to_string(start_time) + " bob * one",
                              std::to_string(start_time) + " bob * two",
                              std::to_string(start_time) + " bob ann four", "."});
}

TEST_CASE("a departing agent's customers are queued again ahead of later arrivals",
          "[desk][queue][requeue]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split, with_capacity(1));
    Client& ann = w.agent("ann");
    Client& cat = w.agent("cat");
    Client& c1 = w.customer("c1");  // to ann
    Client& c2 = w.customer("c2");  // to cat
    Client& c3 = w.customer("c3");  // waits
    CHECK(c1.take() == Lines{"+OK welcome c1", "ASSIGNED ann"});
    CHECK(c2.take() == Lines{"+OK welcome c2", "ASSIGNED cat"});
    CHECK(c3.take() == Lines{"+OK welcome c3", "QUEUED 1"});
    forget_lines(cat);

    const bool quits = GENERATE(false, true);
    CAPTURE(quits);
    const auto leave = [quits](Client& agent) {
        if (quits) {
            agent.send_line("QUIT");
        } else {
            agent.disconnect();
        }
    };

    leave(ann);
    CHECK(c1.take() == Lines{"QUEUED 1"});
    CHECK(c3.take() == Lines{"QUEUED 2"});
    CHECK(cat.take().empty());  // cat is full: no change for it

    // c2 arrived before c3 but after c1: it goes between them, and c1, whose
    // position did not change, hears nothing.
    leave(cat);
    CHECK(c1.take().empty());
    CHECK(c2.take() == Lines{"QUEUED 2"});
    CHECK(c3.take() == Lines{"QUEUED 3"});

    // Nothing a re-queued customer says is lost.
    c2.send_line("MSG still there?");
    CHECK(c2.take() == Lines{"+OK message received"});

    Client& dog = w.agent("dog");
    CHECK(dog.take() == Lines{"+OK welcome dog", "ASSIGNED c1"});
    CHECK(c1.take() == Lines{"ASSIGNED dog"});
    CHECK(c2.take() == Lines{"QUEUED 1"});
    CHECK(c3.take() == Lines{"QUEUED 2"});
    Client& eve = w.agent("eve");
    CHECK(eve.take() == Lines{"+OK welcome eve", "ASSIGNED c2", "MSG c2 still there?"});
    CHECK(c3.take() == Lines{"QUEUED 1"});
}

TEST_CASE("re-queued customers keep their arrival order and go ahead of later arrivals",
          "[desk][queue][requeue]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split, with_capacity(3));
    Client& ann = w.agent("ann");
    Client& c1 = w.customer("c1");
    Client& c2 = w.customer("c2");
    Client& c3 = w.customer("c3");
    Client& c4 = w.customer("c4");  // waits
    Client& c5 = w.customer("c5");  // waits
    forget_lines(c1, c2, c3, c4, c5);
    // ann loses c2 and gets c4 in its place, so its list is c1, c3, c4.
    c2.send_line("QUIT");
    CHECK(c4.take() == Lines{"ASSIGNED ann"});
    CHECK(c5.take() == Lines{"QUEUED 1"});
    Client& c6 = w.customer("c6");
    CHECK(c6.take() == Lines{"+OK welcome c6", "QUEUED 2"});

    ann.disconnect();
    CHECK(c1.take() == Lines{"QUEUED 1"});
    CHECK(c3.take() == Lines{"QUEUED 2"});
    CHECK(c4.take() == Lines{"QUEUED 3"});
    CHECK(c5.take() == Lines{"QUEUED 4"});
    CHECK(c6.take() == Lines{"QUEUED 5"});
}

TEST_CASE("a departing agent's customers go straight to a free agent: ASSIGNED, no QUEUED",
          "[desk][queue][requeue]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);  // capacity 3
    Client& ann = w.agent("ann");
    Client& c1 = w.customer("c1");
    Client& c2 = w.customer("c2");
    Client& cat = w.agent("cat");  // registered with ann not full: gets no one
    forget_lines(ann, c1, c2, cat);
    ann.send_line("QUIT");
    CHECK(ann.take() == Lines{"+OK bye"});
    CHECK(c1.take() == Lines{"ASSIGNED cat"});
    CHECK(c2.take() == Lines{"ASSIGNED cat"});
    CHECK(cat.take() == Lines{"ASSIGNED c1", "ASSIGNED c2"});
    c1.send_line("MSG hello cat");
    CHECK(cat.take() == Lines{"MSG c1 hello cat"});
}

TEST_CASE("a customer who leaves frees its agent's slot for the next in line",
          "[desk][queue][left]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split, with_capacity(1));
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    Client& cid = w.customer("cid");
    Client& dan = w.customer("dan");
    forget_lines(ann, bob, cid, dan);

    SECTION("by disconnecting") {
        bob.disconnect();
    }
    SECTION("by QUIT") {
        bob.send_line("QUIT bye now");
        CHECK(bob.take() == Lines{"+OK bye"});
        CHECK(bob.closed_by_server());
    }
    CHECK(ann.take() == Lines{"LEFT bob", "ASSIGNED cid"});
    CHECK(cid.take() == Lines{"ASSIGNED ann"});
    CHECK(dan.take() == Lines{"QUEUED 1"});
    CHECK(w.desk().stats().chatting == 1);
    CHECK(w.desk().stats().waiting == 1);
}

// End-to-end scenarios of 3MCP through a running server, the same for every
// fixture: the three threading models over loopback TCP and over the
// in-memory backend, with and without short reads and writes.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace server_test;

TEMPLATE_TEST_CASE("registration: CONNECT, and the errors that come before and with it",
                   "[server][registration]", SERVER_ALL_FIXTURES) {
    TestType f;
    auto bob = f.connect();
    bob->send("MSG hello\r\n");
    bob->expect_error("NOT_CONNECTED");
    bob->send("LIST\r\n");
    bob->expect_error("NOT_CONNECTED");
    bob->send("PING before\r\n");
    bob->expect_line("+OK PONG before");
    bob->send("CONNECT CUSTOMER\r\n");
    bob->expect_error("BAD_ARGS");
    bob->send("CONNECT CUSTOMER b@d\r\n");
    bob->expect_error("BAD_NAME");
    bob->send("CONNECT AGENT ann wrong-key\r\n");
    bob->expect_error("AUTH_FAILED");
    bob->send("CONNECT CUSTOMER bob\r\n");
    bob->expect_lines({"+OK welcome bob", "QUEUED 1"});
    bob->send("CONNECT CUSTOMER bob2\r\n");
    bob->expect_error("ALREADY_CONNECTED");
    bob->send("LIST\r\n");
    bob->expect_error("FORBIDDEN");

    // Names are unique ignoring case; a wrong key never tells whether a name
    // is taken; the third failure closes the connection.
    auto other = f.connect();
    other->send("CONNECT CUSTOMER BOB\r\n");
    other->expect_error("NAME_TAKEN");
    other->send("CONNECT AGENT bob nope\r\n");
    other->expect_error("AUTH_FAILED");
    other->send("CONNECT AGENT ann nope\r\n");
    other->expect_error("AUTH_FAILED");
    other->send("CONNECT AGENT ann still-wrong\r\n");
    other->expect_error("AUTH_FAILED");
    other->expect_line("QUIT too many failed attempts");
    other->expect_eof();

    // With the key an agent registers, and the waiting customer is assigned.
    auto ann = agent(f, "ann");
    ann->expect_line("ASSIGNED bob");
    bob->expect_line("ASSIGNED ann");

    auto helpless = f.connect();
    helpless->send("HELP\r\n");
    const std::string header = helpless->next_line();
    const std::vector<std::string> body = helpless->read_body();
    CHECK(header == "+OK " + std::to_string(body.size()) + " commands");
    CHECK(body.size() == 8);
    helpless->sync();
    ann->sync();
    bob->sync();
    f.finish();
}

TEMPLATE_TEST_CASE("relay both ways: verbatim text, pipelined, split across writes",
                   "[server][relay]", SERVER_ALL_FIXTURES) {
    TestType f;
    auto ann = agent(f, "ann");
    auto bob = customer(f, "bob");
    bob->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED bob");

    bob->send("MSG hello, I need help\r\n");
    bob->expect_line("+OK message received");
    ann->expect_line("MSG bob hello, I need help");
    ann->send("MSG bob sure: what is wrong?\r\n");
    ann->expect_line("+OK message received");
    bob->expect_line("MSG ann sure: what is wrong?");

    // UTF-8, tabs and runs of spaces arrive as they were sent.
    bob->send("MSG caf\xC3\xA9 \xE2\x98\x95\tand  two  spaces\r\n");
    bob->expect_line("+OK message received");
    ann->expect_line("MSG bob caf\xC3\xA9 \xE2\x98\x95\tand  two  spaces");

    // Pipelining: a hundred lines in one write each way, replies and relays in order.
    std::string burst;
    for (int i = 0; i < 100; ++i) {
        burst += "MSG line " + std::to_string(i) + "\r\n";
    }
    bob->send(burst);
    burst.clear();
    for (int i = 0; i < 100; ++i) {
        burst += "MSG BOB reply " + std::to_string(i) + "\n";  // any spelling, LF only
    }
    ann->send(burst);
    // Each side's replies are in order and so is what it is relayed; the two
    // streams interleave by timing, so they are checked apart.
    const auto split_replies = [](Client& client, std::vector<std::string>& pushes) {
        std::size_t replies = 0;
        for (int i = 0; i < 200; ++i) {
            std::string line = client.next_line();
            if (line.rfind('+', 0) == 0 || line.rfind('-', 0) == 0) {
                CHECK(line == "+OK message received");
                ++replies;
            } else {
                pushes.push_back(std::move(line));
            }
        }
        return replies;
    };
    std::vector<std::string> to_ann;
    std::vector<std::string> to_bob;
    CHECK(split_replies(*ann, to_ann) == 100);
    CHECK(split_replies(*bob, to_bob) == 100);
    REQUIRE(to_ann.size() == 100);
    REQUIRE(to_bob.size() == 100);
    for (std::size_t i = 0; i < 100; ++i) {
        CHECK(to_ann[i] == "MSG bob line " + std::to_string(i));
        CHECK(to_bob[i] == "MSG ann reply " + std::to_string(i));
    }

    // One line in four writes.
    bob->send("MS");
    bob->send("G spl");
    bob->send("it\r");
    bob->send("\n");
    bob->expect_line("+OK message received");
    ann->expect_line("MSG bob split");
    ann->sync();
    bob->sync();
    f.finish();

    bool agent_logged = false;
    bool customer_logged = false;
    for (const std::string& line : f.log()) {
        INFO("log: " << line);
        agent_logged = agent_logged || line.find("as agent ann") != std::string::npos;
        customer_logged = customer_logged || line.find("as customer bob") != std::string::npos;
        CHECK(line.find("need help") == std::string::npos);  // never message text
    }
    CHECK(agent_logged);
    CHECK(customer_logged);
}

TEMPLATE_TEST_CASE("queueing: live positions, messages kept while waiting, assignment in order",
                   "[server][queue]", SERVER_ALL_FIXTURES) {
    Setup setup;
    setup.desk.agent_capacity = 1;
    TestType f(setup);
    auto ann = agent(f, "ann");
    auto c1 = customer(f, "c1");
    c1->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED c1");
    auto c2 = customer(f, "c2");
    c2->expect_line("QUEUED 1");
    auto c3 = customer(f, "c3");
    c3->expect_line("QUEUED 2");
    auto c4 = customer(f, "c4");
    c4->expect_line("QUEUED 3");

    c3->send("MSG are you there?\r\n");
    c3->expect_line("+OK message received");

    // Someone ahead leaves: everyone behind moves up, and is told.
    c2->send("QUIT\r\n");
    c2->expect_line("+OK bye");
    c2->expect_eof();
    c3->expect_line("QUEUED 1");
    c4->expect_line("QUEUED 2");

    // The agent's customer leaves: the slot goes to the first in line, with
    // what it said while waiting.
    c1->send("QUIT\r\n");
    c1->expect_line("+OK bye");
    c1->expect_eof();
    ann->expect_lines({"LEFT c1", "ASSIGNED c3", "MSG c3 are you there?"});
    c3->expect_line("ASSIGNED ann");
    c4->expect_line("QUEUED 1");

    // A new agent takes the next one at once.
    auto dan = agent(f, "dan");
    dan->expect_line("ASSIGNED c4");
    c4->expect_line("ASSIGNED dan");

    // Nothing stray: every push was expected.
    for (auto* client : {ann.get(), dan.get(), c3.get(), c4.get()}) {
        client->sync();
    }
    f.finish();
}

TEMPLATE_TEST_CASE("assignment: the least busy agent, ties to the one that waited longest",
                   "[server][queue]", SERVER_ALL_FIXTURES) {
    Setup setup;
    setup.desk.agent_capacity = 2;
    TestType f(setup);
    auto ann = agent(f, "ann");
    auto dan = agent(f, "dan");
    auto x = customer(f, "x");
    x->expect_line("ASSIGNED ann");  // a tie at 0: ann registered first
    ann->expect_line("ASSIGNED x");
    auto y = customer(f, "y");
    y->expect_line("ASSIGNED dan");  // dan has fewer
    dan->expect_line("ASSIGNED y");
    auto z = customer(f, "z");
    z->expect_line("ASSIGNED ann");  // a tie at 1: ann's last assignment is older
    ann->expect_line("ASSIGNED z");
    auto w = customer(f, "w");
    w->expect_line("ASSIGNED dan");
    dan->expect_line("ASSIGNED w");
    auto v = customer(f, "v");
    v->expect_line("QUEUED 1");  // both are full
    for (auto* client : {ann.get(), dan.get(), x.get(), y.get(), z.get(), w.get(), v.get()}) {
        client->sync();
    }
    f.finish();
}

TEMPLATE_TEST_CASE("an agent that disconnects: its customers are re-queued ahead of later arrivals",
                   "[server][queue]", SERVER_ALL_FIXTURES) {
    Setup setup;
    setup.desk.agent_capacity = 1;
    TestType f(setup);
    auto ann = agent(f, "ann");
    auto c1 = customer(f, "c1");
    c1->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED c1");
    auto c2 = customer(f, "c2");
    c2->expect_line("QUEUED 1");
    c1->send("MSG before\r\n");
    c1->expect_line("+OK message received");
    ann->expect_line("MSG c1 before");
    auto c3 = customer(f, "c3");
    c3->expect_line("QUEUED 2");

    ann->close();  // abruptly
    c1->expect_line("QUEUED 1");
    c2->expect_line("QUEUED 2");
    c3->expect_line("QUEUED 3");
    c1->send("MSG still there?\r\n");
    c1->expect_line("+OK message received");

    auto dan = agent(f, "dan");
    dan->expect_lines({"ASSIGNED c1", "MSG c1 still there?"});
    c1->expect_line("ASSIGNED dan");
    c2->expect_line("QUEUED 1");
    c3->expect_line("QUEUED 2");

    // Nothing c1 sent is lost.
    dan->send("HIST c1\r\n");
    dan->expect_line("+OK 2 messages");
    std::vector<std::string> records;
    for (const std::string& record : dan->read_body()) {
        records.push_back(without_stamp(record));
    }
    CHECK(records == std::vector<std::string>{"c1 ann before", "c1 * still there?"});

    // The agent's name is free again.
    auto ann_again = agent(f, "ANN");
    ann_again->expect_line("ASSIGNED c2");
    c2->expect_line("ASSIGNED ANN");
    c3->expect_line("QUEUED 1");
    for (auto* client : {ann_again.get(), dan.get(), c1.get(), c2.get(), c3.get()}) {
        client->sync();
    }
    f.finish();
}

TEMPLATE_TEST_CASE("LIST: every registered user, with its state", "[server][list]",
                   SERVER_ALL_FIXTURES) {
    Setup setup;
    setup.desk.agent_capacity = 1;
    TestType f(setup);
    auto ann = agent(f, "ann");
    auto bob = customer(f, "Bob");
    bob->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED Bob");
    auto carl = customer(f, "carl");
    carl->expect_line("QUEUED 1");
    auto unregistered = f.connect();
    unregistered->sync();

    ann->send("LIST\r\n");
    ann->expect_line("+OK 3 users");
    CHECK(sorted(ann->read_body()) ==
          sorted({"ann AGENT 1/1", "Bob CUSTOMER CHATTING ann", "carl CUSTOMER WAITING 1"}));
    ann->send("LIST extra\r\n");
    ann->expect_error("BAD_ARGS");
    bob->send("LIST\r\n");
    bob->expect_error("FORBIDDEN");

    carl->send("QUIT\r\n");
    carl->expect_line("+OK bye");
    carl->expect_eof();
    ann->send("list\r\n");
    ann->expect_line("+OK 2 users");
    CHECK(sorted(ann->read_body()) == sorted({"ann AGENT 1/1", "Bob CUSTOMER CHATTING ann"}));
    f.finish();
}

TEMPLATE_TEST_CASE("HIST: the latest messages by or to a user, and across its reconnects",
                   "[server][hist]", SERVER_ALL_FIXTURES) {
    TestType f;
    auto ann = agent(f, "ann");
    auto bob = customer(f, "bob");
    bob->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED bob");
    bob->send("MSG one\r\n");
    bob->expect_line("+OK message received");
    ann->expect_line("MSG bob one");
    ann->send("MSG bob two\r\n");
    ann->expect_line("+OK message received");
    bob->expect_line("MSG ann two");
    bob->send("MSG three\r\n");
    bob->expect_line("+OK message received");
    ann->expect_line("MSG bob three");

    const auto hist = [&](const std::string& command, const std::string& header) {
        ann->send(command + "\r\n");
        ann->expect_line(header);
        std::vector<std::string> records;
        for (const std::string& record : ann->read_body()) {
            records.push_back(without_stamp(record));
        }
        return records;
    };
    using Records = std::vector<std::string>;
    CHECK(hist("HIST bob", "+OK 3 messages") ==
          Records{"bob ann one", "ann bob two", "bob ann three"});
    CHECK(hist("HIST bob 2", "+OK 2 messages") == Records{"ann bob two", "bob ann three"});
    CHECK(hist("HIST BOB  1", "+OK 1 messages") == Records{"bob ann three"});
    CHECK(hist("HIST ann 5", "+OK 3 messages") ==
          Records{"bob ann one", "ann bob two", "bob ann three"});
    ann->send("HIST nobody\r\n");
    ann->expect_error("NO_SUCH_USER");
    ann->send("HIST bob 0\r\n");
    ann->expect_error("BAD_ARGS");
    bob->send("HIST ann\r\n");
    bob->expect_error("FORBIDDEN");

    // The history outlives the connection, and continues when the user is back.
    bob->close();
    ann->expect_line("LEFT bob");
    CHECK(hist("HIST bob", "+OK 3 messages") ==
          Records{"bob ann one", "ann bob two", "bob ann three"});
    auto bob_again = customer(f, "Bob");
    bob_again->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED Bob");
    bob_again->send("MSG four\r\n");
    bob_again->expect_line("+OK message received");
    ann->expect_line("MSG Bob four");
    CHECK(hist("HIST bob 2", "+OK 2 messages") == Records{"bob ann three", "Bob ann four"});
    f.finish();
}

TEMPLATE_TEST_CASE("END: the agent ends a conversation - the slot goes to the next customer",
                   "[server][end]", SERVER_ALL_FIXTURES) {
    Setup setup;
    setup.desk.agent_capacity = 1;
    TestType f(setup);
    auto ann = agent(f, "ann");
    auto bob = customer(f, "bob");
    bob->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED bob");
    auto carl = customer(f, "carl");
    carl->expect_line("QUEUED 1");

    ann->send("END carl\r\n");
    ann->expect_error("NOT_ASSIGNED");
    ann->send("END nobody\r\n");
    ann->expect_error("NO_SUCH_USER");
    ann->send("END\r\n");
    ann->expect_error("BAD_ARGS");
    bob->send("END ann\r\n");
    bob->expect_error("FORBIDDEN");

    ann->send("END BOB\r\n");
    ann->expect_lines({"+OK", "ASSIGNED carl"});
    bob->expect_line("QUIT conversation ended by ann");
    bob->expect_eof();
    carl->expect_line("ASSIGNED ann");
    ann->sync();  // and no LEFT for a customer it ended
    carl->sync();
    f.finish();
}

TEMPLATE_TEST_CASE("QUIT: +OK bye, then the server closes - later lines are ignored",
                   "[server][quit]", SERVER_ALL_FIXTURES) {
    TestType f;
    auto ann = agent(f, "ann");
    auto bob = customer(f, "bob");
    bob->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED bob");

    // The server may close before it takes the lines after QUIT (with short
    // writes the client is still sending them), so their sending may fail.
    static_cast<void>(bob->try_send("QUIT thanks, bye\r\nPING after quit\r\nMSG after quit\r\n"));
    bob->expect_line("+OK bye");
    bob->expect_eof();
    ann->expect_line("LEFT bob");
    ann->sync();

    auto stranger = f.connect();
    stranger->send("QUIT\r\n");
    stranger->expect_line("+OK bye");
    stranger->expect_eof();

    ann->send("quit\r\n");
    ann->expect_line("+OK bye");
    ann->expect_eof();

    // Both names are free again.
    auto bob_again = customer(f, "bob");
    bob_again->expect_line("QUEUED 1");
    auto ann_again = agent(f, "ann");
    ann_again->expect_line("ASSIGNED bob");
    bob_again->expect_line("ASSIGNED ann");
    f.finish();
}

TEMPLATE_TEST_CASE("framing over the network: line endings, the line limit, bad text",
                   "[server][framing]", SERVER_ALL_FIXTURES) {
    TestType f;
    auto c = f.connect();
    c->send("PING lf-only\n");
    c->expect_line("+OK PONG lf-only");
    c->send("\r\n\n   \r\nping lower-case\r\n");  // empty lines are ignored
    c->expect_line("+OK PONG lower-case");
    c->send("FROB\r\n");
    c->expect_error("BAD_COMMAND");

    // 1022 bytes + CRLF is the longest line; one more byte is TOO_LONG, and
    // the connection stays usable.
    const std::string longest = "PING " + std::string(1017, 'x');
    c->send(longest + "\r\n");
    c->expect_line("+OK PONG " + std::string(1017, 'x'));
    c->send(longest + "y\r\nPING usable\r\n");
    c->expect_error("TOO_LONG");
    c->expect_line("+OK PONG usable");
    c->send(std::string(5000, 'z') + "\r\nPING still usable\r\n");
    c->expect_error("TOO_LONG");
    c->expect_line("+OK PONG still usable");

    c->send(
        "PING a\x01"
        "b\r\n");
    c->expect_error("BAD_TEXT");
    c->send("PING \xC3\x28\r\n");
    c->expect_error("BAD_TEXT");
    c->send("PING \xE2\x82\r\n");  // a truncated UTF-8 sequence
    c->expect_error("BAD_TEXT");
    c->send("PING \xC3\xA9t\xC3\xA9\r\n");
    c->expect_line("+OK PONG \xC3\xA9t\xC3\xA9");
    f.finish();
}

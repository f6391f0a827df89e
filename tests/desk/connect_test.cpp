// Scenarios of registration: CONNECT and its errors in the order the
// protocol fixes, names, agent keys, failed attempts, the commands allowed
// before registering, unknown commands, and the connection limit.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace desk_test;

TEST_CASE("CONNECT CUSTOMER and CONNECT AGENT welcome the user by name", "[desk][connect]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& bob = w.customer("bob");
    CHECK(bob.take() == Lines{"+OK welcome bob", "QUEUED 1"});
    Client& ann = w.agent("Ann-1.x_Y");
    CHECK(ann.take() == Lines{"+OK welcome Ann-1.x_Y", "ASSIGNED bob"});
    CHECK(bob.take() == Lines{"ASSIGNED Ann-1.x_Y"});
    CHECK(w.desk().stats().agents == 1);
    CHECK(w.desk().stats().chatting == 1);
}

TEST_CASE("CONNECT with missing, unknown or extra arguments is BAD_ARGS",
          "[desk][connect][bad_args]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    const std::string key(agent_key);
    const std::string line = GENERATE_COPY(values<std::string>({
        "CONNECT",                              // missing role
        "CONNECT   ",                           // missing role, only spaces
        "CONNECT VISITOR bob",                  // unknown role
        "CONNECT CUSTOMERS bob",                // unknown role
        "CONNECT CUSTOMER",                     // missing name
        "CONNECT CUSTOMER   ",                  // missing name
        "CONNECT AGENT",                        // missing name
        "CONNECT AGENT ann",                    // missing agent key
        "CONNECT AGENT ann   ",                 // missing agent key
        "CONNECT CUSTOMER bob extra",           // a name is one word
        "CONNECT AGENT ann " + key + " extra",  // the key is one word
    }));
    CAPTURE(line);
    World w(split);
    Client& c = w.open();
    c.send_line(line);
    CHECK(c.take_codes() == Lines{"-ERR BAD_ARGS"});
    // Still unregistered.
    c.send_line("MSG hi");
    CHECK(c.take_codes() == Lines{"-ERR NOT_CONNECTED"});
    CHECK(w.desk().stats().waiting + w.desk().stats().agents == 0);
}

TEST_CASE("a name is 1-32 of [A-Za-z0-9_.-], starting with a letter or a digit",
          "[desk][connect][bad_name]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);

    SECTION("valid names") {
        const std::string name =
            GENERATE(as<std::string>{}, "a", "Z", "7", "7up", "a_b", "a.b", "a-b", "a__", "a..",
                     "a--", "x" + repeated(31, '_'), repeated(32, 'q'));
        CAPTURE(name);
        Client& c = w.customer(name);
        CHECK(c.take() == Lines{"+OK welcome " + name, "QUEUED 1"});
    }
    SECTION("invalid names, as customer and as agent (with the right key)") {
        const std::string name = GENERATE(
            as<std::string>{}, repeated(33, 'q'), "a" + repeated(32, '1'), "_bob", ".bob", "-bob",
            "bob!", "bo/b", "b:b", "b@b", "bob,", "b+b", "b*", "\xc3\xa9mile", "b\xc3\xa9");
        CAPTURE(name);
        Client& c = w.open();
        c.send_line("CONNECT CUSTOMER " + name);
        c.send_line("CONNECT AGENT " + name + " " + std::string(agent_key));
        CHECK(c.take_codes() == Lines{"-ERR BAD_NAME", "-ERR BAD_NAME"});
        c.send_line("CONNECT CUSTOMER fine");
        CHECK(c.take() == Lines{"+OK welcome fine", "QUEUED 1"});
    }
}

TEST_CASE("names are unique among connected users, ignoring case", "[desk][connect][name_taken]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& bob = w.customer("bob");
    Client& ann = w.agent("Ann");
    forget_lines(bob, ann);

    Client& c = w.open();
    c.send_line("CONNECT CUSTOMER bob");
    c.send_line("CONNECT CUSTOMER BOB");
    c.send_line("CONNECT AGENT bOb " + std::string(agent_key));
    c.send_line("CONNECT CUSTOMER ann");
    c.send_line("CONNECT AGENT ANN " + std::string(agent_key));
    CHECK(c.take_codes() == Lines{"-ERR NAME_TAKEN", "-ERR NAME_TAKEN", "-ERR NAME_TAKEN",
                                  "-ERR NAME_TAKEN", "-ERR NAME_TAKEN"});

    // Once bob has gone, the name is free again, in any spelling.
    bob.send_line("QUIT");
    CHECK(ann.take() == Lines{"LEFT bob"});
    c.send_line("CONNECT CUSTOMER BoB");
    CHECK(c.take() == Lines{"+OK welcome BoB", "ASSIGNED Ann"});
    CHECK(ann.take() == Lines{"ASSIGNED BoB"});
}

TEST_CASE("CONNECT on a registered connection is ALREADY_CONNECTED, whatever its arguments",
          "[desk][connect][already_connected]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    forget_lines(ann, bob);
    const std::string key(agent_key);
    for (Client* c : {&ann, &bob}) {
        c->send_line("CONNECT CUSTOMER other");
        c->send_line("CONNECT AGENT other " + key);
        c->send_line("CONNECT AGENT other wrong-key");  // not AUTH_FAILED: the first check wins
        c->send_line("CONNECT");                        // not BAD_ARGS
        c->send_line("CONNECT CUSTOMER _bad_");         // not BAD_NAME
        c->send_line("CONNECT CUSTOMER bob");           // not NAME_TAKEN
        CHECK(c->take_codes() == Lines(6, "-ERR ALREADY_CONNECTED"));
    }
    ann.send_line("LIST");
    CHECK(sorted_body(ann.take()) ==
          Lines{"+OK 2 users", "ann AGENT 1/3", "bob CUSTOMER CHATTING ann", "."});
    // The wrong key above did not count as a failed attempt.
    CHECK_FALSE(ann.closed());
}

TEST_CASE("CONNECT checks run in order: BAD_ARGS, BAD_NAME, AUTH_FAILED, NAME_TAKEN",
          "[desk][connect][order]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& taken = w.agent("ann");
    forget_lines(taken);
    const std::string key(agent_key);
    Client& c = w.open();

    c.send_line("CONNECT AGENT _bad");  // missing key beats a bad name
    CHECK(c.take_codes() == Lines{"-ERR BAD_ARGS"});
    c.send_line("CONNECT AGENT _bad wrong");  // a bad name beats a wrong key
    CHECK(c.take_codes() == Lines{"-ERR BAD_NAME"});
    c.send_line("CONNECT AGENT ann wrong");  // a wrong key beats a taken name
    CHECK(c.take_codes() == Lines{"-ERR AUTH_FAILED"});
    c.send_line("CONNECT AGENT ANN " + key);  // the right key: now the name counts
    CHECK(c.take_codes() == Lines{"-ERR NAME_TAKEN"});
    c.send_line("CONNECT AGENT ann nope");  // still AUTH_FAILED, never NAME_TAKEN
    CHECK(c.take_codes() == Lines{"-ERR AUTH_FAILED"});
    c.send_line("CONNECT AGENT cat " + key);
    CHECK(c.take() == Lines{"+OK welcome cat"});
}

TEST_CASE("a wrong agent key is AUTH_FAILED", "[desk][connect][auth]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    const std::string key(agent_key);
    const std::string guess = GENERATE_COPY(values<std::string>({
        key.substr(0, key.size() - 1),  // a prefix
        key + "x",                      // one byte more
        "k3y-of-the-desk",              // another case
        "K3y-of-the-Desl",              // last byte differs
        "x",
    }));
    CAPTURE(guess);
    World w(split);
    Client& c = w.open();
    c.send_line("CONNECT AGENT ann " + guess);
    CHECK(c.take_codes() == Lines{"-ERR AUTH_FAILED"});
    c.send_line("LIST");
    CHECK(c.take_codes() == Lines{"-ERR NOT_CONNECTED"});
    for (const std::string& line : c.lines()) {
        CHECK(line.find(guess) == std::string::npos);
    }
}

TEST_CASE("with an empty agent key no agent can log in", "[desk][connect][auth]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    DeskOptions options = test_options();
    options.agent_key.clear();
    World w(split, options);
    Client& c = w.open();
    c.send_line("CONNECT AGENT ann anything");
    c.send_line("CONNECT AGENT ann " + std::string(agent_key));
    CHECK(c.take_codes() == Lines{"-ERR AUTH_FAILED", "-ERR AUTH_FAILED"});
}

TEST_CASE("the third AUTH_FAILED on a connection ends it with QUIT", "[desk][connect][auth]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    const std::string key(agent_key);

    SECTION("three failures: QUIT too many failed attempts, then close") {
        Client& c = w.open();
        c.send_line("CONNECT AGENT ann wrong1");
        c.send_line("CONNECT AGENT ann wrong2");
        CHECK(c.take_codes() == Lines{"-ERR AUTH_FAILED", "-ERR AUTH_FAILED"});
        CHECK_FALSE(c.closed());
        c.send_line("CONNECT AGENT ann wrong3");
        CHECK(c.take_codes() == Lines{"-ERR AUTH_FAILED", "QUIT too many failed attempts"});
        CHECK(c.closed_by_server());
        CHECK_FALSE(c.dropped());
        CHECK(w.desk().stats().connections == 0);
    }
    SECTION("lines pipelined after the third failure are ignored") {
        Client& c = w.open();
        c.send("CONNECT AGENT a w\r\nCONNECT AGENT a w\r\nCONNECT AGENT a w\r\nCONNECT AGENT ann " +
               key + "\r\nPING\r\n");
        CHECK(c.take_codes() == Lines{"-ERR AUTH_FAILED", "-ERR AUTH_FAILED", "-ERR AUTH_FAILED",
                                      "QUIT too many failed attempts"});
        CHECK(c.closed_by_server());
    }
    SECTION("two failures, then the right key, logs in") {
        Client& c = w.open();
        c.send_line("CONNECT AGENT ann wrong1");
        c.send_line("CONNECT AGENT ann wrong2");
        c.send_line("CONNECT AGENT ann " + key);
        CHECK(c.take_codes() == Lines{"-ERR AUTH_FAILED", "-ERR AUTH_FAILED", "+OK welcome ann"});
        CHECK(w.desk().stats().agents == 1);
    }
    SECTION("other errors do not count as failed attempts") {
        Client& c = w.open();
        c.send_line("CONNECT AGENT ann wrong1");
        c.send_line("CONNECT AGENT _x_ wrong");  // BAD_NAME
        c.send_line("CONNECT AGENT ann");        // BAD_ARGS
        c.send_line("CONNECT AGENT ann wrong2");
        CHECK(c.take_codes() ==
              Lines{"-ERR AUTH_FAILED", "-ERR BAD_NAME", "-ERR BAD_ARGS", "-ERR AUTH_FAILED"});
        CHECK_FALSE(c.closed());
    }
    SECTION("failures on one connection do not count against another") {
        Client& first = w.open("first");
        first.send_line("CONNECT AGENT ann wrong1");
        first.send_line("CONNECT AGENT ann wrong2");
        Client& second = w.open("second");
        second.send_line("CONNECT AGENT ann wrong3");
        CHECK(second.take_codes() == Lines{"-ERR AUTH_FAILED"});
        CHECK_FALSE(first.closed());
        CHECK_FALSE(second.closed());
    }
}

TEST_CASE("the number of failed attempts allowed is a desk option", "[desk][connect][auth]") {
    DeskOptions options = test_options();
    options.max_auth_failures = 1;
    World w(Split::whole, options);
    Client& c = w.open();
    c.send_line("CONNECT AGENT ann wrong");
    CHECK(c.take_codes() == Lines{"-ERR AUTH_FAILED", "QUIT too many failed attempts"});
    CHECK(c.closed_by_server());
}

TEST_CASE("before CONNECT only QUIT, PING and HELP are allowed", "[desk][connect][not_connected]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& c = w.open();
    for (const char* line : {"MSG hi", "MSG bob hi", "MSG", "LIST", "list extra", "HIST bob",
                             "HIST", "END bob", "END"}) {
        CAPTURE(line);
        c.send_line(line);
        CHECK(c.take_codes() == Lines{"-ERR NOT_CONNECTED"});
    }
    c.send_line("PING");
    CHECK(c.take() == Lines{"+OK PONG"});
    c.send_line("HELP");
    CHECK(c.take().size() == 10);
    c.send_line("QUIT");
    CHECK(c.take() == Lines{"+OK bye"});
    CHECK(c.closed_by_server());
}

TEST_CASE("an unknown command is BAD_COMMAND in every state", "[desk][connect][bad_command]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    Client& unregistered = w.open("unregistered");
    Client& bob = w.customer("bob");  // waiting
    Client& ann = w.agent("ann");
    Client& cid = w.customer("cid");  // chatting
    forget_lines(unregistered, bob, ann, cid);
    for (Client* c : {&unregistered, &bob, &ann, &cid}) {
        CAPTURE(c->label());
        for (const char* line : {"HELLO", "MSGX hi", "CONNECTCUSTOMER bob", "PINGX", "LISTEN",
                                 "E N D", "\tPING", "+OK", "-ERR", ".", "QUIT!"}) {
            CAPTURE(line);
            c->send_line(line);
            CHECK(c->take_codes() == Lines{"-ERR BAD_COMMAND"});
        }
    }
}

TEST_CASE("past max_clients a connection gets SERVER_FULL and is closed",
          "[desk][connect][server_full]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    DeskOptions options = test_options();
    options.max_clients = 2;
    World w(split, options);
    Client& bob = w.customer("bob");
    Client& unregistered = w.open("unregistered");  // counts too
    forget_lines(bob);
    CHECK(unregistered.lines().empty());

    Client& refused = w.open("refused");
    CHECK(refused.take_codes() == Lines{"-ERR SERVER_FULL"});
    CHECK(refused.closed_by_server());
    CHECK_FALSE(refused.dropped());
    CHECK(w.desk().stats().connections == 2);

    Client& refused_too = w.open("refused too");  // a refused one freed nothing
    CHECK(refused_too.take_codes() == Lines{"-ERR SERVER_FULL"});
    CHECK(refused_too.closed_by_server());

    unregistered.disconnect();
    Client& admitted = w.customer("cid");
    CHECK(admitted.take() == Lines{"+OK welcome cid", "QUEUED 2"});
    CHECK(w.desk().stats().connections == 2);
    CHECK(bob.take().empty());
}

TEST_CASE("a refused connection ignores what it is sent", "[desk][connect][server_full]") {
    DeskOptions options = test_options();
    options.max_clients = 1;
    World w(Split::whole, options);
    Client& first = w.open("first");
    // Take the refused connection straight from the desk, so that it is not
    // closed before it sends.
    const ConnectionId refused = w.desk().open(w.now());
    CHECK(w.desk().close_mode(refused) == CloseMode::after_output);
    const std::string before(w.desk().pending_output(refused));
    w.desk().receive(refused, "CONNECT CUSTOMER bob\r\nPING\r\n", w.now());
    w.desk().check_invariants();
    CHECK(w.desk().pending_output(refused) == before);
    CHECK(starts_with(before, "-ERR SERVER_FULL"));
    CHECK(w.desk().stats().waiting == 0);
    CHECK(w.desk().stats().connections == 1);
    w.desk().close(refused, w.now());
    w.desk().check_invariants();
    CHECK(w.desk().stats().connections == 1);
    first.send_line("PING");
    CHECK(first.take() == Lines{"+OK PONG"});
}

TEST_CASE("the agent key is never echoed", "[desk][connect][auth]") {
    const Split split = GENERATE(DESK_ALL_SPLITS);
    CAPTURE(split);
    World w(split);
    const std::string key(agent_key);
    Client& ann = w.agent("ann");
    Client& bob = w.customer("bob");
    Client& c = w.open();
    c.send_line("CONNECT AGENT cat " + key + "x");
    c.send_line("CONNECT AGENT ann " + key);  // NAME_TAKEN
    c.send_line("CONNECT AGENT _x " + key);   // BAD_NAME
    c.send_line("QUIT");
    ann.send_line("CONNECT AGENT ann " + key);
    ann.send_line("LIST");
    ann.send_line("HIST ann");
    ann.send_line("HELP");
    ann.send_line("MSG bob hi");
    ann.send_line("BOGUS " + key);
    bob.send_line("HELP");
    std::size_t lines = 0;
    for (Client* client : {&ann, &bob, &c}) {
        for (const std::string& line : client->lines()) {
            ++lines;
            CHECK(line.find(key) == std::string::npos);
            CHECK(line.find("K3y") == std::string::npos);
        }
    }
    CHECK(lines > 30);
}

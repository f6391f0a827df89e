// The server's robustness rules, end to end and the same for every fixture:
// max clients, a client that stops reading, abrupt disconnects mid-line,
// half-closes, the registration and idle timeouts, and shutdown.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

using namespace server_test;

namespace {

std::size_t count_containing(const std::vector<std::string>& lines, std::string_view part) {
    return static_cast<std::size_t>(std::count_if(
        lines.begin(), lines.end(),
        [&](const std::string& line) { return line.find(part) != std::string::npos; }));
}

}  // namespace

TEMPLATE_TEST_CASE(
    "max clients: the next connection gets SERVER_FULL - everyone connected keeps working",
    "[server][robustness][full]", SERVER_ALL_FIXTURES) {
    Setup setup;
    setup.desk.max_clients = 3;
    TestType f(setup);
    auto ann = agent(f, "ann");
    auto bob = customer(f, "bob");
    bob->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED bob");
    auto unregistered = f.connect();  // counts too
    unregistered->sync("u");

    auto refused = f.connect();
    refused->expect_error("SERVER_FULL");
    refused->expect_eof();

    bob->send("MSG still here\r\n");
    bob->expect_line("+OK message received");
    ann->expect_line("MSG bob still here");
    ann->send("MSG bob good\r\n");
    ann->expect_line("+OK message received");
    bob->expect_line("MSG ann good");
    unregistered->sync("u2");

    // A refused connection took no place: when one leaves, the next one is served.
    unregistered->send("QUIT\r\n");
    unregistered->expect_line("+OK bye");
    unregistered->expect_eof();
    auto next = customer(f, "next");
    next->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED next");
    auto refused_again = f.connect();
    refused_again->expect_error("SERVER_FULL");
    refused_again->expect_eof();
    ann->sync();
    f.finish();
}

TEMPLATE_TEST_CASE(
    "a client that stops reading is dropped at the output cap - the others lose nothing",
    "[server][robustness][slow]", SERVER_ALL_FIXTURES) {
    Setup setup;
    setup.desk.output_cap_bytes = 64 * 1024;
    setup.pipe_capacity = 4096;  // memory: the slow client's pipe fills as a TCP window does
    TestType f(setup);
    auto ann = agent(f, "ann");
    auto slow = customer(f, "slow", ClientOptions{4096});
    slow->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED slow");
    auto good = customer(f, "good");
    good->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED good");
    auto dan = agent(f, "dan");
    auto pal = customer(f, "pal");
    pal->expect_line("ASSIGNED dan");
    dan->expect_line("ASSIGNED pal");

    // ann floods slow, which never reads, and sends good a line per round;
    // meanwhile dan and pal chat. ann reads its replies every round.
    const std::string payload(880, 'x');
    std::size_t sent_to_slow = 0;
    std::size_t accepted_for_slow = 0;
    std::size_t sent_to_good = 0;
    bool left = false;
    for (std::size_t round = 0; !left; ++round) {
        INFO("round " << round << ", " << sent_to_slow << " lines sent to slow");
        REQUIRE(sent_to_slow * payload.size() < std::size_t{32} << 20);
        std::string batch;
        std::vector<char> kinds;
        for (int i = 0; i < 16; ++i) {
            batch += "MSG slow " + std::to_string(sent_to_slow++) + " " + payload + "\r\n";
            kinds.push_back('s');
        }
        batch += "MSG good g" + std::to_string(sent_to_good++) + "\r\n";
        kinds.push_back('g');
        ann->send(batch);

        const std::string r = std::to_string(round);
        pal->send("MSG p" + r + "\r\n");
        pal->expect_line("+OK message received");
        dan->expect_line("MSG pal p" + r);
        dan->send("MSG pal r" + r + "\r\n");
        dan->expect_line("+OK message received");
        pal->expect_line("MSG dan r" + r);

        for (const char kind : kinds) {
            std::string line = ann->next_line();
            if (line == "LEFT slow") {
                REQUIRE(!left);
                left = true;
                line = ann->next_line();
            }
            if (kind == 'g') {
                REQUIRE(line == "+OK message received");
            } else if (!left) {
                REQUIRE(line == "+OK message received");
                ++accepted_for_slow;
            } else {
                REQUIRE(line.rfind("-ERR NO_SUCH_USER", 0) == 0);
            }
        }
    }
    // The LEFT may also come right after the last reply of a round.
    ann->sync("after-flood");

    // slow got a prefix of what was accepted for it, in order, then the end
    // of the stream: what the desk held for it was dropped, not sent. The
    // last line may be cut where the socket stopped taking bytes.
    slow->allow_truncation();
    std::size_t delivered = 0;
    for (;;) {
        const Read read = slow->read_line();
        REQUIRE(read.kind != Read::Kind::timeout);
        if (read.kind == Read::Kind::eof) {
            break;
        }
        REQUIRE(read.text == "MSG ann " + std::to_string(delivered) + " " + payload);
        ++delivered;
    }
    CHECK(delivered < accepted_for_slow);
    const std::string next = "MSG ann " + std::to_string(delivered) + " " + payload + "\r\n";
    INFO("tail: " << slow->tail());
    CHECK(slow->tail().size() < next.size());
    CHECK(next.compare(0, slow->tail().size(), slow->tail()) == 0);

    // good lost nothing and is still served; so are the others.
    for (std::size_t i = 0; i < sent_to_good; ++i) {
        good->expect_line("MSG ann g" + std::to_string(i));
    }
    ann->send("MSG good after the drop\r\n");
    ann->expect_line("+OK message received");
    good->expect_line("MSG ann after the drop");
    ann->send("LIST\r\n");
    ann->expect_line("+OK 4 users");
    CHECK(sorted(ann->read_body()) ==
          sorted({"ann AGENT 1/3", "dan AGENT 1/3", "good CUSTOMER CHATTING ann",
                  "pal CUSTOMER CHATTING dan"}));
    for (auto* client : {ann.get(), good.get(), dan.get(), pal.get()}) {
        client->sync();
    }
    f.finish();
    CHECK(count_containing(f.log(), "output cap") == 1);
}

TEMPLATE_TEST_CASE(
    "500 abrupt disconnects mid-line: the server keeps serving and forgets each once",
    "[server][robustness][disconnects]", SERVER_ALL_FIXTURES) {
    Setup setup;
    setup.desk.max_clients = 16;
    TestType f(setup);
    auto watch = agent(f, "watch");  // every registered customer is assigned to it

    for (int i = 0; i < 500; ++i) {
        INFO("disconnect #" << i << " (kind " << i % 6 << ")");
        const std::string name = "vanish" + std::to_string(i % 10);  // names come back
        f.wait_until_open_at_most(4);  // watch and at most 3 closes on their way: far from 16
        auto c = f.connect();
        switch (i % 6) {
            case 0:  // half a CONNECT, then a reset
                c->send("CONNECT CUS");
                c->close();
                break;
            case 1:  // a CONNECT cut in the middle of a UTF-8 sequence, then a FIN
                c->send("CONNECT CUSTOMER caf\xC3");
                c->hang_up();
                break;
            case 2:  // registered: one complete line, half a line, a FIN
                c->send("CONNECT CUSTOMER " + name + "\r\n");
                c->expect_lines({"+OK welcome " + name, "ASSIGNED watch"});
                watch->expect_line("ASSIGNED " + name);
                c->send("MSG complete " + std::to_string(i) + "\r\nMSG half a li");
                c->hang_up();
                watch->expect_lines(
                    {"MSG " + name + " complete " + std::to_string(i), "LEFT " + name});
                break;
            case 3:  // registered: cut in the middle of a UTF-8 sequence, then a reset
                c->send("CONNECT CUSTOMER " + name + "\r\n");
                c->expect_lines({"+OK welcome " + name, "ASSIGNED watch"});
                watch->expect_line("ASSIGNED " + name);
                c->send("MSG caf\xC3");
                c->close();
                watch->expect_line("LEFT " + name);
                break;
            case 4:  // nothing at all
                c->close();
                break;
            default:  // a complete line and half of the next one
                c->send("PING p\r\nPIN");
                c->expect_line("+OK PONG p");
                c->close();
                break;
        }
    }

    // Every name is free again.
    f.wait_until_open_at_most(1);
    for (int k = 0; k < 10; ++k) {
        const std::string name = "vanish" + std::to_string(k);
        auto c = customer(f, name);
        c->expect_line("ASSIGNED watch");
        watch->expect_line("ASSIGNED " + name);
        c->send("QUIT\r\n");
        c->expect_line("+OK bye");
        c->expect_eof();
        watch->expect_line("LEFT " + name);
    }

    // Every connection was forgotten exactly once: exactly max_clients are
    // served (watch and 15 more), and the next is refused. A close still on
    // its way may refuse one for a moment, so each is retried for a while.
    std::vector<std::unique_ptr<Client>> held;
    for (int k = 0; k < 15; ++k) {
        const Clock::time_point deadline = Clock::now() + std::chrono::seconds(5);
        for (;;) {
            INFO("filling place " << k);
            auto c = f.connect();
            c->send("PING h\r\n");
            const Read read = c->read_line();
            REQUIRE(read.kind != Read::Kind::timeout);
            if (read.kind == Read::Kind::line && read.text == "+OK PONG h") {
                held.push_back(std::move(c));
                break;
            }
            // Refused: -ERR SERVER_FULL (or, on TCP, a reset because our PING was unread).
            if (read.kind == Read::Kind::line) {
                REQUIRE(read.text.rfind("-ERR SERVER_FULL", 0) == 0);
            }
            REQUIRE(Clock::now() < deadline);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    auto refused = f.connect();
    refused->expect_error("SERVER_FULL");
    refused->expect_eof();
    watch->sync();
    held.clear();
    refused.reset();
    watch.reset();
    f.finish();
    const std::vector<std::string> log = f.log();
    CHECK(count_containing(log, "accepted #") == count_containing(log, "closed #"));
    CHECK(count_containing(log, "accepted #") >= 500 + 10 + 15 + 2);
}

TEMPLATE_TEST_CASE("half-close: a client that shuts down its sending side still gets every reply",
                   "[server][robustness][half-close]", SERVER_ALL_FIXTURES) {
    TestType f;
    auto ann = agent(f, "ann");
    auto half = f.connect();
    half->send(
        "CONNECT CUSTOMER half\r\nPING one\r\nMSG sent before closing\r\nLIST\r\nPING two\r\n"
        "MSG a partial line is dropped");
    half->shutdown_write();
    half->expect_lines(
        {"+OK welcome half", "ASSIGNED ann", "+OK PONG one", "+OK message received"});
    half->expect_error("FORBIDDEN");
    half->expect_line("+OK PONG two");
    half->expect_eof();
    ann->expect_lines({"ASSIGNED half", "MSG half sent before closing", "LEFT half"});

    auto stranger = f.connect();
    stranger->send("PING bye\r\n");
    stranger->shutdown_write();
    stranger->expect_line("+OK PONG bye");
    stranger->expect_eof();

    auto again = customer(f, "half");
    again->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED half");
    ann->sync();
    f.finish();
}

// The timeout tests move the server's clock with let_time_pass(): by hand
// in memory (no sleep, exact), for real over TCP (a sleep; the server checks
// its timeouts every 250 ms, so the margins below are wide).
TEMPLATE_TEST_CASE(
    "registration timeout: QUIT registration timeout, and a PING does not restart it",
    "[server][robustness][timeout]", SERVER_ALL_FIXTURES) {
    Setup setup;
    setup.desk.register_timeout_ms = 1000;
    TestType f(setup);
    auto bob = customer(f, "bob");  // registered in time: never timed out
    bob->expect_line("QUEUED 1");
    auto lazy = f.connect();
    lazy->sync("t0");

    f.let_time_pass(Millis(600));
    lazy->sync("t1");  // 600 ms old: not timed out, and this PING must not restart the timer
    f.let_time_pass(Millis(600));
    lazy->expect_line("QUIT registration timeout");  // 1200 ms old
    lazy->expect_eof();
    bob->sync();  // connected longer than the timeout, and still served
    f.finish();
    CHECK(count_containing(f.log(), "registration timeout") == 1);
}

TEMPLATE_TEST_CASE("idle timeout: a silent user gets QUIT idle timeout, and its agent LEFT",
                   "[server][robustness][timeout]", SERVER_ALL_FIXTURES) {
    Setup setup;
    setup.desk.idle_timeout_ms = 1000;
    TestType f(setup);
    auto ann = agent(f, "ann");
    auto bob = customer(f, "bob");
    bob->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED bob");

    f.let_time_pass(Millis(600));
    ann->sync("k1");  // ann's line resets its timer; bob says nothing
    CHECK(bob->read_line(Millis(50)).kind == Read::Kind::timeout);
    f.let_time_pass(Millis(600));
    bob->expect_line("QUIT idle timeout");  // silent for 1200 ms
    bob->expect_eof();
    ann->expect_line("LEFT bob");  // ann was silent for 600 ms only
    ann->sync("k2");

    auto bob_again = customer(f, "bob");  // the name is free
    bob_again->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED bob");
    f.finish();
}

TEMPLATE_TEST_CASE(
    "shutdown: stop() sends every connection QUIT server shutting down, and run() returns",
    "[server][robustness][shutdown]", SERVER_ALL_FIXTURES) {
    Setup setup;
    setup.desk.agent_capacity = 1;
    TestType f(setup);
    auto ann = agent(f, "ann");
    auto bob = customer(f, "bob");
    bob->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED bob");
    auto carl = customer(f, "carl");
    carl->expect_line("QUEUED 1");
    auto unregistered = f.connect();
    unregistered->sync();
    auto halfway = customer(f, "dora");
    halfway->expect_line("QUEUED 2");
    halfway->send("PING before-stop\r\nMSG half a li");
    halfway->expect_line("+OK PONG before-stop");
    auto silent = f.connect();  // has sent nothing at all
    const Clock::time_point deadline = Clock::now() + std::chrono::seconds(5);
    while (count_containing(f.log(), "accepted #") < 6) {
        REQUIRE(Clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }

    const Clock::time_point stopping = Clock::now();
    f.finish();
    CHECK(Clock::now() - stopping < std::chrono::seconds(10));
    for (auto* client :
         {ann.get(), bob.get(), carl.get(), unregistered.get(), halfway.get(), silent.get()}) {
        INFO(client->label());
        client->expect_line("QUIT server shutting down");
        client->expect_eof();
    }
}

// One long support-desk session, replayed under every split of the byte
// streams: the transcripts must be identical, byte for byte.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>

using namespace desk_test;

namespace {

// A morning at the desk: every command, most errors, re-queueing, END,
// HIST, timeouts and a shutdown. Returns the world's transcript.
std::string morning(Split split) {
    DeskOptions options = test_options();
    options.agent_capacity = 2;
    options.history_limit = 4;
    options.idle_timeout_ms = 600'000;
    World w(split, options);
    const std::string key(agent_key);

    Client& bob = w.customer("bob");
    bob.send("MSG hello?\r\nMSG   anyone\there?\r\nLIST\r\nPING 1\r\n");
    w.customer("Cid");
    Client& ann = w.open("ann");
    ann.send("CONNECT AGENT ann nope\r\nCONNECT AGENT ann " + key + "\r\nLIST\r\n");
    Client& dan = w.customer("dan");  // waits
    w.advance(1'000);
    ann.send("MSG BOB hi bob\r\nMSG cid hi cid\r\nMSG dan no\r\nMSG zed no\r\nHIST bob 2\r\n");
    Client& cat = w.agent("cat");  // takes dan
    cat.send("MSG dan hello dan\r\nLIST\r\n\r\nHELP\r\n");
    dan.send("MSG " + repeated(1030) + "\r\nMSG ok\r\nMSG bad\x01text\r\nMSG caf\xc3\xa9\r\n");
    w.advance(5'000);
    ann.disconnect();  // bob and Cid queue again
    Client& eve = w.customer("eve");
    cat.send("END dan\r\nHIST DAN\r\n");  // cat had taken bob; now Cid
    bob.send("MSG back in line\r\n");
    Client& ann2 = w.open("ann again");
    ann2.send_line("CONNECT AGENT ANN " + key);
    w.advance(300'000);
    eve.send_line("PING");
    w.advance(300'000);  // all but eve were silent for 10 minutes
    eve.send_line("QUIT");
    w.shut_down();
    return w.transcript();
}

}  // namespace

TEST_CASE("every split of the byte streams gives the same transcript", "[desk][splits]") {
    const std::string whole = morning(Split::whole);
    CHECK(whole.size() > 1000);
    CHECK(morning(Split::bytewise) == whole);
    CHECK(morning(Split::chunked) == whole);
}

TEST_CASE("a client's commands in one receive or line by line give the same replies",
          "[desk][splits][pipelining]") {
    const std::string script =
        "PING\r\nCONNECT CUSTOMER bob\r\nMSG one\r\n\r\nMSG two\nLIST\r\nHIST "
        "bob\r\nbogus\r\nHELP\r\nPING x\r\n";
    const auto run = [&](bool at_once) {
        World w;
        Client& ann = w.agent("ann");
        Client& bob = w.open("bob");
        if (at_once) {
            bob.send(script);
        } else {
            std::size_t start = 0;
            while (start < script.size()) {
                const std::size_t end = script.find('\n', start) + 1;
                bob.send(script.substr(start, end - start));
                start = end;
            }
        }
        return std::make_pair(bob.lines(), ann.lines());
    };
    const auto [bob_at_once, ann_at_once] = run(true);
    const auto [bob_by_line, ann_by_line] = run(false);
    CHECK(bob_at_once == bob_by_line);
    CHECK(ann_at_once == ann_by_line);
    CHECK(bob_at_once.size() == 19);
}

// apps/client/agent_view.hpp: an agent's current customer, the length of
// the waiting line, when the client asks for it, and the prompt that shows
// them, driven by hand-made events and a hand-moved clock.
#include "../../apps/client/agent_view.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

using namespace client_app;
using namespace std::chrono_literals;
using telechat::client::Push;
using telechat::client::Reply;
using telechat::protocol::CommandKind;
using telechat::protocol::PushKind;

namespace {

Push push(PushKind kind, std::string name) {
    Push event;
    event.kind = kind;
    event.name = std::move(name);
    return event;
}

Reply ended(std::string customer) {
    Reply reply;
    reply.request = CommandKind::end;
    reply.target = std::move(customer);
    reply.ok = true;
    return reply;
}

Reply listing(std::vector<std::string> rows) {
    Reply reply;
    reply.request = CommandKind::list;
    reply.ok = true;
    reply.body = std::move(rows);
    return reply;
}

const AgentView::Clock::time_point start{};

}  // namespace

TEST_CASE("AgentView: the current customer, never a guess between several", "[client][agent]") {
    AgentView view(true);
    CHECK(view.current().empty());
    view.follow(push(PushKind::assigned, "ana"));
    CHECK(view.current() == "ana");  // the only one
    view.follow(push(PushKind::assigned, "bob"));
    CHECK(view.current() == "ana");  // a second one does not take the first away
    CHECK(view.others() == std::vector<std::string>{"bob"});
    view.follow(push(PushKind::assigned, "eve"));
    view.follow(push(PushKind::left, "ANA"));  // names compare without case
    CHECK(view.current().empty());             // bob or eve: the view does not guess
    CHECK(view.customers() == std::vector<std::string>{"bob", "eve"});
    view.follow(ended("bob"));
    CHECK(view.current() == "eve");  // the only one left
}

TEST_CASE("AgentView: a script's view changes only with /switch", "[client][agent]") {
    AgentView view(false);
    view.follow(push(PushKind::assigned, "ana"));
    view.follow(push(PushKind::assigned, "bob"));
    CHECK(view.current().empty());  // as scripts always had it: several, none chosen
    CHECK_FALSE(view.choose("BOB").has_value());
    CHECK(view.current() == "bob");  // as the server spells it
}

TEST_CASE("AgentView: /switch and Tab choose among the customers", "[client][agent]") {
    AgentView view(true);
    CHECK(view.choose("ana") == "you have no customer yet");
    for (const char* name : {"ana", "bob", "eve"}) {
        view.follow(push(PushKind::assigned, name));
    }
    CHECK(view.choose("zed") == "zed is not one of your customers (ana, bob, eve)");
    CHECK(view.current() == "ana");
    view.choose_next();
    CHECK(view.current() == "bob");
    view.choose_next();
    view.choose_next();
    CHECK(view.current() == "ana");  // round again
    CHECK_FALSE(view.choose("eve").has_value());
    CHECK(view.others() == std::vector<std::string>{"ana", "bob"});
}

TEST_CASE("AgentView: after /end, where the lines go and who comes next", "[client][agent]") {
    AgentView view(true);
    view.follow(push(PushKind::assigned, "ana"));
    view.follow(push(PushKind::assigned, "bob"));
    view.follow(ended("ana"));
    CHECK(view.what_comes_next() == "; your lines go to bob now");  // the line not known yet
    view.list_sent(start, false);
    (void)view.list_answered(listing({"sam AGENT 1/2", "eve CUSTOMER WAITING 1"}));
    CHECK(view.what_comes_next() == "; your lines go to bob now; the first in line comes to you");
    view.follow(push(PushKind::assigned, "eve"));
    view.follow(push(PushKind::assigned, "zoe"));
    view.follow(ended("bob"));
    CHECK(view.what_comes_next() ==
          "; choose whom to talk to with /switch: eve, zoe; the first in line comes to you");
}

TEST_CASE("AgentView: the line's length from any LIST, only the user's own are shown",
          "[client][agent]") {
    AgentView view(true);
    CHECK_FALSE(view.waiting().has_value());
    view.list_sent(start, false);
    view.list_sent(start, true);  // the user's /list, answered second
    CHECK_FALSE(view.list_answered(
        listing({"sam AGENT 0/3", "ana CUSTOMER WAITING 1", "bob CUSTOMER WAITING 2",
                 "eve CUSTOMER CHATTING x", "not a row"})));
    CHECK(view.waiting() == 2u);
    CHECK(view.list_answered(listing({"sam AGENT 0/3"})));
    CHECK(view.waiting() == 0u);
    Reply cut = listing({"ana CUSTOMER WAITING 1"});
    cut.body_truncated = true;  // a count of part of the line is no count
    view.list_sent(start, false);
    CHECK_FALSE(view.list_answered(cut));
    CHECK(view.waiting() == 0u);
}

TEST_CASE("AgentView: asks at once, soon after a change, now and then, never in a flood",
          "[client][agent]") {
    AgentView::Pacing pacing;
    pacing.least_gap = 2s;
    pacing.idle_refresh = 5s;
    pacing.per_user = 10ms;
    pacing.longest_idle = 60s;
    AgentView view(true, pacing);
    CHECK(view.list_due(start));  // nothing known yet
    view.list_sent(start, false);
    CHECK_FALSE(view.list_due(start + 1h));  // one in flight at a time
    (void)view.list_answered(listing({"sam AGENT 0/3"}));
    CHECK_FALSE(view.list_due(start + 4s));
    CHECK(view.next_list_time() == start + 5s + 10ms);  // one user listed
    CHECK(view.list_due(start + 5s + 10ms));

    view.follow(push(PushKind::assigned, "ana"));  // a change: soon, but not at once
    CHECK_FALSE(view.list_due(start + 1s));
    CHECK(view.list_due(start + 2s));
    view.list_sent(start + 2s, false);
    // Many changes in a row still make one LIST per least_gap.
    for (int i = 0; i < 100; ++i) {
        view.follow(push(PushKind::left, "ana"));
    }
    (void)view.list_answered(listing(std::vector<std::string>(10000, "x CUSTOMER WAITING 1")));
    CHECK(view.waiting() == 10000u);
    CHECK(view.next_list_time() == start + 4s);
    view.list_sent(start + 4s, false);
    (void)view.list_answered(listing(std::vector<std::string>(10000, "x CUSTOMER WAITING 1")));
    // A big server is asked less often: 5 s + 10,000 × 10 ms, capped at 60 s.
    CHECK(view.next_list_time() == start + 4s + 60s);
    // The user's own /list is never held back, and the view's next one is
    // timed from it (it told as much).
    view.list_sent(start + 5s, true);
    CHECK_FALSE(view.list_due(start + 1h));
    CHECK(view.list_answered(listing({"sam AGENT 0/3"})));
    CHECK(view.next_list_time() == start + 5s + 5s + 10ms);
}

TEST_CASE("agent_prompt: who, to whom, the others, the line, short when narrow",
          "[client][agent]") {
    CHECK(agent_prompt("sam", "", {}, std::nullopt, 50) == "sam> ");
    CHECK(agent_prompt("sam", "", {}, 0, 50) == "sam · nobody waiting> ");
    CHECK(agent_prompt("sam", "ana", {}, 3, 50) == "sam → ana · 3 waiting> ");
    CHECK(agent_prompt("sam", "ana", {"bob", "eve"}, 1, 50) == "sam → ana [bob eve] · 1 waiting> ");
    CHECK(agent_prompt("sam", "", {"bob", "eve"}, 1, 50) == "sam → ? [bob eve] · 1 waiting> ");
    CHECK(agent_prompt("sam", "ana", {"bob", "eve"}, 1, 20) == "sam → ana [+2] · 1 waiting> ");
}

// Tests of MSG: relay both ways, its acknowledgement and order, its errors,
// and the messages a waiting customer leaves for its future agent.
#pragma once

#include <cstdint>
#include <string>

#include "registry.hpp"
#include "spec_texts.hpp"

namespace conform {

/// Reads `count` replies `reply` and `count` pushes `<push_prefix><i>`
/// (i = 1..count), interleaved in any way, each kind in order.
inline void expect_replies_and_pushes(Connection& c, const std::string& reply, int count,
                                      const std::string& push_prefix) {
    int replies = 0;
    int pushes = 0;
    while (replies < count || pushes < count) {
        const std::string next_push = push_prefix + std::to_string(pushes + 1);
        const std::string line = c.line();
        if (replies < count && line == reply) {
            ++replies;
        } else if (pushes < count && line == next_push) {
            ++pushes;
        } else {
            fail("\"" + reply + "\\r\\n\" or \"" + next_push + "\\r\\n\"",
                 "\"" + telechat::protocol::escaped(line) + "\\r\\n\"");
        }
    }
}

inline void add_relay_tests(Registry& r) {
    r.add("msg.customer-to-agent", "msg",
          "a chatting customer's MSG: +OK message received, its agent gets MSG <customer> <text>",
          [](Context& x) {
              Pair p = x.pair();
              p.customer.send_line("MSG Hello, my router blinks red.");
              p.customer.expect("+OK message received");
              p.agent.expect("MSG " + p.customer.name + " Hello, my router blinks red.");
          });
    r.add("msg.agent-to-customer", "msg",
          "an agent's MSG: +OK message received, the customer gets MSG <agent> <text>",
          [](Context& x) {
              Pair p = x.pair();
              p.agent.send_line("MSG " + p.customer.name + " Which model is it?");
              p.agent.expect("+OK message received");
              p.customer.expect("MSG " + p.agent.name + " Which model is it?");
          });
    r.add("msg.order-kept", "replies",
          "pipelined messages arrive in the order sent, each acknowledged in order",
          [](Context& x) {
              Pair p = x.pair();
              std::string burst;
              std::string back;
              for (int i = 1; i <= 20; ++i) {
                  burst += "MSG m" + std::to_string(i) + "\n";
                  back += "MSG " + p.customer.name + " r" + std::to_string(i) + "\n";
              }
              p.customer.send(burst);
              p.agent.send(back);
              // On each side replies and pushes interleave freely; each kind keeps its order.
              expect_replies_and_pushes(p.customer, "+OK message received", 20,
                                        "MSG " + p.agent.name + " r");
              expect_replies_and_pushes(p.agent, "+OK message received", 20,
                                        "MSG " + p.customer.name + " m");
          });
    r.add("msg.not-connected", "msg", "MSG on an unregistered connection: NOT_CONNECTED",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send("MSG hi\nMSG\n");
              c.expect(spec::error_line(ErrorCode::not_connected, spec::not_connected));
              c.expect(spec::error_line(ErrorCode::not_connected, spec::not_connected));
          });
    r.add("msg.no-such-user", "msg",
          "an agent's MSG to a name nobody connected has (malformed names too): NO_SUCH_USER",
          [](Context& x) {
              Connection& a = x.agent("ag");
              a.send("MSG " + x.fresh_name("nobody") + " hi\nMSG @@" + x.token() +
                     " hi\nMSG _x hi\n");
              for (int i = 0; i < 3; ++i) {
                  a.expect(spec::error_line(ErrorCode::no_such_user, spec::nobody_connected));
              }
          });
    r.add("msg.not-assigned", "msg",
          "an agent's MSG to itself, another agent, a waiting customer, another's customer: "
          "NOT_ASSIGNED",
          [](Context& x) {
              x.require_quiet_desk();
              Connection& a = x.agent("ag");
              Connection& c = x.customer("cu");
              c.expect("ASSIGNED " + a.name);
              a.expect("ASSIGNED " + c.name);
              Connection& b = x.agent("bg");
              Connection& d = x.customer("du");  // goes to b: fewer active
              d.expect("ASSIGNED " + b.name);
              b.expect("ASSIGNED " + d.name);
              for (const std::string* to : {&a.name, &b.name, &d.name}) {
                  a.send_line("MSG " + *to + " hi");
                  a.expect(spec::error_line(ErrorCode::not_assigned, spec::not_your_customer));
              }
              b.send_line("MSG " + c.name + " hi");
              b.expect(spec::error_line(ErrorCode::not_assigned, spec::not_your_customer));
              c.barrier();
              d.barrier();
          });
    r.add("msg.not-assigned-waiting-customer", "msg",
          "an agent's MSG to a waiting customer: NOT_ASSIGNED", [](Context& x) {
              x.require_quiet_desk();
              Connection& a = x.agent("ag");
              for (std::uint64_t i = 0; i < x.options.capacity; ++i) {
                  Connection& c = x.customer("cu");
                  c.expect("ASSIGNED " + a.name);
                  a.expect("ASSIGNED " + c.name);
              }
              Connection& w = x.waiting("wa", 1);
              a.send_line("MSG " + w.name + " hi");
              a.expect(spec::error_line(ErrorCode::not_assigned, spec::not_your_customer));
              w.barrier();
          });
    r.add("msg.lookup-ignores-case", "syntax", "an agent's MSG finds its customer in any case",
          [](Context& x) {
              Pair p = x.pair();
              p.agent.send_line("MSG " + upper(p.customer.name) + " hi");
              p.agent.expect("+OK message received");
              p.customer.expect("MSG " + p.agent.name + " hi");
          });
    r.add("msg.waiting-messages-delivered", "msg",
          "a waiting customer's messages are acknowledged, then delivered after ASSIGNED",
          [](Context& x) {
              x.require_quiet_desk();
              Connection& c = x.waiting("cu", 1);
              c.send("MSG first\nMSG  second\nMSG third\n");
              for (int i = 0; i < 3; ++i) {
                  c.expect("+OK message received");
              }
              Connection& a = x.agent("ag");
              a.expect("ASSIGNED " + c.name);
              a.expect("MSG " + c.name + " first");
              a.expect("MSG " + c.name + "  second");
              a.expect("MSG " + c.name + " third");
              c.expect("ASSIGNED " + a.name);
              a.barrier();
          });
    r.add("msg.waiting-stored-once-with-star", "histories",
          "a message sent while waiting is stored once, in the customer's history, to *",
          [](Context& x) {
              x.require_quiet_desk();
              Connection& c = x.waiting("cu", 1);
              c.send_line("MSG kept for later");
              c.expect("+OK message received");
              Connection& a = x.agent("ag");
              a.expect("ASSIGNED " + c.name);
              a.expect("MSG " + c.name + " kept for later");
              const Body mine = x.hist(a, c.name);
              const std::string tail = " " + c.name + " * kept for later";
              if (mine.lines.size() != 1 || mine.lines[0].size() < tail.size() ||
                  mine.lines[0].substr(mine.lines[0].size() - tail.size()) != tail) {
                  fail("one record \"<unix-ms>" + tail + "\"",
                       std::to_string(mine.lines.size()) + " records" +
                           (mine.lines.empty() ? "" : ", the first \"" + mine.lines[0] + "\""));
              }
              const Body agents = x.hist(a, a.name);
              if (!agents.lines.empty()) {
                  fail("the agent's history empty (delivery stores nothing)",
                       "\"" + agents.lines[0] + "\"");
              }
          });
    r.add("msg.waiting-leaver-messages-dropped", "leaving",
          "a waiting customer who leaves takes its undelivered messages with it", [](Context& x) {
              x.require_quiet_desk();
              Connection& c = x.waiting("cu", 1);
              c.send("MSG never delivered\nQUIT\n");
              c.expect("+OK message received");
              c.expect("+OK bye");
              Connection& a = x.agent("ag");
              a.barrier();
              const Body history = x.hist(a, c.name);
              if (history.lines.size() != 1) {
                  fail("the message still in the history", history.header);
              }
          });
}

}  // namespace conform

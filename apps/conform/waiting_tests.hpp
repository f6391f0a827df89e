// Tests of the desk's rules: the waiting line and live positions, which agent
// gets a customer, and what happens when users leave. Each needs a desk to
// itself.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "registry.hpp"
#include "spec_texts.hpp"

namespace conform {

/// An agent filled to capacity: its customers, in assignment order.
inline std::vector<Connection*> fill_agent(Context& x, Connection& a, std::string_view stem) {
    std::vector<Connection*> customers;
    for (std::uint64_t i = 0; i < x.options.capacity; ++i) {
        Connection& c = x.customer(stem);
        c.expect("ASSIGNED " + a.name);
        a.expect("ASSIGNED " + c.name);
        customers.push_back(&c);
    }
    return customers;
}

inline void add_position_tests(Registry& r) {
    r.add("waiting.fifo-and-no-intermediate-positions", "positions",
          "an arriving agent takes the front of the line in order; the rest jump straight to "
          "their new positions",
          [](Context& x) {
              x.require_quiet_desk();
              const std::uint64_t k = x.options.capacity;
              std::vector<Connection*> line;
              for (std::uint64_t i = 1; i <= k + 2; ++i) {
                  line.push_back(&x.waiting("cu", i));
              }
              Connection& a = x.agent("ag");
              for (std::uint64_t i = 0; i < k; ++i) {
                  a.expect("ASSIGNED " + line[i]->name);
                  line[i]->expect("ASSIGNED " + a.name);
              }
              line[k]->expect("QUEUED 1");
              line[k + 1]->expect("QUEUED 2");
              a.barrier();
              for (Connection* c : line) {
                  c->barrier();
              }
          });
    r.add("waiting.queued-once-per-event", "positions",
          "when a customer ahead leaves, each one behind gets exactly one QUEUED", [](Context& x) {
              x.require_quiet_desk();
              Connection& c1 = x.waiting("cu", 1);
              Connection& c2 = x.waiting("cu", 2);
              Connection& c3 = x.waiting("cu", 3);
              c1.send_line("QUIT");
              c1.expect("+OK bye");
              c2.expect("QUEUED 1");
              c3.expect("QUEUED 2");
              c2.barrier();
              c3.barrier();
          });
    r.add("waiting.unchanged-position-no-queued", "positions",
          "customers ahead of one who leaves keep their positions and get no QUEUED",
          [](Context& x) {
              x.require_quiet_desk();
              Connection& c1 = x.waiting("cu", 1);
              Connection& c2 = x.waiting("cu", 2);
              Connection& c3 = x.waiting("cu", 3);
              c3.send_line("QUIT");
              c3.expect("+OK bye");
              c1.barrier();
              c2.barrier();
          });
    r.add("waiting.disconnect-updates-positions", "leaving",
          "a waiting customer that disconnects leaves the line; those behind move up",
          [](Context& x) {
              x.require_quiet_desk();
              Connection& c1 = x.waiting("cu", 1);
              Connection& c2 = x.waiting("cu", 2);
              Connection& c3 = x.waiting("cu", 3);
              c1.close();
              c2.expect("QUEUED 1");
              c3.expect("QUEUED 2");
              c2.barrier();
          });
}

inline void add_assignment_tests(Registry& r) {
    r.add("assign.at-once-gets-no-queued", "positions",
          "a customer assigned as it registers gets ASSIGNED and no QUEUED", [](Context& x) {
              Connection& a = x.agent("ag");
              Connection& c = x.customer("cu");
              c.expect("ASSIGNED " + a.name);
              c.barrier();
              a.expect("ASSIGNED " + c.name);
          });
    r.add("assign.fewest-active-then-oldest", "assignment",
          "a customer goes to the agent with fewest active; ties to the oldest last assignment",
          [](Context& x) {
              if (x.options.capacity < 2) {
                  skip("needs --capacity of at least 2");
              }
              Connection& a1 = x.agent("ag");
              Connection& a2 = x.agent("bg");
              Connection& c1 = x.customer("cu");  // tie at 0: a1 registered first
              c1.expect("ASSIGNED " + a1.name);
              a1.expect("ASSIGNED " + c1.name);
              Connection& c2 = x.customer("cu");  // a2 has fewer
              c2.expect("ASSIGNED " + a2.name);
              a2.expect("ASSIGNED " + c2.name);
              Connection& c3 = x.customer("cu");  // tie at 1: a1's assignment is older
              c3.expect("ASSIGNED " + a1.name);
              a1.expect("ASSIGNED " + c3.name);
              a2.barrier();
          });
    r.add("assign.end-does-not-reset-tie", "assignment",
          "an ended conversation does not make an agent's last assignment older", [](Context& x) {
              Connection& a1 = x.agent("ag");
              Connection& a2 = x.agent("bg");
              Connection& c1 = x.customer("cu");
              c1.expect("ASSIGNED " + a1.name);
              a1.expect("ASSIGNED " + c1.name);
              a1.send_line("END " + c1.name);
              a1.expect("+OK");
              c1.expect(spec::quit_ended_by(a1.name));
              Connection& c2 = x.customer("cu");  // tie at 0: a2's registration is older
              c2.expect("ASSIGNED " + a2.name);
              a2.expect("ASSIGNED " + c2.name);
              a1.barrier();
          });
    r.add("assign.agent-takes-line-with-messages", "assignment",
          "an arriving agent gets ASSIGNED for each customer, each followed by its messages",
          [](Context& x) {
              if (x.options.capacity < 2) {
                  skip("needs --capacity of at least 2");
              }
              x.require_quiet_desk();
              Connection& c1 = x.waiting("cu", 1);
              Connection& c2 = x.waiting("cu", 2);
              c1.send("MSG one\nMSG two\n");
              c2.send_line("MSG three");
              c1.expect("+OK message received");
              c1.expect("+OK message received");
              c2.expect("+OK message received");
              Connection& a = x.agent("ag");
              a.expect("ASSIGNED " + c1.name);
              a.expect("MSG " + c1.name + " one");
              a.expect("MSG " + c1.name + " two");
              a.expect("ASSIGNED " + c2.name);
              a.expect("MSG " + c2.name + " three");
              a.barrier();
          });
}

inline void add_leaving_tests(Registry& r) {
    r.add("leaving.customer-quit-left", "leaving",
          "a chatting customer's QUIT: +OK bye and close; its agent gets LEFT <customer>",
          [](Context& x) {
              Pair p = x.pair();
              p.customer.send_line("QUIT thanks");
              p.customer.expect("+OK bye");
              p.customer.expect_closed();
              p.agent.expect("LEFT " + p.customer.name);
          });
    r.add("leaving.customer-disconnect-left", "leaving",
          "a chatting customer that closes its connection: its agent gets LEFT", [](Context& x) {
              Pair p = x.pair();
              p.customer.close();
              p.agent.expect("LEFT " + p.customer.name);
              p.agent.barrier();
          });
    r.add("leaving.agent-leaves-customers-return-ahead", "leaving",
          "an agent's customers return ahead of later arrivals, in their original order",
          [](Context& x) {
              x.require_quiet_desk();
              Connection& a = x.agent("ag");
              const std::vector<Connection*> returned = fill_agent(x, a, "cu");
              Connection& later = x.waiting("wa", 1);
              a.send_line("QUIT");
              a.expect("+OK bye");
              for (std::size_t i = 0; i < returned.size(); ++i) {
                  returned[i]->expect("QUEUED " + std::to_string(i + 1));
              }
              later.expect("QUEUED " + std::to_string(returned.size() + 1));
              Connection& b = x.agent("bg");
              for (Connection* c : returned) {
                  b.expect("ASSIGNED " + c->name);
                  c->expect("ASSIGNED " + b.name);
              }
              later.expect("QUEUED 1");
              later.barrier();
          });
    r.add("leaving.sent-back-and-reassigned-gets-only-assigned", "positions",
          "a customer sent back and re-assigned in the same event gets only ASSIGNED",
          [](Context& x) {
              Connection& a1 = x.agent("ag");
              Connection& a2 = x.agent("bg");
              Connection& c = x.customer("cu");
              c.expect("ASSIGNED " + a1.name);
              a1.expect("ASSIGNED " + c.name);
              a1.close();
              c.expect("ASSIGNED " + a2.name);
              c.barrier();
              a2.expect("ASSIGNED " + c.name);
          });
    r.add("leaving.sent-back-messages-kept", "leaving",
          "what a sent-back customer sends while waiting again reaches its next agent",
          [](Context& x) {
              Pair p = x.pair();
              p.agent.send_line("QUIT");
              p.agent.expect("+OK bye");
              p.customer.expect("QUEUED 1");
              p.customer.send_line("MSG still there?");
              p.customer.expect("+OK message received");
              Connection& b = x.agent("bg");
              b.expect("ASSIGNED " + p.customer.name);
              b.expect("MSG " + p.customer.name + " still there?");
              p.customer.expect("ASSIGNED " + b.name);
          });
}

inline void add_waiting_tests(Registry& r) {
    add_position_tests(r);
    add_assignment_tests(r);
    add_leaving_tests(r);
}

}  // namespace conform

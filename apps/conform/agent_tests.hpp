// Tests of the agents' commands: LIST, HIST and END.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "registry.hpp"
#include "spec_texts.hpp"

namespace conform {

/// Requires `body` to hold exactly `expected` (in any order: LIST's order is
/// not specified).
inline void expect_lines_any_order(const Body& body, std::vector<std::string> expected) {
    std::vector<std::string> got = body.lines;
    std::sort(got.begin(), got.end());
    std::sort(expected.begin(), expected.end());
    if (got != expected) {
        std::string want;
        std::string have;
        for (const auto& line : expected) {
            want += "\"" + telechat::protocol::escaped(line) + "\" ";
        }
        for (const auto& line : got) {
            have += "\"" + telechat::protocol::escaped(line) + "\" ";
        }
        fail("the body lines (any order) " + want, have);
    }
}

/// Requires a HIST record `<unix-ms> <rest>`; returns its time.
inline std::uint64_t expect_record(const std::string& record, const std::string& rest) {
    const std::size_t space = record.find(' ');
    const std::string time = record.substr(0, space);
    const bool digits = !time.empty() && time.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || space == std::string::npos || record.substr(space + 1) != rest ||
        time.size() < 13) {  // 13 digits: milliseconds since 1970, from 2001 on
        fail("a record \"<unix-ms> " + telechat::protocol::escaped(rest) + "\"",
             "\"" + telechat::protocol::escaped(record) + "\"");
    }
    return std::stoull(time);
}

inline void add_list_tests(Registry& r) {
    r.add("list.alone", "list", "an agent alone on the desk: +OK 1 users, its line, .",
          [](Context& x) {
              Connection& a = x.agent("ag");
              const Body users = x.list(a);
              expect_lines_any_order(users,
                                     {a.name + " AGENT 0/" + std::to_string(x.options.capacity)});
          });
    r.add("list.every-kind-of-line", "list",
          "LIST shows agents as n/capacity, chatting and waiting customers; no unregistered",
          [](Context& x) {
              x.require_quiet_desk();
              const std::string capacity = std::to_string(x.options.capacity);
              Connection& a = x.agent("ag");
              std::vector<std::string> expected;
              for (std::uint64_t i = 0; i < x.options.capacity; ++i) {
                  Connection& c = x.customer("cu");
                  c.expect("ASSIGNED " + a.name);
                  a.expect("ASSIGNED " + c.name);
                  expected.push_back(c.name + " CUSTOMER CHATTING " + a.name);
              }
              Connection& w1 = x.waiting("wa", 1);
              Connection& w2 = x.waiting("wb", 2);
              x.connect("unregistered").barrier();
              expected.push_back(a.name + " AGENT " + capacity + "/" + capacity);
              expected.push_back(w1.name + " CUSTOMER WAITING 1");
              expected.push_back(w2.name + " CUSTOMER WAITING 2");
              expect_lines_any_order(x.list(a), expected);
          });
    r.add("list.arguments-refused", "list", "LIST with a word after it: BAD_ARGS", [](Context& x) {
        Connection& a = x.agent("ag");
        a.send_line("LIST all");
        a.expect(spec::error_line(ErrorCode::bad_args, spec::list_usage));
    });
}

inline void add_hist_tests(Registry& r) {
    r.add("hist.empty-history", "hist",
          "HIST of a registered user who never exchanged a message: +OK 0 messages, .",
          [](Context& x) {
              x.require_quiet_desk();
              Connection& c = x.waiting("cu", 1);
              c.send_line("QUIT");
              c.expect("+OK bye");
              Connection& a = x.agent("ag");
              a.send_line("HIST " + c.name);
              a.expect("+OK 0 messages");
              a.expect(".");
          });
    r.add("hist.records", "hist",
          "HIST lists <unix-ms> <from> <to> <text>, oldest first, in both histories",
          [](Context& x) {
              Pair p = x.pair();
              p.customer.send_line("MSG  hello\tthere ");
              p.customer.expect("+OK message received");
              p.agent.expect("MSG " + p.customer.name + "  hello\tthere ");
              p.agent.send_line("MSG " + p.customer.name + " hi");
              p.agent.expect("+OK message received");
              p.customer.expect("MSG " + p.agent.name + " hi");
              for (const std::string* owner : {&p.customer.name, &p.agent.name}) {
                  const Body h = x.hist(p.agent, *owner);
                  if (h.lines.size() != 2) {
                      fail("+OK 2 messages", h.header);
                  }
                  const auto first = expect_record(
                      h.lines[0], p.customer.name + " " + p.agent.name + "  hello\tthere ");
                  const auto second =
                      expect_record(h.lines[1], p.agent.name + " " + p.customer.name + " hi");
                  if (second < first) {
                      fail("times oldest first", h.lines[0] + " / " + h.lines[1]);
                  }
              }
          });
    r.add("hist.count", "hist",
          "HIST <name> <count> lists the last count records; 05 is 5; a huge count means all",
          [](Context& x) {
              Pair p = x.pair();
              p.customer.send("MSG 1\nMSG 2\nMSG 3\n");
              for (int i = 1; i <= 3; ++i) {
                  p.customer.expect("+OK message received");
                  p.agent.expect("MSG " + p.customer.name + " " + std::to_string(i));
              }
              const std::string record = p.customer.name + " " + p.agent.name + " ";
              Body h = x.hist(p.agent, p.customer.name + " 1");
              if (h.lines.size() != 1) {
                  fail("+OK 1 messages", h.header);
              }
              expect_record(h.lines[0], record + "3");
              h = x.hist(p.agent, p.customer.name + " 02");
              if (h.lines.size() != 2) {
                  fail("+OK 2 messages", h.header);
              }
              expect_record(h.lines[0], record + "2");
              for (const char* all : {" 3", " 05", " 99999999999999999999999999"}) {
                  h = x.hist(p.agent, p.customer.name + all);
                  if (h.lines.size() != 3) {
                      fail("+OK 3 messages", h.header);
                  }
              }
          });
    r.add("hist.bad-counts", "hist",
          "counts 0, -1, +2, two, 1.5, 00 are refused; too many words is reported first",
          [](Context& x) {
              Connection& a = x.agent("ag");
              for (const char* count : {"0", "-1", "+2", "two", "1.5", "00", "1x"}) {
                  a.send_line("HIST " + a.name + " " + count);
                  a.expect(spec::error_line(ErrorCode::bad_args, spec::bad_count));
              }
              a.send_line("HIST " + a.name + " two three");
              a.expect(spec::error_line(ErrorCode::bad_args, spec::too_many_arguments));
              a.send("HIST\nHIST   \n");
              a.expect(spec::error_line(ErrorCode::bad_args, spec::hist_usage));
              a.expect(spec::error_line(ErrorCode::bad_args, spec::hist_usage));
          });
    r.add("hist.no-such-user", "hist",
          "HIST of a name never registered, or malformed: NO_SUCH_USER", [](Context& x) {
              Connection& a = x.agent("ag");
              a.send("HIST " + x.fresh_name("never") + "\nHIST @@" + x.token() + " 2\n");
              a.expect(spec::error_line(ErrorCode::no_such_user, spec::no_history));
              a.expect(spec::error_line(ErrorCode::no_such_user, spec::no_history));
          });
    r.add("hist.outlives-connection-and-keeps-spelling", "histories",
          "a history outlives its user, is found in any case, and records keep their spelling",
          [](Context& x) {
              Pair p = x.pair();
              p.customer.send_line("MSG before");
              p.customer.expect("+OK message received");
              p.agent.expect("MSG " + p.customer.name + " before");
              p.customer.send_line("QUIT");
              p.customer.expect("+OK bye");
              p.agent.expect("LEFT " + p.customer.name);
              // The same name, another spelling, another role: the same history.
              Connection& again = x.agent_named(upper(p.customer.name));
              again.barrier();
              const Body h = x.hist(p.agent, upper(p.customer.name));
              if (h.lines.size() != 1) {
                  fail("+OK 1 messages", h.header);
              }
              expect_record(h.lines[0], p.customer.name + " " + p.agent.name + " before");
          });
    r.add("hist.retention-limit", "histories",
          "a history keeps the latest history-limit records, the oldest dropped", [](Context& x) {
              if (x.options.history_limit > 5000) {
                  skip("needs --history-limit of at most 5000 (it is " +
                       std::to_string(x.options.history_limit) + ")");
              }
              Pair p = x.pair();
              const std::uint64_t total = x.options.history_limit + 2;
              for (std::uint64_t sent = 0; sent < total;) {
                  std::string burst;
                  const std::uint64_t from = sent;
                  for (; sent < total && sent < from + 100; ++sent) {
                      burst += "MSG n" + std::to_string(sent) + "\n";
                  }
                  p.customer.send(burst);
                  for (std::uint64_t i = from; i < sent; ++i) {
                      p.customer.expect("+OK message received");
                      p.agent.expect("MSG " + p.customer.name + " n" + std::to_string(i));
                  }
              }
              const Body h = x.hist(p.agent, p.customer.name);
              if (h.lines.size() != x.options.history_limit) {
                  fail("+OK " + std::to_string(x.options.history_limit) + " messages", h.header);
              }
              const std::string record = p.customer.name + " " + p.agent.name + " n";
              expect_record(h.lines.front(), record + "2");
              expect_record(h.lines.back(), record + std::to_string(total - 1));
          });
}

inline void add_end_tests(Registry& r) {
    r.add("end.ends-conversation", "end",
          "END: +OK, the customer gets QUIT conversation ended by <agent> and is closed, no LEFT",
          [](Context& x) {
              Pair p = x.pair();
              p.agent.send_line("END " + p.customer.name);
              p.agent.expect("+OK");
              p.customer.expect(spec::quit_ended_by(p.agent.name));
              p.customer.expect_closed();
              p.agent.barrier();
          });
    r.add("end.next-customer-assigned", "end",
          "after END the agent gets +OK, then ASSIGNED <next> and its kept messages",
          [](Context& x) {
              x.require_quiet_desk();
              Connection& a = x.agent("ag");
              std::vector<Connection*> chatting;
              for (std::uint64_t i = 0; i < x.options.capacity; ++i) {
                  Connection& c = x.customer("cu");
                  c.expect("ASSIGNED " + a.name);
                  a.expect("ASSIGNED " + c.name);
                  chatting.push_back(&c);
              }
              Connection& w = x.waiting("wa", 1);
              w.send_line("MSG waiting here");
              w.expect("+OK message received");
              a.send_line("END " + upper(chatting.front()->name));
              a.expect("+OK");
              a.expect("ASSIGNED " + w.name);
              a.expect("MSG " + w.name + " waiting here");
              w.expect("ASSIGNED " + a.name);
              chatting.front()->expect(spec::quit_ended_by(a.name));
              a.barrier();
          });
    r.add("end.errors", "end",
          "END: BAD_ARGS without a name or with two; NO_SUCH_USER; NOT_ASSIGNED", [](Context& x) {
              x.require_quiet_desk();
              Connection& a = x.agent("ag");
              Connection& b = x.agent("bg");
              a.send("END\nEND   \nEND a b\n");
              for (int i = 0; i < 3; ++i) {
                  a.expect(spec::error_line(ErrorCode::bad_args, spec::end_usage));
              }
              a.send("END " + x.fresh_name("nobody") + "\nEND @@\n");
              a.expect(spec::error_line(ErrorCode::no_such_user, spec::nobody_connected));
              a.expect(spec::error_line(ErrorCode::no_such_user, spec::nobody_connected));
              a.send("END " + b.name + "\nEND " + a.name + "\n");
              a.expect(spec::error_line(ErrorCode::not_assigned, spec::not_your_customer));
              a.expect(spec::error_line(ErrorCode::not_assigned, spec::not_your_customer));
              b.barrier();
          });
}

inline void add_agent_tests(Registry& r) {
    add_list_tests(r);
    add_hist_tests(r);
    add_end_tests(r);
}

}  // namespace conform

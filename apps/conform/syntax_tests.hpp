// Tests of docs/protocol.md's Syntax: case, separators, free text, PING's
// token, and of the PING and HELP commands.
#pragma once

#include <string>

#include "framing_tests.hpp"
#include "registry.hpp"
#include "spec_texts.hpp"

namespace conform {

inline void add_syntax_tests(Registry& r) {
    r.add("syntax.command-words-any-case", "syntax", "command words are case-insensitive",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send("ping a\nPing b\npInG c\nhelp\n");
              c.expect("+OK PONG a");
              c.expect("+OK PONG b");
              c.expect("+OK PONG c");
              expect_help(c);
              c.send_line("list");
              c.expect_error("NOT_CONNECTED");
          });
    r.add("syntax.role-words-any-case", "syntax", "CUSTOMER and AGENT are case-insensitive",
          [](Context& x) {
              const std::string customer = x.fresh_name("cu");
              Connection& c = x.connect("c");
              c.send_line("connect customer " + customer);
              x.remember(customer);
              c.expect("+OK welcome " + customer);
              const std::string agent = x.fresh_name("ag");
              Connection& a = x.connect("a");
              a.send_line("Connect aGeNt " + agent + " " + x.options.agent_key);
              x.remember(agent);
              a.expect("+OK welcome " + agent);
          });
    r.add("syntax.leading-spaces-skipped", "syntax", "spaces before the command word are skipped",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send("  PING x\n     HELP\n");
              c.expect("+OK PONG x");
              expect_help(c);
          });
    r.add("syntax.space-runs-one-separator", "syntax",
          "a run of spaces between words counts as one separator", [](Context& x) {
              x.require_quiet_desk();
              const std::string name = x.fresh_name("cu");
              Connection& c = x.connect("c");
              c.send_line("CONNECT   CUSTOMER    " + name);
              x.remember(name);
              c.expect("+OK welcome " + name);
              c.line();  // QUEUED or ASSIGNED
              c.send_line("QUIT");
              c.expect("+OK bye");
              Connection& a = x.agent("ag");
              a.send_line("HIST    " + name + "    1");
              a.expect("+OK 0 messages");
              a.expect(".");
          });
    r.add("syntax.trailing-spaces-allowed", "syntax",
          "spaces after the last fixed argument are allowed", [](Context& x) {
              x.require_quiet_desk();
              const std::string name = x.fresh_name("cu");
              Connection& c = x.connect("c");
              c.send_line("CONNECT CUSTOMER " + name + "   ");
              x.remember(name);
              c.expect("+OK welcome " + name);
              c.line();  // QUEUED or ASSIGNED
              c.send_line("QUIT");
              c.expect("+OK bye");
              Connection& a = x.agent("ag");
              x.multi_line(a, "LIST   ", "users");
              a.send_line("HIST " + name + " 3  ");
              a.expect("+OK 0 messages");
              a.expect(".");
              a.send_line("END " + x.fresh_name("nobody") + " ");
              a.expect_error("NO_SUCH_USER");
          });
    r.add("syntax.tab-is-not-a-separator", "syntax", "TAB is part of a word, never a separator",
          [](Context& x) {
              Connection& u = x.connect("u");
              u.send("PING\tx\nCONNECT\tCUSTOMER x\n");
              u.expect_error("BAD_COMMAND");
              u.expect_error("BAD_COMMAND");
              u.send_line("CONNECT CUSTOMER\t" + x.fresh_name("cu"));
              u.expect(spec::error_line(ErrorCode::bad_args, spec::unknown_role));
              Connection& c = x.customer("cu");
              c.line();
              c.send_line("MSG\thi");
              c.expect_error("BAD_COMMAND");
          });
    r.add("syntax.free-text-agent", "syntax",
          "an agent's MSG text starts after the one space after the name, kept exactly",
          [](Context& x) {
              Pair p = x.pair();
              const std::string& to = p.customer.name;
              const std::string from = "MSG " + p.agent.name + " ";
              p.agent.send("MSG " + to + " hi there\nMSG   " + to + " hi\nMSG " + to +
                           "  hi\nMSG " + to + " \tt a b  \n");
              for (int i = 0; i < 4; ++i) {
                  p.agent.expect("+OK message received");
              }
              p.customer.expect(from + "hi there");
              p.customer.expect(from + "hi");
              p.customer.expect(from + " hi");
              p.customer.expect(from + "\tt a b  ");
          });
    r.add("syntax.free-text-customer", "syntax",
          "a customer's MSG text starts after the one space after MSG, spaces kept",
          [](Context& x) {
              Pair p = x.pair();
              const std::string from = "MSG " + p.customer.name + " ";
              p.customer.send("MSG hi\nMSG   hi\nMSG  \nMSG a\tb \n");
              for (int i = 0; i < 4; ++i) {
                  p.customer.expect("+OK message received");
              }
              p.agent.expect(from + "hi");
              p.agent.expect(from + "  hi");
              p.agent.expect(from + " ");
              p.agent.expect(from + "a\tb ");
          });
    r.add("syntax.empty-text-bad-args", "msg",
          "MSG with an empty text is BAD_ARGS and nothing is relayed", [](Context& x) {
              Pair p = x.pair();
              p.customer.send("MSG \nMSG\n");
              p.customer.expect(spec::error_line(ErrorCode::bad_args, spec::customer_msg_usage));
              p.customer.expect(spec::error_line(ErrorCode::bad_args, spec::customer_msg_usage));
              const std::string& to = p.customer.name;
              p.agent.send("MSG " + to + " \nMSG " + to + "\nMSG\n");
              for (int i = 0; i < 3; ++i) {
                  p.agent.expect(spec::error_line(ErrorCode::bad_args, spec::agent_msg_usage));
              }
              p.agent.barrier();
              p.customer.barrier();
          });
    r.add("ping.token-verbatim", "ping",
          "PING's token starts at the first non-space and keeps trailing spaces and TABs",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send("PING   a b \nPING x\t\nPING \tt\nPING 42\n");
              c.expect("+OK PONG a b ");
              c.expect("+OK PONG x\t");
              c.expect("+OK PONG \tt");
              c.expect("+OK PONG 42");
          });
    r.add("ping.no-token", "ping", "PING without a token is answered exactly +OK PONG",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send("PING\nPING \nPING    \n");
              for (int i = 0; i < 3; ++i) {
                  c.expect("+OK PONG");
              }
          });
    r.add("help.exact-reply", "help", "HELP's reply is exactly the one in the specification",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send_line("HELP");
              expect_help(c);
          });
    r.add("help.ignores-arguments", "help", "anything after HELP is ignored, in every state",
          [](Context& x) {
              x.require_quiet_desk();
              Connection& u = x.connect("u");
              u.send_line("HELP me please");
              expect_help(u);
              Connection& a = x.agent("ag");
              a.send_line("help LIST");
              expect_help(a);
          });
}

}  // namespace conform

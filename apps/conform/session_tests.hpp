// Tests of QUIT, of the command/state table (every cell), of the checking
// order, and of the rule that a multi-line reply is never interrupted.
#pragma once

#include <string>

#include "framing_tests.hpp"
#include "registry.hpp"
#include "spec_texts.hpp"

namespace conform {

inline void add_quit_tests(Registry& r) {
    r.add("quit.unregistered", "quit", "QUIT unregistered: +OK bye, then the server closes",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send_line("QUIT");
              c.expect("+OK bye");
              c.expect_closed();
          });
    r.add("quit.agent-with-reason", "quit", "an agent's QUIT with a reason: +OK bye, then close",
          [](Context& x) {
              Connection& a = x.agent("ag");
              a.send_line("QUIT   the reason is ignored");
              a.expect("+OK bye");
              a.expect_closed();
          });
    r.add("quit.lines-behind-ignored", "replies",
          "lines in the same packet behind QUIT get no reply", [](Context& x) {
              Connection& c = x.connect("c");
              c.send("PING before\nQUIT\nPING after\nHELP\nLIST\n");
              c.expect("+OK PONG before");
              c.expect("+OK bye");
              c.expect_closed();
          });
}

inline void add_state_tests(Registry& r) {
    r.add("state.unregistered-not-connected", "commands",
          "MSG LIST HIST END unregistered: NOT_CONNECTED, before any argument check",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send("MSG\nMSG x y\nLIST\nLIST x\nHIST\nHIST a b c\nEND\nEND a b\nmsg hi\n");
              for (int i = 0; i < 9; ++i) {
                  c.expect(spec::error_line(ErrorCode::not_connected, spec::not_connected));
              }
          });
    r.add("state.customer-forbidden", "commands",
          "LIST HIST END from a customer: FORBIDDEN, before any argument check", [](Context& x) {
              Connection& c = x.customer("cu");
              c.line();
              c.send("LIST\nLIST x\nHIST\nHIST " + c.name + "\nHIST a b c\nEND\nEND " + c.name +
                     "\nEND a b\n");
              for (int i = 0; i < 8; ++i) {
                  c.expect(spec::error_line(ErrorCode::forbidden, spec::forbidden));
              }
          });
    r.add("state.agent-already-connected", "commands",
          "CONNECT from an agent: ALREADY_CONNECTED, whatever its arguments", [](Context& x) {
              Connection& a = x.agent("ag");
              a.send("CONNECT\nCONNECT CUSTOMER " + x.fresh_name("cu") + "\nCONNECT AGENT " +
                     x.fresh_name("ag") + " " + x.options.agent_key + "\nCONNECT AGENT " + a.name +
                     " " + x.options.agent_key + "\n");
              for (int i = 0; i < 4; ++i) {
                  a.expect(spec::error_line(ErrorCode::already_connected, spec::already_connected));
              }
          });
    r.add("state.registered-ping-help", "commands", "PING and HELP work for customers and agents",
          [](Context& x) {
              x.require_quiet_desk();
              Connection& c = x.waiting("cu", 1);
              c.send("PING c\nHELP\n");
              c.expect("+OK PONG c");
              expect_help(c);
              c.send_line("QUIT");
              c.expect("+OK bye");
              Connection& a = x.agent("ag");
              a.send("PING a\nhelp\n");
              a.expect("+OK PONG a");
              expect_help(a);
          });
    r.add("state.bad-command-every-state", "commands",
          "an unknown first word is BAD_COMMAND unregistered, as customer and as agent",
          [](Context& x) {
              x.require_quiet_desk();
              Connection& u = x.connect("u");
              Connection& c = x.waiting("cu", 1);
              c.send_line("QUIT");
              c.expect("+OK bye");
              Connection& a = x.agent("ag");
              for (Connection* on : {&u, &a}) {
                  on->send("FOO\nMSGX hi\nHELPME\nPONG\n.\n+OK\n");
                  for (int i = 0; i < 6; ++i) {
                      on->expect(spec::error_line(ErrorCode::bad_command, spec::bad_command));
                  }
              }
              Connection& d = x.customer("du");
              d.expect("ASSIGNED " + a.name);
              d.send_line("FOO bar");
              d.expect(spec::error_line(ErrorCode::bad_command, spec::bad_command));
          });
    r.add("state.bad-text-before-bad-command", "commands",
          "a line that is both bad text and an unknown command is BAD_TEXT", [](Context& x) {
              Connection& c = x.connect("c");
              c.send("FOO\x01\nLIST\xFF\n");
              c.expect(spec::error_line(ErrorCode::bad_text, spec::bad_text));
              c.expect(spec::error_line(ErrorCode::bad_text, spec::bad_text));
          });
}

/// Reads `agent`'s stream until `helps` HELP replies, `lists` LIST replies
/// and `pushes` MSG pushes came, requiring each body to be whole.
inline void expect_whole_bodies(Connection& agent, int helps, int lists, int pushes) {
    while (helps + lists + pushes > 0) {
        const std::string line = agent.line();
        if (line == "+OK 8 commands") {
            for (std::size_t i = 1; i < spec::help_reply.size(); ++i) {
                agent.expect(spec::help_reply[i]);
            }
            --helps;
        } else if (line.rfind("+OK ", 0) == 0 && line.size() > 10 &&
                   line.substr(line.size() - 6) == " users") {
            const int count = std::stoi(line.substr(4));
            for (int i = 0; i < count; ++i) {
                const std::string user = agent.line();
                if (user.find(" AGENT ") == std::string::npos &&
                    user.find(" CUSTOMER ") == std::string::npos) {
                    fail("a LIST body line", "\"" + telechat::protocol::escaped(user) + "\"");
                }
            }
            agent.expect(".");
            --lists;
        } else if (line.rfind("MSG ", 0) == 0) {
            --pushes;
        } else {
            fail("a HELP or LIST reply or a MSG push",
                 "\"" + telechat::protocol::escaped(line) + "\"");
        }
    }
}

inline void add_reply_tests(Registry& r) {
    r.add("replies.body-never-interrupted", "replies",
          "no push appears inside a multi-line reply (messages arrive during HELP and LIST)",
          [](Context& x) {
              Pair p = x.pair();
              std::string messages;
              std::string requests;
              for (int i = 0; i < 40; ++i) {
                  messages += "MSG interleave " + std::to_string(i) + "\n";
              }
              for (int i = 0; i < 15; ++i) {
                  requests += "HELP\nLIST\n";
              }
              p.customer.send(messages);
              p.agent.send(requests);
              expect_whole_bodies(p.agent, 15, 15, 40);
          });
}

inline void add_session_tests(Registry& r) {
    add_quit_tests(r);
    add_state_tests(r);
    add_reply_tests(r);
}

}  // namespace conform

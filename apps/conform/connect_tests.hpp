// Tests of CONNECT: registration, every row of its error table in order,
// the agent key and the three-strikes rule, and the name rules.
#pragma once

#include <string>

#include "registry.hpp"
#include "spec_texts.hpp"

namespace conform {

inline void add_connect_error_tests(Registry& r) {
    r.add("connect.no-role", "connect", "CONNECT without a role: BAD_ARGS with the usage line",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send("CONNECT\nCONNECT   \n");
              c.expect(spec::error_line(ErrorCode::bad_args, spec::connect_usage));
              c.expect(spec::error_line(ErrorCode::bad_args, spec::connect_usage));
          });
    r.add("connect.unknown-role", "connect", "an unknown role: BAD_ARGS", [](Context& x) {
        Connection& c = x.connect("c");
        c.send_line("CONNECT ADMIN " + x.fresh_name("cu"));
        c.expect(spec::error_line(ErrorCode::bad_args, spec::unknown_role));
        c.send_line("CONNECT CUSTOMERS " + x.fresh_name("cu"));
        c.expect(spec::error_line(ErrorCode::bad_args, spec::unknown_role));
    });
    r.add("connect.no-name", "connect", "a role without a name: BAD_ARGS", [](Context& x) {
        Connection& c = x.connect("c");
        c.send("CONNECT CUSTOMER\nCONNECT AGENT\nCONNECT customer  \n");
        for (int i = 0; i < 3; ++i) {
            c.expect(spec::error_line(ErrorCode::bad_args, spec::name_missing));
        }
    });
    r.add("connect.agent-no-key", "connect", "CONNECT AGENT without a key: BAD_ARGS",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send_line("CONNECT AGENT " + x.fresh_name("ag") + "  ");
              c.expect(spec::error_line(ErrorCode::bad_args, spec::key_missing));
          });
    r.add("connect.too-many-arguments", "connect",
          "a word after the name (customer) or the key (agent): BAD_ARGS", [](Context& x) {
              Connection& c = x.connect("c");
              c.send_line("CONNECT CUSTOMER " + x.fresh_name("cu") + " extra");
              c.expect(spec::error_line(ErrorCode::bad_args, spec::too_many_arguments));
              c.send_line("CONNECT AGENT " + x.fresh_name("ag") + " " + x.options.agent_key +
                          " extra");
              c.expect(spec::error_line(ErrorCode::bad_args, spec::too_many_arguments));
          });
    r.add("connect.error-order-registered-first", "connect",
          "ALREADY_CONNECTED comes before any argument check", [](Context& x) {
              Connection& c = x.customer("cu");
              c.line();
              c.send("CONNECT\nCONNECT ADMIN\nCONNECT CUSTOMER _bad\nCONNECT CUSTOMER " +
                     x.fresh_name("cu") + "\nCONNECT AGENT a b c d\n");
              for (int i = 0; i < 5; ++i) {
                  c.expect(spec::error_line(ErrorCode::already_connected, spec::already_connected));
              }
          });
    r.add("connect.error-order-role-before-name", "connect",
          "an unknown role is reported before a missing or bad name", [](Context& x) {
              Connection& c = x.connect("c");
              c.send("CONNECT ADMIN\nCONNECT ADMIN _bad\n");
              c.expect(spec::error_line(ErrorCode::bad_args, spec::unknown_role));
              c.expect(spec::error_line(ErrorCode::bad_args, spec::unknown_role));
          });
    r.add("connect.error-order-name-before-key", "connect",
          "CONNECT AGENT with neither name nor key: the name is reported missing", [](Context& x) {
              Connection& c = x.connect("c");
              c.send_line("CONNECT AGENT");
              c.expect(spec::error_line(ErrorCode::bad_args, spec::name_missing));
          });
    r.add("connect.error-order-arguments-before-name-rules", "connect",
          "a missing key or an extra word is reported before a bad name", [](Context& x) {
              Connection& c = x.connect("c");
              c.send("CONNECT AGENT _bad\nCONNECT CUSTOMER _bad extra\nCONNECT AGENT _bad k e\n");
              c.expect(spec::error_line(ErrorCode::bad_args, spec::key_missing));
              c.expect(spec::error_line(ErrorCode::bad_args, spec::too_many_arguments));
              c.expect(spec::error_line(ErrorCode::bad_args, spec::too_many_arguments));
          });
    r.add("connect.error-order-name-rules-before-key", "connect",
          "a bad name with a wrong key is BAD_NAME, and counts no failed key", [](Context& x) {
              Connection& c = x.connect("c");
              for (int i = 0; i < 3; ++i) {
                  c.send_line("CONNECT AGENT -bad " + x.options.agent_key + "-wrong");
                  c.expect(spec::error_line(ErrorCode::bad_name, spec::bad_name));
              }
              c.barrier();
          });
    r.add("connect.error-order-key-before-name-taken", "connect",
          "a taken name with a wrong key is AUTH_FAILED; with the right key NAME_TAKEN",
          [](Context& x) {
              Connection& holder = x.customer("cu");
              Connection& c = x.connect("c");
              c.send_line("CONNECT AGENT " + holder.name + " " + x.options.agent_key + "-wrong");
              c.expect(spec::error_line(ErrorCode::auth_failed, spec::wrong_key));
              c.send_line("CONNECT AGENT " + holder.name + " " + x.options.agent_key);
              c.expect(spec::error_line(ErrorCode::name_taken, spec::name_taken));
          });
    r.add("connect.failed-connect-leaves-unregistered", "connect",
          "after a refused CONNECT the connection is still unregistered and may register",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send_line("CONNECT CUSTOMER _bad");
              c.expect_error("BAD_NAME");
              c.send_line("LIST");
              c.expect(spec::error_line(ErrorCode::not_connected, spec::not_connected));
              const std::string name = x.fresh_name("cu");
              c.send_line("CONNECT CUSTOMER " + name);
              x.remember(name);
              c.expect("+OK welcome " + name);
          });
}

inline void add_auth_tests(Registry& r) {
    r.add("auth.wrong-key", "connect", "a wrong key is AUTH_FAILED and is not echoed",
          [](Context& x) {
              Connection& c = x.connect("c");
              const std::string guess = "Guess-" + x.token() + "-42";
              c.send_line("CONNECT AGENT " + x.fresh_name("ag") + " " + guess);
              const std::string reason = c.expect_error("AUTH_FAILED");
              if (reason.find(guess) != std::string::npos) {
                  fail("a reason that does not contain the key", reason);
              }
          });
    r.add("auth.three-strikes", "limits",
          "the third wrong key: AUTH_FAILED, QUIT too many failed attempts, close", [](Context& x) {
              Connection& c = x.connect("c");
              for (int i = 0; i < 3; ++i) {
                  c.send_line("CONNECT AGENT " + x.fresh_name("ag") + " wrong-" + x.token());
                  c.expect(spec::error_line(ErrorCode::auth_failed, spec::wrong_key));
              }
              c.expect(spec::quit_strikes);
              c.expect_closed();
          });
    r.add("auth.lines-after-strike-out-ignored", "replies",
          "lines in the same packet behind the third wrong key get no reply", [](Context& x) {
              Connection& c = x.connect("c");
              const std::string wrong = "CONNECT AGENT " + x.fresh_name("ag") + " w" + x.token();
              c.send(wrong + "\n" + wrong + "\n" + wrong + "\nPING after\nHELP\n");
              for (int i = 0; i < 3; ++i) {
                  c.expect_error("AUTH_FAILED");
              }
              c.expect(spec::quit_strikes);
              c.expect_closed();
          });
    r.add("auth.two-strikes-then-right-key", "limits",
          "two wrong keys are below the limit: the right key then works", [](Context& x) {
              x.require_quiet_desk();
              Connection& c = x.connect("c");
              for (int i = 0; i < 2; ++i) {
                  c.send_line("CONNECT AGENT " + x.fresh_name("ag") + " wrong-" + x.token());
                  c.expect_error("AUTH_FAILED");
              }
              const std::string name = x.fresh_name("ag");
              c.send_line("CONNECT AGENT " + name + " " + x.options.agent_key);
              x.remember(name);
              c.expect("+OK welcome " + name);
          });
    r.add("auth.other-errors-do-not-count", "limits",
          "only AUTH_FAILED counts toward three: other CONNECT errors do not", [](Context& x) {
              x.require_quiet_desk();
              Connection& c = x.connect("c");
              const std::string wrong = " wrong-" + x.token();
              c.send_line("CONNECT AGENT " + x.fresh_name("ag") + wrong);
              c.expect_error("AUTH_FAILED");
              c.send("CONNECT AGENT _bad" + wrong + "\nCONNECT AGENT x\nCONNECT AGENT a b c\n");
              c.expect_error("BAD_NAME");
              c.expect_error("BAD_ARGS");
              c.expect_error("BAD_ARGS");
              c.send_line("CONNECT AGENT " + x.fresh_name("ag") + wrong);
              c.expect_error("AUTH_FAILED");
              const std::string name = x.fresh_name("ag");
              c.send_line("CONNECT AGENT " + name + " " + x.options.agent_key);
              x.remember(name);
              c.expect("+OK welcome " + name);
          });
}

inline void add_name_tests(Registry& r) {
    r.add("names.valid-forms", "syntax",
          "32-character names of every allowed character, and a 1-character name, register",
          [](Context& x) {
              std::string name = "Az9_.-" + x.fresh_name("n");
              name += std::string(32 - name.size(), 'q');
              Connection& c = x.connect("c");
              c.send_line("CONNECT CUSTOMER " + name);
              x.remember(name);
              c.expect("+OK welcome " + name);
              const std::string one(1, x.token().back());
              Connection& d = x.connect("d");
              x.remember(one);
              d.send_line("CONNECT CUSTOMER " + one);
              const std::string reply = d.line();
              if (reply == spec::error_line(ErrorCode::name_taken, spec::name_taken)) {
                  skip("the 1-character name " + one + " is in use by someone else");
              }
              if (reply != "+OK welcome " + one) {
                  fail("\"+OK welcome " + one + "\\r\\n\"",
                       "\"" + telechat::protocol::escaped(reply) + "\\r\\n\"");
              }
          });
    r.add("names.bad-names", "syntax",
          "names too long, starting with _ . -, or with other characters: BAD_NAME",
          [](Context& x) {
              Connection& c = x.connect("c");
              std::string long_name = x.fresh_name("n");
              long_name += std::string(33 - long_name.size(), 'z');
              for (const std::string& name :
                   {long_name, std::string("_a") + x.token(), "." + x.token(), "-" + x.token(),
                    "a@" + x.token(), "a/" + x.token(), "\xC3\xA9" + x.token(), "a\t" + x.token(),
                    "a+" + x.token(), "a'" + x.token()}) {
                  c.send_line("CONNECT CUSTOMER " + name);
                  c.expect(spec::error_line(ErrorCode::bad_name, spec::bad_name));
              }
          });
    r.add("names.taken-ignoring-case", "syntax",
          "while a name is connected, no one may take it in any spelling or role", [](Context& x) {
              x.require_quiet_desk();
              Connection& holder = x.customer("Mixed");
              holder.line();
              Connection& c = x.connect("c");
              for (const std::string& name : {holder.name, upper(holder.name)}) {
                  c.send_line("CONNECT CUSTOMER " + name);
                  c.expect(spec::error_line(ErrorCode::name_taken, spec::name_taken));
                  c.send_line("CONNECT AGENT " + name + " " + x.options.agent_key);
                  c.expect(spec::error_line(ErrorCode::name_taken, spec::name_taken));
              }
          });
    r.add("names.freed-on-leaving", "leaving", "a name is free again as soon as its user quit",
          [](Context& x) {
              Connection& c = x.customer("cu");
              c.line();
              c.send_line("QUIT");
              c.expect("+OK bye");
              Connection& d = x.connect("d");
              d.send_line("CONNECT CUSTOMER " + upper(c.name));
              x.remember(c.name);
              d.expect("+OK welcome " + upper(c.name));
          });
    r.add("names.spelling-of-connect", "syntax",
          "welcome, pushes and LIST spell a name as its CONNECT did, whatever the lookup used",
          [](Context& x) {
              x.require_quiet_desk();
              Connection& a = x.agent("AgEnT");
              Connection& c = x.customer("CuStO");
              c.expect("ASSIGNED " + a.name);
              a.expect("ASSIGNED " + c.name);
              a.send_line("MSG " + upper(c.name) + " hello");
              a.expect("+OK message received");
              c.expect("MSG " + a.name + " hello");
              const Body users = x.list(a);
              bool listed = false;
              for (const std::string& line : users.lines) {
                  listed = listed || line == c.name + " CUSTOMER CHATTING " + a.name;
              }
              if (!listed) {
                  fail("a LIST line \"" + c.name + " CUSTOMER CHATTING " + a.name + "\"",
                       std::to_string(users.lines.size()) + " lines without it");
              }
              a.send_line("END " + upper(c.name));
              a.expect("+OK");
              c.expect(spec::quit_ended_by(a.name));
          });
}

inline void add_connect_tests(Registry& r) {
    r.add("connect.customer-waits", "connect",
          "a customer with no agent on the desk: +OK welcome <name>, then QUEUED 1",
          [](Context& x) {
              x.require_quiet_desk();
              x.waiting("cu", 1);
          });
    r.add("connect.agent-welcome", "connect", "an agent with the right key: +OK welcome <name>",
          [](Context& x) {
              Connection& a = x.agent("ag");
              a.barrier();
          });
    add_connect_error_tests(r);
    add_auth_tests(r);
    add_name_tests(r);
}

}  // namespace conform

// Tests of the limits: the waiting backlog, the connection limit, the
// remembered histories, and (with --slow) the registration and idle
// timeouts.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "registry.hpp"
#include "spec_texts.hpp"

namespace conform {

/// The backlog limit is fixed by docs/protocol.md (not an option).
inline constexpr std::uint64_t waiting_backlog_limit = 1000;

/// Sends `count` customer messages `<prefix><i>` in bursts, reading the acks.
inline void send_messages(Connection& c, const std::string& prefix, std::uint64_t count) {
    for (std::uint64_t sent = 0; sent < count;) {
        std::string burst;
        const std::uint64_t from = sent;
        for (; sent < count && sent < from + 100; ++sent) {
            burst += "MSG " + prefix + std::to_string(sent) + "\n";
        }
        c.send(burst);
        for (std::uint64_t i = from; i < sent; ++i) {
            c.expect("+OK message received");
        }
    }
}

inline Milliseconds seconds(double value) {
    return Milliseconds(static_cast<long long>(value * 1000));
}

/// The QUIT push of a timeout of `limit` counted from `since`: not before
/// the limit, not long after; then the close.
inline void expect_timeout_quit(Connection& c, std::string_view quit, Clock::time_point since,
                                double limit) {
    const Clock::time_point due = since + seconds(limit);
    const Clock::time_point latest = due + seconds(std::max(2.0, limit / 2)) + c.read_timeout();
    const std::string wanted = "\"" + std::string(quit) + "\\r\\n\"";
    const std::string got = c.line_before(latest, wanted);
    const auto early = std::chrono::duration_cast<Milliseconds>(due - Clock::now()).count();
    if (got != quit) {
        fail(wanted, "\"" + telechat::protocol::escaped(got) + "\\r\\n\"");
    }
    if (early > 50) {
        fail(wanted + " not before the limit", "it came " + std::to_string(early) + " ms early");
    }
    c.expect_closed();
}

inline void add_capacity_limit_tests(Registry& r) {
    r.add("limits.waiting-backlog", "limits",
          "a waiting customer may keep 1000 messages; the next is SERVER_FULL, the rest delivered",
          [](Context& x) {
              x.require_quiet_desk();
              Connection& c = x.waiting("cu", 1);
              send_messages(c, "b", waiting_backlog_limit);
              c.send_line("MSG one too many");
              c.expect(spec::error_line(ErrorCode::server_full, spec::backlog_full));
              c.barrier();
              Connection& a = x.agent("ag");
              a.expect("ASSIGNED " + c.name);
              for (std::uint64_t i = 0; i < waiting_backlog_limit; ++i) {
                  a.expect("MSG " + c.name + " b" + std::to_string(i));
              }
              a.barrier();
              c.expect("ASSIGNED " + a.name);
          });
    r.add("limits.max-clients", "limits",
          "past max-clients a connection gets only -ERR SERVER_FULL and is closed", [](Context& x) {
              if (x.options.max_clients > 200) {
                  skip("needs --max-clients of at most 200 (it is " +
                       std::to_string(x.options.max_clients) + ")");
              }
              x.require_quiet_desk();
              const std::string refusal =
                  spec::error_line(ErrorCode::server_full, spec::server_full);
              std::vector<Connection*> accepted;
              for (std::uint64_t i = 0; i <= x.options.max_clients; ++i) {
                  Connection& c = x.connect("c" + std::to_string(i));
                  c.send_line("PING " + std::to_string(i));
                  const std::string reply = c.line();
                  if (reply == refusal) {  // the PING was not read: the refusal is the only line
                      c.expect_closed();
                      if (accepted.empty()) {
                          fail("at least one connection accepted", "the first one refused");
                      }
                      return;
                  }
                  if (reply != "+OK PONG " + std::to_string(i)) {
                      fail("\"+OK PONG " + std::to_string(i) + "\\r\\n\" or the refusal",
                           "\"" + telechat::protocol::escaped(reply) + "\\r\\n\"");
                  }
                  accepted.push_back(&c);
              }
              fail("connection " + std::to_string(x.options.max_clients + 1) + " refused",
                   "it was served (PING answered)");
          });
    r.add("limits.remembered-users", "histories",
          "past remembered-users histories, the one gone longest is forgotten; connected kept",
          [](Context& x) {
              if (x.options.remembered_users > 200) {
                  skip("needs --remembered-users of at most 200 (it is " +
                       std::to_string(x.options.remembered_users) + ")");
              }
              x.require_quiet_desk();
              Connection& kept = x.agent("kept");
              Connection& gone = x.customer("gone");
              gone.expect("ASSIGNED " + kept.name);
              kept.expect("ASSIGNED " + gone.name);
              gone.send_line("QUIT");
              gone.expect("+OK bye");
              kept.expect("LEFT " + gone.name);
              for (std::uint64_t i = 0; i < x.options.remembered_users; ++i) {
                  Connection& c = x.connect("c");
                  const std::string name = x.fresh_name("fill");
                  c.send("CONNECT CUSTOMER " + name + "\nQUIT\n");
                  c.expect("+OK welcome " + name);
                  c.expect("ASSIGNED " + kept.name);
                  c.expect("+OK bye");
                  kept.expect("ASSIGNED " + name);
                  kept.expect("LEFT " + name);
                  c.close();
              }
              kept.send_line("HIST " + gone.name);
              kept.expect(spec::error_line(ErrorCode::no_such_user, spec::no_history));
              kept.send_line("HIST " + kept.name);
              kept.expect("+OK 0 messages");
              kept.expect(".");
          });
}

inline void add_timeout_tests(Registry& r) {
    r.add("timeout.registration", "limits",
          "an unregistered connection gets QUIT registration timeout at the limit from its "
          "acceptance; failed CONNECTs and PING do not extend it",
          [](Context& x) {
              const double limit = x.options.register_timeout_seconds;
              if (!x.options.slow) {
                  skip("needs --slow (waits for the registration timeout)");
              }
              if (limit <= 0) {
                  skip("the server has no registration timeout (--register-timeout 0)");
              }
              const Clock::time_point start = Clock::now();
              Connection& c = x.connect("c");
              Context::sleep(seconds(limit / 2));
              c.send_line("CONNECT CUSTOMER _bad");
              c.expect_error("BAD_NAME");
              c.barrier();
              expect_timeout_quit(c, spec::quit_register_timeout, start, limit);
          });
    r.add("timeout.registration-stopped-by-connect", "limits",
          "a successful CONNECT stops the registration timer", [](Context& x) {
              const double limit = x.options.register_timeout_seconds;
              if (!x.options.slow) {
                  skip("needs --slow (waits for the registration timeout)");
              }
              if (limit <= 0) {
                  skip("the server has no registration timeout (--register-timeout 0)");
              }
              x.require_quiet_desk();
              Connection& c = x.waiting("cu", 1);
              // Lines keep an idle timer away, if the server has one.
              const double step = x.options.idle_timeout_seconds > 0
                                      ? std::min(limit, x.options.idle_timeout_seconds) / 3
                                      : limit;
              const Clock::time_point until = Clock::now() + seconds(limit + 1);
              while (Clock::now() < until) {
                  Context::sleep(seconds(step));
                  c.barrier();
              }
          });
    r.add("timeout.idle", "limits",
          "a silent registered user gets QUIT idle timeout at the limit from its last line, "
          "a blank line counting as activity",
          [](Context& x) {
              const double limit = x.options.idle_timeout_seconds;
              if (!x.options.slow) {
                  skip("needs --slow (waits for the idle timeout)");
              }
              if (limit <= 0) {
                  skip("the server's idle timeout is off (--idle-timeout 0)");
              }
              x.require_quiet_desk();
              Connection& c = x.waiting("cu", 1);
              Context::sleep(seconds(limit / 2));
              c.send("   \n");
              const Clock::time_point last = Clock::now();
              expect_timeout_quit(c, spec::quit_idle_timeout, last, limit);
          });
}

inline void add_limits_tests(Registry& r) {
    add_capacity_limit_tests(r);
    add_timeout_tests(r);
}

}  // namespace conform

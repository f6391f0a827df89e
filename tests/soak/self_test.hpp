// --self-test: proof that the checker fails when a server breaks a rule.
//
// Each case is a small scripted server: the commands a client sent, the
// bytes a server answered, and how the connection ended. A correct server's
// case must pass clean; every broken one (a dropped, doubled or swapped
// reply, a close without QUIT, a line after QUIT, a wrong multi-line count,
// a misrouted message...) must be reported. A soak whose checker could not
// fail would prove nothing.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "checker.hpp"
#include "messages.hpp"

namespace soak {

namespace self_test {

struct Case {
    const char* name;
    bool broken;  // the server in this case breaks a rule: the checker must say so
    std::function<void(Checker&)> session;
    std::uint64_t resets = 0;  // resets the checker must count
};

inline Command ping(const std::string& token) {
    Command command;
    command.kind = Kind::ping;
    command.expected = "+OK PONG " + token;
    return command;
}

inline Command connect(Role role, const std::string& name, bool key_ok = true) {
    Command command;
    command.kind = Kind::connect;
    command.role = role;
    command.name = name;
    command.key_ok = key_ok;
    return command;
}

inline Command of(Kind kind, const std::string& name = "") {
    Command command;
    command.kind = kind;
    command.name = name;
    return command;
}

// An agent `ana` with customer `bob`, as most cases start.
inline void agent_with_bob(Checker& c) {
    c.expect(connect(Role::agent, "ana"));
    c.received("+OK welcome ana\r\nASSIGNED bob\r\n");
}

inline std::vector<Case> cases(const MessageBook& book) {
    const std::string bob_text = book.text(2, 1);  // connection 2 is bob
    return {
        {"a correct session passes", false,
         [](Checker& c) {
             c.expect(connect(Role::customer, "bob"));
             c.expect(ping("1"));
             c.expect(of(Kind::quit));
             c.received("+OK welcome bob\r\nQUEUED 1\r\n+OK PONG 1\r\n+OK bye\r\n");
             c.ended(Ending::server_eof);
         }},
        {"a dropped reply", true,
         [](Checker& c) {
             c.expect(ping("1"));
             c.expect(ping("2"));
             c.expect(of(Kind::quit));
             c.received("+OK PONG 2\r\n+OK bye\r\n");
             c.ended(Ending::server_eof);
         }},
        {"a doubled reply", true,
         [](Checker& c) {
             c.expect(ping("1"));
             c.received("+OK PONG 1\r\n+OK PONG 1\r\n");
         }},
        {"swapped replies", true,
         [](Checker& c) {
             c.expect(ping("1"));
             c.expect(ping("2"));
             c.received("+OK PONG 2\r\n+OK PONG 1\r\n");
         }},
        {"a close without QUIT", true,
         [](Checker& c) {
             c.expect(connect(Role::customer, "bob"));
             c.received("+OK welcome bob\r\nQUEUED 1\r\n");
             c.ended(Ending::server_eof);
         }},
        {"a reset without QUIT (the issue's symptom)", true,
         [](Checker& c) {
             c.expect(ping("1"));
             c.ended(Ending::server_reset);
         },
         1},
        {"a reset after a QUIT push is counted, not a violation", false,
         [](Checker& c) {
             c.expect(ping("1"));
             c.received("QUIT registration timeout\r\n");
             c.ended(Ending::server_reset);
         },
         1},
        {"a line after a QUIT push", true,
         [](Checker& c) {
             c.expect(connect(Role::customer, "bob"));
             c.received("+OK welcome bob\r\nQUIT idle timeout\r\nQUEUED 1\r\n");
             c.ended(Ending::server_eof);
         }},
        {"a reply to a line sent after QUIT", true,
         [](Checker& c) {
             c.expect(of(Kind::quit));
             c.received("+OK bye\r\n+OK PONG late\r\n");
             c.ended(Ending::server_eof);
         }},
        {"the third wrong key without its QUIT push", true,
         [](Checker& c) {
             for (int i = 0; i < 3; ++i) {
                 c.expect(connect(Role::agent, "eve", false));
             }
             c.received(
                 "-ERR AUTH_FAILED wrong agent key\r\n-ERR AUTH_FAILED wrong agent key\r\n"
                 "-ERR AUTH_FAILED wrong agent key\r\n");
             c.ended(Ending::server_eof);
         }},
        {"the third wrong key with its QUIT push passes", false,
         [](Checker& c) {
             for (int i = 0; i < 3; ++i) {
                 c.expect(connect(Role::agent, "eve", false));
             }
             c.expect(ping("never answered"));
             c.received(
                 "-ERR AUTH_FAILED wrong agent key\r\n-ERR AUTH_FAILED wrong agent key\r\n"
                 "-ERR AUTH_FAILED wrong agent key\r\nQUIT too many failed attempts\r\n");
             c.ended(Ending::server_eof);
         }},
        {"a LIST body shorter than its header", true,
         [](Checker& c) {
             agent_with_bob(c);
             c.expect(of(Kind::list));
             c.received("+OK 3 users\r\nana AGENT 1/3\r\nbob CUSTOMER CHATTING ana\r\n.\r\n");
         }},
        {"LIST showing the agent's load wrong", true,
         [](Checker& c) {
             agent_with_bob(c);
             c.expect(of(Kind::list));
             c.received("+OK 2 users\r\nana AGENT 0/3\r\nbob CUSTOMER CHATTING ana\r\n.\r\n");
         }},
        {"a MSG to an agent from someone not its customer", true,
         [bob_text](Checker& c) {
             c.expect(connect(Role::agent, "ana"));
             c.received("+OK welcome ana\r\nMSG bob " + bob_text + "\r\n");
         }},
        {"a relayed message altered on the way", true,
         [bob_text](Checker& c) {
             agent_with_bob(c);
             c.received("MSG bob " + bob_text + "!\r\n");
         }},
        {"a relayed message passes", false,
         [bob_text](Checker& c) {
             agent_with_bob(c);
             c.received("MSG bob " + bob_text + "\r\n");
         }},
        {"END answered +OK for someone not the agent's customer", true,
         [](Checker& c) {
             agent_with_bob(c);
             c.expect(of(Kind::end, "carla"));
             c.received("+OK\r\n");
         }},
        {"a line ended by LF alone", true,
         [](Checker& c) {
             c.expect(ping("1"));
             c.received("+OK PONG 1\n");
         }},
        {"an end of stream inside a line", true,
         [](Checker& c) {
             c.expect(ping("1"));
             c.received("QUIT server shutting down\r\n+OK PO");
             c.ended(Ending::server_eof);
         }},
        {"replies lost after the client hung up are allowed", false,
         [](Checker& c) {
             c.expect(ping("1"));
             c.expect(ping("2"));
             c.client_hung_up();
             c.received("+OK PONG 1\r\n");
             c.ended(Ending::server_eof);
         }},
        {"the SERVER_FULL refusal passes", false,
         [](Checker& c) {
             c.expect(ping("1"));
             c.received("-ERR SERVER_FULL the server is full, try again later\r\n");
             c.ended(Ending::server_eof);
         }},
        {"a push to an unregistered connection", true,
         [](Checker& c) {
             c.expect(ping("1"));
             c.received("QUEUED 1\r\n+OK PONG 1\r\n");
         }},
    };
}

}  // namespace self_test

/// Runs every case; prints one line each. @return whether all behaved.
inline bool run_checker_self_test() {
    const Limits limits;
    MessageBook book(1, 400);
    book.tried_name(2, "bob");
    bool all_good = true;
    for (const self_test::Case& test : self_test::cases(book)) {
        Checker checker(limits, book);
        test.session(checker);
        const bool reported = !checker.violations().empty();
        const bool good = reported == test.broken && checker.resets() == test.resets;
        all_good = all_good && good;
        std::printf("%s checker: %s: %s\n", good ? "ok  " : "FAIL", test.name,
                    reported ? checker.violations().front().c_str() : "no violation");
    }
    return all_good;
}

}  // namespace soak

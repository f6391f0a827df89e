// telechat::client::Session: the client side of 3MCP with no I/O, fed the
// server's bytes whole, byte by byte, and cut at every point.
#include <catch2/catch.hpp>

#include <telechat/client/session.hpp>

#include <string>
#include <variant>
#include <vector>

using namespace telechat::client;
using telechat::protocol::CommandKind;
using telechat::protocol::ErrorCode;
using telechat::protocol::PushKind;
using telechat::protocol::Role;

namespace {

std::vector<Event> drain(Session& session) {
    std::vector<Event> events;
    while (auto event = session.next_event()) {
        events.push_back(std::move(*event));
    }
    return events;
}

// Feeds `bytes` to a copy of `session` in pieces of `step` bytes.
std::vector<Event> feed(Session session, const std::string& bytes, std::size_t step) {
    for (std::size_t at = 0; at < bytes.size(); at += step) {
        session.receive(std::string_view(bytes).substr(at, step));
    }
    return drain(session);
}

const Reply& reply_at(const std::vector<Event>& events, std::size_t i) {
    REQUIRE(i < events.size());
    REQUIRE(std::holds_alternative<Reply>(events[i]));
    return std::get<Reply>(events[i]);
}

const Push& push_at(const std::vector<Event>& events, std::size_t i) {
    REQUIRE(i < events.size());
    REQUIRE(std::holds_alternative<Push>(events[i]));
    return std::get<Push>(events[i]);
}

Session registered_agent() {
    Session session;
    (void)session.connect_agent("sam", "key");
    session.receive("+OK welcome sam\r\n");
    drain(session);
    REQUIRE(session.role() == Role::agent);
    return session;
}

}  // namespace

TEST_CASE("requests are the exact 3MCP lines, LF-terminated", "[session]") {
    Session session;
    CHECK(session.connect_customer("ana") == "CONNECT CUSTOMER ana\n");
    CHECK(session.connect_agent("sam", "k") == "CONNECT AGENT sam k\n");
    CHECK(session.message("hi  there") == "MSG hi  there\n");
    CHECK(session.message_to("ana", " hi") == "MSG ana  hi\n");
    CHECK(session.list() == "LIST\n");
    CHECK(session.history("ana") == "HIST ana\n");
    CHECK(session.history("ana", "5") == "HIST ana 5\n");
    CHECK(session.end("ana") == "END ana\n");
    CHECK(session.ping() == "PING\n");
    CHECK(session.ping("t 1") == "PING t 1\n");
    CHECK(session.help() == "HELP\n");
    CHECK(session.quit() == "QUIT\n");
    CHECK(session.replies_pending() == 12);
}

TEST_CASE("replies answer the requests in order, bodies included, however the bytes are split",
          "[session]") {
    Session start;
    (void)start.connect_agent("Sam", "k");
    (void)start.list();
    (void)start.history("ana", "2");
    (void)start.message_to("bob", "hi");
    (void)start.help();
    const std::string bytes =
        "+OK welcome Sam\r\n"
        "ASSIGNED ana\r\n"
        "+OK 2 users\r\nSam AGENT 1/3\r\nQUEUED CUSTOMER CHATTING Sam\r\n.\r\n"
        "MSG ana hello  you\r\n"
        "+OK 2 messages\r\n1 ana Sam a\r\n2 Sam ana b c\r\n.\r\n"
        "-ERR NO_SUCH_USER nobody of that name is connected\r\n"
        "+OK 8 commands\r\nCONNECT ...\r\n.\r\n"
        "LEFT ana\r\n";
    for (const std::size_t step : {bytes.size(), std::size_t{1}, std::size_t{2}, std::size_t{7}}) {
        INFO("pieces of " << step);
        const auto events = feed(start, bytes, step);
        REQUIRE(events.size() == 8);
        CHECK(reply_at(events, 0).request == CommandKind::connect);
        CHECK(reply_at(events, 0).ok);
        CHECK(push_at(events, 1).kind == PushKind::assigned);
        CHECK(push_at(events, 1).name == "ana");
        const Reply& list = reply_at(events, 2);
        CHECK(list.request == CommandKind::list);
        CHECK(list.text == "2 users");
        CHECK(list.body ==
              std::vector<std::string>{"Sam AGENT 1/3", "QUEUED CUSTOMER CHATTING Sam"});
        CHECK(push_at(events, 3).text == "hello  you");
        const Reply& history = reply_at(events, 4);
        CHECK(history.request == CommandKind::hist);
        CHECK(history.target == "ana");
        CHECK(history.body.size() == 2);
        const Reply& failed = reply_at(events, 5);
        CHECK_FALSE(failed.ok);
        CHECK(failed.code == ErrorCode::no_such_user);
        CHECK(failed.code_word == "NO_SUCH_USER");
        CHECK(failed.target == "bob");
        CHECK(failed.text == "nobody of that name is connected");
        CHECK(reply_at(events, 6).body.size() == 1);
        CHECK(push_at(events, 7).kind == PushKind::left);
    }
}

TEST_CASE("the session follows the conversation: role, customers, last writer", "[session]") {
    Session session = registered_agent();
    CHECK(session.name() == "sam");
    session.receive("ASSIGNED ana\r\nASSIGNED Bob\r\nMSG Bob hi\r\n");
    drain(session);
    CHECK(session.customers() == std::vector<std::string>{"ana", "Bob"});
    CHECK(session.last_writer() == "Bob");
    session.receive("MSG carl not a customer of mine\r\n");
    drain(session);
    CHECK(session.last_writer() == "Bob");
    (void)session.end("bob");  // any case
    session.receive("+OK\r\n");
    drain(session);
    CHECK(session.customers() == std::vector<std::string>{"ana"});
    CHECK(session.last_writer().empty());
    session.receive("LEFT ana\r\n");
    drain(session);
    CHECK(session.customers().empty());
    CHECK_FALSE(session.closing());
    session.receive("QUIT server shutting down\r\n");
    const auto events = drain(session);
    CHECK(push_at(events, 0).kind == PushKind::quit);
    CHECK(push_at(events, 0).text == "server shutting down");
    CHECK(session.closing());
}

TEST_CASE("a customer's agent and queue position", "[session]") {
    Session session;
    (void)session.connect_customer("ana");
    session.receive("+OK welcome ana\r\nQUEUED 3\r\n");
    drain(session);
    CHECK(session.role() == Role::customer);
    CHECK(session.position() == 3);
    CHECK(session.agent().empty());
    session.receive("QUEUED 1\r\nASSIGNED sam\r\n");
    drain(session);
    CHECK(session.agent() == "sam");
    CHECK(session.position() == 0);
    session.receive("QUEUED 2\r\n");  // the agent left
    drain(session);
    CHECK(session.agent().empty());
    CHECK(session.position() == 2);
}

TEST_CASE("what is not 3MCP is reported, and a misbehaving server cannot grow it without bound",
          "[session]") {
    Session::Limits limits;
    limits.max_line_bytes = 40;
    limits.max_body_lines = 2;
    Session session(limits);
    session.receive("HELLO there\r\nQUEUED x\r\n-ERR SERVER_FULL the server is full\r\n");
    auto events = drain(session);
    REQUIRE(events.size() == 3);
    CHECK(std::get<Unrecognized>(events[0]).line == "HELLO there");
    CHECK(std::get<Unrecognized>(events[1]).line == "QUEUED x");
    CHECK_FALSE(reply_at(events, 2).request.has_value());  // answers nothing
    CHECK(reply_at(events, 2).code == ErrorCode::server_full);

    session.receive(std::string(40, 'y') + "\r\n" + std::string(41, 'z') + "\n" +
                    std::string(1000, 'z') + "\r\n");
    events = drain(session);
    REQUIRE(events.size() == 3);
    CHECK(std::get<Unrecognized>(events[0]).line == std::string(40, 'y'));  // at the limit
    for (const std::size_t i : {std::size_t{1}, std::size_t{2}}) {  // past it: skipped, and said so
        CHECK(std::get<Unrecognized>(events[i]).line.empty());
        CHECK(std::get<Unrecognized>(events[i]).too_long);
    }

    (void)session.list();
    session.receive("+OK 4 users\r\na\r\nb\r\nc\r\nd\r\n.\r\n");
    events = drain(session);
    CHECK(reply_at(events, 0).body.size() == 2);
    CHECK(reply_at(events, 0).body_truncated);
    (void)session.history("a");  // a body line past the limit is dropped, the body goes on
    session.receive("+OK 2 messages\r\n" + std::string(41, 'h') + "\r\n1 a * hi\r\n.\r\n");
    events = drain(session);
    REQUIRE(events.size() == 1);
    CHECK(reply_at(events, 0).body == std::vector<std::string>{"1 a * hi"});
    CHECK(reply_at(events, 0).body_truncated);
    session.receive("-ERR WHATEVER new code\r\n");
    events = drain(session);
    CHECK_FALSE(reply_at(events, 0).code.has_value());
    CHECK(reply_at(events, 0).code_word == "WHATEVER");
}

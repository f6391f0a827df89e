// apps/client/commands.hpp: what a line typed into telechat-client means
// (interpret()) and failed replies in words (explain_error()), on a
// telechat::client::Session fed by hand.
#include <catch2/catch.hpp>

#include <telechat/client/session.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "../../apps/client/commands.hpp"

using namespace client_app;
using telechat::protocol::ErrorCode;

namespace {

// What the server says, taken in by the session (interpret() reads its state).
void hear(Session& session, std::string_view lines) {
    session.receive(lines);
    while (session.next_event()) {
    }
}

std::string sent_bytes(const Action& action) {
    REQUIRE(std::holds_alternative<SendLine>(action));
    return std::get<SendLine>(action).bytes;
}

std::string problem_of(const Action& action) {
    REQUIRE(std::holds_alternative<InputProblem>(action));
    return std::get<InputProblem>(action).message;
}

Session registered(Role role, const std::string& name) {
    Session session;
    (void)(role == Role::agent ? session.connect_agent(name, "key")
                               : session.connect_customer(name));
    hear(session, "+OK welcome " + name + "\r\n");
    REQUIRE(session.role() == role);
    return session;
}

}  // namespace

TEST_CASE("interpret: a customer's lines", "[commands]") {
    Session session = registered(Role::customer, "ana");
    CHECK(sent_bytes(interpret("hello  there", session)) == "MSG hello  there\n");
    CHECK(sent_bytes(interpret("//etc/passwd", session)) == "MSG /etc/passwd\n");
    CHECK(sent_bytes(interpret("/quit", session)) == "QUIT\n");
    CHECK(std::holds_alternative<Nothing>(interpret("   ", session)));
    CHECK(std::holds_alternative<ShowHelp>(interpret("/help", session)));
    CHECK(problem_of(interpret("/list", session)) == "/list is for agents; just type your message");
    CHECK(problem_of(interpret("/nope", session)) ==
          "unknown command /nope; /help lists the commands");
}

TEST_CASE("interpret: an agent's lines", "[commands]") {
    Session session = registered(Role::agent, "sam");
    CHECK(problem_of(interpret("hi", session)) ==
          "you have no customer yet; wait for one to be assigned");
    hear(session, "ASSIGNED ana\r\n");
    CHECK(sent_bytes(interpret("hi", session)) == "MSG ana hi\n");
    CHECK(sent_bytes(interpret("/msg bob  two", session)) == "MSG bob  two\n");
    CHECK(sent_bytes(interpret("/list", session)) == "LIST\n");
    CHECK(sent_bytes(interpret("/hist ana", session)) == "HIST ana\n");
    CHECK(sent_bytes(interpret("/hist ana 3", session)) == "HIST ana 3\n");
    CHECK(sent_bytes(interpret("/end ana", session)) == "END ana\n");
    CHECK(problem_of(interpret("/m hi", session)) ==
          "no customer has written to you yet: use /msg <customer> <text>");
    hear(session, "MSG ana yo\r\n");
    CHECK(sent_bytes(interpret("/m back at you", session)) == "MSG ana back at you\n");
    CHECK(problem_of(interpret("/msg ana", session)) == "usage: /msg <customer> <text>");
    CHECK(problem_of(interpret("/hist", session)) == "usage: /hist <name> [n]");
    CHECK(problem_of(interpret("/hist a 1 2", session)) == "usage: /hist <name> [n]");
    CHECK(problem_of(interpret("/end", session)) == "usage: /end <customer>");
    const auto wait = interpret("/wait assigned 2.5", session);
    REQUIRE(std::holds_alternative<WaitForPush>(wait));
    CHECK(std::get<WaitForPush>(wait).kind == PushKind::assigned);
    CHECK(std::get<WaitForPush>(wait).seconds == 2.5);
    CHECK(std::get<Pause>(interpret("/sleep 0.25", session)).seconds == 0.25);
    CHECK(problem_of(interpret("/sleep forever", session)) == "usage: /sleep <seconds>");
}

TEST_CASE("explain_error says what went wrong in words, with the name in question", "[commands]") {
    const auto explain = [](ErrorCode code, std::optional<CommandKind> request,
                            std::string target = "bob") {
        Reply reply;
        reply.request = request;
        reply.target = std::move(target);
        reply.code = code;
        reply.code_word = std::string(telechat::protocol::wire_name(code));
        reply.text = "reason";
        return explain_error(reply);
    };
    CHECK(explain(ErrorCode::name_taken, CommandKind::connect) ==
          "that name is in use, pick another");
    CHECK(explain(ErrorCode::auth_failed, CommandKind::connect) == "wrong agent key");
    CHECK(explain(ErrorCode::no_such_user, CommandKind::msg) == "nobody called bob is connected");
    CHECK(explain(ErrorCode::no_such_user, CommandKind::hist) == "there is no history for bob");
    CHECK(explain(ErrorCode::not_assigned, CommandKind::end) == "bob is not one of your customers");
    CHECK(explain(ErrorCode::server_full, CommandKind::connect) ==
          "the server is full, try again later");
    CHECK(explain(ErrorCode::server_full, std::nullopt) == "the server is full, try again later");
    CHECK(explain(ErrorCode::server_full, CommandKind::msg)
              .starts_with("too many messages while you wait"));
    for (int code = 0; code <= static_cast<int>(ErrorCode::server_full); ++code) {
        const auto error = static_cast<ErrorCode>(code);
        CHECK(telechat::protocol::from_wire_name(telechat::protocol::wire_name(error)) == error);
        CHECK_FALSE(explain(error, CommandKind::msg).empty());
    }
    CHECK_FALSE(telechat::protocol::from_wire_name("name_taken").has_value());  // exact, upper case
}

TEST_CASE("command_names: the slash commands of a role, read from the help text",
          "[client][commands]") {
    CHECK(command_names(Role::customer) == std::vector<std::string>{"/help", "/quit"});
    CHECK(command_names(Role::agent) == std::vector<std::string>{"/switch", "/msg", "/m", "/list",
                                                                 "/hist", "/end", "/help",
                                                                 "/quit"});
}

TEST_CASE("interpret: an agent's plain line goes to the current customer, /switch names one",
          "[client][commands]") {
    Session session = registered(Role::agent, "sam");
    hear(session, "ASSIGNED ana\r\nASSIGNED bo\r\n");
    CHECK(problem_of(interpret("hi", session)).starts_with("you have 2 customers (ana, bo)"));
    CHECK(sent_bytes(interpret("hi", session, "bo")) == "MSG bo hi\n");
    CHECK(std::get<SendLine>(interpret("hi", session, "bo")).request == CommandKind::msg);
    CHECK(std::get<SendLine>(interpret("/list", session)).request == CommandKind::list);
    CHECK(std::get<SwitchTo>(interpret("/switch  Bo", session)).name == "Bo");
    CHECK(problem_of(interpret("/switch", session)) == "usage: /switch <customer>");
    CHECK(problem_of(interpret("/switch bo ana", session)) == "usage: /switch <customer>");
    Session customer = registered(Role::customer, "ana");
    CHECK(problem_of(interpret("/switch bo", customer)) ==
          "/switch is for agents; just type your message");
}

// The 3MCP vocabulary used both ways: the words are the bytes of
// docs/protocol.md; what the server's writers write, the client's readers
// read back; what the client's command writer writes, the server's command
// splitter recognizes.
#include <telechat/protocol/command.hpp>
#include <telechat/protocol/command_writer.hpp>
#include <telechat/protocol/server_lines.hpp>
#include <telechat/protocol/vocabulary.hpp>
#include <telechat/protocol/writer.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

using namespace telechat::protocol;

namespace {

constexpr PushKind all_pushes[] = {PushKind::msg, PushKind::queued, PushKind::assigned,
                                   PushKind::left, PushKind::quit};

// The line `write` appends, without its line ending.
template <class Write>
std::string line_of(Write write, std::string_view ending) {
    std::string out;
    write(out);
    REQUIRE(out.ends_with(ending));
    out.resize(out.size() - ending.size());
    return out;
}

}  // namespace

TEST_CASE("vocabulary: the words are the protocol's bytes", "[vocabulary]") {
    STATIC_REQUIRE(command_word(CommandKind::connect) == "CONNECT");
    STATIC_REQUIRE(command_word(CommandKind::msg) == "MSG");
    STATIC_REQUIRE(command_word(CommandKind::list) == "LIST");
    STATIC_REQUIRE(command_word(CommandKind::hist) == "HIST");
    STATIC_REQUIRE(command_word(CommandKind::end) == "END");
    STATIC_REQUIRE(command_word(CommandKind::quit) == "QUIT");
    STATIC_REQUIRE(command_word(CommandKind::ping) == "PING");
    STATIC_REQUIRE(command_word(CommandKind::help) == "HELP");
    STATIC_REQUIRE(push_word(PushKind::msg) == "MSG");
    STATIC_REQUIRE(push_word(PushKind::queued) == "QUEUED");
    STATIC_REQUIRE(push_word(PushKind::assigned) == "ASSIGNED");
    STATIC_REQUIRE(push_word(PushKind::left) == "LEFT");
    STATIC_REQUIRE(push_word(PushKind::quit) == "QUIT");
    STATIC_REQUIRE(word::ok == "+OK");
    STATIC_REQUIRE(word::error == "-ERR");
    STATIC_REQUIRE(word::end_of_body == ".");
    STATIC_REQUIRE(word::customer == "CUSTOMER");
    STATIC_REQUIRE(word::agent == "AGENT");
    STATIC_REQUIRE(word::waiting == "WAITING");
    STATIC_REQUIRE(word::chatting == "CHATTING");
    STATIC_REQUIRE(word::nobody == "*");
    STATIC_REQUIRE(word::welcome == "welcome");
    STATIC_REQUIRE(word::received == "message received");
    STATIC_REQUIRE(word::bye == "bye");
    STATIC_REQUIRE(word::pong == "PONG");
    STATIC_REQUIRE(word::users == "users");
    STATIC_REQUIRE(word::messages == "messages");
    STATIC_REQUIRE(word::commands == "commands");
    // The commands and pushes that share a word share the constant.
    STATIC_REQUIRE(command_word(CommandKind::msg).data() == push_word(PushKind::msg).data());
    STATIC_REQUIRE(command_word(CommandKind::quit).data() == push_word(PushKind::quit).data());
}

TEST_CASE("vocabulary: every push word names its kind and nothing else does", "[vocabulary]") {
    for (const PushKind kind : all_pushes) {
        CHECK(push_kind(push_word(kind)) == kind);
    }
    CHECK_FALSE(push_kind("msg").has_value());  // the server's words are upper case
    CHECK_FALSE(push_kind("LIST").has_value());
    CHECK_FALSE(push_kind("").has_value());
    CHECK_FALSE(push_kind("+OK").has_value());
}

TEST_CASE("command writer: the exact lines, LF-terminated, arguments verbatim",
          "[vocabulary][command_writer]") {
    std::string out;
    write_command(out, CommandKind::connect, word::agent, "sam", "k3y");
    write_command(out, CommandKind::msg, "ana", " hi  there");
    write_command(out, CommandKind::list);
    write_command(out, CommandKind::hist, "ana", "5");
    write_command(out, CommandKind::ping, std::string("t 1"));
    write_command(out, CommandKind::msg, std::string_view{});  // empty, but sent as given
    CHECK(out ==
          "CONNECT AGENT sam k3y\n"
          "MSG ana  hi  there\n"
          "LIST\n"
          "HIST ana 5\n"
          "PING t 1\n"
          "MSG \n");
    STATIC_REQUIRE(lf == "\n");
}

TEST_CASE("command writer: the server's splitter reads every command back", "[vocabulary]") {
    for (const CommandKind kind : all_commands) {
        const std::string line =
            line_of([&](std::string& out) { write_command(out, kind, "bob", "two words"); }, lf);
        const auto split = split_command(line);
        REQUIRE(split.has_value());
        CHECK(split->kind == kind);
        CHECK(split->arguments == "bob two words");
    }
    const std::string connect = line_of(
        [](std::string& out) { write_command(out, CommandKind::connect, word::agent, "Sam", "k"); },
        lf);
    const auto parsed = parse_connect(split_command(connect)->arguments);
    REQUIRE(std::holds_alternative<ConnectCommand>(parsed));
    CHECK(std::get<ConnectCommand>(parsed).role == Role::agent);
    CHECK(std::get<ConnectCommand>(parsed).name == "Sam");
    CHECK(std::get<ConnectCommand>(parsed).key == "k");
}

TEST_CASE("writer: pushes from the vocabulary", "[vocabulary][writer]") {
    std::string out;
    write_push(out, PushKind::msg, "bob", " hi");
    write_push(out, PushKind::queued, std::uint64_t{2});
    write_push(out, PushKind::assigned, "alice");
    write_push(out, PushKind::left, "bob");
    write_push(out, PushKind::quit, "server shutting down");
    CHECK(out ==
          "MSG bob  hi\r\n"
          "QUEUED 2\r\n"
          "ASSIGNED alice\r\n"
          "LEFT bob\r\n"
          "QUIT server shutting down\r\n");
}

TEST_CASE("server lines: what the writers write, the readers read back", "[vocabulary]") {
    SECTION("pushes") {
        const std::string msg_line = line_of(
            [](std::string& out) { write_push(out, PushKind::msg, "bob", " a  b "); }, crlf);
        const auto msg = parse_push(msg_line);
        REQUIRE(msg.has_value());
        CHECK(msg->kind == PushKind::msg);
        CHECK(msg->name == "bob");
        CHECK(msg->text == " a  b ");
        const std::string queued_line = line_of(
            [](std::string& out) { write_push(out, PushKind::queued, std::uint64_t{17}); }, crlf);
        const auto queued = parse_push(queued_line);
        REQUIRE(queued.has_value());
        CHECK(queued->position == 17);
        const auto left = parse_push("LEFT Carla");
        REQUIRE(left.has_value());
        CHECK(left->kind == PushKind::left);
        CHECK(left->name == "Carla");
        const auto quit = parse_push("QUIT conversation ended by ana");
        REQUIRE(quit.has_value());
        CHECK(quit->kind == PushKind::quit);
        CHECK(quit->text == "conversation ended by ana");
        CHECK(parse_push("QUIT").has_value());
    }
    SECTION("replies") {
        const std::string ok = line_of([](std::string& out) { write_ok(out, word::bye); }, crlf);
        REQUIRE(is_reply(ok));
        CHECK(parse_reply(ok).ok);
        CHECK(parse_reply(ok).text == "bye");
        CHECK(parse_reply("+OK").text.empty());
        CHECK(parse_reply("+OK PONG  a b ").text == "PONG  a b ");
        const std::string error = line_of(
            [](std::string& out) { write_error(out, ErrorCode::not_assigned, "not yours"); }, crlf);
        const ReplyLine failed = parse_reply(error);
        CHECK_FALSE(failed.ok);
        CHECK(failed.code == ErrorCode::not_assigned);
        CHECK(failed.code_word == "NOT_ASSIGNED");
        CHECK(failed.text == "not yours");
        const ReplyLine unknown = parse_reply("-ERR SOMETHING_NEW reason");
        CHECK_FALSE(unknown.code.has_value());
        CHECK(unknown.code_word == "SOMETHING_NEW");
        CHECK(is_end_of_body(line_of(write_end_of_body, crlf)));
        CHECK_FALSE(is_end_of_body(".."));
        CHECK_FALSE(is_reply("MSG bob hi"));
    }
    SECTION("LIST lines") {
        const auto agent = parse_user_line("ana AGENT 1/3");
        REQUIRE(agent.has_value());
        CHECK(agent->role == Role::agent);
        CHECK(agent->customers == 1);
        CHECK(agent->capacity == 3);
        const auto waiting = parse_user_line("Carla CUSTOMER WAITING 2");
        REQUIRE(waiting.has_value());
        CHECK(waiting->waiting);
        CHECK(waiting->position == 2);
        const auto chatting = parse_user_line("bob CUSTOMER CHATTING ana");
        REQUIRE(chatting.has_value());
        CHECK_FALSE(chatting->waiting);
        CHECK(chatting->agent == "ana");
    }
    SECTION("HIST records") {
        const std::string line = line_of(
            [](std::string& out) {
                write_line(out, std::uint64_t{1767258004512}, "bob", word::nobody, " two  words");
            },
            crlf);
        const auto record = parse_history_record(line);
        REQUIRE(record.has_value());
        CHECK(record->unix_ms == 1767258004512);
        CHECK(record->from == "bob");
        CHECK(record->to == word::nobody);
        CHECK(record->text == " two  words");
    }
}

TEST_CASE("server lines: what does not follow the grammar is not read as 3MCP", "[vocabulary]") {
    for (const std::string_view line :
         {"", "HELLO there", "QUEUED", "QUEUED x", "QUEUED 3 ", "QUEUED 1234567890123456789", "MSG",
          "ASSIGNED", "LEFT", " MSG bob hi", "msg bob hi"}) {
        INFO(line);
        CHECK_FALSE(parse_push(line).has_value());
    }
    for (const std::string_view line :
         {"", "ana", "ana AGENT", "ana AGENT 1", "ana AGENT x/3", "ana AGENT 1/3 extra",
          "bob CUSTOMER", "bob CUSTOMER WAITING", "bob CUSTOMER WAITING one",
          "bob CUSTOMER CHATTING", "bob PERSON CHATTING ana"}) {
        INFO(line);
        CHECK_FALSE(parse_user_line(line).has_value());
    }
    for (const std::string_view line :
         {"", "17", "17 bob", "17 bob ana", "17 bob ana ", "x bob ana hi"}) {
        INFO(line);
        CHECK_FALSE(parse_history_record(line).has_value());
    }
}

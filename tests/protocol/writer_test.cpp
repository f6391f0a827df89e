// Unit tests of the 3MCP writers and error-code names: the exact bytes of
// replies and pushes.
#include <telechat/protocol/error_code.hpp>
#include <telechat/protocol/writer.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <utility>

using namespace telechat::protocol;

TEST_CASE("writer: replies are +OK with optional words and CRLF", "[writer]") {
    std::string out;
    SECTION("bare") {
        write_ok(out);
        CHECK(out == "+OK\r\n");
    }
    SECTION("with words") {
        write_ok(out, "welcome", std::string_view{"bob"});
        CHECK(out == "+OK welcome bob\r\n");
    }
    SECTION("with a number") {
        write_ok(out, std::size_t{3}, "users");
        CHECK(out == "+OK 3 users\r\n");
    }
    SECTION("an empty optional word is left out, with its space") {
        write_ok(out, "PONG", std::string_view{});
        CHECK(out == "+OK PONG\r\n");
        out.clear();
        write_ok(out, "PONG", std::string_view{"tok"});
        CHECK(out == "+OK PONG tok\r\n");
        out.clear();
        write_ok(out, "", "bye");
        CHECK(out == "+OK bye\r\n");
    }
    SECTION("std::string words") {
        const std::string name = "Alice";
        write_ok(out, "welcome", name);
        CHECK(out == "+OK welcome Alice\r\n");
    }
}

TEST_CASE("writer: errors are -ERR CODE reason", "[writer]") {
    std::string out;
    write_error(out, ErrorCode::too_long, "line too long");
    CHECK(out == "-ERR TOO_LONG line too long\r\n");
    out.clear();
    write_error(out, ErrorCode::bad_args, "");
    CHECK(out == "-ERR BAD_ARGS\r\n");
    out.clear();
    write_error(out, ErrorCode::name_taken, "bob");
    CHECK(out == "-ERR NAME_TAKEN bob\r\n");
}

TEST_CASE("writer: pushes and body lines", "[writer]") {
    std::string out;
    write_line(out, "MSG", "bob", "hi");
    write_line(out, "QUEUED", std::size_t{1});
    write_line(out, "ASSIGNED", "alice");
    write_line(out, "LEFT", "bob");
    write_line(out, "QUIT", "conversation ended by alice");
    CHECK(out ==
          "MSG bob hi\r\n"
          "QUEUED 1\r\n"
          "ASSIGNED alice\r\n"
          "LEFT bob\r\n"
          "QUIT conversation ended by alice\r\n");

    out.clear();
    write_line(out, "alice", "AGENT", "1/3");
    write_line(out, std::int64_t{1700000000123}, "bob", "*", "hi");
    write_end_of_body(out);
    CHECK(out == "alice AGENT 1/3\r\n1700000000123 bob * hi\r\n.\r\n");
}

TEST_CASE("writer: free text is copied verbatim", "[writer]") {
    std::string out;
    write_line(out, "MSG", "bob", "  hi\tthere  ");
    CHECK(out == "MSG bob   hi\tthere  \r\n");
    out.clear();
    write_line(out, "MSG", "bob", "caf\xC3\xA9 \xF0\x9F\x98\x80");
    CHECK(out == "MSG bob caf\xC3\xA9 \xF0\x9F\x98\x80\r\n");
}

TEST_CASE("writer: integers are written in decimal, zero included", "[writer]") {
    std::string out;
    write_line(out, 0);
    CHECK(out == "0\r\n");
    out.clear();
    write_line(out, "QUEUED", 0U);
    CHECK(out == "QUEUED 0\r\n");
    out.clear();
    write_line(out, std::numeric_limits<std::uint64_t>::max());
    CHECK(out == "18446744073709551615\r\n");
    out.clear();
    write_line(out, std::numeric_limits<std::int64_t>::min(), "x");
    CHECK(out == "-9223372036854775808 x\r\n");
    out.clear();
    write_line(out, -5, 7, "a", 42L);
    CHECK(out == "-5 7 a 42\r\n");
    out.clear();
    write_line(out, "", 12, "");
    CHECK(out == "12\r\n");
}

TEST_CASE("writer: empty words are skipped wherever they are", "[writer]") {
    std::string out;
    write_line(out, "", "a", "", "", "b", "");
    CHECK(out == "a b\r\n");
    out.clear();
    write_line(out, "", std::string_view{}, std::string{});
    CHECK(out == "\r\n");
}

TEST_CASE("writer: every writer appends to what is already there", "[writer]") {
    std::string out = "+OK 1 users\r\n";
    write_line(out, "bob", "CUSTOMER", "WAITING", std::size_t{2});
    write_end_of_body(out);
    write_ok(out, "bye");
    write_error(out, ErrorCode::bad_text, "invalid UTF-8");
    CHECK(out ==
          "+OK 1 users\r\n"
          "bob CUSTOMER WAITING 2\r\n"
          ".\r\n"
          "+OK bye\r\n"
          "-ERR BAD_TEXT invalid UTF-8\r\n");
    STATIC_REQUIRE(crlf == "\r\n");
}

TEST_CASE("error codes: the wire names are the protocol's", "[writer][error_code]") {
    const std::pair<ErrorCode, std::string_view> codes[] = {
        {ErrorCode::bad_command, "BAD_COMMAND"},
        {ErrorCode::bad_args, "BAD_ARGS"},
        {ErrorCode::not_connected, "NOT_CONNECTED"},
        {ErrorCode::already_connected, "ALREADY_CONNECTED"},
        {ErrorCode::bad_name, "BAD_NAME"},
        {ErrorCode::name_taken, "NAME_TAKEN"},
        {ErrorCode::auth_failed, "AUTH_FAILED"},
        {ErrorCode::forbidden, "FORBIDDEN"},
        {ErrorCode::no_such_user, "NO_SUCH_USER"},
        {ErrorCode::not_assigned, "NOT_ASSIGNED"},
        {ErrorCode::too_long, "TOO_LONG"},
        {ErrorCode::bad_text, "BAD_TEXT"},
        {ErrorCode::server_full, "SERVER_FULL"},
    };
    std::set<std::string_view> names;
    for (const auto& [code, name] : codes) {
        CHECK(wire_name(code) == name);
        names.insert(wire_name(code));
    }
    CHECK(names.size() == 13);
    STATIC_REQUIRE(wire_name(ErrorCode::not_assigned) == "NOT_ASSIGNED");
}

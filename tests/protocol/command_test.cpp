// Unit tests of the 3MCP command parser: parse_command (a line parsed once
// into a typed command), the word splitter next_word, and the argument parsers
// it is built on: split_command, parse_connect, parse_msg, parse_hist,
// parse_end, has_no_arguments, parse_text_argument and is_valid_name.
#include <telechat/protocol/command.hpp>

#include <catch2/catch.hpp>

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "framing_support.hpp"

using namespace telechat::protocol;
using protocol_test::escaped;

namespace {

CommandLine split(std::string_view line) {
    INFO("line \"" << escaped(line) << '"');
    const std::optional<CommandLine> command = split_command(line);
    REQUIRE(command.has_value());
    return *command;
}

template <class Command>
Command accepted(const Parsed<Command>& parsed) {
    if (const auto* error = std::get_if<ParseError>(&parsed)) {
        FAIL("refused with " << wire_name(error->code) << ": " << error->reason);
    }
    return std::get<Command>(parsed);
}

template <class Command>
ParseError refused(const Parsed<Command>& parsed) {
    const auto* error = std::get_if<ParseError>(&parsed);
    REQUIRE(error != nullptr);
    CHECK_FALSE(error->reason.empty());
    return *error;
}

/// Whether `part` is a view into `whole` (not a copy).
bool is_inside(std::string_view part, std::string_view whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

}  // namespace

// --- split_command --------------------------------------------------------------------

TEST_CASE("parser: each command word is recognised ignoring case", "[parser]") {
    const std::pair<std::string_view, CommandKind> words[] = {
        {"CONNECT", CommandKind::connect}, {"MSG", CommandKind::msg},   {"LIST", CommandKind::list},
        {"HIST", CommandKind::hist},       {"END", CommandKind::end},   {"QUIT", CommandKind::quit},
        {"PING", CommandKind::ping},       {"HELP", CommandKind::help},
    };
    for (const auto& [word, kind] : words) {
        std::string lower(word);
        for (char& c : lower) {
            c = static_cast<char>(c - 'A' + 'a');
        }
        std::string mixed(word);
        for (std::size_t i = 0; i < mixed.size(); i += 2) {
            mixed[i] = lower[i];
        }
        for (const std::string& spelling : {std::string(word), lower, mixed}) {
            INFO("spelling " << spelling);
            CHECK(split(spelling).kind == kind);
            CHECK(split(spelling).arguments.empty());
            CHECK(split(spelling + " x").kind == kind);
            CHECK(split(spelling + " x").arguments == "x");
            CHECK(split("   " + spelling + " x").kind == kind);  // leading spaces are skipped
        }
    }
}

TEST_CASE("parser: arguments are what follows the word and one space, verbatim", "[parser]") {
    CHECK(split("MSG hi").arguments == "hi");
    CHECK(split("MSG   hi").arguments == "  hi");
    CHECK(split("MSG ").arguments.empty());
    CHECK(split("MSG  ").arguments == " ");
    CHECK(split("MSG hi \t there  ").arguments == "hi \t there  ");
    CHECK(split("  HIST  bob   2").arguments == " bob   2");
    const std::string_view line = "PING token";
    CHECK(is_inside(split(line).arguments, line));
    CHECK(split(line).arguments.data() == line.data() + 5);
}

TEST_CASE("parser: unknown words are not commands", "[parser]") {
    for (const std::string_view line : {"",
                                        " ",
                                        "     ",
                                        "MSGS hi",
                                        "MS hi",
                                        "M",
                                        "CONNECTX CUSTOMER bob",
                                        "PIN G",
                                        "HELLO",
                                        "LISTEN",
                                        "ENDS bob",
                                        "\tPING",
                                        "PING\tx",
                                        "MSG\thi",
                                        "QUIT\r",
                                        "-ERR",
                                        "+OK",
                                        ".",
                                        "\xC3\x89ND bob",
                                        "P\xC3\x8FNG"}) {
        INFO("line \"" << escaped(line) << '"');
        CHECK_FALSE(split_command(line).has_value());
    }
}

// --- CONNECT --------------------------------------------------------------------------

TEST_CASE("parser: CONNECT accepts customers and agents", "[parser][connect]") {
    SECTION("a customer") {
        const auto command = accepted(parse_connect("CUSTOMER bob"));
        CHECK(command.role == Role::customer);
        CHECK(command.name == "bob");
        CHECK(command.key.empty());
    }
    SECTION("an agent") {
        const auto command = accepted(parse_connect("AGENT Alice s3cr3t"));
        CHECK(command.role == Role::agent);
        CHECK(command.name == "Alice");
        CHECK(command.key == "s3cr3t");
    }
    SECTION("the role ignores case, the name keeps it") {
        CHECK(accepted(parse_connect("customer BoB")).role == Role::customer);
        CHECK(accepted(parse_connect("customer BoB")).name == "BoB");
        CHECK(accepted(parse_connect("Agent ALICE k")).role == Role::agent);
        CHECK(accepted(parse_connect("aGeNt ALICE k")).name == "ALICE");
    }
    SECTION("runs of spaces separate, trailing spaces are ignored") {
        const std::string_view line = "CONNECT   AGENT    alice   key  ";
        const CommandLine split_line = split(line);
        REQUIRE(split_line.kind == CommandKind::connect);
        const auto command = accepted(parse_connect(split_line.arguments));
        CHECK(command.role == Role::agent);
        CHECK(command.name == "alice");
        CHECK(command.key == "key");
        CHECK(is_inside(command.name, line));
        CHECK(is_inside(command.key, line));
        CHECK(accepted(parse_connect("CUSTOMER bob   ")).name == "bob");
    }
    SECTION("the key is any one word") {
        CHECK(accepted(parse_connect("AGENT a k\xC3\xA9y!\t#")).key == "k\xC3\xA9y!\t#");
        CHECK(accepted(parse_connect("AGENT a _")).key == "_");
    }
}

TEST_CASE("parser: CONNECT's BAD_ARGS cases", "[parser][connect]") {
    for (const std::string_view arguments :
         {"", "   ", "BOSS bob", "CUSTOMERS bob", "AGENTS bob key", "bob", "CUSTOMER",
          "CUSTOMER   ", "AGENT", "AGENT bob", "AGENT bob   ", "CUSTOMER bob extra",
          "CUSTOMER bob key", "AGENT bob key extra", "AGENT bob key extra more", "CUSTOMER\tbob"}) {
        INFO("CONNECT " << escaped(arguments));
        CHECK(refused(parse_connect(arguments)).code == ErrorCode::bad_args);
    }
    SECTION("an agent key is one word") {
        const ParseError error = refused(parse_connect("AGENT bob my secret key"));
        CHECK(error.code == ErrorCode::bad_args);
        CHECK(error.reason == "too many arguments");
    }
    SECTION("the reasons tell the cases apart") {
        const auto reason = [](std::string_view arguments) {
            return refused(parse_connect(arguments)).reason;
        };
        CHECK(reason("") != reason("BOSS bob"));
        CHECK(reason("BOSS bob") != reason("CUSTOMER"));
        CHECK(reason("CUSTOMER") != reason("AGENT bob"));
        CHECK(reason("AGENT bob") != reason("AGENT bob key x"));
    }
}

TEST_CASE("parser: CONNECT checks BAD_ARGS before BAD_NAME, in the fixed order",
          "[parser][connect]") {
    const auto code = [](std::string_view arguments) {
        return refused(parse_connect(arguments)).code;
    };
    CHECK(code("BOSS _bad") == ErrorCode::bad_args);            // unknown role first
    CHECK(code("AGENT _bad") == ErrorCode::bad_args);           // missing key before the name
    CHECK(code("CUSTOMER _bad extra") == ErrorCode::bad_args);  // extra words before the name
    CHECK(code("AGENT _bad key extra") == ErrorCode::bad_args);
    CHECK(code("CUSTOMER _bad") == ErrorCode::bad_name);
    CHECK(code("AGENT _bad key") == ErrorCode::bad_name);
    CHECK(refused(parse_connect("AGENT bob")).reason ==
          refused(parse_connect("AGENT _bad")).reason);
    CHECK(refused(parse_connect("CUSTOMER bob x")).reason ==
          refused(parse_connect("CUSTOMER _bad x")).reason);
}

TEST_CASE("parser: CONNECT's BAD_NAME cases", "[parser][connect]") {
    const std::string name33(33, 'a');
    for (const std::string& name :
         {name33, std::string("_bob"), std::string("-bob"), std::string(".bob"),
          std::string("b\xC3\xB3"
                      "b"),
          std::string("\xC3\xA9"), std::string("bob!"), std::string("bo@b"), std::string("bo/b"),
          std::string("bo\tb"), std::string("b\x7F")}) {
        INFO("name \"" << escaped(name) << '"');
        CHECK(refused(parse_connect("CUSTOMER " + name)).code == ErrorCode::bad_name);
        CHECK(refused(parse_connect("AGENT " + name + " key")).code == ErrorCode::bad_name);
    }
}

TEST_CASE("parser: CONNECT accepts the edges of the name syntax", "[parser][connect]") {
    const std::string name32 = "A" + std::string(30, 'b') + "9";
    for (const std::string& name :
         {name32, std::string("a"), std::string("7"), std::string("1bob"), std::string("007"),
          std::string("a_b.c-d"), std::string("Z-"), std::string("0_.-")}) {
        INFO("name " << name);
        CHECK(accepted(parse_connect("CUSTOMER " + name)).name == name);
        CHECK(accepted(parse_connect("AGENT " + name + " key")).name == name);
    }
}

TEST_CASE("parser: a refused CONNECT never echoes the key", "[parser][connect]") {
    for (const std::string_view arguments : {"AGENT bob s3cr3t extra", "AGENT _bob s3cr3t",
                                             "AGENT bob s3cr3t s3cr3t", "BOSS bob s3cr3t"}) {
        INFO("CONNECT " << arguments);
        CHECK(refused(parse_connect(arguments)).reason.find("s3cr3t") == std::string_view::npos);
    }
}

// --- is_valid_name --------------------------------------------------------------------

TEST_CASE("parser: is_valid_name over every byte and every length", "[parser][name]") {
    const auto is_alnum = [](unsigned b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9');
    };
    for (unsigned b = 0; b < 256; ++b) {
        const char c = static_cast<char>(static_cast<unsigned char>(b));
        const bool first_ok = is_alnum(b);
        const bool later_ok = first_ok || b == '_' || b == '.' || b == '-';
        INFO("byte 0x" << std::hex << b);
        CHECK(is_valid_name(std::string(1, c)) == first_ok);
        CHECK(is_valid_name(std::string("a") + c) == later_ok);
        CHECK(is_valid_name(std::string("ab") + c + "cd") == later_ok);
    }
    CHECK_FALSE(is_valid_name(""));
    for (std::size_t length = 1; length <= 40; ++length) {
        INFO("length " << length);
        CHECK(is_valid_name(std::string(length, 'x')) == (length <= 32));
        CHECK(is_valid_name("9" + std::string(length - 1, '-')) == (length <= 32));
    }
    STATIC_REQUIRE(is_valid_name("bob"));
    STATIC_REQUIRE_FALSE(is_valid_name("_bob"));
}

// --- MSG ------------------------------------------------------------------------------

TEST_CASE("parser: a customer's MSG takes the arguments verbatim", "[parser][msg]") {
    const auto text = [](std::string_view line) {
        const CommandLine command = split(line);
        REQUIRE(command.kind == CommandKind::msg);
        const MsgCommand msg = accepted(parse_msg(command.arguments, Role::customer));
        CHECK(msg.recipient.empty());
        CHECK(is_inside(msg.text, line));
        return msg.text;
    };
    CHECK(text("MSG hi") == "hi");
    CHECK(text("MSG   hi") == "  hi");
    CHECK(text("MSG hello  there\t!  ") == "hello  there\t!  ");
    CHECK(text("MSG bob hi") == "bob hi");
    CHECK(text("msg \t") == "\t");
    CHECK(text("MSG  ") == " ");
    CHECK(text("MSG caf\xC3\xA9") == "caf\xC3\xA9");
}

TEST_CASE("parser: a customer's MSG with no text is BAD_ARGS", "[parser][msg]") {
    CHECK(refused(parse_msg("", Role::customer)).code == ErrorCode::bad_args);
    CHECK(refused(parse_msg(split("MSG").arguments, Role::customer)).code == ErrorCode::bad_args);
    CHECK(refused(parse_msg(split("MSG ").arguments, Role::customer)).code == ErrorCode::bad_args);
}

TEST_CASE("parser: an agent's MSG names the customer, then free text", "[parser][msg]") {
    const auto msg = [](std::string_view line) {
        const CommandLine command = split(line);
        REQUIRE(command.kind == CommandKind::msg);
        const MsgCommand parsed = accepted(parse_msg(command.arguments, Role::agent));
        CHECK(is_inside(parsed.recipient, line));
        CHECK(is_inside(parsed.text, line));
        // One string, so that Catch can print it: recipient|text.
        return std::string(parsed.recipient) + '|' + std::string(parsed.text);
    };
    CHECK(msg("MSG bob hi") == "bob|hi");
    CHECK(msg("MSG   bob hi") == "bob|hi");
    CHECK(msg("MSG bob  hi") == "bob| hi");
    CHECK(msg("MSG bob hi\tthere  you ") == "bob|hi\tthere  you ");
    CHECK(msg("MSG bob \t") == "bob|\t");
    CHECK(msg("MSG bob  ") == "bob| ");
    CHECK(msg("MSG BoB x") == "BoB|x");
}

TEST_CASE("parser: an agent's MSG without recipient or text is BAD_ARGS", "[parser][msg]") {
    for (const std::string_view line : {"MSG", "MSG ", "MSG    ", "MSG bob", "MSG bob ",
                                        "MSG   bob", "MSG   bob ", "MSG bob\thi"}) {
        INFO("line \"" << escaped(line) << '"');
        CHECK(refused(parse_msg(split(line).arguments, Role::agent)).code == ErrorCode::bad_args);
    }
}

// --- HIST -----------------------------------------------------------------------------

TEST_CASE("parser: HIST takes a name and an optional positive count", "[parser][hist]") {
    const auto hist = [](std::string_view line) {
        const CommandLine command = split(line);
        REQUIRE(command.kind == CommandKind::hist);
        return accepted(parse_hist(command.arguments));
    };
    CHECK(hist("HIST bob").name == "bob");
    CHECK_FALSE(hist("HIST bob").count.has_value());
    CHECK_FALSE(hist("HIST bob   ").count.has_value());
    CHECK(hist("HIST bob 2").count == std::optional<std::size_t>(2));
    CHECK(hist("HIST  bob   2").name == "bob");
    CHECK(hist("HIST  bob   2").count == std::optional<std::size_t>(2));
    CHECK(hist("HIST bob 2   ").count == std::optional<std::size_t>(2));
    CHECK(hist("hist BOB 1").name == "BOB");
    CHECK(hist("HIST bob 1").count == std::optional<std::size_t>(1));
    CHECK(hist("HIST bob 007").count == std::optional<std::size_t>(7));
    CHECK(hist("HIST bob 1000").count == std::optional<std::size_t>(1000));
    CHECK(hist("HIST bob 123456789").count == std::optional<std::size_t>(123456789));
    // HIST does not check the name's syntax: an unknown name is NO_SUCH_USER later.
    CHECK(hist("HIST _x").name == "_x");
}

TEST_CASE("parser: a huge HIST count saturates instead of wrapping", "[parser][hist]") {
    const std::size_t huge = std::numeric_limits<std::size_t>::max() / 16;
    for (const std::string& digits :
         {std::string("18446744073709551615"), std::string("18446744073709551616"),
          std::string("99999999999999999999999999"), std::string(4096, '9'),
          "1" + std::string(300, '0')}) {
        INFO("count " << digits.substr(0, 40));
        const auto command = accepted(parse_hist("bob " + digits));
        REQUIRE(command.count.has_value());
        CHECK(*command.count >= huge);
    }
}

TEST_CASE("parser: HIST's BAD_ARGS cases", "[parser][hist]") {
    for (const std::string_view arguments :
         {"", "   ", "bob 0", "bob 00", "bob 000000", "bob -1", "bob +1", "bob 1x", "bob x",
          "bob 1.5", "bob 0x10", "bob 1e3", "bob 2\t", "bob \xD9\xA1", "bob 2 3", "bob 2 x",
          "bob all"}) {
        INFO("HIST " << escaped(arguments));
        CHECK(refused(parse_hist(arguments)).code == ErrorCode::bad_args);
    }
    CHECK(refused(parse_hist("bob 2 3")).reason == "too many arguments");
}

// --- END, LIST, QUIT, PING ------------------------------------------------------------

TEST_CASE("parser: END takes exactly one name", "[parser][end]") {
    CHECK(accepted(parse_end("bob")).customer == "bob");
    CHECK(accepted(parse_end(split("END   bob  ").arguments)).customer == "bob");
    CHECK(accepted(parse_end("_not_checked_here")).customer == "_not_checked_here");
    for (const std::string_view arguments :
         {"", "   ", "bob alice", "bob alice carol", "  bob x  "}) {
        INFO("END " << arguments);
        CHECK(refused(parse_end(arguments)).code == ErrorCode::bad_args);
    }
}

TEST_CASE("parser: LIST takes no arguments", "[parser][list]") {
    CHECK(has_no_arguments(split("LIST").arguments));
    CHECK(has_no_arguments(split("list   ").arguments));
    CHECK_FALSE(has_no_arguments(split("LIST all").arguments));
    CHECK_FALSE(has_no_arguments(split("LIST   x  ").arguments));
    CHECK_FALSE(has_no_arguments("\t"));
}

TEST_CASE("parser: QUIT and PING take optional free text", "[parser][text]") {
    CHECK(parse_text_argument(split("QUIT").arguments).text.empty());
    CHECK(parse_text_argument(split("QUIT   ").arguments).text.empty());
    CHECK(parse_text_argument(split("QUIT bye").arguments).text == "bye");
    CHECK(parse_text_argument(split("QUIT   see you\tsoon  ").arguments).text == "see you\tsoon  ");
    CHECK(parse_text_argument(split("PING abc").arguments).text == "abc");
    CHECK(parse_text_argument(split("ping  a  b").arguments).text == "a  b");
    CHECK(parse_text_argument(split("PING \tx").arguments).text == "\tx");
}

// --- next_word and text_after_word: the one word splitter ----------------------------

TEST_CASE("parser: next_word cuts words at runs of spaces and keeps the separator",
          "[parser][words]") {
    std::string_view rest = "  MSG bob  hi there";
    CHECK(next_word(rest) == "MSG");
    CHECK(rest == " bob  hi there");
    CHECK(next_word(rest) == "bob");
    CHECK(rest == "  hi there");
    CHECK(text_after_word(rest) == " hi there");
    CHECK(next_word(rest) == "hi");
    CHECK(next_word(rest) == "there");
    CHECK(rest.empty());
    CHECK(next_word(rest).empty());
    std::string_view tabbed = "a\tb c";
    CHECK(next_word(tabbed) == "a\tb");  // only ' ' separates words
    std::string_view spaces = "    ";
    CHECK(next_word(spaces).empty());
    CHECK(spaces.empty());
    CHECK(text_after_word("").empty());
}

// --- parse_command: a line parsed once into a typed command --------------------------

namespace {

template <class Alternative>
Alternative parsed_as(std::string_view line, Role sender = Role::customer) {
    INFO("line \"" << escaped(line) << '"');
    const Command command = parse_command(line, sender);
    REQUIRE(std::holds_alternative<Alternative>(command));
    return std::get<Alternative>(command);
}

}  // namespace

TEST_CASE("parse_command: blank lines, bad text and unknown words, in that order",
          "[parser][command]") {
    for (const std::string_view line : {"", " ", "     "}) {
        CHECK(std::holds_alternative<BlankLine>(parse_command(line, Role::customer)));
        CHECK_FALSE(kind_of(parse_command(line, Role::agent)).has_value());
    }
    CHECK(parsed_as<RefusedLine>("MSG a\x01").code == ErrorCode::bad_text);
    CHECK(parsed_as<RefusedLine>("NOPE \xFF").code == ErrorCode::bad_text);  // text before the word
    CHECK(parsed_as<RefusedLine>("NOPE").code == ErrorCode::bad_command);
    CHECK(parsed_as<RefusedLine>("\tMSG hi").code == ErrorCode::bad_command);
    CHECK_FALSE(kind_of(parse_command("NOPE", Role::customer)).has_value());
}

TEST_CASE("parse_command: each command comes out typed, with its kind", "[parser][command]") {
    const ConnectCommand connect = parsed_as<ConnectCommand>("connect AGENT ann k3y");
    CHECK(connect.role == Role::agent);
    CHECK(connect.name == "ann");
    CHECK(connect.key == "k3y");
    CHECK(parsed_as<MsgCommand>("MSG  hello there").text == " hello there");
    const MsgCommand from_agent = parsed_as<MsgCommand>("MSG bob  hi", Role::agent);
    CHECK(from_agent.recipient == "bob");
    CHECK(from_agent.text == " hi");
    static_cast<void>(parsed_as<ListCommand>("LIST  "));
    CHECK(parsed_as<HistCommand>("HIST bob 2").count == std::optional<std::size_t>{2});
    CHECK(parsed_as<EndCommand>("END bob").customer == "bob");
    CHECK(parsed_as<QuitCommand>("QUIT   see you").reason == "see you");
    CHECK(parsed_as<PingCommand>("ping abc").token == "abc");
    static_cast<void>(parsed_as<HelpCommand>("HELP me please"));  // HELP ignores its arguments
    const std::pair<std::string_view, CommandKind> kinds[] = {
        {"CONNECT CUSTOMER bob", CommandKind::connect},
        {"MSG x", CommandKind::msg},
        {"LIST", CommandKind::list},
        {"HIST bob", CommandKind::hist},
        {"END bob", CommandKind::end},
        {"QUIT", CommandKind::quit},
        {"PING", CommandKind::ping},
        {"HELP", CommandKind::help},
    };
    for (const auto& [line, kind] : kinds) {
        CHECK(kind_of(parse_command(line, Role::customer)) == std::optional<CommandKind>{kind});
    }
}

TEST_CASE("parse_command: wrong arguments keep the command's kind and the argument parser's error",
          "[parser][command]") {
    const auto bad = [](std::string_view line, Role sender) {
        return parsed_as<BadArguments>(line, sender);
    };
    CHECK(bad("CONNECT", Role::customer).command == CommandKind::connect);
    CHECK(bad("CONNECT CUSTOMER _x", Role::customer).error.code == ErrorCode::bad_name);
    CHECK(bad("CONNECT CUSTOMER _x", Role::customer).error.reason ==
          refused(parse_connect("CUSTOMER _x")).reason);
    CHECK(bad("MSG", Role::customer).error.reason == refused(parse_msg("", Role::customer)).reason);
    CHECK(bad("MSG bob", Role::agent).error.reason ==
          refused(parse_msg("bob", Role::agent)).reason);
    CHECK(bad("LIST all", Role::agent).command == CommandKind::list);
    CHECK(bad("LIST all", Role::agent).error.reason == "usage: LIST");
    CHECK(bad("HIST bob 0", Role::agent).command == CommandKind::hist);
    CHECK(bad("END", Role::agent).command == CommandKind::end);
    CHECK(kind_of(parse_command("END", Role::agent)) ==
          std::optional<CommandKind>{CommandKind::end});
    // The same MSG reads differently from a customer and an agent.
    CHECK(parsed_as<MsgCommand>("MSG bob", Role::customer).text == "bob");
}

TEST_CASE("parse_command: the views point into the line, and it runs at compile time",
          "[parser][command]") {
    const std::string line = "MSG ann how are you";
    const MsgCommand msg = parsed_as<MsgCommand>(line, Role::agent);
    CHECK(is_inside(msg.recipient, line));
    CHECK(is_inside(msg.text, line));
    static_assert(kind_of(parse_command("HIST ann 3", Role::agent)) == CommandKind::hist);
    static_assert(std::holds_alternative<BlankLine>(parse_command("  ", Role::customer)));
    CHECK(help_summary.size() == 8);
}

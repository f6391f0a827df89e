// A libFuzzer-style harness for the protocol layer, replayed as a unit test.
//
// protocol_one_input() has the shape of LLVMFuzzerTestOneInput: it takes
// arbitrary bytes, runs them through the framer (whole, byte by byte and in
// a split derived from the input), the text check, the command parser and
// the writer, and reports every broken invariant. Here it is replayed on
// generated inputs and on every file of the corpus tests/protocol/replay_corpus
// (its path is compiled in as TELECHAT_PROTOCOL_CORPUS), in every build.
//
// A corpus file is one input: byte 0 picks the line limit ('\xFF' and
// every byte from 0xC0: 1024; below: 2 + byte % 64), the rest is the byte
// stream. The corpus starts with hand-written seeds, one per file, named
// for what they try; an input that once broke an invariant (a fuzzer's crash
// artefact, say) goes there too, and is replayed from then on.
#include <telechat/protocol/command.hpp>
#include <telechat/protocol/framer.hpp>
#include <telechat/protocol/text.hpp>
#include <telechat/protocol/writer.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "framing_support.hpp"

using namespace telechat::protocol;
using namespace protocol_test;
using namespace std::string_view_literals;

namespace {

/// Whether `part` is a view into `whole`; an empty view may point anywhere.
bool is_inside(std::string_view part, std::string_view whole) {
    return part.empty() || (part.data() >= whole.data() &&
                            part.data() + part.size() <= whole.data() + whole.size());
}

bool has_space(std::string_view word) {
    return word.find(' ') != std::string_view::npos;
}

struct Report {
    std::vector<std::string> problems;
    std::size_t lines = 0;
    std::size_t commands = 0;
    std::size_t parsed = 0;

    void expect(bool condition, std::string_view what, std::string_view line) {
        if (!condition) {
            problems.push_back(std::string(what) + " in \"" + escaped(line) + '"');
        }
    }
};

/// Properties that any text is_valid_text accepts must have, checked byte by byte.
bool plausible_text(std::string_view text) {
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if ((b < 0x20U && b != '\t') || b == 0x7FU || b == 0xC0U || b == 0xC1U || b >= 0xF5U) {
            return false;
        }
    }
    return true;
}

/// Writing a line and framing it again gives back the same line.
void check_round_trip(Report& report, std::string_view from, std::string_view text) {
    std::string out;
    write_line(out, "MSG", from, text);
    report.expect(out.size() >= 2 && out.substr(out.size() - 2) == "\r\n",
                  "a written line lacks CRLF", out);
    const Outcome reframed = reference_outcome(out, out.size());
    const Feeding fed = feed_with_cuts(out, byte_by_byte(out.size()), out.size());
    report.expect(fed.outcome == reframed, "re-framing a written line depends on the split", out);
    const std::string expected = "MSG " + std::string(from) + ' ' + std::string(text);
    report.expect(reframed.events.size() == 1 && reframed.events[0].text == expected,
                  "a written line does not frame back to itself", out);
}

void check_command(Report& report, std::string_view line) {
    const std::optional<CommandLine> command = split_command(line);
    if (!command) {
        return;
    }
    ++report.commands;
    const std::string_view args = command->arguments;
    report.expect(is_inside(args, line), "arguments are not a view into the line", line);
    report.expect(line.substr(line.size() - args.size()) == args,
                  "arguments are not the end of the line", line);
    const auto check_error = [&](const ParseError& error, bool name_allowed) {
        report.expect(error.code == ErrorCode::bad_args ||
                          (name_allowed && error.code == ErrorCode::bad_name),
                      "unexpected parse error code", line);
        report.expect(!error.reason.empty(), "a parse error without a reason", line);
    };
    switch (command->kind) {
        case CommandKind::connect: {
            const auto parsed = parse_connect(args);
            if (const auto* ok = std::get_if<ConnectCommand>(&parsed)) {
                ++report.parsed;
                report.expect(is_valid_name(ok->name), "CONNECT accepted a bad name", line);
                report.expect(is_inside(ok->name, args) && !has_space(ok->name), "CONNECT name",
                              line);
                report.expect((ok->role == Role::agent) == !ok->key.empty(), "CONNECT key presence",
                              line);
                report.expect(!has_space(ok->key) && (ok->key.empty() || is_inside(ok->key, args)),
                              "CONNECT key", line);
            } else {
                const auto& error = std::get<ParseError>(parsed);
                check_error(error, true);
            }
            break;
        }
        case CommandKind::msg: {
            const auto as_customer = parse_msg(args, Role::customer);
            if (const auto* ok = std::get_if<MsgCommand>(&as_customer)) {
                ++report.parsed;
                report.expect(
                    ok->recipient.empty() && ok->text == args && ok->text.data() == args.data(),
                    "a customer's MSG text is not the arguments", line);
                check_round_trip(report, "bob", ok->text);
            } else {
                check_error(std::get<ParseError>(as_customer), false);
                report.expect(args.empty(), "a customer's MSG refused with text", line);
            }
            const auto as_agent = parse_msg(args, Role::agent);
            if (const auto* ok = std::get_if<MsgCommand>(&as_agent)) {
                ++report.parsed;
                report.expect(!ok->recipient.empty() && !has_space(ok->recipient) &&
                                  is_inside(ok->recipient, args),
                              "an agent's MSG recipient", line);
                report.expect(
                    !ok->text.empty() && line.substr(line.size() - ok->text.size()) == ok->text &&
                        ok->text.data() == ok->recipient.data() + ok->recipient.size() + 1,
                    "an agent's MSG text does not start after the recipient and one space", line);
                check_round_trip(report, ok->recipient, ok->text);
            } else {
                check_error(std::get<ParseError>(as_agent), false);
            }
            break;
        }
        case CommandKind::hist: {
            const auto parsed = parse_hist(args);
            if (const auto* ok = std::get_if<HistCommand>(&parsed)) {
                ++report.parsed;
                report.expect(
                    !ok->name.empty() && !has_space(ok->name) && is_inside(ok->name, args),
                    "HIST name", line);
                report.expect(!ok->count || *ok->count > 0, "HIST accepted a zero count", line);
            } else {
                check_error(std::get<ParseError>(parsed), false);
            }
            break;
        }
        case CommandKind::end: {
            const auto parsed = parse_end(args);
            if (const auto* ok = std::get_if<EndCommand>(&parsed)) {
                ++report.parsed;
                report.expect(!ok->customer.empty() && !has_space(ok->customer) &&
                                  is_inside(ok->customer, args),
                              "END name", line);
            } else {
                check_error(std::get<ParseError>(parsed), false);
            }
            break;
        }
        case CommandKind::list:
            report.expect(
                has_no_arguments(args) == (args.find_first_not_of(' ') == std::string_view::npos),
                "LIST arguments", line);
            break;
        case CommandKind::quit:
        case CommandKind::ping: {
            const std::string_view text = parse_text_argument(args).text;
            report.expect(is_inside(text, line) || text.empty(), "QUIT/PING text is not a view",
                          line);
            report.expect(line.substr(line.size() - text.size()) == text &&
                              (text.empty() || text.front() != ' '),
                          "QUIT/PING text", line);
            break;
        }
        case CommandKind::help:
            break;
    }
}

/// The harness. Byte 0 picks the line limit, the rest is the stream.
Report protocol_one_input(const std::uint8_t* data, std::size_t size) {
    Report report;
    if (size == 0) {
        return report;
    }
    const std::size_t max = data[0] >= 0xC0U ? 1024 : 2 + data[0] % 64U;
    const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);

    std::uint64_t hash = 1469598103934665603ULL;
    for (std::size_t i = 0; i < size; ++i) {
        hash = (hash ^ data[i]) * 1099511628211ULL;
    }
    Random random(hash);

    const Outcome expected = reference_outcome(stream, max);
    for (const auto& cuts : {std::vector<std::size_t>{}, byte_by_byte(stream.size()),
                             random_cuts(stream.size(), random)}) {
        const Feeding feeding = feed_with_cuts(stream, cuts, max);
        report.expect(feeding.outcome == expected,
                      "framing differs from the reference, " + describe_cuts(cuts), stream);
        for (const std::string& violation : feeding.violations) {
            report.expect(false, violation, stream);
        }
    }

    for (const Event& event : expected.events) {
        if (event.too_long || event.text.empty()) {
            continue;
        }
        ++report.lines;
        if (!is_valid_text(event.text)) {
            continue;
        }
        report.expect(plausible_text(event.text), "is_valid_text accepted a forbidden byte",
                      event.text);
        check_command(report, event.text);
    }
    return report;
}

Report replay(std::string_view bytes) {
    return protocol_one_input(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

/// Generated inputs: lines that start with a command word (mostly) and go
/// on with protocol tokens and runs of spaces, with now and then a random
/// byte, so that both valid commands and near misses occur.
std::string generated_input(Random& random) {
    static constexpr std::string_view commands[] = {"CONNECT", "connect", "MSG",  "msg",
                                                    "Msg",     "LIST",    "HIST", "END",
                                                    "QUIT",    "PING",    "HELP", "MSGS"};
    static constexpr std::string_view tokens[] = {"AGENT",
                                                  "CUSTOMER",
                                                  "customer",
                                                  "bob",
                                                  "Alice",
                                                  "_x",
                                                  "a.b-c",
                                                  "key",
                                                  "2",
                                                  "0",
                                                  "007",
                                                  "99999999999999999999",
                                                  "\t",
                                                  "\r",
                                                  "\xC3\xA9",
                                                  "\xE2\x82\xAC",
                                                  "\xF0\x9F\x98\x80",
                                                  "\xC0\x80",
                                                  "\xED\xA0\x80",
                                                  "\xC2\x85",
                                                  "\x7F",
                                                  std::string_view("\0", 1)};
    static constexpr std::string_view endings[] = {"\r\n", "\n", "\r\n", "\r\r\n", ""};
    std::string input(1, static_cast<char>(static_cast<unsigned char>(random.below(256))));
    const std::size_t line_count = random.below(8);
    for (std::size_t l = 0; l < line_count; ++l) {
        input.append(random.below(4), ' ');
        if (random.below(8) != 0) {
            input += commands[random.below(std::size(commands))];
        }
        const std::size_t count = random.below(6);
        for (std::size_t i = 0; i < count; ++i) {
            input.append(random.below(3), ' ');
            if (random.below(10) == 0) {
                input.push_back(static_cast<char>(static_cast<unsigned char>(random.below(256))));
            } else {
                input += tokens[random.below(std::size(tokens))];
            }
        }
        input.append(random.below(3) == 0 ? random.below(3) : 0, ' ');
        input += endings[random.below(std::size(endings))];
    }
    return input;
}

}  // namespace

TEST_CASE("replay: generated inputs keep every protocol invariant", "[replay]") {
    Random random(2024);
    std::size_t failing = 0;
    std::size_t lines = 0;
    std::size_t parsed = 0;
    for (int i = 0; i < 4000; ++i) {
        const std::string input = generated_input(random);
        const Report report = replay(input);
        lines += report.lines;
        parsed += report.parsed;
        if (!report.problems.empty() && failing++ == 0) {
            INFO("input " << i << " \"" << escaped(input) << '"');
            CHECK(report.problems == std::vector<std::string>{});
        }
    }
    CHECK(failing == 0);
    // The generator must reach the parsers, or the replay proves little.
    CHECK(lines > 4000);
    CHECK(parsed > 500);
}

TEST_CASE("replay: every input of the corpus keeps every protocol invariant", "[replay]") {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(TELECHAT_PROTOCOL_CORPUS)) {
        if (entry.is_regular_file() && entry.path().filename().string().front() != '.') {
            files.push_back(entry.path());  // not .gitattributes
        }
    }
    std::sort(files.begin(), files.end());  // a failure names the same file first every time
    REQUIRE(files.size() >= 10);            // the hand-written seeds, at least

    std::size_t commands = 0;
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        REQUIRE(in);
        const std::string bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
        const Report report = replay(bytes);
        INFO("file " << file.filename().string() << ": \"" << escaped(bytes) << '"');
        CHECK(report.problems == std::vector<std::string>{});
        commands += report.commands;
    }
    CHECK(commands >= 27);  // the seeds' 27 commands reached the parser
}

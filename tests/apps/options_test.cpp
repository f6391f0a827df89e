// telechat-server's command line before it serves: --help, and every way to
// get the usage wrong (unknown option, missing value, bad value), each of
// which must be one line on stderr naming the option and exit code 2,
// before anything listens.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "support.hpp"

using namespace apps_test;

namespace {

// Every option that takes a value, with the default --help must show.
struct Documented {
    const char* option;
    const char* default_text;
};

const std::vector<Documented> documented_options = {
    {"--bind", "all interfaces"},
    {"--port", "3333"},
    {"--agent-key", "TELECHAT_AGENT_KEY"},
    {"--agent-capacity", "3"},
    {"--max-clients", "10000"},
    {"--history-limit", "1000"},
    {"--max-line", "1024"},
    {"--output-cap", "1048576"},
    {"--register-timeout", "30"},
    {"--idle-timeout", "0"},
    {"--model", "reactor"},
    {"--loops", "number of cores"},
};

// Arguments that would make a working server on loopback, so that a bad
// option that were accepted would show up as a "listening" line.
std::vector<std::string> with_loopback(std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(),
                     {"--bind", "127.0.0.1", "--port", "0", "--agent-key", "usage-test-key"});
    return arguments;
}

std::string joined(const std::vector<std::string>& arguments) {
    std::string text;
    for (const std::string& argument : arguments) {
        text += (text.empty() ? "" : " ") + ("'" + argument + "'");
    }
    return text;
}

// The checks every usage error must pass.
void check_usage_error(const Finished& finished, const std::string& names) {
    INFO("stdout: " << finished.out);
    INFO("stderr: " << finished.err);
    REQUIRE(finished.status.has_value());
    CHECK(finished.status->exited);
    CHECK(finished.status->code == 2);
    CHECK_FALSE(contains(finished.out, "listening"));
    CHECK_FALSE(contains(finished.out, "agent key"));
    // Exactly one line, ending in a line ending.
    CHECK(std::count(finished.err.begin(), finished.err.end(), '\n') == 1);
    CHECK((!finished.err.empty() && finished.err.back() == '\n'));
    CHECK(contains(finished.err, names));
    CHECK_FALSE(contains(finished.err, "usage-test-key"));
}

}  // namespace

TEST_CASE("help documents every option with its default and exits 0", "[help]") {
    const char* spelling = GENERATE("--help", "-h");
    // A key from either source must not show up in the help.
    const Finished finished =
        run_to_exit({"--agent-key", "help-cli-key", spelling}, std::string("help-env-key"));
    INFO("stdout: " << finished.out);
    INFO("stderr: " << finished.err);
    REQUIRE(finished.status.has_value());
    CHECK(finished.status->exited);
    CHECK(finished.status->code == 0);
    CHECK(finished.err.empty());
    CHECK_FALSE(contains(finished.out, "help-cli-key"));
    CHECK_FALSE(contains(finished.out, "help-env-key"));
    CHECK(count_lines_starting(finished.out, "listening on") == 0);

    const std::vector<std::string> lines = split_lines(finished.out);
    for (const Documented& documented : documented_options) {
        INFO("option " << documented.option);
        const std::string prefix = std::string("  ") + documented.option + " ";
        const auto found = std::find_if(lines.begin(), lines.end(), [&](const std::string& line) {
            return starts_with(line, prefix);
        });
        REQUIRE(found != lines.end());
        const std::size_t at = found->find("default:");
        REQUIRE(at != std::string::npos);
        CHECK(contains(found->substr(at), documented.default_text));
    }
    CHECK(contains(finished.out, "--help"));
    // The three models are named.
    const auto model_line = std::find_if(lines.begin(), lines.end(), [](const std::string& line) {
        return starts_with(line, "  --model ");
    });
    REQUIRE(model_line != lines.end());
    CHECK(contains(*model_line, "threads"));
    CHECK(contains(*model_line, "reactors"));
}

TEST_CASE("help prints no random key line either", "[help]") {
    const Finished finished = run_to_exit({"--help"});
    REQUIRE(finished.status.has_value());
    CHECK(finished.status->code == 0);
    CHECK(count_lines_starting(finished.out, "agent key:") == 0);
    CHECK(finished.err.empty());
}

TEST_CASE("an unknown option or a stray argument is a one-line usage error with exit 2",
          "[usage]") {
    struct Case {
        std::vector<std::string> arguments;
        std::string names;
    };
    const Case bad = GENERATE(values<Case>({
        {{"--frobnicate", "1"}, "--frobnicate"},
        {{"--frobnicate"}, "--frobnicate"},
        {{"--port=0"}, "--port=0"},
        {{"--PORT", "0"}, "--PORT"},
        {{"-p", "0"}, "-p"},
        {{"stray"}, "stray"},
    }));
    const std::vector<std::string> arguments = with_loopback(bad.arguments);
    INFO("arguments: " << joined(arguments));
    const Finished finished = run_to_exit(arguments);
    check_usage_error(finished, bad.names);
    // It says the option is unknown, not that it lacks a value.
    if (starts_with(bad.names, "--")) {
        CHECK(contains(finished.err, "unknown"));
    }
}

TEST_CASE("an option without its value is a one-line usage error with exit 2", "[usage]") {
    const char* option = GENERATE("--bind", "--port", "--agent-key", "--agent-capacity",
                                  "--max-clients", "--history-limit", "--max-line", "--output-cap",
                                  "--register-timeout", "--idle-timeout", "--model", "--loops");
    const std::vector<std::string> arguments = with_loopback({option});
    INFO("arguments: " << joined(arguments));
    check_usage_error(run_to_exit(arguments), option);
}

TEST_CASE("a bad value is a one-line usage error naming the option with exit 2", "[usage]") {
    struct Case {
        std::string option;
        std::string value;
    };
    const Case bad = GENERATE(values<Case>({
        // not a number
        {"--port", "abc"},
        {"--port", ""},
        {"--port", "12x"},
        {"--port", "-1"},
        {"--port", "+1"},
        {"--port", " 1"},
        {"--agent-capacity", "many"},
        {"--max-clients", "1.5"},
        {"--history-limit", "-1"},
        {"--max-line", "1k"},
        {"--output-cap", "1e6"},
        {"--loops", "two"},
        {"--register-timeout", "soon"},
        {"--register-timeout", ""},
        {"--register-timeout", "nan"},
        {"--idle-timeout", "5s"},
        // out of range
        {"--port", "65536"},
        {"--port", "99999999999999999999999"},
        {"--agent-capacity", "0"},
        {"--max-clients", "0"},
        {"--max-line", "1"},
        {"--output-cap", "0"},
        {"--loops", "0"},
        {"--loops", "100000"},
        {"--register-timeout", "-1"},
        {"--register-timeout", "inf"},
        {"--idle-timeout", "-0.5"},
        // bad model
        {"--model", "fibers"},
        {"--model", ""},
        {"--model", "reactor,threads"},
        // bad address (numeric addresses only)
        {"--bind", "localhost"},
        {"--bind", "256.0.0.1"},
        {"--bind", "127.0.0.1:80"},
        {"--bind", "::1::1"},
        {"--bind", ""},
        // bad key
        {"--agent-key", ""},
        {"--agent-key", "two words"},
        {"--agent-key", "ctrl\x01key"},
    }));
    const std::vector<std::string> arguments = with_loopback({bad.option, bad.value});
    INFO("arguments: " << joined(arguments));
    const Finished finished = run_to_exit(arguments);
    check_usage_error(finished, bad.option);
    if (bad.option == "--agent-key" && !bad.value.empty()) {
        // Even a rejected key is not echoed.
        CHECK_FALSE(contains(finished.err, bad.value));
    }
}

TEST_CASE("a bad key in TELECHAT_AGENT_KEY is a one-line usage error with exit 2", "[usage][key]") {
    const std::string key = GENERATE(as<std::string>{}, "two words", "new\nline");
    const Finished finished = run_to_exit({"--bind", "127.0.0.1", "--port", "0"}, key);
    check_usage_error(finished, "TELECHAT_AGENT_KEY");
    CHECK_FALSE(contains(finished.err, key));
}

TEST_CASE("a bad option after good ones still stops everything before it listens", "[usage]") {
    // All the valid options first, the one bad one last.
    const std::vector<std::string> arguments = {"--bind",
                                                "127.0.0.1",
                                                "--port",
                                                "0",
                                                "--agent-key",
                                                "usage-test-key",
                                                "--agent-capacity",
                                                "2",
                                                "--max-clients",
                                                "5",
                                                "--history-limit",
                                                "10",
                                                "--max-line",
                                                "100",
                                                "--output-cap",
                                                "100000",
                                                "--register-timeout",
                                                "5",
                                                "--idle-timeout",
                                                "5",
                                                "--model",
                                                "threads",
                                                "--loops",
                                                "2",
                                                "--max-clients",
                                                "lots"};
    check_usage_error(run_to_exit(arguments), "--max-clients");
}

// telechat-conform: a conformance kit for 3MCP servers. It connects to a
// server, checks it rule by rule against docs/protocol.md, and prints one
// line per test. See docs/conformance.md.

#include <telechat/protocol/escaping.hpp>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "agent_tests.hpp"
#include "connect_tests.hpp"
#include "framing_tests.hpp"
#include "limits_tests.hpp"
#include "options.hpp"
#include "probe.hpp"
#include "registry.hpp"
#include "relay_tests.hpp"
#include "report.hpp"
#include "runner.hpp"
#include "session_tests.hpp"
#include "syntax_tests.hpp"
#include "waiting_tests.hpp"

namespace {

using namespace conform;

Registry all_tests() {
    Registry registry;
    add_framing_tests(registry);
    add_syntax_tests(registry);
    add_connect_tests(registry);
    add_relay_tests(registry);
    add_agent_tests(registry);
    add_waiting_tests(registry);
    add_session_tests(registry);
    add_limits_tests(registry);
    return registry;
}

// Four random characters in every name of this run: runs against a shared
// server do not collide with each other or with other people's names.
std::string run_token() {
    std::random_device device;
    std::mt19937 generator(
        device() ^
        static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count()));
    static constexpr char alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
    std::uniform_int_distribution<std::size_t> pick(0, sizeof alphabet - 2);
    std::string token;
    for (int i = 0; i < 4; ++i) {
        token.push_back(alphabet[pick(generator)]);
    }
    return token;
}

int list_tests(const Registry& registry) {
    for (const TestCase& test : registry.tests()) {
        std::printf("%s  %s  %s\n", test.name.c_str(), test.section.c_str(),
                    test.description.c_str());
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const ParsedOptions parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc));
    if (parsed.help) {
        std::fputs(usage_text, stdout);
        return 0;
    }
    if (!parsed.options) {
        std::fprintf(stderr, "telechat-conform: %s (try --help)\n", parsed.error.c_str());
        return 2;
    }
    const Options& options = *parsed.options;
    const Registry registry = all_tests();
    if (options.list) {
        return list_tests(registry);
    }
    const std::string token = run_token();
    if (const auto problem = probe(options, token)) {
        std::fprintf(stderr, "telechat-conform: %s\n", problem->c_str());
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    const std::vector<Result> results = run_all(registry.tests(), options, token);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::size_t passed = 0;
    std::size_t failed = 0;
    std::size_t skipped = 0;
    for (const Result& result : results) {
        passed += result.verdict == Result::Verdict::pass ? 1U : 0U;
        failed += result.verdict == Result::Verdict::fail ? 1U : 0U;
        skipped += result.verdict == Result::Verdict::skip ? 1U : 0U;
    }
    if (options.junit_file &&
        !write_junit(*options.junit_file, results, target_text(options), seconds)) {
        std::fprintf(stderr, "telechat-conform: cannot write %s\n", options.junit_file->c_str());
    }
    std::printf("%zu passed, %zu failed, %zu skipped\n", passed, failed, skipped);
    return failed == 0 ? 0 : 1;
}

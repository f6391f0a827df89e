// telechat_mutants_check: proves that each telechat-conform test can fail.
//
// It starts the real telechat-server (two of them: one as configured for
// most tests, one with short timeouts for the timeout tests), then
//   1. runs the whole kit through telechat-mutant-proxy with no mutation:
//      everything must pass (the proxy is transparent);
//   2. for each mutant of `telechat-mutant-proxy --list`, runs the kit with
//      --only the tests the mutant claims, through a proxy with that
//      mutation: every one of them must print FAIL, and the kit exit 1;
//   3. requires every kit test (`telechat-conform --list`) to be killed by
//      some mutant, or else listed in not_yet_proven.txt with a reason.
// It prints "N of M kit tests are proven able to fail" and exits 0 only if
// all three hold. With --self-check it runs the one mutant that breaks
// nothing (`harmless`) and exits 0 only if it is reported as a survivor:
// the proof that the driver itself catches a gap.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "catalogue.hpp"
#include "child.hpp"
#include "verdicts.hpp"

#ifndef TELECHAT_SERVER_PATH
#error "TELECHAT_SERVER_PATH must name telechat-server"
#endif
#ifndef TELECHAT_CONFORM_PATH
#error "TELECHAT_CONFORM_PATH must name telechat-conform"
#endif
#ifndef TELECHAT_MUTANT_PROXY_PATH
#error "TELECHAT_MUTANT_PROXY_PATH must name telechat-mutant-proxy"
#endif
#ifndef TELECHAT_NOT_YET_PROVEN
#error "TELECHAT_NOT_YET_PROVEN must name not_yet_proven.txt"
#endif

namespace {

using mutants::Child;
using mutants::Milliseconds;

const std::string agent_key = "mutant-key";

/// One telechat-server and the options that tell the kit and the proxy how
/// it is configured.
struct Desk {
    std::vector<std::string> server_options;
    std::vector<std::string> kit_options;
    std::vector<std::string> proxy_options{};
    std::unique_ptr<Child> server{};
    std::uint16_t port = 0;

    void start() {
        std::vector<std::string> arguments{"--port",    "0",           "--bind",
                                           "127.0.0.1", "--agent-key", agent_key};
        arguments.insert(arguments.end(), server_options.begin(), server_options.end());
        server = std::make_unique<Child>(TELECHAT_SERVER_PATH, arguments, true);
        port = server->wait_listening(Milliseconds(10000));
        if (port == 0) {
            throw std::runtime_error("telechat-server did not start: " + server->output());
        }
    }
};

/// Most tests: small enough limits for the limit tests, no timeouts.
Desk main_desk() {
    return {{"--max-clients", "60", "--history-limit", "20", "--remembered-users", "50"},
            {"--max-clients", "60", "--history-limit", "20", "--remembered-users", "50"}};
}

/// The timeout tests (only they run here): short timeouts, and --slow. The
/// proxy is told the registration timeout too (registration-timer-kept).
Desk timeout_desk() {
    const std::string register_timeout = "1";
    const std::vector<std::string> limits{
        "--max-clients",  "60", "--history-limit", "20", "--register-timeout", register_timeout,
        "--idle-timeout", "1.5"};
    std::vector<std::string> kit = limits;
    kit.emplace_back("--slow");
    return {limits, kit, {"--register-timeout", register_timeout}};
}

bool is_timeout_test(const std::string& glob) {
    return glob.starts_with("timeout.");
}

/// The output and exit code of one kit run.
struct KitRun {
    std::string output;
    int exit_code = -1;
};

/// Runs the kit through a proxy with `mutant` in front of `desk`, `only` the globs given.
KitRun run_kit(const Desk& desk, const std::string& mutant, const std::string& only,
               const std::string& read_timeout) {
    std::vector<std::string> proxy_arguments{"--upstream", "127.0.0.1:" + std::to_string(desk.port),
                                             "--mutant", mutant};
    proxy_arguments.insert(proxy_arguments.end(), desk.proxy_options.begin(),
                           desk.proxy_options.end());
    Child proxy(TELECHAT_MUTANT_PROXY_PATH, proxy_arguments);
    const std::uint16_t port = proxy.wait_listening(Milliseconds(5000));
    if (port == 0) {
        return {"the proxy did not start: " + proxy.output(), -1};
    }
    std::vector<std::string> arguments{"127.0.0.1:" + std::to_string(port), "--agent-key",
                                       agent_key, "--timeout", read_timeout};
    if (!only.empty()) {
        arguments.insert(arguments.end(), {"--only", only});
    }
    arguments.insert(arguments.end(), desk.kit_options.begin(), desk.kit_options.end());
    Child kit(TELECHAT_CONFORM_PATH, arguments);
    const std::optional<int> code = kit.wait_exit(Milliseconds(120000));
    proxy.stop(Milliseconds(2000));
    return {kit.output(), code.value_or(-1)};
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string list_of(const std::string& path, const std::vector<std::string>& arguments) {
    Child child(path, arguments);
    (void)child.wait_exit(Milliseconds(10000));
    return child.output();
}

/// The globs of a mutant that run on one desk or the other.
std::string globs_for(const mutants::Mutant& mutant, bool timeout_desk) {
    std::string globs;
    for (const std::string& glob : mutants::split(mutant.kills, ',')) {
        if (is_timeout_test(glob) == timeout_desk) {
            globs += (globs.empty() ? "" : ",") + glob;
        }
    }
    return globs;
}

/// Runs one mutant; prints its verdict. @return the tests it killed, or
/// nullopt if it did not kill all it claims.
std::optional<std::vector<std::string>> try_mutant(const mutants::Mutant& mutant,
                                                   const std::vector<std::string>& tests,
                                                   Desk& normal, Desk& timeouts) {
    std::vector<std::string> problems;
    for (const bool on_timeout_desk : {false, true}) {
        const std::string globs = globs_for(mutant, on_timeout_desk);
        if (globs.empty()) {
            continue;
        }
        const KitRun run =
            run_kit(on_timeout_desk ? timeouts : normal, std::string(mutant.name), globs, "0.5");
        for (std::string& problem : mutants::survivals(globs, tests, run.output, run.exit_code)) {
            problems.push_back(std::move(problem));
        }
        if (!problems.empty() && std::getenv("MUTANTS_VERBOSE") != nullptr) {
            std::printf("%s\n", run.output.c_str());
        }
    }
    const std::vector<std::string> targets = mutants::targets_of(std::string(mutant.kills), tests);
    if (problems.empty()) {
        std::printf("KILLED %.*s (%zu tests)\n", static_cast<int>(mutant.name.size()),
                    mutant.name.data(), targets.size());
        return targets;
    }
    std::printf("SURVIVED %.*s, which breaks: %.*s\n", static_cast<int>(mutant.name.size()),
                mutant.name.data(), static_cast<int>(mutant.breaks.size()), mutant.breaks.data());
    for (const std::string& problem : problems) {
        std::printf("    %s\n", problem.c_str());
    }
    return std::nullopt;
}

bool transparent(Desk& normal, Desk& timeouts) {
    bool ok = true;
    for (Desk* desk : {&normal, &timeouts}) {
        const KitRun run = run_kit(*desk, "none", desk == &timeouts ? "timeout.*" : "", "2");
        const bool passed = run.exit_code == 0 && run.output.find("\nFAIL ") == std::string::npos &&
                            !run.output.starts_with("FAIL ");
        if (!passed) {
            std::printf("NOT TRANSPARENT: through --mutant none the kit exited %d:\n%s\n",
                        run.exit_code, run.output.c_str());
        }
        ok = ok && passed;
    }
    if (ok) {
        std::printf("TRANSPARENT: the whole kit passes through the proxy with no mutation\n");
    }
    return ok;
}

/// Step 3: every test killed, or excused in not_yet_proven.txt. @return true if so.
bool covered(const std::vector<std::string>& tests, const std::set<std::string>& killed) {
    const auto excused = mutants::not_yet_proven_of(read_file(TELECHAT_NOT_YET_PROVEN));
    bool ok = true;
    std::printf("%zu of %zu kit tests are proven able to fail\n", killed.size(), tests.size());
    for (const std::string& test : tests) {
        const auto excuse = excused.find(test);
        if (killed.contains(test) && excuse != excused.end()) {
            std::printf("    %s is proven now: take it out of not_yet_proven.txt\n", test.c_str());
            ok = false;
        } else if (!killed.contains(test) && excuse == excused.end()) {
            std::printf("    %s: no mutant kills it, and not_yet_proven.txt gives no reason\n",
                        test.c_str());
            ok = false;
        } else if (!killed.contains(test)) {
            std::printf("    not yet proven: %s: %s\n", test.c_str(), excuse->second.c_str());
        }
    }
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    const bool self_check = argc > 1 && std::string(argv[1]) == "--self-check";
    std::set<std::string> only_mutants;
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) != "--self-check") {
            only_mutants.insert(argv[i]);
        }
    }
    try {
        Desk normal = main_desk();
        Desk timeouts = timeout_desk();
        normal.start();
        timeouts.start();
        const std::vector<std::string> tests =
            mutants::tests_of_list(list_of(TELECHAT_CONFORM_PATH, {"--list"}));
        if (tests.empty()) {
            std::printf("telechat-conform --list listed no test\n");
            return 1;
        }
        bool ok = self_check || !only_mutants.empty() || transparent(normal, timeouts);
        std::set<std::string> killed;
        std::size_t tried = 0;
        for (const mutants::Mutant& mutant : mutants::catalogue()) {
            const bool is_self_check = mutant.section == mutants::self_check_section;
            if (is_self_check != self_check ||
                (!only_mutants.empty() && !only_mutants.contains(std::string(mutant.name)))) {
                continue;
            }
            ++tried;
            const auto kills = try_mutant(mutant, tests, normal, timeouts);
            ok = ok && kills.has_value();
            if (kills) {
                killed.insert(kills->begin(), kills->end());
            }
        }
        if (self_check) {
            std::printf(ok ? "SELF-CHECK FAILED: the harmless mutant was not reported\n"
                           : "SELF-CHECK PASSED: the harmless mutant was reported as a survivor\n");
            return ok ? 1 : 0;
        }
        std::printf("%zu mutants tried\n", tried);
        if (only_mutants.empty()) {
            ok = covered(tests, killed) && ok;
        }
        return ok ? 0 : 1;
    } catch (const std::exception& error) {
        std::printf("telechat_mutants_check: %s\n", error.what());
        return 1;
    }
}

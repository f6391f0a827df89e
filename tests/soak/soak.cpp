// telechat_soak: a TCP soak test of the real telechat-server.
//
// For each threading model in turn it starts the server on a free loopback
// port, drives many concurrent clients against it for a bounded time
// (driver.hpp), checks every connection against docs/protocol.md
// (checker.hpp), stops the server with SIGTERM while clients are still
// connected, and prints one summary line per model. A connection that broke
// a rule has its whole transcript written to --transcripts DIR, with the
// server's own log lines for it; the first few are printed to stderr.
//
// Exit status: 0 if no rule broke, 1 if one did (or, with
// --resets-are-errors on, if the server reset a connection), 2 for bad usage.
// `--self-test` instead proves that the checker fails when it must.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "driver.hpp"
#include "fault_proxy.hpp"
#include "self_test.hpp"
#include "server_log.hpp"
#include "server_process.hpp"

#ifndef TELECHAT_SERVER_PATH
#define TELECHAT_SERVER_PATH ""
#endif

namespace {

using namespace soak;

constexpr const char* usage_text = R"(usage: telechat_soak [options]

Soaks the real telechat-server over loopback TCP, one threading model at a time.

options:
  --server PATH               the telechat-server binary       default: the one built with this
  --model M                   threads | reactor | reactors | all default: all
  --seconds N                 how long to soak each model       default: 10
  --seed N                    the workload's seed               default: 1
  --clients N                 connections open at once          default: 200
  --transcripts DIR           where to write broken connections default: soak-transcripts
  --resets-are-errors on|off  a reset by the server fails the run  default: on
  --bursts on|off             add clients that pipeline 3000 HELPs at once  default: off
  --lagging-readers on|off    some clients read late, through a 4 KiB buffer  default: on
  --self-test                 prove the checker catches broken servers, then exit
  --help                      show this help
)";

struct Options {
    std::string server = TELECHAT_SERVER_PATH;
    std::vector<std::string> models = {"threads", "reactor", "reactors"};
    std::uint64_t seconds = 10;
    std::uint64_t seed = 1;
    std::size_t clients = 200;
    std::string transcripts = "soak-transcripts";
    bool resets_are_errors = true;
    bool bursts = false;
    bool lagging_readers = true;
    bool self_test = false;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr, "telechat_soak: %s (try --help)\n", message.c_str());
    std::exit(2);
}

std::uint64_t parse_number(const std::string& option, const std::string& text) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos ||
        text.size() > 12) {
        usage_error(option + ": '" + text + "' is not a whole number");
    }
    return std::stoull(text);
}

bool parse_switch(const std::string& option, const std::string& text) {
    if (text != "on" && text != "off") {
        usage_error(option + ": '" + text + "' is neither on nor off");
    }
    return text == "on";
}

Options parse_options(int argc, char** argv) {
    Options options;
    const std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& option = args[i];
        if (option == "--help") {
            std::fputs(usage_text, stdout);
            std::exit(0);
        }
        if (option == "--self-test") {
            options.self_test = true;
            continue;
        }
        if (i + 1 >= args.size()) {
            usage_error(option.rfind("--", 0) == 0 ? option + " needs a value"
                                                   : "unexpected argument '" + option + "'");
        }
        const std::string& value = args[++i];
        if (option == "--server") {
            options.server = value;
        } else if (option == "--model") {
            if (value != "all" && value != "threads" && value != "reactor" && value != "reactors") {
                usage_error("--model: '" + value + "' is not threads, reactor, reactors or all");
            }
            if (value != "all") {
                options.models = {value};
            }
        } else if (option == "--seconds") {
            options.seconds = parse_number(option, value);
        } else if (option == "--seed") {
            options.seed = parse_number(option, value);
        } else if (option == "--clients") {
            options.clients = parse_number(option, value);
            if (options.clients < 16 || options.clients > 1000) {
                usage_error("--clients: between 16 and 1000");
            }
        } else if (option == "--transcripts") {
            options.transcripts = value;
        } else if (option == "--resets-are-errors") {
            options.resets_are_errors = parse_switch(option, value);
        } else if (option == "--bursts") {
            options.bursts = parse_switch(option, value);
        } else if (option == "--lagging-readers") {
            options.lagging_readers = parse_switch(option, value);
        } else {
            usage_error("unknown option '" + option + "'");
        }
    }
    if (!options.self_test && options.server.empty()) {
        usage_error("--server is required (this build has no telechat-server path)");
    }
    return options;
}

// The server's settings: small limits, so that timeouts, refusals and
// too-long lines happen often in a short run.
DriverSettings settings_for(const Options& options) {
    DriverSettings settings;
    settings.seed = options.seed;
    settings.clients = options.clients;
    settings.name_pool = options.clients + options.clients / 4;
    settings.bursts = options.bursts;
    settings.lagging_readers = options.lagging_readers;
    settings.agent_key = "soak-key-" + std::to_string(options.seed);
    settings.limits.max_line_bytes = 512;
    settings.limits.agent_capacity = 3;
    settings.limits.history_limit = 50;
    settings.timeouts_ms = Milliseconds(3000);
    return settings;
}

std::vector<std::string> server_arguments(const DriverSettings& settings,
                                          const std::string& model) {
    return {"--port",
            "0",
            "--bind",
            "127.0.0.1",
            "--model",
            model,
            "--agent-key",
            settings.agent_key,
            "--agent-capacity",
            std::to_string(settings.limits.agent_capacity),
            "--history-limit",
            std::to_string(settings.limits.history_limit),
            "--max-line",
            std::to_string(settings.limits.max_line_bytes),
            "--max-clients",
            std::to_string(settings.clients - 4),
            "--register-timeout",
            "2",
            "--idle-timeout",
            "3"};
}

// ----- reporting ---------------------------------------------------------------------------

std::string evidence_text(const Evidence& evidence, const std::string& model,
                          const Options& options, const ServerLog& server_log) {
    std::ostringstream out;
    out << "# telechat_soak transcript: model " << model << ", seed " << options.seed
        << ", connection " << evidence.connection << ", local port " << evidence.port << "\n";
    for (const std::string& problem : evidence.problems) {
        out << "# violation: " << problem << "\n";
    }
    if (!evidence.violated) {
        out << "# reset by the server (ECONNRESET) after it announced the close\n";
    }
    out << "# the server's log for this connection:\n"
        << server_log.lines_of(evidence.port, evidence.port_use)
        << "# '>' sent, '<' received, '!' event; bytes escaped (\\n \\r \\t \\\\ \\xHH)\n"
        << evidence.transcript;
    return out.str();
}

// Writes every kept transcript; prints the first few violations to stderr.
void write_evidence(const std::vector<Evidence>& kept, const std::string& model,
                    const Options& options, const ServerLog& server_log) {
    if (kept.empty()) {
        return;
    }
    ::mkdir(options.transcripts.c_str(), 0755);
    std::size_t printed = 0;
    for (const Evidence& evidence : kept) {
        const std::string text = evidence_text(evidence, model, options, server_log);
        const std::string path =
            options.transcripts + "/" + model + "-seed" + std::to_string(options.seed) + "-conn" +
            std::to_string(evidence.connection) + (evidence.violated ? "" : "-reset") + ".txt";
        std::ofstream(path) << text;
        if (evidence.violated && printed < 3) {
            ++printed;
            std::cerr << "---- " << path << "\n" << text.substr(0, 6000) << "\n";
        }
    }
}

void print_summary(const std::string& model, const Figures& f, double seconds, std::uint64_t seed) {
    std::printf(
        "soak %s: %llu connections, %llu commands, %llu replies, %llu server closes, "
        "%llu QUIT pushes, %llu refusals, %llu resets by server, %llu violations "
        "(%llu connections), %llu messages relayed, %llu hang-ups (%llu replies dropped after "
        "them), %.0f connections/s, %.0f commands/s (seed %llu, %.1f s)\n",
        model.c_str(), static_cast<unsigned long long>(f.connections),
        static_cast<unsigned long long>(f.commands), static_cast<unsigned long long>(f.replies),
        static_cast<unsigned long long>(f.server_closes),
        static_cast<unsigned long long>(f.quit_pushes), static_cast<unsigned long long>(f.refusals),
        static_cast<unsigned long long>(f.resets), static_cast<unsigned long long>(f.violations),
        static_cast<unsigned long long>(f.violating_connections),
        static_cast<unsigned long long>(f.relayed), static_cast<unsigned long long>(f.hang_ups),
        static_cast<unsigned long long>(f.unanswered_after_hang_up),
        static_cast<double>(f.connections) / seconds, static_cast<double>(f.commands) / seconds,
        static_cast<unsigned long long>(seed), seconds);
    std::fflush(stdout);
}

// Resets after the server announced the close, by the reason it logged:
// each is a close with unread input (RST instead of FIN), which the
// server's lingering close is to remove.
void report_resets(const std::string& model,
                   const std::vector<std::pair<std::uint16_t, std::uint32_t>>& resets,
                   const ServerLog& server_log, bool are_errors) {
    ReasonCounts by_reason;
    for (const auto& [port, use] : resets) {
        ++by_reason[server_log.close_reason(port, use)];
    }
    std::string reasons;
    for (const auto& [reason, count] : by_reason) {
        reasons += (reasons.empty() ? "" : ", ") + reason + " " + std::to_string(count);
    }
    std::fprintf(
        stderr, "soak %s: %zu connections reset by the server (after: %s); %s\n", model.c_str(),
        resets.size(), reasons.c_str(),
        are_errors ? "an error: --resets-are-errors on" : "not an error: --resets-are-errors off");
}

// ----- one model ----------------------------------------------------------------------------

// Soaks one model. @return whether it passed.
bool soak_model(const Options& options, const std::string& model) {
    const DriverSettings settings = settings_for(options);
    ServerProcess server(options.server, server_arguments(settings, model));
    const std::uint16_t port = server.wait_listening(Milliseconds(10000));
    if (port == 0) {
        std::fprintf(stderr, "soak %s: the server did not start listening (%s)\n%s\n",
                     model.c_str(), server.status_text().c_str(), server.log().c_str());
        return false;
    }
    Driver driver(settings, port, server.pipes(), [&server] { server.drain(); });
    const auto start = Clock::now();
    driver.run(Milliseconds(options.seconds * 1000), [&server] { server.terminate(); });
    const std::chrono::duration<double> took = Clock::now() - start;
    const bool exited = server.wait_exit(Milliseconds(10000));
    bool passed = true;
    if (!exited || !server.exited_cleanly()) {
        std::fprintf(stderr, "soak %s: the server %s after SIGTERM (%s)\n", model.c_str(),
                     exited ? "did not exit cleanly" : "did not exit in 10 s",
                     server.status_text().c_str());
        passed = false;
    }
    const Figures& figures = driver.figures();
    print_summary(model, figures, took.count(), options.seed);
    const ServerLog server_log(server.log());
    write_evidence(driver.evidence(), model, options, server_log);
    if (figures.violations > 0) {
        passed = false;
    }
    if (figures.resets > 0) {
        report_resets(model, driver.reset_connections(), server_log, options.resets_are_errors);
        passed = passed && !options.resets_are_errors;
    }
    return passed;
}

// One short soak of the reactor model through a FaultProxy.
// @return the figures, or nothing if the server did not start.
struct ProxyTrial {
    Figures figures;
    std::string first_problem;
};

std::optional<ProxyTrial> soak_through_proxy(const Options& options, Fault fault) {
    DriverSettings settings = settings_for(options);
    settings.clients = 60;
    // Only the proxy's faults may fail a trial: late readers would also show
    // the server's own resets (see --lagging-readers) in the no-fault one.
    settings.lagging_readers = false;
    settings.bursts = false;
    ServerProcess server(options.server, server_arguments(settings, "reactor"));
    const std::uint16_t port = server.wait_listening(Milliseconds(10000));
    if (port == 0) {
        return std::nullopt;
    }
    FaultProxy proxy(port, fault, 30, options.seed);
    Driver driver(settings, proxy.port(), server.pipes(), [&server] { server.drain(); });
    driver.run(Milliseconds(2000), [&server] { server.terminate(); });
    server.wait_exit(Milliseconds(10000));
    for (const Evidence& evidence : driver.evidence()) {
        if (evidence.violated) {
            return ProxyTrial{driver.figures(), evidence.problems.front()};
        }
    }
    return ProxyTrial{driver.figures(), "none"};
}

// The end-to-end half: the real server behind a proxy that breaks one rule
// must fail the soak; behind a proxy that breaks none it must pass.
bool run_proxy_self_test(const Options& options) {
    struct Trial {
        Fault fault;
        const char* name;
    };
    static const Trial trials[] = {
        {Fault::none, "no fault: every byte forwarded"},
        {Fault::drop_reply, "a PING's reply left out"},
        {Fault::double_reply, "a PING's reply sent twice"},
        {Fault::close_silently, "a close without the QUIT push"},
        {Fault::reset_silently, "a reset without the QUIT push"},
        {Fault::line_after_quit, "a line after the QUIT push"},
    };
    bool all_good = true;
    for (const Trial& trial : trials) {
        const std::optional<ProxyTrial> result = soak_through_proxy(options, trial.fault);
        if (!result) {
            std::printf("FAIL proxy: %s: the server did not start\n", trial.name);
            all_good = false;
            continue;
        }
        const Figures& figures = result->figures;
        const bool good = (trial.fault == Fault::none) == (figures.violations == 0);
        all_good = all_good && good;
        std::printf(
            "%s proxy: %s: %llu violations in %llu connections; the first: %s\n",
            good ? "ok  " : "FAIL", trial.name, static_cast<unsigned long long>(figures.violations),
            static_cast<unsigned long long>(figures.connections), result->first_problem.c_str());
    }
    return all_good;
}

// A checker that cannot fail would prove nothing: scripted sessions first,
// then, given the server, real soaks through a proxy that breaks the rules.
bool run_self_test(const Options& options) {
    bool passed = run_checker_self_test();
    if (!options.server.empty()) {
        passed = run_proxy_self_test(options) && passed;
    }
    std::printf("self-test: %s\n", passed ? "the checker catches every broken case" : "FAILED");
    return passed;
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse_options(argc, argv);
    if (options.self_test) {
        return run_self_test(options) ? 0 : 1;
    }
    bool passed = true;
    for (const std::string& model : options.models) {
        passed = soak_model(options, model) && passed;
    }
    std::printf("soak: %s\n", passed ? "every rule held" : "FAILED");
    return passed ? 0 : 1;
}

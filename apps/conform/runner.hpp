// Runs the selected tests one after another: each on fresh connections, each
// cleaned up after, the whole run within a bound.
#pragma once

#include <chrono>
#include <exception>
#include <string>
#include <vector>

#include "context.hpp"
#include "registry.hpp"
#include "report.hpp"

namespace conform {

/// The bound of a whole run: ten minutes, more when many reads may each take
/// the whole read timeout, plus the timeout tests' waits with --slow.
inline Milliseconds run_bound(const Options& options, std::size_t test_count) {
    double seconds =
        std::max(600.0, 6.0 * options.timeout_seconds * static_cast<double>(test_count));
    if (options.slow) {
        seconds += 8 * (options.register_timeout_seconds + options.idle_timeout_seconds) + 60;
    }
    return Milliseconds(static_cast<long long>(seconds * 1000));
}

/// Runs one test and cleans up after it.
inline Result run_one(const TestCase& test, const Options& options, const std::string& token,
                      unsigned& name_counter) {
    Result result;
    result.name = test.name;
    result.section = test.section;
    const auto start = Clock::now();
    Context context(options, token, name_counter);
    try {
        test.run(context);
    } catch (const Failure& failure) {
        result.verdict = Result::Verdict::fail;
        result.reason = failure_text(failure, context.transcript);
    } catch (const Skip& skipped) {
        result.verdict = Result::Verdict::skip;
        result.reason = skipped.reason;
    } catch (const std::exception& error) {
        result.verdict = Result::Verdict::fail;
        result.reason = failure_text(Failure{"the test to run", error.what()}, context.transcript);
    }
    context.clean_up();
    result.exchange = std::move(context.transcript);
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return result;
}

/// Runs every test the options select, printing each result as it comes.
inline std::vector<Result> run_all(const std::vector<TestCase>& tests, const Options& options,
                                   const std::string& token) {
    std::vector<const TestCase*> chosen;
    for (const TestCase& test : tests) {
        if (selected(options, test.name)) {
            chosen.push_back(&test);
        }
    }
    const Milliseconds bound = run_bound(options, chosen.size());
    const auto deadline = Clock::now() + bound;
    unsigned name_counter = 0;
    std::vector<Result> results;
    for (const TestCase* test : chosen) {
        Result result;
        if (Clock::now() < deadline) {
            result = run_one(*test, options, token, name_counter);
        } else {
            result.name = test->name;
            result.section = test->section;
            result.verdict = Result::Verdict::fail;
            result.reason = "    not run: the whole run's bound of " +
                            std::to_string(bound.count() / 1000) + " s was reached\n";
        }
        print_result(result, options.verbose);
        results.push_back(std::move(result));
    }
    return results;
}

}  // namespace conform

// How a test ends early: a Failure (what was expected, what came) or a Skip
// (why the test cannot run here). Thrown from deep inside a test's reads so
// that tests read as straight sequences of expectations.
#pragma once

#include <string>
#include <utility>

namespace conform {

/// A broken rule: what the test expected and what it got, both as text
/// that shows bytes exactly (protocol::escaped()).
struct Failure {
    std::string expected;
    std::string got;
};

/// A test that cannot run against this server or with these options.
struct Skip {
    std::string reason;
};

[[noreturn]] inline void fail(std::string expected, std::string got) {
    throw Failure{std::move(expected), std::move(got)};
}

[[noreturn]] inline void skip(std::string reason) {
    throw Skip{std::move(reason)};
}

}  // namespace conform

// The kit's command line: where the server under test is, which tests to
// run, and how that server was configured (its limits).
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace conform {

inline constexpr const char* usage_text =
    R"(usage: telechat-conform HOST:PORT --agent-key KEY [options]

Checks a 3MCP server, rule by rule, against docs/protocol.md.
HOST is an IPv4 or IPv6 literal or a name (IPv6 in brackets: [::1]:3333).

options:
  --agent-key KEY           the agent key the server was started with (required)
  --only PATTERN            run only tests whose name matches (glob: * ?);
                            repeatable, or a comma-separated list
  --skip PATTERN            do not run tests whose name matches; same forms
  --list                    print the tests (name, section, description) and exit
  --slow                    also run the tests that wait for timeouts
  --junit FILE              also write the results as JUnit XML to FILE
  -v, --verbose             print every test's whole exchange
  --timeout SECONDS         deadline of every single read          default: 2
How the server under test was configured (defaults: docs/protocol.md's):
  --capacity N              agent capacity                         default: 3
  --max-line N              longest line, line ending included     default: 1024
  --history-limit N         records kept per history               default: 1000
  --register-timeout SECONDS  registration timeout (0 = off)       default: 30
  --idle-timeout SECONDS    idle timeout (0 = off)                 default: 0
  --max-clients N           connections served at once             default: 10000
  --remembered-users N      histories remembered                   default: 100000

Output: one line per test, PASS/FAIL/SKIP, then "N passed, M failed, K skipped".
Exit status: 0 if no test failed, 1 if one did, 2 for bad usage or a server
that cannot be reached or does not speak 3MCP.
)";

/// Everything the command line says.
struct Options {
    std::string host;
    std::string port;
    std::string agent_key;
    std::vector<std::string> only;  ///< glob patterns; empty: all tests
    std::vector<std::string> skip;  ///< glob patterns
    bool list = false;
    bool slow = false;
    bool verbose = false;
    std::optional<std::string> junit_file;
    double timeout_seconds = 2.0;
    // The server's configuration, as the kit is told it.
    std::uint64_t capacity = 3;
    std::uint64_t max_line = 1024;
    std::uint64_t history_limit = 1000;
    double register_timeout_seconds = 30.0;
    double idle_timeout_seconds = 0.0;
    std::uint64_t max_clients = 10000;
    std::uint64_t remembered_users = 100000;
};

/// The command line's verdict: options, or a usage error's message.
struct ParsedOptions {
    std::optional<Options> options;
    std::string error;  ///< set when options is empty and help was not asked
    bool help = false;
};

/// @cond internals
namespace options_detail {

inline std::optional<std::uint64_t> whole_number(std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || text.empty()) {
        return std::nullopt;
    }
    return value;
}

// Seconds as a decimal number, e.g. "2" or "0.5" (std::from_chars for
// double is not in every standard library the kit builds with).
inline std::optional<double> seconds(std::string_view text) {
    const std::size_t point = text.find('.');
    const auto whole = whole_number(text.substr(0, point));
    if (!whole) {
        return std::nullopt;
    }
    double value = static_cast<double>(*whole);
    if (point != std::string_view::npos) {
        double scale = 0.1;
        const std::string_view fraction = text.substr(point + 1);
        if (fraction.empty()) {
            return std::nullopt;
        }
        for (const char digit : fraction) {
            if (digit < '0' || digit > '9') {
                return std::nullopt;
            }
            value += scale * (digit - '0');
            scale /= 10;
        }
    }
    return value;
}

// Splits "a,b,c" into its patterns, skipping empty ones.
inline void add_patterns(std::vector<std::string>& into, std::string_view list) {
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        if (const std::string_view one = list.substr(0, comma); !one.empty()) {
            into.emplace_back(one);
        }
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
}

// HOST:PORT, [IPv6]:PORT: false if malformed.
inline bool split_address(std::string_view address, Options& options) {
    std::string_view host;
    std::string_view rest;
    if (address.substr(0, 1) == "[") {
        const std::size_t close = address.find(']');
        if (close == std::string_view::npos || address.substr(close + 1, 1) != ":") {
            return false;
        }
        host = address.substr(1, close - 1);
        rest = address.substr(close + 2);
    } else {
        const std::size_t colon = address.rfind(':');
        if (colon == std::string_view::npos ||
            address.find(':') != colon) {  // a bare IPv6 literal needs brackets
            return false;
        }
        host = address.substr(0, colon);
        rest = address.substr(colon + 1);
    }
    const auto port = whole_number(rest);
    if (host.empty() || !port || *port == 0 || *port > 65535) {
        return false;
    }
    options.host = std::string(host);
    options.port = std::string(rest);
    return true;
}

}  // namespace options_detail
/// @endcond

/// Reads the command line (without the program name).
inline ParsedOptions parse_options(const std::vector<std::string>& arguments) {
    using namespace options_detail;
    ParsedOptions parsed;
    Options options;
    bool have_address = false;
    bool have_key = false;
    const auto fail = [&parsed](std::string message) {
        parsed.error = std::move(message);
        return parsed;
    };
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& option = arguments[i];
        if (option == "--help" || option == "-h") {
            parsed.help = true;
            return parsed;
        }
        if (option == "--list") {
            options.list = true;
            continue;
        }
        if (option == "--slow") {
            options.slow = true;
            continue;
        }
        if (option == "-v" || option == "--verbose") {
            options.verbose = true;
            continue;
        }
        if (option.rfind("-", 0) != 0) {
            if (have_address) {
                return fail("unexpected argument '" + option + "'");
            }
            if (!split_address(option, options)) {
                return fail("'" + option + "' is not HOST:PORT (IPv6: [::1]:3333)");
            }
            have_address = true;
            continue;
        }
        if (i + 1 >= arguments.size()) {
            return fail(option + " needs a value");
        }
        const std::string& value = arguments[++i];
        const auto number = whole_number(value);
        const auto time = seconds(value);
        const auto need_number = [&](std::uint64_t& into, std::uint64_t least) {
            if (!number || *number < least) {
                parsed.error = option + ": '" + value + "' is not a whole number of at least " +
                               std::to_string(least);
                return false;
            }
            into = *number;
            return true;
        };
        const auto need_seconds = [&](double& into) {
            if (!time) {
                parsed.error = option + ": '" + value + "' is not a number of seconds";
                return false;
            }
            into = *time;
            return true;
        };
        bool ok = true;
        if (option == "--agent-key") {
            options.agent_key = value;
            have_key = true;
        } else if (option == "--only") {
            add_patterns(options.only, value);
        } else if (option == "--skip") {
            add_patterns(options.skip, value);
        } else if (option == "--junit") {
            options.junit_file = value;
        } else if (option == "--timeout") {
            ok = need_seconds(options.timeout_seconds);
            if (ok && options.timeout_seconds <= 0) {
                return fail("--timeout: must be more than 0");
            }
        } else if (option == "--capacity") {
            ok = need_number(options.capacity, 1);
        } else if (option == "--max-line") {
            ok = need_number(options.max_line, 16);
        } else if (option == "--history-limit") {
            ok = need_number(options.history_limit, 1);
        } else if (option == "--register-timeout") {
            ok = need_seconds(options.register_timeout_seconds);
        } else if (option == "--idle-timeout") {
            ok = need_seconds(options.idle_timeout_seconds);
        } else if (option == "--max-clients") {
            ok = need_number(options.max_clients, 1);
        } else if (option == "--remembered-users") {
            ok = need_number(options.remembered_users, 1);
        } else {
            return fail("unknown option '" + option + "'");
        }
        if (!ok) {
            return parsed;
        }
    }
    if (!options.list && !have_address) {
        return fail("HOST:PORT is missing");
    }
    if (!options.list && !have_key) {
        return fail("--agent-key is missing");
    }
    parsed.options = std::move(options);
    return parsed;
}

}  // namespace conform

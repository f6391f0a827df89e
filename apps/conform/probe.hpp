// Before any test: is the server there, does it speak 3MCP, and does it take
// the agent key? Each "no" is one clear line and exit status 2, rather than
// a hundred failed tests.
#pragma once

#include <telechat/protocol/escaping.hpp>

#include <optional>
#include <string>

#include "connection.hpp"
#include "options.hpp"

namespace conform {

/// HOST:PORT as the user would write it (IPv6 in brackets).
inline std::string target_text(const Options& options) {
    const bool v6 = options.host.find(':') != std::string::npos;
    return (v6 ? "[" + options.host + "]" : options.host) + ":" + options.port;
}

/// Why the server cannot be tested, in one line; nullopt if it can.
inline std::optional<std::string> probe(const Options& options, const std::string& token) {
    const std::string target = target_text(options);
    const auto timeout = Milliseconds(static_cast<long long>(options.timeout_seconds * 1000));
    Transcript transcript;
    Connection connection("probe", transcript, timeout);
    std::string error;
    try {
        connection.open(options.host, options.port);
    } catch (const Failure& failure) {
        return target + " is not reachable: " + failure.got;
    }
    const std::string ping = "PING conform-probe";
    const auto received = [&connection, &timeout]() {
        std::string raw;
        const Io io = connection.next_line(raw, Clock::now() + timeout);
        return std::make_pair(io, raw);
    };
    try {
        connection.send_line(ping);
    } catch (const Failure& failure) {
        return target + " does not speak 3MCP: sending \"" + ping + "\" failed: " + failure.got;
    }
    const auto [io, answer] = received();
    if (io != Io::ok || answer != "+OK PONG conform-probe\r\n") {
        const std::string got = answer.empty() ? std::string("nothing (") + describe(io) + ")"
                                               : "\"" + telechat::protocol::escaped(answer) + "\"";
        return target + " does not speak 3MCP: sent \"" + ping + "\", received " + got;
    }
    const std::string name = "probe-" + token;
    try {
        connection.send_line("CONNECT AGENT " + name + " " + options.agent_key);
        const auto [key_io, reply] = received();
        if (key_io != Io::ok || reply.rfind("+OK welcome", 0) != 0) {
            return target + " did not take the agent key given with --agent-key: it answered " +
                   (reply.empty() ? std::string(describe(key_io))
                                  : "\"" + telechat::protocol::escaped(reply) + "\"");
        }
        connection.send_line("QUIT");
        received();
    } catch (const Failure& failure) {
        return target + " broke off the probe: " + failure.got;
    }
    return std::nullopt;
}

}  // namespace conform

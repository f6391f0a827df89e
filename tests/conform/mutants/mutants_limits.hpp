// Mutants that break docs/protocol.md's limits (protocol_limits): the
// waiting backlog, the connection limit and the timeouts. A timeout that
// comes too early is sent by the proxy itself, at a time (Mutation::tick),
// so it needs the server's limit: --register-timeout tells the proxy.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lines.hpp"
#include "mutants_commands.hpp"
#include "mutation.hpp"

namespace mutants {

/// @brief The server's registration timeout, as the proxy was told
///        (--register-timeout; the server's default is 30 s).
inline Clock::duration& register_timeout_setting() {
    static Clock::duration limit = std::chrono::seconds(30);
    return limit;
}

/// @brief A registered connection still gets QUIT registration timeout at
///        the limit from its acceptance, as if CONNECT had not stopped the timer.
inline std::function<std::unique_ptr<Mutation>()> registration_timer_kept() {
    return on_lines({.tick = [fired = false](Link& link, Talk& talk, Clock::time_point now) mutable
                     -> std::optional<Clock::time_point> {
        const Clock::time_point limit = talk.accepted_at() + register_timeout_setting();
        if (fired || !talk.registered()) {
            return std::nullopt;  // an unregistered one the server times out itself
        }
        if (now < limit) {
            return limit;
        }
        fired = true;
        link.to_client("QUIT registration timeout\r\n");
        link.close();
        return std::nullopt;
    }});
}

inline std::vector<Mutant> limits_mutants() {
    return {
        {"backlog-unlimited", "protocol_limits", "limits.waiting-backlog",
         "a waiting customer's 1001st message is acknowledged instead of refused",
         error_becomes("SERVER_FULL too many messages", "+OK message received")},
        {"forgotten-history-kept", "protocol_histories", "limits.remembered-users",
         "past the remembered-users limit nothing is forgotten: HIST of the user gone longest "
         "answers an empty history instead of NO_SUCH_USER",
         error_becomes("NO_SUCH_USER no history is kept", "+OK 0 messages\r\n.")},
        {"server-full-silent", "protocol_limits", "limits.max-clients",
         "a connection past the limit is closed without -ERR SERVER_FULL",
         on_lines({.server_line =
                       [](Link& link, Talk&, const Heard& heard, std::string_view line) {
                           if (!heard.line.starts_with("-ERR SERVER_FULL the server is full")) {
                               link.to_client(line);
                           }
                       }})},
        {"no-registration-timeout", "protocol_limits", "timeout.registration",
         "an unregistered connection is never timed out (QUIT registration timeout held back, the "
         "connection kept)",
         on_lines({.server_line =
                       [](Link& link, Talk&, const Heard& heard, std::string_view line) {
                           if (heard.line != "QUIT registration timeout") {
                               link.to_client(line);
                           }
                       },
                   .server_ended =
                       [](Link&, Talk& talk) {
                           (void)talk;  // the server's close is not passed on
                       }})},
        {"no-idle-timeout", "protocol_limits", "timeout.idle",
         "a silent user is never timed out (QUIT idle timeout held back, the connection kept)",
         on_lines({.server_line =
                       [](Link& link, Talk&, const Heard& heard, std::string_view line) {
                           if (heard.line != "QUIT idle timeout") {
                               link.to_client(line);
                           }
                       },
                   .server_ended = [](Link&, Talk&) {}})},
        {"registration-timer-kept", "protocol_limits", "timeout.registration-stopped-by-connect",
         "a successful CONNECT does not stop the registration timer: a registered user gets QUIT "
         "registration timeout at the limit",
         registration_timer_kept()},
    };
}

}  // namespace mutants

// Mutants that break docs/protocol.md's desk rules: MSG, LIST, HIST and END
// (protocol_cmd_*), the waiting line and positions (protocol_assignment,
// protocol_positions), leaving (protocol_leaving) and histories. Limits are
// in mutants_limits.hpp, rules about several connections in
// mutants_across.hpp.
#pragma once

#include <telechat/protocol/command.hpp>
#include <telechat/protocol/server_lines.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lines.hpp"
#include "mutants_commands.hpp"
#include "mutants_syntax.hpp"
#include "mutation.hpp"

namespace mutants {

/// @brief Pushes starting with `prefix` are left out (to agents, customers, or both).
inline auto drop_pushes(std::string prefix, std::optional<bool> to_agents = std::nullopt) {
    return on_lines({.server_line = [prefix, to_agents](Link& link, Talk& talk, const Heard& heard,
                                                        std::string_view line) {
        const bool drop = heard.is(Heard::Kind::push) && heard.line.starts_with(prefix) &&
                          (!to_agents || *to_agents == talk.is_agent());
        if (!drop) {
            link.to_client(line);
        }
    }});
}

/// @brief The multi-line bodies answering `kind` are given to `rewrite`
///        (header, body lines), which returns the lines to send instead.
inline auto body_rewrite(
    telechat::protocol::CommandKind kind,
    std::function<std::vector<std::string>(std::string header, std::vector<std::string> body,
                                           const std::string& command)>
        rewrite) {
    struct Held {
        std::string header;
        std::vector<std::string> body;
        bool active = false;
    };
    return on_lines(
        {.server_line = [kind, rewrite, held = Held()](Link& link, Talk&, const Heard& heard,
                                                       std::string_view line) mutable {
            const bool ours = heard.command_kind() == kind && !heard.is(Heard::Kind::push);
            if (ours && heard.is(Heard::Kind::reply) && heard.line.starts_with("+OK")) {
                held = Held{std::string(heard.line), {}, true};
            } else if (ours && held.active && heard.is(Heard::Kind::body)) {
                held.body.emplace_back(heard.line);
            } else if (ours && held.active && heard.is(Heard::Kind::end_of_body)) {
                for (const std::string& out : rewrite(held.header, held.body, heard.command)) {
                    link.to_client(out + "\r\n");
                }
                link.to_client(".\r\n");
                held.active = false;
            } else {
                link.to_client(line);
            }
        }});
}

/// @brief `+OK <n> <word>` with n replaced by `count`.
inline std::string header_with(const std::string& header, std::size_t count) {
    std::string_view rest = header;
    (void)telechat::protocol::next_word(rest);
    (void)telechat::protocol::next_word(rest);
    return "+OK " + std::to_string(count) + std::string(rest);
}

inline std::vector<Mutant> desk_mutants() {
    using telechat::protocol::CommandKind;
    return {
        {"msg-to-agent-dropped", "protocol_cmd_msg",
         "msg.customer-to-agent,msg.waiting-messages-delivered",
         "a customer's messages never reach its agent", drop_pushes("MSG ", true)},
        {"msg-to-customer-dropped", "protocol_cmd_msg", "msg.agent-to-customer",
         "an agent's messages never reach its customer", drop_pushes("MSG ", false)},
        {"msg-pushes-swapped", "protocol_replies", "msg.order-kept",
         "two messages that come one after the other are delivered in the other order",
         on_lines({.server_line =
                       [held = std::string()](Link& link, Talk&, const Heard& heard,
                                              std::string_view line) mutable {
                           if (heard.is(Heard::Kind::push) && heard.line.starts_with("MSG ") &&
                               held.empty()) {
                               held = std::string(line);
                               return;
                           }
                           link.to_client(line);
                           link.to_client(std::exchange(held, std::string()));
                       }})},
        {"no-such-user-says-not-assigned", "protocol_errors", "msg.no-such-user",
         "a name nobody connected has is NOT_ASSIGNED instead of NO_SUCH_USER",
         error_becomes("NO_SUCH_USER", "-ERR NOT_ASSIGNED that user is not your customer")},
        {"not-assigned-says-no-such-user", "protocol_errors",
         "msg.not-assigned,msg.not-assigned-waiting-customer,end.errors",
         "a connected user who is not the agent's customer is NO_SUCH_USER instead of NOT_ASSIGNED",
         error_becomes("NOT_ASSIGNED", "-ERR NO_SUCH_USER nobody of that name is connected")},
        {"lookups-case-sensitive", "protocol_syntax",
         "msg.lookup-ignores-case,hist.outlives-connection-and-keeps-spelling",
         "the name in MSG, HIST and END is found only in the case its owner used (upper-cased it "
         "finds nobody)",
         client_rewrite([](std::string_view body) {
             const auto kind = command_of(body);
             const auto words = words_of(body);
             const bool lookup = (kind == CommandKind::msg || kind == CommandKind::hist ||
                                  kind == CommandKind::end) &&
                                 words.size() > 1;
             if (!lookup || std::none_of(words[1].begin(), words[1].end(),
                                         [](char c) { return c >= 'A' && c <= 'Z'; })) {
                 return std::string(body);
             }
             const auto at = static_cast<std::size_t>(words[1].data() - body.data());
             return std::string(body.substr(0, at)) + "zz" + std::string(body.substr(at));
         })},
        {"waiting-messages-lost", "protocol_assignment",
         "msg.waiting-messages-delivered,assign.agent-takes-line-with-messages,end.next-customer-"
         "assigned,leaving.sent-back-messages-kept",
         "the messages a customer sent while waiting are not delivered after ASSIGNED",
         on_lines({.server_line =
                       [after_assigned = false](Link& link, Talk& talk, const Heard& heard,
                                                std::string_view line) mutable {
                           const bool push = heard.is(Heard::Kind::push);
                           if (push && heard.line.starts_with("ASSIGNED ")) {
                               after_assigned = talk.is_agent();
                           } else if (!(push && heard.line.starts_with("MSG "))) {
                               after_assigned = false;
                           } else if (after_assigned) {
                               return;
                           }
                           link.to_client(line);
                       }})},
        {"star-recipient-named", "protocol_histories", "msg.waiting-stored-once-with-star",
         "a message kept while waiting is recorded to its later agent, not to *",
         body_rewrite(CommandKind::hist,
                      [](std::string header, std::vector<std::string> body, const std::string&) {
                          std::vector<std::string> out{std::move(header)};
                          for (std::string& record : body) {
                              const auto parsed = telechat::protocol::parse_history_record(record);
                              const std::size_t star = record.find(" * ");
                              out.push_back(parsed && star != std::string::npos
                                                ? record.replace(star, 3, " someone ")
                                                : record);
                          }
                          return out;
                      })},
        {"list-count-plus-one", "protocol_cmd_list", "list.alone,list.every-kind-of-line",
         "LIST's header counts one user more than its body lists",
         body_rewrite(CommandKind::list,
                      [](std::string header, std::vector<std::string> body, const std::string&) {
                          std::vector<std::string> out{header_with(header, body.size() + 1)};
                          out.insert(out.end(), body.begin(), body.end());
                          return out;
                      })},
        {"list-load-wrong", "protocol_cmd_list", "list.every-kind-of-line,list.alone",
         "LIST shows an agent's free places instead of its active conversations",
         body_rewrite(
             CommandKind::list,
             [](std::string header, std::vector<std::string> body, const std::string&) {
                 std::vector<std::string> out{std::move(header)};
                 for (std::string& line : body) {
                     const std::size_t slash = line.rfind('/');
                     const std::size_t space = line.rfind(' ', slash);
                     if (line.find(" AGENT ") != std::string::npos && slash != std::string::npos) {
                         const std::string capacity = line.substr(slash + 1);
                         const std::string active = line.substr(space + 1, slash - space - 1);
                         const std::uint64_t free = std::stoull(capacity) - std::stoull(active);
                         line = line.substr(0, space + 1) + std::to_string(free) + "/" + capacity;
                     }
                     out.push_back(line);
                 }
                 return out;
             })},
        {"list-arguments-ignored", "protocol_cmd_list", "list.arguments-refused",
         "LIST ignores the words after it", client_rewrite([](std::string_view body) {
             return command_of(body) == CommandKind::list ? std::string("LIST") : std::string(body);
         })},
        {"hist-empty-singular", "protocol_cmd_hist", "hist.empty-history",
         "an empty history's header is +OK 0 message", server_rewrite([](const Heard& heard) {
             return heard.line == "+OK 0 messages" ? std::string("+OK 0 message")
                                                   : std::string(heard.line);
         })},
        {"hist-newest-first", "protocol_cmd_hist", "hist.records",
         "HIST lists the newest record first",
         body_rewrite(CommandKind::hist,
                      [](std::string header, std::vector<std::string> body, const std::string&) {
                          std::vector<std::string> out{std::move(header)};
                          out.insert(out.end(), body.rbegin(), body.rend());
                          return out;
                      })},
        {"hist-count-ignored", "protocol_cmd_hist", "hist.count",
         "HIST ignores its count and lists everything", client_rewrite([](std::string_view body) {
             const auto words = words_of(body);
             const bool counted = command_of(body) == CommandKind::hist && words.size() == 3;
             return counted ? without_word(body, 2) : std::string(body);
         })},
        {"hist-bad-counts-accepted", "protocol_cmd_hist", "hist.bad-counts",
         "a HIST count that is not a positive integer is ignored instead of refused",
         client_rewrite([](std::string_view body) {
             const auto words = words_of(body);
             const bool bad = command_of(body) == CommandKind::hist && words.size() == 3 &&
                              !telechat::detail::decimal(words[2]).value_or(0);
             return bad ? without_word(body, 2) : std::string(body);
         })},
        {"hist-unknown-empty", "protocol_cmd_hist", "hist.no-such-user",
         "HIST of a name with no history is an empty history, not NO_SUCH_USER",
         reply_rewrite([](const Heard& heard, const Talk&) -> std::optional<std::string> {
             if (heard.command_kind() == CommandKind::hist &&
                 heard.line.starts_with("-ERR NO_SUCH_USER")) {
                 return std::string("+OK 0 messages\r\n.");
             }
             return std::nullopt;
         })},
        {"hist-drops-oldest", "protocol_histories", "hist.retention-limit,hist.records",
         "a whole history is listed without its oldest record",
         body_rewrite(
             CommandKind::hist,
             [](std::string header, std::vector<std::string> body, const std::string& command) {
                 if (words_of(command).size() == 2 && !body.empty()) {
                     body.erase(body.begin());
                 }
                 std::vector<std::string> out{header_with(header, body.size())};
                 out.insert(out.end(), body.begin(), body.end());
                 return out;
             })},
        {"end-no-quit-push", "protocol_cmd_end", "end.ends-conversation",
         "the customer of an END is closed without QUIT conversation ended by <agent>",
         drop_pushes("QUIT conversation ended by ")},
        {"end-reply-after-push", "protocol_replies", "end.next-customer-assigned",
         "END's +OK comes after the ASSIGNED it caused",
         on_lines({.server_line =
                       [held = std::string()](Link& link, Talk&, const Heard& heard,
                                              std::string_view line) mutable {
                           if (heard.is(Heard::Kind::reply) &&
                               heard.command_kind() == CommandKind::end && heard.line == "+OK") {
                               held = std::string(line);
                               return;
                           }
                           link.to_client(line);
                           link.to_client(std::exchange(held, std::string()));
                       }})},
        {"end-extra-words-ignored", "protocol_cmd_end", "end.errors",
         "END ignores the words after the name", client_rewrite([](std::string_view body) {
             const auto words = words_of(body);
             return command_of(body) == CommandKind::end && words.size() > 2 ? without_word(body, 2)
                                                                             : std::string(body);
         })},
        {"queued-never", "protocol_positions", "connect.customer-waits,waiting.*",
         "waiting customers are never told their position", drop_pushes("QUEUED ")},
        {"queued-twice", "protocol_positions", "waiting.queued-once-per-event",
         "each QUEUED is sent twice",
         on_lines({.server_line =
                       [](Link& link, Talk&, const Heard& heard, std::string_view line) {
                           link.to_client(line);
                           if (heard.is(Heard::Kind::push) && heard.line.starts_with("QUEUED ")) {
                               link.to_client(line);
                           }
                       }})},
        {"queued-intermediate", "protocol_positions", "waiting.fifo-and-no-intermediate-positions",
         "a customer moving up several places is told every position in between",
         on_lines({.server_line =
                       [last = std::uint64_t{0}](Link& link, Talk&, const Heard& heard,
                                                 std::string_view line) mutable {
                           const auto push = heard.is(Heard::Kind::push)
                                                 ? telechat::protocol::parse_push(heard.line)
                                                 : std::nullopt;
                           if (push && push->kind == telechat::protocol::PushKind::queued) {
                               for (std::uint64_t p = last - 1;
                                    last > 0 && p > push->position && p < last; --p) {
                                   link.to_client("QUEUED " + std::to_string(p) + "\r\n");
                               }
                               last = push->position;
                           }
                           link.to_client(line);
                       }})},
        {"queued-before-assigned", "protocol_positions",
         "assign.at-once-gets-no-queued,leaving.sent-back-and-reassigned-gets-only-assigned",
         "a customer gets QUEUED 1 before every ASSIGNED, even one assigned at once",
         on_lines({.server_line =
                       [](Link& link, Talk& talk, const Heard& heard, std::string_view line) {
                           if (heard.is(Heard::Kind::push) && heard.line.starts_with("ASSIGNED ") &&
                               !talk.is_agent()) {
                               link.to_client("QUEUED 1\r\n");
                           }
                           link.to_client(line);
                       }})},
        {"queued-off-by-one", "protocol_positions",
         "leaving.agent-leaves-customers-return-ahead,waiting.disconnect-updates-positions",
         "positions count from 0 (QUEUED n-1)", server_rewrite([](const Heard& heard) {
             const auto push = heard.is(Heard::Kind::push)
                                   ? telechat::protocol::parse_push(heard.line)
                                   : std::nullopt;
             return push && push->kind == telechat::protocol::PushKind::queued
                        ? "QUEUED " + std::to_string(push->position - 1)
                        : std::string(heard.line);
         })},
        {"no-left", "protocol_leaving",
         "leaving.customer-quit-left,leaving.customer-disconnect-left",
         "an agent is not told that its customer left", drop_pushes("LEFT ")},
    };
}

}  // namespace mutants

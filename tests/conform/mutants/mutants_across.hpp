// Mutants that break desk rules about several connections at once (docs/
// protocol.md, protocol_assignment and protocol_leaving): which agent gets a
// customer, and where a waiting customer's kept messages go. Each keeps one
// state for the whole proxy run (shared.hpp), fed by every connection.
#pragma once

#include <telechat/protocol/command.hpp>
#include <telechat/protocol/server_lines.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent_board.hpp"
#include "lines.hpp"
#include "shared.hpp"

namespace mutants {

/// @brief A successful reply to a command of `kind`.
inline bool ok_reply_to(const Heard& heard, telechat::protocol::CommandKind kind) {
    return heard.is(Heard::Kind::reply) && heard.command_kind() == kind &&
           telechat::protocol::parse_reply(heard.line).ok;
}

/// @brief The push `heard` is, if it is one.
inline std::optional<telechat::protocol::PushLine> push_of(const Heard& heard) {
    return heard.is(Heard::Kind::push) ? telechat::protocol::parse_push(heard.line) : std::nullopt;
}

/// @brief The words after the command word of the line a reply answers.
inline std::string arguments_of(const Heard& heard) {
    const auto split = telechat::protocol::split_command(heard.command);
    return split ? std::string(split->arguments) : std::string();
}

/// @brief The hooks that keep an AgentBoard up to date and move each
///        ASSIGNED to the agent its broken rule picks.
inline LineHooks board_hooks(const std::shared_ptr<AgentBoard>& board) {
    using telechat::protocol::CommandKind;
    using telechat::protocol::PushKind;
    const auto leave = [board](const Talk& talk) {
        if (talk.registered() && talk.is_agent()) {
            board->left(talk.name());
        } else if (talk.registered()) {
            board->conversation_over(talk.name(), false);
        }
    };
    return {
        .server_line =
            [board, leave](Link& link, Talk& talk, const Heard& heard, std::string_view line) {
                const auto push = push_of(heard);
                if (ok_reply_to(heard, CommandKind::connect) && talk.is_agent()) {
                    board->joined(talk.name());
                } else if (ok_reply_to(heard, CommandKind::quit)) {
                    leave(talk);
                } else if (ok_reply_to(heard, CommandKind::end)) {
                    board->conversation_over(arguments_of(heard), true);
                } else if (push && push->kind == PushKind::quit &&
                           push->text.starts_with("conversation ended by ")) {
                    board->conversation_over(talk.name(), true);  // before or after the END's +OK
                } else if (push && push->kind == PushKind::assigned && talk.is_agent()) {
                    const std::string customer(push->name);
                    if (board->route(customer, talk.name()) != talk.name()) {
                        return;  // the broken desk gave this customer to another agent
                    }
                } else if (push && push->kind == PushKind::assigned) {
                    link.to_client("ASSIGNED " +
                                   board->route(talk.name(), std::string(push->name)) +
                                   std::string(ending_of(line)));
                    return;
                }
                link.to_client(line);
            },
        .gone = leave,
        .tick = [board](Link& link, Talk& talk,
                        Clock::time_point) -> std::optional<Clock::time_point> {
            board->mail().deliver(link, talk);
            return std::nullopt;
        },
    };
}

/// @brief The messages waiting customers sent, and those of the ones who left.
struct Leavings {
    std::map<std::string, std::vector<std::string>> kept;  // per waiting customer, MSG pushes
    std::string left_behind;  // MSG pushes of customers who left while waiting
};

/// @brief The hooks of a desk that keeps a waiting customer's messages after
///        it left, and delivers them to the next agent that registers.
inline LineHooks leaver_hooks(const std::shared_ptr<Leavings>& leavings) {
    using telechat::protocol::CommandKind;
    using telechat::protocol::PushKind;
    const auto leave = [leavings](const Talk& talk) {
        const auto found = leavings->kept.find(talk.name());
        if (!talk.is_agent() && found != leavings->kept.end()) {
            for (const std::string& push : found->second) {
                leavings->left_behind += push;
            }
            leavings->kept.erase(found);
        }
    };
    return {
        .server_line =
            [leavings, leave](Link& link, Talk& talk, const Heard& heard, std::string_view line) {
                link.to_client(line);
                const auto push = push_of(heard);
                const auto kept = leavings->kept.find(talk.name());
                if (ok_reply_to(heard, CommandKind::connect) && talk.is_agent()) {
                    link.to_client(std::exchange(leavings->left_behind, std::string()));
                } else if (ok_reply_to(heard, CommandKind::msg) && kept != leavings->kept.end()) {
                    kept->second.push_back("MSG " + talk.name() + " " + arguments_of(heard) +
                                           "\r\n");
                } else if (ok_reply_to(heard, CommandKind::quit)) {
                    leave(talk);
                } else if (push && push->kind == PushKind::queued && !talk.is_agent()) {
                    (void)leavings->kept.try_emplace(talk.name());  // waiting from now on
                } else if (push && push->kind == PushKind::assigned && !talk.is_agent()) {
                    leavings->kept.erase(talk.name());  // the server delivers them
                }
            },
        .gone = leave,
    };
}

inline std::vector<Mutant> across_mutants() {
    return {
        {"tie-to-newest", "protocol_assignment",
         "assign.fewest-active-then-oldest,assign.end-does-not-reset-tie",
         "among agents tied on the fewest active conversations, a customer goes to the one whose "
         "last assignment is newest",
         sharing<AgentBoard>(AgentBoard({.tie_to_newest = true}), board_hooks)},
        {"end-resets-tie", "protocol_assignment", "assign.end-does-not-reset-tie",
         "an END that leaves an agent with no customer makes it count from its registration "
         "again, so it wins the next tie",
         sharing<AgentBoard>(AgentBoard({.end_resets_tie = true}), board_hooks)},
        {"leaver-messages-delivered", "protocol_leaving", "msg.waiting-leaver-messages-dropped",
         "the messages a waiting customer left behind when it left are delivered to the next "
         "agent that registers",
         sharing<Leavings>(Leavings{}, leaver_hooks)},
    };
}

}  // namespace mutants

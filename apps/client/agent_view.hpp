// An agent's view of its work, I/O-free: its customers as shown so far, the
// one its plain lines go to, and how many people wait in line. (The view
// follows the events as they are shown, not telechat::client::Session, whose
// state is already that of the last line read: an `ASSIGNED` still to be
// shown must not change what an earlier line says.) 3MCP tells an agent when a customer is
// assigned to it or leaves, but never when someone joins the line, so the
// view decides when the client should ask (`LIST`): soon after something it
// can see changed, and now and then when nothing did, never more often than
// its pacing allows. Times come from the caller, so every rule is a unit test.
#pragma once

#include <telechat/client/session.hpp>
#include <telechat/protocol/command.hpp>
#include <telechat/protocol/server_lines.hpp>
#include <telechat/queue.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace client_app {

class AgentView {
public:
    using Clock = std::chrono::steady_clock;
    using Duration = Clock::duration;

    /// @brief How often the client may ask for the line on its own.
    struct Pacing {
        /// @brief Between two LISTs of its own, at least this long, whatever happens.
        Duration least_gap = std::chrono::seconds(2);
        /// @brief With nothing seen to change, it asks after this long ...
        Duration idle_refresh = std::chrono::seconds(5);
        /// @brief ... plus this for every user the last LIST listed (a big
        ///        server's LIST is big: it is asked for less often) ...
        Duration per_user = std::chrono::milliseconds(10);
        /// @brief ... but never waits longer than this.
        Duration longest_idle = std::chrono::seconds(60);
    };

    /// @param follows_assignments a person's view: with no customer chosen,
    ///        an assignment makes the first customer the current one, so
    ///        that a second customer's arrival does not take the first away.
    ///        A script's view changes only with /switch (its plain lines keep
    ///        the rule they always had: the only customer, or an error).
    AgentView(bool follows_assignments, Pacing pacing)
        : m_follows_assignments(follows_assignments), m_pacing(pacing) {}
    /// @brief A view with the default pacing.
    explicit AgentView(bool follows_assignments) : AgentView(follows_assignments, Pacing{}) {}

    /// @name The current customer
    /// @{

    /// @brief To whom a plain line goes: the chosen customer while it is
    ///        one, else the only customer, else nobody (empty).
    [[nodiscard]] std::string current() const {
        if (!m_chosen.empty()) {
            return m_chosen;
        }
        return m_customers.size() == 1 ? m_customers.front() : std::string();
    }

    /// @brief `/switch name`: chooses a customer of this agent.
    /// @return nullopt, or what is wrong, for a person.
    [[nodiscard]] std::optional<std::string> choose(std::string_view name) {
        for (const std::string& customer : m_customers) {
            if (telechat::detail::equals_ignoring_case(customer, name)) {
                m_chosen = customer;
                return std::nullopt;
            }
        }
        if (m_customers.empty()) {
            return "you have no customer yet";
        }
        return std::string(name) + " is not one of your customers (" + joined(m_customers) + ")";
    }

    /// @brief Tab on an empty line: the next customer after the current one.
    void choose_next() {
        if (m_customers.empty()) {
            return;
        }
        const auto now = std::find(m_customers.begin(), m_customers.end(), current());
        m_chosen = now == m_customers.end() || now + 1 == m_customers.end() ? m_customers.front()
                                                                            : *(now + 1);
    }

    /// @brief After a conversation ended: who the agent talks to now, or
    ///        what comes next (`; bob is your current customer`, ...).
    ///        An agent with a free place gets the first of the line at once.
    [[nodiscard]] std::string what_comes_next() const {
        std::string next;
        if (!current().empty()) {
            next = "; your lines go to " + current() + " now";
        } else if (!m_customers.empty()) {
            next = "; choose whom to talk to with /switch: " + joined(m_customers);
        }
        if (m_waiting) {
            next += *m_waiting == 0 ? "; nobody is waiting" : "; the first in line comes to you";
        }
        return next;
    }

    /// @brief The customers, in the order they were assigned.
    [[nodiscard]] const std::vector<std::string>& customers() const noexcept { return m_customers; }

    /// @brief The customers other than the current one, in assignment order.
    [[nodiscard]] std::vector<std::string> others() const {
        std::vector<std::string> names = m_customers;
        std::erase(names, current());
        return names;
    }
    /// @}

    /// @name Following the events, in the order they are shown
    /// @{
    void follow(const telechat::client::Push& push) {
        using telechat::protocol::PushKind;
        if (push.kind == PushKind::assigned) {
            // One customer was the current one without being chosen; now
            // that there are two, it stays current by being chosen.
            if (m_follows_assignments && m_chosen.empty() && m_customers.size() == 1) {
                m_chosen = m_customers.front();
            }
            m_customers.push_back(push.name);
            m_line_changed = true;  // someone left the line to come here
        } else if (push.kind == PushKind::left) {
            forget(push.name);
            m_line_changed = true;  // a place with this agent is free
        }
    }

    void follow(const telechat::client::Reply& reply) {
        using telechat::protocol::CommandKind;
        if (reply.ok && reply.request == CommandKind::end) {
            forget(reply.target);
        }
        if (reply.ok &&
            (reply.request == CommandKind::connect || reply.request == CommandKind::end)) {
            m_line_changed = true;
        }
    }
    /// @}

    /// @name The waiting line
    /// @{

    /// @brief How many waited at the last LIST; nullopt before the first.
    [[nodiscard]] std::optional<std::size_t> waiting() const noexcept { return m_waiting; }

    /// @brief Whether the client should send a LIST of its own now.
    [[nodiscard]] bool list_due(Clock::time_point now) const {
        return m_lists_in_flight.empty() && now >= next_list_time();
    }

    /// @brief When a LIST of its own will be due, if none is in flight.
    [[nodiscard]] Clock::time_point next_list_time() const {
        const Clock::time_point allowed =
            m_last_sent ? *m_last_sent + m_pacing.least_gap : Clock::time_point::min();
        if (m_line_changed || !m_last_sent) {
            return allowed;
        }
        const Duration idle =
            std::min(m_pacing.longest_idle,
                     m_pacing.idle_refresh + m_pacing.per_user * static_cast<long>(m_users_listed));
        return std::max(allowed, *m_last_sent + idle);
    }

    /// @brief A LIST went out: the client's own, or the user's (`/list`).
    ///        Either tells what changed so far, so the next one of the
    ///        client's own is timed from it.
    void list_sent(Clock::time_point now, bool by_user) {
        m_lists_in_flight.push(by_user);
        m_last_sent = now;
        m_line_changed = false;
    }

    /// @brief A LIST's reply came (3MCP answers in order); every one tells the line's length.
    /// @return whether to show it: the user asked for it.
    [[nodiscard]] bool list_answered(const telechat::client::Reply& reply) {
        bool by_user = true;  // a reply to no LIST of the view's: shown, as anything unknown
        if (!m_lists_in_flight.empty()) {
            by_user = m_lists_in_flight.front();
            m_lists_in_flight.pop();
        }
        if (reply.ok && !reply.body_truncated) {
            m_users_listed = reply.body.size();
            m_waiting = static_cast<std::size_t>(
                std::count_if(reply.body.begin(), reply.body.end(), [](const std::string& row) {
                    const auto user = telechat::protocol::parse_user_line(row);
                    return user && user->waiting;
                }));
        }
        return by_user;
    }
    /// @}

private:
    // A customer who left or whose conversation ended. If it was the chosen
    // one, nobody is chosen: a plain line goes to the only customer left, if
    // there is one; between several the view never guesses.
    void forget(std::string_view name) {
        std::erase_if(m_customers, [&](const std::string& customer) {
            return telechat::detail::equals_ignoring_case(customer, name);
        });
        if (telechat::detail::equals_ignoring_case(m_chosen, name)) {
            m_chosen.clear();
        }
    }

    static std::string joined(const std::vector<std::string>& names) {
        std::string text;
        for (const std::string& name : names) {
            text += (text.empty() ? "" : ", ") + name;
        }
        return text;
    }

    bool m_follows_assignments;
    Pacing m_pacing;
    std::vector<std::string> m_customers;  // as the server spells them
    std::string m_chosen;                  // one of them; empty: none chosen
    std::optional<std::size_t> m_waiting;
    std::size_t m_users_listed = 0;
    telechat::Queue<bool> m_lists_in_flight;  // oldest first: true for the user's (shown)
    bool m_line_changed = false;              // something seen since the client's last LIST
    std::optional<Clock::time_point> m_last_sent;
};

/// @brief An agent's prompt: `sam → ana [bob eve] · 2 waiting> `. Names must
///        be printable already; the others' names give way to their count
///        when the prompt would take more than `max_columns`.
[[nodiscard]] inline std::string agent_prompt(std::string_view me, std::string_view current,
                                              const std::vector<std::string>& others,
                                              std::optional<std::size_t> waiting,
                                              std::size_t max_columns) {
    std::string head(me);
    if (!current.empty()) {
        head += " → " + std::string(current);
    } else if (!others.empty()) {
        head += " → ?";  // several customers and none chosen: /switch or Tab
    }
    std::string tail;
    if (waiting) {
        tail = *waiting == 0 ? " · nobody waiting" : " · " + std::to_string(*waiting) + " waiting";
    }
    tail += "> ";
    if (others.empty()) {
        return head + tail;
    }
    std::string names;
    for (const std::string& name : others) {
        names += (names.empty() ? "" : " ") + name;
    }
    std::string full = head + " [" + names + "]" + tail;
    if (full.size() <= max_columns) {  // bytes: at least the columns, so never too wide
        return full;
    }
    return head + " [+" + std::to_string(others.size()) + "]" + tail;
}

}  // namespace client_app

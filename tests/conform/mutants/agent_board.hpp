// The proxy's own account of the desk's agents, for mutants that send a
// customer to another agent than the server chose: which agents are
// connected, in what order they registered, how many customers each has and
// when each was last given one, all as the broken desk would see it. The
// mutant's hooks feed it what the connections show (welcomes, ASSIGNED,
// END, leaving), and it decides each assignment by a broken "which agent"
// rule (docs/protocol.md, protocol_assignment).
//
// It moves only the announcements: the customer and the chosen agent are
// told ASSIGNED, the server's choice is not, but the server still relays
// the conversation to its own choice. That is enough for the tests of the
// rule, which fail at the first ASSIGNED that names the wrong agent.
// Capacities are not known to the proxy: an agent the broken rule picks is
// assumed to have room.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "shared.hpp"

namespace mutants {

/// @brief How the broken desk picks among agents with the fewest customers.
struct BrokenRule {
    /// The one whose last assignment is newest, not oldest.
    bool tie_to_newest = false;
    /// An END that leaves an agent with no customer makes it count from its
    /// registration again, as if it had never had one.
    bool end_resets_tie = false;
};

class AgentBoard {
public:
    explicit AgentBoard(BrokenRule rule = {}) : m_rule(rule) {}

    /// @brief An agent registered.
    void joined(const std::string& agent) {
        ++m_clock;
        m_agents.push_back({agent, 0, m_clock, m_clock});
    }

    /// @brief An agent left: its customers go back to the line, and each
    ///        will be routed again when the server assigns it.
    void left(const std::string& agent) {
        std::erase_if(m_agents, [&](const Agent& a) { return a.name == agent; });
        std::erase_if(m_agent_of, [&](const auto& entry) { return entry.second == agent; });
        m_mail.forget(agent);
    }

    /// @brief A customer's conversation is over; `by_end` if its agent ENDed it.
    void conversation_over(const std::string& customer, bool by_end) {
        const auto found = m_agent_of.find(customer);
        if (found == m_agent_of.end()) {
            return;  // told already (the END's +OK and the customer's QUIT both say so)
        }
        if (Agent* agent = find(found->second); agent != nullptr && agent->active > 0) {
            --agent->active;
            if (by_end && m_rule.end_resets_tie && agent->active == 0) {
                agent->last_assigned = agent->registered;
            }
        }
        m_agent_of.erase(found);
    }

    /// @brief The agent `customer` goes to in the broken desk, where the
    ///        server chose `server_choice`. Each assignment is seen twice,
    ///        on the customer's connection and on `server_choice`'s; the
    ///        first sighting decides (and posts ASSIGNED to the broken
    ///        desk's agent if that is another), the second gets the same.
    std::string route(const std::string& customer, const std::string& server_choice) {
        const auto seen = m_undelivered.find(customer);
        if (seen != m_undelivered.end() && seen->second.server_choice == server_choice) {
            std::string chosen = std::move(seen->second.chosen);
            m_undelivered.erase(seen);
            return chosen;
        }
        Agent* agent = choose();
        std::string chosen = agent != nullptr ? agent->name : server_choice;
        if (agent != nullptr) {
            ++agent->active;
            agent->last_assigned = ++m_clock;
        }
        m_agent_of[customer] = chosen;
        m_undelivered[customer] = {server_choice, chosen};
        if (chosen != server_choice) {
            m_mail.post(chosen, "ASSIGNED " + customer + "\r\n");
        }
        return chosen;
    }

    /// @brief What waits for other connections (their tick hooks deliver it).
    Mailbox& mail() { return m_mail; }

private:
    struct Agent {
        std::string name;
        std::uint64_t active = 0;
        std::uint64_t registered = 0;     // a tick of m_clock
        std::uint64_t last_assigned = 0;  // a tick of m_clock; at first, registered
    };

    struct Sighting {
        std::string server_choice;
        std::string chosen;
    };

    Agent* find(const std::string& name) {
        const auto found = std::find_if(m_agents.begin(), m_agents.end(),
                                        [&](const Agent& a) { return a.name == name; });
        return found == m_agents.end() ? nullptr : &*found;
    }

    // Fewest active first; the tie as the broken rule says.
    Agent* choose() {
        const auto better = [this](const Agent& a, const Agent& b) {
            if (a.active != b.active) {
                return a.active < b.active;
            }
            return m_rule.tie_to_newest ? a.last_assigned > b.last_assigned
                                        : a.last_assigned < b.last_assigned;
        };
        const auto best = std::min_element(m_agents.begin(), m_agents.end(), better);
        return best == m_agents.end() ? nullptr : &*best;
    }

    BrokenRule m_rule;
    std::uint64_t m_clock = 0;  // counts registrations and assignments: their order
    std::vector<Agent> m_agents;
    std::map<std::string, std::string> m_agent_of;  // customer -> agent, broken desk
    std::map<std::string, Sighting> m_undelivered;  // assignments seen once so far
    Mailbox m_mail;
};

}  // namespace mutants

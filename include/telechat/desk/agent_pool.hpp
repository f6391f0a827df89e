/// @file
/// @brief telechat::AgentPool, the agents on duty and who serves whom.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "../detail/raw_buffer.hpp"
#include "../invariant.hpp"

namespace telechat {

/**
 * @brief The registered agents, each with up to `capacity` customers, and
 *        the rule that picks who gets the next one.
 *
 * Agents and customers are named by their connection slots. The pool keeps
 * the agents in registration order and, per agent, its customers in the
 * order it got them and the serial number of its last assignment (a
 * counter, not a time). The next customer goes to the least busy agent with
 * a free seat; among equals, to the one whose last assignment (or
 * registration) is oldest, so work is spread evenly.
 *
 * @code
 *   on duty (registration order):  [slot 4]      [slot 0]      [slot 9]
 *   customers:                     {2, 7}        {5}           {}
 *   last assignment #:             12            15            16
 *   least_busy() -> slot 9 (0 customers); without it, slot 0 (1 customer)
 *   free seats (capacity 3):       1 + 2 + 3 = 6
 * @endcode
 *
 * @invariant An agent serves at most `capacity` customers, each listed once.
 * @invariant free_seats() is the sum of `capacity - load` over the agents.
 * @invariant The on-duty list holds exactly the registered agents, once each.
 *
 * @complexity add, assign, free_seats, load O(1) amortised; remove
 *             O(agents); unassign O(capacity); least_busy O(agents).
 *
 * Invalidation: customers_of() spans are invalidated by any change to that
 * agent and by add(). Exceptions: add() and assign() may throw
 * std::bad_alloc, leaving the pool unchanged; the rest never throw.
 */
class AgentPool {
public:
    /// @brief Slot number meaning "no agent".
    static constexpr std::uint32_t no_agent = std::numeric_limits<std::uint32_t>::max();

    /// @brief A pool whose agents serve up to `capacity` customers each.
    /// @param capacity DeskOptions::agent_capacity (at least 1).
    explicit AgentPool(std::size_t capacity) noexcept : m_capacity(capacity) {}

    /// @brief An agent starts work; it counts as just assigned for the tie-break.
    /// @param agent its connection slot.
    void add(std::uint32_t agent) {
        if (agent >= m_agents.size()) {
            m_agents.resize(std::size_t{agent} + 1);
        }
        m_on_duty.push_back(agent);
        Agent& record = m_agents[agent];
        record.on_duty = true;
        record.customers.clear();
        record.last_assignment = ++m_assignments_made;
        m_free_seats += m_capacity;
    }

    /// @brief An agent leaves; `each_customer(slot)` is called for each of its
    ///        customers, in the order it got them, after it is off duty.
    /// @param agent its connection slot.
    /// @param each_customer the callback.
    template <class EachCustomer>
    void remove(std::uint32_t agent, EachCustomer&& each_customer) {
        Agent& record = m_agents[agent];
        std::erase(m_on_duty, agent);
        m_free_seats -= m_capacity - record.customers.size();
        record.on_duty = false;
        for (const std::uint32_t customer : record.customers) {
            each_customer(customer);
        }
        record.customers.clear();
    }

    /// @brief The agent that should get the next customer.
    /// @return its slot, or no_agent if every seat is taken.
    [[nodiscard]] std::uint32_t least_busy() const noexcept {
        std::uint32_t best = no_agent;
        for (const std::uint32_t agent : m_on_duty) {
            const Agent& candidate = m_agents[agent];
            if (candidate.customers.size() >= m_capacity) {
                continue;
            }
            if (best == no_agent || candidate.customers.size() < m_agents[best].customers.size() ||
                (candidate.customers.size() == m_agents[best].customers.size() &&
                 candidate.last_assignment < m_agents[best].last_assignment)) {
                best = agent;
            }
        }
        return best;
    }

    /// @brief Gives a customer to an agent with a free seat.
    /// @param customer the customer's slot.
    /// @param agent the agent's slot.
    void assign(std::uint32_t customer, std::uint32_t agent) {
        Agent& record = m_agents[agent];
        record.customers.push_back(customer);
        record.last_assignment = ++m_assignments_made;
        --m_free_seats;
    }

    /// @brief A customer's conversation with its agent is over.
    /// @param customer the customer's slot.
    /// @param agent the agent's slot.
    void unassign(std::uint32_t customer, std::uint32_t agent) {
        if (std::erase(m_agents[agent].customers, customer) > 0) {
            ++m_free_seats;
        }
    }

    /// @brief An agent's customers, in the order it got them.
    /// @param agent the agent's slot.
    /// @return a view of their slots.
    [[nodiscard]] std::span<const std::uint32_t> customers_of(std::uint32_t agent) const noexcept {
        return m_agents[agent].customers;
    }

    /// @brief How many customers an agent serves.
    /// @param agent the agent's slot.
    /// @return the count.
    [[nodiscard]] std::size_t load(std::uint32_t agent) const noexcept {
        return m_agents[agent].customers.size();
    }
    /// @brief How many customers one agent serves at most.
    /// @return the capacity.
    [[nodiscard]] std::size_t capacity() const noexcept { return m_capacity; }
    /// @brief How many more customers the agents could take right now.
    /// @return the count.
    [[nodiscard]] std::size_t free_seats() const noexcept { return m_free_seats; }
    /// @brief How many agents are on duty.
    /// @return the count.
    [[nodiscard]] std::size_t size() const noexcept { return m_on_duty.size(); }
    /// @brief Whether an agent is on duty.
    /// @param agent a slot.
    /// @return true if on duty.
    [[nodiscard]] bool contains(std::uint32_t agent) const noexcept {
        return agent < m_agents.size() && m_agents[agent].on_duty;
    }

    /// @brief Verifies the invariants in the class description.
    /// @throws InvariantViolation naming the first that fails.
    /// @complexity O(agents x capacity + slots).
    void check_invariants() const {
        std::size_t free_seats = 0;
        std::size_t listed = 0;
        for (const std::uint32_t agent : m_on_duty) {
            detail::require_invariant(contains(agent),
                                      "AgentPool: the on-duty list holds only agents on duty");
            const std::vector<std::uint32_t>& customers = m_agents[agent].customers;
            detail::require_invariant(customers.size() <= m_capacity,
                                      "AgentPool: no agent serves more than its capacity");
            for (const std::uint32_t customer : customers) {
                detail::require_invariant(
                    std::count(customers.begin(), customers.end(), customer) == 1,
                    "AgentPool: an agent lists each customer once");
            }
            free_seats += m_capacity - customers.size();
        }
        for (const Agent& agent : m_agents) {
            listed += agent.on_duty ? 1 : 0;
            detail::require_invariant(agent.on_duty || agent.customers.empty(),
                                      "AgentPool: an agent off duty serves nobody");
        }
        detail::require_invariant(listed == m_on_duty.size(),
                                  "AgentPool: the on-duty list holds every agent on duty, once");
        detail::require_invariant(free_seats == m_free_seats,
                                  "AgentPool: the count of free seats is right");
    }

private:
    struct Agent {
        bool on_duty = false;
        std::vector<std::uint32_t> customers;  // in the order it got them
        std::uint64_t last_assignment = 0;     // a serial number from m_assignments_made
    };

    std::vector<Agent> m_agents;           // indexed by slot
    std::vector<std::uint32_t> m_on_duty;  // in registration order
    std::size_t m_capacity;
    std::size_t m_free_seats = 0;
    std::uint64_t m_assignments_made = 0;
};

}  // namespace telechat

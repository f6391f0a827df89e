/// @file
/// @brief The rules that tie the desk's structures together:
///        telechat::Desk::check_invariants().
///
/// Each structure checks its own invariants; this checks that they agree
/// with each other and with each connection's state. Included by desk.hpp;
/// including it alone includes desk.hpp.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "../detail/raw_buffer.hpp"
#include "desk.hpp"

namespace telechat {

inline void Desk::check_invariants() const {
    using detail::require_invariant;
    m_connections.check_invariants();
    m_outbox.check_invariants();
    m_buffers.check_invariants();
    m_waiting.check_invariants();
    m_agents.check_invariants();
    m_histories.check_invariants();
    m_online.check_invariants();
    std::size_t position = 0;
    for (const WaitingLine::Entry& entry : m_waiting) {
        const Connection& customer = m_connections[entry.slot];
        ++position;
        require_invariant(
            m_connections.in_use(entry.slot) && customer.state == State::waiting &&
                customer.arrival_ticket == entry.ticket,
            "Desk: the waiting line holds only waiting customers, under their tickets");
        require_invariant(m_shutting_down || customer.told_position == position,
                          "Desk: every waiting customer was told its true position");
    }
    std::size_t registered = 0;
    std::size_t waiting = 0;
    for (std::uint32_t slot = 0; slot < m_connections.slot_count(); ++slot) {
        const Connection& user = m_connections[slot];
        if (!m_connections.in_use(slot) || user.state == State::unregistered ||
            user.state == State::gone) {
            continue;
        }
        ++registered;
        const auto entry = m_online.find(user.name);
        require_invariant(entry != m_online.end() && entry->second == slot,
                          "Desk: every registered user is in the name table");
        waiting += user.state == State::waiting ? 1U : 0U;
        require_invariant((user.state == State::agent) == m_agents.contains(slot),
                          "Desk: the agent pool holds exactly the agents");
        if (user.state == State::agent) {
            for (const std::uint32_t customer : m_agents.customers_of(slot)) {
                require_invariant(m_connections[customer].state == State::chatting &&
                                      m_connections[customer].agent == slot,
                                  "Desk: an agent lists only its own chatting customers");
            }
        }
        if (user.state == State::chatting) {
            require_invariant(m_agents.contains(user.agent),
                              "Desk: a chatting customer has an agent");
            const auto of_agent = m_agents.customers_of(user.agent);
            require_invariant(std::count(of_agent.begin(), of_agent.end(), slot) == 1,
                              "Desk: a chatting customer's agent lists it once");
        }
    }
    require_invariant(registered == m_online.size(),
                      "Desk: the name table holds only registered users");
    require_invariant(waiting == m_waiting.size(), "Desk: every waiting customer is in the line");
    require_invariant(m_shutting_down || m_waiting.empty() || m_agents.free_seats() == 0,
                      "Desk: no customer waits while an agent has a free seat");
}

}  // namespace telechat

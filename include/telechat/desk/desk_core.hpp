/// @file
/// @brief The desk's structures and the effects its commands share (an
///        internal base of telechat::Desk): writing to a user, joining,
///        being assigned, leaving.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "../history/any_storage.hpp"
#include "../history/record.hpp"
#include "../invariant.hpp"
#include "../protocol/command.hpp"
#include "../protocol/framer.hpp"
#include "../protocol/vocabulary.hpp"
#include "../protocol/writer.hpp"
#include "../queue.hpp"
#include "agent_pool.hpp"
#include "buffer_pool.hpp"
#include "history_store.hpp"
#include "names.hpp"
#include "options.hpp"
#include "outbox.hpp"
#include "session_slots.hpp"
#include "waiting_line.hpp"

/// @cond TELECHAT_INTERNALS
namespace telechat::detail {

// What Desk is made of. Desk derives from it and adds what a line means
// (parsing, permissions, handlers) and the order of events (settling).
class DeskCore {
protected:
    enum class State : std::uint8_t { unregistered, waiting, chatting, agent, gone };
    enum class Departure : std::uint8_t {
        quit,
        disconnected,
        ended_by_agent,
        timed_out,
        dropped,
        shut_down
    };

    static constexpr std::uint32_t nobody = std::numeric_limits<std::uint32_t>::max();

    // Everything the desk knows about one connection, but its output (in the
    // outbox), and an agent's customers (in the agent pool).
    struct Connection {
        bool counted = false;  // counts towards max_clients (a refused one does not)
        State state = State::unregistered;
        protocol::LineFramer framer{protocol::LineFramer::default_max_line_bytes};
        std::string partial;  // the unfinished last line
        std::string name;
        UnixMillis opened_at = 0;
        UnixMillis last_line_at = 0;
        std::uint32_t history = HistoryStore::no_history;
        std::uint32_t auth_failures = 0;
        // A customer's ticket in the waiting line, the position it was last
        // told, its agent, and what it said while waiting.
        std::uint64_t arrival_ticket = 0;
        std::size_t told_position = 0;
        std::uint32_t agent = nobody;
        Queue<std::string> backlog;
    };

    DeskCore(DeskOptions options, history::AnyHistoryStorage storage)
        : m_options(std::move(options)),
          m_agents(m_options.agent_capacity),
          m_histories(m_options.history_limit, m_options.max_remembered_users,
                      m_options.history_reserve_per_record),
          m_storage(std::move(storage)),
          m_outbox(m_options.output_cap_bytes) {
        m_storage.load(
            [this](const history::HistoryRecord& record) { m_histories.restore(record); });
        m_storage.save(m_histories);  // a storage may compact what it loaded
    }

    // ----- a connection's life ---------------------------------------------------------

    // A new connection's record and mailbox; `counted` unless refused.
    ConnectionId start_connection(UnixMillis now, bool counted) {
        const ConnectionId id = m_connections.insert();
        m_outbox.open(id);
        Connection& connection = m_connections[id.slot];
        connection.framer = protocol::LineFramer(m_options.max_line_bytes);
        connection.opened_at = now;
        connection.last_line_at = now;
        connection.counted = counted;
        m_counted_connections += counted ? 1U : 0U;
        return id;
    }

    // Frees what an open connection holds; its id goes stale.
    void end_connection(ConnectionId id) {
        m_counted_connections -= m_connections[id.slot].counted ? 1U : 0U;
        m_outbox.close(id.slot, m_buffers);
        m_buffers.give_back(m_connections[id.slot].partial);
        m_connections.erase(id);
    }

    // Quits every user whose registration or idle timeout ran out.
    void quit_timed_out(UnixMillis now) {
        for (std::uint32_t slot = 0; slot < m_connections.slot_count(); ++slot) {
            const Connection& connection = m_connections[slot];
            if (!m_connections.in_use(slot) || m_outbox.close_mode(slot) != CloseMode::keep_open) {
                continue;
            }
            if (connection.state == State::unregistered) {
                if (m_options.register_timeout_ms > 0 &&
                    now - connection.opened_at >= m_options.register_timeout_ms) {
                    quit(slot, "registration timeout", Departure::timed_out);
                }
            } else if (m_options.idle_timeout_ms > 0 &&
                       now - connection.last_line_at >= m_options.idle_timeout_ms) {
                quit(slot, "idle timeout", Departure::timed_out);
            }
        }
    }

    // Quits every connection not already closing (the server is stopping).
    void quit_everyone(std::string_view reason) {
        for (std::uint32_t slot = 0; slot < m_connections.slot_count(); ++slot) {
            if (m_connections.in_use(slot) && m_outbox.close_mode(slot) == CloseMode::keep_open) {
                quit(slot, reason, Departure::shut_down);
            }
        }
    }

    // ----- writing to a user ------------------------------------------------------------

    // Whether pushes to this connection still go anywhere.
    [[nodiscard]] bool listening(std::uint32_t slot) const noexcept {
        return m_outbox.close_mode(slot) != CloseMode::immediately &&
               m_connections[slot].state != State::gone;
    }

    template <class... Words>
    void push_line(std::uint32_t slot, const Words&... words) {
        if (listening(slot)) {
            protocol::write_line(m_outbox.begin_write(slot, m_buffers), words...);
            m_outbox.end_write(slot);
        }
    }

    template <class... Words>
    void reply_ok(std::uint32_t slot, const Words&... words) {
        protocol::write_ok(m_outbox.begin_write(slot, m_buffers), words...);
        m_outbox.end_write(slot);
    }

    void reply_error(std::uint32_t slot, protocol::ErrorCode code, std::string_view reason) {
        protocol::write_error(m_outbox.begin_write(slot, m_buffers), code, reason);
        m_outbox.end_write(slot);
    }

    // Records one message in the sender's history and, unless `to` is nobody
    // (a waiting customer's message), in the receiver's: first in the
    // storage, which may refuse it (false: nothing is recorded), then in memory.
    [[nodiscard]] bool record_message(std::uint32_t from, std::uint32_t to, std::string_view text,
                                      UnixMillis now) {
        if (m_options.history_limit == 0) {
            return true;  // no history is kept, so nothing can fail to be kept
        }
        const std::string_view to_name =
            to == nobody ? std::string_view{protocol::word::nobody} : m_connections[to].name;
        const history::HistoryRecord record{
            now, m_connections[from].name, to_name, text,
            to == nobody ? history::KeptBy::sender : history::KeptBy::both};
        if (!m_storage.append(record)) {
            return false;
        }
        m_histories.append(m_connections[from].history, now, m_connections[from].name, to_name,
                           text);
        if (to != nobody) {
            m_histories.append(m_connections[to].history, now, m_connections[from].name, to_name,
                               text);
        }
        return true;
    }

    // ----- joining and being assigned ---------------------------------------------------

    void register_user(std::uint32_t slot, const protocol::ConnectCommand& command) {
        Connection& user = m_connections[slot];
        user.name.assign(command.name);
        user.history = m_histories.open(command.name);
        m_online.insert_or_assign(user.name, slot);
        if (command.role == protocol::Role::agent) {
            user.state = State::agent;
            m_agents.add(slot);
        } else {
            user.state = State::waiting;
            user.arrival_ticket = m_waiting.join(slot);
        }
    }

    void assign(std::uint32_t customer_slot, std::uint32_t agent_slot) {
        Connection& customer = m_connections[customer_slot];
        // Both histories get their room before the conversation starts, so
        // that relaying its messages allocates nothing (first, for the
        // strong guarantee should it throw).
        m_histories.reserve(customer.history);
        m_histories.reserve(m_connections[agent_slot].history);
        customer.state = State::chatting;
        customer.agent = agent_slot;
        customer.told_position = 0;
        m_agents.assign(customer_slot, agent_slot);
        push_line(customer_slot, std::string_view{protocol::word::assigned},
                  m_connections[agent_slot].name);
        push_line(agent_slot, std::string_view{protocol::word::assigned}, customer.name);
        for (; !customer.backlog.empty(); customer.backlog.pop()) {
            push_line(agent_slot, std::string_view{protocol::word::msg}, customer.name,
                      customer.backlog.front());
        }
    }

    // ----- leaving ----------------------------------------------------------------------

    // Sends `QUIT <reason>`, takes the user off the desk, and asks the server
    // to close the connection once the QUIT is written.
    void quit(std::uint32_t slot, std::string_view reason, Departure why) {
        push_line(slot, std::string_view{protocol::word::quit}, reason);
        forget_user(slot, why);
        m_outbox.request_close(
            slot, CloseMode::after_output,
            why == Departure::ended_by_agent ? "conversation ended by the agent" : reason);
    }

    // Takes a registered user off the desk, exactly once: frees its name,
    // tells its agent, re-queues its customers. Its history stays.
    void forget_user(std::uint32_t slot, Departure why) {
        Connection& user = m_connections[slot];
        switch (user.state) {
            case State::unregistered:
            case State::gone:
                user.state = State::gone;
                return;
            case State::waiting:
                m_waiting.leave(slot);
                break;
            case State::chatting:
                leave_agent(slot, why);
                break;
            case State::agent:
                release_customers(slot);
                break;
        }
        m_online.erase(user.name);
        m_histories.close(user.history);
        user.backlog.clear();
        user.state = State::gone;
    }

    void leave_agent(std::uint32_t slot, Departure why) {
        Connection& customer = m_connections[slot];
        m_agents.unassign(slot, customer.agent);
        if (why != Departure::ended_by_agent && !m_shutting_down) {
            push_line(customer.agent, std::string_view{protocol::word::left}, customer.name);
        }
        customer.agent = nobody;
    }

    // An agent left: its customers go back to the line, each at the place its
    // arrival ticket gives it, ahead of everyone who arrived after it.
    void release_customers(std::uint32_t slot) {
        m_agents.remove(slot, [this](std::uint32_t customer_slot) {
            Connection& customer = m_connections[customer_slot];
            customer.state = State::waiting;
            customer.agent = nobody;
            customer.told_position = 0;
            m_waiting.rejoin(customer_slot, customer.arrival_ticket);
        });
    }

    // ----- the steps of settling after an event (Desk::settle() orders them) ---------

    // Clients that let their output pass the cap are cut off; the others
    // never wait for them.
    void drop_over_cap() {
        while (const std::optional<std::uint32_t> slot = m_outbox.next_over_cap()) {
            m_outbox.drop_output(*slot, m_buffers);
            forget_user(*slot, Departure::dropped);
            m_outbox.request_close(*slot, CloseMode::immediately, "output cap exceeded");
        }
    }

    void assign_waiting_customers() {
        while (!m_waiting.empty() && m_agents.free_seats() > 0) {
            const std::uint32_t agent = m_agents.least_busy();
            assign(m_waiting.serve_front(), agent);
        }
    }

    void tell_new_positions() {
        m_waiting.report_new_positions([this](std::uint32_t slot, std::size_t position) {
            Connection& customer = m_connections[slot];
            if (customer.told_position != position) {
                customer.told_position = position;
                push_line(slot, std::string_view{protocol::word::queued}, position);
            }
        });
    }

    DeskOptions m_options;
    SessionSlots<Connection> m_connections;
    std::size_t m_counted_connections = 0;  // accepted and open, refused ones excluded
    NameTable m_online;                     // registered users, by name
    WaitingLine m_waiting;
    AgentPool m_agents;
    HistoryStore m_histories;
    history::AnyHistoryStorage m_storage;  // where records go besides m_histories
    Outbox m_outbox;
    BufferPool m_buffers;
    bool m_shutting_down = false;
};

}  // namespace telechat::detail
/// @endcond

/// @file
/// @brief telechat::Desk, the support desk: 3MCP in, 3MCP out, no I/O.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "../history/any_storage.hpp"
#include "../history/memory_storage.hpp"
#include "../protocol/command.hpp"
#include "../protocol/framer.hpp"
#include "../protocol/writer.hpp"
#include "desk_core.hpp"
#include "options.hpp"

namespace telechat {

/// @brief Counts that describe the desk at one moment.
struct DeskStats {
    /// @brief Connections accepted and not yet closed (refused ones excluded).
    std::size_t connections = 0;
    /// @brief Registered agents.
    std::size_t agents = 0;
    /// @brief Customers waiting for an agent.
    std::size_t waiting = 0;
    /// @brief Customers talking to an agent.
    std::size_t chatting = 0;
    /// @brief Users whose history is remembered, online or not.
    std::size_t histories = 0;
    /// @brief Output and input buffers kept for reuse.
    std::size_t spare_buffers = 0;
};

/**
 * @brief The support desk: everything 3MCP means, with no sockets, threads or clocks.
 *
 * The server hands the desk what happened to a connection (opened, bytes
 * arrived, closed, time passed) and takes back, per connection, the bytes to
 * send and whether to close. That is the whole interface, so every rule of
 * the protocol can be tested, fuzzed and replayed in memory.
 *
 * ## What it is made of
 * | structure    | header            | job                                            |
 * |--------------|-------------------|------------------------------------------------|
 * | SessionSlots | session_slots.hpp | a record per connection, by generational id    |
 * | NameTable    | names.hpp         | who is online, by name, ignoring case          |
 * | WaitingLine  | waiting_line.hpp  | customers waiting, in arrival order            |
 * | AgentPool    | agent_pool.hpp    | agents, their customers, who gets the next one |
 * | HistoryStore | history_store.hpp | every user's latest messages, online or gone   |
 * | AnyHistoryStorage | ../history/any_storage.hpp | where records go besides memory |
 * | RecordRing   | record_ring.hpp   | one history's records, packed in one buffer    |
 * | Outbox       | outbox.hpp        | bytes to send, close requests, the ready list  |
 * | BufferPool   | buffer_pool.hpp   | emptied buffers kept for reuse                 |
 *
 * The desk itself parses each line once (protocol::parse_command()),
 * checks who may send it, runs it, and keeps the order of events.
 *
 * ## An event, from start to end
 * Each complete line is one event. Its reply is written first, then its
 * effects happen, and then the desk *settles*: clients that passed the output
 * cap are dropped, waiting customers are assigned while agents have free
 * slots, and every waiting customer whose position changed is told the new
 * one. That order is what makes "a reply comes before the pushes it causes"
 * and "a customer assigned at once gets no QUEUED" hold.
 *
 * @invariant The waiting line holds exactly the waiting customers, each once,
 *            in arrival order, and each was last told its true position.
 * @invariant A chatting customer's agent lists it, and an agent lists only
 *            its chatting customers, at most `agent_capacity` of them.
 * @invariant No customer waits while an agent has a free slot.
 * @invariant The name table holds exactly the registered users.
 *
 * The desk is not thread-safe: a server that runs it from several threads
 * serialises the calls.
 */
class Desk : private detail::DeskCore {
public:
    /// @brief A desk with the given limits.
    /// @param options the limits; checked by DeskOptions::validate().
    /// @throws std::invalid_argument if an option makes no sense.
    explicit Desk(DeskOptions options) : Desk(std::move(options), history::MemoryStorage{}) {}

    /// @brief A desk with the given limits whose history also goes to `storage`.
    ///
    /// The records the storage kept before (a restart) are loaded first,
    /// within the limits; the storage may then compact them.
    /// @param options the limits; checked by DeskOptions::validate().
    /// @param storage where the history goes besides memory (history::HistoryStorage).
    /// @throws std::invalid_argument if an option makes no sense; what the
    ///         storage throws while loading or saving.
    Desk(DeskOptions options, history::AnyHistoryStorage storage)
        : DeskCore((options.validate(), std::move(options)), std::move(storage)) {}

    /// @name What the server tells the desk
    /// @{

    /// @brief A connection was accepted.
    ///
    /// Past `max_clients` the connection is refused: its output holds
    /// `-ERR SERVER_FULL` and its close mode is CloseMode::after_output.
    /// @param now the current time.
    /// @return the connection's id, valid until close().
    ConnectionId open(UnixMillis now) {
        const bool refused = m_counted_connections >= m_options.max_clients;
        const ConnectionId id = start_connection(now, !refused);
        if (refused) {
            reply_error(id.slot, protocol::ErrorCode::server_full,
                        "the server is full, try again later");
            m_outbox.request_close(id.slot, CloseMode::after_output, "server full");
        }
        return id;
    }

    /// @brief Bytes arrived on a connection: frames them and handles every complete line.
    /// @param id the connection.
    /// @param bytes the bytes, in stream order; any split works.
    /// @param now the current time.
    /// @throws std::invalid_argument if `id` names no open connection.
    void receive(ConnectionId id, std::string_view bytes, UnixMillis now) {
        const std::uint32_t slot = m_connections.slot_of(id);
        if (m_outbox.close_mode(slot) != CloseMode::keep_open) {
            return;  // after QUIT, or being dropped: lines are ignored
        }
        // Handling a line never opens a connection, so `connection` stays put.
        Connection& connection = m_connections[slot];
        m_buffers.borrow_into(connection.partial);
        connection.framer.feed(bytes, connection.partial, [&](const protocol::FramedLine& line) {
            handle_line(slot, line, now);
            settle();
            return m_outbox.close_mode(slot) == CloseMode::keep_open;
        });
        if (connection.partial.empty()) {
            m_buffers.give_back(connection.partial);
        }
    }

    /// @brief The connection is gone (the peer closed it, it broke, or the
    ///        server closed it after a close request). A partial last line is
    ///        dropped; the user, if still registered, leaves the desk. The id
    ///        is invalid afterwards.
    /// @param id the connection.
    /// @param now the current time.
    /// @throws std::invalid_argument if `id` names no open connection.
    void close(ConnectionId id, UnixMillis now) {
        static_cast<void>(now);
        const std::uint32_t slot = m_connections.slot_of(id);
        forget_user(slot, Departure::disconnected);
        end_connection(id);
        settle();
    }

    /// @brief Lets time pass: enforces the registration and idle timeouts.
    ///
    /// The server calls it four times a second; it costs O(connections).
    /// @param now the current time.
    void expire(UnixMillis now) {
        quit_timed_out(now);
        settle();
    }

    /// @brief The server is stopping: every connection gets
    ///        `QUIT server shutting down` and a close request.
    void shut_down() {
        m_shutting_down = true;
        quit_everyone("server shutting down");
    }

    /// @brief Makes the records of the messages handled since the last call
    ///        as durable as the history storage promises (history::HistoryStorage).
    ///
    /// The server calls it before it sends any output: every reply written
    /// since the last call may acknowledge a message, and an acknowledgement
    /// must not leave before its record is kept. Cheap when nothing waits.
    /// @throws what the storage throws when it cannot keep them (then the
    ///         server stops without sending that output).
    void save_history() {
        if (m_storage.unsaved()) {
            m_storage.save(m_histories);
        }
    }

    /// @}
    /// @name What the desk tells the server
    /// @{

    /// @brief Whether records wait for save_history(): output written since
    ///        the last save must not be sent before it. Always false with the
    ///        memory storage; a server uses it to save once for many events.
    /// @return true if save_history() has work.
    [[nodiscard]] bool history_unsaved() const { return m_storage.unsaved(); }

    /// @brief Where the history lives and how it is synced, in one line.
    /// @return the storage's description.
    [[nodiscard]] std::string history_storage() const { return m_storage.describe(); }

    /// @brief The next connection whose output or close mode changed since
    ///        it was last returned here.
    /// @return its id, or nothing when there is none.
    std::optional<ConnectionId> next_ready() { return m_outbox.next_ready(); }

    /// @brief The bytes waiting to be sent on a connection.
    /// @param id the connection.
    /// @return a view, valid until the next call that changes the desk.
    [[nodiscard]] std::string_view pending_output(ConnectionId id) const {
        return m_outbox.pending(m_outbox.slot_of(id));
    }

    /// @brief The server sent the first `count` pending bytes.
    /// @param id the connection.
    /// @param count how many bytes were written.
    void consume_output(ConnectionId id, std::size_t count) {
        m_outbox.consume(m_outbox.slot_of(id), count, m_buffers);
    }

    /// @brief What the server should do with the connection's socket.
    /// @param id the connection.
    /// @return the close mode.
    [[nodiscard]] CloseMode close_mode(ConnectionId id) const {
        return m_outbox.close_mode(m_outbox.slot_of(id));
    }

    /// @brief The role of the user on a connection, once registered.
    /// @param id the connection.
    /// @return its role, or nothing before CONNECT succeeds or after the user left.
    [[nodiscard]] std::optional<protocol::Role> role_of(ConnectionId id) const {
        switch (m_connections[m_connections.slot_of(id)].state) {
            case State::agent:
                return protocol::Role::agent;
            case State::waiting:
            case State::chatting:
                return protocol::Role::customer;
            default:
                return std::nullopt;
        }
    }

    /// @brief The name of the user on a connection, as spelled in its CONNECT.
    /// @param id the connection.
    /// @return the name, or empty if it never registered.
    [[nodiscard]] std::string_view name_of(ConnectionId id) const {
        return m_connections[m_connections.slot_of(id)].name;
    }

    /// @brief Why the desk asked for the connection to be closed, for the server's log.
    /// @param id the connection.
    /// @return a short phrase ("quit", "idle timeout", "output cap exceeded", ...),
    ///         or empty while the close mode is CloseMode::keep_open.
    [[nodiscard]] std::string_view close_reason(ConnectionId id) const {
        return m_outbox.close_reason(m_outbox.slot_of(id));
    }

    /// @brief Whether `id` names a connection that is open (opened, not closed).
    /// @param id the id to check.
    /// @return true if open.
    [[nodiscard]] bool is_open(ConnectionId id) const noexcept {
        return m_connections.contains(id);
    }

    /// @}
    /// @name Inspection
    /// @{

    /// @brief The desk's settings.
    /// @return the options it was built with.
    [[nodiscard]] const DeskOptions& options() const noexcept { return m_options; }

    /// @brief Counts of connections, users and buffers.
    /// @return a snapshot.
    [[nodiscard]] DeskStats stats() const {
        DeskStats result;
        result.connections = m_counted_connections;
        result.agents = m_agents.size();
        result.waiting = m_waiting.size();
        result.histories = m_histories.size();
        result.spare_buffers = m_buffers.size();
        result.chatting = m_agents.size() * m_agents.capacity() - m_agents.free_seats();
        return result;
    }

    /// @brief Verifies the invariants listed in the class description, and
    ///        those of every structure the desk uses.
    /// @throws InvariantViolation naming the first that fails.
    /// @complexity O(connections + histories).
    void check_invariants() const;

    /// @}

private:
    // ----- one line: parsed once, checked, run ------------------------------------------

    void handle_line(std::uint32_t slot, const protocol::FramedLine& line, UnixMillis now) {
        Connection& sender = m_connections[slot];
        sender.last_line_at = now;
        if (line.too_long) {
            std::string reason = "lines are limited to ";
            reason += std::to_string(m_options.max_line_bytes);
            reason += " bytes, line ending included";
            return reply_error(slot, protocol::ErrorCode::too_long, reason);
        }
        const auto role =
            sender.state == State::agent ? protocol::Role::agent : protocol::Role::customer;
        std::visit(
            [&](const auto& command) {
                using Command = std::decay_t<decltype(command)>;
                if constexpr (requires { Command::kind; }) {
                    if (!permitted(slot, Command::kind)) {
                        return;
                    }
                }
                run(slot, command, now);
            },
            protocol::parse_command(line.text, role));
    }

    // The handlers, one per command (and per refusal), in desk_commands.hpp.
    bool permitted(std::uint32_t slot, protocol::CommandKind kind);
    void run(std::uint32_t slot, protocol::BlankLine line, UnixMillis now);
    void run(std::uint32_t slot, const protocol::RefusedLine& refused, UnixMillis now);
    void run(std::uint32_t slot, const protocol::BadArguments& bad, UnixMillis now);
    void run(std::uint32_t slot, const protocol::ConnectCommand& command, UnixMillis now);
    void run(std::uint32_t slot, const protocol::MsgCommand& command, UnixMillis now);
    void run(std::uint32_t slot, protocol::ListCommand command, UnixMillis now);
    void run(std::uint32_t slot, const protocol::HistCommand& command, UnixMillis now);
    void run(std::uint32_t slot, const protocol::EndCommand& command, UnixMillis now);
    void run(std::uint32_t slot, protocol::QuitCommand command, UnixMillis now);
    void run(std::uint32_t slot, const protocol::PingCommand& command, UnixMillis now);
    void run(std::uint32_t slot, protocol::HelpCommand command, UnixMillis now);
    std::optional<std::uint32_t> own_customer(std::uint32_t agent, std::string_view name);
    void relay(std::uint32_t from, std::uint32_t to, std::string_view text, UnixMillis now);
    void refuse_unstored(std::uint32_t slot);
    void write_user_line(std::string& out, std::uint32_t slot) const;

    // ----- settling after an event ------------------------------------------------------

    void settle() {
        if (m_shutting_down) {
            return;
        }
        do {
            drop_over_cap();
            assign_waiting_customers();
            tell_new_positions();
        } while (m_outbox.any_over_cap());
    }
};

}  // namespace telechat

#include "desk_commands.hpp"    // the command handlers declared above
#include "desk_invariants.hpp"  // check_invariants()

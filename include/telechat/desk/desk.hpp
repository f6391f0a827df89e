/// @file
/// @brief telechat::Desk, the support desk: 3MCP in, 3MCP out, no I/O.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "../hash_table.hpp"
#include "../invariant.hpp"
#include "../protocol/command.hpp"
#include "../protocol/framer.hpp"
#include "../protocol/text.hpp"
#include "../protocol/writer.hpp"
#include "../queue.hpp"
#include "../stack.hpp"
#include "names.hpp"
#include "options.hpp"

namespace telechat {

/// @brief Names one connection of a Desk. Slots are reused; the generation
///        tells a new connection in an old slot from the one before it.
struct ConnectionId {
    /// @brief The index of the connection's session.
    std::uint32_t slot = 0;
    /// @brief How many connections used this slot before this one.
    std::uint32_t generation = 0;
    /// @brief Whether two ids name the same connection.
    /// @param a one id.
    /// @param b the other.
    /// @return true if equal.
    friend constexpr bool operator==(ConnectionId a, ConnectionId b) noexcept = default;
};

/// @brief What the server must do with a connection's socket.
enum class CloseMode {
    keep_open,     ///< nothing: keep reading and writing
    after_output,  ///< write the pending output, then close
    immediately,   ///< close now and drop the pending output (e.g. output cap exceeded)
};

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
 * ## What each structure does
 * | structure                                   | job                                                        |
 * |---------------------------------------------|------------------------------------------------------------|
 * | `std::vector<Session>` + `Stack` free list  | one slot per connection; a closed slot is reused next      |
 * | `HashTable` name -> slot                    | who is online, by name, ignoring case                      |
 * | `Queue` of slots, by arrival                | the waiting line, FIFO                                      |
 * | `HashTable` name -> history slot            | every user's history, online or gone                        |
 * | `Queue` of records per history              | a history: oldest dropped first when full                  |
 * | `Queue` of history slots                    | who left longest ago, for forgetting when too many         |
 * | `Queue` of connection ids                   | connections with output or a close request for the server  |
 * | `Stack` of buffers                          | output and input buffers kept for reuse                    |
 *
 * A connection that has nothing pending owns no buffer: its buffers go back
 * to the spare stack when they empty, and come from it when data arrives, so
 * thousands of idle users cost no buffer memory and a busy relay allocates
 * nothing per message.
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
class Desk {
public:
    /// @brief A desk with the given limits.
    /// @param options the limits; checked by DeskOptions::validate().
    /// @throws std::invalid_argument if an option makes no sense.
    explicit Desk(DeskOptions options) : m_options(std::move(options)) { m_options.validate(); }

    /// @name What the server tells the desk
    /// @{

    /// @brief A connection was accepted.
    ///
    /// Past `max_clients` the connection is refused: its output holds
    /// `-ERR SERVER_FULL` and its close mode is CloseMode::after_output.
    /// @param now the current time.
    /// @return the connection's id, valid until close().
    ConnectionId open(UnixMillis now) {
        const bool refused = m_connections >= m_options.max_clients;
        const std::uint32_t slot = allocate_session(now);
        Session& session = m_sessions[slot];
        session.counted = !refused;
        if (refused) {
            protocol::write_error(output_of(session), protocol::ErrorCode::server_full,
                                  "the server is full, try again later");
            request_close(session, CloseMode::after_output, "server full");
        } else {
            ++m_connections;
        }
        return id_of(slot);
    }

    /// @brief Bytes arrived on a connection: frames them and handles every complete line.
    /// @param id the connection.
    /// @param bytes the bytes, in stream order; any split works.
    /// @param now the current time.
    /// @throws std::invalid_argument if `id` names no open connection.
    void receive(ConnectionId id, std::string_view bytes, UnixMillis now) {
        const std::uint32_t slot = slot_of(id);
        if (m_sessions[slot].close_mode != CloseMode::keep_open) {
            return;  // after QUIT, or being dropped: lines are ignored
        }
        // Handling a line never opens a session, so `session` stays put.
        Session& session = m_sessions[slot];
        if (session.partial.empty() && !owns_heap_buffer(session.partial)) {
            session.partial = take_spare_buffer();
        }
        session.framer.feed(bytes, session.partial, [&](const protocol::FramedLine& line) {
            handle_line(slot, line, now);
            settle();
            return session.close_mode == CloseMode::keep_open;
        });
        if (session.partial.empty()) {
            give_back_buffer(std::move(session.partial));
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
        const std::uint32_t slot = slot_of(id);
        forget_user(slot, Departure::disconnected);
        Session& session = m_sessions[slot];
        if (session.counted) {
            --m_connections;
        }
        give_back_buffer(std::move(session.output));
        give_back_buffer(std::move(session.partial));
        const std::uint32_t next_generation = session.generation + 1;
        session = Session{};
        session.generation = next_generation;
        m_free_slots.push(slot);
        settle();
    }

    /// @brief Lets time pass: enforces the registration and idle timeouts.
    ///
    /// The server calls it four times a second; it costs O(connections).
    /// @param now the current time.
    void expire(UnixMillis now) {
        for (std::uint32_t slot = 0; slot < m_sessions.size(); ++slot) {
            Session& session = m_sessions[slot];
            if (!session.in_use || session.close_mode != CloseMode::keep_open) {
                continue;
            }
            if (session.state == State::unregistered) {
                if (m_options.register_timeout_ms > 0 &&
                    now - session.opened_at >= m_options.register_timeout_ms) {
                    quit(slot, "registration timeout", Departure::timed_out);
                }
            } else if (m_options.idle_timeout_ms > 0 &&
                       now - session.last_line_at >= m_options.idle_timeout_ms) {
                quit(slot, "idle timeout", Departure::timed_out);
            }
        }
        settle();
    }

    /// @brief The server is stopping: every connection gets
    ///        `QUIT server shutting down` and a close request.
    void shut_down() {
        m_shutting_down = true;
        for (std::uint32_t slot = 0; slot < m_sessions.size(); ++slot) {
            Session& session = m_sessions[slot];
            if (session.in_use && session.close_mode == CloseMode::keep_open) {
                quit(slot, "server shutting down", Departure::shut_down);
            }
        }
    }

    /// @}
    /// @name What the desk tells the server
    /// @{

    /// @brief The next connection whose output or close mode changed since
    ///        it was last returned here.
    /// @return its id, or nothing when there is none.
    std::optional<ConnectionId> next_ready() {
        while (!m_ready.empty()) {
            const ConnectionId id = m_ready.front();
            m_ready.pop();
            if (is_open(id)) {
                m_sessions[id.slot].ready = false;
                return id;
            }
        }
        return std::nullopt;
    }

    /// @brief The bytes waiting to be sent on a connection.
    /// @param id the connection.
    /// @return a view, valid until the next call that changes the desk.
    [[nodiscard]] std::string_view pending_output(ConnectionId id) const {
        return m_sessions[slot_of(id)].output;
    }

    /// @brief The server sent the first `count` pending bytes.
    /// @param id the connection.
    /// @param count how many bytes were written.
    void consume_output(ConnectionId id, std::size_t count) {
        Session& session = m_sessions[slot_of(id)];
        std::string& output = session.output;
        output.erase(0, std::min(count, output.size()));
        if (output.empty()) {
            give_back_buffer(std::move(output));
        }
    }

    /// @brief What the server should do with the connection's socket.
    /// @param id the connection.
    /// @return the close mode.
    [[nodiscard]] CloseMode close_mode(ConnectionId id) const {
        return m_sessions[slot_of(id)].close_mode;
    }

    /// @brief The role of the user on a connection, once registered.
    /// @param id the connection.
    /// @return its role, or nothing before CONNECT succeeds or after the user left.
    [[nodiscard]] std::optional<protocol::Role> role_of(ConnectionId id) const {
        switch (m_sessions[slot_of(id)].state) {
            case State::agent: return protocol::Role::agent;
            case State::waiting:
            case State::chatting: return protocol::Role::customer;
            default: return std::nullopt;
        }
    }

    /// @brief The name of the user on a connection, as spelled in its CONNECT.
    /// @param id the connection.
    /// @return the name, or empty if it never registered.
    [[nodiscard]] std::string_view name_of(ConnectionId id) const {
        return m_sessions[slot_of(id)].name;
    }

    /// @brief Why the desk asked for the connection to be closed, for the server's log.
    /// @param id the connection.
    /// @return a short phrase ("quit", "idle timeout", "output cap exceeded", ...),
    ///         or empty while the close mode is CloseMode::keep_open.
    [[nodiscard]] std::string_view close_reason(ConnectionId id) const {
        return m_sessions[slot_of(id)].close_reason;
    }

    /// @brief Whether `id` names a connection that is open (opened, not closed).
    /// @param id the id to check.
    /// @return true if open.
    [[nodiscard]] bool is_open(ConnectionId id) const noexcept {
        return id.slot < m_sessions.size() && m_sessions[id.slot].in_use &&
               m_sessions[id.slot].generation == id.generation;
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
        result.connections = m_connections;
        result.agents = m_agents.size();
        result.waiting = m_waiting.size();
        result.histories = m_history_of.size();
        result.spare_buffers = m_spare_buffers.size();
        for (const Session& session : m_sessions) {
            result.chatting += session.in_use && session.state == State::chatting ? 1 : 0;
        }
        return result;
    }

    /// @brief Verifies the invariants listed in the class description, and
    ///        those of every container the desk uses.
    /// @throws InvariantViolation naming the first that fails.
    /// @complexity O(connections + histories).
    void check_invariants() const;

    /// @}

private:
    enum class State : std::uint8_t { unregistered, waiting, chatting, agent, gone };
    enum class Departure : std::uint8_t { quit, disconnected, ended_by_agent, timed_out, dropped, shut_down };

    static constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();

    struct Session {
        std::uint32_t generation = 0;
        bool in_use = false;
        bool counted = false;
        bool ready = false;
        bool overflowed = false;
        State state = State::unregistered;
        CloseMode close_mode = CloseMode::keep_open;
        std::string_view close_reason;  // always a string literal
        protocol::LineFramer framer{protocol::LineFramer::default_max_line_bytes};
        std::string output;
        std::size_t output_before_write = 0;  // for the output cap
        std::string partial;
        std::string name;
        UnixMillis opened_at = 0;
        UnixMillis last_line_at = 0;
        std::uint32_t history = none;
        std::uint32_t auth_failures = 0;
        // A customer's place: when it first arrived (its rank in the line),
        // the position it was last told, its agent, and what it said while
        // waiting.
        std::uint64_t arrival = 0;
        std::size_t told_position = 0;
        std::uint32_t agent = none;
        Queue<std::string> backlog;
        // An agent's customers, and when it last got one (for the tie-break).
        std::vector<std::uint32_t> customers;
        std::uint64_t last_assignment = 0;
    };

    struct History {
        std::string name;
        Queue<std::string> records;
        bool online = false;
        std::uint64_t left_at = 0;  // the departure stamp of its entry in m_departed
    };

    struct Departed {
        std::uint32_t history = none;
        std::uint64_t stamp = 0;
    };

    using NameTable = HashTable<std::string, std::uint32_t, CaseInsensitiveHash, CaseInsensitiveEqual>;

    // ----- sessions and buffers -------------------------------------------------------

    std::uint32_t allocate_session(UnixMillis now) {
        std::uint32_t slot = 0;
        if (m_free_slots.empty()) {
            if (m_sessions.size() >= none) {
                throw std::length_error("telechat::Desk: too many sessions");
            }
            slot = static_cast<std::uint32_t>(m_sessions.size());
            m_sessions.emplace_back();
        } else {
            slot = m_free_slots.top();
            m_free_slots.pop();
        }
        Session& session = m_sessions[slot];
        session.in_use = true;
        session.framer = protocol::LineFramer(m_options.max_line_bytes);
        session.opened_at = now;
        session.last_line_at = now;
        return slot;
    }

    [[nodiscard]] ConnectionId id_of(std::uint32_t slot) const noexcept {
        return ConnectionId{slot, m_sessions[slot].generation};
    }

    [[nodiscard]] std::uint32_t slot_of(ConnectionId id) const {
        if (!is_open(id)) {
            throw std::invalid_argument("telechat::Desk: no open connection has this id");
        }
        return id.slot;
    }

    // Buffers larger than this are freed rather than kept: one burst must
    // not pin its memory for ever.
    static constexpr std::size_t largest_spare_buffer = 64 * 1024;
    static constexpr std::size_t most_spare_buffers = 1024;

    // Short strings live inside the string object itself; only a longer
    // capacity means a heap block worth keeping.
    [[nodiscard]] static bool owns_heap_buffer(const std::string& buffer) noexcept {
        return buffer.capacity() > std::string().capacity();
    }

    std::string take_spare_buffer() {
        if (m_spare_buffers.empty()) {
            return {};
        }
        std::string buffer = std::move(m_spare_buffers.top());
        m_spare_buffers.pop();
        return buffer;
    }

    void give_back_buffer(std::string&& buffer) {
        std::string taken = std::move(buffer);
        buffer = std::string{};  // the session keeps no capacity
        if (!owns_heap_buffer(taken) || taken.capacity() > largest_spare_buffer ||
            m_spare_buffers.size() >= most_spare_buffers) {
            return;
        }
        taken.clear();
        m_spare_buffers.push(std::move(taken));
    }

    // The output buffer of `session`, borrowed from the spares if it has
    // none; the session is queued for the server's attention.
    std::string& output_of(Session& session) {
        if (session.output.empty() && !owns_heap_buffer(session.output)) {
            session.output = take_spare_buffer();
        }
        session.output_before_write = session.output.size();
        mark_ready(session);
        return session.output;
    }

    void mark_ready(Session& session) {
        if (!session.ready) {
            session.ready = true;
            m_ready.push(ConnectionId{static_cast<std::uint32_t>(&session - m_sessions.data()),
                                      session.generation});
        }
    }

    void request_close(Session& session, CloseMode mode, std::string_view reason) {
        if (mode == CloseMode::immediately || session.close_mode == CloseMode::keep_open) {
            session.close_mode = mode;
            session.close_reason = reason;
        }
        mark_ready(session);
    }

    // Whether pushes to this session still go anywhere.
    [[nodiscard]] static bool listening(const Session& session) noexcept {
        return session.close_mode != CloseMode::immediately && session.state != State::gone;
    }

    // Called after writing to a session: past the cap, the session is
    // dropped when the desk next settles.
    //
    // The cap applies to what was already waiting when more output came: a
    // client that reads is never dropped for one large reply (a full HIST),
    // only one that leaves its output unread.
    void check_output_cap(std::uint32_t slot) {
        Session& session = m_sessions[slot];
        if (session.output_before_write > m_options.output_cap_bytes && !session.overflowed) {
            session.overflowed = true;
            m_overflowed.push(slot);
        }
    }

    template <class... Words>
    void push_line(std::uint32_t slot, const Words&... words) {
        Session& session = m_sessions[slot];
        if (!listening(session)) {
            return;
        }
        protocol::write_line(output_of(session), words...);
        check_output_cap(slot);
    }

    template <class... Words>
    void reply_ok(std::uint32_t slot, const Words&... words) {
        protocol::write_ok(output_of(m_sessions[slot]), words...);
        check_output_cap(slot);
    }

    void reply_error(std::uint32_t slot, protocol::ErrorCode code, std::string_view reason) {
        protocol::write_error(output_of(m_sessions[slot]), code, reason);
        check_output_cap(slot);
    }

    // ----- one line ---------------------------------------------------------------------

    void handle_line(std::uint32_t slot, const protocol::FramedLine& line, UnixMillis now) {
        m_sessions[slot].last_line_at = now;
        if (line.too_long) {
            std::string reason = "lines are limited to ";
            reason += std::to_string(m_options.max_line_bytes);
            reason += " bytes, line ending included";
            reply_error(slot, protocol::ErrorCode::too_long, reason);
            return;
        }
        if (detail::only_spaces(line.text)) {
            return;  // empty lines are ignored
        }
        if (!protocol::is_valid_text(line.text)) {
            reply_error(slot, protocol::ErrorCode::bad_text,
                        "lines must be UTF-8 text without control characters");
            return;
        }
        const std::optional<protocol::CommandLine> command = protocol::split_command(line.text);
        if (!command) {
            reply_error(slot, protocol::ErrorCode::bad_command, "unknown command; try HELP");
            return;
        }
        dispatch(slot, *command, now);
    }

    void dispatch(std::uint32_t slot, const protocol::CommandLine& command, UnixMillis now) {
        using protocol::CommandKind;
        switch (command.kind) {
            case CommandKind::connect: return handle_connect(slot, command.arguments);
            case CommandKind::quit: return handle_quit(slot);
            case CommandKind::ping: return handle_ping(slot, command.arguments);
            case CommandKind::help: return handle_help(slot);
            default: break;
        }
        const State state = m_sessions[slot].state;
        if (state == State::unregistered) {
            return reply_error(slot, protocol::ErrorCode::not_connected, "CONNECT first");
        }
        if (command.kind == CommandKind::msg) {
            return handle_msg(slot, command.arguments, now);
        }
        if (state != State::agent) {
            return reply_error(slot, protocol::ErrorCode::forbidden, "only agents may do that");
        }
        switch (command.kind) {
            case CommandKind::list: return handle_list(slot, command.arguments);
            case CommandKind::hist: return handle_hist(slot, command.arguments);
            case CommandKind::end: return handle_end(slot, command.arguments);
            default: break;
        }
    }

    template <class Command>
    bool refused(std::uint32_t slot, const protocol::Parsed<Command>& parsed) {
        if (const auto* error = std::get_if<protocol::ParseError>(&parsed)) {
            reply_error(slot, error->code, error->reason);
            return true;
        }
        return false;
    }

    void handle_connect(std::uint32_t slot, std::string_view arguments) {
        if (m_sessions[slot].state != State::unregistered) {
            return reply_error(slot, protocol::ErrorCode::already_connected,
                               "this connection is registered already");
        }
        const auto parsed = protocol::parse_connect(arguments);
        if (refused(slot, parsed)) {
            return;
        }
        const auto& command = std::get<protocol::ConnectCommand>(parsed);
        if (command.role == protocol::Role::agent && !agent_key_matches(command.key)) {
            return refuse_agent_key(slot);
        }
        if (m_online.contains(command.name)) {
            return reply_error(slot, protocol::ErrorCode::name_taken, "that name is in use");
        }
        reply_ok(slot, std::string_view{"welcome"}, command.name);
        register_user(slot, command);
    }

    void refuse_agent_key(std::uint32_t slot) {
        reply_error(slot, protocol::ErrorCode::auth_failed, "wrong agent key");
        Session& session = m_sessions[slot];
        if (++session.auth_failures >= m_options.max_auth_failures) {
            quit(slot, "too many failed attempts", Departure::quit);
        }
    }

    // Compares every byte whatever the first difference, so the time taken
    // does not tell an attacker how much of a guess was right.
    [[nodiscard]] bool agent_key_matches(std::string_view guess) const noexcept {
        const std::string& key = m_options.agent_key;
        if (key.empty()) {
            return false;
        }
        unsigned difference = guess.size() == key.size() ? 0U : 1U;
        for (std::size_t i = 0; i < guess.size(); ++i) {
            difference |= static_cast<unsigned>(static_cast<unsigned char>(guess[i]) ^
                                                static_cast<unsigned char>(key[i % key.size()]));
        }
        return difference == 0;
    }

    void register_user(std::uint32_t slot, const protocol::ConnectCommand& command) {
        Session& session = m_sessions[slot];
        session.name.assign(command.name);
        session.history = history_for(command.name);
        m_online.insert_or_assign(session.name, slot);
        if (command.role == protocol::Role::agent) {
            session.state = State::agent;
            session.last_assignment = ++m_clock;
            m_agents.push_back(slot);
            m_free_agent_slots += m_options.agent_capacity;
        } else {
            session.state = State::waiting;
            session.arrival = ++m_clock;
            m_waiting.push(slot);
            mark_positions_from(m_waiting.size() - 1);
        }
    }

    void handle_quit(std::uint32_t slot) {
        reply_ok(slot, std::string_view{"bye"});
        forget_user(slot, Departure::quit);
        request_close(m_sessions[slot], CloseMode::after_output, "quit");
    }

    void handle_ping(std::uint32_t slot, std::string_view arguments) {
        reply_ok(slot, std::string_view{"PONG"}, protocol::parse_text_argument(arguments).text);
    }

    void handle_help(std::uint32_t slot) {
        static constexpr std::string_view lines[] = {
            "CONNECT CUSTOMER <name> | CONNECT AGENT <name> <key> - anyone not registered yet",
            "MSG <text> (customer) | MSG <customer> <text> (agent) - registered users",
            "LIST - agents: who is connected",
            "HIST <name> [<count>] - agents: the latest messages sent by or to <name>",
            "END <customer> - agents: end the conversation with <customer>",
            "QUIT [<reason>] - anyone: close the connection",
            "PING [<token>] - anyone: the server answers PONG <token>",
            "HELP - anyone: this summary",
        };
        std::string& out = output_of(m_sessions[slot]);
        protocol::write_ok(out, std::size(lines), std::string_view{"commands"});
        for (const std::string_view line : lines) {
            protocol::write_line(out, line);
        }
        protocol::write_end_of_body(out);
        check_output_cap(slot);
    }

    void handle_msg(std::uint32_t slot, std::string_view arguments, UnixMillis now) {
        Session& sender = m_sessions[slot];
        const bool from_agent = sender.state == State::agent;
        const auto parsed = protocol::parse_msg(
            arguments, from_agent ? protocol::Role::agent : protocol::Role::customer);
        if (refused(slot, parsed)) {
            return;
        }
        const auto& command = std::get<protocol::MsgCommand>(parsed);
        if (from_agent) {
            return relay_from_agent(slot, command, now);
        }
        if (sender.state == State::chatting) {
            reply_ok(slot, std::string_view{"message received"});
            push_line(sender.agent, std::string_view{"MSG"}, sender.name, command.text);
            record_message(slot, sender.agent, command.text, now);
            return;
        }
        if (sender.backlog.size() >= m_options.waiting_backlog_limit) {
            return reply_error(slot, protocol::ErrorCode::server_full,
                               "too many messages while waiting; wait for an agent");
        }
        reply_ok(slot, std::string_view{"message received"});
        sender.backlog.push(std::string(command.text));
        record_message(slot, none, command.text, now);
    }

    void relay_from_agent(std::uint32_t slot, const protocol::MsgCommand& command, UnixMillis now) {
        const std::optional<std::uint32_t> customer = own_customer(slot, command.recipient);
        if (!customer) {
            return;
        }
        reply_ok(slot, std::string_view{"message received"});
        push_line(*customer, std::string_view{"MSG"}, m_sessions[slot].name, command.text);
        record_message(slot, *customer, command.text, now);
    }

    // The chatting customer of this agent called `name`; otherwise replies
    // NO_SUCH_USER or NOT_ASSIGNED and returns nothing.
    std::optional<std::uint32_t> own_customer(std::uint32_t agent, std::string_view name) {
        const auto found = m_online.find(name);
        if (found == m_online.end()) {
            reply_error(agent, protocol::ErrorCode::no_such_user, "nobody of that name is connected");
            return std::nullopt;
        }
        const std::uint32_t customer = found->second;
        const Session& session = m_sessions[customer];
        if (session.state != State::chatting || session.agent != agent) {
            reply_error(agent, protocol::ErrorCode::not_assigned, "that user is not your customer");
            return std::nullopt;
        }
        return customer;
    }

    void handle_list(std::uint32_t slot, std::string_view arguments) {
        if (!protocol::has_no_arguments(arguments)) {
            return reply_error(slot, protocol::ErrorCode::bad_args, "usage: LIST");
        }
        std::string& out = output_of(m_sessions[slot]);
        protocol::write_ok(out, m_online.size(), std::string_view{"users"});
        for (const auto& [name, user] : m_online) {
            write_user_line(out, m_sessions[user]);
        }
        protocol::write_end_of_body(out);
        check_output_cap(slot);
    }

    void write_user_line(std::string& out, const Session& user) const {
        switch (user.state) {
            case State::agent: {
                char load[48];
                char* end = std::to_chars(load, load + 20, user.customers.size()).ptr;
                *end++ = '/';
                end = std::to_chars(end, load + sizeof load, m_options.agent_capacity).ptr;
                protocol::write_line(out, user.name, std::string_view{"AGENT"},
                                     std::string_view(load, static_cast<std::size_t>(end - load)));
                break;
            }
            case State::waiting:
                protocol::write_line(out, user.name, std::string_view{"CUSTOMER WAITING"},
                                     user.told_position);
                break;
            case State::chatting:
                protocol::write_line(out, user.name, std::string_view{"CUSTOMER CHATTING"},
                                     m_sessions[user.agent].name);
                break;
            default: break;
        }
    }

    void handle_hist(std::uint32_t slot, std::string_view arguments) {
        const auto parsed = protocol::parse_hist(arguments);
        if (refused(slot, parsed)) {
            return;
        }
        const auto& command = std::get<protocol::HistCommand>(parsed);
        const auto found = m_history_of.find(command.name);
        if (found == m_history_of.end()) {
            return reply_error(slot, protocol::ErrorCode::no_such_user,
                               "no history is kept for that name");
        }
        const Queue<std::string>& records = m_histories[found->second].records;
        const std::size_t count = std::min(records.size(), command.count.value_or(records.size()));
        std::string& out = output_of(m_sessions[slot]);
        protocol::write_ok(out, count, std::string_view{"messages"});
        auto record = records.begin();
        std::advance(record, static_cast<std::ptrdiff_t>(records.size() - count));
        for (; record != records.end(); ++record) {
            protocol::write_line(out, *record);
        }
        protocol::write_end_of_body(out);
        check_output_cap(slot);
    }

    void handle_end(std::uint32_t slot, std::string_view arguments) {
        const auto parsed = protocol::parse_end(arguments);
        if (refused(slot, parsed)) {
            return;
        }
        const auto& command = std::get<protocol::EndCommand>(parsed);
        const std::optional<std::uint32_t> customer = own_customer(slot, command.customer);
        if (!customer) {
            return;
        }
        reply_ok(slot);
        std::string reason = "conversation ended by ";
        reason += m_sessions[slot].name;
        quit(*customer, reason, Departure::ended_by_agent);
    }

    // ----- histories --------------------------------------------------------------------

    // The history of `name`, created if the name was never seen, and marked
    // online. Forgets the longest-gone user's history if there are too many.
    std::uint32_t history_for(std::string_view name) {
        const auto found = m_history_of.find(name);
        if (found != m_history_of.end()) {
            m_histories[found->second].online = true;
            return found->second;
        }
        forget_oldest_histories(m_options.max_remembered_users == 0
                                    ? 0
                                    : m_options.max_remembered_users - 1);
        std::uint32_t index = 0;
        if (m_free_histories.empty()) {
            index = static_cast<std::uint32_t>(m_histories.size());
            m_histories.emplace_back();
        } else {
            index = m_free_histories.top();
            m_free_histories.pop();
        }
        History& history = m_histories[index];
        history.name.assign(name);
        history.online = true;
        m_history_of.insert_or_assign(history.name, index);
        return index;
    }

    // Forgets the histories of users who left, oldest departure first, until
    // at most `keep` remain (online users' histories are never forgotten).
    void forget_oldest_histories(std::size_t keep) {
        while (m_history_of.size() > keep && !m_departed.empty()) {
            const Departed departed = m_departed.front();
            m_departed.pop();
            History& history = m_histories[departed.history];
            if (history.online || history.left_at != departed.stamp) {
                continue;  // came back, or left again later: a newer entry stands for it
            }
            m_history_of.erase(history.name);
            history = History{};
            m_free_histories.push(departed.history);
        }
    }

    void mark_history_offline(std::uint32_t index) {
        History& history = m_histories[index];
        history.online = false;
        history.left_at = ++m_clock;
        m_departed.push(Departed{index, history.left_at});
    }

    // Records one message in the sender's history and, unless `to` is none
    // (a waiting customer's message), in the receiver's.
    void record_message(std::uint32_t from, std::uint32_t to, std::string_view text, UnixMillis now) {
        const std::string_view to_name = to == none ? std::string_view{"*"} : m_sessions[to].name;
        append_record(m_sessions[from].history, now, m_sessions[from].name, to_name, text);
        if (to != none) {
            append_record(m_sessions[to].history, now, m_sessions[from].name, to_name, text);
        }
    }

    // A full history reuses its oldest record's string for the new one, so
    // that at the retention limit a message costs no allocation.
    void append_record(std::uint32_t index, UnixMillis now, std::string_view from,
                       std::string_view to, std::string_view text) {
        if (m_options.history_limit == 0) {
            return;
        }
        Queue<std::string>& records = m_histories[index].records;
        std::string record;
        if (records.size() >= m_options.history_limit) {
            record = std::move(records.front());
            records.pop();
            record.clear();
        }
        char digits[24];
        const auto stamp = std::to_chars(digits, digits + sizeof digits, now);
        record.append(digits, stamp.ptr).append(" ").append(from).append(" ").append(to);
        record.append(" ").append(text);
        records.push(std::move(record));
    }

    // ----- leaving ----------------------------------------------------------------------

    // Sends `QUIT <reason>`, takes the user off the desk, and asks the server
    // to close the connection once the QUIT is written.
    void quit(std::uint32_t slot, std::string_view reason, Departure why) {
        push_line(slot, std::string_view{"QUIT"}, reason);
        forget_user(slot, why);
        request_close(m_sessions[slot], CloseMode::after_output,
                      why == Departure::ended_by_agent ? "conversation ended by the agent" : reason);
    }

    // Takes a registered user off the desk, exactly once: frees its name,
    // tells its agent, re-queues its customers. Its history stays.
    void forget_user(std::uint32_t slot, Departure why) {
        Session& session = m_sessions[slot];
        switch (session.state) {
            case State::unregistered:
            case State::gone: session.state = State::gone; return;
            case State::waiting: leave_waiting_line(slot); break;
            case State::chatting: leave_agent(slot, why); break;
            case State::agent: release_customers(slot); break;
        }
        m_online.erase(session.name);
        mark_history_offline(session.history);
        session.backlog.clear();
        session.state = State::gone;
    }

    void leave_waiting_line(std::uint32_t slot) {
        if (m_waiting.front() == slot) {
            m_waiting.pop();
            mark_positions_from(0);
            return;
        }
        Queue<std::uint32_t> rest;
        std::size_t position = 0;
        std::size_t index = 0;
        for (const std::uint32_t waiting : m_waiting) {
            if (waiting == slot) {
                position = index;
            } else {
                rest.push(waiting);
            }
            ++index;
        }
        m_waiting = std::move(rest);
        mark_positions_from(position);
    }

    void leave_agent(std::uint32_t slot, Departure why) {
        Session& customer = m_sessions[slot];
        Session& agent = m_sessions[customer.agent];
        std::erase(agent.customers, slot);
        ++m_free_agent_slots;
        if (why != Departure::ended_by_agent && !m_shutting_down) {
            push_line(customer.agent, std::string_view{"LEFT"}, customer.name);
        }
        customer.agent = none;
    }

    // An agent left: its customers go back to the line, ahead of everyone who
    // arrived after them, in their own arrival order.
    void release_customers(std::uint32_t slot) {
        Session& agent = m_sessions[slot];
        std::erase(m_agents, slot);
        m_free_agent_slots -= m_options.agent_capacity - agent.customers.size();
        std::vector<std::uint32_t> returning = std::move(agent.customers);
        agent.customers.clear();
        for (const std::uint32_t customer : returning) {
            m_sessions[customer].state = State::waiting;
            m_sessions[customer].agent = none;
            m_sessions[customer].told_position = 0;
        }
        const auto by_arrival = [this](std::uint32_t a, std::uint32_t b) {
            return m_sessions[a].arrival < m_sessions[b].arrival;
        };
        std::sort(returning.begin(), returning.end(), by_arrival);
        Queue<std::uint32_t> merged;
        merged.reserve(m_waiting.size() + returning.size());
        auto next_returning = returning.begin();
        for (const std::uint32_t waiting : m_waiting) {
            for (; next_returning != returning.end() && by_arrival(*next_returning, waiting);
                 ++next_returning) {
                merged.push(*next_returning);
            }
            merged.push(waiting);
        }
        for (; next_returning != returning.end(); ++next_returning) {
            merged.push(*next_returning);
        }
        m_waiting = std::move(merged);
        if (!returning.empty()) {
            mark_positions_from(0);
        }
    }

    // ----- settling after an event ------------------------------------------------------

    void settle() {
        if (m_shutting_down) {
            return;
        }
        do {
            drop_overflowed();
            assign_waiting_customers();
            tell_new_positions();
        } while (!m_overflowed.empty());
    }

    // Clients that let their output pass the cap are cut off; the others
    // never wait for them.
    void drop_overflowed() {
        while (!m_overflowed.empty()) {
            const std::uint32_t slot = m_overflowed.front();
            m_overflowed.pop();
            Session& session = m_sessions[slot];
            give_back_buffer(std::move(session.output));
            forget_user(slot, Departure::dropped);
            request_close(session, CloseMode::immediately, "output cap exceeded");
        }
    }

    void assign_waiting_customers() {
        while (!m_waiting.empty() && m_free_agent_slots > 0) {
            const std::uint32_t agent = least_busy_agent();
            const std::uint32_t customer = m_waiting.front();
            m_waiting.pop();
            mark_positions_from(0);
            assign(customer, agent);
        }
    }

    // Fewest conversations first; among equals, the one whose last
    // assignment (or registration) is oldest.
    [[nodiscard]] std::uint32_t least_busy_agent() const {
        std::uint32_t best = none;
        for (const std::uint32_t agent : m_agents) {
            const Session& candidate = m_sessions[agent];
            if (candidate.customers.size() >= m_options.agent_capacity) {
                continue;
            }
            if (best == none || candidate.customers.size() < m_sessions[best].customers.size() ||
                (candidate.customers.size() == m_sessions[best].customers.size() &&
                 candidate.last_assignment < m_sessions[best].last_assignment)) {
                best = agent;
            }
        }
        return best;
    }

    void assign(std::uint32_t customer_slot, std::uint32_t agent_slot) {
        Session& customer = m_sessions[customer_slot];
        Session& agent = m_sessions[agent_slot];
        customer.state = State::chatting;
        customer.agent = agent_slot;
        customer.told_position = 0;
        agent.customers.push_back(customer_slot);
        agent.last_assignment = ++m_clock;
        --m_free_agent_slots;
        push_line(customer_slot, std::string_view{"ASSIGNED"}, agent.name);
        push_line(agent_slot, std::string_view{"ASSIGNED"}, customer.name);
        for (; !customer.backlog.empty(); customer.backlog.pop()) {
            push_line(agent_slot, std::string_view{"MSG"}, customer.name, customer.backlog.front());
        }
    }

    void mark_positions_from(std::size_t position) {
        m_positions_changed_from = std::min(m_positions_changed_from, position);
    }

    void tell_new_positions() {
        if (m_positions_changed_from >= m_waiting.size()) {
            m_positions_changed_from = std::numeric_limits<std::size_t>::max();
            return;
        }
        auto waiting = m_waiting.begin();
        std::advance(waiting, static_cast<std::ptrdiff_t>(m_positions_changed_from));
        for (std::size_t position = m_positions_changed_from + 1; waiting != m_waiting.end();
             ++waiting, ++position) {
            Session& customer = m_sessions[*waiting];
            if (customer.told_position != position) {
                customer.told_position = position;
                push_line(*waiting, std::string_view{"QUEUED"}, position);
            }
        }
        m_positions_changed_from = std::numeric_limits<std::size_t>::max();
    }

    DeskOptions m_options;
    std::vector<Session> m_sessions;
    Stack<std::uint32_t> m_free_slots;
    std::size_t m_connections = 0;
    NameTable m_online;
    std::vector<std::uint32_t> m_agents;  // in registration order
    std::size_t m_free_agent_slots = 0;
    Queue<std::uint32_t> m_waiting;       // in arrival order
    std::size_t m_positions_changed_from = std::numeric_limits<std::size_t>::max();
    NameTable m_history_of;
    std::vector<History> m_histories;
    Stack<std::uint32_t> m_free_histories;
    Queue<Departed> m_departed;
    Queue<ConnectionId> m_ready;
    Queue<std::uint32_t> m_overflowed;
    Stack<std::string> m_spare_buffers;
    std::uint64_t m_clock = 0;  // orders arrivals, assignments and departures
    bool m_shutting_down = false;
};

inline void Desk::check_invariants() const {
    using detail::require_invariant;
    m_waiting.check_invariants();
    m_online.check_invariants();
    m_history_of.check_invariants();
    std::size_t position = 0;
    std::uint64_t previous_arrival = 0;
    for (const std::uint32_t slot : m_waiting) {
        const Session& customer = m_sessions[slot];
        ++position;
        require_invariant(customer.in_use && customer.state == State::waiting,
                          "Desk: the waiting line holds only waiting customers");
        require_invariant(customer.arrival > previous_arrival,
                          "Desk: the waiting line is in arrival order, each customer once");
        require_invariant(m_shutting_down || customer.told_position == position,
                          "Desk: every waiting customer was told its true position");
        previous_arrival = customer.arrival;
    }
    std::size_t registered = 0;
    std::size_t waiting = 0;
    std::size_t free_slots = 0;
    for (std::uint32_t slot = 0; slot < m_sessions.size(); ++slot) {
        const Session& session = m_sessions[slot];
        if (!session.in_use) {
            continue;
        }
        const bool online = session.state == State::waiting || session.state == State::chatting ||
                            session.state == State::agent;
        if (online) {
            ++registered;
            const auto entry = m_online.find(session.name);
            require_invariant(entry != m_online.end() && entry->second == slot,
                              "Desk: every registered user is in the name table");
        }
        waiting += session.state == State::waiting ? 1 : 0;
        if (session.state == State::chatting) {
            const Session& agent = m_sessions[session.agent];
            require_invariant(agent.state == State::agent &&
                                  std::count(agent.customers.begin(), agent.customers.end(), slot) == 1,
                              "Desk: a chatting customer's agent lists it once");
        }
        if (session.state == State::agent) {
            require_invariant(session.customers.size() <= m_options.agent_capacity,
                              "Desk: no agent serves more than its capacity");
            for (const std::uint32_t customer : session.customers) {
                require_invariant(m_sessions[customer].state == State::chatting &&
                                      m_sessions[customer].agent == slot,
                                  "Desk: an agent lists only its own chatting customers");
            }
            free_slots += m_options.agent_capacity - session.customers.size();
        }
    }
    require_invariant(registered == m_online.size(), "Desk: the name table holds only registered users");
    require_invariant(waiting == m_waiting.size(), "Desk: every waiting customer is in the line");
    require_invariant(free_slots == m_free_agent_slots, "Desk: the count of free agent slots is right");
    require_invariant(m_shutting_down || m_waiting.empty() || m_free_agent_slots == 0,
                      "Desk: no customer waits while an agent has a free slot");
}

}  // namespace telechat

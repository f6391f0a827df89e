/// @file
/// @brief telechat::Outbox, what the desk has for the server: bytes to
///        send, close requests, and the list of connections to look at.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "../detail/raw_buffer.hpp"
#include "../invariant.hpp"
#include "../queue.hpp"
#include "buffer_pool.hpp"
#include "session_slots.hpp"

namespace telechat {

/// @brief What the server must do with a connection's socket.
enum class CloseMode {
    keep_open,     ///< nothing: keep reading and writing
    after_output,  ///< write the pending output, then close
    immediately,   ///< close now and drop the pending output (e.g. output cap exceeded)
};

/**
 * @brief Per connection, the bytes waiting to be sent and whether to close;
 *        across connections, which ones changed (the ready list) and which
 *        let their output pass the cap.
 *
 * The desk writes, the server drains. A connection enters the ready list
 * when it gets output or a close request and leaves it when the server asks
 * (next_ready()), so the server visits only connections that changed, each
 * once however many lines were written.
 *
 * @code
 *   mailbox per slot: [0: "+OK bye\r\n", after_output, ready]
 *                     [1: "",            keep_open              ]
 *                     [2: "MSG ...\r\n", keep_open,    ready, over the cap]
 *   ready list:       Queue { {0,3}, {2,0} }   (ids: a closed one is skipped)
 *   over the cap:     Queue { {2,0} }          (the desk drops it when it settles)
 * @endcode
 *
 * The output cap applies to what was already waiting when more output came
 * (see begin_write()): a client that reads is never dropped for one large
 * reply, only one that leaves its output unread.
 *
 * @invariant A mailbox flagged ready is in the ready list under its id.
 * @invariant An open mailbox is in the over-the-cap list at most once, and
 *            only if flagged over the cap.
 * @invariant A mailbox of a closed slot is empty and not flagged.
 *
 * @complexity every operation O(1) amortised, but consume() (O(bytes left)).
 *
 * Invalidation: begin_write() returns a reference valid until the next call
 * for that slot. Exceptions: begin_write() and request_close() may throw
 * std::bad_alloc when a list grows; next_ready() and consume() do not throw.
 */
class Outbox {
public:
    /// @brief An outbox whose clients may leave `cap_bytes` unread.
    /// @param cap_bytes the output cap (DeskOptions::output_cap_bytes).
    explicit Outbox(std::size_t cap_bytes) noexcept : m_cap_bytes(cap_bytes) {}

    /// @brief A connection opened: its mailbox is made ready for use.
    /// @param id the new connection.
    /// @complexity amortised O(1).
    void open(ConnectionId id) {
        if (id.slot >= m_mailboxes.size()) {
            m_mailboxes.resize(std::size_t{id.slot} + 1);
        }
        m_mailboxes[id.slot] = Mailbox{};
        m_mailboxes[id.slot].id = id;
        m_mailboxes[id.slot].open = true;
    }

    /// @brief A connection closed: its output is dropped, its mailbox
    ///        emptied, and its id skipped if still in the ready list.
    /// @param slot the connection's slot.
    /// @param buffers where its output buffer goes back.
    void close(std::uint32_t slot, BufferPool& buffers) {
        buffers.give_back(m_mailboxes[slot].output);
        m_mailboxes[slot] = Mailbox{};
    }

    /// @brief Starts writing to a connection: borrows a buffer if it has
    ///        none, notes how much was waiting, and puts it in the ready list.
    /// @param slot the connection's slot.
    /// @param buffers where a buffer is borrowed from.
    /// @return the output to append to; call end_write() after appending.
    std::string& begin_write(std::uint32_t slot, BufferPool& buffers) {
        Mailbox& mailbox = m_mailboxes[slot];
        buffers.borrow_into(mailbox.output);
        mailbox.waiting_before_write = mailbox.output.size();
        mark_ready(mailbox);
        return mailbox.output;
    }

    /// @brief Ends a write: a connection that had more than the cap waiting
    ///        goes in the over-the-cap list (once).
    /// @param slot the connection's slot.
    void end_write(std::uint32_t slot) {
        Mailbox& mailbox = m_mailboxes[slot];
        if (mailbox.waiting_before_write > m_cap_bytes && !mailbox.over_cap) {
            mailbox.over_cap = true;
            m_over_cap.push(mailbox.id);
        }
    }

    /// @brief Asks the server to close a connection. A request never weakens
    ///        an earlier one: only `immediately` overrides.
    /// @param slot the connection's slot.
    /// @param mode after_output or immediately.
    /// @param reason a phrase for the log; must outlive the connection (a literal).
    void request_close(std::uint32_t slot, CloseMode mode, std::string_view reason) {
        Mailbox& mailbox = m_mailboxes[slot];
        if (mode == CloseMode::immediately || mailbox.close_mode == CloseMode::keep_open) {
            mailbox.close_mode = mode;
            mailbox.close_reason = reason;
        }
        mark_ready(mailbox);
    }

    /// @brief Drops a connection's pending output (when it is cut off).
    /// @param slot the connection's slot.
    /// @param buffers where its buffer goes back.
    void drop_output(std::uint32_t slot, BufferPool& buffers) {
        buffers.give_back(m_mailboxes[slot].output);
    }

    /// @brief The server sent the first `count` pending bytes.
    /// @param slot the connection's slot.
    /// @param count how many bytes were written.
    /// @param buffers where the emptied buffer goes back.
    void consume(std::uint32_t slot, std::size_t count, BufferPool& buffers) {
        std::string& output = m_mailboxes[slot].output;
        output.erase(0, std::min(count, output.size()));
        if (output.empty()) {
            buffers.give_back(output);
        }
    }

    /// @brief The next open connection in the ready list; it leaves the list.
    /// @return its id, or nothing when the list holds no open connection.
    std::optional<ConnectionId> next_ready() noexcept {
        while (!m_ready.empty()) {
            const ConnectionId id = m_ready.front();
            m_ready.pop();
            if (is_current(id)) {
                m_mailboxes[id.slot].ready = false;
                return id;
            }
        }
        return std::nullopt;
    }

    /// @brief The next connection that let its output pass the cap; it
    ///        leaves the list (its flag stays, so it is listed only once).
    /// @return its slot, or nothing.
    std::optional<std::uint32_t> next_over_cap() noexcept {
        while (!m_over_cap.empty()) {
            const ConnectionId id = m_over_cap.front();
            m_over_cap.pop();
            if (is_current(id)) {
                return id.slot;
            }
        }
        return std::nullopt;
    }

    /// @brief Whether some connection passed the cap and was not taken yet.
    /// @return true if next_over_cap() would return one.
    [[nodiscard]] bool any_over_cap() const noexcept { return !m_over_cap.empty(); }

    /// @brief The slot of an open connection, checked against the mailbox
    ///        alone, so a server draining output touches nothing else.
    /// @param id the connection.
    /// @return `id.slot`.
    /// @throws std::invalid_argument if `id` names no open connection.
    [[nodiscard]] std::uint32_t slot_of(ConnectionId id) const {
        if (id.slot >= m_mailboxes.size() || !is_current(id)) {
            throw std::invalid_argument("telechat::Desk: no open connection has this id");
        }
        return id.slot;
    }

    /// @brief The bytes waiting for a connection.
    /// @param slot the connection's slot.
    /// @return a view, valid until the next write or consume for it.
    [[nodiscard]] std::string_view pending(std::uint32_t slot) const noexcept {
        return m_mailboxes[slot].output;
    }

    /// @brief What the server should do with the connection's socket.
    /// @param slot the connection's slot.
    /// @return the close mode.
    [[nodiscard]] CloseMode close_mode(std::uint32_t slot) const noexcept {
        return m_mailboxes[slot].close_mode;
    }

    /// @brief Why the connection is to be closed.
    /// @param slot the connection's slot.
    /// @return the reason, empty while the mode is CloseMode::keep_open.
    [[nodiscard]] std::string_view close_reason(std::uint32_t slot) const noexcept {
        return m_mailboxes[slot].close_reason;
    }

    /// @brief Verifies the invariants in the class description.
    /// @throws InvariantViolation naming the first that fails.
    /// @complexity O(connections + listed ids).
    void check_invariants() const {
        m_ready.check_invariants();
        m_over_cap.check_invariants();
        std::vector<bool> in_ready_list(m_mailboxes.size(), false);
        std::vector<bool> in_over_cap_list(m_mailboxes.size(), false);
        for (const ConnectionId id : m_ready) {
            detail::require_invariant(id.slot < m_mailboxes.size(),
                                      "Outbox: the ready list names known slots");
            in_ready_list[id.slot] = in_ready_list[id.slot] || is_current(id);
        }
        for (const ConnectionId id : m_over_cap) {
            detail::require_invariant(id.slot < m_mailboxes.size(),
                                      "Outbox: the over-the-cap list names known slots");
            if (is_current(id)) {
                detail::require_invariant(
                    m_mailboxes[id.slot].over_cap && !in_over_cap_list[id.slot],
                    "Outbox: the over-the-cap list holds flagged mailboxes, once");
                in_over_cap_list[id.slot] = true;
            }
        }
        for (std::size_t slot = 0; slot < m_mailboxes.size(); ++slot) {
            const Mailbox& mailbox = m_mailboxes[slot];
            detail::require_invariant(!mailbox.ready || in_ready_list[slot],
                                      "Outbox: a ready mailbox is in the ready list");
            detail::require_invariant(
                mailbox.open || (mailbox.output.empty() && !mailbox.ready && !mailbox.over_cap &&
                                 mailbox.close_mode == CloseMode::keep_open),
                "Outbox: a closed slot's mailbox is empty");
        }
    }

private:
    // What every write and drain reads comes first, within 56 bytes; the
    // close reason, read only for the log, last.
    struct Mailbox {
        std::string output;
        std::size_t waiting_before_write = 0;
        ConnectionId id;
        bool open = false;
        bool ready = false;
        bool over_cap = false;
        CloseMode close_mode = CloseMode::keep_open;
        std::string_view close_reason;  // always a string literal
    };

    // Whether a listed id still names its connection (not closed since).
    [[nodiscard]] bool is_current(ConnectionId id) const noexcept {
        return m_mailboxes[id.slot].open && m_mailboxes[id.slot].id == id;
    }

    void mark_ready(Mailbox& mailbox) {
        if (!mailbox.ready) {
            mailbox.ready = true;
            m_ready.push(mailbox.id);
        }
    }

    std::vector<Mailbox> m_mailboxes;  // indexed by slot
    Queue<ConnectionId> m_ready;
    Queue<ConnectionId> m_over_cap;
    std::size_t m_cap_bytes;
};

}  // namespace telechat

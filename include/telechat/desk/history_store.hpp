/// @file
/// @brief telechat::HistoryStore, every user's latest messages, bounded twice.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../detail/raw_buffer.hpp"
#include "../history/record.hpp"
#include "../history/storage.hpp"
#include "../invariant.hpp"
#include "../queue.hpp"
#include "../stack.hpp"
#include "names.hpp"
#include "options.hpp"
#include "record_ring.hpp"

namespace telechat {

/**
 * @brief The message histories of users online or gone, found by name
 *        ignoring case, with both dimensions bounded.
 *
 * A history is a RecordRing of records (`<ms> <from> <to> <text>`), packed
 * in one buffer; past `records_per_user` the oldest is dropped. reserve()
 * gives a history its whole room at once (the desk calls it when a user's
 * conversation starts), so that relaying a message then allocates nothing
 * and touches no new page until the room is full. Histories live in a
 * vector, found through a name table; freed ones are reused through a stack.
 * When a user leaves, its history joins a departure queue; past
 * `max_remembered` histories, the one whose user left longest ago is
 * forgotten. A user who returns keeps its history, and its old departure
 * entry is recognised as stale by its departure number (a counter, not a time).
 *
 * @code
 *   by name:     { "ann" -> 0, "bob" -> 2 }        (ignoring case)
 *   histories:   [0: ann, online, Queue{r1, r2}] [1: free] [2: bob, left #7]
 *   free:        Stack { 1 }
 *   departures:  Queue { (0, #5) stale: ann came back, (2, #7) }
 * @endcode
 *
 * @invariant The name table maps each remembered name to its history, and
 *            every history in use is in it under its own name.
 * @invariant No history holds more than `records_per_user` records.
 * @invariant Every user who left is in the departure queue under its last
 *            departure number.
 * @invariant record_count() is the total of the histories' records.
 *
 * It is also what a HistoryStorage sees of the desk's records when it
 * compacts (history::LiveHistories), and what a restart rebuilds (restore()).
 *
 * @complexity open, close, append O(1) amortised (open may forget histories,
 *             each O(its records); append is O(the history's bytes) when
 *             its ring grows); find O(1) expected.
 *
 * Invalidation: open() may move histories, invalidating find() results.
 * Exceptions: std::bad_alloc from growth; the store stays consistent.
 */
class HistoryStore final : public history::LiveHistories {
public:
    /// @brief Index meaning "no history".
    static constexpr std::uint32_t no_history = std::numeric_limits<std::uint32_t>::max();

    /// @brief A store with the given bounds.
    /// @param records_per_user records kept per user (0: none are recorded).
    /// @param max_remembered histories kept, online users included; those of
    ///        users online are never forgotten.
    /// @param reserve_per_record bytes per record that reserve() gives a history.
    HistoryStore(std::size_t records_per_user, std::size_t max_remembered,
                 std::size_t reserve_per_record = 0) noexcept
        : m_records_per_user(records_per_user),
          m_max_remembered(max_remembered),
          m_reserve_per_record(reserve_per_record) {}

    /// @brief The history of a user who arrives, created if the name was
    ///        never seen (or forgotten), and marked online.
    /// @param name the user's name.
    /// @return the history's index, valid until close() and later forgetting.
    std::uint32_t open(std::string_view name) {
        const auto found = m_by_name.find(name);
        if (found != m_by_name.end()) {
            m_histories[found->second].online = true;
            return found->second;
        }
        forget_oldest(m_max_remembered == 0 ? 0 : m_max_remembered - 1);
        std::uint32_t index = 0;
        if (m_free.empty()) {
            index = static_cast<std::uint32_t>(m_histories.size());
            m_histories.emplace_back();
        } else {
            index = m_free.top();
            m_free.pop();
        }
        History& history = m_histories[index];
        history.name.assign(name);
        history.records = RecordRing(m_records_per_user);
        history.online = true;
        m_by_name.insert_or_assign(history.name, index);
        return index;
    }

    /// @brief The most room reserve() gives one history; a larger history
    ///        grows as it fills.
    static constexpr std::size_t largest_reserve = std::size_t{1} << 20;

    /// @brief Gives a history its room now: `records_per_user` times
    ///        `reserve_per_record` bytes (at most largest_reserve), allocated
    ///        and touched, unless it has that much already. Nothing when
    ///        either is 0.
    /// @param index what open() returned.
    /// @complexity O(the room), once per history.
    void reserve(std::uint32_t index) {
        if (m_records_per_user > 0 && m_reserve_per_record > 0) {
            const std::size_t room = m_records_per_user > largest_reserve / m_reserve_per_record
                                         ? largest_reserve
                                         : m_records_per_user * m_reserve_per_record;
            m_histories[index].records.reserve(room);
        }
    }

    /// @brief The user left: its history may be forgotten from now on.
    /// @param index what open() returned.
    void close(std::uint32_t index) {
        History& history = m_histories[index];
        history.online = false;
        history.departure = ++m_departures;
        m_departed.push(Departure{index, history.departure});
    }

    /// @brief Appends `<now> <from> <to> <text>` to a history.
    /// @param index the history.
    /// @param now the time of the message.
    /// @param from the sender's name.
    /// @param to the receiver's name, or `*` for nobody yet.
    /// @param text the message.
    void append(std::uint32_t index, UnixMillis now, std::string_view from, std::string_view to,
                std::string_view text) {
        char digits[24];
        const auto stamp = std::to_chars(digits, digits + sizeof digits, now);
        const std::string_view space = " ";
        RecordRing& records = m_histories[index].records;
        m_record_count -= records.size();
        records.push(std::string_view(digits, stamp.ptr), space, from, space, to, space, text);
        m_record_count += records.size();
    }

    /// @brief Puts back a record kept before a restart: appended to the
    ///        history of each user who keeps it, who is then counted as
    ///        having left (so the users whose last record is oldest are
    ///        forgotten first, as before the restart).
    /// @param record the record, as a HistoryStorage loads it.
    void restore(const history::HistoryRecord& record) {
        if (history::kept_by_sender(record)) {
            restore_into(record.from, record);
        }
        if (history::kept_by_receiver(record)) {
            restore_into(record.to, record);
        }
    }

    /// @brief How many records all histories hold (LiveHistories).
    /// @return the count, in O(1).
    [[nodiscard]] std::size_t record_count() const override { return m_record_count; }

    /// @brief How many records each history keeps (LiveHistories).
    /// @return the limit given at construction.
    [[nodiscard]] std::size_t records_per_user() const override { return m_records_per_user; }

    /// @brief Every record, each history oldest first, histories in the
    ///        order their users left, users online last (LiveHistories).
    /// @param sink where the records go.
    void for_each(const history::RecordSink& sink) const override {
        std::vector<std::uint32_t> order;
        for (const auto& entry : m_by_name) {
            order.push_back(entry.second);
        }
        const auto left_later = [this](std::uint32_t a, std::uint32_t b) {
            const History& x = m_histories[a];
            const History& y = m_histories[b];
            return x.online != y.online ? y.online : x.departure < y.departure;
        };
        std::sort(order.begin(), order.end(), left_later);
        for (const std::uint32_t index : order) {
            for (const std::string_view record : m_histories[index].records) {
                sink(parse_record(m_histories[index].name, record));
            }
        }
    }

    /// @brief The records of a remembered user, oldest first.
    /// @param name the name, in any case.
    /// @return the records, or null if no history is kept for it.
    [[nodiscard]] const RecordRing* find(std::string_view name) const {
        const auto found = m_by_name.find(name);
        return found == m_by_name.end() ? nullptr : &m_histories[found->second].records;
    }

    /// @brief How many histories are remembered, online users' included.
    /// @return the count.
    [[nodiscard]] std::size_t size() const noexcept { return m_by_name.size(); }

    /// @brief Verifies the invariants in the class description.
    /// @throws InvariantViolation naming the first that fails.
    /// @complexity O(histories + departures).
    void check_invariants() const {
        m_by_name.check_invariants();
        m_departed.check_invariants();
        for (const auto& [name, index] : m_by_name) {
            detail::require_invariant(
                index < m_histories.size() && m_histories[index].name == name,
                "HistoryStore: the name table points at each history under its own name");
        }
        std::size_t in_use = 0;
        std::size_t records = 0;
        for (const History& history : m_histories) {
            in_use += history.name.empty() ? 0U : 1U;
            records += history.records.size();
            history.records.check_invariants();
            detail::require_invariant(
                history.name.empty() || history.records.limit() == m_records_per_user,
                "HistoryStore: no history exceeds its limit");
            detail::require_invariant(
                history.name.empty() || history.online || history.departure > 0,
                "HistoryStore: a user who left has a departure number");
        }
        detail::require_invariant(
            in_use == m_by_name.size() && in_use + m_free.size() == m_histories.size(),
            "HistoryStore: every history is named in the table or free");
        detail::require_invariant(records == m_record_count,
                                  "HistoryStore: the record count is the histories' total");
        std::size_t current = 0;
        for (const Departure& departure : m_departed) {
            const History& history = m_histories[departure.history];
            current +=
                !history.name.empty() && !history.online && history.departure == departure.number
                    ? 1U
                    : 0U;
        }
        detail::require_invariant(current + count_online() == m_by_name.size(),
                                  "HistoryStore: every user who left is in the departure queue");
    }

private:
    struct History {
        std::string name;  // empty: free
        RecordRing records;
        bool online = false;
        std::uint64_t departure = 0;  // the number of its latest entry in m_departed
    };

    struct Departure {
        std::uint32_t history = no_history;
        std::uint64_t number = 0;
    };

    // Forgets the histories of users who left, oldest departure first, until
    // at most `keep` remain (online users' histories are never forgotten).
    void forget_oldest(std::size_t keep) {
        while (m_by_name.size() > keep && !m_departed.empty()) {
            const Departure departed = m_departed.front();
            m_departed.pop();
            History& history = m_histories[departed.history];
            if (history.online || history.departure != departed.number) {
                continue;  // came back, or left again later: a newer entry stands for it
            }
            m_by_name.erase(history.name);
            m_record_count -= history.records.size();
            history = History{};
            m_free.push(departed.history);
        }
    }

    void restore_into(std::string_view name, const history::HistoryRecord& record) {
        const std::uint32_t index = open(name);
        append(index, record.time, record.from, record.to, record.text);
        if (m_histories[index].departure != m_departures || m_departures == 0) {
            close(index);  // not already the latest departure: one entry per run of records
        } else {
            m_histories[index].online = false;
        }
    }

    // A record of `owner`'s history, `<ms> <from> <to> <text>`, as the
    // storage takes it: the fields, and which of the two users keeps it.
    static history::HistoryRecord parse_record(std::string_view owner, std::string_view record) {
        history::HistoryRecord parsed;
        const std::size_t first = record.find(' ');
        const std::size_t second = record.find(' ', first + 1);
        const std::size_t third = record.find(' ', second + 1);
        std::from_chars(record.data(), record.data() + first, parsed.time);
        parsed.from = record.substr(first + 1, second - first - 1);
        parsed.to = record.substr(second + 1, third - second - 1);
        parsed.text = record.substr(third + 1);
        parsed.kept_by = detail::equals_ignoring_case(owner, parsed.from)
                             ? history::KeptBy::sender
                             : history::KeptBy::receiver;
        return parsed;
    }

    [[nodiscard]] std::size_t count_online() const noexcept {
        std::size_t online = 0;
        for (const History& history : m_histories) {
            online += history.online ? 1U : 0U;
        }
        return online;
    }

    NameTable m_by_name;
    std::vector<History> m_histories;
    Stack<std::uint32_t> m_free;
    Queue<Departure> m_departed;
    std::size_t m_records_per_user;
    std::size_t m_max_remembered;
    std::size_t m_reserve_per_record;
    std::uint64_t m_departures = 0;
    std::size_t m_record_count = 0;  // in all histories
};

}  // namespace telechat

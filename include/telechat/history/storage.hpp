/// @file
/// @brief telechat::history::HistoryStorage, where the desk's history goes
///        besides memory, as a C++20 concept; its reference model is
///        MemoryStorage (memory_storage.hpp), the durable one FileStorage
///        (file_storage.hpp).
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <concepts>
#include <cstddef>
#include <functional>
#include <string>

#include "record.hpp"

namespace telechat::history {

/// @brief Something that takes records one at a time (a restart's records
///        going back into the desk, the live records going into a compaction).
using RecordSink = std::function<void(const HistoryRecord&)>;

/**
 * @brief The records the desk keeps in memory right now, offered to a
 *        storage that wants to rewrite its copy with only those (compaction).
 *
 * The desk implements it over its HistoryStore; a storage only reads it,
 * during HistoryStorage::save().
 */
class LiveHistories {
public:
    /// @brief How many records the histories hold in all: a relayed message
    ///        kept by both users counts twice.
    /// @return the count, in O(1).
    [[nodiscard]] virtual std::size_t record_count() const = 0;
    /// @brief How many records each history keeps (the desk's history_limit):
    ///        a storage that rebuilds histories from its own records applies it.
    /// @return the limit.
    [[nodiscard]] virtual std::size_t records_per_user() const = 0;
    /// @brief Hands every live record to `sink`, each with the one user
    ///        whose history keeps it (KeptBy::sender or KeptBy::receiver),
    ///        each history oldest first, histories in the order their users
    ///        left, users online last: loading them back rebuilds the same
    ///        histories, forgotten in the same order.
    /// @param sink where the records go.
    /// @complexity O(histories log histories + records).
    virtual void for_each(const RecordSink& sink) const = 0;

protected:
    /// @cond TELECHAT_INTERNALS
    // An interface, never owned through: no virtual destructor, and only
    // the class that implements it copies or destroys it.
    LiveHistories() = default;
    LiveHistories(const LiveHistories&) = default;
    LiveHistories& operator=(const LiveHistories&) = default;
    ~LiveHistories() = default;
    /// @endcond
};

/**
 * @brief Where the desk's records go besides memory: nowhere (MemoryStorage),
 *        an append-only file (FileStorage), or yours.
 *
 * The desk keeps every history in memory, where `HIST` reads it, and hands
 * its storage each record it keeps. The storage decides what happens on
 * disk; the desk never touches a file. A new storage is a new file with a
 * class that models this concept, given to the desk (or the server) when
 * it is built; nothing else changes.
 *
 * What each call means (when the desk makes it: what the storage promises):
 * - `load(sink)`, once, when the desk is built: hands over the records kept
 *   before a restart, oldest first.
 * - `append(r)`, for each record, before the message is acknowledged or
 *   relayed: true, it will be as durable as the storage says once save()
 *   returns; false, it cannot be kept, and the desk refuses the message.
 * - `unsaved()`, before output leaves the desk: true while some appended
 *   record waits for save().
 * - `save(live)`, before any reply written since the last save is sent:
 *   appended records are as durable as promised (written, synced per
 *   policy); it may compact using `live`; it throws if it cannot, and then
 *   the server stops without sending those replies.
 * - `describe()`, once, for the server's start line: where history lives
 *   and how it is synced.
 *
 * Semantic requirements the compiler cannot check: the records `load`
 * hands over were appended (or written by a compaction) earlier, in their
 * order; after `save()` throws, every later `save()` throws too (nothing
 * appended after a failure can be promised).
 *
 * @code
 *   // The reference model: memory only (memory_storage.hpp).
 *   struct MemoryStorage {
 *       void load(const RecordSink&) {}
 *       bool append(const HistoryRecord&) { return true; }
 *       bool unsaved() const { return false; }
 *       void save(const LiveHistories&) {}
 *       std::string describe() const { return "history: in memory only, ..."; }
 *   };
 * @endcode
 */
template <class S>
concept HistoryStorage = std::movable<S> &&
    requires(S& storage, const S& const_storage, const RecordSink& sink,
             const HistoryRecord& record, const LiveHistories& live) {
    { storage.load(sink) } -> std::same_as<void>;
    { storage.append(record) } -> std::same_as<bool>;
    { const_storage.unsaved() } -> std::same_as<bool>;
    { storage.save(live) } -> std::same_as<void>;
    { const_storage.describe() } -> std::convertible_to<std::string>;
};

}  // namespace telechat::history

/// @file
/// @brief telechat::history::HistoryRecord, one message as the desk hands it
///        to its history storage.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstdint>
#include <string_view>

#include "../desk/options.hpp"

namespace telechat::history {

/// @brief Whose histories keep a record: a relayed message is kept by both
///        users, a waiting customer's by the sender only; after a compaction
///        a message one user's history has dropped is kept by the other only.
enum class KeptBy : std::uint8_t {
    sender = 1,    ///< the history of `from`
    receiver = 2,  ///< the history of `to`
    both = 3,      ///< both histories
};

/// @brief One message of a history: when, who to whom, what, and whose
///        histories keep it. The views point into the caller's memory and
///        are valid only during the call that receives the record.
struct HistoryRecord {
    /// @brief When the desk handled the message.
    UnixMillis time = 0;
    /// @brief The sender's name, as spelled when it was sent.
    std::string_view from;
    /// @brief The receiver's name, or `*` when nobody was assigned yet.
    std::string_view to;
    /// @brief The message text (valid 3MCP text: UTF-8, no control characters).
    std::string_view text;
    /// @brief Whose histories keep it.
    KeptBy kept_by = KeptBy::both;
};

// The one statement of whose histories keep a record; restoring, compacting
// and counting a log all ask these.

/// @brief Whether the sender's history keeps `record`.
/// @param record the record. @return false only for KeptBy::receiver.
[[nodiscard]] constexpr bool kept_by_sender(const HistoryRecord& record) noexcept {
    return record.kept_by != KeptBy::receiver;
}

/// @brief Whether the receiver's history keeps `record`: never when `to` is
///        `*`, a waiting customer's message, which nobody has received yet.
/// @param record the record. @return false for KeptBy::sender and for `*`.
[[nodiscard]] constexpr bool kept_by_receiver(const HistoryRecord& record) noexcept {
    return record.kept_by != KeptBy::sender && record.to != "*";
}

/// @brief How many history entries a record makes: one per history keeping it.
/// @param record the record. @return 0, 1 or 2.
[[nodiscard]] constexpr unsigned entries_of(const HistoryRecord& record) noexcept {
    return (kept_by_sender(record) ? 1U : 0U) + (kept_by_receiver(record) ? 1U : 0U);
}

}  // namespace telechat::history

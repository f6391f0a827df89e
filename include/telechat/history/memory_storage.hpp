/// @file
/// @brief telechat::history::MemoryStorage, the reference model of
///        HistoryStorage: histories live in memory only.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <string>

#include "record.hpp"
#include "storage.hpp"

namespace telechat::history {

/**
 * @brief History in memory only: what the desk keeps is all there is, and
 *        it is gone when the server stops. The default.
 *
 * Every call is the smallest thing HistoryStorage allows: nothing to load,
 * every record accepted, nothing ever waiting for save(). A desk with this
 * storage replies at once.
 */
class MemoryStorage {
public:
    /// @brief Nothing was kept before: hands over no record.
    void load(const RecordSink& /*sink*/) {}
    /// @brief Accepts the record (memory is the desk's own).
    /// @return true.
    bool append(const HistoryRecord& /*record*/) { return true; }
    /// @brief Nothing ever waits.
    /// @return false.
    [[nodiscard]] bool unsaved() const noexcept { return false; }
    /// @brief Nothing to save.
    void save(const LiveHistories& /*live*/) {}
    /// @brief The server's start line.
    /// @return what it says about history.
    [[nodiscard]] std::string describe() const {
        return "history: in memory only, lost when the server stops (--history-file keeps it)";
    }
};

static_assert(HistoryStorage<MemoryStorage>);

}  // namespace telechat::history

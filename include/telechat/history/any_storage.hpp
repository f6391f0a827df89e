/// @file
/// @brief telechat::history::AnyHistoryStorage, any HistoryStorage behind
///        one pointer, so that the storage is chosen when the server starts.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "memory_storage.hpp"
#include "record.hpp"
#include "storage.hpp"

namespace telechat::history {

/**
 * @brief Holds one HistoryStorage of any type, and forwards to it.
 *
 * Why not a template parameter of the desk, like the server's policies?
 * The storage is picked at run time (`--history-file` or not), and the desk
 * makes one call per message to it; a template would compile the desk and
 * every server model twice for a choice worth one indirect call. The
 * concept still checks the type where it is given (the constructor), so a
 * storage that lacks a call fails to compile there, with the call named.
 *
 * Move-only; a moved-from holder holds nothing and must not be used.
 */
class AnyHistoryStorage {
public:
    /// @brief Holds a MemoryStorage: the default.
    AnyHistoryStorage() : AnyHistoryStorage(MemoryStorage{}) {}

    /// @brief Holds `storage`, moved in.
    /// @tparam Storage a model of HistoryStorage.
    /// @param storage the storage.
    // (The holder itself is ruled out first: checking HistoryStorage on it
    // would ask whether it is movable, which asks this constructor again.)
    template <class Storage>
    requires(!std::is_same_v<std::remove_cvref_t<Storage>, AnyHistoryStorage> &&
             HistoryStorage<Storage>)
        AnyHistoryStorage(Storage storage)  // NOLINT(google-explicit-constructor): a storage is one
        : m_held(std::make_unique<Model<Storage>>(std::move(storage))) {}

    /// @brief Hands the records kept before a restart to `sink`; see HistoryStorage.
    /// @param sink where they go.
    void load(const RecordSink& sink) { m_held->load(sink); }
    /// @brief Hands the storage one record; see HistoryStorage.
    /// @param record the record.
    /// @return false if it cannot be kept.
    bool append(const HistoryRecord& record) { return m_held->append(record); }
    /// @brief Whether appended records wait for save().
    /// @return the storage's answer.
    [[nodiscard]] bool unsaved() const { return m_held->unsaved(); }
    /// @brief Makes appended records as durable as the storage promises.
    /// @param live the desk's records, for a compaction.
    void save(const LiveHistories& live) { m_held->save(live); }
    /// @brief The storage's line for the server's start.
    /// @return the line.
    [[nodiscard]] std::string describe() const { return m_held->describe(); }

private:
    struct Interface {
        Interface() = default;
        Interface(const Interface&) = delete;
        Interface& operator=(const Interface&) = delete;
        virtual ~Interface() = default;
        virtual void load(const RecordSink& sink) = 0;
        virtual bool append(const HistoryRecord& record) = 0;
        [[nodiscard]] virtual bool unsaved() const = 0;
        virtual void save(const LiveHistories& live) = 0;
        [[nodiscard]] virtual std::string describe() const = 0;
    };

    template <class Storage>
    struct Model final : Interface {
        explicit Model(Storage held) : storage(std::move(held)) {}
        void load(const RecordSink& sink) override { storage.load(sink); }
        bool append(const HistoryRecord& record) override { return storage.append(record); }
        [[nodiscard]] bool unsaved() const override { return storage.unsaved(); }
        void save(const LiveHistories& live) override { storage.save(live); }
        [[nodiscard]] std::string describe() const override { return storage.describe(); }
        Storage storage;
    };

    std::unique_ptr<Interface> m_held;
};

}  // namespace telechat::history

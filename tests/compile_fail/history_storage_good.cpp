// The control case: the storages TeleChat ships, and a minimal one of a
// student's, model HistoryStorage and go into a desk.
#include <telechat/desk/desk.hpp>
#include <telechat/history/file_storage.hpp>
#include <telechat/history/memory_storage.hpp>

#include <string>

struct CountingStorage {
    int appended = 0;
    void load(const telechat::history::RecordSink& /*sink*/) {}
    bool append(const telechat::history::HistoryRecord& /*record*/) { return ++appended > 0; }
    [[nodiscard]] bool unsaved() const { return false; }
    void save(const telechat::history::LiveHistories& /*live*/) {}
    [[nodiscard]] std::string describe() const { return "history: counted"; }
};

static_assert(telechat::history::HistoryStorage<telechat::history::MemoryStorage>);
static_assert(telechat::history::HistoryStorage<telechat::history::FileStorage>);

int main() {
    telechat::Desk desk(telechat::DeskOptions{}, CountingStorage{});
    return desk.history_unsaved() ? 1 : 0;
}

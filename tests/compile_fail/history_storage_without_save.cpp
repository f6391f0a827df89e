// Must NOT compile: this history storage has no save(). The compiler's
// message has to name the HistoryStorage concept (expect_failure.cmake).
#include <telechat/desk/desk.hpp>

#include <string>

struct StorageWithoutSave {
    void load(const telechat::history::RecordSink& /*sink*/) {}
    bool append(const telechat::history::HistoryRecord& /*record*/) { return true; }
    [[nodiscard]] bool unsaved() const { return false; }
    [[nodiscard]] std::string describe() const { return "history: nowhere"; }
};

int main() {
    telechat::Desk desk(telechat::DeskOptions{}, StorageWithoutSave{});
    return desk.history_unsaved() ? 1 : 0;
}

// Where the desk's history goes: a log file that survives a restart, and a
// storage of your own, written as one small class.
//
// The desk keeps every history in memory (that is what HIST reads) and
// hands each record it keeps to its history storage. FileStorage appends
// it to a log that the next desk loads; JournalStorage below writes a
// readable journal instead. Neither the desk nor the server changes.
//
// Build and run, from the top of the repository:
//   c++ -std=c++20 -pthread -I include docs/examples/history_storage.cpp
//   ./a.out
// It checks its own answers and exits 1 if one is wrong.
#include <telechat/desk/desk.hpp>
#include <telechat/history/file_storage.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace {

int failures = 0;

void check(bool ok, std::string_view what) {
    if (!ok) {
        std::fprintf(stderr, "history_storage: wrong: %.*s\n",
                     static_cast<int>(what.size()), what.data());
        ++failures;
    }
}

// What a server does after each event: save the history, then take the
// output (here: only the last connection's, as one string).
std::string talk(telechat::Desk& desk, telechat::ConnectionId id,
                 std::string_view lines) {
    desk.receive(id, lines, 0);
    desk.save_history();  // before any reply leaves
    std::string out(desk.pending_output(id));
    desk.consume_output(id, out.size());
    while (desk.next_ready()) {
    }
    return out;
}

}  // namespace

//! [own]
// A storage of your own: a plain-text journal, one line per message. It
// models telechat::history::HistoryStorage: five calls, nothing else.
class JournalStorage {
public:
    explicit JournalStorage(std::shared_ptr<std::string> journal)
        : m_journal(std::move(journal)) {}

    // Nothing kept from before: a journal is not read back.
    void load(const telechat::history::RecordSink& /*sink*/) {}
    // Takes one record; false would refuse the message (SERVER_FULL).
    bool append(const telechat::history::HistoryRecord& record) {
        *m_journal += std::string(record.from) + " -> " +
                      std::string(record.to) + ": " + std::string(record.text) +
                      "\n";
        return true;
    }
    // Nothing waits: replies may leave at once.
    bool unsaved() const { return false; }
    void save(const telechat::history::LiveHistories& /*live*/) {}
    std::string describe() const { return "history: a journal in memory"; }

private:
    std::shared_ptr<std::string> m_journal;
};
//! [own]

int main() {
    const std::filesystem::path folder =
        std::filesystem::temp_directory_path() / "telechat-history-example";
    std::filesystem::remove_all(folder);
    std::filesystem::create_directory(folder);
    const std::string log = (folder / "history.log").string();
    telechat::DeskOptions options;
    options.agent_key = "k3y";

    //! [file]
    telechat::history::FileStorageOptions file;
    file.path = log;  // created (mode 0600) if missing
    file.sync = telechat::history::SyncPolicy::always;
    {
        telechat::Desk desk(options, telechat::history::FileStorage(file));
        const auto ana = desk.open(0);
        const auto bia = desk.open(0);
        talk(desk, bia, "CONNECT AGENT bia k3y\r\n");
        talk(desk, ana, "CONNECT CUSTOMER ana\r\n");
        talk(desk, ana,
             "MSG my order never came\r\n");  // +OK once it is in the log
    }  // the desk is gone: a restart, or a crash
    telechat::Desk restarted(options, telechat::history::FileStorage(file));
    const auto bia = restarted.open(0);
    const std::string hist =
        talk(restarted, bia, "CONNECT AGENT bia k3y\r\nHIST ana\r\n");
    // "+OK welcome bia", then "+OK 1 messages", "0 ana bia my order never
    // came", "."
    //! [file]
    check(hist ==
              "+OK welcome bia\r\n+OK 1 messages\r\n"
              "0 ana bia my order never came\r\n.\r\n",
          "the history after a restart");

    auto journal = std::make_shared<std::string>();
    telechat::Desk desk(options, JournalStorage(journal));
    const auto ana = desk.open(0);
    const auto agent = desk.open(0);
    talk(desk, agent, "CONNECT AGENT bia k3y\r\n");
    talk(desk, ana, "CONNECT CUSTOMER ana\r\nMSG hello\r\n");
    check(*journal == "ana -> bia: hello\n", "the journal");

    std::filesystem::remove_all(folder);
    if (failures == 0) {
        std::printf("history_storage: all checks passed\n");
    }
    return failures == 0 ? 0 : 1;
}

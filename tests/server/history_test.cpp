// The server and a durable history storage: no reply leaves before the
// record of the message it acknowledges is saved, one save covers a turn's
// messages (group commit), and a storage that fails stops the server
// without sending the replies it could not make good. Every model, both
// backends; a scripted storage stands in for the disk.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <telechat/history/any_storage.hpp>
#include <telechat/history/file_storage.hpp>
#include <telechat/history/storage.hpp>

#include "../history/temp_dir.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

using namespace server_test;

namespace {

// What the scripted disk does; shared between the test and the storage.
struct Disk {
    std::mutex mutex;
    std::condition_variable opened;
    bool gate_open = true;             // save() waits while false (a slow fsync)
    std::atomic<bool> failing{false};  // save() throws (an I/O error)
    std::atomic<std::size_t> appended{0};
    std::atomic<std::size_t> saved{0};  // records made durable
    std::atomic<std::size_t> saves{0};  // save() calls with records waiting
    std::size_t unsaved = 0;            // touched only inside desk work

    void set_gate(bool open) {
        {
            const std::lock_guard<std::mutex> guard(mutex);
            gate_open = open;
        }
        opened.notify_all();
    }
};

class ScriptedDisk {
public:
    explicit ScriptedDisk(std::shared_ptr<Disk> disk) : m_disk(std::move(disk)) {}
    void load(const telechat::history::RecordSink& /*sink*/) {}
    bool append(const telechat::history::HistoryRecord& /*record*/) {
        ++m_disk->appended;
        ++m_disk->unsaved;
        return true;
    }
    [[nodiscard]] bool unsaved() const { return m_disk->unsaved > 0; }
    void save(const telechat::history::LiveHistories& /*live*/) {
        {
            std::unique_lock<std::mutex> lock(m_disk->mutex);
            m_disk->opened.wait_for(lock, std::chrono::seconds(10),
                                    [this] { return m_disk->gate_open; });
        }
        if (m_disk->failing) {
            throw std::runtime_error("history log: scripted write error");
        }
        if (m_disk->unsaved > 0) {  // the desk's first save, at its start, has nothing
            m_disk->saved += m_disk->unsaved;
            m_disk->unsaved = 0;
            ++m_disk->saves;
        }
    }
    [[nodiscard]] std::string describe() const { return "history: scripted disk"; }

private:
    std::shared_ptr<Disk> m_disk;
};

Setup with_disk(const std::shared_ptr<Disk>& disk) {
    Setup setup;
    setup.storage = [disk] { return telechat::history::AnyHistoryStorage(ScriptedDisk(disk)); };
    return setup;
}

// An agent ann and her customer bob, both told of the assignment.
template <class Fixture>
std::pair<std::unique_ptr<Client>, std::unique_ptr<Client>> agent_and_customer(Fixture& f) {
    auto ann = agent(f, "ann");
    auto bob = customer(f, "bob");
    bob->expect_line("ASSIGNED ann");
    ann->expect_line("ASSIGNED bob");
    return {std::move(ann), std::move(bob)};
}

template <class Fixture>
constexpr bool reads_byte_by_byte =
    std::is_same_v<Fixture, ShortThreads> || std::is_same_v<Fixture, ShortReactor> ||
    std::is_same_v<Fixture, ShortReactors> || std::is_same_v<Fixture, ShortActor>;

}  // namespace

TEMPLATE_TEST_CASE("durable history: no reply or relay leaves before its record is saved",
                   "[server][history]", SERVER_ALL_FIXTURES) {
    auto disk = std::make_shared<Disk>();
    TestType f(with_disk(disk));
    auto [ann, bob] = agent_and_customer(f);

    disk->set_gate(false);  // the next save waits: a slow disk
    bob->send("MSG kept before acknowledged\r\n");
    CHECK(bob->read_line(Millis(300)).kind == Read::Kind::timeout);
    CHECK(ann->read_line(Millis(50)).kind == Read::Kind::timeout);
    CHECK(disk->saved == 0);
    disk->set_gate(true);
    bob->expect_line("+OK message received");
    ann->expect_line("MSG bob kept before acknowledged");
    CHECK(disk->saved == 1);
    CHECK(disk->appended == 1);
    f.finish();
}

TEMPLATE_TEST_CASE("durable history: one save covers the messages of a turn (group commit)",
                   "[server][history]", SERVER_ALL_FIXTURES) {
    auto disk = std::make_shared<Disk>();
    TestType f(with_disk(disk));
    auto [ann, bob] = agent_and_customer(f);
    constexpr std::size_t messages = 200;
    std::string burst;
    for (std::size_t i = 0; i < messages; ++i) {
        burst += "MSG m" + std::to_string(i) + "\r\n";
    }
    bob->send(burst);
    for (std::size_t i = 0; i < messages; ++i) {
        bob->expect_line("+OK message received");
        ann->expect_line("MSG bob m" + std::to_string(i));
    }
    CHECK(disk->saved == messages);
    CHECK(disk->saves <= messages);
    if constexpr (!reads_byte_by_byte<TestType>) {
        CHECK(disk->saves < messages / 4);  // a read holds many lines; one save for them all
    }
    f.finish();
}

TEMPLATE_TEST_CASE("durable history: a storage that fails stops the server, unacknowledged",
                   "[server][history]", SERVER_ALL_FIXTURES) {
    auto disk = std::make_shared<Disk>();
    TestType f(with_disk(disk));
    auto [ann, bob] = agent_and_customer(f);
    disk->failing = true;
    bob->send("MSG cannot be kept\r\n");
    const Read reply = bob->read_line(Millis(500));
    CHECK(reply.kind != Read::Kind::line);  // no +OK, nor anything else
    std::string what;
    CHECK(f.server().ended_with_error(what));
    CHECK(what == "history log: scripted write error");
    CHECK(disk->saved == 0);
}

// The real file storage under every model, its background sync running
// every 5 ms while the loops append (ThreadSanitizer runs this on the
// threaded models), and a restart that finds every acknowledged message.
TEMPLATE_TEST_CASE("durable history: a log file synced in the background, then a restart",
                   "[server][history]", SERVER_ALL_FIXTURES) {
    const history_test::TempDir dir;
    telechat::history::FileStorageOptions options;
    options.path = dir.file("history.log");
    options.sync = telechat::history::SyncPolicy::every_second;
    options.sync_interval = std::chrono::milliseconds(5);
    Setup setup;
    setup.storage = [options] {
        return telechat::history::AnyHistoryStorage(telechat::history::FileStorage(options));
    };
    constexpr int messages = 60;
    {
        TestType f(setup);
        auto ann = agent(f, "ann");
        auto bob = customer(f, "bob");
        bob->expect_line("ASSIGNED ann");
        ann->expect_line("ASSIGNED bob");
        for (int i = 0; i < messages; ++i) {
            bob->send("MSG m" + std::to_string(i) + "\r\n");
            bob->expect_line("+OK message received");
            ann->expect_line("MSG bob m" + std::to_string(i));
            if (i % 20 == 0) {
                std::this_thread::sleep_for(std::chrono::milliseconds(6));  // let a sync run
            }
        }
        f.finish();
    }
    TestType restarted(setup);
    auto zed = agent(restarted, "zed");
    zed->send("HIST bob\r\n");
    zed->expect_line("+OK " + std::to_string(messages) + " messages");
    const std::vector<std::string> records = zed->read_body();
    REQUIRE(records.size() == static_cast<std::size_t>(messages));
    for (int i = 0; i < messages; ++i) {
        CHECK(records[static_cast<std::size_t>(i)].substr(
                  records[static_cast<std::size_t>(i)].find(' ') + 1) ==
              "bob ann m" + std::to_string(i));
    }
    restarted.finish();
}

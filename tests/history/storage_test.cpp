// The desk and its history storage (telechat::history::HistoryStorage): what
// the desk hands over, what it does when the storage refuses, when replies
// may leave, what comes back after a restart, and what a compaction sees.
// A scripted storage stands in for a disk that fills or fails on command.
#include "../desk/harness.hpp"

#include <catch2/catch.hpp>

#include <telechat/history/any_storage.hpp>
#include <telechat/history/storage.hpp>

#include <cstddef>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace desk_test;
using telechat::history::HistoryRecord;
using telechat::history::KeptBy;

namespace {

// A record with its own copies of the strings.
struct Kept {
    telechat::UnixMillis time = 0;
    std::string from, to, text;
    KeptBy kept_by = KeptBy::both;
    bool operator==(const Kept&) const = default;
    [[nodiscard]] HistoryRecord view() const { return {time, from, to, text, kept_by}; }
};

Kept copy_of(const HistoryRecord& record) {
    return {record.time, std::string(record.from), std::string(record.to), std::string(record.text),
            record.kept_by};
}

// What a ScriptedStorage did and will do, shared with the test after the
// storage has moved into the desk.
struct Script {
    std::vector<Kept> to_load;       // handed over by load()
    std::vector<Kept> appended;      // every record append() accepted
    std::vector<Kept> live_at_save;  // what the last save() saw of the desk
    std::size_t unsaved = 0;         // appended since the last save()
    std::size_t saves = 0;           // save() calls with records waiting
    bool refuse = false;             // append() says no (a full disk)
    bool fail_saves = false;         // save() throws (an I/O error)
};

class ScriptedStorage {
public:
    explicit ScriptedStorage(std::shared_ptr<Script> script) : m_script(std::move(script)) {}
    void load(const telechat::history::RecordSink& sink) {
        for (const Kept& record : m_script->to_load) {
            sink(record.view());
        }
    }
    bool append(const HistoryRecord& record) {
        if (m_script->refuse) {
            return false;
        }
        m_script->appended.push_back(copy_of(record));
        ++m_script->unsaved;
        return true;
    }
    [[nodiscard]] bool unsaved() const { return m_script->unsaved > 0; }
    void save(const telechat::history::LiveHistories& live) {
        if (m_script->fail_saves) {
            throw std::runtime_error("scripted I/O error");
        }
        m_script->saves += m_script->unsaved > 0 ? 1U : 0U;
        m_script->unsaved = 0;
        m_script->live_at_save.clear();
        live.for_each([&](const HistoryRecord& record) {
            m_script->live_at_save.push_back(copy_of(record));
        });
        CHECK(live.record_count() == m_script->live_at_save.size());
    }
    [[nodiscard]] std::string describe() const { return "history: scripted"; }

private:
    std::shared_ptr<Script> m_script;
};

std::string at(UnixMillis offset) {
    return std::to_string(start_time + offset);
}

}  // namespace

TEST_CASE("storage: the desk hands its storage each record it keeps, with whose it is",
          "[history][storage]") {
    auto script = std::make_shared<Script>();
    World w(Split::whole, test_options(), ScriptedStorage(script));
    Client& bob = w.customer("bob");
    bob.send_line("MSG waiting");  // no agent yet: kept by bob only, to '*'
    Client& ann = w.agent("Ann");
    w.advance(7);
    bob.send_line("MSG hi ann");
    ann.send_line("MSG BOB hi bob");
    const std::vector<Kept> expected{{start_time, "bob", "*", "waiting", KeptBy::sender},
                                     {start_time + 7, "bob", "Ann", "hi ann", KeptBy::both},
                                     {start_time + 7, "Ann", "bob", "hi bob", KeptBy::both}};
    CHECK(script->appended == expected);
    CHECK(script->unsaved == 0);  // the harness, like a server, saved before any output left
    CHECK(script->saves == 3);
}

TEST_CASE("storage: a message the storage refuses is not acknowledged, relayed or kept",
          "[history][storage]") {
    auto script = std::make_shared<Script>();
    World w(Split::whole, test_options(), ScriptedStorage(script));
    Client& bob = w.customer("bob");
    Client& ann = w.agent("ann");
    Client& eve = w.customer("eve");
    forget_lines(bob, ann, eve);
    script->refuse = true;
    const std::string refusal =
        "-ERR SERVER_FULL the message could not be stored, so it was not delivered; try again "
        "later";
    bob.send_line("MSG lost");
    ann.send_line("MSG bob lost too");
    CHECK(bob.take() == Lines{refusal});
    CHECK(ann.take() == Lines{refusal});
    bob.send_line("PING");  // the connection goes on
    CHECK(bob.take() == Lines{"+OK PONG"});
    script->refuse = false;
    bob.send_line("MSG kept");
    CHECK(bob.take() == Lines{"+OK message received"});
    CHECK(ann.take() == Lines{"MSG bob kept"});
    ann.send_line("HIST bob");
    CHECK(ann.take() == Lines{"+OK 1 messages", at(0) + " bob ann kept", "."});
    CHECK(script->appended.size() == 1);
}

TEST_CASE("storage: a waiting customer's refused message is not kept for the agent",
          "[history][storage]") {
    auto script = std::make_shared<Script>();
    World w(Split::whole, test_options(), ScriptedStorage(script));
    Client& bob = w.customer("bob");
    forget_lines(bob);
    script->refuse = true;
    bob.send_line("MSG lost");
    CHECK(bob.take_codes() == Lines{"-ERR SERVER_FULL"});
    script->refuse = false;
    bob.send_line("MSG kept");
    Client& ann = w.agent("ann");
    CHECK(ann.take() == Lines{"+OK welcome ann", "ASSIGNED bob", "MSG bob kept"});
}

TEST_CASE("storage: replies wait for save_history(), and one save covers many messages",
          "[history][storage]") {
    auto script = std::make_shared<Script>();
    DeskOptions options = test_options();
    telechat::Desk desk(options, ScriptedStorage(script));
    const auto bob = desk.open(0);
    desk.receive(bob, "CONNECT CUSTOMER bob\r\nMSG one\r\nMSG two\r\n", 0);
    CHECK(desk.history_unsaved());
    CHECK(script->saves == 0);
    desk.save_history();
    CHECK_FALSE(desk.history_unsaved());
    CHECK(script->saves == 1);
    CHECK(script->appended.size() == 2);
    desk.save_history();  // nothing waits: the storage is not asked
    CHECK(script->saves == 1);
    CHECK(desk.history_storage() == "history: scripted");
}

TEST_CASE("storage: a save that fails throws, and throws again", "[history][storage]") {
    auto script = std::make_shared<Script>();
    telechat::Desk desk(test_options(), ScriptedStorage(script));
    const auto bob = desk.open(0);
    desk.receive(bob, "CONNECT CUSTOMER bob\r\nMSG one\r\n", 0);
    script->fail_saves = true;
    CHECK_THROWS_WITH(desk.save_history(), "scripted I/O error");
    CHECK_THROWS_WITH(desk.save_history(), "scripted I/O error");
}

TEST_CASE("storage: records kept before a restart come back, within the limits",
          "[history][storage]") {
    auto script = std::make_shared<Script>();
    script->to_load = {{1, "bob", "*", "w", KeptBy::sender},
                       {2, "bob", "Ann", "b1", KeptBy::both},
                       {3, "Ann", "bob", "a1", KeptBy::receiver},  // Ann's copy was compacted away
                       {4, "eve", "ann", "e1", KeptBy::sender},
                       {5, "bob", "ann", "b2", KeptBy::both}};
    DeskOptions options = test_options();
    options.history_limit = 3;
    World w(Split::whole, options, ScriptedStorage(script));
    Client& ann = w.agent("ann");
    forget_lines(ann);
    ann.send_line("HIST bob");
    CHECK(ann.take() ==
          Lines{"+OK 3 messages", "2 bob Ann b1", "3 Ann bob a1", "5 bob ann b2", "."});
    ann.send_line("HIST ANN");
    CHECK(ann.take() == Lines{"+OK 2 messages", "2 bob Ann b1", "5 bob ann b2", "."});
    ann.send_line("HIST eve");
    CHECK(ann.take() == Lines{"+OK 1 messages", "4 eve ann e1", "."});
    CHECK(script->appended.empty());  // loading appends nothing
}

TEST_CASE("storage: after a restart, the users whose last record is oldest are forgotten first",
          "[history][storage]") {
    auto script = std::make_shared<Script>();
    script->to_load = {{1, "old", "*", "x", KeptBy::sender},
                       {2, "mid", "*", "x", KeptBy::sender},
                       {3, "new", "*", "x", KeptBy::sender},
                       {4, "mid", "*", "y", KeptBy::sender}};
    DeskOptions options = test_options();
    options.max_remembered_users = 3;
    World w(Split::whole, options, ScriptedStorage(script));
    Client& ann = w.agent("ann");  // a fourth history: the oldest departure goes
    forget_lines(ann);
    ann.send_line("HIST old");
    CHECK(ann.take_codes() == Lines{"-ERR NO_SUCH_USER"});
    ann.send_line("HIST new");
    CHECK(ann.take().size() == 3);
    ann.send_line("HIST mid");
    CHECK(ann.take().size() == 4);
}

// The property compaction rests on: loading what a save saw of the live
// histories rebuilds the same histories as replaying every record, for
// random conversations. (Which users are forgotten first may differ: the
// live records come in departure order, a full log in order of last record.)
TEST_CASE("storage: the live records rebuild the same histories", "[history][storage]") {
    const unsigned seed = GENERATE(1U, 2U, 3U, 4U, 5U);
    CAPTURE(seed);
    std::mt19937 random(seed);
    DeskOptions options = test_options();
    options.history_limit = 4;  // small: most records are dropped by retention
    auto script = std::make_shared<Script>();
    const std::vector<std::string> names{"a0", "b1", "C2", "d3", "e4", "F5", "g6"};
    std::vector<std::string> seen;
    {
        World w(Split::whole, options, ScriptedStorage(script));
        Client& agent = w.agent("Zed");
        for (int round = 0; round < 40; ++round) {
            const std::string& name = names[random() % names.size()];
            Client& customer = w.customer(name);
            seen.push_back(name);
            for (unsigned i = random() % 4; i > 0; --i) {
                w.advance(static_cast<UnixMillis>(random() % 3));
                customer.send_line("MSG c" + std::to_string(round) + "-" + std::to_string(i));
                agent.send_line("MSG " + name + " a" + std::to_string(round));
            }
            customer.send_line("QUIT");
        }
        agent.send_line("QUIT");
        forget_lines(agent);
    }
    const auto hist_of_everyone = [&](World& w) {
        Client& reader = w.agent("reader");
        forget_lines(reader);
        std::vector<Lines> all;
        for (const std::string& name : names) {
            reader.send_line("HIST " + name);
            all.push_back(reader.take());
        }
        reader.send_line("HIST zed");
        all.push_back(reader.take());
        return all;
    };
    // A desk that replays every record appended, and one that loads only
    // the live records of the last save: the same histories.
    auto everything = std::make_shared<Script>();
    everything->to_load = script->appended;
    auto live = std::make_shared<Script>();
    live->to_load = script->live_at_save;
    World replayed(Split::whole, options, ScriptedStorage(everything));
    World compacted(Split::whole, options, ScriptedStorage(live));
    CHECK(hist_of_everyone(replayed) == hist_of_everyone(compacted));
    CHECK(live->to_load.size() < script->appended.size() * 2);
}

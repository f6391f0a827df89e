// telechat-server as other tools drive it: each option takes effect over
// real loopback TCP, the agent key's three sources, the connection log, and
// shutdown on SIGTERM and SIGINT under every threading model.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

using namespace apps_test;

namespace {

constexpr const char* key = "Agent-Key-7f3a";

// Every message text the tests send contains this, so that the log can be
// searched for it.
constexpr const char* text_marker = "TXT-";

struct Running {
    std::unique_ptr<ServerProcess> process;
    std::uint16_t port = 0;
};

std::vector<std::string> loopback(std::vector<std::string> more = {}) {
    std::vector<std::string> arguments = {"--bind", "127.0.0.1", "--port", "0", "--agent-key", key};
    arguments.insert(arguments.end(), more.begin(), more.end());
    return arguments;
}

Running launch(const std::vector<std::string>& arguments,
               const ServerProcess::EnvironmentKey& environment_key = std::nullopt) {
    Running running;
    running.process = ServerProcess::start(arguments, environment_key);
    running.port = running.process->wait_listening();
    if (running.port == 0) {
        FAIL("no listening line; stdout: " << running.process->out()
                                           << "\nstderr: " << running.process->err());
    }
    return running;
}

Client connect_to(const Running& server, Loopback loopback_address = Loopback::v4) {
    Client client = Client::connect(server.port, loopback_address);
    REQUIRE(client.connected());
    return client;
}

Client customer(const Running& server, const std::string& name) {
    Client client = connect_to(server);
    REQUIRE(client.send("CONNECT CUSTOMER " + name + "\n"));
    REQUIRE(client.line() == "+OK welcome " + name);
    return client;
}

Client agent(const Running& server, const std::string& name, const std::string& agent_key = key) {
    Client client = connect_to(server);
    REQUIRE(client.send("CONNECT AGENT " + name + " " + agent_key + "\n"));
    REQUIRE(client.line() == "+OK welcome " + name);
    return client;
}

// A PING round trip: the connection is served.
void check_served(Client& client, const std::string& token) {
    REQUIRE(client.send("PING " + token + "\n"));
    CHECK(client.line() == "+OK PONG " + token);
}

// Stops the server with `signal_number` and checks that it exits 0 in time.
void stop(Running& server, int signal_number = SIGTERM) {
    server.process->send_signal(signal_number);
    const std::optional<ExitStatus> status = server.process->wait_exit(patience);
    INFO("stderr: " << server.process->err());
    REQUIRE(status.has_value());
    CHECK(status->exited);
    CHECK(status->code == 0);
}

// What must hold for every run: the log has only connection events, never
// message text, never the key; no reply carries the key.
void check_log_and_replies(const Running& server, const std::vector<const Client*>& clients,
                           const std::string& agent_key = key) {
    const std::string log = server.process->err();
    INFO("log:\n" << log);
    CHECK(unexpected_log_lines(log).empty());
    CHECK_FALSE(contains(log, text_marker));
    CHECK_FALSE(contains(log, agent_key));
    for (const Client* client : clients) {
        CHECK_FALSE(contains(client->received(), agent_key));
    }
}

// The events the log recorded for one connection: from its
// `accepted #N from <peer>` line to its `closed #N` line (a later
// connection may get the same number).
struct Events {
    std::string number;  // "#N"
    std::vector<std::string> lines;
};

Events events_for_peer(const std::string& log, const std::string& peer) {
    Events events;
    const std::string accepted_suffix = " from " + peer;
    bool inside = false;
    for (const std::string& line : split_lines(log)) {
        if (!inside) {
            if (starts_with(line, "accepted #") && line.size() > accepted_suffix.size() &&
                line.compare(line.size() - accepted_suffix.size(), accepted_suffix.size(),
                             accepted_suffix) == 0) {
                inside = true;
                events.number = line.substr(9, line.find(' ', 9) - 9);
                events.lines.push_back(line);
            }
        } else if (contains(line, " " + events.number + " ")) {
            events.lines.push_back(line);
            if (starts_with(line, "closed " + events.number + " ")) {
                break;
            }
        }
    }
    return events;
}

// The log is read by another thread: wait until the client's "accepted"
// line has arrived before reading its events.
Events events_of(const Running& server, const Client& client) {
    server.process->wait_log(" from " + client.local_name());
    return events_for_peer(server.process->err(), client.local_name());
}

// A HIST record: `<unix-ms> <rest>`.
bool is_record(const std::string& line, const std::string& rest) {
    const std::size_t space = line.find(' ');
    return space != std::string::npos && is_number(line.substr(0, space)) &&
           line.substr(space + 1) == rest;
}

// The body of a multi-line reply, after its `+OK` line: the lines up to `.`.
std::vector<std::string> body(Client& client) {
    std::vector<std::string> lines;
    for (std::string line = client.line(); line != "." && !starts_with(line, "<");
         line = client.line()) {
        lines.push_back(line);
    }
    return lines;
}

}  // namespace

// What the server says of history after its listening line, without --history-file.
const std::string memory_history_line =
    "history: in memory only, lost when the server stops (--history-file keeps it)";

// ----- --bind and --port ---------------------------------------------------------------

TEST_CASE("option bind 127.0.0.1 and port 0: the exact listening line and a working port",
          "[bind][port]") {
    Running server = launch(loopback());
    const std::string expected = "listening on 127.0.0.1:" + std::to_string(server.port);
    CHECK(server.process->listening_line() == expected);
    // With --agent-key given, stdout is the listening line and the history line.
    CHECK(server.process->out() == expected + "\n" + memory_history_line + "\n");

    Client client = connect_to(server);
    check_served(client, "v4");
    CHECK(server.process->wait_log("accepted #"));
    CHECK(connection_number(server.process->err(), client.local_name()).has_value());
    // Bound to 127.0.0.1 only: nothing on ::1 at that port.
    CHECK_FALSE(Client::connect(server.port, Loopback::v6).connected());
    stop(server);
    check_log_and_replies(server, {&client});
}

TEST_CASE("option bind ::1: the listening line brackets the address and IPv6 works",
          "[bind][port]") {
    Running server = launch({"--bind", "::1", "--port", "0", "--agent-key", key});
    CHECK(server.process->listening_line() == "listening on [::1]:" + std::to_string(server.port));

    Client client = Client::connect(server.port, Loopback::v6);
    REQUIRE(client.connected());
    check_served(client, "v6");
    REQUIRE(client.send("CONNECT CUSTOMER six\n"));
    CHECK(client.line() == "+OK welcome six");
    CHECK(client.line() == "QUEUED 1");
    // The log shows the IPv6 peer address.
    REQUIRE(server.process->wait_log("registered #"));
    CHECK(starts_with(client.local_name(), "[::1]:"));
    CHECK(connection_number(server.process->err(), client.local_name()).has_value());
    CHECK_FALSE(Client::connect(server.port, Loopback::v4).connected());
    stop(server);
    check_log_and_replies(server, {&client});
}

TEST_CASE("option port N listens on that port", "[port]") {
    // The port was free a moment ago; another process may take it in
    // between, so a failure to listen (exit 1) is retried with another.
    for (int attempt = 0; attempt < 5; ++attempt) {
        const std::uint16_t port = recently_free_port();
        REQUIRE(port != 0);
        auto process = ServerProcess::start(
            {"--bind", "127.0.0.1", "--port", std::to_string(port), "--agent-key", key});
        const std::uint16_t listening = process->wait_listening();
        if (listening == 0) {
            const std::optional<ExitStatus> status = process->wait_exit(patience);
            REQUIRE(status.has_value());
            REQUIRE(status->code == 1);
            continue;
        }
        CHECK(listening == port);
        CHECK(process->listening_line() == "listening on 127.0.0.1:" + std::to_string(port));
        Running server{std::move(process), listening};
        Client client = connect_to(server);
        check_served(client, "fixed");
        stop(server);
        return;
    }
    FAIL("no free port could be listened on in 5 attempts");
}

// ----- the agent key ----------------------------------------------------------------------

TEST_CASE("option agent-key: that key logs agents in and no other does and it is never shown",
          "[key]") {
    Running server = launch(loopback());
    Client wrong = connect_to(server);
    REQUIRE(wrong.send("CONNECT AGENT eve not-the-key\n"));
    CHECK(starts_with(wrong.line(), "-ERR AUTH_FAILED "));
    Client ana = agent(server, "ana");
    // Replies that could be tempted to show it: HELP, LIST, HIST.
    REQUIRE(ana.send("HELP\nLIST\nHIST ana\n"));
    CHECK(ana.line() == "+OK 8 commands");
    CHECK(body(ana).size() == 8);
    CHECK(ana.line() == "+OK 1 users");  // eve never registered
    CHECK(body(ana) == std::vector<std::string>{"ana AGENT 0/3"});
    CHECK(ana.line() == "+OK 0 messages");
    CHECK(body(ana).empty());
    CHECK(count_lines_starting(server.process->out(), "agent key:") == 0);
    stop(server);
    CHECK_FALSE(contains(server.process->err(), "not-the-key"));
    check_log_and_replies(server, {&wrong, &ana});
}

TEST_CASE("the key from TELECHAT_AGENT_KEY works and prints no key line", "[key]") {
    const std::string environment_key = "env-Key-5521";
    Running server = launch({"--bind", "127.0.0.1", "--port", "0"}, environment_key);
    CHECK(server.process->out() ==
          server.process->listening_line() + "\n" + memory_history_line + "\n");
    Client ana = agent(server, "ana", environment_key);
    Client wrong = connect_to(server);
    REQUIRE(wrong.send("CONNECT AGENT eve " + std::string(key) + "\n"));
    CHECK(starts_with(wrong.line(), "-ERR AUTH_FAILED "));
    stop(server);
    CHECK(count_lines_starting(server.process->out(), "agent key:") == 0);
    CHECK_FALSE(contains(server.process->out(), environment_key));
    check_log_and_replies(server, {&ana, &wrong}, environment_key);
}

TEST_CASE("option agent-key wins over TELECHAT_AGENT_KEY", "[key]") {
    const std::string environment_key = "env-Key-9090";
    Running server = launch(loopback(), environment_key);
    Client ana = agent(server, "ana", key);
    Client wrong = connect_to(server);
    REQUIRE(wrong.send("CONNECT AGENT eve " + environment_key + "\n"));
    CHECK(starts_with(wrong.line(), "-ERR AUTH_FAILED "));
    stop(server);
    CHECK(count_lines_starting(server.process->out(), "agent key:") == 0);
    check_log_and_replies(server, {&ana, &wrong}, key);
    check_log_and_replies(server, {&ana, &wrong}, environment_key);
}

TEST_CASE("with no key given one random key is printed once as 'agent key: <key>' and it works",
          "[key]") {
    Running server = launch({"--bind", "127.0.0.1", "--port", "0"});
    const std::vector<std::string> lines = split_lines(server.process->out());
    REQUIRE(lines.size() == 3);
    REQUIRE(starts_with(lines[0], "agent key: "));
    CHECK(lines[1] == server.process->listening_line());
    CHECK(lines[2] == memory_history_line);
    const std::string random_key = lines[0].substr(std::string_view("agent key: ").size());
    REQUIRE_FALSE(random_key.empty());
    CHECK_FALSE(contains(random_key, " "));
    CHECK(random_key.size() >= 16);

    Client ana = agent(server, "ana", random_key);
    Client wrong = connect_to(server);
    REQUIRE(wrong.send("CONNECT AGENT eve " + random_key + "x\n"));
    CHECK(starts_with(wrong.line(), "-ERR AUTH_FAILED "));
    stop(server);
    CHECK(count_lines_starting(server.process->out(), "agent key:") == 1);
    const std::string out = server.process->out();
    CHECK(std::count(out.begin(), out.end(), '\n') == 3);  // key, listening, history
    check_log_and_replies(server, {&ana, &wrong}, random_key);

    // Another run picks another key.
    Running second = launch({"--bind", "127.0.0.1", "--port", "0"});
    const std::string second_line = split_lines(second.process->out()).front();
    CHECK(second_line != lines[0]);
    stop(second);
}

// ----- the desk's limits --------------------------------------------------------------------

TEST_CASE("option agent-capacity N: customer N+1 waits with QUEUED 1", "[capacity]") {
    const int capacity = GENERATE(1, 2);
    Running server = launch(loopback({"--agent-capacity", std::to_string(capacity)}));
    Client ana = agent(server, "ana");
    std::vector<Client> assigned;
    for (int i = 0; i < capacity; ++i) {
        const std::string name = "c" + std::to_string(i);
        assigned.push_back(customer(server, name));
        CHECK(assigned.back().line() == "ASSIGNED ana");
        CHECK(ana.line() == "ASSIGNED " + name);
    }
    Client late = customer(server, "late");
    CHECK(late.line() == "QUEUED 1");
    // The first customer leaves: the waiting one gets its place.
    REQUIRE(assigned.front().send("QUIT\n"));
    CHECK(assigned.front().line() == "+OK bye");
    CHECK(late.line() == "ASSIGNED ana");
    CHECK(ana.line() == "LEFT c0");
    CHECK(ana.line() == "ASSIGNED late");
    stop(server);
    check_log_and_replies(server, {&ana, &late});
}

TEST_CASE(
    "option max-clients N: connection N+1 gets SERVER_FULL and is closed while the others keep "
    "working",
    "[max-clients]") {
    Running server = launch(loopback({"--max-clients", "2"}));
    Client unregistered = connect_to(server);
    check_served(unregistered, "u");
    Client bob = customer(server, "bob");
    CHECK(bob.line() == "QUEUED 1");

    Client third = connect_to(server);
    CHECK(starts_with(third.line(), "-ERR SERVER_FULL "));
    CHECK(third.wait_closed());
    CHECK(third.rest().empty());
    check_served(unregistered, "u2");
    check_served(bob, "b2");

    // A place frees up: the next connection is served.
    REQUIRE(unregistered.send("QUIT\n"));
    CHECK(unregistered.line() == "+OK bye");
    const Events events = events_of(server, unregistered);
    REQUIRE_FALSE(events.number.empty());
    REQUIRE(server.process->wait_log("closed " + events.number + " "));
    Client fourth = connect_to(server);
    check_served(fourth, "f");
    stop(server);
    const Events refused = events_of(server, third);
    CHECK(refused.lines.size() == 2);  // accepted, closed
    check_log_and_replies(server, {&unregistered, &bob, &third, &fourth});
}

TEST_CASE("option history-limit N: HIST keeps the last N messages", "[history]") {
    Running server = launch(loopback({"--history-limit", "2"}));
    Client ana = agent(server, "ana");
    Client bob = customer(server, "bob");
    CHECK(bob.line() == "ASSIGNED ana");
    CHECK(ana.line() == "ASSIGNED bob");
    for (int i = 1; i <= 3; ++i) {
        const std::string text = std::string(text_marker) + std::to_string(i);
        REQUIRE(bob.send("MSG " + text + "\n"));
        CHECK(bob.line() == "+OK message received");
        CHECK(ana.line() == "MSG bob " + text);
    }
    REQUIRE(ana.send("HIST bob\n"));
    CHECK(ana.line() == "+OK 2 messages");
    const std::string first = ana.line();
    const std::string second = ana.line();
    CHECK(is_record(first, "bob ana TXT-2"));
    CHECK(is_record(second, "bob ana TXT-3"));
    CHECK(ana.line() == ".");
    stop(server);
    check_log_and_replies(server, {&ana, &bob});
}

TEST_CASE("option max-line BYTES: the TOO_LONG boundary counts the line ending", "[max-line]") {
    const std::size_t limit = GENERATE(std::size_t{40}, std::size_t{1024});
    std::vector<std::string> arguments = loopback();
    if (limit != 1024) {
        arguments.insert(arguments.end(), {"--max-line", std::to_string(limit)});
    }
    INFO("limit " << limit << (limit == 1024 ? " (the default)" : ""));
    Running server = launch(arguments);
    Client client = connect_to(server);
    const std::string too_long = "-ERR TOO_LONG lines are limited to " + std::to_string(limit) +
                                 " bytes, line ending included";
    // "PING " and a token: the line is 5 + token bytes, plus its ending.
    const auto token = [](std::size_t bytes) { return std::string(bytes, 't'); };

    REQUIRE(client.send("PING " + token(limit - 6) + "\n"));  // limit bytes with LF
    CHECK(client.line() == "+OK PONG " + token(limit - 6));
    REQUIRE(client.send("PING " + token(limit - 7) + "\r\n"));  // limit bytes with CRLF
    CHECK(client.line() == "+OK PONG " + token(limit - 7));
    REQUIRE(client.send("PING " + token(limit - 5) + "\n"));  // one byte more
    CHECK(client.line() == too_long);
    REQUIRE(client.send("PING " + token(limit - 6) + "\r\n"));
    CHECK(client.line() == too_long);
    // TOO_LONG comes as soon as the limit is reached, before the line ends.
    REQUIRE(client.send("PING " + token(limit - 5)));
    CHECK(client.line() == too_long);
    REQUIRE(client.send("rest of it\nPING after\n"));
    CHECK(client.line() == "+OK PONG after");
    stop(server);
    check_log_and_replies(server, {&client});
}

TEST_CASE("option output-cap BYTES: a client that does not read is dropped past the cap",
          "[output-cap]") {
    // 4000 HELP replies (about 2 MB) for a client with a small receive
    // buffer that never reads: far more than the sockets hold.
    const bool small_cap = GENERATE(true, false);
    const std::string cap = small_cap ? "4096" : "1099511627776";
    INFO("--output-cap " << cap);
    Running server = launch(loopback({"--output-cap", cap}));
    Client other = customer(server, "other");
    CHECK(other.line() == "QUEUED 1");
    Client slow = Client::connect(server.port, Loopback::v4, 4096);
    REQUIRE(slow.connected());
    std::string requests;
    for (int i = 0; i < 4000; ++i) {
        requests += "HELP\n";
    }
    requests += "PING end\n";
    slow.send(requests);  // may fail part way once the server drops it
    REQUIRE(server.process->wait_output([&](const std::string&, const std::string& err) {
        return connection_number(err, slow.local_name()).has_value();
    }));
    const Events events = events_of(server, slow);
    REQUIRE_FALSE(events.number.empty());
    if (small_cap) {
        CHECK(server.process->wait_log("closed " + events.number + " (output cap exceeded)"));
        CHECK(slow.wait_closed(10000ms));
        CHECK_FALSE(contains(slow.received(), "PONG end"));
    } else {
        // Everything arrives, in order, however slowly it is read.
        std::size_t helps = 0;
        std::string line;
        while ((line = slow.line()) != "+OK PONG end" && !starts_with(line, "<")) {
            helps += line == "+OK 8 commands" ? 1U : 0U;
        }
        CHECK(line == "+OK PONG end");
        CHECK(helps == 4000);
        CHECK_FALSE(contains(server.process->err(), "output cap"));
    }
    // Nobody else noticed.
    check_served(other, "still-here");
    stop(server);
    check_log_and_replies(server, {&other});
}

// ----- the timers ----------------------------------------------------------------------------

TEST_CASE(
    "option register-timeout S: QUIT registration timeout that PING does not restart and CONNECT "
    "stops",
    "[timeout]") {
    Running server = launch(loopback({"--register-timeout", "0.5"}));
    Client registered = customer(server, "bob");
    CHECK(registered.line() == "QUEUED 1");
    Client lingering = connect_to(server);
    // Keep pinging every 100 ms: the timer still runs out.
    std::string line;
    for (int i = 0; i < 100; ++i) {
        REQUIRE(lingering.send("PING " + std::to_string(i) + "\n"));
        line = lingering.line();
        if (line != "+OK PONG " + std::to_string(i)) {
            break;
        }
        std::this_thread::sleep_for(100ms);
    }
    // A reply to the last PING may come after the QUIT or not at all.
    CHECK(line == "QUIT registration timeout");
    CHECK(lingering.wait_closed());
    const Events events = events_of(server, lingering);
    REQUIRE_FALSE(events.number.empty());
    CHECK(server.process->wait_log("closed " + events.number + " (registration timeout)"));
    // bob registered at the same time and is still served well after.
    std::this_thread::sleep_for(600ms);
    check_served(registered, "alive");
    stop(server);
    check_log_and_replies(server, {&registered, &lingering});
}

TEST_CASE(
    "option idle-timeout S: a silent user gets QUIT idle timeout and its agent LEFT while lines "
    "reset it",
    "[timeout]") {
    Running server = launch(loopback({"--idle-timeout", "1"}));
    Client ana = agent(server, "ana");
    Client bob = customer(server, "bob");
    CHECK(bob.line() == "ASSIGNED ana");
    CHECK(ana.line() == "ASSIGNED bob");
    // ana pings every 200 ms, bob (registered later) stays silent.
    bool left = false;
    for (int i = 0; i < 50 && !left; ++i) {
        REQUIRE(ana.send("PING " + std::to_string(i) + "\n"));
        for (;;) {
            const std::string line = ana.line();
            if (line == "LEFT bob") {
                left = true;
                continue;
            }
            REQUIRE(line == "+OK PONG " + std::to_string(i));
            break;
        }
        std::this_thread::sleep_for(200ms);
    }
    CHECK(left);
    CHECK(bob.line() == "QUIT idle timeout");
    CHECK(bob.wait_closed());
    // Now ana is silent too.
    CHECK(ana.line() == "QUIT idle timeout");
    CHECK(ana.wait_closed());
    const Events events = events_of(server, bob);
    REQUIRE_FALSE(events.number.empty());
    CHECK(server.process->wait_log("closed " + events.number + " (idle timeout)"));
    stop(server);
    check_log_and_replies(server, {&ana, &bob});
}

// ----- the models, the log and shutdown ---------------------------------------------------------

TEST_CASE("every model serves a whole session and shuts down on SIGTERM and SIGINT",
          "[model][shutdown]") {
    const std::string model = GENERATE("threads", "reactor", "reactors");
    const int signal_number = GENERATE(SIGTERM, SIGINT);
    INFO("--model " << model << ", signal " << (signal_number == SIGTERM ? "SIGTERM" : "SIGINT"));
    Running server = launch(loopback({"--model", model, "--loops", "2", "--agent-capacity", "1"}));

    Client unregistered = connect_to(server);
    check_served(unregistered, "u");
    Client half_line = connect_to(server);
    REQUIRE(half_line.send("CONNECT CUSTO"));
    Client ana = agent(server, "ana");
    Client bob = customer(server, "bob");
    CHECK(bob.line() == "ASSIGNED ana");
    CHECK(ana.line() == "ASSIGNED bob");
    Client carla = customer(server, "Carla");
    CHECK(carla.line() == "QUEUED 1");

    const std::string question = std::string(text_marker) + "my router blinks red";
    const std::string answer = std::string(text_marker) + "which model is it?";
    REQUIRE(bob.send("MSG " + question + "\n"));
    CHECK(bob.line() == "+OK message received");
    CHECK(ana.line() == "MSG bob " + question);
    REQUIRE(ana.send("MSG bob " + answer + "\n"));
    CHECK(ana.line() == "+OK message received");
    CHECK(bob.line() == "MSG ana " + answer);
    REQUIRE(carla.send("MSG " + question + "\n"));
    CHECK(carla.line() == "+OK message received");
    REQUIRE(ana.send("LIST\n"));
    CHECK(ana.line() == "+OK 3 users");
    std::vector<std::string> users = {ana.line(), ana.line(), ana.line()};
    std::sort(users.begin(), users.end());
    CHECK(users == std::vector<std::string>{"Carla CUSTOMER WAITING 1", "ana AGENT 1/1",
                                            "bob CUSTOMER CHATTING ana"});
    CHECK(ana.line() == ".");
    // Every connection has been accepted by now (and the half line read).
    REQUIRE(server.process->wait_output([](const std::string&, const std::string& err) {
        return count_lines_starting(err, "accepted #") == 5;
    }));

    stop(server, signal_number);
    for (Client* client : {&unregistered, &half_line, &ana, &bob, &carla}) {
        INFO("received: " << client->received());
        CHECK(client->line(1000ms) == "QUIT server shutting down");
        CHECK(client->wait_closed(1000ms));
        CHECK(client->rest().empty());
    }
    const std::string log = server.process->err();
    INFO("log:\n" << log);
    CHECK(count_lines_starting(log, "accepted #") == 5);
    CHECK(count_lines_starting(log, "registered #") == 3);
    CHECK(count_lines_starting(log, "closed #") == 5);
    CHECK(count_lines_starting(log, "received SIG") == 1);
    check_log_and_replies(server, {&unregistered, &half_line, &ana, &bob, &carla});
}

TEST_CASE("options model and loops decide how many threads serve", "[model]") {
    // A reactor's thread count is the baseline (its loop, plus whatever the
    // app itself runs); the other models add threads on top of it.
    Running reactor = launch(loopback({"--model", "reactor", "--loops", "4"}));
    std::size_t baseline = 0;
    eventually([&] {
        baseline = reactor.process->thread_count();
        return baseline >= 2;
    });
    REQUIRE(baseline >= 1);
    {
        std::vector<Client> clients;
        for (int i = 0; i < 3; ++i) {
            clients.push_back(connect_to(reactor));
            check_served(clients.back(), "r" + std::to_string(i));
        }
        CHECK(reactor.process->thread_count() == baseline);
    }
    stop(reactor);

    SECTION("reactors runs --loops event loops") {
        const std::size_t loops = GENERATE(std::size_t{1}, std::size_t{3});
        Running reactors =
            launch(loopback({"--model", "reactors", "--loops", std::to_string(loops)}));
        CHECK(eventually([&] { return reactors.process->thread_count() == baseline + loops - 1; }));
        std::vector<Client> clients;
        for (int i = 0; i < 4; ++i) {
            clients.push_back(connect_to(reactors));
            check_served(clients.back(), "s" + std::to_string(i));
        }
        CHECK(reactors.process->thread_count() == baseline + loops - 1);
        stop(reactors);
    }
    SECTION("reactors without --loops runs one loop per core") {
        const std::size_t cores = std::max(1U, std::thread::hardware_concurrency());
        Running reactors = launch(loopback({"--model", "reactors"}));
        CHECK(eventually([&] { return reactors.process->thread_count() == baseline + cores - 1; }));
        stop(reactors);
    }
    SECTION("threads runs one thread per connection") {
        Running threads = launch(loopback({"--model", "threads"}));
        CHECK(eventually([&] { return threads.process->thread_count() == baseline; }));
        std::vector<Client> clients;
        for (int i = 0; i < 3; ++i) {
            clients.push_back(connect_to(threads));
            check_served(clients.back(), "t" + std::to_string(i));
        }
        CHECK(threads.process->thread_count() == baseline + 3);
        // A connection's thread ends with it.
        clients.pop_back();
        CHECK(eventually([&] { return threads.process->thread_count() == baseline + 2; }));
        stop(threads);
    }
}

TEST_CASE("the log: one line per connection event with the peer and role and name and why",
          "[log]") {
    Running server = launch(loopback());
    Client ana = agent(server, "ana");
    Client bob = customer(server, "bob");
    CHECK(bob.line() == "ASSIGNED ana");
    CHECK(ana.line() == "ASSIGNED bob");
    Client eve = connect_to(server);

    // Lines are written at once: the log shows each event while it runs.
    CHECK(server.process->wait_output([&](const std::string&, const std::string& err) {
        return connection_number(err, eve.local_name()).has_value();
    }));
    const std::string secret = std::string(text_marker) + "private words";
    REQUIRE(bob.send("MSG " + secret + "\n"));
    CHECK(bob.line() == "+OK message received");
    CHECK(ana.line() == "MSG bob " + secret);
    REQUIRE(ana.send("MSG bob " + secret + " too\nHIST bob\n"));
    CHECK(ana.line() == "+OK message received");
    CHECK(ana.line() == "+OK 2 messages");
    CHECK(body(ana).size() == 2);
    REQUIRE(eve.send("CONNECT AGENT eve " + std::string(text_marker) + "guess\n"));
    CHECK(starts_with(eve.line(), "-ERR AUTH_FAILED "));

    // bob quits, eve vanishes.
    REQUIRE(bob.send("QUIT " + std::string(text_marker) + "thanks\n"));
    CHECK(bob.wait_closed());
    const std::string bob_number = events_of(server, bob).number;
    REQUIRE_FALSE(bob_number.empty());
    CHECK(server.process->wait_log("closed " + bob_number + " "));
    const Events bob_events = events_of(server, bob);
    const std::string eve_peer = eve.local_name();
    eve.close();
    const std::optional<std::string> eve_number =
        connection_number(server.process->err(), eve_peer);
    REQUIRE(eve_number.has_value());
    CHECK(server.process->wait_log("closed " + *eve_number + " "));

    const Events ana_events = events_of(server, ana);
    CHECK(ana_events.lines ==
          std::vector<std::string>{"accepted " + ana_events.number + " from " + ana.local_name(),
                                   "registered " + ana_events.number + " as agent ana"});
    REQUIRE(bob_events.lines.size() == 3);
    CHECK(bob_events.lines[0] == "accepted " + bob_events.number + " from " + bob.local_name());
    CHECK(bob_events.lines[1] == "registered " + bob_events.number + " as customer bob");
    CHECK(starts_with(bob_events.lines[2], "closed " + bob_events.number + " ("));
    CHECK(contains(bob_events.lines[2], "quit"));
    const std::vector<std::string> eve_lines =
        events_for_peer(server.process->err(), eve_peer).lines;
    REQUIRE(eve_lines.size() == 2);
    CHECK(eve_lines[0] == "accepted " + *eve_number + " from " + eve_peer);
    CHECK(starts_with(eve_lines[1], "closed " + *eve_number + " ("));
    CHECK(contains(eve_lines[1], "closed the connection"));

    stop(server);
    const std::string log = server.process->err();
    // Every event, once: ana's close on shutdown makes three lines for each.
    CHECK(count_lines_starting(log, "accepted #") == 3);
    CHECK(count_lines_starting(log, "registered #") == 2);
    CHECK(count_lines_starting(log, "closed #") == 3);
    check_log_and_replies(server, {&ana, &bob, &eve});
}

TEST_CASE("it raises its soft descriptor limit to the hard limit", "[limits]") {
    rlimit ours{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &ours) == 0);
    if (ours.rlim_max <= 64) {
        WARN("hard descriptor limit too low to test");
        return;
    }
    // Start it with a low soft limit (inherited), then put ours back.
    rlimit low = ours;
    low.rlim_cur = 64;
    REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
    Running server = [&] {
        struct Restore {
            rlimit limit;
            ~Restore() { setrlimit(RLIMIT_NOFILE, &limit); }
        } restore{ours};
        return launch(loopback());
    }();
    std::string limits;
    {
        std::ifstream file("/proc/" + std::to_string(server.process->pid()) + "/limits");
        REQUIRE(file);
        for (std::string line; std::getline(file, line);) {
            if (starts_with(line, "Max open files")) {
                limits = line;
            }
        }
    }
    INFO(limits);
    std::istringstream fields(limits.substr(std::string_view("Max open files").size()));
    std::string soft;
    std::string hard;
    fields >> soft >> hard;
    CHECK(soft == hard);
    CHECK(hard == (ours.rlim_max == RLIM_INFINITY ? std::string("unlimited")
                                                  : std::to_string(ours.rlim_max)));
    stop(server);
}

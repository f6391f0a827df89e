// telechat-server --history-file as an operator meets it: SIGKILL in the
// middle of a stream of messages loses no acknowledged one, in every fsync
// mode; a torn last record is cut off; damage before the end stops the start
// (and --history-repair keeps the good prefix and the original); a file that
// is not a log is refused untouched; a file size limit refuses a message
// instead of stopping the server; the log is private (0600).
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "support.hpp"

using namespace apps_test;

namespace {

namespace fs = std::filesystem;

constexpr const char* key = "Crash-Key-51d2";

constexpr const char* full_reply =
    "-ERR SERVER_FULL the message could not be stored, so it was not delivered; try again later";

// ----- files ---------------------------------------------------------------------------

// A fresh directory under the system's temporary directory, removed with
// everything in it at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "telechat-history-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
        }
        m_path = pattern;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }

    [[nodiscard]] const fs::path& path() const noexcept { return m_path; }
    [[nodiscard]] std::string file(const std::string& name) const {
        return (m_path / name).string();
    }

private:
    fs::path m_path;
};

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The permission bits of `path` (e.g. 0600), or -1 if it cannot be read.
int permission_bits(const std::string& path) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) {
        return -1;
    }
    return static_cast<int>(status.st_mode & 0777);
}

// The files of `directory` whose names start with `prefix`.
std::vector<std::string> files_starting(const fs::path& directory, const std::string& prefix) {
    std::vector<std::string> found;
    for (const fs::directory_entry& entry : fs::directory_iterator(directory)) {
        if (starts_with(entry.path().filename().string(), prefix)) {
            found.push_back(entry.path().string());
        }
    }
    return found;
}

// Where each record of a log starts (log_format.hpp: a 16-byte file header,
// then records of 8 + n bytes, n in the low 24 bits of a little-endian word).
std::vector<std::size_t> record_offsets(const std::string& log) {
    std::vector<std::size_t> offsets;
    std::size_t at = 16;
    while (at + 8 <= log.size()) {
        const std::size_t length = std::size_t{static_cast<unsigned char>(log[at])} |
                                   (std::size_t{static_cast<unsigned char>(log[at + 1])} << 8) |
                                   (std::size_t{static_cast<unsigned char>(log[at + 2])} << 16);
        if (at + 8 + length > log.size()) {
            break;
        }
        offsets.push_back(at);
        at += 8 + length;
    }
    return offsets;
}

// ----- the server ----------------------------------------------------------------------

struct Running {
    std::unique_ptr<ServerProcess> process;
    std::uint16_t port = 0;
};

std::vector<std::string> history_arguments(const std::string& file, const std::string& fsync,
                                           std::vector<std::string> more = {}) {
    std::vector<std::string> arguments = {"--bind",      "127.0.0.1", "--port",         "0",
                                          "--agent-key", key,         "--history-file", file,
                                          "--fsync",     fsync};
    arguments.insert(arguments.end(), more.begin(), more.end());
    return arguments;
}

// Starts the server and waits for both of its start lines.
Running launch(const std::vector<std::string>& arguments) {
    Running running;
    running.process = ServerProcess::start(arguments);
    running.port = running.process->wait_listening();
    const std::optional<std::string> history = running.process->wait_stdout_line("history: ");
    if (running.port == 0 || !history) {
        FAIL("the server did not start; stdout: " << running.process->out()
                                                  << "\nstderr: " << running.process->err());
    }
    return running;
}

// Stops the server with SIGTERM; it must exit 0.
void stop(Running& server) {
    server.process->send_signal(SIGTERM);
    const std::optional<ExitStatus> status = server.process->wait_exit();
    INFO("stderr: " << server.process->err());
    REQUIRE(status.has_value());
    CHECK(status->exited);
    CHECK(status->code == 0);
}

// A process-wide file size limit (ulimit -f) for as long as it lives: a
// child started meanwhile inherits it. The test's other threads only read
// pipes, so nothing of the test's own is written while it holds.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        REQUIRE(::getrlimit(RLIMIT_FSIZE, &m_saved) == 0);
        rlimit limited = m_saved;
        limited.rlim_cur = bytes;
        REQUIRE(::setrlimit(RLIMIT_FSIZE, &limited) == 0);
    }
    FileSizeLimit(const FileSizeLimit&) = delete;
    FileSizeLimit& operator=(const FileSizeLimit&) = delete;
    ~FileSizeLimit() { ::setrlimit(RLIMIT_FSIZE, &m_saved); }

private:
    rlimit m_saved{};
};

// ----- blocking clients ----------------------------------------------------------------

Client agent(const Running& server, const std::string& name) {
    Client client = Client::connect(server.port);
    REQUIRE(client.connected());
    REQUIRE(client.send("CONNECT AGENT " + name + " " + key + "\n"));
    REQUIRE(client.line() == "+OK welcome " + name);
    return client;
}

// A customer whose agent is connected already: welcome, then ASSIGNED.
Client customer(const Running& server, const std::string& name) {
    Client client = Client::connect(server.port);
    REQUIRE(client.connected());
    REQUIRE(client.send("CONNECT CUSTOMER " + name + "\n"));
    REQUIRE(client.line() == "+OK welcome " + name);
    REQUIRE(starts_with(client.line(), "ASSIGNED "));
    return client;
}

// One HIST record: `<unix-ms> <from> <to> <text>`.
struct Record {
    std::string from;
    std::string to;
    std::string text;
};

// The reply to `HIST <name>`, or a sentence saying what was wrong with it.
struct History {
    std::vector<Record> records;
    std::string problem;
};

History hist(Client& agent_client, const std::string& name) {
    History history;
    if (!agent_client.send("HIST " + name + "\n")) {
        history.problem = "HIST " + name + " could not be sent";
        return history;
    }
    const std::string header = agent_client.line();
    std::string_view rest = header;
    if (!take_prefix(rest, "+OK ") || rest.size() < 9 ||
        rest.substr(rest.size() - 9) != " messages" ||
        !is_number(rest.substr(0, rest.size() - 9))) {
        history.problem = "HIST " + name + ": header " + header;
        return history;
    }
    const std::size_t count = std::stoul(std::string(rest.substr(0, rest.size() - 9)));
    for (std::size_t i = 0; i < count; ++i) {
        const std::string line = agent_client.line();
        const std::size_t first = line.find(' ');
        const std::size_t second = first == std::string::npos ? first : line.find(' ', first + 1);
        const std::size_t third = second == std::string::npos ? second : line.find(' ', second + 1);
        if (third == std::string::npos || !is_number(line.substr(0, first))) {
            history.problem = "HIST " + name + ": record " + line;
            return history;
        }
        history.records.push_back({line.substr(first + 1, second - first - 1),
                                   line.substr(second + 1, third - second - 1),
                                   line.substr(third + 1)});
    }
    const std::string end = agent_client.line();
    if (end != ".") {
        history.problem = "HIST " + name + ": ends with " + end;
    }
    return history;
}

// The texts of `records`.
std::vector<std::string> texts(const std::vector<Record>& records) {
    std::vector<std::string> result;
    for (const Record& record : records) {
        result.push_back(record.text);
    }
    return result;
}

// A PING round trip: the connection is served.
void check_served(Client& client, const std::string& token = "x") {
    CHECK(client.send("PING " + token + "\n"));
    CHECK(client.line() == "+OK PONG " + token);
}

// Empty if `actual == expected`, else where they first differ (for long
// lists, which Catch would print whole).
std::string difference(const std::vector<std::string>& actual,
                       const std::vector<std::string>& expected) {
    for (std::size_t i = 0; i < std::max(actual.size(), expected.size()); ++i) {
        if (i >= actual.size() || i >= expected.size() || actual[i] != expected[i]) {
            return "sizes " + std::to_string(actual.size()) + " and " +
                   std::to_string(expected.size()) + "; at " + std::to_string(i) + ": " +
                   (i < actual.size() ? actual[i] : "(none)") + " instead of " +
                   (i < expected.size() ? expected[i] : "(none)");
        }
    }
    return "";
}

// Sends the messages `texts`, one at a time, each acknowledged before the next.
void send_acknowledged(Client& client, const std::vector<std::string>& messages) {
    for (const std::string& text : messages) {
        REQUIRE(client.send("MSG " + text + "\n"));
        REQUIRE(client.line() == "+OK message received");
    }
}

// ----- the crash test's non-blocking connections ---------------------------------------

// One connection of a crash round, served by the round's poll() loop.
class Connection {
public:
    explicit Connection(std::uint16_t port) {
        telechat::server::ConnectOptions options;
        options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(patience);
        options.non_blocking = true;
        m_fd = telechat::server::tcp_connect("127.0.0.1", port, options).fd;
        m_closed = m_fd < 0;
    }
    Connection(Connection&& other) noexcept
        : m_fd(std::exchange(other.m_fd, -1)),
          m_input(std::move(other.m_input)),
          m_output(std::move(other.m_output)),
          m_closed(other.m_closed) {}
    Connection& operator=(Connection&&) = delete;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }

    [[nodiscard]] int fd() const noexcept { return m_fd; }
    [[nodiscard]] bool closed() const noexcept { return m_closed; }
    [[nodiscard]] bool wants_to_write() const noexcept { return !m_output.empty() && !m_closed; }

    void queue(const std::string& bytes) { m_output += bytes; }

    // Reads what the socket holds now (a bounded number of reads).
    void receive() {
        char buffer[65536];
        for (int reads = 0; reads < 64 && !m_closed; ++reads) {
            const ssize_t count = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (count > 0) {
                m_input.append(buffer, static_cast<std::size_t>(count));
            } else if (count < 0 && errno == EINTR) {
                continue;
            } else if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                return;
            } else {
                m_closed = true;  // end of stream, or a reset
            }
        }
    }

    // Writes what the socket takes now.
    void transmit() {
        while (!m_output.empty() && !m_closed) {
            const ssize_t count = ::send(m_fd, m_output.data(), m_output.size(), MSG_NOSIGNAL);
            if (count > 0) {
                m_output.erase(0, static_cast<std::size_t>(count));
            } else if (count < 0 && errno == EINTR) {
                continue;
            } else if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                return;
            } else {
                m_closed = true;
            }
        }
    }

    // Forgets what was received (the agent's relayed messages: only drained).
    void discard_input() { m_input.clear(); }

    // The next complete line received, without its line ending.
    std::optional<std::string> next_line() {
        const std::size_t end = m_input.find('\n');
        if (end == std::string::npos) {
            return std::nullopt;
        }
        std::string line = m_input.substr(0, end);
        m_input.erase(0, end + 1);
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        return line;
    }

private:
    int m_fd = -1;
    std::string m_input;
    std::string m_output;
    bool m_closed = false;
};

// What the test knows of one customer of a crash round, kept for every later check.
struct CustomerLog {
    std::string name;    // c<seed>k<kill>n<i>
    std::string prefix;  // its messages are <prefix><n>, n = 0, 1, 2, ...
    std::string agent;   // a<seed>k<kill>: the recipient, or * while it waited
    std::size_t sent = 0;
    std::size_t acknowledged = 0;
    std::size_t lost = 0;  // acknowledged messages missing, the most any check found
};

// A customer in the middle of a round.
struct Sender {
    Connection connection;
    CustomerLog log;
    std::vector<std::string> surprises;  // replies that are none of the expected ones
};

// The totals of one fsync mode.
struct Totals {
    std::size_t kills = 0;
    std::size_t acknowledged = 0;
    std::size_t unacknowledged = 0;       // sent, no +OK seen before the kill
    std::size_t unacknowledged_kept = 0;  // of those, in the log after the restart
    std::size_t cut_off = 0;              // restarts that cut a torn tail off
    std::size_t hist_checks = 0;
};

constexpr std::size_t customers_per_round = 6;
constexpr std::size_t window = 16;  // messages sent and not yet acknowledged, per customer
// The history limit is 1000: a customer sends fewer, so its history keeps all it sent.
constexpr std::size_t max_messages_per_customer = 900;
// Paced, so that a customer is still sending when the kill comes, even late
// (at 4 a millisecond it reaches 900 after 225 ms): the server is killed in
// the middle of its work, not when it is idle.
constexpr std::size_t messages_per_millisecond = 4;

// Handles the lines a customer received: acknowledgements are counted.
void take_replies(Sender& sender) {
    while (const std::optional<std::string> line = sender.connection.next_line()) {
        if (*line == "+OK message received") {
            ++sender.log.acknowledged;
        } else if (*line != "+OK welcome " + sender.log.name && !starts_with(*line, "QUEUED ") &&
                   !starts_with(*line, "ASSIGNED ")) {
            sender.surprises.push_back(*line);
        }
    }
}

// One round: an agent and customers_per_round customers stream messages for
// `delay`, then the server is killed. Returns the customers' logs.
std::vector<CustomerLog> crash_round(const std::string& file, const std::string& mode,
                                     unsigned seed, std::size_t kill, Milliseconds delay) {
    Running server = launch(history_arguments(file, mode, {"--agent-capacity", "8"}));
    const std::string round = std::to_string(seed) + "k" + std::to_string(kill);

    Connection agent_connection(server.port);
    REQUIRE_FALSE(agent_connection.closed());
    const std::string agent_name = "a" + round;
    agent_connection.queue("CONNECT AGENT " + agent_name + " " + key + "\r\n");
    std::vector<Sender> senders;
    for (std::size_t i = 0; i < customers_per_round; ++i) {
        Sender sender{Connection(server.port), {}, {}};
        REQUIRE_FALSE(sender.connection.closed());
        sender.log.name = "c" + round + "n" + std::to_string(i);
        sender.log.prefix =
            "m" + std::to_string(seed) + "-" + std::to_string(kill) + "-" + std::to_string(i) + "-";
        sender.log.agent = agent_name;
        sender.connection.queue("CONNECT CUSTOMER " + sender.log.name + "\r\n");
        senders.push_back(std::move(sender));
    }

    // Stream until the kill: each customer keeps `window` messages in flight.
    const auto start = Clock::now();
    const auto kill_time = start + delay;
    std::vector<pollfd> fds;
    for (int turn = 0; turn < 100000 && Clock::now() < kill_time; ++turn) {
        const auto elapsed = std::chrono::duration_cast<Milliseconds>(Clock::now() - start);
        const std::size_t allowed =
            std::min(max_messages_per_customer,
                     (static_cast<std::size_t>(elapsed.count()) + 1) * messages_per_millisecond);
        for (Sender& sender : senders) {
            while (sender.log.sent - sender.log.acknowledged < window &&
                   sender.log.sent < allowed) {
                sender.connection.queue("MSG " + sender.log.prefix +
                                        std::to_string(sender.log.sent) + "\r\n");
                ++sender.log.sent;
            }
        }
        fds.clear();
        fds.push_back(
            {agent_connection.fd(),
             static_cast<short>(POLLIN | (agent_connection.wants_to_write() ? POLLOUT : 0)), 0});
        for (const Sender& sender : senders) {
            fds.push_back(
                {sender.connection.fd(),
                 static_cast<short>(POLLIN | (sender.connection.wants_to_write() ? POLLOUT : 0)),
                 0});
        }
        const auto left = std::chrono::duration_cast<Milliseconds>(kill_time - Clock::now());
        const int timeout = static_cast<int>(std::clamp<Milliseconds::rep>(left.count(), 0, 2));
        if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) {
            FAIL("poll: " << std::strerror(errno));
        }
        agent_connection.transmit();
        agent_connection.receive();  // drained, so that the agent is never dropped
        agent_connection.discard_input();
        for (Sender& sender : senders) {
            sender.connection.transmit();
            sender.connection.receive();
            take_replies(sender);
        }
    }

    server.process->send_signal(SIGKILL);
    const std::optional<ExitStatus> status = server.process->wait_exit();
    REQUIRE(status.has_value());
    CHECK(status->signal_number == SIGKILL);

    // What the server sent before it died is in the sockets still: those
    // acknowledgements count too.
    std::vector<CustomerLog> logs;
    for (Sender& sender : senders) {
        const auto deadline = Clock::now() + 1000ms;
        while (!sender.connection.closed() && Clock::now() < deadline) {
            pollfd fd{sender.connection.fd(), POLLIN, 0};
            ::poll(&fd, 1, 50);
            sender.connection.receive();
        }
        take_replies(sender);
        INFO("customer " << sender.log.name);
        CHECK(sender.surprises.empty());
        CHECK(sender.log.acknowledged <= sender.log.sent);
        logs.push_back(sender.log);
    }
    return logs;
}

// Restarts the server on `file` and checks every customer so far against
// its history: the acknowledged messages all there, in order, once; nothing
// that was not sent; an unacknowledged message possibly there, then in order.
void check_histories(const std::string& file, const std::string& mode, const std::string& checker,
                     std::vector<CustomerLog>& customers, std::size_t newest_from, Totals& totals) {
    Running server = launch(history_arguments(file, mode, {"--agent-capacity", "8"}));

    Client checker_client = agent(server, checker);
    std::vector<std::string> problems;
    for (std::size_t c = 0; c < customers.size(); ++c) {
        CustomerLog& customer = customers[c];
        const History history = hist(checker_client, customer.name);
        ++totals.hist_checks;
        if (!history.problem.empty()) {
            problems.push_back(history.problem);
            customer.lost = std::max(customer.lost, customer.acknowledged);
            continue;
        }
        // Record k must be message k: the log keeps a prefix of what was sent.
        std::size_t in_order = 0;
        for (const Record& record : history.records) {
            const bool expected = record.from == customer.name &&
                                  (record.to == customer.agent || record.to == "*") &&
                                  record.text == customer.prefix + std::to_string(in_order) &&
                                  in_order < customer.sent;
            if (!expected) {
                problems.push_back(customer.name + ": record " + std::to_string(in_order) + " is " +
                                   record.from + " " + record.to + " " + record.text);
                break;
            }
            ++in_order;
        }
        if (in_order == history.records.size() && history.records.size() < customer.acknowledged) {
            problems.push_back(customer.name + ": " + std::to_string(history.records.size()) +
                               " records, " + std::to_string(customer.acknowledged) +
                               " messages acknowledged");
        }
        // Lost: acknowledged messages not found (anywhere in the history).
        std::vector<bool> found(customer.acknowledged, false);
        for (const Record& record : history.records) {
            if (record.from == customer.name && starts_with(record.text, customer.prefix)) {
                const std::string number = record.text.substr(customer.prefix.size());
                if (is_number(number) && number.size() < 9) {
                    const std::size_t n = std::stoul(number);
                    if (n < found.size()) {
                        found[n] = true;
                    }
                }
            }
        }
        const auto missing =
            static_cast<std::size_t>(std::count(found.begin(), found.end(), false));
        customer.lost = std::max(customer.lost, missing);
        if (c >= newest_from && history.records.size() >= customer.acknowledged) {
            totals.unacknowledged_kept += history.records.size() - customer.acknowledged;
        }
    }
    // SIGKILL again (a SIGTERM would wait for the connections to linger):
    // the checker stored nothing, and the next round recovers the log anyway.
    checker_client.close();
    server.process->send_signal(SIGKILL);
    REQUIRE(server.process->wait_exit().has_value());
    const std::string log = server.process->err();
    totals.cut_off += contains(log, "cut off") ? 1U : 0U;
    INFO("stderr of the restart: " << log);
    INFO("problems (" << problems.size()
                      << "), the first: " << (problems.empty() ? std::string() : problems.front()));
    CHECK(problems.empty());
}

void crash_test(const std::string& mode) {
    TempDir directory;
    const std::string file = directory.file("history.log");
    constexpr unsigned seeds = 3;
    constexpr std::size_t kills_per_seed = 6;
    std::vector<CustomerLog> customers;
    Totals totals;
    for (unsigned seed = 1; seed <= seeds; ++seed) {
        std::mt19937 random(seed);
        std::uniform_int_distribution<int> delay_ms(20, 200);
        for (std::size_t kill = 0; kill < kills_per_seed; ++kill) {
            const Milliseconds delay(delay_ms(random));
            INFO("fsync " << mode << ", seed " << seed << ", kill " << kill << ", after "
                          << delay.count() << " ms");
            const std::size_t newest_from = customers.size();
            for (CustomerLog& log : crash_round(file, mode, seed, kill, delay)) {
                totals.acknowledged += log.acknowledged;
                totals.unacknowledged += log.sent - log.acknowledged;
                customers.push_back(std::move(log));
            }
            ++totals.kills;
            check_histories(file, mode, "v" + std::to_string(seed) + "k" + std::to_string(kill),
                            customers, newest_from, totals);
        }
    }
    CHECK(permission_bits(file) == 0600);
    std::size_t lost = 0;
    for (const CustomerLog& customer : customers) {
        lost += customer.lost;
    }
    CHECK(lost == 0);
    CHECK(totals.acknowledged > 0);
    std::printf(
        "crash test fsync=%s: %zu kills, %zu acknowledged messages checked, %zu lost "
        "(%zu sent but unacknowledged, %zu of them kept; %zu torn tails cut off; %zu HIST "
        "checks)\n",
        mode.c_str(), totals.kills, totals.acknowledged, lost, totals.unacknowledged,
        totals.unacknowledged_kept, totals.cut_off, totals.hist_checks);
    std::fflush(stdout);
}

// Messages msg0 ... msg<count - 1>.
std::vector<std::string> numbered(const std::string& stem, std::size_t count) {
    std::vector<std::string> messages;
    for (std::size_t i = 0; i < count; ++i) {
        messages.push_back(stem + std::to_string(i));
    }
    return messages;
}

}  // namespace

// ----- SIGKILL ---------------------------------------------------------------------------

TEST_CASE("history: SIGKILL in mid-stream loses no acknowledged message, fsync always",
          "[history][crash]") {
    crash_test("always");
}

TEST_CASE("history: SIGKILL in mid-stream loses no acknowledged message, fsync everysec",
          "[history][crash]") {
    crash_test("everysec");
}

TEST_CASE("history: SIGKILL in mid-stream loses no acknowledged message, fsync never",
          "[history][crash]") {
    crash_test("never");
}

// ----- recovery at start ---------------------------------------------------------------

TEST_CASE("history: a torn last record is cut off at start, with a line on stderr", "[history]") {
    TempDir directory;
    const std::string file = directory.file("torn.log");
    const std::vector<std::string> sent = numbered("torn-", 5);
    {
        Running server = launch(history_arguments(file, "always"));
        Client agent_client = agent(server, "ann");
        Client bob = customer(server, "bob");
        send_acknowledged(bob, sent);
        stop(server);
    }
    const std::string before = read_bytes(file);
    const std::vector<std::size_t> offsets = record_offsets(before);
    REQUIRE(offsets.size() == sent.size());
    const std::size_t last_record = before.size() - offsets.back();
    REQUIRE(last_record > 3);
    fs::resize_file(file, before.size() - 3);  // three bytes short of its last record

    Running server = launch(history_arguments(file, "always"));
    INFO("stderr: " << server.process->err());
    CHECK(server.process->wait_log("cut off"));
    CHECK(server.process->wait_log(file));
    Client agent_client = agent(server, "ann");
    const History history = hist(agent_client, "bob");
    CHECK(history.problem.empty());
    CHECK(texts(history.records) == std::vector<std::string>(sent.begin(), sent.end() - 1));
    CHECK(fs::file_size(file) == offsets.back());  // the torn record is gone from the file
    stop(server);
}

TEST_CASE("history: damage before the end refuses to start, --history-repair keeps the prefix",
          "[history]") {
    TempDir directory;
    const std::string file = directory.file("damaged.log");
    const std::vector<std::string> sent = numbered("dmg-", 40);
    {
        Running server = launch(history_arguments(file, "never"));
        Client agent_client = agent(server, "ann");
        Client bob = customer(server, "bob");
        send_acknowledged(bob, sent);
        stop(server);
    }
    std::string bytes = read_bytes(file);
    const std::vector<std::size_t> offsets = record_offsets(bytes);
    REQUIRE(offsets.size() == sent.size());
    // Record `damaged` holds message `damaged`: flip a bit of its last byte
    // (the text), which its checksum catches.
    const std::size_t damaged = offsets.size() / 2;
    const std::size_t record_end = offsets[damaged + 1];
    bytes[record_end - 1] = static_cast<char>(bytes[record_end - 1] ^ 0x01);
    write_bytes(file, bytes);

    const Finished refused = run_to_exit(history_arguments(file, "never"));
    INFO("stderr: " << refused.err);
    REQUIRE(refused.status.has_value());
    CHECK(refused.status->exited);
    CHECK(refused.status->code == 1);
    CHECK(contains(refused.err, file));
    CHECK(contains(refused.err, "byte " + std::to_string(offsets[damaged])));
    CHECK(contains(refused.err, "--history-repair"));
    CHECK_FALSE(contains(refused.out, "listening on"));
    CHECK(read_bytes(file) == bytes);  // untouched
    CHECK(files_starting(directory.path(), "damaged.log.corrupt-").empty());

    Running server = launch(history_arguments(file, "never", {"--history-repair"}));
    const std::vector<std::string> aside = files_starting(directory.path(), "damaged.log.corrupt-");
    REQUIRE(aside.size() == 1);
    CHECK(read_bytes(aside.front()) == bytes);  // the original, as it was
    CHECK(permission_bits(aside.front()) == 0600);
    CHECK(server.process->wait_log(aside.front()));  // stderr says where it went
    CHECK(fs::file_size(file) == offsets[damaged]);  // the good prefix
    CHECK(permission_bits(file) == 0600);
    Client agent_client = agent(server, "ann");
    const History history = hist(agent_client, "bob");
    CHECK(history.problem.empty());
    CHECK(texts(history.records) ==
          std::vector<std::string>(sent.begin(),
                                   sent.begin() + static_cast<std::ptrdiff_t>(damaged)));
    stop(server);
}

TEST_CASE("history: a file that is not a history log is refused and left untouched", "[history]") {
    TempDir directory;
    const std::string file = directory.file("notes.txt");
    write_bytes(file, "hello");
    ::chmod(file.c_str(), 0644);
    const Finished finished = run_to_exit(history_arguments(file, "everysec"));
    INFO("stderr: " << finished.err);
    REQUIRE(finished.status.has_value());
    CHECK(finished.status->exited);
    CHECK(finished.status->code == 1);
    CHECK(contains(finished.err, file));
    CHECK_FALSE(contains(finished.out, "listening on"));
    CHECK(read_bytes(file) == "hello");
    CHECK(permission_bits(file) == 0644);
    CHECK(files_starting(directory.path(), "").size() == 1);  // nothing new beside it
}

TEST_CASE("history: the log is created with mode 0600, and the start line names it", "[history]") {
    TempDir directory;
    const std::string file = directory.file("new.log");
    const mode_t saved = ::umask(0);  // even a permissive umask gives a private log
    Running server = launch(history_arguments(file, "everysec"));
    ::umask(saved);
    CHECK(permission_bits(file) == 0600);
    const std::optional<std::string> line = server.process->wait_stdout_line("history: ");
    REQUIRE(line.has_value());
    CHECK(contains(*line, file));
    CHECK(contains(*line, "fsync everysec"));
    stop(server);
}

// ----- a full disk -----------------------------------------------------------------------

// A file size limit (ulimit -f) stands for a full disk: the server ignores
// SIGXFSZ, so a write past the limit fails (EFBIG) instead of killing it. The
// documented promise: the message that does not fit gets SERVER_FULL, is
// neither delivered nor stored, and the server goes on serving. (fallocate
// ignores the limit, so the storage checks it when it reserves room.)
TEST_CASE("history: under a file size limit a message is refused with SERVER_FULL",
          "[history][full]") {
    TempDir directory;
    const std::string file = directory.file("full.log");
    Running server;
    {
        const FileSizeLimit limit(64 * 1024);  // the server inherits it
        server = launch(history_arguments(file, "always"));
    }
    Client agent_client = agent(server, "ann");
    Client bob = customer(server, "bob");
    // 200-byte texts: 64 KiB hold about 280 of them (the first may already be
    // refused: room is reserved a mebibyte ahead).
    const std::string padding(200, 'x');
    std::vector<std::string> acknowledged;
    std::string refusal;
    for (std::size_t i = 0; i < 1000 && refusal.empty(); ++i) {
        const std::string text = "full-" + std::to_string(i) + "-" + padding;
        REQUIRE(bob.send("MSG " + text + "\n"));
        const std::string reply = bob.line();
        if (reply == "+OK message received") {
            acknowledged.push_back(text);
        } else {
            refusal = reply;
        }
    }
    INFO(acknowledged.size() << " messages acknowledged; stderr: " << server.process->err());
    CHECK(refusal == full_reply);
    check_served(bob);
    // The disk is as full as before: a message as long is refused again (a
    // shorter one might still fit in the last bytes).
    CHECK(bob.send("MSG still full-" + padding + "\n"));
    CHECK(bob.line() == full_reply);
    // The agent got every acknowledged message, and not the refused one.
    REQUIRE(agent_client.send("PING sync\n"));
    std::vector<std::string> relayed;
    for (std::size_t i = 0; i < acknowledged.size() + 3; ++i) {
        const std::string line = agent_client.line();
        if (line == "+OK PONG sync" || starts_with(line, "<")) {
            break;
        }
        if (!starts_with(line, "ASSIGNED ")) {
            relayed.push_back(line);
        }
    }
    std::vector<std::string> expected_relayed;
    for (const std::string& text : acknowledged) {
        expected_relayed.push_back("MSG bob " + text);
    }
    CHECK(difference(relayed, expected_relayed) == std::string());
    server.process->send_signal(SIGTERM);
    const std::optional<ExitStatus> status = server.process->wait_exit();
    REQUIRE(status.has_value());
    CHECK(status->exited);
    CHECK(status->code == 0);

    // Without the limit, the history has what was acknowledged, nothing else.
    Running restarted = launch(history_arguments(file, "always"));
    Client checker = agent(restarted, "ann");
    const History history = hist(checker, "bob");
    CHECK(history.problem.empty());
    CHECK(difference(texts(history.records), acknowledged) == std::string());
    stop(restarted);
}

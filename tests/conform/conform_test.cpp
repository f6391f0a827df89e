// Tests of the conformance kit: the real telechat-conform against the real
// telechat-server (every model, with and without --slow), against a port
// where nothing listens, a listener that is not 3MCP and one that never
// answers; and its --list, --only/--skip and --junit.
//
// The kit runs under popen() behind coreutils' timeout, so that a kit that
// hangs fails its test instead of the whole suite; the servers are started
// and ended (by PID) by tests/apps/support.hpp's ServerProcess.

#include "../apps/support.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#ifndef TELECHAT_CONFORM_PATH
#error "TELECHAT_CONFORM_PATH must name the telechat-conform binary"
#endif

using namespace apps_test;

namespace {

constexpr const char* key = "Conform-Key-9";

struct KitRun {
    int status = -1;     ///< the exit status (124 if timeout had to stop it)
    std::string output;  ///< stdout and stderr
};

// Runs the kit with `arguments` (each one word without quotes), bounded.
KitRun run_kit(const std::string& arguments, int bound_seconds = 300) {
    const std::string command = "timeout -k 5 " + std::to_string(bound_seconds) + " " +
                                TELECHAT_CONFORM_PATH + " " + arguments + " 2>&1";
    KitRun run;
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> chunk{};
    while (const std::size_t count = std::fread(chunk.data(), 1, chunk.size(), pipe)) {
        run.output.append(chunk.data(), count);
    }
    const int status = ::pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

struct Server {
    std::unique_ptr<ServerProcess> process;
    std::uint16_t port = 0;
    [[nodiscard]] std::string target() const { return "127.0.0.1:" + std::to_string(port); }
};

Server start_server(const std::string& model, std::vector<std::string> more = {}) {
    std::vector<std::string> arguments = {"--bind",      "127.0.0.1", "--port",  "0",
                                          "--agent-key", key,         "--model", model};
    arguments.insert(arguments.end(), more.begin(), more.end());
    Server server;
    server.process = ServerProcess::start(arguments);
    server.port = server.process->wait_listening();
    REQUIRE(server.port != 0);
    return server;
}

// The SKIP reasons the kit may give against telechat-server.
bool documented_skip(const std::string& line, bool slow) {
    const bool limit_option = contains(line, "needs --remembered-users of at most") ||
                              contains(line, "needs --max-clients of at most");
    return limit_option || (!slow && contains(line, "needs --slow"));
}

// Checks a whole run against telechat-server: exit 0, every test PASS or a
// documented SKIP, and the summary line; returns the number of SKIPs.
std::size_t expect_all_pass(const KitRun& run, bool slow) {
    INFO(run.output);
    CHECK(run.status == 0);
    std::size_t passed = 0;
    std::size_t skipped = 0;
    for (const std::string& line : split_lines(run.output)) {
        if (starts_with(line, "PASS ")) {
            ++passed;
        } else if (starts_with(line, "SKIP ")) {
            ++skipped;
            CHECK(documented_skip(line, slow));
        }
        CHECK_FALSE(starts_with(line, "FAIL "));
    }
    CHECK(passed >= 80);
    const std::string summary =
        std::to_string(passed) + " passed, 0 failed, " + std::to_string(skipped) + " skipped";
    CHECK(split_lines(run.output).back() == summary);
    return skipped;
}

// A listener on 127.0.0.1, port chosen by the system, that serves each
// connection with `serve` in a thread until it is destroyed.
class FakeServer {
public:
    explicit FakeServer(std::function<void(int)> serve) : m_serve(std::move(serve)) {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(m_fd, 16) == 0);
        socklen_t length = sizeof address;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length);
        port = ntohs(address.sin_port);
        m_thread = std::thread([this] { accept_loop(); });
    }
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;
    ~FakeServer() {
        m_stop = true;
        m_thread.join();
        ::close(m_fd);
        for (const int client : m_clients) {
            ::close(client);
        }
    }
    std::uint16_t port = 0;

private:
    void accept_loop() {
        while (!m_stop) {
            pollfd waiting{m_fd, POLLIN, 0};
            if (::poll(&waiting, 1, 50) == 1) {
                const int client = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
                if (client >= 0) {
                    m_clients.push_back(client);
                    m_serve(client);
                }
            }
        }
    }
    std::function<void(int)> m_serve;
    int m_fd = -1;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
    std::vector<int> m_clients;
};

}  // namespace

TEST_CASE("the kit passes against telechat-server, every model", "[conform][models]") {
    for (const char* model : {"threads", "reactor", "reactors"}) {
        INFO("model " << model);
        const Server server = start_server(model);
        const KitRun run = run_kit(server.target() + " --agent-key " + key);
        const std::size_t skipped = expect_all_pass(run, false);
        CHECK(skipped == 5);  // the two limit options and the three timeout tests
    }
}

TEST_CASE("the kit passes against telechat-server with --slow, every model",
          "[conform][models][slow]") {
    for (const char* model : {"threads", "reactor", "reactors"}) {
        INFO("model " << model);
        const Server server =
            start_server(model, {"--register-timeout", "2", "--idle-timeout", "2", "--max-clients",
                                 "40", "--remembered-users", "50"});
        const KitRun run = run_kit(server.target() + " --agent-key " + key +
                                   " --slow --register-timeout 2 --idle-timeout 2 --max-clients "
                                   "40 --remembered-users 50");
        const std::size_t skipped = expect_all_pass(run, true);
        CHECK(skipped == 0);  // every limit is small enough, and --slow runs the timeouts
    }
}

TEST_CASE("a port where nothing listens: one line and exit status 2", "[conform][probe]") {
    std::uint16_t port = 0;
    {
        const FakeServer closed_soon([](int) {});
        port = closed_soon.port;
    }
    const KitRun run = run_kit("127.0.0.1:" + std::to_string(port) + " --agent-key k");
    INFO(run.output);
    CHECK(run.status == 2);
    CHECK(split_lines(run.output).size() == 1);
    CHECK(contains(run.output, "is not reachable"));
}

TEST_CASE("a listener that is not 3MCP: one line naming what it sent, exit status 2",
          "[conform][probe]") {
    const FakeServer ssh([](int client) {
        const std::string banner = "SSH-2.0-x\r\n";
        (void)::send(client, banner.data(), banner.size(), MSG_NOSIGNAL);
        ::shutdown(client, SHUT_WR);
    });
    const KitRun run = run_kit("127.0.0.1:" + std::to_string(ssh.port) + " --agent-key k");
    INFO(run.output);
    CHECK(run.status == 2);
    CHECK(split_lines(run.output).size() == 1);
    CHECK(contains(run.output, "does not speak 3MCP"));
    CHECK(contains(run.output, "\"SSH-2.0-x\\r\\n\""));
}

TEST_CASE("a listener that never answers: the kit stops within its read timeout, exit 2",
          "[conform][probe]") {
    const FakeServer silent([](int) {});
    const auto start = Clock::now();
    const KitRun run =
        run_kit("127.0.0.1:" + std::to_string(silent.port) + " --agent-key k --timeout 1", 60);
    INFO(run.output);
    CHECK(run.status == 2);
    CHECK(split_lines(run.output).size() == 1);
    CHECK(contains(run.output, "received nothing"));
    CHECK(Clock::now() - start < std::chrono::seconds(30));  // a bound, not a measurement
}

TEST_CASE("the kit's --list prints one line per test: name, section, description",
          "[conform][list]") {
    const KitRun run = run_kit("--list");
    CHECK(run.status == 0);
    const std::regex shape(R"(^[a-z]+\.[a-z0-9-]+  §[a-z_]+  \S.*$)");
    std::set<std::string> names;
    for (const std::string& line : split_lines(run.output)) {
        INFO(line);
        CHECK(std::regex_match(line, shape));
        names.insert(line.substr(0, line.find(' ')));
    }
    CHECK(names.size() == split_lines(run.output).size());
    CHECK(names.size() >= 80);
    CHECK(names.count("framing.lf-ending") == 1);
    CHECK(names.count("connect.error-order-key-before-name-taken") == 1);
}

TEST_CASE("the kit's --only and --skip select tests by glob, repeated or comma-separated",
          "[conform][select]") {
    const Server server = start_server("reactor");
    const std::string base = server.target() + " --agent-key " + key;
    KitRun run = run_kit(base + " --only 'ping.*' --skip ping.no-token");
    CHECK(run.output == "PASS ping.token-verbatim  §ping\n1 passed, 0 failed, 0 skipped\n");
    run = run_kit(base + " --only framing.lf-ending,framing.crlf-ending --only 'help.exact-rep?y'");
    CHECK(run.output ==
          "PASS framing.lf-ending  §framing\nPASS framing.crlf-ending  §framing\n"
          "PASS help.exact-reply  §help\n3 passed, 0 failed, 0 skipped\n");
    run = run_kit(base + " --skip '*'");
    CHECK(run.output == "0 passed, 0 failed, 0 skipped\n");
    CHECK(run.status == 0);
}

TEST_CASE("usage errors: exit status 2 and one line", "[conform][usage]") {
    for (const char* arguments : {"127.0.0.1:3333", "--agent-key k", "::1:3333 --agent-key k",
                                  "127.0.0.1:3333 --agent-key k --timeout x",
                                  "127.0.0.1:3333 "
                                  "--agent-key k --bogus"}) {
        const KitRun run = run_kit(arguments);
        INFO(arguments << "\n" << run.output);
        CHECK(run.status == 2);
        CHECK(split_lines(run.output).size() == 1);
    }
}

TEST_CASE("a failure shows what was sent, expected and got, and --junit writes well-formed XML",
          "[conform][junit]") {
    const Server server = start_server("reactor");
    // Told the wrong line limit, the kit sees the server break "its" limit.
    const std::string junit = "conform_test_junit.xml";
    const KitRun run = run_kit(server.target() + " --agent-key " + key +
                               " --max-line 100 --only 'framing.limit-*,ping.*' --junit " + junit);
    INFO(run.output);
    CHECK(run.status == 1);
    CHECK(contains(run.output, "FAIL framing.limit-crlf-too-long  §framing\n"));
    CHECK(contains(run.output,
                   "    expected: \"-ERR TOO_LONG lines are limited to 100 bytes, line ending "
                   "included\\r\\n\"\n    got:      \"+OK PONG xxx"));
    CHECK(contains(run.output, "C: \"PING xxxx"));
    CHECK(split_lines(run.output).back() == "4 passed, 2 failed, 0 skipped");
    std::ifstream file(junit);
    std::stringstream xml;
    xml << file.rdbuf();
    INFO(xml.str());
    CHECK(starts_with(xml.str(), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
    CHECK(contains(xml.str(), "tests=\"6\" failures=\"2\" errors=\"0\" skipped=\"0\""));
    CHECK(count_lines_starting(xml.str(), "    <testcase ") == 6);
    CHECK(count_lines_starting(xml.str(), "      <failure ") == 2);
    CHECK(contains(xml.str(), "&quot;-ERR TOO_LONG lines are limited to 100 bytes"));
    const int lint = std::system(("xmllint --noout " + junit + " 2>/dev/null").c_str());
    if (lint != -1 && WEXITSTATUS(lint) != 127) {  // xmllint may not be installed
        CHECK(WEXITSTATUS(lint) == 0);
    }
    std::remove(junit.c_str());
}

// telechat-server --trace and telechat-replay, as a student would use them:
// a session over loopback TCP is traced (a partial line sent in two packets,
// an LF-only line, the agent key hidden), the trace replays against a fresh
// server with no difference, and a server with other settings, a doctored
// trace or a malformed one are reported with the right line.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support.hpp"

#ifndef TELECHAT_REPLAY_PATH
#error "TELECHAT_REPLAY_PATH must name the telechat-replay binary"
#endif

using namespace apps_test;

namespace {

constexpr const char* key = "Trace-Key-7";

struct TempFolder {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("telechat-trace-" + std::to_string(std::random_device{}()));
    ~TempFolder() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Replayed {
    int code = -1;
    std::string output;
};

// Runs telechat-replay (bounded by its own --timeout) and takes its output.
Replayed replay(const std::vector<std::string>& arguments) {
    std::string command = TELECHAT_REPLAY_PATH;
    for (const std::string& argument : arguments) {
        command += " '" + argument + "'";
    }
    Replayed result;
    std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    while (const std::size_t count = std::fread(buffer, 1, sizeof buffer, pipe)) {
        result.output.append(buffer, count);
    }
    const int status = ::pclose(pipe);
    result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

std::unique_ptr<ServerProcess> server(std::vector<std::string> more, std::uint16_t& port) {
    std::vector<std::string> arguments = {"--bind", "127.0.0.1", "--port", "0", "--agent-key", key};
    arguments.insert(arguments.end(), more.begin(), more.end());
    auto process = ServerProcess::start(arguments);
    port = process->wait_listening();
    REQUIRE(port != 0);
    return process;
}

// Waits until the server has read all that `client` sent so far (a PING's answer).
void settle(Client& client, const std::string& token) {
    REQUIRE(client.send("PING " + token + "\r\n"));
    REQUIRE(client.line() == "+OK PONG " + token);
}

// The number of the first line of `text` that contains `part`, or 0.
std::size_t line_containing(const std::string& text, const std::string& part) {
    std::size_t number = 1;
    for (const std::string& row : split_lines(text)) {
        if (contains(row, part)) {
            return number;
        }
        ++number;
    }
    return 0;
}

}  // namespace

TEST_CASE("option --trace writes each connection's bytes, telechat-replay plays them back",
          "[apps][trace][replay]") {
    TempFolder folder;
    std::uint16_t port = 0;
    {
        auto traced = server({"--trace", (folder.path / "traces").string()}, port);
        Client ann = Client::connect(port);
        REQUIRE(ann.send(std::string("CONNECT AGENT ann ") + key + "\r\n"));
        REQUIRE(ann.line() == "+OK welcome ann");
        Client bob = Client::connect(port);
        REQUIRE(bob.send("CONNECT CUSTOMER bob\r\n"));
        REQUIRE(bob.line() == "+OK welcome bob");
        REQUIRE(bob.line() == "ASSIGNED ann");
        REQUIRE(ann.line() == "ASSIGNED bob");
        REQUIRE(bob.send("MSG hel"));  // a partial line, in two packets
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        REQUIRE(bob.send("lo\r\nMSG hi\n"));  // and an LF-only line
        REQUIRE(bob.line() == "+OK message received");
        REQUIRE(bob.line() == "+OK message received");
        REQUIRE(ann.line() == "MSG bob hello");
        REQUIRE(ann.line() == "MSG bob hi");
        REQUIRE(ann.send("LIST\r\n"));
        REQUIRE(ann.line() == "+OK 2 users");
        for (int i = 0; i < 3; ++i) {
            static_cast<void>(ann.line());
        }
        settle(ann, "1");
        // A TIME has millisecond resolution, and replay orders two
        // connections' steps of one millisecond by a guess: bob's QUIT (which
        // sends ann LEFT) must come a clear millisecond after ann's PING, or
        // a slow run (ASan) may record both at once and replay them the
        // other way round.
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        REQUIRE(bob.send("QUIT\r\n"));
        REQUIRE(bob.line() == "+OK bye");
        REQUIRE(bob.wait_closed());
        bob.close();
        REQUIRE(ann.line() == "LEFT bob");
        ann.close();
        const std::filesystem::path traces = folder.path / "traces";
        REQUIRE(eventually([&] {
            return contains(read_file(traces / "connection-000001.txt"), "== c1 hangs up") &&
                   contains(read_file(traces / "connection-000002.txt"), "== c2 hangs up");
        }));
        traced->send_signal(SIGTERM);
        REQUIRE(traced->wait_exit());
    }
    const std::filesystem::path ann_trace = folder.path / "traces" / "connection-000001.txt";
    const std::filesystem::path bob_trace = folder.path / "traces" / "connection-000002.txt";
    const std::string ann_text = read_file(ann_trace);
    const std::string bob_text = read_file(bob_trace);
    INFO(ann_text << bob_text);
    struct stat status {};
    REQUIRE(::stat(ann_trace.c_str(), &status) == 0);
    CHECK((status.st_mode & 0777) == 0600);
    CHECK(ann_text.find(key) == std::string::npos);
    CHECK(contains(ann_text, " c1 >> CONNECT AGENT ann \\{agent-key}\n"));
    CHECK(contains(bob_text, " c2 >> MSG hel\\\n"));
    CHECK(contains(bob_text, " c2 >> lo\nc2 >> MSG hi\\n\\\n"));
    CHECK(contains(ann_text, "\nc1 << ann AGENT 1/3\n"));
    CHECK(contains(bob_text, " c2 -- closed by the server\n"));
    CHECK(contains(bob_text, " == c2 hangs up\n"));

    SECTION("against a fresh server: no difference") {
        auto fresh = server({}, port);
        const Replayed run = replay({ann_trace.string(), bob_trace.string(),
                                     "127.0.0.1:" + std::to_string(port), "--agent-key", key});
        INFO(run.output);
        CHECK(run.code == 0);
    }
    SECTION("against a server whose agents serve one customer: the LIST line differs") {
        auto other = server({"--agent-capacity", "1"}, port);
        const Replayed run = replay({ann_trace.string(), bob_trace.string(),
                                     "127.0.0.1:" + std::to_string(port), "--agent-key", key});
        INFO(run.output);
        CHECK(run.code == 1);
        CHECK(contains(run.output,
                       ann_trace.string() + ":" +
                           std::to_string(line_containing(ann_text, "c1 << ann AGENT 1/3")) +
                           ": c1: what came differs"));
        CHECK(contains(run.output, "received: ann AGENT 1/1\\r\\n"));
    }
    SECTION("a doctored trace: the line of the first difference") {
        auto fresh = server({}, port);
        std::string doctored = bob_text;
        doctored.replace(doctored.find("c2 << +OK welcome bob"), 21, "c2 << +OK welcome rob");
        const std::filesystem::path path = folder.path / "doctored.txt";
        std::ofstream(path, std::ios::binary) << doctored;
        const Replayed run = replay({ann_trace.string(), path.string(),
                                     "127.0.0.1:" + std::to_string(port), "--agent-key", key});
        INFO(run.output);
        CHECK(run.code == 1);
        CHECK(
            contains(run.output, path.string() + ":" +
                                     std::to_string(line_containing(doctored, "+OK welcome rob")) +
                                     ": c2: what came differs"));
    }
    SECTION("a malformed trace: exit 2 and FILE:LINE") {
        const std::filesystem::path path = folder.path / "malformed.txt";
        std::ofstream(path, std::ios::binary) << "# fine\n== c1 connects\nc1 >> \\q\n";
        const Replayed run = replay({path.string(), "127.0.0.1:1"});
        CHECK(run.code == 2);
        CHECK(contains(run.output, path.string() + ":3: unknown escape \\q"));
    }
}

TEST_CASE("option --trace refuses a path that is not a folder", "[apps][trace]") {
    TempFolder folder;
    std::filesystem::create_directories(folder.path);
    const std::filesystem::path file = folder.path / "a-file";
    std::ofstream(file) << "x";
    const Finished finished = run_to_exit({"--port", "0", "--trace", file.string()});
    REQUIRE(finished.status);
    CHECK(finished.status->code == 2);
    CHECK(contains(finished.err, "--trace: '" + file.string() + "' is not a folder"));
}

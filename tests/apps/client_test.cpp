// telechat-client driven as a script through a pipe, against a real
// telechat-server on loopback: every slash command, the error wording, and
// the exit codes 0 to 3.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "support.hpp"

using namespace apps_test;

namespace {

constexpr const char* key = "Key-for-clients-42";

struct Server {
    std::unique_ptr<ServerProcess> process;
    std::string port;
};

Server start_server(std::vector<std::string> more = {}) {
    std::vector<std::string> arguments = {"--bind", "127.0.0.1", "--port", "0", "--agent-key", key};
    arguments.insert(arguments.end(), more.begin(), more.end());
    Server server{ServerProcess::start(arguments), ""};
    const std::uint16_t port = server.process->wait_listening();
    REQUIRE(port != 0);
    server.port = std::to_string(port);
    return server;
}

std::vector<std::string> customer_args(const Server& server, const std::string& name) {
    return {"127.0.0.1", "--port", server.port, "--name", name};
}

std::vector<std::string> agent_args(const Server& server, const std::string& name) {
    return {"127.0.0.1", "--port", server.port, "--name", name, "--role", "agent", "--key", key};
}

// Runs a client on `input` (its whole stdin) to its end.
Finished run_client(const std::vector<std::string>& arguments, std::string_view input,
                    const ServerProcess::EnvironmentKey& environment_key = std::nullopt) {
    auto client = ServerProcess::start_client(arguments, environment_key);
    client->write_stdin(input);
    client->close_stdin();
    Finished finished;
    finished.status = client->wait_exit(15000ms);
    finished.out = client->out();
    finished.err = client->err();
    return finished;
}

int exit_code(const Finished& finished) {
    REQUIRE(finished.status);
    REQUIRE(finished.status->exited);
    return finished.status->code;
}

bool has_line(const std::string& output, const std::string& line) {
    const auto lines = split_lines(output);
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// Waits until `process` printed the line `line`.
bool prints(const ServerProcess& process, const std::string& line) {
    return process.wait_output(
        [&](const std::string& out, const std::string&) { return has_line(out, line); });
}

// A port on which nothing listens: bound once, then released.
std::string unused_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    ::close(fd);
    return std::to_string(ntohs(address.sin_port));
}

}  // namespace

TEST_CASE("a script agent and a script customer use every slash command", "[client][script]") {
    Server server = start_server();
    auto agent = ServerProcess::start_client(agent_args(server, "sam"));
    agent->write_stdin("/wait assigned\n/wait msg\n");
    REQUIRE(prints(*agent, "ok welcome sam"));

    auto customer = ServerProcess::start_client(customer_args(server, "ana"));
    customer->write_stdin("hi, I need help\n/wait msg\n/wait msg\n/wait msg\n/wait closed\n");
    REQUIRE(prints(*agent, "msg ana hi, I need help"));

    agent->write_stdin(
        "/m hello ana\n/msg ana  two spaces kept\na plain line goes to the only customer\n"
        "/list\n/hist ana 2\n/hist ana\n/help\n");
    REQUIRE(prints(*customer, "msg sam a plain line goes to the only customer"));
    agent->write_stdin("/end ana\n/quit\n");
    agent->close_stdin();
    customer->close_stdin();

    const auto agent_status = agent->wait_exit(10000ms);
    const auto customer_status = customer->wait_exit(10000ms);
    const std::string said = agent->out();
    const std::string heard = customer->out();
    INFO("agent:\n" << said << "\ncustomer:\n" << heard);

    CHECK(has_line(said, "assigned ana"));
    CHECK(count_lines_starting(said, "ok message received") == 3);
    CHECK(has_line(said, "ok 2 users"));
    CHECK(has_line(said, "list sam AGENT 1/3"));
    CHECK(has_line(said, "list ana CUSTOMER CHATTING sam"));
    CHECK(has_line(said, "ok 2 messages"));
    CHECK(has_line(said, "ok 4 messages"));
    CHECK(count_lines_starting(said, "hist ") == 6);
    CHECK(contains(said, " ana sam hi, I need help\n"));
    CHECK(contains(said, " sam ana  two spaces kept\n"));
    CHECK(count_lines_starting(said, "help /msg <customer> <text>") == 1);
    CHECK(has_line(said, "ok"));  // END
    CHECK(has_line(said, "ok bye"));
    CHECK(count_lines_starting(said, "left ") == 0);  // END sends no LEFT

    CHECK(has_line(heard, "ok welcome ana"));
    CHECK(has_line(heard, "assigned sam"));
    CHECK(has_line(heard, "msg sam hello ana"));
    CHECK(has_line(heard, "msg sam  two spaces kept"));
    CHECK(has_line(heard, "closed conversation ended by sam"));

    REQUIRE(agent_status);
    CHECK(agent_status->code == 0);  // ended with /quit
    REQUIRE(customer_status);
    CHECK(customer_status->code == 1);  // closed by the server
}

TEST_CASE("a customer's messages while waiting reach the agent it gets, and LEFT is shown",
          "[client][script]") {
    Server server = start_server();
    const Finished waiting = [&] {
        auto customer = ServerProcess::start_client(customer_args(server, "bea"));
        customer->write_stdin("/wait queued\nare you there?\n");
        REQUIRE(prints(*customer, "ok message received"));
        auto agent = ServerProcess::start_client(agent_args(server, "max"));
        agent->write_stdin("/wait msg\n");
        REQUIRE(prints(*agent, "msg bea are you there?"));
        CHECK(has_line(agent->out(), "assigned bea"));
        customer->write_stdin("/quit\n");
        customer->close_stdin();
        REQUIRE(prints(*agent, "left bea"));
        agent->close_stdin();
        CHECK(agent->wait_exit());
        Finished finished;
        finished.status = customer->wait_exit();
        finished.out = customer->out();
        return finished;
    }();
    CHECK(has_line(waiting.out, "queued 1"));
    CHECK(has_line(waiting.out, "assigned max"));
    CHECK(has_line(waiting.out, "ok bye"));
    CHECK(exit_code(waiting) == 0);
}

TEST_CASE("the client explains the server's errors in words, and its own", "[client][wording]") {
    Server server = start_server({"--agent-capacity", "1", "--max-line", "64"});
    auto agent = ServerProcess::start_client(agent_args(server, "sam"));
    agent->write_stdin("/wait assigned\n");
    REQUIRE(prints(*agent, "ok welcome sam"));
    auto first = ServerProcess::start_client(customer_args(server, "ana"));
    first->write_stdin("/wait assigned\n");
    REQUIRE(prints(*agent, "assigned ana"));
    auto second = ServerProcess::start_client(customer_args(server, "bruno"));
    second->write_stdin("/wait queued\n");
    REQUIRE(prints(*second, "queued 1"));

    const Finished agent_errors = [&] {
        agent->write_stdin(
            "/msg bob hello\n/end bob\n/hist nobody\n/msg bruno hi\n/msg\n/m "
            "hi\n/hist\n/frobnicate\n"
            "/wait nothing\n/sleep soon\n" +
            std::string(70, 'x') + "\n/quit\n");
        agent->close_stdin();
        Finished finished;
        finished.status = agent->wait_exit(10000ms);
        finished.out = agent->out();
        return finished;
    }();
    const std::string& said = agent_errors.out;
    INFO(said);
    CHECK(has_line(said, "error NO_SUCH_USER nobody called bob is connected"));
    CHECK(count_lines_starting(said, "error NO_SUCH_USER nobody called bob") == 2);  // MSG and END
    CHECK(has_line(said, "error NO_SUCH_USER there is no history for nobody"));
    CHECK(has_line(said, "error NOT_ASSIGNED bruno is not one of your customers"));
    CHECK(has_line(said, "error CLIENT usage: /msg <customer> <text>"));
    CHECK(has_line(said,
                   "error CLIENT no customer has written to you yet: use /msg <customer> <text>"));
    CHECK(has_line(said, "error CLIENT usage: /hist <name> [n]"));
    CHECK(has_line(said, "error CLIENT unknown command /frobnicate; /help lists the commands"));
    CHECK(count_lines_starting(said, "error CLIENT usage: /wait") == 1);
    CHECK(has_line(said, "error CLIENT usage: /sleep <seconds>"));
    // the plain line went to ana, the only customer, and was too long for --max-line 64
    CHECK(count_lines_starting(said, "error TOO_LONG that line is too long for the server") == 1);
    CHECK(exit_code(agent_errors) == 0);

    second->write_stdin(std::string("/list\nbad \x01 byte\n/quit\n"));
    second->close_stdin();
    REQUIRE(second->wait_exit());
    const std::string heard = second->out();
    INFO(heard);
    CHECK(has_line(heard, "error CLIENT /list is for agents; just type your message"));
    CHECK(has_line(heard,
                   "error BAD_TEXT the server refused the text: only UTF-8 without control "
                   "characters is allowed"));
    first->close_stdin();
    CHECK(first->wait_exit());
}

TEST_CASE("an agent with two customers must say whom a plain line is for", "[client][wording]") {
    Server server = start_server();
    auto agent = ServerProcess::start_client(agent_args(server, "sam"));
    agent->write_stdin("/wait assigned\n/wait assigned\n");
    REQUIRE(prints(*agent, "ok welcome sam"));
    auto ana = ServerProcess::start_client(customer_args(server, "ana"));
    ana->write_stdin("/wait assigned\n");
    REQUIRE(prints(*agent, "assigned ana"));  // ana first, then bo
    auto bo = ServerProcess::start_client(customer_args(server, "bo"));
    bo->write_stdin("/wait assigned\nfrom bo\n");
    REQUIRE(prints(*agent, "msg bo from bo"));
    agent->write_stdin("to whom?\n/m to bo, the last writer\n/quit\n");
    agent->close_stdin();
    REQUIRE(agent->wait_exit());
    const std::string said = agent->out();
    INFO(said);
    CHECK(has_line(said,
                   "error CLIENT you have 2 customers (ana, bo): use /msg <customer> <text>, or /m "
                   "<text> for bo"));
    CHECK(count_lines_starting(said, "ok message received") == 1);
    REQUIRE(prints(*bo, "msg sam to bo, the last writer"));
    ana->close_stdin();
    bo->close_stdin();
}

TEST_CASE("a waiting customer past its backlog is told to wait", "[client][wording]") {
    Server server = start_server();
    std::string input;
    for (int i = 0; i <= 1000; ++i) {
        input += "message " + std::to_string(i) + "\n";
    }
    const Finished finished = run_client(customer_args(server, "eager"), input);
    CHECK(count_lines_starting(finished.out, "ok message received") == 1000);
    CHECK(has_line(finished.out,
                   "error SERVER_FULL too many messages while you wait; wait for an agent "
                   "before sending more"));
    CHECK(exit_code(finished) == 0);
}

TEST_CASE("exit code 0: the end of a script's input, once every reply is in", "[client][exit]") {
    Server server = start_server();
    const Finished finished =
        run_client(customer_args(server, "ana"), "one\ntwo\nthree");  // no last LF
    INFO(finished.out << finished.err);
    CHECK(count_lines_starting(finished.out, "ok message received") == 3);
    CHECK(has_line(finished.out, "queued 1"));
    CHECK(exit_code(finished) == 0);
}

TEST_CASE("exit code 1: a refused registration ends a script", "[client][exit]") {
    Server server = start_server({"--max-clients", "2"});
    auto holder = ServerProcess::start_client(customer_args(server, "ana"));
    REQUIRE(prints(*holder, "ok welcome ana"));

    const Finished taken = run_client(customer_args(server, "ANA"), "hello\n");
    CHECK(has_line(taken.out, "error NAME_TAKEN that name is in use, pick another"));
    CHECK(count_lines_starting(taken.out, "ok") == 0);
    CHECK(exit_code(taken) == 1);

    const Finished bad_name = run_client(customer_args(server, "no spaces!"), "hello\n");
    CHECK(count_lines_starting(bad_name.out, "error BAD_ARGS") +
              count_lines_starting(bad_name.out, "error BAD_NAME") ==
          1);
    CHECK(exit_code(bad_name) == 1);
    const Finished bad_name_2 = run_client(customer_args(server, "-dash"), "hello\n");
    CHECK(count_lines_starting(bad_name_2.out, "error BAD_NAME that name is not allowed") == 1);
    CHECK(exit_code(bad_name_2) == 1);

    auto wrong_key = agent_args(server, "sam");
    wrong_key.back() = "not-the-key";
    const Finished refused = run_client(wrong_key, "/list\n");
    CHECK(has_line(refused.out, "error AUTH_FAILED wrong agent key"));
    CHECK(exit_code(refused) == 1);

    Client filler = Client::connect(static_cast<std::uint16_t>(std::stoi(server.port)));
    REQUIRE(filler.connected());
    REQUIRE(filler.send("PING\n"));
    REQUIRE(filler.line() == "+OK PONG");  // now two connections: the server is full
    const Finished full = run_client(customer_args(server, "late"), "hello\n");
    CHECK(has_line(full.out, "error SERVER_FULL the server is full, try again later"));
    CHECK(exit_code(full) == 1);
    holder->close_stdin();
}

TEST_CASE("exit code 1: the server closing the connection", "[client][exit]") {
    Server server = start_server();
    auto customer = ServerProcess::start_client(customer_args(server, "ana"));
    REQUIRE(prints(*customer, "ok welcome ana"));
    server.process->send_signal(SIGTERM);
    REQUIRE(customer->wait_exit());
    CHECK(has_line(customer->out(), "closed server shutting down"));
    Finished finished;
    finished.status = customer->wait_exit();
    CHECK(exit_code(finished) == 1);
}

TEST_CASE("exit code 2: bad usage, before anything connects", "[client][exit][usage]") {
    const std::vector<std::vector<std::string>> mistakes = {
        {"--frob"},
        {"--port"},
        {"--port", "http"},
        {"--port", "70000"},
        {"--role", "boss", "--name", "x"},
        {"one", "two", "--name", "x"},
        {"[::1", "--name", "x"},
        {"127.0.0.1"},                         // stdin is a pipe: --name is needed
        {"--name", "sam", "--role", "agent"},  // ... and an agent's key
    };
    for (const auto& arguments : mistakes) {
        const Finished finished = run_client(arguments, "");
        INFO(arguments.front() << ": " << finished.err);
        CHECK(exit_code(finished) == 2);
        CHECK(contains(finished.err, "telechat-client: "));
        CHECK(finished.out.empty());
    }
}

TEST_CASE("exit code 3: nothing listens where the client connects", "[client][exit]") {
    const Finished finished =
        run_client({"127.0.0.1:" + unused_port(), "--name", "ana"}, "hello\n");
    CHECK(exit_code(finished) == 3);
    CHECK(contains(finished.err, "cannot connect to 127.0.0.1 port "));
}

TEST_CASE("help documents the options, the agent key's sources and the exit codes",
          "[client][usage]") {
    const Finished finished = run_client({"--help"}, "");
    CHECK(exit_code(finished) == 0);
    for (const char* part :
         {"--port", "--name", "--role", "--key", "TELECHAT_AGENT_KEY", "/msg", "/m ", "/list",
          "/hist", "/end", "/quit", "/wait", "Exit codes: 0", "3 cannot"}) {
        INFO(part);
        CHECK(contains(finished.out, part));
    }
}

TEST_CASE("the agent key from TELECHAT_AGENT_KEY, and a --key hidden from the process list",
          "[client][key]") {
    Server server = start_server();
    const Finished from_environment = run_client(
        {"127.0.0.1:" + server.port, "--name", "envy", "--role", "agent"}, "/quit\n", key);
    CHECK(has_line(from_environment.out, "ok welcome envy"));
    CHECK(exit_code(from_environment) == 0);

    auto agent = ServerProcess::start_client(agent_args(server, "sam"));
    REQUIRE(prints(*agent, "ok welcome sam"));
    std::ifstream cmdline("/proc/" + std::to_string(agent->pid()) + "/cmdline");
    std::stringstream arguments;
    arguments << cmdline.rdbuf();
    CHECK(contains(arguments.str(), "--key"));
    CHECK_FALSE(contains(arguments.str(), key));
    agent->close_stdin();
    CHECK(agent->wait_exit());
}

TEST_CASE("HOST may carry the port, IPv6 in brackets", "[client][usage]") {
    Server server = start_server({"--bind", "::1"});
    const Finished finished = run_client({"[::1]:" + server.port, "--name", "six"}, "/quit\n");
    INFO(finished.err);
    CHECK(has_line(finished.out, "ok welcome six"));
    CHECK(exit_code(finished) == 0);
}

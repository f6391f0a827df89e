// telechat-client in a real pseudo-terminal: tmux runs a shell, the test
// types into it and reads the screen back. It checks the prompts for what
// the command line left out (the key without echo), that a message arriving
// while a line is half typed leaves that line and its cursor intact, the
// editor's keys (arrows, Home/End, Up, Tab), that Ctrl-C gives the
// terminal back exactly as it was, the message lines (`HH:MM from → to:
// text`, the acknowledgement as a mark), colour and NO_COLOR, and the
// endings and refusals said in words, with their exit codes.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "support.hpp"

using namespace apps_test;

namespace {

constexpr const char* key = "Secret-Terminal-Key-9";

std::string shell_quoted(const std::string& text) {
    std::string quoted = "'";
    for (const char c : text) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

// Output of a shell command.
std::string run(const std::string& command) {
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return output;
    }
    char buffer[4096];
    for (std::size_t got = 0; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
        output.append(buffer, got);
    }
    ::pclose(pipe);
    return output;
}

// Whether some line of `screen` is `HH:MM ` followed by `message`.
bool shows_message_line(const std::string& screen, const std::string& message) {
    const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    for (const std::string& line : split_lines(screen)) {
        if (line.size() > 6 && is_digit(line[0]) && is_digit(line[1]) && line[2] == ':' &&
            is_digit(line[3]) && is_digit(line[4]) && line[5] == ' ' &&
            line.compare(6, message.size(), message) == 0) {
            return true;
        }
    }
    return false;
}

// A tmux server of our own (its own socket), running one shell in an 100x30
// window; killed, with everything in it, when the test ends. The client's
// history file goes to `state_directory`, not the user's. `name` tells apart
// the terminals of one test.
class Tmux {
public:
    explicit Tmux(const std::string& state_directory, const std::string& name = "main")
        : m_socket("telechat-test-" + std::to_string(::getpid()) + "-" + name) {
        const std::string shell =
            "env -u TELECHAT_AGENT_KEY XDG_STATE_HOME=" + shell_quoted(state_directory) +
            " PS1='$ ' bash --norc --noprofile";
        const std::string started = run(tmux() + " new-session -d -s main -x 100 -y 30 " +
                                        shell_quoted(shell) + " 2>&1 && echo started");
        if (!contains(started, "started")) {
            FAIL("tmux could not start (is Debian's tmux installed?): " << started);
        }
    }
    Tmux(const Tmux&) = delete;
    Tmux& operator=(const Tmux&) = delete;
    ~Tmux() { run(tmux() + " kill-server 2>/dev/null"); }

    // Types `text` literally.
    void type(const std::string& text) {
        run(tmux() + " send-keys -t main -l " + shell_quoted(text));
    }
    // Presses a key by its tmux name: Enter, C-c, ...
    void press(const std::string& key_name) { run(tmux() + " send-keys -t main " + key_name); }

    [[nodiscard]] std::string screen() const { return run(tmux() + " capture-pane -p -t main"); }

    // The screen with its colours and attributes as escape sequences.
    [[nodiscard]] std::string screen_with_escapes() const {
        return run(tmux() + " capture-pane -p -e -t main");
    }

    // Whether the screen shows a message line `HH:MM <message>` within the timeout.
    bool shows_message(const std::string& message, Milliseconds timeout = 10000ms) const {
        if (eventually([&] { return shows_message_line(screen(), message); }, timeout)) {
            return true;
        }
        UNSCOPED_INFO("waited for \"HH:MM " << message << "\" on this screen:\n" << screen());
        return false;
    }

    // The cursor's column, 0 = the first.
    [[nodiscard]] std::string cursor_column() const {
        const std::string column = run(tmux() + " display-message -p -t main '#{cursor_x}'");
        return column.substr(0, column.find('\n'));
    }

    // The last line of the screen that is not empty.
    [[nodiscard]] std::string last_line() const {
        const auto lines = split_lines(screen());
        for (auto line = lines.rbegin(); line != lines.rend(); ++line) {
            if (line->find_first_not_of(' ') != std::string::npos) {
                return line->substr(0, line->find_last_not_of(' ') + 1);
            }
        }
        return {};
    }

    // Whether the screen shows `part` within the timeout; if not, the
    // screen goes into the test's failure message.
    bool shows(const std::string& part, Milliseconds timeout = 10000ms) const {
        if (eventually([&] { return contains(screen(), part); }, timeout)) {
            return true;
        }
        UNSCOPED_INFO("waited for \"" << part << "\" on this screen:\n" << screen());
        return false;
    }

    bool last_line_is(const std::string& expected, Milliseconds timeout = 10000ms) const {
        if (eventually([&] { return last_line() == expected; }, timeout)) {
            return true;
        }
        UNSCOPED_INFO("waited for the last line \"" << expected << "\" on this screen:\n"
                                                    << screen());
        return false;
    }

private:
    // -u: UTF-8 whatever the locale of the machine running the tests.
    [[nodiscard]] std::string tmux() const { return "tmux -u -L " + m_socket; }

    std::string m_socket;
};

}  // namespace

TEST_CASE(
    "in a terminal: prompts, a hidden key, pushes that keep the half-typed line, Ctrl-C restores",
    "[client][terminal]") {
    auto server = ServerProcess::start({"--bind", "127.0.0.1", "--port", "0", "--agent-key", key});
    const std::string port = std::to_string(server->wait_listening());
    REQUIRE(port != "0");
    auto ana = ServerProcess::start_client({"127.0.0.1", "--port", port, "--name", "ana"});
    REQUIRE(ana->wait_stdout_line("ok welcome ana"));

    char directory_template[] = "/tmp/telechat-terminal-XXXXXX";
    REQUIRE(::mkdtemp(directory_template) != nullptr);
    const std::string settings_file = std::string(directory_template) + "/stty";

    Tmux terminal(directory_template);
    REQUIRE(terminal.shows("$"));
    terminal.type("stty -g > " + settings_file + "; " + client_path + " --port " + port);
    terminal.press("Enter");

    REQUIRE(terminal.shows("server address [127.0.0.1]:"));
    terminal.press("Enter");
    REQUIRE(terminal.shows("your name:"));
    terminal.type("ana");  // taken: asked again once the server says so
    terminal.press("Enter");
    REQUIRE(terminal.shows("customer or agent? [customer]:"));
    terminal.type("boss");
    terminal.press("Enter");
    REQUIRE(terminal.shows("please answer customer or agent"));
    terminal.type("agent");
    terminal.press("Enter");
    REQUIRE(terminal.shows("agent key (not shown):"));
    terminal.type(key);
    terminal.press("Enter");
    REQUIRE(terminal.shows("[error] that name is in use, pick another"));
    CHECK_FALSE(contains(terminal.screen(), key));  // never echoed
    REQUIRE(terminal.last_line_is("your name:"));
    terminal.type("sam");
    terminal.press("Enter");
    REQUIRE(terminal.shows("[ok] welcome sam"));
    REQUIRE(terminal.shows("[assigned] new customer: ana"));
    REQUIRE(terminal.last_line_is("sam → ana · nobody waiting>"));

    terminal.type("half typed");
    REQUIRE(terminal.last_line_is("sam → ana · nobody waiting> half typed"));
    ana->write_stdin("hello from ana\n");
    REQUIRE(terminal.shows_message("ana → sam: hello from ana"));
    CHECK(terminal.last_line_is("sam → ana · nobody waiting> half typed"));

    terminal.type(" line");
    terminal.press("Enter");
    REQUIRE(ana->wait_stdout_line("msg sam half typed line"));
    REQUIRE(terminal.shows_message("sam → ana: half typed line ✓"));
    CHECK_FALSE(contains(terminal.screen(), "message received"));  // a mark, not a line
    CHECK(terminal.last_line_is("sam → ana · nobody waiting>"));

    // Left and an insertion mid-line; Home and End.
    terminal.type("helo world");
    for (int i = 0; i < 7; ++i) {
        terminal.press("Left");
    }
    terminal.type("l");
    REQUIRE(terminal.last_line_is("sam → ana · nobody waiting> hello world"));
    terminal.press("Home");
    terminal.type("[");
    terminal.press("End");
    terminal.type("]");
    REQUIRE(terminal.last_line_is("sam → ana · nobody waiting> [hello world]"));
    terminal.press("Enter");
    REQUIRE(ana->wait_stdout_line("msg sam [hello world]"));

    // Up recalls the last line sent; Ctrl-U clears it again.
    terminal.press("Up");
    REQUIRE(terminal.last_line_is("sam → ana · nobody waiting> [hello world]"));
    terminal.press("C-u");
    REQUIRE(terminal.last_line_is("sam → ana · nobody waiting>"));

    // A push while the cursor is mid-line keeps the line and the cursor.
    terminal.type("abcdef");
    for (int i = 0; i < 3; ++i) {
        terminal.press("Left");
    }
    // "sam → ana · nobody waiting> " takes 28 columns (the arrow and the dot one each).
    REQUIRE(eventually([&] { return terminal.cursor_column() == "31"; }));
    ana->write_stdin("ping from ana\n");
    REQUIRE(terminal.shows_message("ana → sam: ping from ana"));
    CHECK(terminal.last_line_is("sam → ana · nobody waiting> abcdef"));
    CHECK(terminal.cursor_column() == "31");
    terminal.type("X");
    REQUIRE(terminal.last_line_is("sam → ana · nobody waiting> abcXdef"));
    terminal.press("C-u");
    terminal.press("C-k");

    // Tab completes a slash command, then a customer's name.
    terminal.type("/ms");
    terminal.press("Tab");
    terminal.type("a");
    terminal.press("Tab");
    terminal.type("done");
    REQUIRE(terminal.last_line_is("sam → ana · nobody waiting> /msg ana done"));
    terminal.press("Enter");
    REQUIRE(ana->wait_stdout_line("msg sam done"));
    CHECK(terminal.last_line_is("sam → ana · nobody waiting>"));

    terminal.press("C-c");
    REQUIRE(terminal.last_line_is("$"));
    terminal.type("stty -g | cmp -s - " + settings_file + " && echo TERMINAL-RESTORED");
    terminal.press("Enter");
    CHECK(terminal.shows("\nTERMINAL-RESTORED"));

    ana->close_stdin();
    CHECK(ana->wait_exit());
    const std::string history_file = std::string(directory_template) + "/telechat/history";
    const std::string history = run("cat " + shell_quoted(history_file));
    CHECK(contains(history, "[hello world]\n"));  // kept for the next session
    CHECK_FALSE(contains(history, key));
    std::remove(history_file.c_str());
    ::rmdir((std::string(directory_template) + "/telechat").c_str());
    std::remove(settings_file.c_str());
    ::rmdir(directory_template);
}

namespace {

// A directory of its own for a test's terminals (their history files),
// removed with what is in it when the test ends.
class ScratchDirectory {
public:
    ScratchDirectory() {
        if (::mkdtemp(m_path.data()) == nullptr) {
            FAIL("mkdtemp failed");
        }
    }
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;
    ~ScratchDirectory() { run("rm -rf " + shell_quoted(m_path)); }

    [[nodiscard]] const std::string& path() const { return m_path; }

private:
    std::string m_path = "/tmp/telechat-terminal-XXXXXX";
};

// The client's command line at the shell, followed by its exit status in words.
std::string client_then_status(const std::string& arguments) {
    return std::string(client_path) + " " + arguments + "; echo \"exit status $?\"";
}

}  // namespace

TEST_CASE("in a terminal: who said what, the ack as a mark, colour, and endings in words",
          "[client][terminal]") {
    auto server = ServerProcess::start({"--bind", "127.0.0.1", "--port", "0", "--agent-key", key});
    const std::string port = std::to_string(server->wait_listening());
    REQUIRE(port != "0");
    ScratchDirectory directory;
    Tmux customer(directory.path(), "customer");
    Tmux agent(directory.path(), "agent");
    REQUIRE(customer.shows("$"));
    REQUIRE(agent.shows("$"));

    // A name with a space is asked again, like any other refused name.
    customer.type(client_then_status("--port " + port));
    customer.press("Enter");
    REQUIRE(customer.shows("server address [127.0.0.1]:"));
    customer.press("Enter");
    REQUIRE(customer.shows("your name:"));
    customer.type("ana maria");
    customer.press("Enter");
    REQUIRE(customer.shows("customer or agent? [customer]:"));
    customer.press("Enter");
    REQUIRE(customer.shows("[error] that name is not allowed: use one word"));
    REQUIRE(customer.last_line_is("your name:"));
    customer.type("ana");
    customer.press("Enter");
    REQUIRE(customer.shows("[queue] you are number 1 in the waiting line"));
    customer.type("anyone there?");  // kept by the server for the agent to come
    customer.press("Enter");
    REQUIRE(customer.shows_message("ana → your agent: anyone there? ✓"));

    // --name given: the address is the default, not asked (as in the README).
    const std::string agent_line =
        "NO_COLOR=1 TELECHAT_AGENT_KEY=" + std::string(key) + " " +
        client_then_status("--port " + port + " --name sam --role agent");
    agent.type(agent_line);
    agent.press("Enter");
    REQUIRE(agent.shows("[assigned] new customer: ana"));
    CHECK_FALSE(contains(agent.screen(), "server address"));
    REQUIRE(customer.shows("[assigned] sam is your agent"));
    REQUIRE(agent.shows_message("ana → sam: anyone there?"));

    customer.type("hello sam");
    customer.press("Enter");
    REQUIRE(customer.shows_message("ana → sam: hello sam ✓"));
    REQUIRE(agent.shows_message("ana → sam: hello sam"));
    agent.type("hi ana, how can I help?");
    agent.press("Enter");
    REQUIRE(agent.shows_message("sam → ana: hi ana, how can I help? ✓"));
    REQUIRE(customer.shows_message("sam → ana: hi ana, how can I help?"));
    CHECK_FALSE(contains(customer.screen(), "message received"));
    CHECK_FALSE(contains(agent.screen(), "message received"));
    CHECK_FALSE(contains(agent.screen(), "> hi ana"));  // the message line replaces the echo
    agent.type("/msg bob are you there?");              // refused: the mark, then the reason
    agent.press("Enter");
    REQUIRE(agent.shows_message("sam → bob: are you there? ✗"));
    REQUIRE(agent.shows("[error] nobody called bob is connected"));
    // Colour in the customer's terminal; none at all under NO_COLOR.
    CHECK(contains(customer.screen_with_escapes(), "\x1b["));
    CHECK_FALSE(contains(agent.screen_with_escapes(), "\x1b["));

    // The agent leaves: its customer hears it, and where it stands.
    agent.type("/quit");
    agent.press("Enter");
    REQUIRE(agent.shows("exit status 0"));
    REQUIRE(customer.shows("[queue] your agent sam left; you are back in line, number 1"));

    // Back, the agent ends the conversation: both are told whose, in words.
    agent.press("C-l");
    agent.type(agent_line);
    agent.press("Enter");
    REQUIRE(agent.shows("[assigned] new customer: ana"));
    REQUIRE(agent.last_line_is("sam → ana · nobody waiting>"));
    agent.type("/end ana");
    agent.press("Enter");
    REQUIRE(agent.shows("[ok] your conversation with ana has ended; nobody is waiting"));
    REQUIRE(customer.shows("[closed] sam ended the conversation"));
    REQUIRE(customer.shows("exit status 0"));  // a normal end
    agent.type("/quit");
    agent.press("Enter");
    REQUIRE(agent.shows("exit status 0"));
}

TEST_CASE("in a terminal: three wrong keys end the client with the server's reason, in words",
          "[client][terminal]") {
    auto server = ServerProcess::start({"--bind", "127.0.0.1", "--port", "0", "--agent-key", key});
    const std::string port = std::to_string(server->wait_listening());
    REQUIRE(port != "0");
    ScratchDirectory directory;
    Tmux terminal(directory.path());
    REQUIRE(terminal.shows("$"));
    terminal.type(client_then_status("--port " + port + " --name sam --role agent"));
    terminal.press("Enter");
    for (int attempt = 1; attempt <= 3; ++attempt) {
        REQUIRE(terminal.last_line_is("agent key (not shown):"));
        terminal.type("wrong-key-" + std::to_string(attempt));
        terminal.press("Enter");
        if (attempt < 3) {
            REQUIRE(eventually([&] {
                return count_lines_starting(terminal.screen(), "[error] wrong agent key") ==
                       static_cast<std::size_t>(attempt);
            }));
        }
    }
    REQUIRE(terminal.shows("[closed] the server closed the connection after three wrong keys"));
    REQUIRE(terminal.shows("exit status 1"));
    CHECK(terminal.last_line_is("$"));  // the shell's prompt: nothing asks for a key any more
    CHECK_FALSE(contains(terminal.screen(), "wrong-key"));  // never echoed
}

TEST_CASE(
    "in a terminal: an agent sees its customers and the line, switches, and hears who is next",
    "[client][terminal]") {
    auto server = ServerProcess::start(
        {"--bind", "127.0.0.1", "--port", "0", "--agent-key", key, "--agent-capacity", "2"});
    const std::string port = std::to_string(server->wait_listening());
    REQUIRE(port != "0");
    ScratchDirectory directory;
    Tmux agent(directory.path());
    REQUIRE(agent.shows("$"));
    agent.type("NO_COLOR=1 TELECHAT_AGENT_KEY=" + std::string(key) + " " +
               client_then_status("--port " + port + " --name sam --role agent"));
    agent.press("Enter");
    REQUIRE(agent.last_line_is("sam · nobody waiting>"));

    const auto customer = [&](const std::string& name) {
        auto client = ServerProcess::start_client({"127.0.0.1", "--port", port, "--name", name});
        REQUIRE(client->wait_stdout_line("ok welcome " + name));
        return client;
    };
    auto ana = customer("ana");
    REQUIRE(agent.shows("[assigned] new customer: ana"));
    auto bob = customer("bob");
    // The first customer stays the one plain lines go to; the second is listed.
    REQUIRE(agent.last_line_is("sam → ana [bob] · nobody waiting>"));

    // 3MCP tells an agent nothing when someone joins the line: its client asks.
    auto eve = customer("eve");
    REQUIRE(eve->wait_stdout_line("queued 1"));
    REQUIRE(agent.last_line_is("sam → ana [bob] · 1 waiting>", 15000ms));

    agent.type("to ana");
    agent.press("Enter");
    REQUIRE(ana->wait_stdout_line("msg sam to ana"));
    agent.press("Tab");  // on an empty line: the next customer
    REQUIRE(agent.last_line_is("sam → bob [ana] · 1 waiting>"));
    agent.type("to bob");
    agent.press("Enter");
    REQUIRE(bob->wait_stdout_line("msg sam to bob"));
    agent.type("/switch ANA");
    agent.press("Enter");
    REQUIRE(agent.shows("-- your lines now go to ana"));
    REQUIRE(agent.last_line_is("sam → ana [bob] · 1 waiting>"));
    agent.type("/switch zed");
    agent.press("Enter");
    REQUIRE(agent.shows("[error] zed is not one of your customers (ana, bob)"));

    // Wide characters take two columns each, for the cursor too.
    agent.type("日本語 ok");
    REQUIRE(agent.last_line_is("sam → ana [bob] · 1 waiting> 日本語 ok"));
    REQUIRE(eventually([&] { return agent.cursor_column() == "38"; }));  // 29 + 6 + 3
    for (int i = 0; i < 3; ++i) {
        agent.press("Left");
    }
    REQUIRE(eventually([&] { return agent.cursor_column() == "35"; }));
    agent.press("Enter");
    REQUIRE(ana->wait_stdout_line("msg sam 日本語 ok"));

    // Ending a conversation says whose, where the lines go now, and who comes next.
    agent.type("/end ana");
    agent.press("Enter");
    REQUIRE(
        agent.shows("[ok] your conversation with ana has ended; your lines go to bob now; "
                    "the first in line comes to you"));
    REQUIRE(agent.shows("[assigned] new customer: eve"));
    REQUIRE(agent.last_line_is("sam → bob [eve] · nobody waiting>", 15000ms));
    agent.type("/quit");
    agent.press("Enter");
    REQUIRE(agent.shows("exit status 0"));
    for (auto* client : {ana.get(), bob.get(), eve.get()}) {
        client->close_stdin();
        CHECK(client->wait_exit());
    }
}

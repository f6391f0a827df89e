// telechat-demo: a support conversation from start to end, over real TCP.
//
// It starts a TeleChat server on a free loopback port (in this process, on
// its own thread), connects an agent and two customers to it as three
// ordinary TCP clients, plays a short scene, and prints every line each of
// them sends and receives. It exits 0 when the scene went as 3MCP says it
// must, and 1 (naming the line it waited for) when it did not.
#include <telechat/server/server.hpp>
#include <telechat/server/threading/policies.hpp>

// The system's calls (sockets, the terminal), in one small file per system.
#if defined(_WIN32)
#include "socket_windows.hpp"
#else
#include "socket_posix.hpp"
#endif

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;

const Clock::time_point demo_start = Clock::now();

// A pause before each step, so that a person can follow; --pace 0 for tests.
std::chrono::milliseconds pace{700};

// Decided once: whether stdout is a terminal does not change during the demo.
const bool use_colour = demo::stdout_takes_colour() && std::getenv("NO_COLOR") == nullptr;

std::string elapsed() {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - demo_start).count();
    char text[16];
    std::snprintf(text, sizeof text, "%5.2fs", static_cast<double>(ms) / 1000.0);
    return text;
}

void narrate(std::string_view text) {
    std::this_thread::sleep_for(pace);
    std::printf("\n%s%.*s%s\n", use_colour ? "\x1b[1m" : "", static_cast<int>(text.size()),
                text.data(), use_colour ? "\x1b[0m" : "");
}

// One participant: a TCP connection to the server, and the transcript of
// everything it sends (>>) and receives (<<).
class Participant {
public:
    Participant(std::string name, std::uint16_t port) : m_name(std::move(name)), m_socket(port) {
        if (!m_socket.ok()) {
            throw std::runtime_error(m_name +
                                     " cannot connect to 127.0.0.1:" + std::to_string(port));
        }
    }
    Participant(const Participant&) = delete;
    Participant& operator=(const Participant&) = delete;

    // Sends one line; `shown` replaces it in the transcript (to hide the key).
    void say(const std::string& line, std::string_view shown = {}) {
        show(">>", shown.empty() ? line : shown);
        const std::string bytes = line + "\r\n";
        if (!m_socket.send_all(bytes)) {
            throw std::runtime_error(m_name + " could not send");
        }
    }

    // Receives lines until one starts with `expected`; every line is shown.
    // Gives up after five seconds: then the demo failed.
    void hear(std::string_view expected) {
        for (;;) {
            const std::string line = next_line(expected);
            show("<<", line);
            if (line.starts_with(expected)) {
                return;
            }
        }
    }

private:
    std::string next_line(std::string_view expected) {
        const auto deadline = Clock::now() + std::chrono::seconds(5);
        for (;;) {
            if (const std::size_t end = m_buffer.find("\r\n"); end != std::string::npos) {
                std::string line = m_buffer.substr(0, end);
                m_buffer.erase(0, end + 2);
                return line;
            }
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            char chunk[4096];
            const std::size_t got =
                m_socket.receive(chunk, sizeof chunk, static_cast<int>(left.count()));
            if (got == 0) {
                throw std::runtime_error(m_name + " never received \"" + std::string(expected) +
                                         "\"");
            }
            m_buffer.append(chunk, got);
        }
    }

    void show(std::string_view direction, std::string_view line) const {
        const bool colour = use_colour;
        const char* tint = direction == ">>" ? "\x1b[36m" : "\x1b[33m";
        std::printf("  %s  %-6s %s%.*s %.*s%s\n", elapsed().c_str(), m_name.c_str(),
                    colour ? tint : "", static_cast<int>(direction.size()), direction.data(),
                    static_cast<int>(line.size()), line.data(), colour ? "\x1b[0m" : "");
        std::fflush(stdout);
    }

    std::string m_name;
    demo::Socket m_socket;
    std::string m_buffer;
};

void play_the_scene(std::uint16_t port) {
    narrate(
        "An agent, sam, logs in with the agent key. Each agent serves one customer at a time "
        "here.");
    Participant sam("sam", port);
    sam.say("CONNECT AGENT sam demo-key", "CONNECT AGENT sam ********");
    sam.hear("+OK welcome sam");

    narrate("A customer, ana, connects: sam is free, so she is assigned at once.");
    Participant ana("ana", port);
    ana.say("CONNECT CUSTOMER ana");
    ana.hear("ASSIGNED sam");
    sam.hear("ASSIGNED ana");

    narrate(
        "A second customer, bruno, connects while sam is busy: he waits in line and is told his "
        "place.");
    Participant bruno("bruno", port);
    bruno.say("CONNECT CUSTOMER bruno");
    bruno.hear("QUEUED 1");
    bruno.say("MSG hello? my card was charged twice");
    bruno.hear("+OK message received");

    narrate(
        "ana and sam chat; every message is acknowledged to its sender and relayed to the other.");
    ana.say("MSG hi, my order 1234 has not arrived");
    ana.hear("+OK message received");
    sam.hear("MSG ana hi, my order 1234 has not arrived");
    sam.say("MSG ana sorry about that, let me look it up");
    sam.hear("+OK message received");
    ana.hear("MSG sam sorry about that, let me look it up");
    sam.say("MSG ana it left the warehouse today: tracking number TC-88");
    sam.hear("+OK message received");
    ana.hear("MSG sam it left the warehouse today");
    ana.say("MSG great, thanks!");
    ana.hear("+OK message received");
    sam.hear("MSG ana great, thanks!");

    narrate("sam lists who is connected, and reads ana's history (unix-ms, from, to, text).");
    sam.say("LIST");
    sam.hear(".");
    sam.say("HIST ana 3");
    sam.hear(".");

    narrate(
        "sam ends the conversation with ana: she is told and disconnected, and bruno, first in "
        "line, "
        "is assigned to sam, with the message he left while waiting.");
    sam.say("END ana");
    sam.hear("+OK");
    ana.hear("QUIT conversation ended by sam");
    sam.hear("ASSIGNED bruno");
    sam.hear("MSG bruno hello? my card was charged twice");
    bruno.hear("ASSIGNED sam");

    narrate("sam helps bruno; bruno says goodbye and leaves, and sam is told.");
    sam.say("MSG bruno I see two charges: the second one is refunded now");
    sam.hear("+OK message received");
    bruno.hear("MSG sam I see two charges");
    bruno.say("QUIT");
    bruno.hear("+OK bye");
    sam.hear("LEFT bruno");

    narrate("sam's shift is over.");
    sam.say("QUIT");
    sam.hear("+OK bye");
}

}  // namespace

static int run_demo(int argc, char** argv) {
    using namespace telechat::server;
    const std::string_view usage =
        "usage: telechat-demo [--pace SECONDS]  (default 0.7; 0 runs at full speed)\n";
    if (argc == 3 && std::string_view(argv[1]) == "--pace") {
        char* end = nullptr;
        const double seconds = std::strtod(argv[2], &end);
        if (*end != '\0' || !(seconds >= 0 && seconds <= 10)) {
            std::fputs(usage.data(), stderr);
            return 2;
        }
        pace = std::chrono::milliseconds(static_cast<long>(seconds * 1000));
    } else if (argc != 1) {
        std::fputs(usage.data(),
                   argc == 2 && std::string_view(argv[1]) == "--help" ? stdout : stderr);
        return argc == 2 && std::string_view(argv[1]) == "--help" ? 0 : 2;
    }
    ServerOptions options;
    options.endpoint = {"127.0.0.1", 0};
    options.desk.agent_key = "demo-key";
    options.desk.agent_capacity = 1;
    Server<demo::Backend, SingleReactor> server(demo::Backend{}, options);
    try {
        server.listen();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "telechat-demo: cannot listen on loopback: %s\n", error.what());
        return 1;
    }
    std::printf(
        "TeleChat demo: a 3MCP server is listening on 127.0.0.1:%u; three clients connect to it.\n"
        "Each line shows the time, who, and what they sent (>>) or received (<<).\n",
        static_cast<unsigned>(server.port()));
    std::thread serving([&] { server.run(); });
    int status = 0;
    try {
        play_the_scene(server.port());
        std::printf("\nThe demo went as 3MCP says it must.\n");
    } catch (const std::exception& error) {
        std::fprintf(stderr, "\ntelechat-demo: FAILED: %s\n", error.what());
        status = 1;
    }
    server.stop();
    serving.join();
    return status;
}

int main(int argc, char** argv) {
    try {
        return run_demo(argc, argv);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "telechat-demo: %s\n", error.what());
        return 1;
    }
}

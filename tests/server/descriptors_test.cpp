// TCP ONLY: running out of file descriptors on accept (EMFILE).
//
// The server runs in a child process (fork) that lowers its own soft
// RLIMIT_NOFILE and fills every free descriptor with /dev/null, so its
// accept() fails with EMFILE; the test process keeps its descriptors, so the
// clients and Catch (and the sanitizers' runtimes, which need descriptors to
// report) are unaffected. The test drives the child over two pipes: exhaust,
// release N, cpu, stop. The in-memory backend has no descriptors, so the test
// runs for the TCP fixtures only.
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

using namespace server_test;
using telechat::server::PosixBackend;

namespace {

double cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// ----- the child: a server, and the descriptors it may not have ------------------------

/// Lowers the soft descriptor limit and takes every descriptor left under it.
class Ballast {
public:
    Ballast() { ::getrlimit(RLIMIT_NOFILE, &m_saved); }
    Ballast(const Ballast&) = delete;
    Ballast& operator=(const Ballast&) = delete;
    ~Ballast() { restore(); }

    // Returns whether the process is out of descriptors afterwards.
    bool exhaust() {
        int highest = 0;
        for (int fd = 0; fd < 1 << 16 && static_cast<rlim_t>(fd) < m_saved.rlim_cur; ++fd) {
            if (::fcntl(fd, F_GETFD) != -1) {
                highest = fd;
            }
        }
        rlimit lowered = m_saved;
        lowered.rlim_cur = static_cast<rlim_t>(highest) + 1 + 32;
        if (::setrlimit(RLIMIT_NOFILE, &lowered) != 0) {
            return false;
        }
        m_fds.reserve(256);
        for (;;) {
            const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                return errno == EMFILE;
            }
            m_fds.push_back(fd);
        }
    }

    void release(std::size_t count) {
        for (; count > 0 && !m_fds.empty(); --count) {
            ::close(m_fds.back());
            m_fds.pop_back();
        }
    }

    void restore() {
        release(m_fds.size());
        ::setrlimit(RLIMIT_NOFILE, &m_saved);
    }

private:
    rlimit m_saved{};
    std::vector<int> m_fds;
};

bool read_command(int fd, std::string& line) {
    line.clear();
    for (char c = 0;;) {
        const ssize_t count = ::read(fd, &c, 1);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count <= 0) {
            return false;
        }
        if (c == '\n') {
            return true;
        }
        line.push_back(c);
    }
}

void write_reply(int fd, const std::string& text) {
    const std::string line = text + "\n";
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t count = ::write(fd, line.data() + done, line.size() - done);
        if (count <= 0) {
            if (count < 0 && errno == EINTR) {
                continue;
            }
            return;
        }
        done += static_cast<std::size_t>(count);
    }
}

// The child's whole life; no Catch in here. It never returns.
template <class Threading>
[[noreturn]] void serve_in_child(int commands, int replies) {
    int status = 0;
    try {
        std::atomic<int> exhausted_logs{0};
        ServerOptions options;
        options.endpoint = telechat::server::Endpoint{"127.0.0.1", 0};
        options.desk = Setup::default_desk();
        options.loops = 3;
        options.log = [&exhausted_logs](std::string_view line) {
            if (line.find("out of file descriptors") != std::string_view::npos) {
                ++exhausted_logs;
            }
        };
        telechat::server::Server<PosixBackend, Threading> server(PosixBackend{}, options);
        server.listen();
        std::atomic<bool> returned{false};
        std::atomic<bool> threw{false};
        std::thread runner([&] {
            try {
                server.run();
            } catch (...) {
                threw = true;
            }
            returned = true;
        });
        write_reply(replies, "port " + std::to_string(server.port()));
        // UBSan checks the dynamic type of an exception under construction
        // with the help of a pipe, which it cannot have once descriptors are
        // gone; checking the types here first caches the answers.
        try {
            throw std::system_error(EMFILE, std::generic_category(), "warming up");
        } catch (const std::exception& error) {
            static_cast<void>(std::string(error.what()));
        }
        Ballast ballast;
        for (std::string command; read_command(commands, command);) {
            if (command == "exhaust") {
                write_reply(replies, ballast.exhaust() ? "exhausted" : "not exhausted");
            } else if (command.rfind("release ", 0) == 0) {
                ballast.release(std::stoul(command.substr(8)));
                write_reply(replies, "released");
            } else if (command == "restore") {
                ballast.restore();
                write_reply(replies, "restored");
            } else if (command == "cpu") {
                write_reply(replies, std::to_string(cpu_seconds()));
            } else if (command == "running") {
                write_reply(replies, returned ? "no" : "yes");
            } else if (command == "stop") {
                break;
            }
        }
        ballast.restore();
        server.stop();
        runner.join();
        write_reply(replies, std::string(threw ? "threw " : "stopped ") +
                                 std::to_string(exhausted_logs.load()));
    } catch (...) {
        status = 3;
    }
    ::_exit(status);
}

// ----- the test's side -------------------------------------------------------------------

/// A Server<PosixBackend, Threading> in a child process, driven by commands.
template <class Threading>
class ServerProcess {
public:
    ServerProcess() {
        int commands[2];
        int replies[2];
        REQUIRE(::pipe2(commands, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(replies, O_CLOEXEC) == 0);
        std::fflush(nullptr);
        m_pid = ::fork();
        REQUIRE(m_pid >= 0);
        if (m_pid == 0) {
            ::close(commands[1]);
            ::close(replies[0]);
            serve_in_child<Threading>(commands[0], replies[1]);
        }
        ::close(commands[0]);
        ::close(replies[1]);
        m_commands = commands[1];
        m_replies = replies[0];
        const std::string ready = reply();
        REQUIRE(ready.rfind("port ", 0) == 0);
        m_port = static_cast<std::uint16_t>(std::stoul(ready.substr(5)));
        REQUIRE(m_port != 0);
    }
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;
    ~ServerProcess() {
        ::close(m_commands);
        ::close(m_replies);
        if (m_pid > 0) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
    }

    [[nodiscard]] std::uint16_t port() const noexcept { return m_port; }

    /// Sends one command and returns the child's one-line answer.
    std::string command(const std::string& line) {
        const std::string text = line + "\n";
        INFO("command to the server process: " << line);
        REQUIRE(::write(m_commands, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
        return reply();
    }

    /// Stops the server; requires run() to have returned cleanly and the
    /// child to exit 0. Returns how many times it logged running out of descriptors.
    int stop() {
        const std::string last = command("stop");
        INFO("the server process said: " << last);
        REQUIRE(last.rfind("stopped ", 0) == 0);
        const Clock::time_point deadline = Clock::now() + stop_timeout;
        int status = 0;
        for (;;) {
            const pid_t done = ::waitpid(m_pid, &status, WNOHANG);
            REQUIRE(done >= 0);
            if (done == m_pid) {
                break;
            }
            REQUIRE(Clock::now() < deadline);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        m_pid = -1;
        REQUIRE(WIFEXITED(status));
        REQUIRE(WEXITSTATUS(status) == 0);
        return std::stoi(last.substr(8));
    }

private:
    std::string reply() {
        std::string line;
        const Clock::time_point deadline = Clock::now() + read_timeout;
        for (;;) {
            pollfd waiting{m_replies, POLLIN, 0};
            const int ready = ::poll(&waiting, 1, millis_until(deadline));
            REQUIRE(ready == 1);  // else: no answer within the timeout
            char c = 0;
            const ssize_t count = ::read(m_replies, &c, 1);
            INFO("the server process died; so far: " << line);
            REQUIRE(count == 1);
            if (c == '\n') {
                return line;
            }
            line.push_back(c);
        }
    }

    pid_t m_pid = -1;
    int m_commands = -1;
    int m_replies = -1;
    std::uint16_t m_port = 0;
};

}  // namespace

TEMPLATE_TEST_CASE("TCP only: EMFILE on accept neither kills nor spins the server, and it recovers",
                   "[server][robustness][emfile][tcp]", SERVER_TCP_FIXTURES) {
    ServerProcess<typename TestType::ThreadingModel> server;
    const auto connect = [&](const std::string& label) {
        auto client = std::make_unique<TcpClient>(label);
        client->connect(server.port());
        return client;
    };
    auto alive = connect("alive");
    alive->send("CONNECT CUSTOMER alive\r\n");
    alive->expect_lines({"+OK welcome alive", "QUEUED 1"});

    REQUIRE(server.command("exhaust") == "exhausted");
    constexpr std::size_t count = 8;
    std::vector<std::unique_ptr<TcpClient>> waiting;
    for (std::size_t i = 0; i < count; ++i) {
        waiting.push_back(connect("waiting #" + std::to_string(i)));  // the kernel completes it
        waiting.back()->send("PING w" + std::to_string(i) + "\r\n");
    }

    // Out of descriptors: the server stays up, serves who it has, and does
    // not spin on the listener (that would burn a whole core).
    const double cpu_before = std::stod(server.command("cpu"));
    const Clock::time_point wall_before = Clock::now();
    for (int k = 0; k < 4; ++k) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        alive->sync("a" + std::to_string(k));
    }
    const double cpu = std::stod(server.command("cpu")) - cpu_before;
    const double wall = std::chrono::duration<double>(Clock::now() - wall_before).count();
    INFO("the server used " << cpu << " s of CPU in " << wall << " s");
    CHECK(cpu < 0.5 * wall);
    REQUIRE(server.command("running") == "yes");
    for (auto& client : waiting) {
        REQUIRE(client->read_line(std::chrono::milliseconds(0)).kind == Read::Kind::timeout);
    }

    // A few descriptors: some are accepted (the threads model also needs two
    // for the poller of each connection's thread), the rest still wait.
    REQUIRE(server.command("release 4") == "released");
    std::vector<bool> served(count, false);
    std::size_t refusals = 0;
    const auto collect = [&](Millis patience) {
        const Clock::time_point until = Clock::now() + patience;
        std::size_t total = 0;
        for (std::size_t i = 0; i < count; ++i) {
            if (!served[i] && waiting[i]) {
                const Read read = waiting[i]->read_line(Millis(millis_until(until)));
                if (read.kind == Read::Kind::line) {
                    REQUIRE(read.text == "+OK PONG w" + std::to_string(i));
                    served[i] = true;
                } else if (read.kind == Read::Kind::eof) {
                    // Accepted, but no descriptor for its thread's poller: the
                    // threads model closes it at once and backs off, and the
                    // client tries again. The other models need none.
                    REQUIRE(std::is_same_v<typename TestType::ThreadingModel, ThreadPerConnection>);
                    ++refusals;
                    waiting[i] = connect("waiting #" + std::to_string(i) + " again");
                    waiting[i]->send("PING w" + std::to_string(i) + "\r\n");
                }
            }
            total += served[i] ? std::size_t{1} : std::size_t{0};
        }
        return total;
    };
    std::size_t total = collect(std::chrono::milliseconds(1500));
    REQUIRE(total >= 1);
    REQUIRE(total < count);
    alive->sync("some");
    REQUIRE(server.command("running") == "yes");

    // Clients that leave free their descriptors; the waiting ones get in.
    const Clock::time_point deadline = Clock::now() + std::chrono::seconds(20);
    while (total < count) {
        INFO(total << " of " << count << " served");
        REQUIRE(Clock::now() < deadline);
        for (std::size_t i = 0; i < count; ++i) {
            if (served[i] && waiting[i]) {
                waiting[i]->close();
                waiting[i].reset();
            }
        }
        total = collect(std::chrono::milliseconds(300));
    }
    waiting.clear();
    INFO(refusals << " connections were closed for want of a thread and retried");

    // New connections are served, before and after the limit is restored.
    // (The threads model frees a connection's descriptors when it reaps its
    // thread, a moment after it closes; until then it refuses as above.)
    const auto register_customer = [&](const std::string& name) {
        const Clock::time_point until = Clock::now() + std::chrono::seconds(10);
        for (;;) {
            auto client = connect(name);
            client->send("CONNECT CUSTOMER " + name + "\r\n");
            const Read read = client->read_line();
            REQUIRE(read.kind != Read::Kind::timeout);
            if (read.kind == Read::Kind::line) {
                REQUIRE(read.text == "+OK welcome " + name);
                return client;
            }
            REQUIRE(std::is_same_v<typename TestType::ThreadingModel, ThreadPerConnection>);
            REQUIRE(Clock::now() < until);
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    };
    auto fresh = register_customer("fresh");
    fresh->expect_line("QUEUED 2");
    alive->sync("after");
    REQUIRE(server.command("restore") == "restored");
    auto later = register_customer("later");
    later->expect_line("QUEUED 3");
    CHECK(server.stop() >= 1);  // it logged running out
    alive->expect_line("QUIT server shutting down");
    alive->expect_eof();
}

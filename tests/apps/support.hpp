// Test support for the command-line tests of telechat-server: a child
// process with its stdout and stderr captured, and a loopback TCP client.
//
//     auto server = ServerProcess::start({"--bind", "127.0.0.1", "--port", "0"});
//     const std::uint16_t port = server->wait_listening();
//     Client alice = Client::connect(port);
//     alice.send("PING 1\n");
//     CHECK(alice.line() == "+OK PONG 1");
//
// The server is started with posix_spawn, with stdin on /dev/null, a fresh
// signal mask, and an environment without TELECHAT_AGENT_KEY unless the test
// gives one. A reader thread drains both pipes all the time (a server whose
// stderr pipe fills would stall) and keeps everything it read. Every wait has
// a timeout; a server still running when its ServerProcess is destroyed gets
// SIGKILL, and only the PID this file started is ever signalled.
#pragma once

#include <telechat/server/backends/tcp_connect.hpp>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

#ifndef TELECHAT_SERVER_PATH
#error "TELECHAT_SERVER_PATH must name the telechat-server binary"
#endif
#ifndef TELECHAT_CLIENT_PATH
#error "TELECHAT_CLIENT_PATH must name the telechat-client binary"
#endif

namespace apps_test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Milliseconds = std::chrono::milliseconds;

/// The one timeout for "this should happen soon": generous, for a sanitized
/// build on two busy cores.
inline constexpr Milliseconds patience = 5000ms;

inline constexpr const char* server_path = TELECHAT_SERVER_PATH;
inline constexpr const char* client_path = TELECHAT_CLIENT_PATH;

/// The lines of `text`, split at LF, without their line endings (a CR before
/// the LF is removed too); an unfinished last line counts as a line.
inline std::vector<std::string> split_lines(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        lines.emplace_back(line);
        if (end == std::string_view::npos) {
            break;
        }
        text.remove_prefix(end + 1);
    }
    return lines;
}

inline bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

inline bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

/// How many lines of `text` start with `prefix`.
inline std::size_t count_lines_starting(std::string_view text, std::string_view prefix) {
    std::size_t count = 0;
    for (const std::string& line : split_lines(text)) {
        count += starts_with(line, prefix) ? 1U : 0U;
    }
    return count;
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes.
inline bool eventually(const std::function<bool()>& condition, Milliseconds timeout = patience) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (condition()) {
            return true;
        }
        if (Clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(10ms);
    }
}

/// How a child process ended.
struct ExitStatus {
    bool exited = false;    ///< it called exit() (else it was killed by a signal)
    int code = -1;          ///< the exit code, if it exited
    int signal_number = 0;  ///< the signal, if it was killed
};

/// A child process (telechat-server or telechat-client) with its output
/// captured and, for the client, its stdin on a pipe the test writes to.
class ServerProcess {
public:
    /// The environment's TELECHAT_AGENT_KEY: removed when nullopt.
    using EnvironmentKey = std::optional<std::string>;

    /// Starts telechat-server with `arguments`.
    static std::unique_ptr<ServerProcess> start(
        const std::vector<std::string>& arguments,
        const EnvironmentKey& environment_key = std::nullopt) {
        return std::unique_ptr<ServerProcess>(
            new ServerProcess(server_path, arguments, environment_key, false));
    }

    /// Starts telechat-client with `arguments`, its stdin a pipe (so not a terminal).
    static std::unique_ptr<ServerProcess> start_client(
        const std::vector<std::string>& arguments,
        const EnvironmentKey& environment_key = std::nullopt) {
        ::signal(SIGPIPE, SIG_IGN);  // a client that has exited must not kill the test
        return std::unique_ptr<ServerProcess>(
            new ServerProcess(client_path, arguments, environment_key, true));
    }

    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    /// Writes `text` to the child's stdin (a client started with start_client()).
    void write_stdin(std::string_view text) {
        while (!text.empty() && m_in >= 0) {
            const ssize_t written = ::write(m_in, text.data(), text.size());
            if (written < 0 && errno == EINTR) {
                continue;
            }
            if (written <= 0) {
                return;
            }
            text.remove_prefix(static_cast<std::size_t>(written));
        }
    }

    /// Closes the child's stdin: its end of input.
    void close_stdin() {
        if (m_in >= 0) {
            ::close(m_in);
            m_in = -1;
        }
    }

    ~ServerProcess() {
        close_stdin();
        if (!m_status) {
            ::kill(m_pid, SIGKILL);
            int status = 0;
            while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
            }
        }
        m_reader.join();
        ::close(m_out);
        ::close(m_err);
    }

    [[nodiscard]] pid_t pid() const noexcept { return m_pid; }

    /// Everything the server wrote to stdout so far.
    [[nodiscard]] std::string out() const {
        std::lock_guard<std::mutex> guard(m_mutex);
        return m_out_text;
    }

    /// Everything the server wrote to stderr (its log) so far.
    [[nodiscard]] std::string err() const {
        std::lock_guard<std::mutex> guard(m_mutex);
        return m_err_text;
    }

    /// Waits until `condition(stdout, stderr)` holds; false after the timeout
    /// or once both pipes are closed and it still does not hold.
    bool wait_output(const std::function<bool(const std::string&, const std::string&)>& condition,
                     Milliseconds timeout = patience) const {
        std::unique_lock<std::mutex> lock(m_mutex);
        return m_changed.wait_for(lock, timeout, [&] {
            return condition(m_out_text, m_err_text) || (m_out_closed && m_err_closed);
        }) && condition(m_out_text, m_err_text);
    }

    /// Waits for a complete stdout line starting with `prefix`; returns it, or
    /// nullopt after the timeout.
    std::optional<std::string> wait_stdout_line(std::string_view prefix,
                                                Milliseconds timeout = patience) const {
        std::optional<std::string> found;
        wait_output(
            [&](const std::string& out, const std::string&) {
                found = complete_line_starting(out, prefix);
                return found.has_value();
            },
            timeout);
        return found;
    }

    /// Waits for a complete stderr line containing `part`.
    bool wait_log(std::string_view part, Milliseconds timeout = patience) const {
        return wait_output(
            [&](const std::string&, const std::string& err) {
                return complete_line_containing(err, part).has_value();
            },
            timeout);
    }

    /// Waits for the `listening on <addr>:<port>` line and returns the port
    /// (0 if it never came).
    std::uint16_t wait_listening(Milliseconds timeout = patience) {
        const std::optional<std::string> line = wait_stdout_line("listening on ", timeout);
        if (!line) {
            return 0;
        }
        m_listening_line = *line;
        const std::size_t colon = line->rfind(':');
        const unsigned long port = std::stoul(line->substr(colon + 1));
        return static_cast<std::uint16_t>(port);
    }

    /// The `listening on ...` line, once wait_listening() saw it.
    [[nodiscard]] const std::string& listening_line() const noexcept { return m_listening_line; }

    /// Sends `signal_number` to this server (and nothing else).
    void send_signal(int signal_number) {
        if (!m_status) {
            ::kill(m_pid, signal_number);
        }
    }

    /// Waits for the process to end; nullopt if it still runs after the timeout.
    std::optional<ExitStatus> wait_exit(Milliseconds timeout = patience) {
        if (!m_status) {
            eventually(
                [&] {
                    int status = 0;
                    const pid_t done = ::waitpid(m_pid, &status, WNOHANG);
                    if (done == m_pid) {
                        ExitStatus exit;
                        exit.exited = WIFEXITED(status);
                        exit.code = exit.exited ? WEXITSTATUS(status) : -1;
                        exit.signal_number = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
                        m_status = exit;
                    }
                    return m_status.has_value();
                },
                timeout);
        }
        if (m_status) {
            // The pipes close with the process; let the reader take the rest.
            wait_output([](const std::string&, const std::string&) { return false; }, 1000ms);
        }
        return m_status;
    }

    /// How many threads the process runs now (from /proc), 0 if unknown.
    [[nodiscard]] std::size_t thread_count() const {
        const std::string path = "/proc/" + std::to_string(m_pid) + "/task";
        DIR* directory = ::opendir(path.c_str());
        if (directory == nullptr) {
            return 0;
        }
        std::size_t count = 0;
        while (const dirent* entry = ::readdir(directory)) {
            count += entry->d_name[0] != '.' ? 1U : 0U;
        }
        ::closedir(directory);
        return count;
    }

private:
    ServerProcess(const char* program, const std::vector<std::string>& arguments,
                  const EnvironmentKey& environment_key, bool stdin_pipe) {
        int out_pipe[2];
        int err_pipe[2];
        int in_pipe[2] = {-1, -1};
        if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
            (stdin_pipe && ::pipe2(in_pipe, O_CLOEXEC) != 0)) {
            throw std::runtime_error("pipe2 failed");
        }
        std::vector<std::string> argument_strings{program};
        argument_strings.insert(argument_strings.end(), arguments.begin(), arguments.end());
        std::vector<char*> argv;
        for (std::string& argument : argument_strings) {
            argv.push_back(argument.data());
        }
        argv.push_back(nullptr);

        std::vector<std::string> environment_strings;
        for (char** entry = environ; *entry != nullptr; ++entry) {
            if (!starts_with(*entry, "TELECHAT_AGENT_KEY=")) {
                environment_strings.emplace_back(*entry);
            }
        }
        if (environment_key) {
            environment_strings.push_back("TELECHAT_AGENT_KEY=" + *environment_key);
        }
        std::vector<char*> envp;
        for (std::string& entry : environment_strings) {
            envp.push_back(entry.data());
        }
        envp.push_back(nullptr);

        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        if (stdin_pipe) {
            posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        }
        posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
        posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        sigset_t none;
        sigemptyset(&none);
        posix_spawnattr_setsigmask(&attributes, &none);
        sigset_t defaults;
        sigemptyset(&defaults);
        sigaddset(&defaults, SIGINT);
        sigaddset(&defaults, SIGTERM);
        sigaddset(&defaults, SIGPIPE);
        posix_spawnattr_setsigdefault(&attributes, &defaults);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        const int failed =
            ::posix_spawn(&m_pid, program, &actions, &attributes, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
        ::close(out_pipe[1]);
        ::close(err_pipe[1]);
        if (stdin_pipe) {
            ::close(in_pipe[0]);
            m_in = in_pipe[1];
        }
        m_out = out_pipe[0];
        m_err = err_pipe[0];
        if (failed != 0) {
            close_stdin();
            ::close(m_out);
            ::close(m_err);
            throw std::runtime_error(std::string("posix_spawn ") + program + ": " +
                                     std::strerror(failed));
        }
        m_reader = std::thread([this] { read_pipes(); });
    }

    // Drains both pipes until the child closes them.
    void read_pipes() {
        bool out_open = true;
        bool err_open = true;
        char buffer[4096];
        while (out_open || err_open) {
            pollfd fds[2] = {{out_open ? m_out : -1, POLLIN, 0},
                             {err_open ? m_err : -1, POLLIN, 0}};
            if (::poll(fds, 2, 100) < 0) {
                if (errno == EINTR) {
                    continue;
                }
                break;
            }
            for (int i = 0; i < 2; ++i) {
                if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                    continue;
                }
                const ssize_t count = ::read(fds[i].fd, buffer, sizeof buffer);
                if (count < 0 && errno == EINTR) {
                    continue;
                }
                std::lock_guard<std::mutex> guard(m_mutex);
                if (count <= 0) {
                    (i == 0 ? out_open : err_open) = false;
                    (i == 0 ? m_out_closed : m_err_closed) = true;
                } else {
                    (i == 0 ? m_out_text : m_err_text)
                        .append(buffer, static_cast<std::size_t>(count));
                }
                m_changed.notify_all();
            }
        }
        std::lock_guard<std::mutex> guard(m_mutex);
        m_out_closed = true;
        m_err_closed = true;
        m_changed.notify_all();
    }

    static std::optional<std::string> complete_line_starting(std::string_view text,
                                                             std::string_view prefix) {
        const std::size_t end = text.rfind('\n');
        if (end == std::string_view::npos) {
            return std::nullopt;
        }
        for (const std::string& line : split_lines(text.substr(0, end + 1))) {
            if (starts_with(line, prefix)) {
                return line;
            }
        }
        return std::nullopt;
    }

    static std::optional<std::string> complete_line_containing(std::string_view text,
                                                               std::string_view part) {
        const std::size_t end = text.rfind('\n');
        if (end == std::string_view::npos) {
            return std::nullopt;
        }
        for (const std::string& line : split_lines(text.substr(0, end + 1))) {
            if (contains(line, part)) {
                return line;
            }
        }
        return std::nullopt;
    }

    pid_t m_pid = -1;
    int m_in = -1;
    int m_out = -1;
    int m_err = -1;
    std::thread m_reader;
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    std::string m_out_text;
    std::string m_err_text;
    bool m_out_closed = false;
    bool m_err_closed = false;
    std::optional<ExitStatus> m_status;
    std::string m_listening_line;
};

/// Runs telechat-server to its end (it must exit by itself within the
/// timeout, else it is killed) and gives its exit status and output.
struct Finished {
    std::optional<ExitStatus> status;
    std::string out;
    std::string err;
};

inline Finished run_to_exit(const std::vector<std::string>& arguments,
                            const ServerProcess::EnvironmentKey& environment_key = std::nullopt) {
    auto server = ServerProcess::start(arguments, environment_key);
    Finished finished;
    finished.status = server->wait_exit(10000ms);
    finished.out = server->out();
    finished.err = server->err();
    return finished;
}

/// Which loopback: 127.0.0.1 or ::1.
enum class Loopback { v4, v6 };

/// A TCP client of the server on a loopback address. Every read has a
/// timeout; all bytes received are kept (for "the key never appears" checks).
class Client {
public:
    /// Connects to the loopback `port`; connected() tells whether it worked.
    /// A positive `receive_buffer` sets SO_RCVBUF before connecting.
    static Client connect(std::uint16_t port, Loopback loopback = Loopback::v4,
                          int receive_buffer = 0) {
        telechat::server::ConnectOptions options;
        options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(patience);
        options.receive_buffer = receive_buffer;
        Client client;
        client.m_fd = telechat::server::tcp_connect(loopback == Loopback::v4 ? "127.0.0.1" : "::1",
                                                    port, options)
                          .fd;
        return client;
    }

    Client() = default;
    Client(Client&& other) noexcept { *this = std::move(other); }
    Client& operator=(Client&& other) noexcept {
        if (this != &other) {
            close();
            m_fd = std::exchange(other.m_fd, -1);
            m_pending = std::move(other.m_pending);
            m_received = std::move(other.m_received);
            m_eof = other.m_eof;
        }
        return *this;
    }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client() { close(); }

    [[nodiscard]] bool connected() const noexcept { return m_fd >= 0; }

    /// The client's own address as the server's log should show it:
    /// `127.0.0.1:port` or `[::1]:port`.
    [[nodiscard]] std::string local_name() const {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        if (::getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            return "?";
        }
        char host[INET6_ADDRSTRLEN] = {};
        if (address.ss_family == AF_INET6) {
            const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
            ::inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
            return "[" + std::string(host) + "]:" + std::to_string(ntohs(v6->sin6_port));
        }
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
        ::inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
        return std::string(host) + ":" + std::to_string(ntohs(v4->sin_port));
    }

    /// Sends all of `bytes`; false if the connection broke or stalled.
    bool send(std::string_view bytes) {
        const auto deadline = Clock::now() + patience;
        while (!bytes.empty() && m_fd >= 0) {
            const ssize_t count = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (count > 0) {
                bytes.remove_prefix(static_cast<std::size_t>(count));
                continue;
            }
            if (count < 0 && errno == EINTR) {
                continue;
            }
            if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                if (!wait_for(POLLOUT, deadline)) {
                    return false;
                }
                continue;
            }
            return false;
        }
        return bytes.empty();
    }

    /// The next line the server sent, without its CRLF; or a text in angle
    /// brackets saying why there is none (timeout, closed, bad line ending).
    std::string line(Milliseconds timeout = patience) {
        const auto deadline = Clock::now() + timeout;
        for (;;) {
            const std::size_t end = m_pending.find('\n');
            if (end != std::string::npos) {
                std::string result = m_pending.substr(0, end);
                m_pending.erase(0, end + 1);
                if (result.empty() || result.back() != '\r') {
                    return "<line without CRLF: " + result + ">";
                }
                result.pop_back();
                return result;
            }
            if (m_eof) {
                return "<connection closed>";
            }
            if (!receive_some(deadline)) {
                if (m_eof) {
                    continue;
                }
                return "<timed out>";
            }
        }
    }

    /// Reads until the server closes the connection; true if it did within
    /// the timeout. The lines read meanwhile are kept for rest().
    bool wait_closed(Milliseconds timeout = patience) {
        const auto deadline = Clock::now() + timeout;
        while (!m_eof) {
            if (!receive_some(deadline) && !m_eof) {
                return false;
            }
        }
        return true;
    }

    /// What was received and not yet returned by line().
    [[nodiscard]] const std::string& rest() const noexcept { return m_pending; }

    /// Everything ever received on this connection.
    [[nodiscard]] const std::string& received() const noexcept { return m_received; }

    /// Whether the server has closed the connection (as far as read so far).
    [[nodiscard]] bool closed_by_server() const noexcept { return m_eof; }

    void close() {
        if (m_fd >= 0) {
            ::close(m_fd);
            m_fd = -1;
        }
    }

private:
    bool wait_for(short events, Clock::time_point deadline) {
        for (;;) {
            const auto left = std::chrono::duration_cast<Milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) {
                return false;
            }
            pollfd fd{m_fd, events, 0};
            const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
            if (ready > 0) {
                return true;
            }
            if (ready < 0 && errno != EINTR) {
                return false;
            }
        }
    }

    // Reads what is there (waiting until the deadline); false on timeout or
    // end of stream (m_eof tells which).
    bool receive_some(Clock::time_point deadline) {
        if (m_fd < 0) {
            m_eof = true;
            return false;
        }
        if (!wait_for(POLLIN, deadline)) {
            return false;
        }
        char buffer[65536];
        for (;;) {
            const ssize_t count = ::recv(m_fd, buffer, sizeof buffer, 0);
            if (count > 0) {
                m_pending.append(buffer, static_cast<std::size_t>(count));
                m_received.append(buffer, static_cast<std::size_t>(count));
                return true;
            }
            if (count < 0 && errno == EINTR) {
                continue;
            }
            if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                return true;
            }
            m_eof = true;  // end of stream, or a reset
            return false;
        }
    }

    int m_fd = -1;
    std::string m_pending;
    std::string m_received;
    bool m_eof = false;
};

/// A port on 127.0.0.1 that was free a moment ago (for the one test that
/// gives --port a number other than 0).
inline std::uint16_t recently_free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    std::uint16_t port = 0;
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
        port = ntohs(address.sin_port);
    }
    ::close(fd);
    return port;
}

/// Whether `text` is one or more decimal digits.
inline bool is_number(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

/// Takes `prefix` off the front of `text`, if it is there.
inline bool take_prefix(std::string_view& text, std::string_view prefix) {
    if (!starts_with(text, prefix)) {
        return false;
    }
    text.remove_prefix(prefix.size());
    return true;
}

/// Takes a decimal number off the front of `text`, if one is there.
inline bool take_number(std::string_view& text) {
    const std::size_t end = std::min(text.find_first_not_of("0123456789"), text.size());
    if (end == 0) {
        return false;
    }
    text.remove_prefix(end);
    return true;
}

/// `1.2.3.4:5` or `[::1]:5`.
inline bool is_peer(std::string_view text) {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || !is_number(text.substr(colon + 1))) {
        return false;
    }
    const std::string_view host = text.substr(0, colon);
    if (starts_with(host, "[")) {
        return host.size() > 2 && host.back() == ']' &&
               host.substr(1, host.size() - 2).find_first_not_of("0123456789abcdef:.") ==
                   std::string_view::npos;
    }
    return !host.empty() && host.find_first_not_of("0123456789.") == std::string_view::npos;
}

/// A 3MCP name: [A-Za-z0-9][A-Za-z0-9_.-]{0,31}.
inline bool is_name(std::string_view text) {
    const auto alnum = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    if (text.empty() || text.size() > 32 || !alnum(text.front())) {
        return false;
    }
    return std::all_of(text.begin(), text.end(),
                       [&](char c) { return alnum(c) || c == '_' || c == '.' || c == '-'; });
}

/// Whether `line` is one of the log's connection events (or the shutdown
/// notice): `accepted #N from <peer>`, `registered #N as <role> <name>`,
/// `closed #N (<why>)`.
inline bool is_log_event(std::string_view line) {
    std::string_view rest = line;
    if (take_prefix(rest, "accepted #")) {
        return take_number(rest) && take_prefix(rest, " from ") && is_peer(rest);
    }
    if (take_prefix(rest, "registered #")) {
        return take_number(rest) && take_prefix(rest, " as ") &&
               (take_prefix(rest, "agent ") || take_prefix(rest, "customer ")) && is_name(rest);
    }
    if (take_prefix(rest, "closed #")) {
        return take_number(rest) && take_prefix(rest, " (") && rest.size() > 1 &&
               rest.back() == ')' &&
               rest.substr(0, rest.size() - 1).find_first_of("()") == std::string_view::npos;
    }
    return line == "received SIGINT: shutting down" || line == "received SIGTERM: shutting down" ||
           line == "accept: out of file descriptors; pausing for 100 ms";
}

/// The lines of a server log that are not one of the connection events (or
/// the shutdown notice): anything else, such as message text, is a problem.
inline std::vector<std::string> unexpected_log_lines(std::string_view log) {
    std::vector<std::string> unexpected;
    for (const std::string& line : split_lines(log)) {
        if (!is_log_event(line)) {
            unexpected.push_back(line);
        }
    }
    if (!log.empty() && log.back() != '\n') {
        unexpected.emplace_back("(the log does not end with a line ending)");
    }
    return unexpected;
}

/// The connection number the log gave the connection from `peer`
/// (`accepted #N from <peer>`), or nullopt.
inline std::optional<std::string> connection_number(std::string_view log, std::string_view peer) {
    for (const std::string& line : split_lines(log)) {
        const std::string suffix = " from " + std::string(peer);
        if (starts_with(line, "accepted #") && line.size() > suffix.size() &&
            line.compare(line.size() - suffix.size(), suffix.size(), suffix) == 0) {
            return line.substr(std::string_view("accepted ").size(),
                               line.size() - suffix.size() - std::string_view("accepted ").size());
        }
    }
    return std::nullopt;
}

}  // namespace apps_test

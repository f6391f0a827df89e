// The real telechat-server as a child process: started with posix_spawn,
// its stdout read for "listening on <addr>:<port>", its stderr (one log line
// per connection event) drained all the time and kept, and stopped by
// signalling its PID, and only that PID.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace soak {

class ServerProcess {
public:
    ServerProcess(const std::string& path, const std::vector<std::string>& arguments) {
        int out[2];
        int err[2];
        if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
            throw std::runtime_error("pipe2 failed");
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        posix_spawn_file_actions_adddup2(&actions, err[1], 2);
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(path.c_str()));
        for (const std::string& argument : arguments) {
            argv.push_back(const_cast<char*>(argument.c_str()));
        }
        argv.push_back(nullptr);
        const int failed =
            ::posix_spawn(&m_pid, path.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(out[1]);
        ::close(err[1]);
        m_stdout = out[0];
        m_stderr = err[0];
        if (failed != 0) {
            m_pid = -1;
            throw std::runtime_error("cannot start " + path);
        }
        ::fcntl(m_stdout, F_SETFL, O_NONBLOCK);
        ::fcntl(m_stderr, F_SETFL, O_NONBLOCK);
    }

    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    /// A server still running is killed: a soak that fails must not leave one behind.
    ~ServerProcess() {
        if (m_pid > 0 && !m_exited) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
        ::close(m_stdout);
        ::close(m_stderr);
    }

    /// Waits at most `timeout` for "listening on <addr>:<port>".
    /// @return the port, or 0 if the server did not say it in time.
    std::uint16_t wait_listening(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd fds[2] = {{m_stdout, POLLIN, 0}, {m_stderr, POLLIN, 0}};
            ::poll(fds, 2, 50);
            drain();
            const std::size_t at = m_stdout_text.find("listening on ");
            const std::size_t end = m_stdout_text.find('\n', at);
            if (at != std::string::npos && end != std::string::npos) {
                const std::size_t colon = m_stdout_text.rfind(':', end);
                return static_cast<std::uint16_t>(std::stoul(m_stdout_text.substr(colon + 1)));
            }
            if (reap(false)) {
                return 0;
            }
        }
        return 0;
    }

    /// The descriptors to poll so the server never blocks on a full pipe.
    [[nodiscard]] std::vector<int> pipes() const { return {m_stdout, m_stderr}; }

    /// Reads whatever the server wrote; call when a pipe is readable.
    void drain() {
        read_all(m_stdout, m_stdout_text);
        read_all(m_stderr, m_stderr_text);
    }

    /// SIGTERM: the server sends `QUIT server shutting down` to everyone and exits.
    void terminate() {
        if (m_pid > 0 && !m_exited) {
            ::kill(m_pid, SIGTERM);
        }
    }

    /// Waits at most `timeout` for the server to exit, draining its pipes;
    /// then SIGKILL. @return true if it exited by itself in time.
    bool wait_exit(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            drain();
            if (reap(false)) {
                drain();
                return true;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        ::kill(m_pid, SIGKILL);
        reap(true);
        drain();
        return false;
    }

    /// How it ended: "exit 0", "exit 1", "signal 9", or "running".
    [[nodiscard]] std::string status_text() const {
        if (!m_exited) {
            return "running";
        }
        if (WIFEXITED(m_status)) {
            return "exit " + std::to_string(WEXITSTATUS(m_status));
        }
        return "signal " + std::to_string(WTERMSIG(m_status));
    }
    [[nodiscard]] bool exited_cleanly() const {
        return m_exited && WIFEXITED(m_status) && WEXITSTATUS(m_status) == 0;
    }

    [[nodiscard]] const std::string& log() const { return m_stderr_text; }

private:
    static void read_all(int fd, std::string& into) {
        char buffer[65536];
        for (int i = 0; i < 64; ++i) {  // bounded: the caller comes back soon
            const ssize_t count = ::read(fd, buffer, sizeof buffer);
            if (count <= 0) {
                return;
            }
            into.append(buffer, static_cast<std::size_t>(count));
        }
    }

    bool reap(bool block) {
        if (m_exited) {
            return true;
        }
        const pid_t done = ::waitpid(m_pid, &m_status, block ? 0 : WNOHANG);
        m_exited = done == m_pid;
        return m_exited;
    }

    pid_t m_pid = -1;
    int m_stdout = -1;
    int m_stderr = -1;
    int m_status = 0;
    bool m_exited = false;
    std::string m_stdout_text;
    std::string m_stderr_text;
};

}  // namespace soak

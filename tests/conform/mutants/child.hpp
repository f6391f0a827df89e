// A child process of the driver (the server, a proxy, the kit): started
// with posix_spawn, stdin on /dev/null, stdout and stderr on one pipe that is
// read into memory, and ended by signalling its PID, only that PID. Every
// wait has a deadline. (tests/soak/server_process.hpp does the same for the
// soak test but keeps stdout to itself: the driver needs the kit's stdout.)
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace mutants {

using Clock = std::chrono::steady_clock;
using Milliseconds = std::chrono::milliseconds;

class Child {
public:
    /// @param quiet_stderr send its stderr to /dev/null (the server logs
    ///        every connection there: unread, that pipe would fill and stall it).
    Child(const std::string& path, const std::vector<std::string>& arguments,
          bool quiet_stderr = false) {
        std::array<int, 2> out{};
        if (::pipe2(out.data(), O_CLOEXEC) != 0) {
            throw std::runtime_error("pipe2 failed");
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        if (quiet_stderr) {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
        } else {
            posix_spawn_file_actions_adddup2(&actions, out[1], 2);
        }
        std::vector<char*> argv{const_cast<char*>(path.c_str())};
        for (const std::string& argument : arguments) {
            argv.push_back(const_cast<char*>(argument.c_str()));
        }
        argv.push_back(nullptr);
        const int failed =
            ::posix_spawn(&m_pid, path.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(out[1]);
        m_output = out[0];
        if (failed != 0) {
            ::close(m_output);
            throw std::runtime_error("cannot start " + path);
        }
    }

    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    Child(Child&&) = delete;
    Child& operator=(Child&&) = delete;

    /// A child still running is killed: the driver leaves nothing behind.
    ~Child() {
        if (!m_status) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
        ::close(m_output);
    }

    /// @brief Waits at most `timeout` for "listening on <addr>:<port>".
    /// @return the port, or 0 if it did not come in time.
    std::uint16_t wait_listening(Milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        while (Clock::now() < deadline && !m_status) {
            read_for(Milliseconds(50));
            const std::size_t at = m_text.find("listening on ");
            const std::size_t end = m_text.find('\n', at);
            if (at != std::string::npos && end != std::string::npos) {
                const std::size_t colon = m_text.rfind(':', end);
                return static_cast<std::uint16_t>(std::stoul(m_text.substr(colon + 1)));
            }
            reap(false);
        }
        return 0;
    }

    /// @brief Reads its output until it exits or `timeout` passes (then SIGKILL).
    /// @return its exit code, or nullopt if it was killed or killed itself.
    std::optional<int> wait_exit(Milliseconds timeout) {
        const auto deadline = Clock::now() + timeout;
        while (Clock::now() < deadline && !reap(false)) {
            read_for(Milliseconds(50));
        }
        if (!m_status) {
            ::kill(m_pid, SIGKILL);
            reap(true);
        }
        read_for(Milliseconds(0));
        return WIFEXITED(*m_status) ? std::optional(WEXITSTATUS(*m_status)) : std::nullopt;
    }

    /// @brief SIGTERM, then wait_exit().
    void stop(Milliseconds timeout) {
        if (!m_status) {
            ::kill(m_pid, SIGTERM);
        }
        (void)wait_exit(timeout);
    }

    /// @brief Everything it wrote so far, stdout and stderr together.
    [[nodiscard]] const std::string& output() const { return m_text; }

private:
    void read_for(Milliseconds timeout) {
        pollfd fd{m_output, POLLIN, 0};
        if (::poll(&fd, 1, static_cast<int>(timeout.count())) <= 0) {
            return;
        }
        std::array<char, 65536> buffer{};
        for (int i = 0; i < 64; ++i) {  // bounded: the caller comes back soon
            const ssize_t count = ::read(m_output, buffer.data(), buffer.size());
            if (count <= 0) {
                return;
            }
            m_text.append(buffer.data(), static_cast<std::size_t>(count));
            fd.revents = 0;
            if (::poll(&fd, 1, 0) <= 0) {
                return;
            }
        }
    }

    bool reap(bool block) {
        if (m_status) {
            return true;
        }
        int status = 0;
        if (::waitpid(m_pid, &status, block ? 0 : WNOHANG) == m_pid) {
            m_status = status;
        }
        return m_status.has_value();
    }

    pid_t m_pid = -1;
    int m_output = -1;
    std::optional<int> m_status;
    std::string m_text;
};

}  // namespace mutants

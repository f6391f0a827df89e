// What a test works with: the options, fresh connections under names unique
// to this run, the common steps (register, LIST, HIST, a chatting pair), the
// "quiet desk" check, and the cleanup after the test.
#pragma once

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "connection.hpp"
#include "options.hpp"
#include "outcome.hpp"

namespace conform {

/// A multi-line reply: its header and its body lines.
struct Body {
    std::string header;
    std::vector<std::string> lines;
};

/// An agent and a customer chatting with each other.
struct Pair {
    Connection& agent;
    Connection& customer;
};

/// `text` in ASCII upper case (names are compared ignoring ASCII case).
inline std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

/// The state of one test while it runs.
class Context {
public:
    Context(const Options& run_options, std::string token, unsigned& name_counter)
        : options(run_options), m_token(std::move(token)), m_counter(&name_counter) {}
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    const Options& options;
    Transcript transcript;

    /// The read deadline of every read.
    [[nodiscard]] Milliseconds timeout() const {
        return Milliseconds(static_cast<long long>(options.timeout_seconds * 1000));
    }

    /// A name no one else uses: `stem`, a number, `-`, the run's token.
    std::string fresh_name(std::string_view stem) {
        return std::string(stem) + std::to_string(++*m_counter) + "-" + m_token;
    }
    [[nodiscard]] const std::string& token() const noexcept { return m_token; }

    /// A new connection, not registered.
    Connection& connect(const std::string& label) {
        m_connections.push_back(std::make_unique<Connection>(label, transcript, timeout()));
        m_connections.back()->open(options.host, options.port);
        return *m_connections.back();
    }

    /// A registered customer; the line after its welcome is not read yet.
    Connection& customer(std::string_view stem) { return customer_named(fresh_name(stem)); }
    Connection& customer_named(const std::string& name) {
        Connection& c = connect(name);
        c.send_line("CONNECT CUSTOMER " + name);
        c.expect("+OK welcome " + name);
        c.name = name;
        m_registered.push_back(name);
        return c;
    }

    /// A registered agent; the lines after its welcome are not read yet.
    /// An agent takes waiting customers, so it needs a desk to itself.
    Connection& agent(std::string_view stem) { return agent_named(fresh_name(stem)); }
    Connection& agent_named(const std::string& name) {
        require_quiet_desk();
        return register_agent(name);
    }

    /// Notes a name the test registers by hand, so that the cleanup waits
    /// for it to go too.
    void remember(const std::string& name) { m_registered.push_back(name); }

    /// A customer that waits at `position` (on a desk with no free agent).
    Connection& waiting(std::string_view stem, std::size_t position) {
        Connection& c = customer(stem);
        c.expect("QUEUED " + std::to_string(position));
        return c;
    }

    /// An agent and a customer chatting, on a desk with no one else.
    Pair pair() {
        require_quiet_desk();
        Connection& a = agent("ag");
        Connection& c = customer("cu");
        c.expect("ASSIGNED " + a.name);
        a.expect("ASSIGNED " + c.name);
        return Pair{a, c};
    }

    /// A multi-line reply to `command`, sent on `on`: checks the header's
    /// form `+OK <n> <word>` and that n is the number of body lines.
    Body multi_line(Connection& on, const std::string& command, std::string_view word) {
        on.send_line(command);
        Body body;
        body.header = on.line("\"+OK <n> " + std::string(word) + "\\r\\n\"");
        const std::string head = "+OK ";
        const std::string tail = " " + std::string(word);
        const bool shaped = body.header.rfind(head, 0) == 0 && body.header.size() > 5 &&
                            body.header.substr(body.header.size() - tail.size()) == tail;
        const std::string count_text =
            shaped ? body.header.substr(4, body.header.size() - 4 - tail.size()) : "";
        if (!shaped || count_text.empty() ||
            count_text.find_first_not_of("0123456789") != std::string::npos ||
            (count_text.size() > 1 && count_text[0] == '0')) {
            fail("\"+OK <n> " + std::string(word) + "\\r\\n\"",
                 "\"" + telechat::protocol::escaped(body.header) + "\\r\\n\"");
        }
        for (std::size_t i = 0; i < 100000; ++i) {
            std::string line = on.line("a body line or \".\"");
            if (line == ".") {
                if (std::to_string(body.lines.size()) != count_text) {
                    fail("a body of " + count_text + " lines (the header's count)",
                         std::to_string(body.lines.size()) + " lines");
                }
                return body;
            }
            body.lines.push_back(std::move(line));
        }
        fail("\".\" to end the body", "more than 100000 lines");
    }
    Body list(Connection& agent) { return multi_line(agent, "LIST", "users"); }
    Body hist(Connection& agent, const std::string& arguments) {
        return multi_line(agent, "HIST " + arguments, "messages");
    }

    /// Skips the test unless the desk has no users but the kit's: tests of
    /// assignment and positions need a desk to themselves. The check runs
    /// once per test.
    void require_quiet_desk() {
        if (m_quiet_checked) {
            return;
        }
        m_quiet_checked = true;
        if (!m_registered.empty()) {  // the monitor would take the test's waiting customers
            throw std::logic_error("kit bug: the quiet-desk check must come before any CONNECT");
        }
        Connection& monitor = register_agent(fresh_name("mon"));
        const Body users = list(monitor);
        monitor.send_line("QUIT");
        monitor.expect("+OK bye");
        if (users.lines.size() > 1) {
            skip("needs a desk with no other users (LIST showed " +
                 std::to_string(users.lines.size() - 1) + " others)");
        }
    }

    /// Closes every connection of the test, then waits (bounded) until the
    /// server has let all of the test's users go, so that the next test
    /// starts on a quiet desk.
    void clean_up() {
        for (auto& connection : m_connections) {
            connection->close();
        }
        if (m_registered.empty()) {
            return;
        }
        // The cleanup is not part of the test's exchange. A server that
        // fails here fails the next test visibly instead; one that is still
        // closing the test's connections may refuse the monitor: retry.
        Transcript scratch;
        const auto deadline = Clock::now() + Milliseconds(3000);
        while (Clock::now() < deadline) {
            try {
                Connection monitor("cleanup", scratch, timeout());
                monitor.open(options.host, options.port);
                const std::string name = fresh_name("mon");
                monitor.send_line("CONNECT AGENT " + name + " " + options.agent_key);
                monitor.expect("+OK welcome " + name);
                while (Clock::now() < deadline && any_registered_listed(monitor)) {
                    std::this_thread::sleep_for(Milliseconds(25));
                }
                monitor.send_line("QUIT");
                monitor.expect("+OK bye");
                return;
            } catch (const Failure&) {
                std::this_thread::sleep_for(Milliseconds(50));
            }
        }
    }

    /// Waits `duration`: only for rules that are about time.
    static void sleep(Milliseconds duration) { std::this_thread::sleep_for(duration); }

private:
    Connection& register_agent(const std::string& name) {
        Connection& a = connect(name);
        a.send_line("CONNECT AGENT " + name + " " + options.agent_key);
        a.expect("+OK welcome " + name);
        a.name = name;
        m_registered.push_back(name);
        return a;
    }

    bool any_registered_listed(Connection& monitor) {
        monitor.send_line("LIST");
        std::string line = monitor.line();
        bool found = false;
        for (int i = 0; i < 100000; ++i) {
            line = monitor.line();
            if (line == ".") {
                return found;
            }
            const std::string first = upper(line.substr(0, line.find(' ')));
            for (const std::string& name : m_registered) {
                found = found || upper(name) == first;
            }
        }
        return found;
    }

    std::string m_token;
    unsigned* m_counter;
    std::vector<std::unique_ptr<Connection>> m_connections;
    std::vector<std::string> m_registered;
    bool m_quiet_checked = false;
};

}  // namespace conform

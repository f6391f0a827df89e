// The usual shape of a mutation: it looks at whole lines, knows which
// command each reply answers (talk.hpp), and rewrites a few of them. The
// hooks are lambdas, so a mutant table entry reads as the rule it breaks:
//
//     on_lines({.server_line = [](Link& link, Talk&, const Heard& heard) {
//         link.to_client(std::string(heard.line) + "\n");  // LF, not CRLF
//     }})
//
// Hooks left empty forward unchanged. Client bytes are forwarded as read
// unless there is a client_line hook (then whole lines go, each after its
// LF). A lambda's captured state is per connection: each connection gets a
// copy of the hooks (state shared by all connections: shared.hpp).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "link.hpp"
#include "mutation.hpp"
#include "talk.hpp"

namespace mutants {

/// @brief The server's line limit, as the proxy was told (--max-line).
inline std::size_t& max_line_setting() {
    static std::size_t bytes = 1024;
    return bytes;
}

/// @brief What a line mutation does; every hook is optional.
struct LineHooks {
    /// A client line, its ending included; the hook forwards what it wants.
    std::function<void(Link&, Talk&, std::string_view line)> client_line{};
    /// A server line (Heard::line has no ending); the hook forwards what it wants.
    std::function<void(Link&, Talk&, const Heard& heard, std::string_view line)> server_line{};
    std::function<void(Link&, Talk&)> client_ended{};
    std::function<void(Link&, Talk&)> server_ended{};
    /// The connection is closed, however it ended (Mutation::gone).
    std::function<void(Talk&)> gone{};
    /// Every turn of the relay (Mutation::tick): returns when to be called
    /// again at the latest, nullopt for no particular time.
    std::function<std::optional<Clock::time_point>(Link&, Talk&, Clock::time_point now)> tick{};
};

class LineMutation : public Mutation {
public:
    explicit LineMutation(LineHooks hooks)
        : m_hooks(std::move(hooks)), m_talk(max_line_setting()) {}

    [[nodiscard]] Cut server_cut() const override { return Cut::at_lf; }

    void from_client(Link& link, std::string_view piece) override {
        if (!m_hooks.client_line) {
            link.to_server(piece);  // as read; the Talk still learns the lines
        }
        m_partial.append(piece);
        std::size_t start = 0;
        for (std::size_t end; (end = m_partial.find('\n', start)) != std::string::npos;
             start = end + 1) {
            client_line(link, std::string_view(m_partial).substr(start, end + 1 - start));
        }
        m_partial.erase(0, start);
    }

    void from_server(Link& link, std::string_view line) override {
        const Heard heard = m_talk.server_line(line);
        if (m_hooks.server_line) {
            m_hooks.server_line(link, m_talk, heard, line);
        } else {
            link.to_client(line);
        }
    }

    void client_ended(Link& link) override {
        if (m_hooks.client_line && !m_partial.empty()) {
            link.to_server(m_partial);  // an unfinished last line, as it came
        }
        m_partial.clear();
        if (m_hooks.client_ended) {
            m_hooks.client_ended(link, m_talk);
        } else {
            link.end_to_server();
        }
    }

    void server_ended(Link& link) override {
        if (m_hooks.server_ended) {
            m_hooks.server_ended(link, m_talk);
        } else {
            link.end_to_client();
        }
    }

    void gone() override {
        if (m_hooks.gone) {
            m_hooks.gone(m_talk);
        }
    }

    std::optional<Clock::time_point> tick(Link& link, Clock::time_point now) override {
        return m_hooks.tick ? m_hooks.tick(link, m_talk, now) : std::nullopt;
    }

private:
    void client_line(Link& link, std::string_view line) {
        m_talk.client_line(line);
        if (m_hooks.client_line) {
            m_hooks.client_line(link, m_talk, line);
        }
    }

    LineHooks m_hooks;
    Talk m_talk;
    std::string m_partial;
};

/// @brief A mutant's factory from its hooks.
inline std::function<std::unique_ptr<Mutation>()> on_lines(LineHooks hooks) {
    return [hooks = std::move(hooks)] { return std::make_unique<LineMutation>(hooks); };
}

/// @brief A mutant's factory that rewrites each client line with `rewrite`
///        (given the line without its ending; the ending is kept).
inline std::function<std::unique_ptr<Mutation>()> client_rewrite(
    std::function<std::string(std::string_view body)> rewrite) {
    return on_lines({.client_line = [rewrite](Link& link, Talk&, std::string_view line) {
        link.to_server(rewrite(body_of(line)) + std::string(ending_of(line)));
    }});
}

/// @brief A mutant's factory that rewrites each server line with `rewrite`
///        (given the line without its CRLF, which is added back).
inline std::function<std::unique_ptr<Mutation>()> server_rewrite(
    std::function<std::string(const Heard& heard)> rewrite) {
    return on_lines(
        {.server_line = [rewrite](Link& link, Talk&, const Heard& heard, std::string_view line) {
            link.to_client(rewrite(heard) + std::string(ending_of(line)));
        }});
}

}  // namespace mutants

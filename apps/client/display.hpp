// How telechat-client shows what arrives: labelled lines and tables for a
// person at a terminal, or one stable, greppable line per item for a script.
#pragma once

#include <telechat/client/session.hpp>
#include <telechat/protocol/server_lines.hpp>
#include <telechat/protocol/text.hpp>
#include <telechat/protocol/vocabulary.hpp>
#include <telechat/queue.hpp>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chat_lines.hpp"
#include "commands.hpp"
#include "display_width.hpp"

namespace client_app {

using telechat::client::Event;
using telechat::client::Push;

// Text from the network never reaches the terminal with its control
// characters: a hostile server could otherwise move the cursor, retitle the
// window or worse. 3MCP forbids them anyway; this client does not rely on it.
inline std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        out.push_back(byte < 0x20 || byte == 0x7f ? '?' : c);
    }
    if (!telechat::protocol::is_valid_text(out)) {  // C1 controls or broken UTF-8
        std::replace_if(
            out.begin(), out.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; },
            '?');
    }
    return out;
}

// A table whose columns are as wide as their widest cell; the last column is
// not padded (it holds message text).
class Table {
public:
    explicit Table(std::vector<std::string> header) { m_rows.push_back(std::move(header)); }

    void add(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }

    [[nodiscard]] std::vector<std::string> lines() const {
        std::vector<std::size_t> widths;
        for (const auto& row : m_rows) {
            widths.resize(std::max(widths.size(), row.size()));
            for (std::size_t i = 0; i < row.size(); ++i) {
                widths[i] = std::max(widths[i], display_width(row[i]));
            }
        }
        std::vector<std::string> out;
        for (const auto& row : m_rows) {
            std::string line = "  ";
            for (std::size_t i = 0; i < row.size(); ++i) {
                // Padded by columns, not bytes: a CJK name takes two per character.
                line += i + 1 < row.size() ? pad_to_columns(row[i], widths[i] + 2) : row[i];
            }
            out.push_back(std::move(line));
        }
        return out;
    }

private:
    std::vector<std::vector<std::string>> m_rows;
};

inline std::string local_time(std::uint64_t unix_ms) {
    const auto seconds = static_cast<std::time_t>(unix_ms / 1000);
    const std::tm parts = local_time_of(seconds);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &parts);
    return text;
}

// Turns events into the lines the user sees. For a person it follows the
// conversation as it shows it (the agent, the wrong keys, the messages sent
// and not yet acknowledged), so that its sentences can say who and why.
class Display {
public:
    explicit Display(bool for_script, bool colour = false)
        : m_script(for_script), m_paint(colour && !for_script) {}

    [[nodiscard]] bool for_script() const noexcept { return m_script; }

    // The session gives the user's role (an assignment reads differently for
    // an agent) and name; the events are shown in the order they came.
    [[nodiscard]] std::vector<std::string> show(const Event& event, const Session& session) {
        if (const auto* reply = std::get_if<Reply>(&event)) {
            if (!m_script && reply->request == CommandKind::msg) {
                return sent_line(*reply, session.name());
            }
            if (!reply->ok && reply->code == telechat::protocol::ErrorCode::auth_failed) {
                ++m_wrong_keys;
            }
            return reply->ok ? success(*reply) : std::vector<std::string>{failure(*reply)};
        }
        if (const auto* push = std::get_if<Push>(&event)) {
            return {m_script ? pushed(*push, session.role()) : told(*push, session)};
        }
        const auto& line = std::get<telechat::client::Unrecognized>(event).line;
        return {labelled("unknown", "?", printable(line))};
    }

    // A message just sent: a person sees it once the server's reply says
    // whether it arrived, marked, instead of a line of its own for `+OK`.
    void sent(std::string text) {
        if (!m_script) {
            m_unacknowledged.push(printable(text));
        }
    }

    // A problem found by the client itself, before anything was sent.
    [[nodiscard]] std::string problem(std::string_view message) const {
        return m_script ? "error CLIENT " + std::string(message)
                        : m_paint.bad("[error] " + std::string(message));
    }

    // A note from the client (how to use it), never in a script's output.
    [[nodiscard]] static std::string note(std::string_view message) {
        return "-- " + std::string(message);
    }

private:
    [[nodiscard]] std::string labelled(std::string_view script_word, std::string_view person_label,
                                       const std::string& text) const {
        if (m_script) {
            return std::string(script_word) + (text.empty() ? "" : " " + text);
        }
        return "[" + std::string(person_label) + "] " + text;
    }

    [[nodiscard]] std::string failure(const Reply& reply) const {
        if (m_script) {
            return "error " + printable(reply.code_word) + " " + explain_error(reply);
        }
        // A name with a space reaches the server as two arguments; a person
        // needs to hear what a name may be, not how CONNECT counts words.
        const bool name_of_two_words = reply.request == CommandKind::connect &&
                                       reply.code == telechat::protocol::ErrorCode::bad_args;
        return m_paint.bad("[error] " +
                           (name_of_two_words ? name_rule : printable(explain_error(reply))));
    }

    // `+OK message received` or a refusal, shown on the line of the message sent.
    [[nodiscard]] std::vector<std::string> sent_line(const Reply& reply, const std::string& me) {
        std::string text;
        if (!m_unacknowledged.empty()) {
            text = std::move(m_unacknowledged.front());
            m_unacknowledged.pop();
        }
        const std::string to = reply.target.empty() ? "your agent" : printable(reply.target);
        std::string line =
            message_line(m_paint, std::time(nullptr), printable(me), printable(me), to, text);
        if (reply.ok) {
            return {line + " " + m_paint.dim(delivered_mark)};
        }
        return {line + " " + m_paint.bad(refused_mark), failure(reply)};
    }

    // A push, in words for a person.
    [[nodiscard]] std::string told(const Push& push, const Session& session) {
        const std::string name = printable(push.name);
        if (push.kind == PushKind::msg) {
            const std::string me = printable(session.name());
            return message_line(m_paint, std::time(nullptr), me, name, me, printable(push.text));
        }
        if (push.kind == PushKind::quit) {
            return m_paint.notice("[closed] " +
                                  closing_sentence(printable(push.text), m_wrong_keys));
        }
        if (push.kind == PushKind::queued && !m_agent.empty()) {
            // 3MCP sends a customer whose agent left only its new place.
            const std::string agent = std::exchange(m_agent, {});
            return m_paint.notice("[queue] " + agent_left_sentence(agent, push.position));
        }
        if (push.kind == PushKind::assigned && session.role() == Role::customer) {
            m_agent = name;
        }
        return pushed(push, session.role());
    }

    [[nodiscard]] std::vector<std::string> success(const Reply& reply) const {
        std::vector<std::string> lines{labelled("ok", "ok", printable(reply.text))};
        if (reply.request == CommandKind::list) {
            if (!m_script) {
                lines.front() = "[ok] " + counted(reply.body.size(), "user") + " connected";
            }
            append(lines, m_script ? script_rows("list", reply.body) : user_table(reply.body));
        } else if (reply.request == CommandKind::hist) {
            if (!m_script) {
                lines.front() = "[ok] " + counted(reply.body.size(), "message") + " of " +
                                printable(reply.target) + ", oldest first";
            }
            append(lines, m_script ? script_rows("hist", reply.body) : history_table(reply.body));
        } else if (reply.request == CommandKind::end && !m_script) {
            lines.front() = "[ok] your conversation with " + printable(reply.target) + " has ended";
        } else {
            append(lines, script_rows(m_script ? "help" : " ", reply.body));
        }
        if (reply.body_truncated) {
            lines.push_back(
                labelled("truncated", "note", "the server sent more lines than are kept"));
        }
        return lines;
    }

    // "1 user", "2 users": the wire's header is literal ("+OK 1 users"), a person's need not be.
    [[nodiscard]] static std::string counted(std::size_t count, const std::string& noun) {
        return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
    }

    [[nodiscard]] std::string pushed(const Push& push, std::optional<Role> role) const {
        const std::string name = printable(push.name);
        switch (push.kind) {
            case PushKind::msg:
                return m_script ? "msg " + name + " " + printable(push.text)
                                : "[msg] " + name + ": " + printable(push.text);
            case PushKind::queued:
                return m_script ? "queued " + std::to_string(push.position)
                                : "[queue] you are number " + std::to_string(push.position) +
                                      " in the waiting line";
            case PushKind::assigned:
                return m_script              ? "assigned " + name
                       : role == Role::agent ? "[assigned] new customer: " + name
                                             : "[assigned] " + name + " is your agent";
            case PushKind::left:
                return m_script ? "left " + name : "[left] " + name + " has left";
            case PushKind::quit:
                return m_script
                           ? "closed " + printable(push.text)
                           : "[closed] the server closed the connection: " + printable(push.text);
        }
        return {};
    }

    [[nodiscard]] static std::vector<std::string> script_rows(
        std::string_view word, const std::vector<std::string>& body) {
        std::vector<std::string> lines;
        for (const std::string& row : body) {
            lines.push_back(std::string(word) + " " + printable(row));
        }
        return lines;
    }

    // LIST rows, agents first, then customers chatting, then the waiting line in order.
    struct UserRow {
        int group;               // agents, customers chatting, the waiting line, anything else
        std::uint64_t position;  // the order within the waiting line
        std::vector<std::string> cells;
    };

    [[nodiscard]] static std::vector<std::string> user_table(const std::vector<std::string>& body) {
        std::vector<UserRow> rows;
        for (const std::string& line : body) {
            rows.push_back(describe_user(printable(line)));
        }
        std::stable_sort(rows.begin(), rows.end(), [](const UserRow& a, const UserRow& b) {
            return a.group != b.group ? a.group < b.group : a.position < b.position;
        });
        Table table({"NAME", "ROLE", "STATUS"});
        for (auto& row : rows) {
            table.add(std::move(row.cells));
        }
        return table.lines();
    }

    // One LIST line (see telechat::protocol::UserLine); a line that does not
    // follow the grammar is shown whole, last.
    [[nodiscard]] static UserRow describe_user(const std::string& row) {
        const auto user = telechat::protocol::parse_user_line(row);
        if (!user) {
            return UserRow{3, 0, {"?", "", row}};
        }
        const std::string name(user->name);
        if (user->role == Role::agent) {
            return UserRow{0,
                           0,
                           {name, "agent",
                            std::to_string(user->customers) + " of " +
                                std::to_string(user->capacity) + " customers"}};
        }
        if (!user->waiting) {
            return UserRow{1, 0, {name, "customer", "chatting with " + std::string(user->agent)}};
        }
        return UserRow{
            2,
            user->position,
            {name, "customer", "waiting, number " + std::to_string(user->position) + " in line"}};
    }

    [[nodiscard]] static std::vector<std::string> history_table(
        const std::vector<std::string>& body) {
        Table table({"TIME", "FROM", "TO", "TEXT"});
        for (const std::string& line : body) {
            const std::string row = printable(line);
            const auto record = telechat::protocol::parse_history_record(row);
            if (!record) {
                table.add({"?", "", "", row});
                continue;
            }
            const std::string to = record->to == telechat::protocol::word::nobody
                                       ? "(waiting)"
                                       : std::string(record->to);
            table.add({local_time(record->unix_ms), std::string(record->from), to,
                       std::string(record->text)});
        }
        return table.lines();
    }

    static void append(std::vector<std::string>& lines, std::vector<std::string> more) {
        lines.insert(lines.end(), std::make_move_iterator(more.begin()),
                     std::make_move_iterator(more.end()));
    }

    static constexpr const char* name_rule =
        "that name is not allowed: use one word of 1 to 32 letters, digits, _ . or -";

    bool m_script;
    Paint m_paint;
    std::string m_agent;                            // a customer's agent, as shown so far
    unsigned m_wrong_keys = 0;                      // AUTH_FAILED replies shown
    telechat::Queue<std::string> m_unacknowledged;  // messages sent, oldest first
};

}  // namespace client_app

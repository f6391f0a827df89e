// telechat-client: a 3MCP client for customers and agents.
//
// At a terminal it asks for what the command line left out, then chats in
// raw mode with a line editor that survives whatever arrives. With stdin not
// a terminal it runs as a script: one input line at a time, each command's
// reply awaited before the next, every arriving line printed in a stable
// form. All protocol knowledge is in telechat::client::Session, and every
// system call is in the files system.hpp picks; this file only moves bytes
// between the terminal, the socket and the session.
#include <telechat/client/session.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "agent_view.hpp"
#include "commands.hpp"
#include "display.hpp"
#include "history_file.hpp"
#include "line_editor.hpp"
#include "system.hpp"

namespace {

using namespace client_app;
using Clock = std::chrono::steady_clock;

constexpr const char* usage_text = R"(usage: telechat-client [HOST] [options]

A client for the 3MCP customer-support chat: customers wait for an agent and
chat with it; agents serve customers.

  HOST                 the server: NAME, NAME:PORT, IPv4, [IPv6]:PORT   default: 127.0.0.1
  --port N             the server's port                                default: 3333
  --name NAME          your name (1-32 of A-Z a-z 0-9 _ . -)
  --role ROLE          customer or agent
  --key KEY            the agent key; better from $TELECHAT_AGENT_KEY, since a key
                       on the command line is visible to other users in `ps`
  --help               show this help and exit

At a terminal, what is missing is asked for (the key without echo; the
address only when --name is not given either), and /help shows the commands.
Messages show as "HH:MM from -> to: text", a sent one marked once the server
has it; colour unless NO_COLOR is set or stdout is not a terminal.

Agents: a plain line goes to the current customer (the first assigned;
/switch <customer> or Tab on an empty line changes it), and the prompt shows
the others and how many wait in line. /msg <customer> <text>, /m <text>
(reply to the last writer), /list, /hist <name> [n], /end <customer>, /quit.

With stdin not a terminal, it runs as a script: --name is required, the role
defaults to customer, and each input line is a message or a /command. Every
line that arrives is printed as one line: ok ..., error <CODE> ..., msg <from>
<text>, queued <n>, assigned <name>, left <name>, closed <reason>, list <row>,
hist <record>. Each command's reply is awaited before the next line is read;
/wait msg|queued|assigned|left|closed [seconds] waits for a push of that kind
(each /wait is met by one push, which may have come already) and
/sleep <seconds> pauses. At the end of input it exits once every reply is in.

Exit codes: 0 normal end (/quit, Ctrl-D, the end of a script's input; at a
terminal also your agent ending the conversation); 1 refused or closed by the
server (wrong key, server full, server shutting down, connection lost; in a
script also a refused name and the agent ending the conversation); 2 bad
usage; 3 cannot connect.
)";

enum ExitCode { exit_ok = 0, exit_refused = 1, exit_usage = 2, exit_no_connection = 3 };

struct Settings {
    std::optional<std::string> host;
    std::string port = "3333";
    std::optional<std::string> name;
    std::optional<Role> role;
    std::optional<std::string> key;
};

[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr, "telechat-client: %s (try --help)\n", message.c_str());
    std::exit(exit_usage);
}

std::optional<Role> parse_role(std::string_view text) {
    std::string lower;
    for (const char c : text) {
        lower.push_back(telechat::detail::to_lower_ascii(c));
    }
    if (lower == "customer" || lower == "c") {
        return Role::customer;
    }
    if (lower == "agent" || lower == "a") {
        return Role::agent;
    }
    return std::nullopt;
}

bool is_port(std::string_view text) {
    return !text.empty() && text.size() <= 5 && text.find_first_not_of("0123456789") == text.npos &&
           std::stoul(std::string(text)) >= 1 && std::stoul(std::string(text)) <= 65535;
}

// HOST may carry a port: name:port, 1.2.3.4:port, [::1]:port; a bare IPv6
// address (two or more colons) has none.
void take_host(Settings& settings, std::string text) {
    std::string port;
    if (text.starts_with('[')) {
        const std::size_t close = text.find(']');
        if (close == std::string::npos) {
            usage_error("HOST: '" + text + "' lacks its ']'");
        }
        port = text.substr(close + 1);
        if (!port.empty() && port.front() != ':') {
            usage_error("HOST: unexpected text after ']' in '" + text + "'");
        }
        port = port.empty() ? "" : port.substr(1);
        text = text.substr(1, close - 1);
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        port = text.substr(text.find(':') + 1);
        text = text.substr(0, text.find(':'));
    }
    if (text.empty()) {
        usage_error("HOST is empty");
    }
    if (!port.empty()) {
        if (!is_port(port)) {
            usage_error("HOST: '" + port + "' is not a port (1-65535)");
        }
        settings.port = port;
    }
    settings.host = text;
}

// The key is wiped from argv once read, so that it does not linger in
// /proc/<pid>/cmdline (it was visible until then: hence the environment).
Settings parse_arguments(int argc, char** argv) {
    Settings settings;
    for (int i = 1; i < argc; ++i) {
        const std::string option = argv[i];
        if (option == "--help" || option == "-h") {
            std::fputs(usage_text, stdout);
            std::exit(exit_ok);
        }
        if (!option.starts_with("-")) {
            if (settings.host) {
                usage_error("more than one HOST ('" + *settings.host + "' and '" + option + "')");
            }
            take_host(settings, option);
            continue;
        }
        if (option != "--port" && option != "--name" && option != "--role" && option != "--key") {
            usage_error("unknown option '" + option + "'");
        }
        if (i + 1 >= argc) {
            usage_error(option + " needs a value");
        }
        std::string value = argv[++i];
        if (option == "--port") {
            if (!is_port(value)) {
                usage_error("--port: '" + value + "' is not a port (1-65535)");
            }
            settings.port = value;
        } else if (option == "--name") {
            settings.name = value;
        } else if (option == "--role") {
            settings.role = parse_role(value);
            if (!settings.role) {
                usage_error("--role: '" + value + "' is not customer or agent");
            }
        } else {
            settings.key = value;
            std::memset(argv[i], 'x', std::strlen(argv[i]));
        }
    }
    return settings;
}

// ---- the client --------------------------------------------------------------

class Client {
public:
    Client(Settings settings, bool interactive)
        : m_settings(std::move(settings)),
          m_interactive(interactive),
          m_agent_view(interactive),
          m_display(!interactive, colour_wanted(stdout_is_terminal(), std::getenv("NO_COLOR"),
                                                std::getenv("TERM"))) {}

    int run() {
        if (!complete_settings()) {
            return exit_ok;  // the user ended the prompts with Ctrl-D
        }
        // The first address of the host that answers within 5 s, non-blocking.
        std::string error;
        if (!m_link.connect(*m_settings.host, m_settings.port, error)) {
            std::fprintf(stderr, "telechat-client: cannot connect to %s port %s: %s\n",
                         m_settings.host->c_str(), m_settings.port.c_str(), error.c_str());
            return exit_no_connection;
        }
        send_registration();
        const int code = loop();
        if (m_interactive) {
            leave_raw_mode();
            // The prompt goes: the shell's own comes next.
            write_out(m_raw ? LineEditor::clear_line : std::string_view("\n"));
        }
        return code;
    }

private:
    // ---- before connecting ----

    // Asks for what the command line left out; in a script nothing can be asked.
    bool complete_settings() {
        if (!m_interactive) {
            if (!m_settings.name) {
                usage_error("--name is needed when stdin is not a terminal");
            }
            m_settings.host = m_settings.host.value_or("127.0.0.1");
            m_settings.role = m_settings.role.value_or(Role::customer);
            if (m_settings.role == Role::agent && !agent_key_from_environment()) {
                usage_error(
                    "an agent needs --key or TELECHAT_AGENT_KEY when stdin is not a terminal");
            }
            return true;
        }
        // A command line that names the user has said what it wants: the
        // server is the default one unless it says otherwise.
        if (!m_settings.host && m_settings.name) {
            m_settings.host = "127.0.0.1";
        }
        if (!m_settings.host) {
            const auto address = ask("server address [127.0.0.1]: ");
            if (!address) {
                return false;
            }
            Settings parsed;
            take_host(parsed, address->empty() ? "127.0.0.1" : *address);
            m_settings.host = parsed.host;
            m_settings.port = parsed.port != "3333" ? parsed.port : m_settings.port;
        }
        return (m_settings.name || ask_name()) && (m_settings.role || ask_role()) &&
               (m_settings.role != Role::agent || agent_key_from_environment() || ask_key());
    }

    bool agent_key_from_environment() {
        if (!m_settings.key) {
            const char* key = std::getenv("TELECHAT_AGENT_KEY");
            if (key != nullptr && *key != '\0') {
                m_settings.key = key;
            }
        }
        return m_settings.key.has_value();
    }

    bool ask_name() {
        m_settings.name = ask("your name: ");
        while (m_settings.name && m_settings.name->empty()) {
            m_settings.name = ask("your name (1-32 letters, digits, _ . -): ");
        }
        return m_settings.name.has_value();
    }

    bool ask_role() {
        for (;;) {
            const auto answer = ask("customer or agent? [customer]: ");
            if (!answer) {
                return false;
            }
            m_settings.role = answer->empty() ? Role::customer : parse_role(*answer);
            if (m_settings.role) {
                return true;
            }
            write_out("please answer customer or agent (or c, a)\n");
        }
    }

    bool ask_key() {
        m_settings.key = ask("agent key (not shown): ", false);
        return m_settings.key.has_value();
    }

    // ---- registration ----

    void send_registration() {
        const std::string& name = *m_settings.name;
        m_output += m_settings.role == Role::agent ? m_session.connect_agent(name, *m_settings.key)
                                                   : m_session.connect_customer(name);
    }

    // A refused CONNECT: a person is asked again (for the key after a wrong
    // one, otherwise for the name, whatever was wrong with it), a script
    // ends. A full server is not worth asking again.
    bool retry_registration(const Reply& reply) {
        using telechat::protocol::ErrorCode;
        if (!m_interactive || reply.code == ErrorCode::server_full) {
            return false;
        }
        const bool wrong_key = reply.code == ErrorCode::auth_failed;
        if (wrong_key) {
            take_closing_push();
        }
        if (m_session.closing() || m_server_closed) {
            return false;
        }
        const bool ok = wrong_key ? ask_key() : ask_name();
        if (ok) {
            send_registration();
        }
        return ok;
    }

    // After its last wrong key the server sends `QUIT too many failed
    // attempts`, maybe a moment after the refusal: asking for the key before
    // it is read would leave a person typing the key into a client that is
    // about to end, and then into the shell.
    void take_closing_push() {
        if (!m_link.wait_readable(300)) {
            return;
        }
        char buffer[4096];
        const Transfer got = m_link.receive(buffer, sizeof buffer);
        m_session.receive(std::string_view(buffer, got.bytes));
        m_server_closed = got.ended;
    }

    void on_registered() {
        if (!m_interactive) {
            return;
        }
        print({Display::note(
            m_session.role() == Role::agent
                ? "you are an agent; customers will be assigned to you. /help lists the commands"
                : "type a message and press Enter; /help lists the commands, /quit leaves")});
        start_editor();
        enter_raw_mode();
        m_raw = true;
        update_prompt();
        redraw();
    }

    // Completion from what the client knows; the lines of earlier sessions.
    void start_editor() {
        m_editor.set_completion_source(
            [this](std::string_view, bool first_word) { return completions(first_word); });
        m_history_path = default_history_path();
        if (m_history_path && std::getenv("TELECHAT_NO_HISTORY") == nullptr) {
            const auto lines = read_history_file(*m_history_path, LineEditor::max_history_lines);
            m_editor.load_history(lines);
            rewrite_history_file(*m_history_path, lines);  // so that the file stays bounded
        } else {
            m_history_path.reset();
        }
    }

    // The slash commands as the first word; after it (or as a plain first
    // word) the names of the people this user talks to.
    std::vector<std::string> completions(bool first_word) const {
        std::vector<std::string> words = m_session.customers();
        if (!m_session.agent().empty()) {
            words.push_back(m_session.agent());
        }
        if (first_word) {
            const auto commands = command_names(m_session.role());
            words.insert(words.end(), commands.begin(), commands.end());
        }
        return words;
    }

    // ---- the loop ----

    int loop() {
        for (;;) {
            if (const auto code = handle_events()) {
                return *code;
            }
            if (m_server_closed || m_session.closing()) {  // nothing more will come
                return ending_code();
            }
            ask_for_the_line();
            if (!m_interactive) {
                if (const auto code = run_script_lines()) {
                    return *code;
                }
            }
            if (!wait_and_transfer()) {
                return ending_code();
            }
        }
    }

    // At a terminal the agent ending the conversation is a normal end; a
    // script keeps the 1 it always had for it, as scripts rely on it.
    int ending_code() const {
        return m_quit_acknowledged || (m_interactive && m_ended_by_agent) ? exit_ok : exit_refused;
    }

    // Shows every event that is ready; returns an exit code once the
    // session cannot go on.
    std::optional<int> handle_events() {
        while (auto event = m_session.next_event()) {
            follow_in_agent_view(*event);
            if (shown_to_user(*event)) {
                print(lines_for(*event));
            } else {
                update_prompt();  // the line's new length
                redraw();
            }
            if (const auto* reply = std::get_if<Reply>(&*event)) {
                if (const auto code = after_reply(*reply)) {
                    return code;
                }
            } else if (const auto* push = std::get_if<Push>(&*event)) {
                ++m_pushes_unwaited[static_cast<std::size_t>(push->kind)];
                if (push->kind == PushKind::quit) {
                    m_ended_by_agent = is_normal_end(push->text);
                }
            }
        }
        return std::nullopt;
    }

    void follow_in_agent_view(const Event& event) {
        if (m_session.role() != Role::agent) {
            return;
        }
        if (const auto* reply = std::get_if<Reply>(&event)) {
            m_agent_view.follow(*reply);
        } else if (const auto* push = std::get_if<Push>(&event)) {
            m_agent_view.follow(*push);
        }
    }

    // An agent who ended a conversation is told who comes next, too.
    std::vector<std::string> lines_for(const Event& event) {
        std::vector<std::string> lines = m_display.show(event, m_session);
        const auto* reply = std::get_if<Reply>(&event);
        if (m_interactive && reply != nullptr && reply->ok && reply->request == CommandKind::end) {
            lines.front() += printable(m_agent_view.what_comes_next());
        }
        return lines;
    }

    // The replies to the LISTs the client sends on its own are not shown:
    // they only keep the count of the waiting line in the prompt.
    bool shown_to_user(const Event& event) {
        const auto* reply = std::get_if<Reply>(&event);
        return reply == nullptr || reply->request != CommandKind::list ||
               m_agent_view.list_answered(*reply);
    }

    // A person's agent client keeps the waiting line's length in its prompt:
    // 3MCP sends no push when a customer joins the line, so it asks, as
    // often as AgentView's pacing allows. A script asks only when told to.
    void ask_for_the_line() {
        if (m_interactive && m_raw && m_session.role() == Role::agent && !m_quit_sent &&
            m_agent_view.list_due(Clock::now())) {
            m_output += m_session.list();
            m_agent_view.list_sent(Clock::now(), false);
            m_reply_deadline = Clock::now() + std::chrono::seconds(30);
        }
    }

    std::optional<int> after_reply(const Reply& reply) {
        m_reply_deadline.reset();
        if (reply.request == CommandKind::quit && reply.ok) {
            m_quit_acknowledged = true;
        }
        if (reply.request == CommandKind::connect || !reply.request) {
            if (reply.ok) {
                on_registered();
            } else if (!retry_registration(reply)) {
                // A person is still to be shown the server's QUIT, if it sent
                // one; a script ends at the refusal, as it always has.
                const bool show_quit = m_interactive && m_session.closing();
                return show_quit ? std::nullopt : std::optional<int>(exit_refused);
            }
        }
        return std::nullopt;
    }

    // A script's next lines, one at a time: each waits for the reply to the
    // one before, and for any /wait or /sleep.
    std::optional<int> run_script_lines() {
        for (;;) {
            settle_wait();
            if (m_session.replies_pending() > 0 || m_wait ||
                (m_pause_until && Clock::now() < *m_pause_until)) {
                return std::nullopt;
            }
            m_pause_until.reset();
            const std::size_t newline = m_input.find('\n');
            if (newline == std::string::npos && !(m_input_ended && !m_input.empty())) {
                if (m_input_ended && m_output.empty()) {
                    return exit_ok;  // every line sent, every reply in
                }
                return std::nullopt;
            }
            std::string line = m_input.substr(0, newline);
            m_input.erase(0, newline == std::string::npos ? m_input.size() : newline + 1);
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            act_on(line);
        }
    }

    // A /wait is met by the oldest push of its kind that no /wait has met
    // yet, even one that came before the /wait was read: a script cannot
    // know how its input and the server's lines interleave.
    void settle_wait() {
        if (m_wait) {
            std::size_t& unwaited = m_pushes_unwaited[static_cast<std::size_t>(m_wait->kind)];
            if (unwaited > 0) {
                --unwaited;
                m_wait.reset();
            }
        }
    }

    // `echo`: show a typed line that is not a message (a message is shown
    // with its addressee once the server has it).
    void act_on(const std::string& line, bool echo = false) {
        const auto action = interpret(line, m_session, m_agent_view.current());
        const auto* send = std::get_if<SendLine>(&action);
        if (send != nullptr && send->bytes.starts_with("MSG ")) {
            m_display.sent(message_text(send->bytes));
        } else if (echo && !line.empty()) {
            print({"> " + printable(line)});  // what was typed stays on screen
        }
        if (send != nullptr) {
            m_output += send->bytes;
            m_reply_deadline = Clock::now() + std::chrono::seconds(30);
            if (send->request == CommandKind::list) {
                m_agent_view.list_sent(Clock::now(), true);
            }
        } else if (const auto* choice = std::get_if<SwitchTo>(&action)) {
            switch_to(choice->name);
        } else if (std::holds_alternative<ShowHelp>(action)) {
            print(help_lines());
        } else if (const auto* wait = std::get_if<WaitForPush>(&action)) {
            m_wait = ActiveWait{wait->kind, Clock::now() + seconds(wait->seconds)};
        } else if (const auto* pause = std::get_if<Pause>(&action)) {
            m_pause_until = Clock::now() + seconds(pause->seconds);
        } else if (const auto* problem = std::get_if<InputProblem>(&action)) {
            print({m_display.problem(problem->message)});
        }
    }

    void switch_to(const std::string& name) {
        if (const auto problem = m_agent_view.choose(name)) {
            print({m_display.problem(*problem)});
        } else if (m_interactive) {
            print({Display::note("your lines now go to " + printable(m_agent_view.current()))});
        }
    }

    std::vector<std::string> help_lines() const {
        std::vector<std::string> lines;
        const std::string text = help_text(m_session.role());
        for (std::size_t start = 0; start < text.size();) {
            const std::size_t end = text.find('\n', start);
            lines.push_back((m_interactive ? "  " : "help ") + text.substr(start, end - start));
            start = end + 1;
        }
        return lines;
    }

    static Clock::duration seconds(double value) {
        return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value));
    }

    // Waits for the socket, the keyboard or a deadline, and moves bytes.
    // Returns false once the connection is gone.
    bool wait_and_transfer() {
        const bool read_input =
            !m_input_ended && (m_interactive ? m_raw : m_input.find('\n') == std::string::npos);
        const LinkReady ready = m_link.wait(!m_output.empty(), read_input, poll_timeout_ms());
        if (ready.failed) {
            return false;
        }
        if (take_redraw_request()) {
            redraw();
        }
        check_deadlines();
        if (ready.socket_writable && !flush_output()) {
            return false;
        }
        if (ready.socket_readable) {
            read_socket();
        }
        if (ready.input_ready) {
            read_keyboard_or_script();
        }
        return true;
    }

    int poll_timeout_ms() const {
        auto deadline = Clock::now() + std::chrono::seconds(1);
        const bool agent_at_terminal = m_raw && m_session.role() == Role::agent;
        for (const auto& next :
             {m_wait ? std::optional(m_wait->deadline) : std::nullopt, m_pause_until,
              m_reply_deadline,
              agent_at_terminal ? std::optional(m_agent_view.next_list_time()) : std::nullopt}) {
            if (next && *next < deadline) {
                deadline = *next;
            }
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        return static_cast<int>(std::max<std::chrono::milliseconds::rep>(left.count() + 1, 0));
    }

    void check_deadlines() {
        const auto now = Clock::now();
        if (m_wait && now >= m_wait->deadline) {
            print({m_display.problem("timed out waiting for a push")});
            m_wait.reset();
        }
        if (m_reply_deadline && now >= *m_reply_deadline) {
            print({m_display.problem("the server has not answered for 30 seconds; giving up")});
            m_server_closed = true;
        }
    }

    bool flush_output() {
        while (!m_output.empty()) {
            const Transfer sent = m_link.send(m_output);
            if (sent.would_block) {
                return true;
            }
            if (sent.ended) {
                m_server_closed = true;
                return false;
            }
            m_output.erase(0, sent.bytes);
        }
        return true;
    }

    void read_socket() {
        char buffer[16384];
        const Transfer got = m_link.receive(buffer, sizeof buffer);
        if (got.bytes > 0) {
            m_session.receive(std::string_view(buffer, got.bytes));
            return;
        }
        if (got.would_block) {
            return;
        }
        handle_events();  // whatever arrived before the end
        if (!m_session.closing()) {
            print({m_display.for_script() ? "closed connection lost"
                                          : "[closed] the connection to the server was lost"});
        }
        m_server_closed = true;
    }

    void read_keyboard_or_script() {
        char buffer[4096];
        const Transfer got = m_link.read_input(buffer, sizeof buffer);
        if (got.would_block) {
            return;
        }
        if (got.ended) {
            m_input_ended = true;
            if (m_interactive) {
                quit();
            }
            return;
        }
        if (!m_interactive) {
            m_input.append(buffer, got.bytes);
            return;
        }
        for (std::size_t i = 0; i < got.bytes; ++i) {
            type(buffer[i]);
        }
    }

    // One key from the person at the keyboard.
    void type(char key) {
        if (key == '\t' && m_editor.line().empty() && m_agent_view.customers().size() > 1) {
            m_agent_view.choose_next();  // Tab on an empty line: the next customer
            update_prompt();
            redraw();
            return;
        }
        switch (m_editor.feed(key)) {
            case LineEditor::Outcome::editing:
                break;
            case LineEditor::Outcome::end_of_input:
                quit();
                return;
            case LineEditor::Outcome::show_candidates:
                print({join(m_editor.candidates(), "  ")});
                return;
            case LineEditor::Outcome::line_ready:
                send_typed_line();
                break;
        }
        redraw();
    }

    void send_typed_line() {
        const bool secret = m_settings.key && !m_settings.key->empty() &&
                            m_editor.line().find(*m_settings.key) != std::string::npos;
        if (secret) {
            m_editor.mark_secret();  // the key, typed by mistake: never in a history
        }
        const std::string line = m_editor.take_line();
        if (m_history_path && !secret && !telechat::detail::only_spaces(line)) {
            append_history_line(*m_history_path, line);
        }
        write_out(std::string(LineEditor::clear_line));
        act_on(line, true);
    }

    // The text of a `MSG [customer] text` line this client wrote.
    std::string message_text(std::string_view bytes) const {
        std::string_view rest = bytes.substr(0, bytes.find('\n'));
        (void)telechat::protocol::next_word(rest);  // MSG
        if (m_session.role() == Role::agent) {
            (void)telechat::protocol::next_word(rest);  // the customer
        }
        return std::string(telechat::protocol::text_after_word(rest));
    }

    void quit() {
        if (!m_quit_sent) {
            m_quit_sent = true;
            m_output += m_session.quit();
        }
    }

    // ---- output ----

    void print(const std::vector<std::string>& lines) {
        std::string text;
        for (const std::string& line : lines) {
            text += line + "\n";
        }
        if (m_raw) {
            update_prompt();
            text = std::string(LineEditor::clear_line) + text + drawn_line();
        }
        write_out(text);
    }

    void redraw() {
        if (m_raw) {
            write_out(drawn_line());
        }
    }

    std::string drawn_line() { return m_editor.render(m_prompt, terminal_width()).bytes; }

    static std::string join(const std::vector<std::string>& words, std::string_view separator) {
        std::string text;
        for (const std::string& word : words) {
            text += (text.empty() ? "" : std::string(separator)) + printable(word);
        }
        return text;
    }

    void update_prompt() {
        std::string prompt = m_session.name();
        if (m_session.role() == Role::customer) {
            prompt += m_session.agent().empty()
                          ? (m_session.position() > 0
                                 ? " (number " + std::to_string(m_session.position()) + " in line)"
                                 : " (waiting)")
                          : " → " + m_session.agent();
        } else {
            std::vector<std::string> others;
            for (const std::string& other : m_agent_view.others()) {
                others.push_back(printable(other));
            }
            m_prompt = agent_prompt(printable(prompt), printable(m_agent_view.current()), others,
                                    m_agent_view.waiting(), terminal_width() / 2);
            return;
        }
        m_prompt = printable(prompt) + "> ";
    }

    struct ActiveWait {
        PushKind kind;
        Clock::time_point deadline;
    };

    Settings m_settings;
    bool m_interactive;
    AgentView m_agent_view;
    Display m_display;
    Session m_session;
    LineEditor m_editor;
    std::string m_prompt;
    std::optional<std::filesystem::path> m_history_path;  // none: history not kept in a file
    ServerLink m_link;
    std::string m_output;  // bytes not yet sent to the server
    std::string m_input;   // a script's lines not yet acted on
    bool m_input_ended = false;
    bool m_raw = false;
    bool m_quit_sent = false;
    bool m_quit_acknowledged = false;
    bool m_server_closed = false;
    bool m_ended_by_agent = false;  // the server's last word: the agent ended the conversation
    std::optional<ActiveWait> m_wait;
    std::size_t m_pushes_unwaited[5] = {};  // by PushKind: pushes no /wait has met yet
    std::optional<Clock::time_point> m_pause_until;
    std::optional<Clock::time_point> m_reply_deadline;
};

}  // namespace

int main(int argc, char** argv) {
    try {
        Settings settings = parse_arguments(argc, argv);
        const bool interactive = stdin_is_terminal();
        if (interactive) {
            install_terminal_guards();
        }
        ignore_broken_pipes();
        std::setvbuf(stdout, nullptr, _IONBF, 0);
        return Client(std::move(settings), interactive).run();
    } catch (const std::exception& error) {  // out of memory, mostly
        restore_terminal();
        std::fprintf(stderr, "telechat-client: %s\n", error.what());
        return exit_refused;
    }
}

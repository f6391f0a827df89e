// The load generator of the load benchmark (issue 9; how-to in bench/LOAD.md).
//
// One process, one thread, one epoll loop, non-blocking sockets. It drives
// one server over loopback in one of six dialects -- 3MCP (TeleChat), IRC,
// RESP (Redis pub/sub), the NATS text protocol, MQTT 3.1.1 and the bare
// relay's "<id>\n" pairing -- with one of three loads:
//
//   closed  P sender/receiver pairs, each sender keeps at most W messages in
//           flight (sent, and not yet both delivered and, where the protocol
//           answers the sender, acknowledged): the throughput figure. With
//           --messages N each sender sends exactly N and the run measures
//           all of them, from the first send to the last delivery, with no
//           warm-up: the cold start of a fresh server.
//   open    P pairs, a fixed total rate R sent round-robin on a timerfd
//           schedule. A message's latency runs from its *scheduled* send
//           time, so a stall of the server or of this process shows up in the
//           latency instead of silently slowing the offered load (no
//           coordinated omission). How late the sends themselves were is
//           reported, so a busy machine can be told from a slow server.
//   idle    N registered, idle connections held H seconds; the server's RSS
//           growth over a baseline taken before connecting, per connection.
//
// Every message's text is "<pair>.<seq>.<stamp ns>." padded with 'x': the
// receiver checks that each arrives once, in order, at the right receiver and
// from the right sender, and counts what did not.
//
// Every wait has a deadline and a run that stops making progress ends with a
// report that says so (status=fail), never a hang. The last line of a run is
// a machine-readable "RESULT key=value ..." line; `loadgen --summarize FILE`
// turns a file of them into the matrix table (bench/load_matrix.sh does).
#include <telechat/server/backends/tcp_connect.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Nanos = std::int64_t;
constexpr Nanos ns_per_ms = 1'000'000;
constexpr Nanos ns_per_s = 1'000'000'000;
constexpr std::size_t none = static_cast<std::size_t>(-1);

Nanos now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// ---------------------------------------------------------------- options

enum class Mode { Closed, Open, Idle };

struct Options {
    std::string proto = "3mcp";
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    long server_pid = 0;  // 0: no CPU or RSS figures for the server
    Mode mode = Mode::Closed;
    std::size_t pairs = 1;
    std::size_t window = 32;
    double rate = 0;  // messages/s in total, open loop
    double seconds = 3;
    double warmup_seconds = 0.5;
    std::size_t messages = 0;  // closed loop: N per pair, all measured (0: --seconds)
    std::size_t idle = 0;
    double hold_seconds = 15;
    std::size_t payload_bytes = 64;
    std::size_t connect_limit = 64;  // connections started and not yet registered
    std::string agent_key = "benchkey";
    std::string label;
    std::string fault;  // drop | dup | swap | misroute: tests the checker itself
    double setup_timeout = 120;
    double stall_timeout = 5;
    double drain_timeout = 3;
};

[[noreturn]] void usage(const std::string& problem) {
    std::fprintf(stderr,
                 "loadgen: %s\n"
                 "usage: loadgen --proto 3mcp|irc|resp|nats|mqtt|bare --port N [options]\n"
                 "  --pairs P --window W --seconds S     closed loop (default 1 pair, W 32, 3 s)\n"
                 "  --pairs P --window W --messages N    closed loop, N per pair, all measured\n"
                 "  --pairs P --rate R --seconds S       open loop, R messages/s in total\n"
                 "  --idle N --hold S                    N idle registered connections\n"
                 "  --server-pid PID  --connect-limit K  --payload BYTES  --agent-key KEY\n"
                 "  --warmup S  --setup-timeout S  --stall-timeout S  --label TEXT\n"
                 "  --fault drop|dup|swap|misroute       break every 997th delivery on purpose\n"
                 "loadgen --summarize FILE | --free-port | --wait-port N [--seconds S]\n",
                 problem.c_str());
    std::exit(2);
}

double to_number(const std::string& option, const char* text) {
    char* end = nullptr;
    const double value = std::strtod(text, &end);
    if (end == text || *end != '\0' || !(value >= 0)) {
        usage(option + ": '" + text + "' is not a number >= 0");
    }
    return value;
}

std::size_t to_count(const std::string& option, const char* text) {
    return static_cast<std::size_t>(to_number(option, text));
}

Options parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; i += 2) {
        const std::string option = argv[i];
        if (i + 1 >= argc) {
            usage(option + " needs a value");
        }
        const char* value = argv[i + 1];
        if (option == "--proto") {
            options.proto = value;
        } else if (option == "--host") {
            options.host = value;
        } else if (option == "--port") {
            options.port = static_cast<std::uint16_t>(to_count(option, value));
        } else if (option == "--server-pid") {
            options.server_pid = static_cast<long>(to_count(option, value));
        } else if (option == "--pairs") {
            options.pairs = std::max<std::size_t>(1, to_count(option, value));
        } else if (option == "--window") {
            options.window = std::max<std::size_t>(1, to_count(option, value));
        } else if (option == "--rate") {
            options.rate = to_number(option, value);
            options.mode = Mode::Open;
        } else if (option == "--seconds") {
            options.seconds = to_number(option, value);
        } else if (option == "--messages") {
            options.messages = to_count(option, value);
        } else if (option == "--warmup") {
            options.warmup_seconds = to_number(option, value);
        } else if (option == "--idle") {
            options.idle = std::max<std::size_t>(2, to_count(option, value));
            options.mode = Mode::Idle;
        } else if (option == "--hold") {
            options.hold_seconds = to_number(option, value);
        } else if (option == "--payload") {
            options.payload_bytes = std::clamp<std::size_t>(to_count(option, value), 40, 900);
        } else if (option == "--connect-limit") {
            options.connect_limit = std::max<std::size_t>(2, to_count(option, value));
        } else if (option == "--agent-key") {
            options.agent_key = value;
        } else if (option == "--label") {
            options.label = value;
        } else if (option == "--fault") {
            options.fault = value;
        } else if (option == "--setup-timeout") {
            options.setup_timeout = to_number(option, value);
        } else if (option == "--stall-timeout") {
            options.stall_timeout = to_number(option, value);
        } else if (option == "--drain-timeout") {
            options.drain_timeout = to_number(option, value);
        } else {
            usage("unknown option " + option);
        }
    }
    if (options.port == 0) {
        usage("--port is required");
    }
    if (!options.fault.empty() && options.fault != "drop" && options.fault != "dup" &&
        options.fault != "swap" && options.fault != "misroute") {
        usage("--fault: '" + options.fault + "' is not one of drop, dup, swap, misroute");
    }
    if (options.mode == Mode::Open && options.rate <= 0) {
        usage("--rate must be > 0");
    }
    return options;
}

// ---------------------------------------------------------------- payloads

struct Stamp {
    std::size_t pair = 0;
    std::uint64_t seq = 0;
    Nanos sent_ns = 0;
};

void append_payload(const Stamp& stamp, std::size_t size, std::string& out) {
    char text[64];
    const int length = std::snprintf(text, sizeof text, "%zu.%llu.%lld.", stamp.pair,
                                     static_cast<unsigned long long>(stamp.seq),
                                     static_cast<long long>(stamp.sent_ns));
    const auto written = static_cast<std::size_t>(length);
    out.append(text, written);
    out.append(size > written ? size - written : 0, 'x');
}

template <class Number>
bool take_number(std::string_view& text, Number& value) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end == text.data() + text.size() || *end != '.') {
        return false;
    }
    text.remove_prefix(static_cast<std::size_t>(end - text.data()) + 1);
    return true;
}

std::optional<Stamp> parse_payload(std::string_view text, std::size_t size) {
    Stamp stamp;
    if (text.size() != size || !take_number(text, stamp.pair) || !take_number(text, stamp.seq) ||
        !take_number(text, stamp.sent_ns) ||
        text.find_first_not_of('x') != std::string_view::npos) {
        return std::nullopt;
    }
    return stamp;
}

// ---------------------------------------------------------------- connections

enum class Role { Sender, Receiver, Idle };
enum class Stage { NotStarted, Connecting, Registering, Ready, Closed };

struct Conn {
    int fd = -1;
    Role role = Role::Idle;
    std::size_t index = 0;    // pair or idle slot this connection was made for
    std::size_t pair = none;  // the pair it receives for (3MCP: known at ASSIGNED)
    Stage stage = Stage::NotStarted;
    bool waiting_writable = false;
    bool dirty = false;  // listed in m_dirty for the next flush
    std::string in;
    std::string out;
};

// What a dialect tells the load generator while it decodes a connection's input.
class Events {
public:
    virtual void ready(Conn& conn) = 0;
    virtual void delivered(Conn& conn, std::string_view from, std::string_view payload) = 0;
    virtual void acked(Conn& conn) = 0;
    virtual void assigned(Conn& conn, std::string_view peer) = 0;
    virtual void failed(Conn& conn, std::string_view what) = 0;

protected:
    ~Events() = default;
};

std::string numbered(char prefix, std::size_t i) {
    return prefix + std::to_string(i);
}

// One protocol: what to send to register, how a message is written, and how
// the server's bytes decode into events. Names are s<i>/r<i> for the pair's
// ends and p<i> for its channel or topic unless a dialect says otherwise.
class Dialect {
public:
    virtual ~Dialect() = default;
    virtual std::string greeting(const Conn& conn) const = 0;
    virtual void append_message(std::size_t pair, std::string_view payload,
                                std::string& out) const = 0;
    // Consumes every complete frame at the front of conn.in.
    virtual void decode(Conn& conn, Events& events) const = 0;
    // The name a delivery must come from ("" when the protocol names no one).
    virtual std::string expected_from(std::size_t pair) const { return numbered('p', pair); }
    // True when the server acknowledges each message to its sender.
    virtual bool acks() const { return false; }
    // True when the server picks the receiver of each pair (3MCP's ASSIGNED).
    virtual bool server_pairs() const { return false; }
    // True when a receiver counts as registered once its greeting is written.
    virtual bool receiver_ready_when_connected() const { return false; }

protected:
    static std::string name_of(const Conn& conn) {
        return numbered(conn.role == Role::Sender     ? 's'
                        : conn.role == Role::Receiver ? 'r'
                                                      : 'i',
                        conn.index);
    }
};

// Calls `on_line` for each complete line (its CR LF or LF removed), then drops them.
template <class OnLine>
void for_each_line(Conn& conn, OnLine&& on_line) {
    std::size_t start = 0;
    for (std::size_t newline; (newline = conn.in.find('\n', start)) != std::string::npos;
         start = newline + 1) {
        std::string_view line(conn.in.data() + start, newline - start);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        on_line(line);
        if (conn.stage == Stage::Closed) {
            return;
        }
    }
    conn.in.erase(0, start);
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

// 3MCP: agents a<i> receive, customers c<i> send. Idle connections are
// customers left waiting in line (the server runs with no agents).
class TmcpDialect final : public Dialect {
public:
    explicit TmcpDialect(std::string key) : m_key(std::move(key)) {}

    std::string greeting(const Conn& conn) const override {
        if (conn.role == Role::Receiver) {
            return "CONNECT AGENT " + numbered('a', conn.index) + " " + m_key + "\r\n";
        }
        return "CONNECT CUSTOMER " + numbered(conn.role == Role::Sender ? 'c' : 'i', conn.index) +
               "\r\n";
    }
    void append_message(std::size_t, std::string_view payload, std::string& out) const override {
        out += "MSG ";
        out += payload;
        out += "\r\n";
    }
    void decode(Conn& conn, Events& events) const override {
        for_each_line(conn, [&](std::string_view line) {
            if (line == "+OK message received") {
                events.acked(conn);
            } else if (starts_with(line, "MSG ")) {
                line.remove_prefix(4);
                const std::size_t space = line.find(' ');
                events.delivered(conn, line.substr(0, space),
                                 space == std::string_view::npos ? "" : line.substr(space + 1));
            } else if (starts_with(line, "+OK welcome ")) {
                if (conn.role != Role::Sender) {  // a customer is ready once assigned
                    events.ready(conn);
                }
            } else if (starts_with(line, "ASSIGNED ")) {
                events.assigned(conn, line.substr(9));
            } else if (!starts_with(line, "QUEUED ")) {
                events.failed(conn, line);
            }
        });
    }
    std::string expected_from(std::size_t pair) const override { return numbered('c', pair); }
    bool acks() const override { return true; }
    bool server_pairs() const override { return true; }

private:
    std::string m_key;
};

// IRC (RFC 1459/2812 as InspIRCd and ngircd speak it): PRIVMSG r<i> from s<i>.
class IrcDialect final : public Dialect {
    // 4xx and 5xx replies are errors, except 422 "MOTD file is missing".
    static bool is_error_numeric(std::string_view command) {
        return command.size() == 3 && (command[0] == '4' || command[0] == '5') && command != "422";
    }

public:
    std::string greeting(const Conn& conn) const override {
        const std::string nick = name_of(conn);
        return "NICK " + nick + "\r\nUSER " + nick + " 0 * :" + nick + "\r\n";
    }
    void append_message(std::size_t pair, std::string_view payload,
                        std::string& out) const override {
        out += "PRIVMSG r";
        out += std::to_string(pair);
        out += " :";
        out += payload;
        out += "\r\n";
    }
    void decode(Conn& conn, Events& events) const override {
        for_each_line(conn, [&](std::string_view line) { decode_line(conn, line, events); });
    }
    std::string expected_from(std::size_t pair) const override { return numbered('s', pair); }

private:
    static void decode_line(Conn& conn, std::string_view line, Events& events) {
        std::string_view from;
        if (starts_with(line, ":")) {
            const std::size_t space = line.find(' ');
            from = line.substr(1, std::min(line.find('!'), space) - 1);
            line.remove_prefix(space == std::string_view::npos ? line.size() : space + 1);
        }
        const std::string_view command = line.substr(0, line.find(' '));
        if (command == "PING") {
            conn.out += "PONG";
            conn.out += line.substr(4);
            conn.out += "\r\n";
        } else if (command == "PRIVMSG") {
            const std::size_t text = line.find(" :");
            events.delivered(conn, from,
                             text == std::string_view::npos ? "" : line.substr(text + 2));
        } else if (command == "001") {
            events.ready(conn);
        } else if (command == "ERROR" || is_error_numeric(command)) {
            events.failed(conn, line);
        }
    }
};

// A minimal incremental RESP reader: one value, either a scalar or a flat
// array of at most four scalars (all that pub/sub sends).
struct RespValue {
    char type = 0;  // '+', '-', ':', '$' or '*'
    std::string_view items[4];
    std::size_t count = 0;
};

// Reads a scalar at `at`: returns the position after it, or none if incomplete.
std::size_t read_resp_scalar(std::string_view in, std::size_t at, char& type,
                             std::string_view& text) {
    const std::size_t end = in.find("\r\n", at);
    if (end == std::string_view::npos) {
        return none;
    }
    type = in[at];
    text = in.substr(at + 1, end - at - 1);
    if (type != '$') {
        return end + 2;
    }
    long long length = -1;
    std::from_chars(text.data(), text.data() + text.size(), length);
    if (length < 0) {
        text = {};
        return end + 2;
    }
    const std::size_t body = end + 2;
    const auto size = static_cast<std::size_t>(length);
    if (in.size() < body + size + 2) {
        return none;
    }
    text = in.substr(body, size);
    return body + size + 2;
}

std::size_t read_resp(std::string_view in, std::size_t at, RespValue& value) {
    std::size_t next = read_resp_scalar(in, at, value.type, value.items[0]);
    if (next == none || value.type != '*') {
        value.count = 1;
        return next;
    }
    std::size_t count = 0;
    std::from_chars(value.items[0].data(), value.items[0].data() + value.items[0].size(), count);
    value.count = std::min<std::size_t>(count, 4);
    for (std::size_t i = 0; i < count && next != none; ++i) {
        char type = 0;
        std::string_view item;
        next = read_resp_scalar(in, next, type, item);
        if (i < 4) {
            value.items[i] = item;
        }
    }
    return next;
}

void append_bulk(std::string_view text, std::string& out) {
    out += '$';
    out += std::to_string(text.size());
    out += "\r\n";
    out += text;
    out += "\r\n";
}

// Redis pub/sub: r<i> SUBSCRIBEs to p<i>, s<i> PUBLISHes to it and gets the
// receiver count back for each message (its ack).
class RespDialect final : public Dialect {
public:
    std::string greeting(const Conn& conn) const override {
        std::string out;
        if (conn.role == Role::Sender) {
            out = "*1\r\n";
            append_bulk("PING", out);
        } else {
            out = "*2\r\n";
            append_bulk("SUBSCRIBE", out);
            append_bulk(numbered('p', conn.index), out);
        }
        return out;
    }
    void append_message(std::size_t pair, std::string_view payload,
                        std::string& out) const override {
        out += "*3\r\n";
        append_bulk("PUBLISH", out);
        append_bulk(numbered('p', pair), out);
        append_bulk(payload, out);
    }
    void decode(Conn& conn, Events& events) const override {
        std::size_t at = 0;
        RespValue value;
        for (std::size_t next;
             at < conn.in.size() && (next = read_resp(conn.in, at, value)) != none; at = next) {
            handle(conn, value, events);
            if (conn.stage == Stage::Closed) {
                return;
            }
        }
        conn.in.erase(0, at);
    }
    bool acks() const override { return true; }

private:
    static void handle(Conn& conn, const RespValue& value, Events& events) {
        if (value.type == ':') {
            events.acked(conn);
        } else if (value.type == '+' && value.items[0] == "PONG") {
            events.ready(conn);
        } else if (value.type == '*' && value.count == 3 && value.items[0] == "message") {
            events.delivered(conn, value.items[1], value.items[2]);
        } else if (value.type == '*' && value.count == 3 && value.items[0] == "subscribe") {
            events.ready(conn);
        } else {
            events.failed(conn, value.type == '-' ? value.items[0] : "unexpected RESP reply");
        }
    }
};

// NATS: SUB p<i> 1, PUB p<i> <len>; a PING/PONG round trip confirms that the
// server has processed CONNECT and SUB.
class NatsDialect final : public Dialect {
public:
    std::string greeting(const Conn& conn) const override {
        std::string out = "CONNECT {\"verbose\":false,\"pedantic\":false}\r\n";
        if (conn.role != Role::Sender) {
            out += "SUB " + numbered('p', conn.index) + " 1\r\n";
        }
        return out + "PING\r\n";
    }
    void append_message(std::size_t pair, std::string_view payload,
                        std::string& out) const override {
        out += "PUB p";
        out += std::to_string(pair);
        out += ' ';
        out += std::to_string(payload.size());
        out += "\r\n";
        out += payload;
        out += "\r\n";
    }
    void decode(Conn& conn, Events& events) const override {
        std::string_view in = conn.in;
        std::size_t at = 0;
        for (std::size_t end; (end = in.find("\r\n", at)) != std::string_view::npos;) {
            const std::string_view line = in.substr(at, end - at);
            std::size_t next = end + 2;
            if (starts_with(line, "MSG ")) {
                // MSG <subject> <sid> [reply-to] <#bytes>, then the payload and CR LF
                const std::string_view subject = line.substr(4, line.find(' ', 4) - 4);
                std::size_t length = 0;
                const std::string_view size_text = line.substr(line.rfind(' ') + 1);
                std::from_chars(size_text.data(), size_text.data() + size_text.size(), length);
                if (in.size() < next + length + 2) {
                    break;
                }
                events.delivered(conn, subject, in.substr(next, length));
                next += length + 2;
            } else if (line == "PING") {
                conn.out += "PONG\r\n";
            } else if (line == "PONG") {
                events.ready(conn);
            } else if (starts_with(line, "-ERR")) {
                events.failed(conn, line);
            }
            if (conn.stage == Stage::Closed) {
                return;
            }
            at = next;
        }
        conn.in.erase(0, at);
    }
};

// MQTT 3.1.1, QoS 0 everywhere: CONNECT (clean session, no keep-alive),
// SUBSCRIBE p<i>, PUBLISH to p<i>.
class MqttDialect final : public Dialect {
public:
    std::string greeting(const Conn& conn) const override {
        std::string body;
        append_string("MQTT", body);
        body += '\x04';              // protocol level 4: MQTT 3.1.1
        body += '\x02';              // clean session
        body.append("\x00\x00", 2);  // keep-alive 0: no PINGREQ needed
        append_string(name_of(conn), body);
        std::string out = packet('\x10', body);
        if (conn.role != Role::Sender) {
            std::string subscribe("\x00\x01", 2);  // packet identifier 1
            append_string(numbered('p', conn.index), subscribe);
            subscribe += '\x00';  // QoS 0
            out += packet('\x82', subscribe);
        }
        return out;
    }
    void append_message(std::size_t pair, std::string_view payload,
                        std::string& out) const override {
        const std::string topic = numbered('p', pair);
        out += '\x30';  // PUBLISH, QoS 0, not retained
        append_length(2 + topic.size() + payload.size(), out);
        append_string(topic, out);
        out += payload;
    }
    void decode(Conn& conn, Events& events) const override {
        const std::string_view in = conn.in;
        std::size_t at = 0;
        while (at + 2 <= in.size()) {
            std::size_t length = 0;
            std::size_t header = 1;
            bool complete_length = false;
            for (unsigned shift = 0; at + header < in.size() && shift <= 21; shift += 7) {
                const auto byte = static_cast<unsigned char>(in[at + header++]);
                length |= static_cast<std::size_t>(byte & 0x7FU) << shift;
                if ((byte & 0x80U) == 0) {
                    complete_length = true;
                    break;
                }
            }
            if (!complete_length || in.size() < at + header + length) {
                break;
            }
            handle(conn, static_cast<unsigned char>(in[at]), in.substr(at + header, length),
                   events);
            if (conn.stage == Stage::Closed) {
                return;
            }
            at += header + length;
        }
        conn.in.erase(0, at);
    }

private:
    static void append_string(std::string_view text, std::string& out) {
        out += static_cast<char>(text.size() >> 8);
        out += static_cast<char>(text.size() & 0xFFU);
        out += text;
    }
    static void append_length(std::size_t length, std::string& out) {
        do {
            const auto digit = static_cast<unsigned char>(length & 0x7FU);
            length >>= 7;
            out += static_cast<char>(length > 0 ? digit | 0x80U : digit);
        } while (length > 0);
    }
    static std::string packet(char type, const std::string& body) {
        std::string out(1, type);
        append_length(body.size(), out);
        return out + body;
    }
    static void handle(Conn& conn, unsigned char type, std::string_view body, Events& events) {
        switch (type >> 4) {
            case 2:  // CONNACK: a receiver is ready at its SUBACK
                if (body.size() < 2 || body[1] != 0) {
                    events.failed(conn, "CONNACK refused");
                } else if (conn.role == Role::Sender) {
                    events.ready(conn);
                }
                break;
            case 9:  // SUBACK
                if (body.size() < 3 || static_cast<unsigned char>(body[2]) == 0x80U) {
                    events.failed(conn, "SUBACK refused");
                } else {
                    events.ready(conn);
                }
                break;
            case 3: {  // PUBLISH; QoS 0 has no packet identifier
                const std::size_t topic_length =
                    body.size() < 2
                        ? 0
                        : (static_cast<std::size_t>(static_cast<unsigned char>(body[0])) << 8) |
                              static_cast<unsigned char>(body[1]);
                const std::size_t skip = 2 + topic_length + ((type & 0x06U) != 0 ? 2 : 0);
                events.delivered(conn, body.substr(2, topic_length),
                                 body.substr(std::min(skip, body.size())));
                break;
            }
            case 13:  // PINGRESP
                break;
            default:
                events.failed(conn, "unexpected MQTT packet");
        }
    }
};

// The bare relay: both ends of pair i send "<i>\n" and get "paired\n"; then
// lines go through untouched. Idle connection k pairs with k^1.
class BareDialect final : public Dialect {
public:
    std::string greeting(const Conn& conn) const override {
        return std::to_string(conn.role == Role::Idle ? conn.index / 2 : conn.index) + "\n";
    }
    void append_message(std::size_t, std::string_view payload, std::string& out) const override {
        out += payload;
        out += '\n';
    }
    void decode(Conn& conn, Events& events) const override {
        for_each_line(conn, [&](std::string_view line) {
            if (line == "paired") {
                if (conn.role != Role::Receiver) {
                    events.ready(conn);
                }
            } else {
                events.delivered(conn, "", line);
            }
        });
    }
    std::string expected_from(std::size_t) const override { return ""; }
    // The relay pairs a receiver only when its sender arrives, which is later.
    bool receiver_ready_when_connected() const override { return true; }
};

std::unique_ptr<Dialect> make_dialect(const Options& options) {
    if (options.proto == "3mcp") {
        return std::make_unique<TmcpDialect>(options.agent_key);
    }
    if (options.proto == "irc") {
        return std::make_unique<IrcDialect>();
    }
    if (options.proto == "resp") {
        return std::make_unique<RespDialect>();
    }
    if (options.proto == "nats") {
        return std::make_unique<NatsDialect>();
    }
    if (options.proto == "mqtt") {
        return std::make_unique<MqttDialect>();
    }
    if (options.proto == "bare") {
        return std::make_unique<BareDialect>();
    }
    usage("unknown protocol '" + options.proto + "'");
}

// ---------------------------------------------------------------- figures

// The per-sender half of the receiver's check: which sequence numbers have
// arrived, and the highest so far (anything below it arrives out of order).
class SequenceCheck {
public:
    enum class Verdict { InOrder, Reordered, Duplicate, NeverSent };

    void sent() { m_seen.push_back(false); }
    std::uint64_t sent_count() const { return m_seen.size(); }
    std::uint64_t distinct() const { return m_distinct; }

    Verdict receive(std::uint64_t seq) {
        if (seq >= m_seen.size()) {
            return Verdict::NeverSent;
        }
        if (m_seen[seq]) {
            return Verdict::Duplicate;
        }
        m_seen[seq] = true;
        ++m_distinct;
        if (m_any && seq < m_highest) {
            return Verdict::Reordered;
        }
        m_any = true;
        m_highest = seq;
        return Verdict::InOrder;
    }

private:
    std::vector<bool> m_seen;
    std::uint64_t m_distinct = 0;
    std::uint64_t m_highest = 0;
    bool m_any = false;
};

struct Pair {
    std::size_t sender = none;
    std::size_t receiver = none;
    std::string from;  // the name its deliveries must carry
    SequenceCheck check;
    std::uint64_t acked = 0;
    std::optional<Stamp> held;  // --fault swap: a delivery kept back
};

struct Counts {
    std::uint64_t sent = 0, delivered = 0, duplicated = 0, reordered = 0, misrouted = 0;
    std::uint64_t corrupt = 0, acks = 0, errors = 0, in_window = 0, fault_tick = 0;
};

Nanos percentile(std::vector<Nanos>& sorted, double share) {
    if (sorted.empty()) {
        return 0;
    }
    const auto rank =
        static_cast<std::size_t>(std::ceil(share * static_cast<double>(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// utime + stime of a process, in seconds; nullopt if it cannot be read.
// Fields of /proc/<pid>/stat (proc(5)), counted from 3 (the one after the
// command name, which may hold spaces); empty if it cannot be read.
std::vector<std::string> process_stat_fields(long pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    const std::size_t close = text.rfind(')');
    std::vector<std::string> fields;
    if (pid <= 0 || close == std::string::npos) {
        return fields;
    }
    std::istringstream words(text.substr(close + 2));
    for (std::string word; words >> word;) {
        fields.push_back(word);
    }
    return fields;
}

std::optional<double> process_cpu_seconds(long pid) {
    const std::vector<std::string> fields = process_stat_fields(pid);
    if (fields.size() < 13) {
        return std::nullopt;
    }
    // fields 14 and 15 of proc(5): utime, stime, in clock ticks
    const double ticks =
        std::strtod(fields[11].c_str(), nullptr) + std::strtod(fields[12].c_str(), nullptr);
    return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Minor page faults of a process so far (field 10 of proc(5)): memory it
// touched for the first time.
std::optional<double> process_minor_faults(long pid) {
    const std::vector<std::string> fields = process_stat_fields(pid);
    if (fields.size() < 8) {
        return std::nullopt;
    }
    return std::strtod(fields[7].c_str(), nullptr);
}

std::optional<long> process_rss_kib(long pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; pid > 0 && std::getline(file, line);) {
        if (starts_with(line, "VmRSS:")) {
            return std::strtol(line.c_str() + 6, nullptr, 10);
        }
    }
    return std::nullopt;
}

double self_cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// ---------------------------------------------------------------- the generator

class RunFailed : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class LoadGenerator final : private Events {
public:
    explicit LoadGenerator(Options options)
        : m_options(std::move(options)),
          m_dialect(make_dialect(m_options)),
          m_epoll(::epoll_create1(0)),
          m_timer(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK)) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = timer_token;
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_timer, &event);
    }

    int run() {
        std::string failure;
        try {
            if (m_options.mode == Mode::Idle) {
                run_idle();
            } else {
                set_up_pairs();
                run_traffic();
            }
        } catch (const RunFailed& error) {
            failure = error.what();
        }
        report(failure);
        for (Conn& conn : m_conns) {
            if (conn.fd >= 0) {
                ::close(conn.fd);
            }
        }
        return failure.empty() && clean() ? 0 : 1;
    }

private:
    static constexpr std::uint64_t timer_token = ~std::uint64_t{0};

    // ---- connecting and registering

    std::size_t add_conn(Role role, std::size_t index) {
        Conn conn;
        conn.role = role;
        conn.index = index;
        conn.pair = role == Role::Receiver && !m_dialect->server_pairs() ? index : none;
        m_conns.push_back(std::move(conn));
        return m_conns.size() - 1;
    }

    // Source addresses cycle over 127.0.0.2-254 so that 20,000 connections
    // never run out of ephemeral ports on one address.
    void start_connect(std::size_t id) {
        Conn& conn = m_conns[id];
        telechat::server::ConnectOptions options;
        options.timeout = std::chrono::milliseconds(0);  // epoll says when it is done
        options.local_address = "127.0.0." + std::to_string(2 + id % 253);
        auto connection = telechat::server::tcp_connect(m_options.host, m_options.port, options);
        if (!connection.ok()) {
            throw RunFailed("connect: " + connection.error);
        }
        conn.fd = connection.fd;
        conn.stage = Stage::Connecting;
        ++m_registering;
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT;
        event.data.u64 = id;
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, conn.fd, &event);
        conn.waiting_writable = true;
    }

    void on_connected(std::size_t id) {
        Conn& conn = m_conns[id];
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(conn.fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
            throw RunFailed("connect to port " + std::to_string(m_options.port) + ": " +
                            std::strerror(error));
        }
        conn.stage = Stage::Registering;
        m_last_progress = now_ns();
        queue(id, m_dialect->greeting(conn));
        if (conn.role == Role::Receiver && m_dialect->receiver_ready_when_connected()) {
            ready(conn);
        }
    }

    // Connects `ids` with at most connect_limit registering at once (a server
    // with a short listen backlog drops SYNs beyond it), until all are ready.
    void connect_all(const std::vector<std::size_t>& ids, const char* what) {
        const Nanos deadline = now_ns() + seconds_to_ns(m_options.setup_timeout);
        const std::size_t ready_before = m_ready;
        std::size_t started = 0;
        while (m_ready - ready_before < ids.size()) {
            while (started < ids.size() && m_registering < m_options.connect_limit) {
                start_connect(ids[started++]);
            }
            poll_once(50);
            check_progress(deadline, what);
        }
    }

    // Setup may take long (InspIRCd welcomes once a second) but must keep moving.
    void check_progress(Nanos deadline, const char* what) {
        const Nanos now = now_ns();
        if (now > deadline || now - m_last_progress > 2 * seconds_to_ns(m_options.stall_timeout)) {
            throw RunFailed(std::string("timed out ") + what + " (" + std::to_string(m_ready) +
                            " of " + std::to_string(m_conns.size()) + " registered)");
        }
    }

    void set_up_pairs() {
        m_pairs.resize(m_options.pairs);
        std::vector<std::size_t> receivers;
        std::vector<std::size_t> senders;
        for (std::size_t i = 0; i < m_options.pairs; ++i) {
            m_pairs[i].from = m_dialect->expected_from(i);
            m_pairs[i].receiver = add_conn(Role::Receiver, i);
            receivers.push_back(m_pairs[i].receiver);
        }
        for (std::size_t i = 0; i < m_options.pairs; ++i) {
            m_pairs[i].sender = add_conn(Role::Sender, i);
            senders.push_back(m_pairs[i].sender);
        }
        // Receivers first: a message sent before its receiver exists is lost.
        connect_all(receivers, "registering the receivers");
        connect_all(senders, "registering the senders");
        const Nanos deadline = now_ns() + seconds_to_ns(m_options.setup_timeout);
        while (!all_receivers_bound()) {  // 3MCP: the agents' ASSIGNED may trail
            poll_once(50);
            check_progress(deadline, "waiting for the agents' ASSIGNED");
        }
        for (std::size_t i = 0; i < m_pairs.size(); ++i) {
            const Conn& agent = m_conns[m_pairs[i].receiver];
            if (agent.pair != i) {
                throw RunFailed("ASSIGNED disagrees: c" + std::to_string(i) + " was given a" +
                                std::to_string(agent.index) + ", which was given c" +
                                std::to_string(agent.pair));
            }
        }
    }

    bool all_receivers_bound() const {
        return std::all_of(m_pairs.begin(), m_pairs.end(), [&](const Pair& pair) {
            return pair.receiver != none && m_conns[pair.receiver].pair != none;
        });
    }

    // ---- traffic

    void run_traffic() {
        if (m_options.messages > 0 && m_options.mode == Mode::Closed) {
            run_fixed_count();
            return;
        }
        const Nanos start = now_ns();
        m_window_start = start + seconds_to_ns(m_options.warmup_seconds);
        m_window_end = m_window_start + seconds_to_ns(m_options.seconds);
        m_cpu_before = cpu_now();
        if (m_options.mode == Mode::Closed) {
            for (std::size_t i = 0; i < m_pairs.size(); ++i) {
                refill(i);
            }
        } else {
            m_open_start = start;
            arm_timer(start);
        }
        m_last_progress = now_ns();
        while (now_ns() < m_window_end) {
            poll_once(20);
            if (m_options.mode == Mode::Open) {
                send_due_messages();
            }
            check_stall();
        }
        m_cpu_after = cpu_now();
        m_sending = false;
        drain();
    }

    // Every pair sends exactly --messages; the window runs from the first send
    // to the last delivery (or ack), so nothing is left out, warm-up included.
    void run_fixed_count() {
        const Nanos start = now_ns();
        m_window_start = start;
        m_window_end = std::numeric_limits<Nanos>::max();
        m_cpu_before = cpu_now();
        for (std::size_t i = 0; i < m_pairs.size(); ++i) {
            refill(i);
        }
        m_last_progress = now_ns();
        while (!all_sent() || !all_settled()) {
            poll_once(20);
            check_stall();
        }
        m_window_end = now_ns();
        m_cpu_after = cpu_now();
        m_sending = false;
    }

    bool all_sent() const {
        return std::all_of(m_pairs.begin(), m_pairs.end(),
                           [&](const Pair& pair) { return left_to_send(pair) == 0; });
    }

    // How many messages the pair has still to send under --messages; no
    // bound without it.
    std::size_t left_to_send(const Pair& pair) const {
        if (m_options.messages == 0) {
            return std::numeric_limits<std::size_t>::max();
        }
        const std::uint64_t sent = pair.check.sent_count();
        return sent >= m_options.messages ? 0 : static_cast<std::size_t>(m_options.messages - sent);
    }

    void check_stall() {
        if (now_ns() - m_last_progress > seconds_to_ns(m_options.stall_timeout)) {
            throw RunFailed("stalled: nothing received for " +
                            std::to_string(m_options.stall_timeout) + " s");
        }
    }

    std::size_t in_flight(const Pair& pair) const {
        const std::uint64_t done =
            m_dialect->acks() ? std::min(pair.check.distinct(), pair.acked) : pair.check.distinct();
        return static_cast<std::size_t>(pair.check.sent_count() - done);
    }

    void refill(std::size_t index) {
        Pair& pair = m_pairs[index];
        if (!m_sending || m_options.mode != Mode::Closed) {
            return;
        }
        const Nanos now = now_ns();
        std::size_t room = std::min(m_options.window - std::min(m_options.window, in_flight(pair)),
                                    left_to_send(pair));
        for (; room > 0; --room) {
            send_message(index, now);
        }
    }

    void send_message(std::size_t index, Nanos stamp_ns) {
        Pair& pair = m_pairs[index];
        Conn& sender = m_conns[pair.sender];
        m_payload.clear();
        append_payload({index, pair.check.sent_count(), stamp_ns}, m_options.payload_bytes,
                       m_payload);
        m_dialect->append_message(index, m_payload, sender.out);
        mark_dirty(pair.sender);
        pair.check.sent();
        ++m_counts.sent;
        if (sender.out.size() > max_unsent_bytes) {
            throw RunFailed("the server stopped reading: " + std::to_string(sender.out.size()) +
                            " bytes unsent to one connection");
        }
    }

    // Open loop: message k is due at start + k / rate, whatever happened to
    // the ones before it; each is stamped with its due time.
    void send_due_messages() {
        const Nanos now = now_ns();
        const double interval_ns = 1e9 / m_options.rate;
        Nanos due = next_due(interval_ns);
        for (; due <= now && due < m_window_end; due = next_due(interval_ns)) {
            if (due >= m_window_start) {
                m_lateness.push_back(now - due);
            }
            send_message(m_open_sent % m_pairs.size(), due);
            ++m_open_sent;
        }
        flush_dirty();
        arm_timer(due);
    }

    Nanos next_due(double interval_ns) const {
        return m_open_start + static_cast<Nanos>(static_cast<double>(m_open_sent) * interval_ns);
    }

    void arm_timer(Nanos at) {
        itimerspec spec{};
        spec.it_value.tv_sec = static_cast<time_t>(at / ns_per_s);
        spec.it_value.tv_nsec = static_cast<long>(at % ns_per_s);
        ::timerfd_settime(m_timer, TFD_TIMER_ABSTIME, &spec, nullptr);
    }

    // After the last send: waits for what is still in flight, then counts
    // whatever has not arrived as lost.
    void drain() {
        const Nanos deadline = now_ns() + seconds_to_ns(m_options.drain_timeout);
        while (now_ns() < deadline && !all_settled()) {
            poll_once(20);
        }
    }

    bool all_settled() const {
        return std::all_of(m_pairs.begin(), m_pairs.end(),
                           [&](const Pair& pair) { return in_flight(pair) == 0; });
    }

    // ---- idle

    void run_idle() {
        const std::optional<long> baseline = process_rss_kib(m_options.server_pid);
        std::vector<std::size_t> ids;
        for (std::size_t k = 0; k < m_options.idle; ++k) {
            ids.push_back(add_conn(Role::Idle, k));
        }
        const Nanos connect_start = now_ns();
        connect_all(ids, "registering the idle connections");
        m_connect_seconds = static_cast<double>(now_ns() - connect_start) / 1e9;
        const Nanos hold_end = now_ns() + seconds_to_ns(m_options.hold_seconds);
        while (now_ns() < hold_end) {
            poll_once(100);
        }
        const std::optional<long> held = process_rss_kib(m_options.server_pid);
        if (baseline && held) {
            m_rss_base_kib = *baseline;
            m_rss_kib = *held;
        }
        if (m_closed_by_server > 0) {
            throw RunFailed(std::to_string(m_closed_by_server) +
                            " idle connections were closed by the server");
        }
    }

    // ---- the event loop

    void poll_once(int timeout_ms) {
        epoll_event events[512];
        const int count = ::epoll_wait(m_epoll, events, 512, timeout_ms);
        for (int i = 0; i < count; ++i) {
            const epoll_event& event = events[i];
            if (event.data.u64 == timer_token) {
                std::uint64_t expirations = 0;
                [[maybe_unused]] const ssize_t got =
                    ::read(m_timer, &expirations, sizeof expirations);
                continue;
            }
            const auto id = static_cast<std::size_t>(event.data.u64);
            if (m_conns[id].stage == Stage::Connecting) {
                on_connected(id);
            }
            if ((event.events & EPOLLOUT) != 0U) {
                mark_dirty(id);
            }
            if ((event.events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0U) {
                read_from(id);
            }
        }
        flush_dirty();
    }

    void read_from(std::size_t id) {
        Conn& conn = m_conns[id];
        if (conn.stage == Stage::Closed) {
            return;
        }
        char buffer[1 << 16];
        const ssize_t got = ::recv(conn.fd, buffer, sizeof buffer, 0);
        if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
            return;
        }
        if (got <= 0) {
            const bool was_ready = conn.stage == Stage::Ready;
            close_conn(conn);
            ++m_closed_by_server;
            if (m_options.mode != Mode::Idle || !was_ready) {
                throw RunFailed("the server closed connection " + std::to_string(id) +
                                (was_ready ? "" : " while it registered"));
            }
            return;
        }
        m_last_progress = now_ns();
        conn.in.append(buffer, static_cast<std::size_t>(got));
        m_dialect->decode(conn, *this);
        if (!conn.out.empty()) {  // a dialect may have queued a reply (a PONG)
            mark_dirty(id);
        }
    }

    void queue(std::size_t id, std::string_view bytes) {
        m_conns[id].out += bytes;
        mark_dirty(id);
    }

    // Output is queued during a pass over the ready events and sent once at
    // its end: one send() per connection per pass, however many messages.
    void mark_dirty(std::size_t id) {
        if (!m_conns[id].dirty) {
            m_conns[id].dirty = true;
            m_dirty.push_back(id);
        }
    }

    void flush_dirty() {
        m_flushing.swap(m_dirty);
        for (const std::size_t id : m_flushing) {
            flush(m_conns[id]);
        }
        m_flushing.clear();
    }

    void flush(Conn& conn) {
        conn.dirty = false;
        if (conn.stage == Stage::Closed || conn.stage == Stage::Connecting) {
            return;
        }
        if (!conn.out.empty()) {
            const ssize_t sent = ::send(conn.fd, conn.out.data(), conn.out.size(), MSG_NOSIGNAL);
            if (sent < 0 && errno != EAGAIN && errno != EINTR) {
                throw RunFailed(std::string("send: ") + std::strerror(errno));
            }
            conn.out.erase(0, sent > 0 ? static_cast<std::size_t>(sent) : 0);
        }
        const bool want_writable = !conn.out.empty();
        if (want_writable != conn.waiting_writable) {
            epoll_event event{};
            event.events = EPOLLIN | (want_writable ? EPOLLOUT : 0U);
            event.data.u64 = static_cast<std::uint64_t>(&conn - m_conns.data());
            ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, conn.fd, &event);
            conn.waiting_writable = want_writable;
        }
    }

    void close_conn(Conn& conn) {
        ::close(conn.fd);
        conn.fd = -1;
        if (conn.stage != Stage::Ready) {
            --m_registering;
        }
        conn.stage = Stage::Closed;
    }

    // ---- Events: what the dialects report

    void ready(Conn& conn) override {
        if (conn.stage == Stage::Registering) {
            conn.stage = Stage::Ready;
            --m_registering;
            ++m_ready;
        }
    }

    void assigned(Conn& conn, std::string_view peer) override {
        // 3MCP: customer c<i> learns its agent a<k>, agent a<k> its customer c<i>.
        const auto number = [](std::string_view name) {
            std::size_t value = none;
            if (name.size() > 1) {
                std::from_chars(name.data() + 1, name.data() + name.size(), value);
            }
            return value;
        };
        const std::size_t other = number(peer);
        if (conn.role == Role::Receiver && other < m_pairs.size()) {
            conn.pair = other;
        } else if (conn.role == Role::Sender && other < m_pairs.size()) {
            m_pairs[conn.index].receiver = find_agent(other);
            ready(conn);
        } else {
            failed(conn, "ASSIGNED to an unknown peer");
        }
    }

    std::size_t find_agent(std::size_t agent_index) const {
        for (std::size_t id = 0; id < m_conns.size(); ++id) {
            if (m_conns[id].role == Role::Receiver && m_conns[id].index == agent_index) {
                return id;
            }
        }
        return none;
    }

    void acked(Conn& conn) override {
        ++m_counts.acks;
        if (conn.role == Role::Sender) {
            ++m_pairs[conn.index].acked;
            refill(conn.index);
        }
    }

    void failed(Conn& conn, std::string_view what) override {
        ++m_counts.errors;
        if (m_first_error.empty()) {
            m_first_error = std::string(what.substr(0, 120));
        }
        if (conn.stage != Stage::Ready) {
            throw RunFailed("while registering: " + m_first_error);
        }
    }

    void delivered(Conn& conn, std::string_view from, std::string_view payload) override {
        std::optional<Stamp> stamp = parse_payload(payload, m_options.payload_bytes);
        if (!stamp || conn.pair == none) {
            ++m_counts.corrupt;
            return;
        }
        const std::uint64_t tick = ++m_counts.fault_tick;
        if (!m_options.fault.empty() && tick % 997 == 0) {
            if (inject_fault(conn, from, *stamp)) {
                return;
            }
        }
        check_delivery(conn, from, *stamp);
        if (m_pairs[conn.pair].held) {  // --fault swap: now after the one that followed it
            const Stamp held = *m_pairs[conn.pair].held;
            m_pairs[conn.pair].held.reset();
            check_delivery(conn, from, held);
        }
    }

    // --fault: breaks one delivery on purpose, to show that the checker
    // catches it. Returns true if the delivery must not be checked now.
    bool inject_fault(Conn& conn, std::string_view from, Stamp& stamp) {
        if (m_options.fault == "drop") {
            return true;
        }
        if (m_options.fault == "dup") {
            check_delivery(conn, from, stamp);
        } else if (m_options.fault == "swap") {
            m_pairs[conn.pair].held = stamp;
            return true;
        } else if (m_options.fault == "misroute") {
            stamp.pair = (stamp.pair + 1) % (m_pairs.size() + 1);
        }
        return false;
    }

    void check_delivery(const Conn& conn, std::string_view from, const Stamp& stamp) {
        if (stamp.pair != conn.pair || from != m_pairs[conn.pair].from) {
            ++m_counts.misrouted;
            return;
        }
        Pair& pair = m_pairs[stamp.pair];
        switch (pair.check.receive(stamp.seq)) {
            case SequenceCheck::Verdict::NeverSent:
                ++m_counts.corrupt;
                return;
            case SequenceCheck::Verdict::Duplicate:
                ++m_counts.duplicated;
                return;
            case SequenceCheck::Verdict::Reordered:
                ++m_counts.reordered;
                break;
            case SequenceCheck::Verdict::InOrder:
                break;
        }
        ++m_counts.delivered;
        const Nanos now = now_ns();
        if (now >= m_window_start && now < m_window_end) {
            ++m_counts.in_window;
        }
        if (stamp.sent_ns >= m_window_start && stamp.sent_ns < m_window_end) {
            m_latencies.push_back(now - stamp.sent_ns);
        }
        if (m_options.mode == Mode::Closed) {
            refill(stamp.pair);
        }
    }

    // ---- the report

    struct CpuSample {
        std::optional<double> server;
        std::optional<double> server_faults;
        double self = 0;
        Nanos at = 0;
    };

    CpuSample cpu_now() const {
        return {process_cpu_seconds(m_options.server_pid),
                process_minor_faults(m_options.server_pid), self_cpu_seconds(), now_ns()};
    }

    std::uint64_t lost() const {
        std::uint64_t lost = 0;
        for (const Pair& pair : m_pairs) {
            lost += pair.check.sent_count() - pair.check.distinct();
        }
        return lost;
    }

    std::uint64_t acks_missing() const {
        std::uint64_t missing = 0;
        for (const Pair& pair : m_pairs) {
            missing += m_dialect->acks() ? pair.check.sent_count() - pair.acked : 0;
        }
        return missing;
    }

    bool clean() const {
        return lost() == 0 && acks_missing() == 0 && m_counts.duplicated == 0 &&
               m_counts.reordered == 0 && m_counts.misrouted == 0 && m_counts.corrupt == 0 &&
               m_counts.errors == 0;
    }

    void report(const std::string& failure) {
        const std::string status = !failure.empty() ? "fail" : clean() ? "ok" : "fail";
        std::string result =
            "RESULT " + m_options.label + " proto=" + m_options.proto + " status=" + status;
        const auto field = [&result](const char* key, const std::string& value) {
            result += ' ';
            result += key;
            result += '=';
            result += value;
        };
        const auto number = [](double value, int decimals) {
            char text[48];
            std::snprintf(text, sizeof text, "%.*f", decimals, value);
            return std::string(text);
        };
        if (m_options.mode == Mode::Idle) {
            report_idle(field, number);
        } else {
            report_traffic(field, number);
        }
        if (!failure.empty()) {
            std::printf("  FAILED: %s\n", failure.c_str());
        }
        if (!m_first_error.empty()) {
            std::printf("  first error from the server: %s\n", m_first_error.c_str());
        }
        std::printf("%s\n", result.c_str());
        std::fflush(stdout);
    }

    template <class Field, class Number>
    void report_idle(const Field& field, const Number& number) const {
        const double kib = static_cast<double>(m_rss_kib - m_rss_base_kib);
        const double per_conn = kib * 1024.0 / static_cast<double>(m_options.idle);
        std::printf("loadgen %s idle: %zu connections registered in %.1f s, held %.0f s\n",
                    m_options.proto.c_str(), m_ready, m_connect_seconds, m_options.hold_seconds);
        std::printf("  server RSS %ld KiB -> %ld KiB: %.0f bytes per connection\n", m_rss_base_kib,
                    m_rss_kib, per_conn);
        field("mode", "idle");
        field("idle", std::to_string(m_options.idle));
        field("registered", std::to_string(m_ready));
        field("connect_s", number(m_connect_seconds, 1));
        field("rss_base_kib", std::to_string(m_rss_base_kib));
        field("rss_kib", std::to_string(m_rss_kib));
        field("bytes_per_conn", number(per_conn, 0));
    }

    template <class Field, class Number>
    void report_traffic(const Field& field, const Number& number) {
        std::sort(m_latencies.begin(), m_latencies.end());
        std::sort(m_lateness.begin(), m_lateness.end());
        const double window_s = static_cast<double>(m_window_end - m_window_start) / 1e9;
        const double rate = static_cast<double>(m_counts.in_window) / window_s;
        const double cpu_s = static_cast<double>(m_cpu_after.at - m_cpu_before.at) / 1e9;
        const double server_cpu = m_cpu_before.server && m_cpu_after.server
                                      ? (*m_cpu_after.server - *m_cpu_before.server) / cpu_s
                                      : -1;
        const double self_cpu = (m_cpu_after.self - m_cpu_before.self) / cpu_s;
        const double server_faults = m_cpu_before.server_faults && m_cpu_after.server_faults
                                         ? *m_cpu_after.server_faults - *m_cpu_before.server_faults
                                         : -1;
        const auto us = [&](double share) {
            return static_cast<double>(percentile(m_latencies, share)) / 1e3;
        };
        const auto late = static_cast<std::size_t>(
            std::count_if(m_lateness.begin(), m_lateness.end(),
                          [](Nanos lateness) { return lateness > ns_per_ms; }));
        const double late_pct = m_lateness.empty() ? 0
                                                   : 100.0 * static_cast<double>(late) /
                                                         static_cast<double>(m_lateness.size());
        const double late_p99 = static_cast<double>(percentile(m_lateness, 0.99)) / 1e3;
        const bool open = m_options.mode == Mode::Open;

        std::printf("loadgen %s %s: %zu pairs, ", m_options.proto.c_str(), open ? "open" : "closed",
                    m_pairs.size());
        if (open) {
            std::printf("%.0f msg/s offered", m_options.rate);
        } else {
            std::printf("window %zu", m_options.window);
        }
        std::printf(", %.1f s measured\n", window_s);
        std::printf(
            "  sent %llu, delivered %llu (%.0f msg/s), lost %llu, duplicated %llu, "
            "reordered %llu, misrouted %llu, corrupt %llu\n",
            ull(m_counts.sent), ull(m_counts.delivered), rate, ull(lost()),
            ull(m_counts.duplicated), ull(m_counts.reordered), ull(m_counts.misrouted),
            ull(m_counts.corrupt));
        if (m_dialect->acks()) {
            std::printf("  acks %llu, missing %llu\n", ull(m_counts.acks), ull(acks_missing()));
        }
        std::printf("  latency us: p50 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n", us(0.5), us(0.99),
                    us(0.999), us(1.0));
        if (open) {
            std::printf("  own lateness: %.2f%% of sends > 1 ms late, p99 %.1f us\n", late_pct,
                        late_p99);
        }
        std::printf("  cpu (cores): server %.2f, loadgen %.2f; server page faults %.0f\n",
                    server_cpu, self_cpu, server_faults);

        field("mode", open ? "open" : "closed");
        field("pairs", std::to_string(m_pairs.size()));
        field("window", open ? "0" : std::to_string(m_options.window));
        field("rate", number(m_options.rate, 0));
        field("sent", std::to_string(m_counts.sent));
        field("delivered", std::to_string(m_counts.delivered));
        field("lost", std::to_string(lost()));
        field("dup", std::to_string(m_counts.duplicated));
        field("reordered", std::to_string(m_counts.reordered));
        field("misrouted", std::to_string(m_counts.misrouted));
        field("corrupt", std::to_string(m_counts.corrupt));
        field("acks", std::to_string(m_counts.acks));
        field("acks_missing", std::to_string(acks_missing()));
        field("errors", std::to_string(m_counts.errors));
        field("msgps", number(rate, 0));
        field("p50_us", number(us(0.5), 1));
        field("p99_us", number(us(0.99), 1));
        field("p999_us", number(us(0.999), 1));
        field("max_us", number(us(1.0), 1));
        field("late1ms_pct", number(late_pct, 2));
        field("late_p99_us", number(late_p99, 1));
        field("server_cpu", number(server_cpu, 2));
        field("self_cpu", number(self_cpu, 2));
        field("server_faults", number(server_faults, 0));
    }

    static unsigned long long ull(std::uint64_t value) { return value; }
    static Nanos seconds_to_ns(double seconds) { return static_cast<Nanos>(seconds * 1e9); }

    // More than this unsent to one connection means the server has stopped
    // reading; an open loop must not buffer without bound.
    static constexpr std::size_t max_unsent_bytes = 64U << 20;

    Options m_options;
    std::unique_ptr<Dialect> m_dialect;
    int m_epoll;
    int m_timer;
    std::vector<Conn> m_conns;  // epoll's data.u64 is the index here
    std::vector<Pair> m_pairs;
    std::vector<std::size_t> m_dirty;     // connections with output to send
    std::vector<std::size_t> m_flushing;  // the list being sent
    std::string m_payload;
    Counts m_counts;
    std::size_t m_registering = 0;  // started and not yet registered
    std::size_t m_ready = 0;
    std::size_t m_closed_by_server = 0;
    bool m_sending = true;
    Nanos m_last_progress = now_ns();
    Nanos m_window_start = 0;
    Nanos m_window_end = 0;
    Nanos m_open_start = 0;
    std::uint64_t m_open_sent = 0;
    std::vector<Nanos> m_latencies;
    std::vector<Nanos> m_lateness;
    CpuSample m_cpu_before;
    CpuSample m_cpu_after;
    std::string m_first_error;
    double m_connect_seconds = 0;
    long m_rss_base_kib = 0;
    long m_rss_kib = 0;
};

// ---------------------------------------------------------------- the matrix table
//
// `--summarize FILE` reads the RESULT lines that load_matrix.sh collected,
// each labelled "server=<s> shape=<shape> round=<n>", and prints one table
// per shape: medians over the rounds with [min-max], and each server's ratio
// to the bare relay *in the same round*, the only comparison that survives a
// noisy shared machine.
namespace summary {

using Fields = std::map<std::string, std::string>;

Fields parse_result(const std::string& line) {
    Fields fields;
    std::istringstream words(line.substr(7));
    for (std::string word; words >> word;) {
        const std::size_t equals = word.find('=');
        if (equals != std::string::npos) {
            fields[word.substr(0, equals)] = word.substr(equals + 1);
        }
    }
    return fields;
}

double number(const Fields& fields, const std::string& key) {
    const auto found = fields.find(key);
    return found == fields.end() ? std::nan("") : std::strtod(found->second.c_str(), nullptr);
}

std::string text(const Fields& fields, const std::string& key) {
    const auto found = fields.find(key);
    return found == fields.end() ? "" : found->second;
}

struct Spread {
    double median = std::nan("");
    double min = std::nan("");
    double max = std::nan("");
    std::size_t count = 0;
};

Spread spread_of(std::vector<double> values) {
    values.erase(
        std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
        values.end());
    Spread spread;
    spread.count = values.size();
    if (values.empty()) {
        return spread;
    }
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    spread.median =
        values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    spread.min = values.front();
    spread.max = values.back();
    return spread;
}

// 1234567 -> "1.23M", 45678 -> "45.7k"; small values keep `decimals`.
std::string compact(double value, int decimals) {
    char out[32];
    if (std::isnan(value)) {
        return "-";
    }
    if (std::fabs(value) >= 1e6) {
        std::snprintf(out, sizeof out, "%.2fM", value / 1e6);
    } else if (std::fabs(value) >= 1e4) {
        std::snprintf(out, sizeof out, "%.1fk", value / 1e3);
    } else {
        std::snprintf(out, sizeof out, "%.*f", decimals, value);
    }
    return out;
}

std::string show(const Spread& spread, int decimals) {
    if (spread.count == 0) {
        return "-";
    }
    if (spread.count == 1) {
        return compact(spread.median, decimals);
    }
    return compact(spread.median, decimals) + " [" + compact(spread.min, decimals) + "-" +
           compact(spread.max, decimals) + "]";
}

// One server in one shape: its runs, by round.
struct Cell {
    std::string server;
    std::map<std::string, Fields> rounds;
};

struct Shape {
    std::string name;
    std::string mode;
    std::vector<Cell> cells;
    Cell& cell(const std::string& server) {
        for (Cell& cell : cells) {
            if (cell.server == server) {
                return cell;
            }
        }
        cells.push_back({server, {}});
        return cells.back();
    }
    const Fields* bare(const std::string& round) const {
        for (const Cell& cell : cells) {
            if (cell.server == "bare" && cell.rounds.count(round) != 0) {
                return &cell.rounds.at(round);
            }
        }
        return nullptr;
    }
};

// "ok 5/5", or what went wrong summed over the rounds.
// A count field as a number, 0 if absent.
double count_of(const Fields& fields, const char* key) {
    const double value = number(fields, key);
    return std::isnan(value) ? 0 : value;
}

std::string check_column(const Cell& cell) {
    std::size_t good = 0;
    double lost = 0, dup = 0, reordered = 0, misrouted = 0;
    for (const auto& [round, fields] : cell.rounds) {
        good += text(fields, "status") == "ok" ? 1U : 0U;
        lost += count_of(fields, "lost");
        dup += count_of(fields, "dup");
        reordered += count_of(fields, "reordered");
        misrouted += count_of(fields, "misrouted");
    }
    std::string out = (good == cell.rounds.size() ? "ok " : "FAIL ") + std::to_string(good) + "/" +
                      std::to_string(cell.rounds.size());
    if (lost + dup + reordered + misrouted > 0) {
        char detail[128];
        std::snprintf(detail, sizeof detail, " lost %.0f dup %.0f reord %.0f misr %.0f", lost, dup,
                      reordered, misrouted);
        out += detail;
    }
    return out;
}

// Collects `key` over a cell's rounds, optionally divided by the bare relay's
// value in the same round; `keep` can leave rounds out.
template <class Keep>
Spread collect(const Shape& shape, const Cell& cell, const std::string& key, bool ratio,
               Keep&& keep) {
    std::vector<double> values;
    for (const auto& [round, fields] : cell.rounds) {
        const Fields* bare = shape.bare(round);
        if (!keep(fields, bare) || text(fields, "status") != "ok") {
            continue;
        }
        double value = number(fields, key);
        if (ratio) {
            if (bare == nullptr || text(*bare, "status") != "ok") {
                continue;  // no ratio to a failed run
            }
            value /= number(*bare, key);
        }
        values.push_back(value);
    }
    return spread_of(values);
}

Spread collect(const Shape& shape, const Cell& cell, const std::string& key, bool ratio = false) {
    return collect(shape, cell, key, ratio, [](const Fields&, const Fields*) { return true; });
}

// A run whose load generator used this much of its one core was limited by
// the load generator, not by the server: its msg/s is a floor.
constexpr double generator_bound_cpu = 0.9;

bool generator_bound(const Fields& fields) {
    return number(fields, "self_cpu") >= generator_bound_cpu;
}

// Messages per server CPU-second: what a message costs the server, whoever
// was the bottleneck.
double per_server_cpu_second(const Fields& fields) {
    return number(fields, "msgps") / number(fields, "server_cpu");
}

// The median ratio of `value` to the bare relay's over the rounds that
// `keep` accepts; "-" if there is none.
template <class Value, class Keep>
std::string ratio_to_bare(const Shape& shape, const Cell& cell, Value&& value, Keep&& keep) {
    std::vector<double> ratios;
    for (const auto& [round, fields] : cell.rounds) {
        const Fields* bare = shape.bare(round);
        if (bare != nullptr && text(fields, "status") == "ok" && keep(fields, *bare)) {
            ratios.push_back(value(fields) / value(*bare));
        }
    }
    return ratios.empty() ? "-" : show(spread_of(ratios), 2);
}

void print_closed(const Shape& shape) {
    std::printf("%-10s %-24s %-18s %-18s %-20s %-18s %-16s %-16s %-7s %s\n", "server",
                "msg/s med [min-max]", "ratio to bare", "msg/srv-cpu-s", "per-cpu ratio", "p99 us",
                "srv cpu", "lg cpu", "lg-bound", "check");
    const auto msgps = [](const Fields& fields) { return number(fields, "msgps"); };
    const auto server_bound = [](const Fields& fields, const Fields& bare) {
        return !generator_bound(fields) && !generator_bound(bare);
    };
    const auto any = [](const Fields&, const Fields&) { return true; };
    for (const Cell& cell : shape.cells) {
        std::vector<double> efficiency;
        std::size_t bound = 0;
        for (const auto& [round, fields] : cell.rounds) {
            efficiency.push_back(per_server_cpu_second(fields));
            bound += generator_bound(fields) ? 1U : 0U;
        }
        std::printf("%-10s %-24s %-18s %-18s %-20s %-18s %-16s %-16s %-7s %s\n",
                    cell.server.c_str(), show(collect(shape, cell, "msgps"), 0).c_str(),
                    ratio_to_bare(shape, cell, msgps, server_bound).c_str(),
                    show(spread_of(efficiency), 0).c_str(),
                    ratio_to_bare(shape, cell, per_server_cpu_second, any).c_str(),
                    show(collect(shape, cell, "p99_us"), 0).c_str(),
                    show(collect(shape, cell, "server_cpu"), 2).c_str(),
                    show(collect(shape, cell, "self_cpu"), 2).c_str(),
                    (std::to_string(bound) + "/" + std::to_string(cell.rounds.size())).c_str(),
                    check_column(cell).c_str());
    }
    std::printf(
        "(ratio to bare: over the rounds where neither run was lg-bound, the load "
        "generator at >= %.0f%% of a core; per-cpu ratio: messages per server "
        "CPU-second, over all rounds)\n",
        100 * generator_bound_cpu);
}

// Latency ratios over the rounds where this run and the bare relay's run
// both sent on time (at most 1 % of sends more than 1 ms late); if there is
// none, over all rounds, marked with a '*'.
std::string open_ratio(const Shape& shape, const Cell& cell, const std::string& key) {
    const auto on_time = [](const Fields& fields, const Fields* bare) {
        return number(fields, "late1ms_pct") <= 1.0 &&
               (bare == nullptr || number(*bare, "late1ms_pct") <= 1.0);
    };
    const Spread timely = collect(shape, cell, key, true, on_time);
    if (timely.count > 0) {
        return compact(timely.median, 2);
    }
    const Spread all = collect(shape, cell, key, true);
    return all.count == 0 ? "-" : compact(all.median, 2) + "*";
}

std::size_t on_time_rounds(const Cell& cell) {
    return static_cast<std::size_t>(std::count_if(
        cell.rounds.begin(), cell.rounds.end(),
        [](const auto& round) { return number(round.second, "late1ms_pct") <= 1.0; }));
}

void print_open(const Shape& shape) {
    std::printf("%-10s %-18s %-18s %-18s %-11s %-11s %-11s %-9s %-8s %-8s %s\n", "server", "p50 us",
                "p99 us", "p99.9 us", "p50/bare", "p99/bare", "p99.9/bare", "late>1ms%", "on time",
                "srv cpu", "check");
    for (const Cell& cell : shape.cells) {
        std::printf(
            "%-10s %-18s %-18s %-18s %-11s %-11s %-11s %-9s %-8s %-8s %s\n", cell.server.c_str(),
            show(collect(shape, cell, "p50_us"), 0).c_str(),
            show(collect(shape, cell, "p99_us"), 0).c_str(),
            show(collect(shape, cell, "p999_us"), 0).c_str(),
            open_ratio(shape, cell, "p50_us").c_str(), open_ratio(shape, cell, "p99_us").c_str(),
            open_ratio(shape, cell, "p999_us").c_str(),
            compact(collect(shape, cell, "late1ms_pct").median, 2).c_str(),
            (std::to_string(on_time_rounds(cell)) + "/" + std::to_string(cell.rounds.size()))
                .c_str(),
            compact(collect(shape, cell, "server_cpu").median, 2).c_str(),
            check_column(cell).c_str());
    }
    std::printf(
        "(on time: at most 1%% of the load generator's sends more than 1 ms late; "
        "* = no round of this server and the bare relay was, ratio over all rounds)\n");
}

void print_idle(const Shape& shape) {
    std::printf("%-10s %-24s %-22s %-12s %-10s %s\n", "server", "bytes/conn med [min-max]",
                "ratio to bare", "registered", "connect s", "check");
    for (const Cell& cell : shape.cells) {
        std::printf("%-10s %-24s %-22s %-12s %-10s %s\n", cell.server.c_str(),
                    show(collect(shape, cell, "bytes_per_conn"), 0).c_str(),
                    show(collect(shape, cell, "bytes_per_conn", true), 2).c_str(),
                    compact(collect(shape, cell, "registered").median, 0).c_str(),
                    compact(collect(shape, cell, "connect_s").median, 1).c_str(),
                    check_column(cell).c_str());
    }
}

std::string describe(const Shape& shape) {
    const Fields& any = shape.cells.front().rounds.begin()->second;
    if (shape.mode == "idle") {
        return text(any, "idle") + " idle registered connections; server RSS growth per connection";
    }
    if (shape.mode == "open") {
        return text(any, "pairs") + " pairs, " + text(any, "rate") +
               " msg/s offered (open loop); latency from the scheduled send time";
    }
    return text(any, "pairs") + " pairs, window " + text(any, "window") + " (closed loop)";
}

int run(const char* path) {
    std::ifstream file(path);
    if (!file) {
        std::fprintf(stderr, "loadgen: cannot read %s\n", path);
        return 1;
    }
    std::vector<Shape> shapes;
    std::size_t rounds = 0;
    for (std::string line; std::getline(file, line);) {
        if (!starts_with(line, "RESULT ")) {
            continue;
        }
        const Fields fields = parse_result(line);
        const std::string name = text(fields, "shape");
        auto shape = std::find_if(shapes.begin(), shapes.end(),
                                  [&](const Shape& known) { return known.name == name; });
        if (shape == shapes.end()) {
            shapes.push_back({name, text(fields, "mode"), {}});
            shape = shapes.end() - 1;
        }
        shape->cell(text(fields, "server")).rounds[text(fields, "round")] = fields;
        rounds = std::max(rounds, shape->cell(text(fields, "server")).rounds.size());
    }
    std::printf(
        "Medians over %zu round(s), [min-max]; ratios are to the bare relay in the same "
        "round.\n",
        rounds);
    for (const Shape& shape : shapes) {
        std::printf("\n== %s: %s ==\n", shape.name.c_str(), describe(shape).c_str());
        if (shape.mode == "idle") {
            print_idle(shape);
        } else if (shape.mode == "open") {
            print_open(shape);
        } else {
            print_closed(shape);
        }
    }
    return 0;
}

}  // namespace summary

// ---------------------------------------------------------------- helpers for the script

// Prints a loopback port that was free a moment ago (the peers cannot take
// port 0 and report back).
int print_free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        return 1;
    }
    std::printf("%u\n", static_cast<unsigned>(ntohs(address.sin_port)));
    ::close(fd);
    return 0;
}

// Waits until something accepts connections on 127.0.0.1:port.
int wait_for_port(std::uint16_t port, double seconds) {
    const Nanos deadline = now_ns() + static_cast<Nanos>(seconds * 1e9);
    while (now_ns() < deadline) {
        const int fd = telechat::server::tcp_connect("127.0.0.1", port).fd;
        const bool up = fd >= 0;
        if (up) {
            ::close(fd);
        }
        if (up) {
            return 0;
        }
        ::usleep(50'000);
    }
    std::fprintf(stderr, "loadgen: nothing listens on port %u\n", static_cast<unsigned>(port));
    return 1;
}

// 20,000 idle connections need the soft descriptor limit raised to the hard one.
void raise_descriptor_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

}  // namespace

int main(int argc, char** argv) {
    const std::string first = argc > 1 ? argv[1] : "";
    if (first == "--summarize" && argc == 3) {
        return summary::run(argv[2]);
    }
    if (first == "--free-port") {
        return print_free_port();
    }
    if (first == "--wait-port" && argc >= 3) {
        const double seconds = argc == 5 ? to_number("--seconds", argv[4]) : 10.0;
        return wait_for_port(static_cast<std::uint16_t>(to_count("--wait-port", argv[2])), seconds);
    }
    raise_descriptor_limit();
    ::prctl(PR_SET_TIMERSLACK, 1UL);  // the open loop's timer wants microseconds, not 50 us slack
    std::signal(SIGPIPE, SIG_IGN);
    LoadGenerator generator(parse_options(argc, argv));
    return generator.run();
}

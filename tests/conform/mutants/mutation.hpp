// A mutation: one rule of docs/protocol.md broken on purpose, by a proxy
// that sits between a client and the real telechat-server. The server is
// never changed; a mutation only rewrites, drops, adds or holds back bytes
// on their way (relay.hpp calls its hooks), so the library needs no switch.
//
// A mutation object lives as long as its connection, one per connection, so
// what it remembers (a count, the last position told) is that connection's.
// What all connections of one proxy run share is in shared.hpp; acting at a
// time rather than on bytes is tick().
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "link.hpp"

namespace mutants {

using Clock = std::chrono::steady_clock;

/// @brief How the relay cuts a stream before handing it to a hook.
enum class Cut {
    as_read,  ///< each piece as one read returned it: TCP's own splits
    at_lf,    ///< one whole line per piece, its LF included (a last piece
              ///< without LF comes when the stream ends)
};

/// @brief The hooks of one mutation on one connection. The defaults forward
///        everything unchanged: the mutation `none` is this class itself.
class Mutation {
public:
    Mutation() = default;
    Mutation(const Mutation&) = default;
    Mutation& operator=(const Mutation&) = default;
    Mutation(Mutation&&) = default;
    Mutation& operator=(Mutation&&) = default;
    virtual ~Mutation() = default;

    /// @brief How the client's stream is cut for from_client().
    [[nodiscard]] virtual Cut client_cut() const { return Cut::as_read; }
    /// @brief How the server's stream is cut for from_server().
    [[nodiscard]] virtual Cut server_cut() const { return Cut::as_read; }

    /// @brief A piece of what the client sent.
    virtual void from_client(Link& link, std::string_view piece) { link.to_server(piece); }
    /// @brief A piece of what the server sent.
    virtual void from_server(Link& link, std::string_view piece) { link.to_client(piece); }
    /// @brief The client closed its sending side (after its last piece).
    virtual void client_ended(Link& link) { link.end_to_server(); }
    /// @brief The server closed its sending side (after its last piece).
    virtual void server_ended(Link& link) { link.end_to_client(); }
    /// @brief The connection is closed, both ways, however it ended (a
    ///        reset calls no *_ended hook): nothing can be sent any more.
    virtual void gone() {}

    /// @brief Called on every turn of the relay's loop, after every
    ///        connection's bytes of that turn were handed to their hooks, so
    ///        a mutation can act at a time (a timer) or on what another
    ///        connection left for it (shared.hpp).
    /// @return the time by which it must be called again; nullopt: only
    ///         when bytes come (the relay still turns every 100 ms at most).
    virtual std::optional<Clock::time_point> tick(Link& /*link*/, Clock::time_point /*now*/) {
        return std::nullopt;
    }
};

/// @brief One entry of a mutant table: a name, the rule it breaks, and the
///        kit tests that must fail through it.
struct Mutant {
    std::string_view name;     ///< given to --mutant; no spaces
    std::string_view section;  ///< the docs/protocol.md anchor of the broken rule
    std::string_view kills;    ///< telechat-conform test globs, comma-separated
    std::string_view breaks;   ///< the rule it breaks, for people
    std::function<std::unique_ptr<Mutation>()> make;  ///< one per connection
};

/// @brief A mutant's factory whose first connection is left unmutated: a
///        server that goes wrong only after its first client. For rules so
///        basic that the kit checks them in its probe before any test (the
///        probe is the first connection), where breaking them on every
///        connection stops the kit with exit status 2 before the test runs.
inline std::function<std::unique_ptr<Mutation>()> after_first_connection(
    std::function<std::unique_ptr<Mutation>()> make) {
    return [make, connections = std::make_shared<int>(0)] {
        return (*connections)++ == 0 ? std::make_unique<Mutation>() : make();
    };
}

/// @brief The bytes of `line` before its LF or CRLF.
inline std::string_view body_of(std::string_view line) {
    if (line.ends_with('\n')) {
        line.remove_suffix(1);
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        }
    }
    return line;
}

/// @brief The LF or CRLF that ends `line` (empty for an unfinished line).
inline std::string_view ending_of(std::string_view line) {
    return line.substr(body_of(line).size());
}

}  // namespace mutants

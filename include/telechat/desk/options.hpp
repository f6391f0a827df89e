/// @file
/// @brief telechat::DeskOptions, every limit of the support desk in one place.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace telechat {

/// @brief Milliseconds since the Unix epoch: the desk's only notion of time.
///
/// The desk never reads a clock. Every call that can depend on time takes
/// `now`, so tests can run an hour of timeouts in a microsecond, and replay
/// any session exactly.
using UnixMillis = std::int64_t;

/// @brief The limits and settings of a Desk. Each has the default the
///        protocol specifies; the server exposes the same ones as options.
struct DeskOptions {
    /// @brief The key agents must give in CONNECT AGENT. Empty: no agent can log in.
    std::string agent_key;
    /// @brief How many customers one agent serves at once (at least 1).
    std::size_t agent_capacity = 3;
    /// @brief How many connections, registered or not, are served at once.
    std::size_t max_clients = 10000;
    /// @brief How many messages each user's history keeps (older ones are dropped).
    std::size_t history_limit = 1000;
    /// @brief Bytes per message of history_limit given to a user's history
    ///        when its first conversation starts (at most 1 MiB in all), so
    ///        that relaying allocates nothing until a typical history is full;
    ///        a user who never talks to anyone reserves nothing. 0: histories
    ///        grow as they fill. The default holds 1000 messages of about 60
    ///        characters in 96,000 bytes per user in a conversation.
    std::size_t history_reserve_per_record = 96;
    /// @brief How many histories of users who left are remembered; past this,
    ///        the one that left longest ago is forgotten, so memory stays bounded.
    std::size_t max_remembered_users = 100000;
    /// @brief How many messages a waiting customer may leave before being
    ///        assigned; more get `-ERR SERVER_FULL`.
    std::size_t waiting_backlog_limit = 1000;
    /// @brief The longest line accepted, in bytes, line ending included (at least 2).
    std::size_t max_line_bytes = 1024;
    /// @brief How many bytes may wait for a client that does not read
    ///        before it is dropped.
    std::size_t output_cap_bytes = std::size_t{1} << 20;
    /// @brief How long a connection may stay unregistered, in ms; 0 = forever.
    UnixMillis register_timeout_ms = 30'000;
    /// @brief How long a registered user may stay silent, in ms; 0 = forever.
    UnixMillis idle_timeout_ms = 0;
    /// @brief How many AUTH_FAILED one connection gets before it is closed.
    std::size_t max_auth_failures = 3;

    /// @brief Throws std::invalid_argument naming the first setting that
    ///        makes no sense (a zero capacity, a negative timeout, ...).
    void validate() const {
        const auto require = [](bool holds, const char* what) {
            if (!holds) {
                throw std::invalid_argument(std::string("telechat::DeskOptions: ") + what);
            }
        };
        require(agent_capacity >= 1, "agent_capacity must be at least 1");
        require(max_clients >= 1, "max_clients must be at least 1");
        require(max_line_bytes >= 2, "max_line_bytes must be at least 2");
        require(output_cap_bytes >= 1, "output_cap_bytes must be at least 1");
        require(register_timeout_ms >= 0, "register_timeout_ms must not be negative");
        require(idle_timeout_ms >= 0, "idle_timeout_ms must not be negative");
        require(max_auth_failures >= 1, "max_auth_failures must be at least 1");
    }
};

}  // namespace telechat

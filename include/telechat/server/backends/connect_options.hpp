/// @file
/// @brief telechat::server::ConnectOptions: how tcp_connect() sets its socket
///        up, on every system (tcp_connect.hpp on POSIX, winsock_connect.hpp
///        on Windows, each with its own tcp_connect()).
#pragma once

#include "../../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <chrono>
#include <string>

namespace telechat::server {

/// @brief How tcp_connect() sets its socket up.
struct ConnectOptions {
    /// @brief How long to wait for each address to answer. Zero or less:
    ///        do not wait; the connection is returned while it is still
    ///        being made (poll it for writability, then read `SO_ERROR`),
    ///        and only the first address is tried.
    std::chrono::milliseconds timeout{5000};
    /// @brief Leave the socket non-blocking, as a poll loop wants it; false
    ///        makes it blocking once connected (not when timeout is zero).
    bool non_blocking = true;
    /// @brief Set `TCP_NODELAY`: a chat line should leave now, not after
    ///        40 ms of Nagle.
    bool no_delay = true;
    /// @brief `SO_RCVBUF` in bytes, set before connecting; 0 keeps the
    ///        system's (a small one makes a client that does not read fill
    ///        up fast, for tests).
    int receive_buffer = 0;
    /// @brief A numeric local address to connect from, its port chosen at
    ///        connect time (Linux: `IP_BIND_ADDRESS_NO_PORT`); empty for the
    ///        system's choice. Many connections from several loopback
    ///        addresses do not run out of ephemeral ports.
    std::string local_address;
};

}  // namespace telechat::server

// What telechat-client's server link reports, the same on every system
// (server_link_posix.hpp, server_link_windows.hpp).
#pragma once

#include <cstddef>

namespace client_app {

/// What wait() found ready.
struct LinkReady {
    bool failed = false;  ///< the wait itself failed: the link is unusable
    bool socket_readable = false;
    bool socket_writable = false;
    bool input_ready = false;  ///< stdin has bytes, or its end
};

/// The result of a transfer: bytes moved, `would_block` (try after the next
/// wait), or `ended` (the peer or the input closed).
struct Transfer {
    std::size_t bytes = 0;
    bool would_block = false;
    bool ended = false;
};

}  // namespace client_app

// What a socket operation of a client app can end in, and the clock its
// deadlines use: shared by socket_posix.hpp and socket_windows.hpp.
#pragma once

#include <algorithm>
#include <chrono>

namespace app_net {

using Clock = std::chrono::steady_clock;
using Milliseconds = std::chrono::milliseconds;

/// How a send or a receive ended.
enum class Io {
    ok,       ///< bytes moved
    closed,   ///< the server closed the connection (end of stream)
    reset,    ///< the connection broke (reset by the server)
    timeout,  ///< the deadline passed first
};

/// What an Io means, for a report.
inline const char* describe(Io io) {
    switch (io) {
        case Io::ok:
            return "ok";
        case Io::closed:
            return "the server closed the connection";
        case Io::reset:
            return "the connection was reset";
        case Io::timeout:
            return "nothing arrived before the deadline";
    }
    return "?";
}

/// Milliseconds from now to `deadline`, at least 0, rounded up (a wait of
/// 0.4 ms must still wait).
inline int milliseconds_until(Clock::time_point deadline) {
    const auto left = std::chrono::ceil<Milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, 24LL * 3600 * 1000));
}

}  // namespace app_net

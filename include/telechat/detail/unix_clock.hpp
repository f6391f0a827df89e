/// @file
/// @brief telechat::detail::UnixClock: the real backends' clock (PosixBackend
///        and WinsockBackend::now()), shared because it is pure standard C++.
#pragma once

#include <chrono>
#include <cstdint>

namespace telechat::detail {

// Milliseconds since the Unix epoch: the system clock read once, when the
// clock is made, moved on by the steady clock, so that a step of the wall
// clock (NTP, an administrator) neither fires nor postpones a timeout, and
// the time never goes backwards (SocketBackend's rule for now()).
class UnixClock {
public:
    [[nodiscard]] std::int64_t now() const {
        using namespace std::chrono;
        const auto since_start = steady_clock::now() - m_steady_start;
        return m_unix_start + duration_cast<milliseconds>(since_start).count();
    }

private:
    std::int64_t m_unix_start = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    std::chrono::steady_clock::time_point m_steady_start = std::chrono::steady_clock::now();
};

}  // namespace telechat::detail

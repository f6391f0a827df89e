/// @file
/// @brief telechat::server::ConnectionLog: the server's one-line connection
///        events, recorded inside desk work and written after it.
#pragma once

#include "../detail/config.hpp"  // first: stops a pre-C++20 build with one clear line

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace telechat::server {

/**
 * @brief The connection events of one event loop, kept until the loop has
 *        let go of the desk.
 *
 * Why: desk work runs under the desk's guard, which every loop waits for. A
 * log line is a string to format and, usually, a write to a file or a
 * terminal; doing that under the guard would make every loop wait for the
 * log. So desk work only records what happened (a kind, a slot and one
 * string moved in) and the loop formats and writes the lines after the
 * guard is released. Nothing is recorded when the server has no log.
 */
class ConnectionLog {
public:
    /// @brief What happened to a connection.
    enum class Kind {
        accepted,  ///< detail: the peer's address
        agent,     ///< registered as an agent; detail: the name
        customer,  ///< registered as a customer; detail: the name
        closed,    ///< detail: why
    };

    /// @brief A log that writes to `sink`, or records nothing if it is empty.
    /// @param sink where lines go (ServerOptions::log).
    explicit ConnectionLog(const std::function<void(std::string_view)>& sink) : m_sink(sink) {}

    /// @brief Whether lines are written at all.
    /// @return true if there is a sink.
    [[nodiscard]] bool enabled() const noexcept { return static_cast<bool>(m_sink); }

    /// @brief Records an event (cheap: no formatting).
    /// @param kind what happened. @param slot the desk slot. @param detail see Kind.
    void record(Kind kind, std::uint32_t slot, std::string detail) {
        if (enabled()) {
            m_events.push_back(Event{kind, slot, std::move(detail)});
        }
    }

    /// @brief Formats and writes every recorded event, in order; call it
    ///        with the desk let go.
    void write() {
        for (const Event& event : m_events) {
            m_sink(format(event));
        }
        m_events.clear();
    }

private:
    struct Event {
        Kind kind = Kind::accepted;
        std::uint32_t slot = 0;
        std::string detail;
    };

    [[nodiscard]] static std::string format(const Event& event) {
        const std::string number = "#" + std::to_string(event.slot);
        switch (event.kind) {
            case Kind::accepted:
                return "accepted " + number + " from " + event.detail;
            case Kind::agent:
                return "registered " + number + " as agent " + event.detail;
            case Kind::customer:
                return "registered " + number + " as customer " + event.detail;
            case Kind::closed:
                break;
        }
        return "closed " + number + " (" + event.detail + ")";
    }

    const std::function<void(std::string_view)>& m_sink;
    std::vector<Event> m_events;
};

}  // namespace telechat::server

// What a mutation sees of one proxied connection: the bytes it may send
// each way and the ends it may pass on. It holds no socket: the relay
// (relay.hpp) writes what is queued here and acts on the requests.
#pragma once

#include <string>
#include <string_view>

namespace mutants {

/// @brief One client connection and its upstream connection, as a mutation
///        drives them. Everything is queued; the relay does the writing.
class Link {
public:
    /// @brief Queues bytes for the server.
    void to_server(std::string_view bytes) {
        if (!m_close) {
            m_to_server.append(bytes);
        }
    }

    /// @brief Queues bytes for the client.
    void to_client(std::string_view bytes) {
        if (!m_close) {
            m_to_client.append(bytes);
        }
    }

    /// @brief Half-closes toward the server once what is queued for it is written.
    void end_to_server() { m_end_to_server = true; }

    /// @brief Half-closes toward the client once what is queued for it is written.
    void end_to_client() { m_end_to_client = true; }

    /// @brief Closes the whole connection once what is queued for the client
    ///        is written; nothing more is queued either way after this.
    void close() { m_close = true; }

    /// @brief Bytes waiting for the server; the relay drains them.
    std::string& pending_to_server() { return m_to_server; }
    /// @brief Bytes waiting for the client; the relay drains them.
    std::string& pending_to_client() { return m_to_client; }
    [[nodiscard]] bool ending_to_server() const { return m_end_to_server; }
    [[nodiscard]] bool ending_to_client() const { return m_end_to_client; }
    [[nodiscard]] bool closing() const { return m_close; }

private:
    std::string m_to_server;
    std::string m_to_client;
    bool m_end_to_server = false;
    bool m_end_to_client = false;
    bool m_close = false;
};

}  // namespace mutants

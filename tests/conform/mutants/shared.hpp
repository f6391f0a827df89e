// What the connections of one proxy run share. Most rules are broken on one
// connection (mutation.hpp: one mutation object per connection), but some
// are about several: which agent gets a customer, where a customer's kept
// messages go. A mutant of those keeps one State for the whole run, seen by
// the hooks of every connection, and writes to another connection through a
// Mailbox, which that connection's tick hook empties.
//
// No lock: the relay is one thread, so the hooks of two connections never
// run at once. A proxy runs one mutant, so "the whole run" is that mutant's.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lines.hpp"
#include "link.hpp"
#include "mutation.hpp"
#include "talk.hpp"

namespace mutants {

/// @brief A mutant's factory whose connections share one State, `initial`
///        at first: `hooks` is called once per connection with the same
///        state, and returns that connection's hooks (what they capture by
///        value stays per connection).
template <class State>
std::function<std::unique_ptr<Mutation>()> sharing(
    State initial, std::function<LineHooks(const std::shared_ptr<State>&)> hooks) {
    return [hooks = std::move(hooks), state = std::make_shared<State>(std::move(initial))] {
        return std::make_unique<LineMutation>(hooks(state));
    };
}

/// @brief Lines waiting for the connection of a registered user, by name
///        (as the server spells it in its pushes).
class Mailbox {
public:
    /// @brief Queues `line` (its CRLF included) for `user`'s client.
    void post(const std::string& user, std::string_view line) { m_waiting[user].append(line); }

    /// @brief A tick hook's body: writes what waits for this connection's
    ///        user to its client.
    void deliver(Link& link, const Talk& talk) {
        const auto found = talk.registered() ? m_waiting.find(talk.name()) : m_waiting.end();
        if (found != m_waiting.end()) {
            link.to_client(found->second);
            m_waiting.erase(found);
        }
    }

    /// @brief Lines for a user who left are never delivered: the next user
    ///        of that name is someone else.
    void forget(const std::string& user) { m_waiting.erase(user); }

private:
    std::map<std::string, std::string> m_waiting;
};

}  // namespace mutants

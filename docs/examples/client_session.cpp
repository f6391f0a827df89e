// The client side of 3MCP with telechat::client::Session, and no socket.
//
// A Session writes the lines a client sends and turns whatever bytes the
// server sent back, cut anywhere, into events: a Reply for each request, in
// order, and a Push for each line the server sent on its own. The program
// plays a short conversation with bytes written by hand, as a server would
// send them; a real client hands the same Session what recv() returned.
//
// Build and run, from the top of the repository:
//   c++ -std=c++20 -I include docs/examples/client_session.cpp
//   ./a.out
// It checks its own answers and exits 1 if one is wrong.
//! [headers]
#include <telechat/client/session.hpp>           // telechat::client::Session
#include <telechat/protocol/command_writer.hpp>  // write_command()
#include <telechat/protocol/server_lines.hpp>    // parse_reply(), parse_push()
#include <telechat/protocol/vocabulary.hpp>  // every 3MCP word, spelled once
#include <telechat/server/backends/tcp_connect.hpp>  // tcp_connect()
//! [headers]

#include <cstdio>
#include <string>
#include <string_view>
#include <variant>

namespace {

int failures = 0;

void check(bool ok, std::string_view what) {
    if (!ok) {
        std::fprintf(stderr, "client_session: wrong: %.*s\n",
                     static_cast<int>(what.size()), what.data());
        ++failures;
    }
}

}  // namespace

int main() {
    using telechat::client::Push;
    using telechat::client::Reply;
    using telechat::protocol::PushKind;

    //! [session]
    telechat::client::Session session;
    // The line to write to the socket:
    const std::string out = session.connect_customer("ana");
    // Whatever the socket gave, split anywhere (here: mid-line):
    session.receive("+OK welcome ana\r\nQUE");
    session.receive("UED 2\r\n");
    // A Reply for the CONNECT, then a Push of kind queued, position 2:
    auto first = session.next_event();
    auto second = session.next_event();
    //! [session]
    check(out == "CONNECT CUSTOMER ana\n", "the CONNECT line");
    const auto* welcome = first ? std::get_if<Reply>(&*first) : nullptr;
    check(welcome != nullptr && welcome->ok && welcome->text == "welcome ana",
          "the reply to CONNECT");
    const auto* queued = second ? std::get_if<Push>(&*second) : nullptr;
    check(queued != nullptr && queued->kind == PushKind::queued &&
              queued->position == 2,
          "the QUEUED push");
    check(!session.next_event().has_value(), "nothing more");
    check(session.position() == 2, "the session follows the position");

    // An agent is assigned; a message goes out; the server acknowledges it.
    session.receive("ASSIGNED sam\r\n");
    check(session.next_event().has_value() && session.agent() == "sam",
          "the session follows the agent");
    check(session.message("hi") == "MSG hi\n", "a customer's MSG line");
    session.receive("+OK message received\r\n");
    const auto ack = session.next_event();
    const auto* received = ack ? std::get_if<Reply>(&*ack) : nullptr;
    check(received != nullptr && received->ok &&
              received->request == telechat::protocol::CommandKind::msg,
          "the reply is matched to the MSG");

    if (failures != 0) {
        return 1;
    }
    std::puts("client_session: all checks passed");
    return 0;
}

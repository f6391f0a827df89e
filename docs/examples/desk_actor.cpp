// The desk-actor threading model of the lab (desk_actor.hpp) running a
// real exchange on the in-memory network: an agent and a customer on two
// I/O loops, the desk on its own thread.
//
//   c++ -std=c++20 -pthread -I include docs/examples/desk_actor.cpp
#include "desk_actor.hpp"

#include <telechat/server/backends/memory.hpp>
#include <telechat/server/server.hpp>

#include <chrono>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>

using namespace telechat::server;

namespace {

// Sends `line` and reads until `expected` has arrived (5 s at most).
std::string exchange(MemoryNetwork& network, MemoryNetwork::Handle client,
                     std::string_view line, std::string_view expected) {
    for (std::size_t sent = 0; sent < line.size();) {
        const IoResult result =
            network.write(client, std::span<const char>(line.substr(sent)));
        sent += result.status == IoStatus::ok ? result.bytes : 0;
    }
    std::string received;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (received.find(expected) == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
        char chunk[256];
        const IoResult result = network.read(client, chunk);
        if (result.status == IoStatus::ok) {
            received.append(chunk, result.bytes);
        } else {
            network.wait_until(std::chrono::milliseconds(50),
                               [&] { return network.readable_locked(client); });
        }
    }
    return received;
}

}  // namespace

int main() {
    //! [run]
    auto network = std::make_shared<MemoryNetwork>();
    ServerOptions options;
    options.endpoint.port = 0;
    options.loops = 2;  // two I/O loops feed the desk's thread
    options.desk.agent_key = "lab-key";
    Server<MemoryBackend, lab::DeskActor> server(MemoryBackend(network),
                                                 options);
    server.listen();
    std::thread serving([&] { server.run(); });
    //! [run]

    const auto ann = network->connect(server.port());
    const auto bob = network->connect(server.port());
    int failures = 0;
    const auto check = [&](bool ok, const char* what) {
        if (!ok) {
            std::fprintf(stderr, "desk_actor: wrong: %s\n", what);
            ++failures;
        }
    };
    check(exchange(*network, ann, "CONNECT AGENT ann lab-key\r\n",
                   "+OK welcome ann\r\n") == "+OK welcome ann\r\n",
          "the agent is welcome");
    check(exchange(*network, bob, "CONNECT CUSTOMER bob\r\n",
                   "ASSIGNED ann\r\n") == "+OK welcome bob\r\nASSIGNED ann\r\n",
          "the customer is assigned");
    check(exchange(*network, bob, "MSG hello\r\n",
                   "+OK message received\r\n") == "+OK message received\r\n",
          "the message is acknowledged");
    check(exchange(*network, ann, "PING\r\n", "+OK PONG\r\n") ==
              "ASSIGNED bob\r\nMSG bob hello\r\n+OK PONG\r\n",
          "the agent gets the assignment and the message, in order");
    check(std::string_view(server.model()) == "desk-actor",
          "the model has its name");
    server.stop();
    serving.join();
    if (failures != 0) {
        return 1;
    }
    std::puts("desk_actor: all checks passed");
    return 0;
}

// The real server on loopback TCP: Server<PosixBackend, SingleReactor>, one
// customer.
//
// Starts a server on 127.0.0.1 with a port the system picks, connects to it
// with tcp_connect() (the library's client end), registers a customer, checks
// the replies, and stops the server from another thread, as telechat-server
// does on SIGTERM.
//
// Build and run, from the top of the repository:
//   c++ -std=c++20 -pthread -I include docs/examples/server_loopback.cpp
//   ./a.out
// It checks its own answers and exits 1 if one is wrong.
#include <telechat/server/backends/posix.hpp>
#include <telechat/server/backends/tcp_connect.hpp>
#include <telechat/server/server.hpp>
#include <telechat/server/threading/policies.hpp>

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <sys/types.h>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>

namespace {

// A blocking client socket connected to 127.0.0.1:port (-1 on failure); reads
// give up after 5 seconds.
int connect_to(std::uint16_t port) {
    telechat::server::ConnectOptions blocking;
    blocking.non_blocking = false;
    const telechat::server::TcpConnection connection =
        telechat::server::tcp_connect("127.0.0.1", port, blocking);
    if (connection.ok()) {
        timeval timeout{5, 0};
        ::setsockopt(connection.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout,
                     sizeof timeout);
    }
    return connection.fd;
}

// Reads until `expected` has arrived, the peer closes, or a read times out.
std::string read_until(int fd, std::string_view expected) {
    std::string received;
    while (received.find(expected) == std::string::npos) {
        char chunk[256];
        const ssize_t count = ::recv(fd, chunk, sizeof chunk, 0);
        if (count <= 0) {
            break;
        }
        received.append(chunk, static_cast<std::size_t>(count));
    }
    return received;
}

}  // namespace

int main() {
    //! [server]
    using namespace telechat::server;

    ServerOptions options;
    options.endpoint = {"127.0.0.1", 0};  // port 0: the system picks one
    options.desk.agent_key = "s3cret";
    Server<PosixBackend, SingleReactor> server(PosixBackend{}, options);
    server.listen();                             // now server.port() is known
    std::thread serving([&] { server.run(); });  // run() returns after stop()
    //! [server]

    bool ok = false;
    const int client = connect_to(server.port());
    if (client >= 0) {
        const std::string_view hello = "CONNECT CUSTOMER ana\r\n";
        ok = ::send(client, hello.data(), hello.size(), MSG_NOSIGNAL) ==
                 static_cast<ssize_t>(hello.size()) &&
             read_until(client, "QUEUED 1\r\n") ==
                 "+OK welcome ana\r\nQUEUED 1\r\n";
    }

    //! [stop]
    // From any thread: every client gets QUIT, then run() returns.
    server.stop();
    serving.join();
    //! [stop]
    if (client >= 0) {
        ok =
            ok && read_until(client, "\r\n") == "QUIT server shutting down\r\n";
        ::close(client);
    }

    if (!ok) {
        std::fprintf(stderr,
                     "server_loopback: wrong: the replies over loopback TCP\n");
        return 1;
    }
    std::puts("server_loopback: all checks passed");
    return 0;
}

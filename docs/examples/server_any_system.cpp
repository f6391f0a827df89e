// The same server on Linux and on Windows: the socket policy is the only
// thing that changes. Server<PosixBackend, ...> on POSIX,
// Server<WinsockBackend, ...> on Windows; the desk, the threading models and
// the 3MCP behaviour are the same code.
//
// Starts a server on 127.0.0.1 with a port the system picks, connects one
// customer with tcp_connect() (which both systems have, with one
// interface), checks the replies, and stops the server.
//
// Build and run, from the top of the repository:
//   c++ -std=c++20 -pthread -I include docs/examples/server_any_system.cpp
//   ./a.out
// or, for Windows (with MinGW-w64; run it there, or under wine):
//   x86_64-w64-mingw32-g++-posix -std=c++20 -static -I include
//       docs/examples/server_any_system.cpp -lws2_32 -o server_any_system.exe
//   (one command, on one line)
// It checks its own answers and exits 1 if one is wrong.
#include <telechat/server/server.hpp>
#include <telechat/server/threading/policies.hpp>

//! [backend]
#if defined(_WIN32)
#include <telechat/server/backends/winsock.hpp>
#include <telechat/server/backends/winsock_connect.hpp>
using Backend =
    telechat::server::WinsockBackend;  // WSAPoll, SOCKET, closesocket
using Socket = SOCKET;
#else
#include <telechat/server/backends/posix.hpp>
#include <telechat/server/backends/tcp_connect.hpp>
using Backend = telechat::server::PosixBackend;  // epoll, file descriptors
using Socket = int;
#endif
//! [backend]

#include <cstdio>
#include <string>
#include <string_view>
#include <thread>

namespace {

// The client's few socket calls, which differ in their types and names.
#if defined(_WIN32)
bool send_text(Socket socket, std::string_view text) {
    return ::send(socket, text.data(), static_cast<int>(text.size()), 0) ==
           static_cast<int>(text.size());
}
int receive(Socket socket, char* into, int size) {
    return ::recv(socket, into, size, 0);
}
void close_socket(Socket socket) {
    ::closesocket(socket);
}
void limit_reads(Socket socket) {
    const DWORD five_seconds = 5000;
    ::setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO,
                 reinterpret_cast<const char*>(&five_seconds),
                 sizeof five_seconds);
}
#else
bool send_text(Socket socket, std::string_view text) {
    return ::send(socket, text.data(), text.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(text.size());
}
int receive(Socket socket, char* into, int size) {
    return static_cast<int>(
        ::recv(socket, into, static_cast<std::size_t>(size), 0));
}
void close_socket(Socket socket) {
    ::close(socket);
}
void limit_reads(Socket socket) {
    const timeval five_seconds{5, 0};
    ::setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &five_seconds,
                 sizeof five_seconds);
}
#endif

// Reads until `expected` has arrived, the peer closes, or a read times out.
std::string read_until(Socket socket, std::string_view expected) {
    std::string received;
    while (received.find(expected) == std::string::npos) {
        char chunk[256];
        const int count =
            receive(socket, chunk, static_cast<int>(sizeof chunk));
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
    options.endpoint = {"127.0.0.1", 0};
    options.desk.agent_key = "s3cret";
    Server<Backend, SingleReactor> server(Backend{}, options);
    server.listen();
    std::thread serving([&] { server.run(); });
    //! [server]

    ConnectOptions blocking;
    blocking.non_blocking = false;
    const TcpConnection client =
        tcp_connect("127.0.0.1", server.port(), blocking);
    bool ok = client.ok();
    if (ok) {
        limit_reads(client.fd);
        ok = send_text(client.fd, "CONNECT CUSTOMER ana\r\n") &&
             read_until(client.fd, "QUEUED 1\r\n") ==
                 "+OK welcome ana\r\nQUEUED 1\r\n";
    }
    server.stop();
    serving.join();
    if (client.ok()) {
        ok = ok &&
             read_until(client.fd, "\r\n") == "QUIT server shutting down\r\n";
        close_socket(client.fd);
    }

    if (!ok) {
        std::fprintf(stderr,
                     "server_any_system: wrong: the replies over "
                     "loopback TCP\n");
        return 1;
    }
    std::puts("server_any_system: all checks passed");
    return 0;
}

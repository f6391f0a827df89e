// The control case: the same code with the real policies compiles, so the
// failures above come from the broken policies and nothing else.
#include <telechat/server/backends/posix.hpp>
#include <telechat/server/server.hpp>
#include <telechat/server/threading/policies.hpp>

int main() {
    telechat::server::Server<telechat::server::PosixBackend, telechat::server::SingleReactor>
        server(telechat::server::PosixBackend{}, telechat::server::ServerOptions{});
    return 0;
}

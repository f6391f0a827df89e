// Must NOT compile: this backend has no read(). The compiler's message has
// to name the SocketBackend concept (checked by expect_failure.cmake).
#include <telechat/server/backends/posix.hpp>
#include <telechat/server/server.hpp>
#include <telechat/server/threading/policies.hpp>

struct BackendWithoutRead : telechat::server::PosixBackend {
    void read() = delete;
};

int main() {
    telechat::server::Server<BackendWithoutRead, telechat::server::SingleReactor> server(
        BackendWithoutRead{}, telechat::server::ServerOptions{});
    return 0;
}

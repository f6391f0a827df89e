// Must NOT compile: this backend's Handle has no default constructor, which
// the server needs (it keeps an empty handle until it listens). The
// message has to name the requirement.
#include <telechat/server/backends/posix.hpp>
#include <telechat/server/server.hpp>
#include <telechat/server/threading/policies.hpp>

struct Descriptor {
    explicit Descriptor(int value) : fd(value) {}
    int fd;
};

struct BackendWithBareHandle : telechat::server::PosixBackend {
    using Handle = Descriptor;
};

int main() {
    telechat::server::Server<BackendWithBareHandle, telechat::server::SingleReactor> server(
        BackendWithBareHandle{}, telechat::server::ServerOptions{});
    return 0;
}

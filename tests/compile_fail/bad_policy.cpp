// Must NOT compile: this threading policy says nothing about its loops. The
// compiler's message has to name the ThreadingPolicy concept.
#include <telechat/server/backends/posix.hpp>
#include <telechat/server/server.hpp>

struct PolicyWithoutLoopCount {
    static constexpr const char* name = "broken";
    static constexpr bool shares_desk = false;
    static constexpr bool thread_per_connection = false;
};

int main() {
    telechat::server::Server<telechat::server::PosixBackend, PolicyWithoutLoopCount> server(
        telechat::server::PosixBackend{}, telechat::server::ServerOptions{});
    return 0;
}

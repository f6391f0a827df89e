// Must NOT compile: this model has no lock on the desk (NoDeskGuard) but
// allows any number of loops, so several threads could touch the desk at
// once. The message has to name the rule: KeepsTheDeskSafe.
#include <telechat/server/backends/posix.hpp>
#include <telechat/server/server.hpp>
#include <telechat/server/threading/reactor_per_core.hpp>

struct UnguardedReactors : telechat::server::ReactorPerCore {
    static constexpr const char* name = "unguarded-reactors";
    using DeskGuardType = telechat::server::NoDeskGuard;
};

int main() {
    telechat::server::Server<telechat::server::PosixBackend, UnguardedReactors> server(
        telechat::server::PosixBackend{}, telechat::server::ServerOptions{});
    return 0;
}

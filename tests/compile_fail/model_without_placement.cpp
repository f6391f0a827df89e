// Must NOT compile: this threading model never says which loop takes a new
// connection. The compiler's message has to name the ThreadingModel concept.
#include <telechat/server/backends/posix.hpp>
#include <telechat/server/server.hpp>

struct ModelWithoutPlacement {
    static constexpr const char* name = "broken";
    static constexpr std::size_t max_loops = 1;
    using DeskGuardType = telechat::server::NoDeskGuard;
    template <class Host>
    void run(Host& host) {
        host.run_here(host.add_loop());
    }
    template <class Host>
    telechat::server::NextTurn after_turn(Host&, const telechat::server::LoopState&) {
        return {};
    }
};

int main() {
    telechat::server::Server<telechat::server::PosixBackend, ModelWithoutPlacement> server(
        telechat::server::PosixBackend{}, telechat::server::ServerOptions{});
    return 0;
}

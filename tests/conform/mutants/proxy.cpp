// telechat-mutant-proxy: a loopback proxy in front of a real telechat-server
// that breaks one rule of docs/protocol.md on purpose, so that the
// conformance kit can be shown to catch it. Test-only, Linux-only.
//
//     telechat-mutant-proxy --upstream 127.0.0.1:PORT [--mutant NAME] [--max-line N]
//                           [--register-timeout SECONDS]
//     telechat-mutant-proxy --list
//
// --max-line and --register-timeout tell the proxy how the server is
// configured (defaults: the server's, 1024 and 30), for the mutants that
// depend on it.
//
// It prints "listening on 127.0.0.1:PORT" once ready and relays until
// SIGTERM or SIGINT (or until its parent dies: it must never outlive the
// driver that started it). --list prints one mutant per line:
// `NAME SECTION KILLS WHAT-IT-BREAKS`, KILLS being comma-separated globs of
// telechat-conform test names.
#include <arpa/inet.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "catalogue.hpp"
#include "relay.hpp"

namespace {

volatile std::sig_atomic_t stop_requested = 0;

extern "C" void request_stop(int /*signal*/) {
    stop_requested = 1;
}

[[noreturn]] void usage(const std::string& problem) {
    std::fprintf(stderr,
                 "telechat-mutant-proxy: %s\nusage: telechat-mutant-proxy --upstream "
                 "127.0.0.1:PORT [--mutant NAME] [--max-line N] [--register-timeout "
                 "SECONDS] | --list\n",
                 problem.c_str());
    std::exit(2);
}

sockaddr_in parse_upstream(const std::string& text) {
    const std::size_t colon = text.rfind(':');
    sockaddr_in address{};
    address.sin_family = AF_INET;
    const std::string port = colon == std::string::npos ? "" : text.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos ||
        ::inet_pton(AF_INET, text.substr(0, colon).c_str(), &address.sin_addr) != 1) {
        usage("--upstream: '" + text + "' is not IPV4:PORT");
    }
    address.sin_port = htons(static_cast<std::uint16_t>(std::stoul(port)));
    return address;
}

// A positive number of seconds, as the server's --register-timeout takes it.
mutants::Clock::duration seconds_of(const std::string& text) {
    std::size_t used = 0;
    double seconds = 0;
    try {
        seconds = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || !(seconds > 0 && seconds < 86400)) {
        usage("--register-timeout: '" + text + "' is not a number of seconds");
    }
    return std::chrono::duration_cast<mutants::Clock::duration>(
        std::chrono::duration<double>(seconds));
}

mutants::Mutant find_mutant(std::string_view name) {
    if (name == "none") {
        return mutants::no_mutation();
    }
    for (mutants::Mutant& mutant : mutants::catalogue()) {
        if (mutant.name == name) {
            return mutant;
        }
    }
    usage("no mutant is called '" + std::string(name) + "' (see --list)");
}

void list() {
    for (const mutants::Mutant& m : mutants::catalogue()) {
        std::printf("%.*s %.*s %.*s %.*s\n", static_cast<int>(m.name.size()), m.name.data(),
                    static_cast<int>(m.section.size()), m.section.data(),
                    static_cast<int>(m.kills.size()), m.kills.data(),
                    static_cast<int>(m.breaks.size()), m.breaks.data());
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string upstream;
    std::string mutant_name = "none";
    for (int i = 1; i < argc; ++i) {
        const std::string option = argv[i];
        if (option == "--list") {
            list();
            return 0;
        }
        if (i + 1 >= argc) {
            usage(option + " needs a value, or is unknown");
        }
        const std::string value = argv[++i];
        if (option == "--upstream") {
            upstream = value;
        } else if (option == "--mutant") {
            mutant_name = value;
        } else if (option == "--max-line" &&
                   value.find_first_not_of("0123456789") == std::string::npos && !value.empty() &&
                   value.size() < 10) {
            mutants::max_line_setting() = std::stoul(value);
        } else if (option == "--register-timeout") {
            mutants::register_timeout_setting() = seconds_of(value);
        } else {
            usage("unknown option or bad value: " + option + " " + value);
        }
    }
    if (upstream.empty()) {
        usage("--upstream is required");
    }
    const sockaddr_in address = parse_upstream(upstream);
    const mutants::Mutant mutant = find_mutant(mutant_name);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the driver
    std::signal(SIGTERM, request_stop);
    std::signal(SIGINT, request_stop);
    std::signal(SIGPIPE, SIG_IGN);
    try {
        mutants::Relay relay(address, mutant.make);
        std::printf("listening on 127.0.0.1:%u\n", static_cast<unsigned>(relay.port()));
        std::fflush(stdout);
        relay.run(stop_requested);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "telechat-mutant-proxy: %s\n", error.what());
        return 1;
    }
    return 0;
}

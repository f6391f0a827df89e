// How much the I/O-free core costs per relayed message: parse the MSG line,
// route it, format the reply and the push, record it in two histories, and
// hand the bytes to the "server" (this loop, which just discards them).
//
// It prints ns per relayed message (median of several runs) and heap
// allocations per relayed message, counted by the replaced operator new of
// tests/support/allocation_counter.hpp, in
// two steady states: with histories at their retention limit (the normal
// state of a busy desk) and with history disabled (the relay path alone).
#include <telechat/desk/desk.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

#include "allocation_counter.hpp"

namespace {

using telechat::ConnectionId;
using telechat::Desk;

struct Pair {
    ConnectionId customer;
    ConnectionId agent;
    std::string customer_line;  // "MSG <text>\r\n"
    std::string agent_line;     // "MSG c<i> <text>\r\n"
};

std::size_t drain(Desk& desk) {
    std::size_t bytes = 0;
    while (const auto id = desk.next_ready()) {
        const std::size_t pending = desk.pending_output(*id).size();
        bytes += pending;
        desk.consume_output(*id, pending);
    }
    return bytes;
}

struct Setup {
    Desk desk;
    std::vector<Pair> pairs;
};

Setup make_desk(std::size_t pair_count, std::size_t history_limit) {
    telechat::DeskOptions options;
    options.agent_key = "bench-key";
    options.agent_capacity = 1;
    options.history_limit = history_limit;
    options.max_clients = 2 * pair_count + 1;
    Setup setup{Desk(options), {}};
    const std::string text = "the quick brown fox jumps over the lazy dog";
    for (std::size_t i = 0; i < pair_count; ++i) {
        Pair pair;
        pair.agent = setup.desk.open(0);
        setup.desk.receive(pair.agent, "CONNECT AGENT a" + std::to_string(i) + " bench-key\r\n", 0);
        pair.customer = setup.desk.open(0);
        const std::string name = "c" + std::to_string(i);
        setup.desk.receive(pair.customer, "CONNECT CUSTOMER " + name + "\r\n", 0);
        pair.customer_line = "MSG " + text + "\r\n";
        pair.agent_line = "MSG " + name + " " + text + "\r\n";
        setup.pairs.push_back(std::move(pair));
    }
    drain(setup.desk);
    return setup;
}

// Sends `rounds` messages each way on every pair; returns messages relayed.
std::size_t relay(Setup& setup, std::size_t rounds, telechat::UnixMillis now) {
    std::size_t relayed = 0;
    for (std::size_t round = 0; round < rounds; ++round) {
        for (const Pair& pair : setup.pairs) {
            setup.desk.receive(pair.customer, pair.customer_line, now);
            setup.desk.receive(pair.agent, pair.agent_line, now);
            drain(setup.desk);
            relayed += 2;
        }
    }
    return relayed;
}

struct Figures {
    double ns_per_message = 0;
    double allocations_per_message = 0;
};

Figures measure(std::size_t pair_count, std::size_t history_limit, std::size_t repetitions) {
    Setup setup = make_desk(pair_count, history_limit);
    // Fill every history to its retention limit, and every buffer pool.
    relay(setup, history_limit / 2 + 2, 1);
    std::vector<double> samples;
    std::size_t allocations = 0;
    std::size_t relayed_total = 0;
    const std::size_t rounds = std::max<std::size_t>(1, 200'000 / pair_count);
    for (std::size_t r = 0; r < repetitions; ++r) {
        const std::size_t before = telechat_test::allocation_count();
        const auto start = std::chrono::steady_clock::now();
        const std::size_t relayed = relay(setup, rounds, 2);
        const auto stop = std::chrono::steady_clock::now();
        allocations += telechat_test::allocation_count() - before;
        relayed_total += relayed;
        samples.push_back(std::chrono::duration<double, std::nano>(stop - start).count() /
                          static_cast<double>(relayed));
    }
    setup.desk.check_invariants();
    std::sort(samples.begin(), samples.end());
    return {samples[samples.size() / 2],
            static_cast<double>(allocations) / static_cast<double>(relayed_total)};
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
    const std::size_t repetitions = quick ? 1 : 7;
    std::printf("3MCP core relay: MSG in, +OK and MSG out, per relayed message\n");
    std::printf("%-8s %-22s %12s %14s   targets: <= 300 ns; 0 allocs on the relay path,\n", "pairs",
                "histories", "ns/message", "allocs/message");
    std::printf("%57s <= 1 with histories at their limit\n", "");
    for (const std::size_t pairs : {std::size_t{10}, std::size_t{100}, std::size_t{1000}}) {
        if (quick && pairs != 100) {
            continue;
        }
        const std::size_t limit = quick ? 50 : 1000;
        const Figures with_history = measure(pairs, limit, repetitions);
        const Figures relay_only = measure(pairs, 0, repetitions);
        std::printf("%-8zu %-22s %12.1f %14.3f\n", pairs,
                    (std::to_string(limit) + " per user, full").c_str(),
                    with_history.ns_per_message, with_history.allocations_per_message);
        std::printf("%-8zu %-22s %12.1f %14.3f\n", pairs, "off (relay path only)",
                    relay_only.ns_per_message, relay_only.allocations_per_message);
    }
    return 0;
}

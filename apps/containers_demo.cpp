// A support desk in miniature, run on TeleChat's three containers: customers
// wait in a Queue, an agent's "undo" of closed tickets is a Stack, and each
// customer's history lives in a HashTable. It prints what happens and exits.
#include <telechat/telechat.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace {

struct Ticket {
    std::string customer;
    std::string question;
};

void print_probe_statistics(const telechat::HashTableStats& stats) {
    std::printf("  %zu entries in %zu buckets (load %.2f, grows at %.2f)\n", stats.size,
                stats.bucket_count, stats.load_factor, stats.max_load_factor);
    std::printf("  probe length: mean %.2f, max %zu\n", stats.mean_probe_length,
                stats.max_probe_length);
}

}  // namespace

int main() {
    telechat::Queue<Ticket> waiting;
    telechat::HashTable<std::string, std::vector<std::string>> history;
    telechat::Stack<Ticket> closed;

    std::puts("== customers arrive and wait in FIFO order (Queue)");
    for (const Ticket& ticket : {Ticket{"ana", "my order is late"}, Ticket{"bruno", "refund?"},
                                 Ticket{"carla", "password reset"}}) {
        waiting.push(ticket);
        history[ticket.customer].push_back("asked: " + ticket.question);
        std::printf("  %-6s queued at position %zu\n", ticket.customer.c_str(), waiting.size());
    }

    std::puts("== the agent serves them, oldest first");
    while (!waiting.empty()) {
        Ticket ticket = std::move(waiting.front());
        waiting.pop();
        history.at(ticket.customer).push_back("answered by agent sam");
        std::printf("  sam serves %-6s (%zu still waiting)\n", ticket.customer.c_str(),
                    waiting.size());
        closed.push(std::move(ticket));
    }

    std::puts("== the last ticket closed is the first reopened (Stack)");
    const Ticket reopened = closed.top();
    closed.pop();
    history.at(reopened.customer).push_back("reopened");
    std::printf("  reopened %s's ticket; %zu remain closed\n", reopened.customer.c_str(),
                closed.size());

    std::puts("== every customer's history (HashTable)");
    for (const std::string name : {"ana", "bruno", "carla"}) {
        std::printf("  %s:", name.c_str());
        for (const std::string& line : history.at(name)) {
            std::printf(" [%s]", line.c_str());
        }
        std::puts("");
    }

    std::puts("== what clustering looks like: 100000 integer keys");
    telechat::HashTable<unsigned, unsigned> squares;
    for (unsigned i = 0; i < 100000; ++i) {
        squares.insert({i * 7919U, i});
    }
    print_probe_statistics(squares.stats());
    squares.check_invariants();
    std::puts("demo finished: all invariants hold");
    return 0;
}

// Uses each container once; exits non-zero if any behaves wrongly.
#include <telechat/telechat.hpp>

#include <string>

int main() {
    telechat::Queue<int> waiting;
    waiting.push(1);
    waiting.push(2);
    telechat::Stack<std::string> undo;
    undo.push("typed");
    telechat::HashTable<std::string, int> seats;
    seats["ana"] = 3;
    const bool ok = waiting.front() == 1 && undo.top() == "typed" && seats.at("ana") == 3;
    return ok ? 0 : 1;
}

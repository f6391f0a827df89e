// Must NOT compile: this growth rule has no slot(), so it is not a
// telechat::growth::GrowthRule. The compiler's message has to name the
// concept (checked by expect_failure.cmake).
#include <telechat/queue.hpp>

#include <cstddef>

struct TriplingWithoutSlot {
    static std::size_t grow(std::size_t current, std::size_t needed, std::size_t max) {
        telechat::growth::require_at_most(needed, max);
        std::size_t capacity = telechat::growth::starting_capacity(current, max);
        while (capacity < needed) {
            capacity = capacity > max / 3 ? max : capacity * 3;
        }
        return capacity;
    }
    static std::size_t round_up(std::size_t wanted, std::size_t max) {
        telechat::growth::require_at_most(wanted, max);
        return wanted;
    }
};

int main() {
    telechat::Queue<int, TriplingWithoutSlot> queue;
    queue.push(1);
    return queue.front();
}

// Growth rules: a Stack or a Queue that grows by ×1.5 instead of ×2, and a
// rule of your own. Checks its own results and exits 1 if one is wrong.
#include <telechat/growth.hpp>
#include <telechat/queue.hpp>
#include <telechat/stack.hpp>

#include <cstddef>
#include <cstdio>
#include <vector>

//! [own_rule]
// A rule of your own: grow by ×3. It models telechat::growth::GrowthRule, so
// Stack and Queue take it with no change to either.
struct Tripling {
    static std::size_t grow(std::size_t current, std::size_t needed,
                            std::size_t max) {
        return telechat::growth::grow_in_steps(
            current, needed, max, [max](std::size_t c) {
                return c > max / 3 ? max : c * 3;  // cap at max, never overflow
            });
    }
    // Any capacity may hold a ring: the Queue finds a slot with %.
    static std::size_t round_up(std::size_t wanted, std::size_t max) {
        telechat::growth::require_at_most(wanted, max);
        return wanted;
    }
    static std::size_t slot(std::size_t position,
                            std::size_t capacity) noexcept {
        return position % capacity;
    }
};
//! [own_rule]

namespace {

/// The capacities a container passes through while `count` ints are pushed.
template <class Container>
std::vector<std::size_t> capacities_while_pushing(int count) {
    Container container;
    std::vector<std::size_t> capacities;
    for (int i = 0; i < count; ++i) {
        container.push(i);
        if (capacities.empty() || capacities.back() != container.capacity()) {
            capacities.push_back(container.capacity());
        }
    }
    return capacities;
}

void print(const char* name, const std::vector<std::size_t>& capacities) {
    std::printf("%-22s", name);
    for (const std::size_t capacity : capacities) {
        std::printf(" %zu", capacity);
    }
    std::printf("\n");
}

}  // namespace

int main() {
    //! [choose]
    namespace growth = telechat::growth;
    const auto doubling = capacities_while_pushing<telechat::Stack<int>>(100);
    const auto half_again =
        capacities_while_pushing<telechat::Stack<int, growth::HalfAgain>>(100);
    const auto ring =
        capacities_while_pushing<telechat::Queue<int, growth::HalfAgain>>(100);
    const auto tripling =
        capacities_while_pushing<telechat::Queue<int, Tripling>>(100);
    print("Stack<int>", doubling);               // 8 16 32 64 128
    print("Stack<int, HalfAgain>", half_again);  // 8 12 18 27 40 60 90 135
    print("Queue<int, HalfAgain>", ring);        // the same: the rule decides
    print("Queue<int, Tripling>", tripling);     // 8 24 72 216
    //! [choose]

    const bool right =
        doubling == std::vector<std::size_t>{8, 16, 32, 64, 128} &&
        half_again ==
            std::vector<std::size_t>{8, 12, 18, 27, 40, 60, 90, 135} &&
        ring == half_again &&
        tripling == std::vector<std::size_t>{8, 24, 72, 216};
    if (!right) {
        std::printf("unexpected capacities\n");
        return 1;
    }
    return 0;
}

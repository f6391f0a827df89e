// Why telechat::Stack keeps three pointers and not a pointer and two counts:
// the two smallest stacks that show the difference. Compile with
// `g++ -std=c++20 -O2 -S docs/examples/aliasing.cpp` and compare the loops of
// fill<CountedStack> and fill<PointerStack> (the Stack guide shows them).
// Checks its own results and exits 1 if one is wrong.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <vector>

//! [counted]
// A pointer and two counts: how telechat::Stack was first written.
struct CountedStack {
    std::uint64_t* data = nullptr;
    std::size_t size = 0;
    std::size_t capacity = 0;

    bool push(std::uint64_t value) {
        if (size == capacity) {
            return false;  // (the real Stack grows here)
        }
        data[size] =
            value;  // a std::uint64_t store: for all the compiler knows,
        ++size;     // it changed `size`, so `size` is read again here
        return true;
    }
};
//! [counted]

//! [pointers]
// Three pointers, as std::vector keeps them: a store of a std::uint64_t cannot
// change a pointer, so the compiler may keep `top` in a register.
struct PointerStack {
    std::uint64_t* bottom = nullptr;
    std::uint64_t* top = nullptr;
    std::uint64_t* end = nullptr;

    bool push(std::uint64_t value) {
        if (top == end) {
            return false;  // (the real Stack grows here)
        }
        *top = value;
        ++top;
        return true;
    }
};
//! [pointers]

// Pushes values until the stack is full. Out of line, so that `g++ -O2 -S`
// shows the loop of each stack on its own: fill<CountedStack> and
// fill<PointerStack>.
template <class Stack>
[[gnu::noinline]] std::size_t fill(Stack& stack, const std::uint64_t* values,
                                   std::size_t count) {
    std::size_t pushed = 0;
    for (std::size_t i = 0; i < count && stack.push(values[i]); ++i) {
        ++pushed;
    }
    return pushed;
}

int main() {
    constexpr std::size_t capacity = 100;
    std::vector<std::uint64_t> values(150);
    for (std::size_t i = 0; i < values.size(); ++i) {
        values[i] = i * i;
    }
    std::vector<std::uint64_t> counted_block(capacity);
    std::vector<std::uint64_t> pointer_block(capacity);
    CountedStack counted{counted_block.data(), 0, capacity};
    PointerStack pointers{pointer_block.data(), pointer_block.data(),
                          pointer_block.data() + capacity};

    // Both take the first 100 values, refuse the rest, and hold the same.
    const std::size_t pushed_counted =
        fill(counted, values.data(), values.size());
    const std::size_t pushed_pointers =
        fill(pointers, values.data(), values.size());
    const bool same =
        pushed_counted == capacity && pushed_pointers == capacity &&
        counted.size == capacity && pointers.top == pointers.end &&
        counted_block == pointer_block && counted_block[99] == 99 * 99;
    std::printf("pushed %zu and %zu, same contents: %s\n", pushed_counted,
                pushed_pointers, same ? "yes" : "NO");
    return same ? 0 : 1;
}

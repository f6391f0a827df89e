// Must NOT compile: a Stack's second parameter is its growth rule, not an
// allocator or a size. The compiler's message has to name the concept.
#include <telechat/stack.hpp>

#include <memory>

int main() {
    telechat::Stack<int, std::allocator<int>> stack;
    stack.push(1);
    return stack.top();
}

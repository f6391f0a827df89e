// Bracket matching with telechat::Stack: is every (, [ and { closed, in order?
//
// The most recently opened bracket is the one that must close first: last in,
// first out. So each opening bracket is pushed, and each closing bracket must
// match the top of the stack, which it then pops.
//
// Build and run, from the top of the repository:
//   c++ -std=c++20 -I include docs/examples/brackets.cpp
//   ./a.out
// It checks its own answers and exits 1 if one is wrong.
#include <telechat/stack.hpp>

#include <cstddef>
#include <cstdio>
#include <string_view>

namespace {

//! [balanced]
// Whether the brackets in `text` are balanced; other characters are ignored.
bool balanced(std::string_view text) {
    telechat::Stack<char> open;  // the brackets still waiting for their partner
    for (const char c : text) {
        // An opening bracket pushes the closing partner we now expect.
        switch (c) {
            case '(':
                open.push(')');
                break;
            case '[':
                open.push(']');
                break;
            case '{':
                open.push('}');
                break;
            case ')':
            case ']':
            case '}':
                if (open.empty() || open.top() != c) {
                    return false;  // nothing open, or the wrong kind
                }
                open.pop();
                break;
            default:
                break;
        }
    }
    return open.empty();  // anything left was never closed
}
//! [balanced]

int failures = 0;

void check(bool ok, std::string_view what) {
    if (!ok) {
        std::fprintf(stderr, "brackets: wrong: %.*s\n",
                     static_cast<int>(what.size()), what.data());
        ++failures;
    }
}

}  // namespace

int main() {
    //! [basics]
    telechat::Stack<int> undo;  // last in, first out
    undo.push(1);
    undo.push(2);
    const int last = undo.top();  // 2, the newest
    undo.pop();                   // now 1 is on top
    //! [basics]
    check(last == 2 && undo.top() == 1 && undo.size() == 1, "LIFO order");

    check(balanced(""), "empty text");
    check(balanced("f(a[i], {b, c})"), "nested brackets");
    check(balanced("()[]{}"), "brackets side by side");
    check(!balanced("(]"), "the wrong kind of closing bracket");
    check(!balanced("([)]"), "crossed brackets");
    check(!balanced("(("), "brackets never closed");
    check(!balanced("())"), "a closing bracket with nothing open");

    if (failures != 0) {
        return 1;
    }
    std::puts("brackets: all checks passed");
    return 0;
}

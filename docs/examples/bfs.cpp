// Breadth-first search with telechat::Queue: the fewest steps through a maze.
//
// A queue is what makes the search breadth-first: cells leave it in the order
// they were found, so every cell at distance d is visited before any cell at
// distance d + 1, and the first time we reach a cell is along a shortest path.
//
// Build and run:  c++ -std=c++20 -I include docs/examples/bfs.cpp && ./a.out
// It checks its own answers and exits 1 if one is wrong.
#include <telechat/queue.hpp>

#include <cstddef>
#include <cstdio>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace {

struct Cell {
    std::size_t row;
    std::size_t column;
};

//! [bfs]
// The number of steps from `start` to `goal`, moving up, down, left or right
// through '.' cells; nothing if the goal cannot be reached.
std::optional<std::size_t> shortest_path(const std::vector<std::string>& maze,
                                         Cell start, Cell goal) {
    const std::size_t rows = maze.size();
    const std::size_t columns = maze.front().size();
    constexpr std::size_t unseen = static_cast<std::size_t>(-1);
    std::vector<std::size_t> distance(rows * columns, unseen);

    // The cells found but not yet expanded, oldest first.
    telechat::Queue<Cell> frontier;
    distance[start.row * columns + start.column] = 0;
    frontier.push(start);
    while (!frontier.empty()) {
        // A copy, not a reference: pop() destroys the element.
        const Cell here = frontier.front();
        frontier.pop();
        const std::size_t steps = distance[here.row * columns + here.column];
        if (here.row == goal.row && here.column == goal.column) {
            return steps;
        }
        const Cell neighbours[] = {{here.row - 1, here.column},
                                   {here.row + 1, here.column},
                                   {here.row, here.column - 1},
                                   {here.row, here.column + 1}};
        for (const Cell next : neighbours) {
            // Row or column 0 minus 1 wraps around to a huge value, which
            // fails the bounds test.
            if (next.row >= rows || next.column >= columns ||
                maze[next.row][next.column] != '.') {
                continue;
            }
            std::size_t& seen = distance[next.row * columns + next.column];
            if (seen == unseen) {
                seen = steps + 1;
                frontier.push(next);
            }
        }
    }
    return std::nullopt;
}
//! [bfs]

int failures = 0;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "bfs: wrong: %s\n", what);
        ++failures;
    }
}

}  // namespace

int main() {
    //! [basics]
    telechat::Queue<std::string> waiting;  // first in, first out
    waiting.push("ana");
    waiting.push("bruno");
    const std::string next = waiting.front();  // "ana" waited longest
    waiting.pop();                             // now "bruno" is at the front
    //! [basics]
    check(next == "ana" && waiting.front() == "bruno" && waiting.size() == 1,
          "FIFO order");

    //! [iterators]
    // Capacity 4: the next push will not grow.
    telechat::Queue<int> line = {1, 2, 3};
    auto second = std::next(line.begin());  // names the element 2
    line.pop();                             // destroys 1; 2 has not moved
    check(*second == 2 && second == line.begin(), "an iterator survives a pop");
    line.push(4);  // no growth: only end() is invalidated
    check(*second == 2, "an iterator survives a push that does not grow");
    telechat::Queue<int> other;
    // The elements change owner, and the iterator goes with them.
    other.swap(line);
    check(second == other.begin() && line.empty(),
          "an iterator follows its element on swap");
    //! [iterators]

    const std::vector<std::string> maze = {
        "..#.....",  //
        ".##.###.",  //
        "....#...",  //
        ".##...#.",  //
        "...#.#..",  //
    };
    check(shortest_path(maze, {0, 0}, {0, 0}) == 0U, "start is the goal");
    check(shortest_path(maze, {0, 0}, {2, 3}) == 5U, "to (2, 3)");
    check(shortest_path(maze, {0, 0}, {0, 7}) == 11U,
          "around the walls to (0, 7)");
    check(shortest_path(maze, {0, 0}, {4, 4}) == 8U, "down to (4, 4)");
    const std::vector<std::string> walled = {".#.", "##.", "..."};
    check(!shortest_path(walled, {0, 0}, {2, 2}).has_value(),
          "a walled-in start has no path");

    if (failures != 0) {
        return 1;
    }
    std::puts("bfs: all checks passed");
    return 0;
}

// A live telechat::Queue drawn as it is in memory: its ring's slots, which
// hold an element and which are raw, the head (the front, popped next) and
// the tail (where the next push goes), across the wrap-around too. It reads
// the queue through Queue::layout() and its iterators only.
#pragma once

#include <telechat/growth.hpp>
#include <telechat/queue.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "operations.hpp"
#include "slot_picture.hpp"

namespace lab_app {

namespace picture_detail {

inline std::string queue_title(std::size_t size, std::size_t capacity) {
    return "Queue: size " + std::to_string(size) + ", capacity " + std::to_string(capacity);
}

inline std::vector<Marker> queue_markers(std::size_t size, std::size_t capacity, std::size_t head,
                                         std::size_t tail) {
    const std::string at_head = " (slot " + std::to_string(head) + ")";
    const std::string at_tail = " (slot " + std::to_string(tail) + ")";
    if (size == 0) {
        return {{head, "head = tail: empty; the next push goes here" + at_head}};
    }
    if (size == capacity) {
        return {{head, "head: the front, popped next" + at_head},
                {tail, "tail = head: full; the next push grows the ring"}};
    }
    return {{head, "head: the front, popped next" + at_head},
            {tail, "tail: the next push goes here" + at_tail}};
}

}  // namespace picture_detail

/// The queue as a row of slots: element i (front first) in slot
/// (front_slot + i) % capacity, the others raw; head and tail marked.
template <class T, telechat::growth::GrowthRule Growth, class Label = DefaultLabel>
[[nodiscard]] SlotPicture picture_of(const telechat::Queue<T, Growth>& queue, Label label = {}) {
    const auto layout = queue.layout();
    SlotPicture picture;
    picture.title = picture_detail::queue_title(layout.size, layout.capacity);
    picture.slots.resize(layout.capacity);
    std::size_t i = 0;
    for (const T& element : queue) {
        picture.slots[(layout.front_slot + i) % layout.capacity] = label(element);
        ++i;
    }
    if (layout.capacity != 0) {
        picture.markers = picture_detail::queue_markers(layout.size, layout.capacity,
                                                        layout.front_slot, layout.next_slot);
    }
    return picture;
}

/// Applies `operations` to an empty Queue<int, Growth>, pictured after each.
template <telechat::growth::GrowthRule Growth = telechat::growth::Doubling>
[[nodiscard]] std::vector<SlotPicture> queue_step_pictures(
    const std::vector<Operation>& operations) {
    return step_pictures<telechat::Queue<int, Growth>>(
        operations, [](const telechat::Queue<int, Growth>& queue) { return picture_of(queue); });
}

/// The same steps as text, one picture per string (`--steps`).
template <telechat::growth::GrowthRule Growth = telechat::growth::Doubling>
[[nodiscard]] std::vector<std::string> queue_steps(const std::vector<Operation>& operations) {
    return to_texts(queue_step_pictures<Growth>(operations));
}

/// A sequence that shows the ring at work: six pushes, four pops, six
/// pushes that wrap around the end of the block and fill it, and one more
/// that grows it while wrapped (it unwraps, front first).
[[nodiscard]] inline std::vector<Operation> default_queue_operations() {
    std::vector<Operation> operations = pushes_then_pops(1, 6, 4);
    for (const Operation& operation : pushes_then_pops(7, 7, 0)) {
        operations.push_back(operation);
    }
    return operations;
}

}  // namespace lab_app

// A live telechat::Stack drawn as it is in memory: one block whose first
// size() slots hold the elements, bottom to top, and whose other slots up to
// capacity() are raw; the top and the slot of the next push are marked.
#pragma once

#include <telechat/growth.hpp>
#include <telechat/stack.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "operations.hpp"
#include "slot_picture.hpp"

namespace lab_app {

namespace picture_detail {

inline std::vector<Marker> stack_markers(std::size_t size, std::size_t capacity) {
    std::vector<Marker> markers;
    if (size != 0) {
        markers.push_back({size - 1, "top: popped next (slot " + std::to_string(size - 1) + ")"});
    }
    if (size < capacity) {
        markers.push_back({size, "the next push goes here (slot " + std::to_string(size) + ")"});
    } else {
        markers.push_back({size - 1, "full: the next push grows the block"});
    }
    return markers;
}

}  // namespace picture_detail

/// The stack as a row of slots: the elements bottom (slot 0) to top, then
/// raw slots up to the capacity; the top and the next push marked.
template <class T, telechat::growth::GrowthRule Growth, class Label = DefaultLabel>
[[nodiscard]] SlotPicture picture_of(const telechat::Stack<T, Growth>& stack, Label label = {}) {
    SlotPicture picture;
    picture.title = "Stack: size " + std::to_string(stack.size()) + ", capacity " +
                    std::to_string(stack.capacity());
    picture.slots.resize(stack.capacity());
    std::size_t slot = 0;
    for (const T& element : stack) {
        picture.slots[slot++] = label(element);
    }
    if (stack.capacity() != 0) {
        picture.markers = picture_detail::stack_markers(stack.size(), stack.capacity());
    }
    return picture;
}

/// Applies `operations` to an empty Stack<int, Growth>, pictured after each.
template <telechat::growth::GrowthRule Growth = telechat::growth::Doubling>
[[nodiscard]] std::vector<SlotPicture> stack_step_pictures(
    const std::vector<Operation>& operations) {
    return step_pictures<telechat::Stack<int, Growth>>(
        operations, [](const telechat::Stack<int, Growth>& stack) { return picture_of(stack); });
}

/// The same steps as text, one picture per string (`--steps`).
template <telechat::growth::GrowthRule Growth = telechat::growth::Doubling>
[[nodiscard]] std::vector<std::string> stack_steps(const std::vector<Operation>& operations) {
    return to_texts(stack_step_pictures<Growth>(operations));
}

/// A sequence that shows the block fill and grow: nine pushes (the ninth
/// finds the block of 8 full and moves everything to a larger one), then
/// three pops (the capacity stays).
[[nodiscard]] inline std::vector<Operation> default_stack_operations() {
    return pushes_then_pops(1, 9, 3);
}

}  // namespace lab_app

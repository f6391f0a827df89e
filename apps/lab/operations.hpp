// A short sequence of pushes and pops, as `telechat-lab picture queue|stack
// --steps "push 1, push 2, pop"` takes it: the pictures are drawn after each.
#pragma once

#include <charconv>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "slot_picture.hpp"

namespace lab_app {

/// One operation on a Queue or a Stack of ints.
struct Operation {
    enum class Kind { push, pop };
    Kind kind = Kind::push;
    int value = 0;  ///< what a push pushes

    /// "push 7" or "pop".
    [[nodiscard]] std::string describe() const {
        return kind == Kind::push ? "push " + std::to_string(value) : "pop";
    }
};

namespace operations_detail {

inline std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(' ');
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

inline std::optional<Operation> parse_one(std::string_view text) {
    text = trimmed(text);
    if (text == "pop") {
        return Operation{Operation::Kind::pop, 0};
    }
    constexpr std::string_view push = "push ";
    if (!text.starts_with(push)) {
        return std::nullopt;
    }
    const std::string_view number = trimmed(text.substr(push.size()));
    int value = 0;
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (error != std::errc{} || end != number.data() + number.size() || number.empty()) {
        return std::nullopt;
    }
    return Operation{Operation::Kind::push, value};
}

}  // namespace operations_detail

/// Parses "push 1, push 2, pop": operations separated by commas, each
/// `push N` (N an int) or `pop`. Returns nothing if any part is not one.
[[nodiscard]] inline std::optional<std::vector<Operation>> parse_operations(std::string_view text) {
    std::vector<Operation> operations;
    while (true) {
        const auto comma = text.find(',');
        const auto operation = operations_detail::parse_one(text.substr(0, comma));
        if (!operation) {
            return std::nullopt;
        }
        operations.push_back(*operation);
        if (comma == std::string_view::npos) {
            return operations;
        }
        text.remove_prefix(comma + 1);
    }
}

/// `count` pushes of first, first + 1, ...; then `pops` pops.
[[nodiscard]] inline std::vector<Operation> pushes_then_pops(int first, int count, int pops) {
    std::vector<Operation> operations;
    operations.reserve(static_cast<std::size_t>(count) + static_cast<std::size_t>(pops));
    for (int i = 0; i < count; ++i) {
        operations.push_back({Operation::Kind::push, first + i});
    }
    for (int i = 0; i < pops; ++i) {
        operations.push_back({Operation::Kind::pop, 0});
    }
    return operations;
}

/// Applies `operations` to an empty `Container` of ints and takes
/// `picture(container)` after each one, its title prefixed with the
/// operation; a pop on an empty container is refused (std::out_of_range),
/// and the title says so.
template <class Container, class Picture>
[[nodiscard]] std::vector<SlotPicture> step_pictures(const std::vector<Operation>& operations,
                                                     Picture picture) {
    Container container;
    std::vector<SlotPicture> pictures;
    pictures.reserve(operations.size());
    for (const Operation& operation : operations) {
        std::string outcome;
        if (operation.kind == Operation::Kind::push) {
            container.push(operation.value);
        } else {
            try {
                container.pop();
            } catch (const std::out_of_range&) {
                outcome = " (refused: empty)";
            }
        }
        pictures.push_back(picture(container));
        pictures.back().title =
            "after " + operation.describe() + outcome + ": " + pictures.back().title;
    }
    return pictures;
}

/// Each picture as text.
[[nodiscard]] inline std::vector<std::string> to_texts(const std::vector<SlotPicture>& pictures) {
    std::vector<std::string> texts;
    texts.reserve(pictures.size());
    for (const SlotPicture& picture : pictures) {
        texts.push_back(to_text(picture));
    }
    return texts;
}

}  // namespace lab_app

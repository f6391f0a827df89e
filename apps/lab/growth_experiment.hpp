// The growth experiment of `telechat-lab growth`: push N elements into a
// Stack and a Queue under each growth rule (×2 and ×1.5) and count what the
// growth cost: blocks allocated, element moves and copies, the most memory
// held at once (during a growth the old and the new block are both held),
// and how much of the block stands empty. No global operator new is
// replaced: the element counts its own copies and moves, and the bytes come
// from capacity() * sizeof(element) at each growth.
#pragma once

#include <telechat/growth.hpp>
#include <telechat/queue.hpp>
#include <telechat/stack.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace lab_app {

/// Copy and move constructions of CountingElement, counted by the run that owns it.
struct CopyMoveCounts {
    std::size_t copies = 0;
    std::size_t moves = 0;
};

/// A 16-byte element that counts its copies and moves in its run's
/// CopyMoveCounts. With `NoexceptMove` false its move constructor may throw,
/// so a growing container copies it instead (std::move_if_noexcept).
template <bool NoexceptMove>
class CountingElement {
public:
    CountingElement(CopyMoveCounts& counts, std::uint64_t payload) noexcept
        : m_counts(&counts), m_payload(payload) {}
    CountingElement(const CountingElement& other) noexcept
        : m_counts(other.m_counts), m_payload(other.m_payload) {
        ++m_counts->copies;
    }
    // NOLINTNEXTLINE(performance-noexcept-move-constructor): may throw on purpose, so growth copies
    CountingElement(CountingElement&& other) noexcept(NoexceptMove)
        : m_counts(other.m_counts), m_payload(other.m_payload) {
        ++m_counts->moves;
    }
    CountingElement& operator=(const CountingElement&) noexcept = default;
    CountingElement& operator=(CountingElement&&) noexcept = default;
    ~CountingElement() = default;

    [[nodiscard]] std::uint64_t payload() const noexcept { return m_payload; }

private:
    CopyMoveCounts* m_counts;
    std::uint64_t m_payload;
};

/// What pushing `elements` elements one by one into an empty container cost.
struct GrowthRow {
    std::string container;  ///< "Queue" or "Stack"
    std::string rule;       ///< "Doubling", "HalfAgain", or a rule of the student's
    std::string element;    ///< "noexcept-move" or "throwing-move"
    std::size_t elements = 0;
    std::size_t element_bytes = 0;
    std::size_t allocations = 0;  ///< blocks allocated, the first one included
    std::size_t moves = 0;        ///< element moves made by growth
    std::size_t copies = 0;       ///< element copies made by growth
    std::size_t peak_capacity = 0;
    std::size_t peak_bytes = 0;  ///< most bytes held at once: old + new block during a growth
    std::size_t final_capacity = 0;
    double mean_waste = 0;  ///< empty share of the block, averaged over every size 1..N
    /// Growths whose new block would fit where the blocks freed before it
    /// lay, had they been side by side and merged: memory an allocator can reuse.
    std::size_t reusable_growths = 0;

    /// The empty share of the final block.
    [[nodiscard]] double final_waste() const {
        return final_capacity == 0 ? 0.0
                                   : static_cast<double>(final_capacity - elements) /
                                         static_cast<double>(final_capacity);
    }
};

namespace growth_detail {

/// What a run learns at each growth, from the capacities alone.
class GrowthLog {
public:
    GrowthLog(GrowthRow& row, std::size_t element_bytes) : m_row(row), m_bytes(element_bytes) {}

    void grew(std::size_t old_capacity, std::size_t new_capacity) {
        ++m_row.allocations;
        m_freed += m_previous;  // the block the last growth left is free by now
        if (new_capacity <= m_freed) {
            ++m_row.reusable_growths;
        }
        m_previous = old_capacity;
        m_row.peak_capacity = std::max(m_row.peak_capacity, new_capacity);
        m_row.peak_bytes = std::max(m_row.peak_bytes, (old_capacity + new_capacity) * m_bytes);
    }

private:
    GrowthRow& m_row;
    std::size_t m_bytes;
    std::size_t m_previous = 0;  // the block the last growth left (and freed)
    std::size_t m_freed = 0;     // capacity of all the blocks freed so far
};

}  // namespace growth_detail

/// Pushes `elements` elements into an empty `Container` (a Queue or a Stack
/// of CountingElement) and reports the cost of its growth. `container_name`
/// and `rule_name` only label the row.
template <class Container>
[[nodiscard]] GrowthRow measure_growth(const std::string& container_name,
                                       const std::string& rule_name, std::size_t elements) {
    using Element = typename Container::value_type;
    constexpr bool noexcept_move = std::is_nothrow_move_constructible_v<Element>;
    GrowthRow row{container_name, rule_name, noexcept_move ? "noexcept-move" : "throwing-move",
                  elements, sizeof(Element)};
    growth_detail::GrowthLog log(row, sizeof(Element));
    CopyMoveCounts counts;
    double waste_sum = 0;
    Container container;
    for (std::size_t i = 0; i < elements; ++i) {
        const std::size_t before = container.capacity();
        container.emplace(counts, i);
        if (container.capacity() != before) {
            log.grew(before, container.capacity());
        }
        waste_sum += static_cast<double>(container.capacity() - container.size()) /
                     static_cast<double>(container.capacity());
    }
    row.moves = counts.moves;
    row.copies = counts.copies;
    row.final_capacity = container.capacity();
    row.mean_waste = elements == 0 ? 0.0 : waste_sum / static_cast<double>(elements);
    return row;
}

/// The experiment's four rows for one element kind: Stack and Queue, each
/// with growth::Doubling and growth::HalfAgain.
template <bool NoexceptMove>
[[nodiscard]] std::vector<GrowthRow> growth_rows_for(std::size_t elements) {
    using Element = CountingElement<NoexceptMove>;
    namespace growth = telechat::growth;
    return {
        measure_growth<telechat::Stack<Element, growth::Doubling>>("Stack", "Doubling", elements),
        measure_growth<telechat::Stack<Element, growth::HalfAgain>>("Stack", "HalfAgain", elements),
        measure_growth<telechat::Queue<Element, growth::Doubling>>("Queue", "Doubling", elements),
        measure_growth<telechat::Queue<Element, growth::HalfAgain>>("Queue", "HalfAgain", elements),
    };
}

/// The whole experiment for each N in `sizes`: elements whose move is
/// noexcept (growth moves them), and, with `throwing_move`, elements whose
/// move may throw as well (growth copies them, for the strong guarantee).
[[nodiscard]] inline std::vector<GrowthRow> growth_experiment(const std::vector<std::size_t>& sizes,
                                                              bool throwing_move = false) {
    std::vector<GrowthRow> rows;
    for (const std::size_t elements : sizes) {
        for (GrowthRow& row : growth_rows_for<true>(elements)) {
            rows.push_back(std::move(row));
        }
        if (throwing_move) {
            for (GrowthRow& row : growth_rows_for<false>(elements)) {
                rows.push_back(std::move(row));
            }
        }
    }
    return rows;
}

}  // namespace lab_app

// A small live HashTable drawn as it is in memory, for telechat-lab's
// `picture hash`: each bucket with what it holds (an entry with its home
// bucket and probe length, a tombstone, or nothing; a chain for separate
// chaining), read from the table's own index, so the picture cannot
// disagree with the code.
#pragma once

#include <telechat/hash_table.hpp>
#include <telechat/hashing.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "svg.hpp"

namespace lab_app {

/// One entry of the picture: what a bucket holds, in the order of its chain.
struct PictureEntry {
    telechat::hashing::BucketView::State state = telechat::hashing::BucketView::State::empty;
    std::string key;         ///< the entry's key, as text
    std::size_t home = 0;    ///< its home bucket
    std::size_t probes = 0;  ///< a successful search's probes
};

/// A table's buckets, each with its entries (one, or a chain; empty: none).
struct HashPicture {
    std::string title;  ///< "RobinHood over PowerOfTwo: 16 buckets, 10 entries (load 0.62)"
    std::vector<std::vector<PictureEntry>> buckets;
};

/// Reads `table`'s index into a picture; `describe(key)` writes a key as text.
template <class Table, class Describe>
[[nodiscard]] HashPicture picture_of(const Table& table, Describe&& describe) {
    using Sizing = typename Table::sizing_rule;
    HashPicture picture;
    picture.buckets.resize(table.bucket_count());
    const Sizing sizing(table.bucket_count());
    const auto values = table.begin();
    table.index().for_each_bucket(
        [&](std::size_t bucket, const telechat::hashing::BucketView& view) {
            if (view.state == telechat::hashing::BucketView::State::empty) {
                return;
            }
            PictureEntry entry{view.state, {}, 0, view.probe_length};
            if (view.state == telechat::hashing::BucketView::State::entry) {
                const auto& key = values[static_cast<std::ptrdiff_t>(view.value)].first;
                entry.key = describe(key);
                entry.home = table.bucket_count() == 0 ? 0 : sizing.home(table.prepared_hash(key));
            }
            picture.buckets[bucket].push_back(std::move(entry));
        },
        [&](std::uint32_t value) {
            return table.prepared_hash(values[static_cast<std::ptrdiff_t>(value)].first);
        });
    char load[16];
    std::snprintf(load, sizeof load, "%.2f", static_cast<double>(table.load_factor()));
    picture.title = std::string(Table::collision_strategy::name) + " over " +
                    std::string(Sizing::name) + ": " + std::to_string(table.bucket_count()) +
                    " buckets, " + std::to_string(table.size()) +
                    std::string(table.size() == 1 ? " entry" : " entries") + " (load " + load + ")";
    if (const std::size_t tombstones = table.index().tombstones(); tombstones != 0) {
        picture.title +=
            ", " + std::to_string(tombstones) + " tombstone" + (tombstones == 1 ? "" : "s");
    }
    return picture;
}

/// The picture as terminal lines:
///
///     RobinHood over PowerOfTwo: 8 buckets, 3 entries (load 0.38)
///       0 |
///       1 | 42 (home 1)  17 (home 1, probe 2)
///
/// an entry away from home says so; a tombstone is `(deleted)`; a chain
/// reads left to right, head first.
[[nodiscard]] inline std::vector<std::string> picture_lines(const HashPicture& picture) {
    std::vector<std::string> lines{picture.title};
    const std::size_t width =
        std::to_string(picture.buckets.empty() ? 0 : picture.buckets.size() - 1).size();
    for (std::size_t bucket = 0; bucket < picture.buckets.size(); ++bucket) {
        std::string number = std::to_string(bucket);
        std::string line = "  " + std::string(width - number.size(), ' ') + number + " |";
        const auto& entries = picture.buckets[bucket];
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const PictureEntry& entry = entries[i];
            line += i == 0 ? " " : " -> ";
            if (entry.state == telechat::hashing::BucketView::State::tombstone) {
                line += "(deleted)";
                continue;
            }
            line += entry.key + " (home " + std::to_string(entry.home);
            line += entry.probes > 1 ? ", probe " + std::to_string(entry.probes) + ")" : ")";
        }
        lines.push_back(std::move(line));
    }
    return lines;
}

/// A table's buckets left to right, each entry in a box (its key, and its
/// home when it is not there), tombstones grey, chains hanging below.
[[nodiscard]] inline std::string picture_svg(const HashPicture& picture) {
    constexpr double box = 44;
    constexpr double gap = 4;
    std::size_t deepest = 1;
    for (const auto& entries : picture.buckets) {
        deepest = std::max(deepest, entries.size());
    }
    const double width = 20 + static_cast<double>(picture.buckets.size()) * (box + gap);
    svg::Document document(std::max(width, 420.0), 70 + static_cast<double>(deepest) * (box + 14));
    document.text({10, 20}, picture.title, svg::TextStyle{13, svg::Anchor::start, "black", true});
    for (std::size_t b = 0; b < picture.buckets.size(); ++b) {
        const double x = 10 + static_cast<double>(b) * (box + gap);
        document.text({x + box / 2, 42}, std::to_string(b),
                      svg::TextStyle{10, svg::Anchor::middle, "#666"});
        const auto& entries = picture.buckets[b];
        if (entries.empty()) {
            document.rect({x, 48}, box, box, svg::Style{"white", "#999", 1, false});
        }
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const double y = 48 + static_cast<double>(i) * (box + 14);
            const PictureEntry& entry = entries[i];
            const bool deleted = entry.state == telechat::hashing::BucketView::State::tombstone;
            const bool away = !deleted && entry.probes > 1;
            document.rect(
                {x, y}, box, box,
                svg::Style{deleted ? "#ddd" : (away ? "#fde2c8" : "#d4ecd4"), "#333", 1, false});
            document.text({x + box / 2, y + 20}, deleted ? "del" : entry.key,
                          svg::TextStyle{12, svg::Anchor::middle, "black", true, true});
            if (away) {
                document.text({x + box / 2, y + 36}, "h" + std::to_string(entry.home),
                              svg::TextStyle{10, svg::Anchor::middle, "#a04000"});
            }
            if (i + 1 < entries.size()) {
                document.line({x + box / 2, y + box}, {x + box / 2, y + box + 14},
                              svg::Style{"none", "#333", 1, false});
            }
        }
    }
    return document.str();
}

/// What `telechat-lab picture hash` draws.
struct HashPictureSettings {
    std::string collision = "RobinHood";
    std::string sizing = "PowerOfTwo";
    std::size_t buckets = 16;
    std::vector<int> keys = {42, 7, 19, 88, 23, 61, 5, 34, 76, 50};
    std::vector<int> erase;  ///< erased after the inserts (tombstones, backward shifts)
    bool steps = false;      ///< a picture after each operation, not only at the end
};

/// The pictures as text, and the last one as SVG.
struct HashPictures {
    std::vector<std::string> lines;
    std::string svg;
};

namespace detail {

// Inserts, erases, and draws, for one combination.
template <class Collision, class Sizing>
[[nodiscard]] HashPictures draw_with(const HashPictureSettings& settings) {
    telechat::HashTable<int, int, std::hash<int>, std::equal_to<int>, Collision, Sizing> table;
    table.max_load_factor(decltype(table)::highest_max_load_factor);
    table.rehash(settings.buckets);
    HashPictures pictures;
    std::vector<std::string>& lines = pictures.lines;
    const auto draw = [&](const std::string& caption) {
        if (!lines.empty()) {
            lines.emplace_back();
        }
        lines.push_back(caption);
        const HashPicture picture = picture_of(table, [](int key) { return std::to_string(key); });
        const auto text = picture_lines(picture);
        lines.insert(lines.end(), text.begin(), text.end());
        pictures.svg = picture_svg(picture);
    };
    for (const int key : settings.keys) {
        table.try_emplace(key, key);
        if (settings.steps) {
            draw("after insert " + std::to_string(key) + ":");
        }
    }
    for (const int key : settings.erase) {
        table.erase(key);
        if (settings.steps) {
            draw("after erase " + std::to_string(key) + ":");
        }
    }
    if (!settings.steps) {
        draw("the table:");
    }
    return pictures;
}

template <class Collision>
[[nodiscard]] std::optional<HashPictures> draw_over_sizing(const HashPictureSettings& settings) {
    if (settings.sizing == telechat::hashing::PowerOfTwo::name) {
        return draw_with<Collision, telechat::hashing::PowerOfTwo>(settings);
    }
    if (settings.sizing == telechat::hashing::Prime::name) {
        return draw_with<Collision, telechat::hashing::Prime>(settings);
    }
    return std::nullopt;
}

}  // namespace detail

/// The pictures `settings` asks for; nullopt for an unknown strategy or rule.
[[nodiscard]] inline std::optional<HashPictures> draw_hash_pictures(
    const HashPictureSettings& settings) {
    using namespace telechat::hashing;
    if (settings.collision == RobinHood::name) {
        return detail::draw_over_sizing<RobinHood>(settings);
    }
    if (settings.collision == LinearProbing::name) {
        return detail::draw_over_sizing<LinearProbing>(settings);
    }
    if (settings.collision == QuadraticProbing::name) {
        return detail::draw_over_sizing<QuadraticProbing>(settings);
    }
    if (settings.collision == SeparateChaining::name) {
        return detail::draw_over_sizing<SeparateChaining>(settings);
    }
    if (settings.collision == GroupProbing::name) {
        return detail::draw_over_sizing<GroupProbing>(settings);
    }
    return std::nullopt;
}

}  // namespace lab_app

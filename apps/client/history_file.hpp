// telechat-client's history of typed lines, kept between sessions in a
// file only its owner can read, under the client's state directory
// (system.hpp says where that is on each system).
#pragma once

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "system.hpp"

namespace client_app {

/// @brief The history file: `history` in the state directory; nullopt when
/// the system gives none.
[[nodiscard]] inline std::optional<std::filesystem::path> default_history_path() {
    const auto directory = state_directory();
    return directory ? std::optional(*directory / "history") : std::nullopt;
}

/// @brief The last `max_lines` lines of a history file; none if it cannot be read.
[[nodiscard]] inline std::vector<std::string> read_history_file(const std::filesystem::path& path,
                                                                std::size_t max_lines) {
    std::vector<std::string> lines;
    std::ifstream file(path);
    for (std::string line; std::getline(file, line);) {
        lines.push_back(std::move(line));
    }
    if (lines.size() > max_lines) {
        lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(max_lines));
    }
    return lines;
}

/// @brief Appends one line, creating the file and its directory, both
/// private to the user, if needed. Appending each line as it is sent keeps
/// it even when the client is killed. Returns false if it could not be written.
inline bool append_history_line(const std::filesystem::path& path, const std::string& line) {
    return write_private_file(path, line + "\n", true);
}

/// @brief Rewrites the file with only `lines`, so that it does not grow
/// without end; written beside it and renamed over it, so that a crash
/// leaves the old file or the new one, never half of one.
inline bool rewrite_history_file(const std::filesystem::path& path,
                                 const std::vector<std::string>& lines) {
    const std::filesystem::path fresh = path.string() + ".new";
    std::string text;
    for (const std::string& line : lines) {
        text += line + "\n";
    }
    std::error_code failed;
    return write_private_file(fresh, text, false) &&
           (std::filesystem::rename(fresh, path, failed), !failed);
}

}  // namespace client_app

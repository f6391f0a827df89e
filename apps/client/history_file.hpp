// Where telechat-client keeps the lines typed in earlier sessions: the only
// file I/O of the line editor, kept apart so that the editor itself does
// none. One line per line typed, oldest first, in a file only its owner can
// read (the lines are conversations with customers).
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace client_app {

/// @brief The history file of the XDG Base Directory rules:
/// `$XDG_STATE_HOME/telechat/history`, else `~/.local/state/telechat/history`;
/// nullopt when neither variable is set.
[[nodiscard]] inline std::optional<std::filesystem::path> default_history_path() {
    const char* state = std::getenv("XDG_STATE_HOME");
    if (state != nullptr && *state == '/') {  // the spec ignores relative paths
        return std::filesystem::path(state) / "telechat" / "history";
    }
    const char* home = std::getenv("HOME");
    if (home != nullptr && *home != '\0') {
        return std::filesystem::path(home) / ".local" / "state" / "telechat" / "history";
    }
    return std::nullopt;
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

/// @brief Appends one line, creating the file (mode 0600) and its directory
/// (0700) if needed. Appending each line as it is sent keeps it even when
/// the client is killed. Returns false if it could not be written.
inline bool append_history_line(const std::filesystem::path& path, const std::string& line) {
    std::error_code ignored;
    std::filesystem::create_directories(path.parent_path(), ignored);
    ::chmod(path.parent_path().c_str(), 0700);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        return false;
    }
    const std::string record = line + "\n";
    const bool written =
        ::write(fd, record.data(), record.size()) == static_cast<ssize_t>(record.size());
    ::close(fd);
    return written;
}

/// @brief Rewrites the file with only `lines`, so that it does not grow
/// without end; written beside it and renamed over it, so that a crash
/// leaves the old file or the new one, never half of one.
inline bool rewrite_history_file(const std::filesystem::path& path,
                                 const std::vector<std::string>& lines) {
    const std::filesystem::path fresh = path.string() + ".new";
    const int fd = ::open(fresh.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return false;
    }
    std::string text;
    for (const std::string& line : lines) {
        text += line + "\n";
    }
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    return written && ::rename(fresh.c_str(), path.c_str()) == 0;
}

}  // namespace client_app

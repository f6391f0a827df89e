// What telechat-client needs of the file system and the clock on POSIX
// systems: where per-user state lives (the XDG rules), files only their
// owner can read, and local time. Its Windows twin is files_windows.hpp;
// system.hpp picks one.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string_view>

namespace client_app {

/// @brief The folder for the client's state (its history), by the XDG Base
/// Directory rules: `$XDG_STATE_HOME/telechat`, else
/// `~/.local/state/telechat`; nullopt when neither variable is set.
[[nodiscard]] inline std::optional<std::filesystem::path> state_directory() {
    const char* state = std::getenv("XDG_STATE_HOME");
    if (state != nullptr && *state == '/') {  // the spec ignores relative paths
        return std::filesystem::path(state) / "telechat";
    }
    const char* home = std::getenv("HOME");
    if (home != nullptr && *home != '\0') {
        return std::filesystem::path(home) / ".local" / "state" / "telechat";
    }
    return std::nullopt;
}

/// @brief Writes `bytes` to a file only its owner may read (mode 0600, in a
/// folder of mode 0700), appending or replacing. False if it could not.
inline bool write_private_file(const std::filesystem::path& path, std::string_view bytes,
                               bool append) {
    std::error_code ignored;
    std::filesystem::create_directories(path.parent_path(), ignored);
    ::chmod(path.parent_path().c_str(), 0700);
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);
    const int fd = ::open(path.c_str(), flags, 0600);
    if (fd < 0) {
        return false;
    }
    const bool written =
        ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    return ::close(fd) == 0 && written;
}

/// @brief `when` in the local time zone.
[[nodiscard]] inline std::tm local_time_of(std::time_t when) {
    std::tm parts{};
    localtime_r(&when, &parts);
    return parts;
}

}  // namespace client_app

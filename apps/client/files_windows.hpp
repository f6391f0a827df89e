// What telechat-client needs of the file system and the clock on Windows:
// where per-user state lives (%LOCALAPPDATA%), files only their owner can
// read, and local time. Its POSIX twin is files_posix.hpp.
#pragma once

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>
#include <system_error>

namespace client_app {

/// @brief The folder for the client's state (its history):
/// `%LOCALAPPDATA%\telechat`; nullopt when that variable is not set.
[[nodiscard]] inline std::optional<std::filesystem::path> state_directory() {
    const char* local = std::getenv("LOCALAPPDATA");
    if (local != nullptr && *local != '\0') {
        return std::filesystem::path(local) / "telechat";
    }
    return std::nullopt;
}

/// @brief Writes `bytes` to a file, appending or replacing. A file under
/// %LOCALAPPDATA% is private to its user by the folder's own permissions,
/// which new files inherit. False if it could not be written.
inline bool write_private_file(const std::filesystem::path& path, std::string_view bytes,
                               bool append) {
    std::error_code ignored;
    std::filesystem::create_directories(path.parent_path(), ignored);
    std::ofstream file(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    file.close();
    return !file.fail();
}

/// @brief `when` in the local time zone.
[[nodiscard]] inline std::tm local_time_of(std::time_t when) {
    std::tm parts{};
    localtime_s(&parts, &when);
    return parts;
}

}  // namespace client_app

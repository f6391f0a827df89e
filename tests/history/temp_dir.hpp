// A folder of its own for each history test, removed at its end.
#pragma once

#include <atomic>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>

namespace history_test {

class TempDir {
public:
    TempDir() {
        static std::atomic<unsigned> counter{0};
        std::random_device random;
        m_path =
            std::filesystem::temp_directory_path() /
            ("telechat-history-test-" + std::to_string(random()) + "-" + std::to_string(counter++));
        std::filesystem::create_directory(m_path);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    /// The path of `name` in the folder.
    [[nodiscard]] std::string file(const std::string& name) const {
        return (m_path / name).string();
    }
    /// The folder.
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return m_path; }

private:
    std::filesystem::path m_path;
};

}  // namespace history_test

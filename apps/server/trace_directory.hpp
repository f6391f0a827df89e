// telechat-server --trace DIR: every connection's trace in a file of its
// own, DIR/connection-000007.txt (the seventh connection accepted), which
// only its owner may read. The rows are telechat::server::TracingBackend's;
// this file adds the folder, the files, and each file's header: what it is,
// the peer, when tracing started, how to replay it, and the desk's settings
// as an `== options` row, so that the trace can become a golden transcript.
// The platform file (platform_posix.hpp or platform_windows.hpp) is included
// before this one.
#pragma once

#include <telechat/desk/options.hpp>
#include <telechat/server/backends/tracing.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace server_app {

/// Creates `folder` if it is missing; the reason if it cannot be a trace
/// folder (a file of that name, no permission), else nothing.
inline std::optional<std::string> prepare_trace_folder(const std::filesystem::path& folder) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (!std::filesystem::is_directory(folder)) {
        return "'" + folder.string() + "' is not a folder" +
               (error ? " (" + error.message() + ")" : std::string());
    }
    return std::nullopt;
}

/// The `== options` row of a trace: the desk's settings, in the words of
/// the golden transcripts (tests/desk/transcript_test.cpp reads them).
inline std::string options_row(const telechat::DeskOptions& desk) {
    const auto setting = [](const char* name, auto value) {
        return std::string(" ") + name + "=" + std::to_string(value);
    };
    return "== options" + setting("agent_capacity", desk.agent_capacity) +
           setting("max_clients", desk.max_clients) + setting("history_limit", desk.history_limit) +
           setting("waiting_backlog_limit", desk.waiting_backlog_limit) +
           setting("max_line_bytes", desk.max_line_bytes) +
           setting("output_cap_bytes", desk.output_cap_bytes) +
           setting("max_auth_failures", desk.max_auth_failures) +
           setting("register_timeout_ms", desk.register_timeout_ms) +
           setting("idle_timeout_ms", desk.idle_timeout_ms) + "\n";
}

/// One connection's trace file; every write is flushed, so that a trace can
/// be read while its session goes on (and survives a crash).
class TraceFile final : public telechat::server::TraceSink {
public:
    explicit TraceFile(std::FILE* file) : m_file(file) {}
    TraceFile(const TraceFile&) = delete;
    TraceFile& operator=(const TraceFile&) = delete;
    ~TraceFile() override { std::fclose(m_file); }

    void write(std::string_view rows) override {
        std::fwrite(rows.data(), 1, rows.size(), m_file);
        std::fflush(m_file);
    }

private:
    std::FILE* m_file;
};

/// The settings of a TracingBackend that writes into `folder` (prepared by
/// prepare_trace_folder()). Call it when tracing starts: the header's start
/// time is now. A file that cannot be created leaves its connection
/// untraced, with a line in the log.
inline telechat::server::TraceSettings trace_directory(std::filesystem::path folder,
                                                       const telechat::DeskOptions& desk,
                                                       std::function<void(std::string_view)> log) {
    const std::string started = utc_time_text(std::time(nullptr));
    const std::string options = options_row(desk);
    telechat::server::TraceSettings settings;
    settings.agent_key = desk.agent_key;
    settings.open = [folder = std::move(folder), started, options, log = std::move(log)](
                        std::uint64_t number,
                        const std::string& peer) -> std::unique_ptr<telechat::server::TraceSink> {
        std::string name = std::to_string(number);
        name =
            "connection-" + std::string(name.size() < 6 ? 6 - name.size() : 0, '0') + name + ".txt";
        std::FILE* file = create_private_file(folder / name);
        if (file == nullptr) {
            if (log) {
                log("trace: cannot create " + (folder / name).string() + "; c" +
                    std::to_string(number) + " is not traced");
            }
            return nullptr;
        }
        auto sink = std::make_unique<TraceFile>(file);
        sink->write("# A wire trace of telechat-server: connection c" + std::to_string(number) +
                    ", from " + peer + ".\n# Tracing started " + started +
                    "; a TIME +S.mmm is seconds since then.\n"
                    "# c" +
                    std::to_string(number) +
                    " >> what the client sent, << what it received; a final \\ means no CR LF"
                    " follows;\n# \\{agent-key} and \\{wrong-key} hide the agent key.\n"
                    "# Replay: telechat-replay " +
                    name + " HOST:PORT --agent-key KEY (docs/conformance.md)\n" + options);
        return sink;
    };
    return settings;
}

}  // namespace server_app

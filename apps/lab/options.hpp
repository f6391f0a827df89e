// telechat-lab's command line: words and `--name value` options, each
// checked as it is read; anything wrong or left over is a usage error
// (the message, then exit 2).
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lab_app {

/// Says what is wrong with the command line and exits with status 2.
[[noreturn]] inline void usage_error(const std::string& message) {
    std::fprintf(stderr, "telechat-lab: %s (try --help)\n", message.c_str());
    std::exit(2);
}

class Options {
public:
    /// Takes argv[1..]; `--help` anywhere prints `usage` and exits 0.
    Options(int argc, char** argv, const char* usage) {
        for (int i = 1; i < argc; ++i) {
            if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") {
                std::fputs(usage, stdout);
                std::exit(0);
            }
            m_words.emplace_back(argv[i]);
        }
        m_used.assign(m_words.size(), false);
    }

    /// The next word that is not an option, which must be there.
    std::string next_word(const std::string& missing) {
        for (std::size_t i = 0; i < m_words.size(); ++i) {
            if (!m_used[i] && !m_words[i].starts_with("--")) {
                m_used[i] = true;
                return m_words[i];
            }
            if (!m_used[i]) {
                break;  // options come after the words
            }
        }
        usage_error(missing);
    }

    /// Whether `--name` is given (it takes no value).
    bool flag(std::string_view name) { return find(name).has_value(); }

    /// The value of `--name`, or `fallback`.
    std::string text(std::string_view name, const std::string& fallback) {
        const auto at = value_of(name);
        return at ? *at : fallback;
    }

    /// A whole number in [low, high].
    std::size_t size(std::string_view name, std::size_t fallback, std::size_t low,
                     std::size_t high) {
        const auto at = value_of(name);
        if (!at) {
            return fallback;
        }
        const auto number = whole_number(*at);
        if (!number || *number < low || *number > high) {
            usage_error(std::string(name) + ": '" + *at + "' is not a number from " +
                        std::to_string(low) + " to " + std::to_string(high));
        }
        return *number;
    }

    /// A comma-separated list of numbers in [low, high], e.g. 0.5,0.9.
    std::vector<double> fractions(std::string_view name, const std::vector<double>& fallback,
                                  double low, double high) {
        const auto at = value_of(name);
        if (!at) {
            return fallback;
        }
        std::vector<double> values;
        for (const std::string& item : split(*at)) {
            char* end = nullptr;
            const double value = std::strtod(item.c_str(), &end);
            if (item.empty() || *end != '\0' || !(value >= low && value <= high)) {
                usage_error(std::string(name) + ": '" + item + "' is not a number from " +
                            number_text(low) + " to " + number_text(high));
            }
            values.push_back(value);
        }
        return values;
    }

    /// A comma-separated list of integers, e.g. 3,14,15.
    std::vector<int> integers(std::string_view name, const std::vector<int>& fallback) {
        const auto at = value_of(name);
        if (!at) {
            return fallback;
        }
        std::vector<int> values;
        for (const std::string& item : split(*at)) {
            char* end = nullptr;
            errno = 0;
            const long value = std::strtol(item.c_str(), &end, 10);
            if (item.empty() || *end != '\0' || errno != 0 || value < -1'000'000'000 ||
                value > 1'000'000'000) {
                usage_error(std::string(name) + ": '" + item + "' is not an integer");
            }
            values.push_back(static_cast<int>(value));
        }
        return values;
    }

    /// Every word was understood, or it is a usage error.
    void require_all_used() const {
        for (std::size_t i = 0; i < m_words.size(); ++i) {
            if (!m_used[i]) {
                usage_error("unexpected '" + m_words[i] + "'");
            }
        }
    }

private:
    std::optional<std::size_t> find(std::string_view name) {
        for (std::size_t i = 0; i < m_words.size(); ++i) {
            if (!m_used[i] && m_words[i] == name) {
                m_used[i] = true;
                return i;
            }
        }
        return std::nullopt;
    }

    std::optional<std::string> value_of(std::string_view name) {
        const auto at = find(name);
        if (!at) {
            return std::nullopt;
        }
        if (*at + 1 >= m_words.size() || m_used[*at + 1]) {
            usage_error(std::string(name) + " needs a value");
        }
        m_used[*at + 1] = true;
        return m_words[*at + 1];
    }

    static std::optional<std::size_t> whole_number(const std::string& text) {
        if (text.empty() || text.size() > 19 ||
            text.find_first_not_of("0123456789") != std::string::npos) {
            return std::nullopt;
        }
        return static_cast<std::size_t>(std::strtoull(text.c_str(), nullptr, 10));
    }

    static std::vector<std::string> split(const std::string& text) {
        std::vector<std::string> items;
        std::size_t start = 0;
        for (std::size_t comma; (comma = text.find(',', start)) != std::string::npos;
             start = comma + 1) {
            items.push_back(text.substr(start, comma - start));
        }
        items.push_back(text.substr(start));
        return items;
    }

    static std::string number_text(double value) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", value);
        return text;
    }

    std::vector<std::string> m_words;
    std::vector<bool> m_used;
};

}  // namespace lab_app

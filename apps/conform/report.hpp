// The results of a run: one line per test on stdout (PASS/FAIL/SKIP), the
// failure's details, the summary line, and the JUnit XML file.
#pragma once

#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "connection.hpp"

namespace conform {

/// How one test ended.
struct Result {
    enum class Verdict { pass, fail, skip };
    std::string name;
    std::string section;
    Verdict verdict = Verdict::pass;
    std::string reason;    ///< skip: why; fail: the expected/got text
    Transcript exchange;   ///< every byte the test sent and received
    double seconds = 0.0;  ///< how long it ran
};

/// The failure's text: what was expected, what came, and the exchange.
inline std::string failure_text(const Failure& failure, const Transcript& exchange) {
    std::string text =
        "    expected: " + failure.expected + "\n    got:      " + failure.got + "\n";
    text += "    exchange (C: sent by the kit, S: sent by the server; bytes escaped):\n";
    for (const std::string& line : exchange) {
        text += "      " + line + "\n";
    }
    return text;
}

/// Prints one result line (and a failure's details, and with `verbose`
/// the exchange of a passing test too).
inline void print_result(const Result& result, bool verbose) {
    const char* word = result.verdict == Result::Verdict::pass   ? "PASS"
                       : result.verdict == Result::Verdict::fail ? "FAIL"
                                                                 : "SKIP";
    std::printf("%s %s  %s", word, result.name.c_str(), result.section.c_str());
    if (result.verdict == Result::Verdict::skip) {
        std::printf("  %s", result.reason.c_str());
    }
    std::printf("\n");
    if (result.verdict == Result::Verdict::fail) {
        std::fputs(result.reason.c_str(), stdout);
    } else if (verbose) {
        for (const std::string& line : result.exchange) {
            std::printf("      %s\n", line.c_str());
        }
    }
    std::fflush(stdout);
}

/// `text` made safe inside XML text and attribute values. The kit's texts
/// are escaped() already (no raw control bytes), but a stray one would make
/// the whole file unreadable, so it becomes `?`.
inline std::string xml_escaped(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out.push_back(static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' ? '?'
                                                                                             : c);
        }
    }
    return out;
}

/// Writes the results as JUnit XML (one testsuite, a testcase per test with
/// <failure> or <skipped>); false if the file cannot be written.
inline bool write_junit(const std::string& path, const std::vector<Result>& results,
                        const std::string& target, double seconds) {
    std::size_t failures = 0;
    std::size_t skipped = 0;
    for (const Result& result : results) {
        failures += result.verdict == Result::Verdict::fail ? 1U : 0U;
        skipped += result.verdict == Result::Verdict::skip ? 1U : 0U;
    }
    std::ofstream out(path, std::ios::binary);
    const auto number = [](double value) { return std::to_string(value); };
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites name=\"telechat-conform\" tests=\"" << results.size() << "\" failures=\""
        << failures << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << number(seconds)
        << "\">\n";
    out << "  <testsuite name=\"3MCP conformance of " << xml_escaped(target) << "\" tests=\""
        << results.size() << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"" << skipped
        << "\" time=\"" << number(seconds) << "\">\n";
    for (const Result& result : results) {
        const std::string area = result.name.substr(0, result.name.find('.'));
        out << "    <testcase classname=\"3mcp." << xml_escaped(area) << "\" name=\""
            << xml_escaped(result.name) << "\" time=\"" << number(result.seconds) << "\">";
        if (result.verdict == Result::Verdict::fail) {
            out << "\n      <failure message=\"" << xml_escaped(result.section)
                << " rule broken\" type=\"3MCP\">" << xml_escaped(result.reason)
                << "</failure>\n    ";
        } else if (result.verdict == Result::Verdict::skip) {
            out << "\n      <skipped message=\"" << xml_escaped(result.reason) << "\"/>\n    ";
        }
        out << "</testcase>\n";
    }
    out << "  </testsuite>\n</testsuites>\n";
    out.close();
    return static_cast<bool>(out);
}

}  // namespace conform

// A small well-formedness check of the SVG the lab writes: every tag closed
// in order, attributes quoted, no raw '<' or '&' in text. Not a full XML
// parser; enough to catch an unbalanced or unescaped document.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lab_test {

/// What is wrong with `document`, or an empty string if nothing is.
inline std::string svg_problem(std::string_view document) {
    std::vector<std::string> open;
    std::size_t at = 0;
    std::size_t elements = 0;
    while ((at = document.find('<', at)) != std::string_view::npos) {
        const std::size_t end = document.find('>', at);
        if (end == std::string_view::npos) {
            return "a '<' without its '>'";
        }
        const std::string_view tag = document.substr(at + 1, end - at - 1);
        if (tag.find('<') != std::string_view::npos) {
            return "a '<' inside a tag: " + std::string(tag);
        }
        if (tag.starts_with("?xml")) {
            if (at != 0) {
                return "the XML declaration is not first";
            }
        } else if (tag.starts_with("/")) {
            if (open.empty() || open.back() != tag.substr(1)) {
                return "a </" + std::string(tag.substr(1)) + "> that closes nothing open";
            }
            open.pop_back();
        } else {
            ++elements;
            const std::string name(tag.substr(0, tag.find_first_of(" /")));
            std::size_t quotes = 0;
            for (const char c : tag) {
                quotes += c == '"' ? 1 : 0;
            }
            if (quotes % 2 != 0) {
                return "unbalanced quotes in <" + name + ">";
            }
            if (open.empty() && name != "svg") {
                return "<" + name + "> outside the <svg> element";
            }
            if (!tag.ends_with("/")) {
                open.push_back(name);
            }
        }
        const std::size_t next = document.find('<', end);
        const std::string_view text = document.substr(end + 1, next - end - 1);
        for (std::size_t amp = text.find('&'); amp != std::string_view::npos;
             amp = text.find('&', amp + 1)) {
            const std::string_view entity = text.substr(amp);
            if (!(entity.starts_with("&amp;") || entity.starts_with("&lt;") ||
                  entity.starts_with("&gt;") || entity.starts_with("&quot;") ||
                  entity.starts_with("&apos;"))) {
                return "a raw '&' in text";
            }
        }
        at = end + 1;
    }
    if (!open.empty()) {
        return "<" + open.back() + "> never closed";
    }
    return elements == 0 ? "no element" : "";
}

/// How many times `needle` occurs in `text`.
inline std::size_t occurrences(std::string_view text, std::string_view needle) {
    std::size_t count = 0;
    for (std::size_t at = text.find(needle); at != std::string_view::npos;
         at = text.find(needle, at + 1)) {
        ++count;
    }
    return count;
}

}  // namespace lab_test

// Mutants that break docs/protocol.md's Framing (protocol_framing): line
// endings, TCP's splits, the line limit, the Text rules, blank lines and
// the end of the stream.
#pragma once

#include <telechat/protocol/text.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lines.hpp"
#include "mutation.hpp"
#include "text_faults.hpp"

namespace mutants {

/// @brief Every piece of the client's stream becomes a line: a server that
///        reads one packet as one line.
class PacketsAreLines : public Mutation {
public:
    void from_client(Link& link, std::string_view piece) override {
        link.to_server(piece);
        if (!piece.ends_with('\n')) {
            link.to_server("\n");
        }
    }
};

/// @brief Only the first line of each packet is read: a server that
///        forgets what a read brought beyond one line.
class FirstLinePerPacket : public Mutation {
public:
    void from_client(Link& link, std::string_view piece) override {
        const std::size_t end = piece.find('\n');
        link.to_server(end == std::string_view::npos ? piece : piece.substr(0, end + 1));
    }
};

/// @brief The line limit's byte ends the line: after the limit's byte of a
///        line with no LF yet, an LF is added, so the rest of the line is
///        read as a line of its own instead of being skipped.
class RestOfLongLineRead : public Mutation {
public:
    void from_client(Link& link, std::string_view piece) override {
        for (const char byte : piece) {
            link.to_server(std::string_view(&byte, 1));
            m_in_line = byte == '\n' ? 0 : m_in_line + 1;
            if (m_in_line == max_line_setting()) {
                link.to_server("\n");
                m_in_line = 0;
            }
        }
    }

private:
    std::size_t m_in_line = 0;
};

/// @brief At the end of the stream an unfinished last line gets its LF.
class UnfinishedLineHandled : public Mutation {
public:
    void from_client(Link& link, std::string_view piece) override {
        link.to_server(piece);
        m_line_open = !piece.ends_with('\n');
    }
    void client_ended(Link& link) override {
        if (m_line_open) {
            link.to_server("\n");
        }
        link.end_to_server();
    }

private:
    bool m_line_open = false;
};

/// @brief A mutant that lets one kind of text fault through.
inline Mutant wave_through(std::string_view name, std::string_view kills, std::string_view breaks,
                           TextFault fault) {
    return {name, "protocol_framing", kills, breaks,
            client_rewrite([fault](std::string_view body) { return waved_through(body, fault); })};
}

/// @brief A line with a client_line hook, its body grown or cut by one byte
///        when it has exactly `size` bytes with its ending.
inline auto resize_line_of(std::size_t extra_over_limit, bool grow) {
    return on_lines(
        {.client_line = [extra_over_limit, grow](Link& link, Talk&, std::string_view line) {
            std::string body(body_of(line));
            if (line.size() == max_line_setting() + extra_over_limit && !body.empty()) {
                grow ? body.push_back('x') : body.pop_back();
            }
            link.to_server(body + std::string(ending_of(line)));
        }});
}

inline std::vector<Mutant> framing_mutants() {
    return {
        {"lf-refused", "protocol_framing", "framing.lf-ending",
         "a line ended by LF alone is not read as a command (only CRLF is), after the first "
         "connection",
         after_first_connection(on_lines({.client_line =
                                              [](Link& link, Talk&, std::string_view line) {
                                                  link.to_server(line.ends_with("\r\n")
                                                                     ? std::string(line)
                                                                     : "X" + std::string(line));
                                              }}))},
        {"crlf-cr-kept", "protocol_framing", "framing.crlf-ending",
         "the CR of a CRLF ending is kept in the line (then it is a control: BAD_TEXT)",
         on_lines({.client_line =
                       [](Link& link, Talk&, std::string_view line) {
                           link.to_server(line.ends_with("\r\n")
                                              ? std::string(body_of(line)) + "\r\r\n"
                                              : std::string(line));
                       }})},
        {"packets-are-lines", "protocol_framing",
         "framing.split-across-packets,framing.byte-by-byte",
         "each TCP packet is read as a line: framing depends on TCP's splits",
         [] { return std::make_unique<PacketsAreLines>(); }},
        {"first-line-per-packet", "protocol_replies", "framing.pipelined",
         "only the first line of a packet is read: pipelined lines go unanswered",
         [] { return std::make_unique<FirstLinePerPacket>(); }},
        {"limit-one-less", "protocol_framing", "framing.limit-crlf-fits,framing.limit-lf-fits",
         "a line of exactly the limit (ending included) is refused as TOO_LONG",
         resize_line_of(0, true)},
        {"limit-one-more", "protocol_framing",
         "framing.limit-crlf-too-long,framing.limit-lf-too-long",
         "a line one byte past the limit is accepted", resize_line_of(1, false)},
        {"too-long-after-lf", "protocol_framing", "framing.too-long-without-waiting-for-lf",
         "TOO_LONG waits for the line's LF instead of coming at the limit's byte",
         on_lines({.client_line =
                       [](Link& link, Talk&, std::string_view line) {
                           link.to_server(
                               line);  // whole lines only: the server sees no byte before the LF
                       }})},
        {"too-long-rest-read", "protocol_framing",
         "framing.too-long-one-reply,framing.too-long-keeps-reply-order,"
         "framing.too-long-without-waiting-for-lf",
         "after TOO_LONG the rest of the line is read as a new line instead of skipped",
         [] { return std::make_unique<RestOfLongLineRead>(); }},
        {"too-long-reply-late", "protocol_framing",
         "framing.too-long-keeps-reply-order,framing.too-long-one-reply",
         "TOO_LONG is sent after the next line's reply, out of order",
         on_lines({.server_line =
                       [held = std::string()](Link& link, Talk&, const Heard& heard,
                                              std::string_view line) mutable {
                           if (heard.is(Heard::Kind::reply) &&
                               heard.line.starts_with("-ERR TOO_LONG")) {
                               held += line;
                               return;
                           }
                           link.to_client(line);
                           if (heard.is(Heard::Kind::reply)) {
                               link.to_client(std::exchange(held, std::string()));
                           }
                       }})},
        {"too-long-closes", "protocol_framing", "framing.limit-*-too-long,framing.too-long-*",
         "TOO_LONG closes the connection instead of keeping it open",
         on_lines({.server_line =
                       [](Link& link, Talk&, const Heard& heard, std::string_view line) {
                           link.to_client(line);
                           if (heard.line.starts_with("-ERR TOO_LONG")) {
                               link.close();
                           }
                       }})},
        {"blank-before-too-long", "protocol_framing", "framing.too-long-before-blank",
         "a long line of spaces is blank (ignored) instead of TOO_LONG: step 2 before step 1",
         client_rewrite([](std::string_view body) {
             return telechat::detail::only_spaces(body) ? std::string() : std::string(body);
         })},
        wave_through("nul-accepted", "framing.bad-text-nul", "NUL is accepted as text",
                     TextFault::nul),
        wave_through("c0-accepted", "framing.bad-text-c0-controls",
                     "C0 controls (but NUL, CR) are accepted as text", TextFault::c0),
        wave_through("cr-accepted", "framing.bad-text-cr-*",
                     "a CR not right before the LF is accepted as text", TextFault::cr),
        wave_through("del-accepted", "framing.bad-text-del", "DEL is accepted as text",
                     TextFault::del),
        wave_through("c1-accepted", "framing.bad-text-c1-controls",
                     "the C1 controls U+0080..U+009F are accepted as text", TextFault::c1),
        wave_through("overlong-accepted", "framing.bad-text-overlong", "overlong UTF-8 is accepted",
                     TextFault::overlong),
        wave_through("surrogates-accepted", "framing.bad-text-surrogates",
                     "UTF-8 surrogates are accepted", TextFault::surrogate),
        wave_through("above-u10ffff-accepted", "framing.bad-text-above-u10ffff",
                     "code points above U+10FFFF and bytes F5..FF are accepted",
                     TextFault::too_large),
        wave_through("stray-continuation-accepted", "framing.bad-text-stray-continuation",
                     "continuation bytes without a lead are accepted",
                     TextFault::stray_continuation),
        wave_through("truncated-accepted", "framing.bad-text-truncated",
                     "UTF-8 sequences cut short are accepted", TextFault::truncated),
        {"bad-text-relayed", "protocol_framing", "framing.bad-text-has-no-effect",
         "a BAD_TEXT line still acts (its MSG is relayed and stored, its CONNECT registers)",
         on_lines({.client_line =
                       [](Link& link, Talk&, std::string_view line) {
                           link.to_server(sanitized(body_of(line)) + std::string(ending_of(line)));
                       },
                   .server_line =
                       [](Link& link, Talk&, const Heard& heard, std::string_view line) {
                           const bool was_bad = !telechat::protocol::is_valid_text(heard.command);
                           if (heard.is(Heard::Kind::reply) && was_bad) {
                               link.to_client(
                                   "-ERR BAD_TEXT lines must be UTF-8 text without control "
                                   "characters\r\n");
                               return;
                           }
                           link.to_client(line);
                       }})},
        {"tab-refused", "protocol_framing", "framing.tab-accepted",
         "TAB is refused as a control character", client_rewrite([](std::string_view body) {
             std::string out(body);
             std::replace(out.begin(), out.end(), '\t', '\x01');
             return out;
         })},
        {"utf8-refused", "protocol_framing", "framing.utf8-accepted",
         "any byte above 0x7F is refused: ASCII only", client_rewrite([](std::string_view body) {
             std::string out(body);
             std::replace_if(
                 out.begin(), out.end(), [](char c) { return (c & 0x80) != 0; }, '\x01');
             return out;
         })},
        {"blank-answered", "protocol_framing", "framing.blank-lines-ignored",
         "a blank line gets a reply (it is read as PING)",
         client_rewrite([](std::string_view body) {
             return telechat::detail::only_spaces(body) ? std::string("PING") : std::string(body);
         })},
        {"tab-line-blank", "protocol_framing", "framing.tab-line-not-blank",
         "a line of TABs (and spaces) is ignored as blank",
         client_rewrite([](std::string_view body) {
             const bool tabs_and_spaces = body.find_first_not_of(" \t") == std::string_view::npos;
             return tabs_and_spaces ? std::string() : std::string(body);
         })},
        {"unfinished-line-handled", "protocol_framing", "framing.unfinished-line-discarded",
         "an unfinished last line at the end of the stream is handled as a line",
         [] { return std::make_unique<UnfinishedLineHandled>(); }},
    };
}

}  // namespace mutants

// Tests of docs/protocol.md's Framing: line endings, how TCP splits the
// stream, the line limit at its boundaries, the Text rules, blank lines and
// the end of the stream.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "registry.hpp"
#include "spec_texts.hpp"

namespace conform {

/// Expects the whole HELP reply on `c`.
inline void expect_help(Connection& c) {
    for (const std::string_view line : spec::help_reply) {
        c.expect(line);
    }
}

/// `PING ` and x's: a line of exactly `bytes` bytes before its line ending.
inline std::string ping_of_length(std::size_t bytes) {
    return "PING " + std::string(bytes - 5, 'x');
}

/// Sends each of `bodies` as the text of a PING line (with LF) and expects
/// BAD_TEXT for each, then the barrier.
inline void expect_bad_text(Context& x, const std::vector<std::string>& bodies) {
    Connection& c = x.connect("c");
    for (const std::string& body : bodies) {
        c.send("PING " + body + "\n");
        c.expect(spec::error_line(ErrorCode::bad_text, spec::bad_text));
    }
    c.barrier();
}

inline void add_bad_text_tests(Registry& r) {
    const auto add = [&r](const char* name, const char* description,
                          std::vector<std::string> bodies) {
        r.add(name, "framing", description,
              [bodies = std::move(bodies)](Context& x) { expect_bad_text(x, bodies); });
    };
    add("framing.bad-text-nul", "a NUL byte in a line is BAD_TEXT",
        {std::string("a\0b", 3), std::string("\0", 1)});
    add("framing.bad-text-c0-controls", "C0 controls other than TAB are BAD_TEXT",
        {"\x01", "a\x07", "\x1B[31mred", "\x1F", "\x0B", "\x0C", "\x08"});
    add("framing.bad-text-cr-mid-line", "a CR inside a line is BAD_TEXT, not a line end",
        {"a\rb", "\rb", "a\rPING b"});
    add("framing.bad-text-cr-before-crlf", "only the CR right before LF is dropped: CR CR LF",
        {"a\r\r"});
    add("framing.bad-text-del", "DEL (0x7F) is BAD_TEXT", {"a\x7F", "\x7F"});
    add("framing.bad-text-c1-controls", "the C1 controls U+0080..U+009F are BAD_TEXT",
        {"\xC2\x80", "a\xC2\x85", "\xC2\x9B", "\xC2\x9F"});
    add("framing.bad-text-overlong", "overlong UTF-8 encodings are BAD_TEXT",
        {"\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xE0\x9F\xBF", "\xF0\x80\x80\xAF",
         "\xF0\x8F\xBF\xBF"});
    add("framing.bad-text-surrogates", "UTF-8 surrogates U+D800..U+DFFF are BAD_TEXT",
        {"\xED\xA0\x80", "\xED\xAF\xBF", "\xED\xB0\x80", "\xED\xBF\xBF"});
    add("framing.bad-text-above-u10ffff",
        "code points above U+10FFFF and bytes F5..FF are BAD_TEXT",
        {"\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xF7\xBF\xBF\xBF", "\xF8\x88\x80\x80\x80", "\xFE",
         "\xFF"});
    add("framing.bad-text-stray-continuation", "continuation bytes without a lead are BAD_TEXT",
        {"\x80",
         "a\xBF"
         "b",
         "\xC3\xA9\xA9"});
    add("framing.bad-text-truncated", "a UTF-8 sequence cut short is BAD_TEXT",
        {"\xC3", "\xE2\x82", "\xF0\x9F\x98", "\xE2\x82 x",
         "\xC3"
         "a"});
}

inline void add_boundary_tests(Registry& r) {
    r.add("framing.limit-crlf-fits", "framing",
          "max-line - 2 bytes, then CR LF (the limit in total): accepted", [](Context& x) {
              const std::string line = ping_of_length(x.options.max_line - 2);
              Connection& c = x.connect("c");
              c.send(line + "\r\n");
              c.expect("+OK PONG " + line.substr(5));
          });
    r.add("framing.limit-lf-fits", "framing",
          "max-line - 1 bytes, then LF (the limit in total): accepted", [](Context& x) {
              const std::string line = ping_of_length(x.options.max_line - 1);
              Connection& c = x.connect("c");
              c.send(line + "\n");
              c.expect("+OK PONG " + line.substr(5));
          });
    r.add("framing.limit-crlf-too-long", "framing",
          "max-line - 1 bytes, then CR LF (one past the limit): TOO_LONG, connection kept",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send(ping_of_length(x.options.max_line - 1) + "\r\n");
              c.expect(spec::too_long_line(x.options.max_line));
              c.barrier();
          });
    r.add("framing.limit-lf-too-long", "framing",
          "max-line bytes, then LF (one past the limit): TOO_LONG, connection kept",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send(ping_of_length(x.options.max_line) + "\n");
              c.expect(spec::too_long_line(x.options.max_line));
              c.barrier();
          });
    r.add("framing.too-long-without-waiting-for-lf", "framing",
          "TOO_LONG comes as soon as the limit's byte arrives, before any LF; the rest is skipped",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send(ping_of_length(x.options.max_line));
              c.expect(spec::too_long_line(x.options.max_line));
              c.send(" HELP more of the same line\n");
              c.barrier();
          });
    r.add("framing.too-long-one-reply", "framing",
          "a line three times the limit costs one TOO_LONG; the next line is handled",
          [](Context& x) {
              Connection& c = x.connect("c");
              std::string line = ping_of_length(3 * x.options.max_line);
              line.replace(x.options.max_line + 7, 6, "\rHELP ");  // no LF: the line goes on
              c.send(line + "\nPING after\n");
              c.expect(spec::too_long_line(x.options.max_line));
              c.expect("+OK PONG after");
          });
    r.add("framing.too-long-keeps-reply-order", "framing",
          "a too-long line between two pipelined lines gets its reply in its place",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send("PING 1\n" + ping_of_length(x.options.max_line + 10) + "\nPING 2\n");
              c.expect("+OK PONG 1");
              c.expect(spec::too_long_line(x.options.max_line));
              c.expect("+OK PONG 2");
          });
    r.add("framing.too-long-before-blank", "commands",
          "a line of spaces past the limit is TOO_LONG (step 1 before step 2, blank)",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send(std::string(x.options.max_line, ' ') + "\n");
              c.expect(spec::too_long_line(x.options.max_line));
              c.barrier();
          });
}

inline void add_framing_tests(Registry& r) {
    r.add("framing.lf-ending", "framing", "a line ended by LF alone is handled", [](Context& x) {
        Connection& c = x.connect("c");
        c.send("PING lf\n");
        c.expect("+OK PONG lf");
    });
    r.add("framing.crlf-ending", "framing", "a line ended by CR LF is handled, the CR dropped",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send("PING crlf\r\n");
              c.expect("+OK PONG crlf");
          });
    r.add("framing.split-across-packets", "framing", "a line sent in three packets is one line",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send("PI");
              Context::sleep(Milliseconds(60));
              c.send("NG spl");
              Context::sleep(Milliseconds(60));
              c.send("it\r");
              Context::sleep(Milliseconds(60));
              c.send("\n");
              c.expect("+OK PONG split");
          });
    r.add("framing.byte-by-byte", "framing", "lines sent one byte per packet are handled",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send_bytewise("PING one byte at a time\r\nHELP\n");
              c.expect("+OK PONG one byte at a time");
              expect_help(c);
          });
    r.add("framing.pipelined", "replies", "several lines in one packet are all answered, in order",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send("PING 1\nPING 2\r\nHELP\nLIST\nPING 3\n");
              c.expect("+OK PONG 1");
              c.expect("+OK PONG 2");
              expect_help(c);
              c.expect_error("NOT_CONNECTED");
              c.expect("+OK PONG 3");
          });
    add_boundary_tests(r);
    add_bad_text_tests(r);
    r.add("framing.tab-accepted", "framing", "TAB is the one control character accepted",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send("PING a\tb\t\n");
              c.expect("+OK PONG a\tb\t");
          });
    r.add(
        "framing.utf8-accepted", "framing",
        "2-, 3- and 4-byte UTF-8, U+00A0 and U+10FFFF are accepted and echoed exactly",
        [](Context& x) {
            Connection& c = x.connect("c");
            const std::string text =
                "h\xC3\xA9llo \xE2\x82\xAC \xF0\x9D\x84\x9E \xC2\xA0 \xEF\xBF\xBF \xF4\x8F\xBF\xBF";
            c.send("PING " + text + "\n");
            c.expect("+OK PONG " + text);
        });
    r.add("framing.bad-text-has-no-effect", "framing",
          "a BAD_TEXT line is not relayed, not stored, does not register", [](Context& x) {
              Pair p = x.pair();
              p.customer.send("MSG hello\x01\n");
              p.customer.expect(spec::error_line(ErrorCode::bad_text, spec::bad_text));
              p.agent.barrier();
              const Body history = x.hist(p.agent, p.customer.name);
              if (!history.lines.empty()) {
                  fail("an empty history", history.header);
              }
              Connection& u = x.connect("u");
              u.send("CONNECT CUSTOMER " + x.fresh_name("bt") + "\x7F\n");
              u.expect(spec::error_line(ErrorCode::bad_text, spec::bad_text));
              u.send_line("LIST");
              u.expect_error("NOT_CONNECTED");
          });
    r.add("framing.blank-lines-ignored", "framing",
          "empty lines and lines of spaces get no reply, registered or not", [](Context& x) {
              Connection& u = x.connect("u");
              u.send("\n \n     \r\n\r\n");
              u.barrier();
              Connection& c = x.customer("cu");
              c.line();  // QUEUED or ASSIGNED
              c.send("\n  \r\n");
              c.barrier();
          });
    r.add("framing.tab-line-not-blank", "framing", "a line of TABs is not blank: BAD_COMMAND",
          [](Context& x) {
              Connection& c = x.connect("c");
              c.send("\t\n \t \n");
              c.expect_error("BAD_COMMAND");
              c.expect_error("BAD_COMMAND");
          });
    r.add("framing.unfinished-line-discarded", "framing",
          "at the end of the stream complete lines are handled, an unfinished one discarded",
          [](Context& x) {
              Pair p = x.pair();
              p.customer.send("MSG complete\nMSG unfinished");
              p.customer.shutdown_write();
              p.customer.expect("+OK message received");
              p.agent.expect("MSG " + p.customer.name + " complete");
              p.agent.expect("LEFT " + p.customer.name);
              p.agent.barrier();
          });
}

}  // namespace conform

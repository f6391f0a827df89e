#!/usr/bin/env bash
# check_dissector.sh [--update]: checks the Wireshark dissector
# (apps/wireshark/3mcp.lua) with tshark against a known session.
#
#  1. make_capture.sh turns session.txt into a capture, in a temporary folder;
#  2. tshark decodes it with the dissector, port 4444 by "Decode As"
#     (-d tcp.port==4444,3mcp), and prints the 3MCP fields of every frame;
#     they must equal expected_fields.txt (a diff is printed if not);
#  3. without -d, port 4444 must not be decoded as 3MCP;
#  4. the dissector must load and run without a Lua error;
#  5. its list of error codes must be the one of error_code.hpp;
#  6. a real trace of telechat-server (tests/desk/transcripts/a_traced_session),
#     made into a capture by make_capture.sh too, decodes with no malformed
#     line, and shows commands, replies, pushes and body lines.
# Exit 0 only if all hold. --update rewrites expected_fields.txt instead of
# comparing (then read its diff before committing it).
#
# Needs bash, tshark, text2pcap and mergecap (Debian: apt-get install tshark).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dissector=$root/apps/wireshark/3mcp.lua
expected=$here/expected_fields.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# tshark warns on stderr when run as root (CI containers do); nothing else
# may appear there: a Lua error while loading the script is reported there.
stderr_problems() {
    grep -v '^Running as user "root" and group "root". This could be dangerous.$' "$1" || true
}

"$here/make_capture.sh" "$work/session.pcapng" "$here/session.txt"

# The 3MCP fields, one tshark column each; a field met several times in a
# frame (a packet of several lines) has its values joined by the 0x1F byte.
fields=(3mcp.kind 3mcp.command 3mcp.role 3mcp.name 3mcp.count 3mcp.text 3mcp.token
        3mcp.reply 3mcp.ok_text 3mcp.users 3mcp.messages 3mcp.commands
        3mcp.error_code 3mcp.reason 3mcp.push 3mcp.from 3mcp.to 3mcp.position
        3mcp.state 3mcp.agent 3mcp.active 3mcp.capacity 3mcp.time 3mcp.help
        _ws.expert.message _ws.col.Info)
field_options=()
for field in "${fields[@]}"; do field_options+=(-e "$field"); done

tshark -r "$work/session.pcapng" -X lua_script:"$dissector" -d tcp.port==4444,3mcp \
    -T fields -E header=y -E occurrence=a -E aggregator=$'\x1f' \
    -e frame.number -e tcp.srcport -e tcp.dstport "${field_options[@]}" \
    >"$work/fields.tsv" 2>"$work/fields.err" || {
    # A dissector that does not load leaves its fields unknown: tshark stops.
    echo "FAIL: tshark could not decode the session:" >&2
    stderr_problems "$work/fields.err" | head -5 >&2 # then a list of every protocol
    exit 1
}
[[ -z $(stderr_problems "$work/fields.err") ]] ||
    fail "tshark complained while decoding: $(stderr_problems "$work/fields.err")"

# One block per frame, one non-empty field a line, the values of one field
# joined by " ¦ ", a space ending a value written \x20 (as TeleChat's
# transcripts do; editors strip trailing spaces), a value of more than 160
# characters shortened (its length kept): a readable file whose diff says
# which frame and which field changed.
awk -F '\t' '
    function readable(value) {
        sub(/ $/, "\\x20", value)
        if (length(value) > 160) value = substr(value, 1, 60) "... (" length(value) " characters)"
        return value
    }
    NR == 1 { for (i = 1; i <= NF; i++) name[i] = $i; next }
    {
        printf "frame %s (%s -> %s)\n", $1, $2, $3
        for (i = 4; i <= NF; i++) {
            if ($i == "") continue
            count = split($i, values, "\x1f")
            line = readable(values[1])
            for (k = 2; k <= count; k++) line = line " ¦ " readable(values[k])
            printf "  %s: %s\n", name[i], line
        }
    }' "$work/fields.tsv" >"$work/fields.txt"

if [[ ${1:-} == --update ]]; then
    cp "$work/fields.txt" "$expected"
    echo "wrote $expected"
elif ! diff -u "$expected" "$work/fields.txt"; then
    fail "the decoded fields differ from $expected (diff above: - expected, + decoded)"
fi

# Without "Decode As", port 4444 is plain TCP.
undecoded=$(tshark -r "$work/session.pcapng" -X lua_script:"$dissector" \
    -Y 'tcp.port == 4444 && 3mcp' -T fields -e frame.number 2>/dev/null)
[[ -z $undecoded ]] || fail "port 4444 was decoded as 3MCP without Decode As: frames $undecoded"

# A Lua error during dissection shows in the packet tree, not on stderr.
tshark -r "$work/session.pcapng" -X lua_script:"$dissector" -d tcp.port==4444,3mcp -V \
    >"$work/verbose.txt" 2>&1
if grep -i 'lua error' "$work/verbose.txt"; then fail "a Lua error in the packet trees (above)"; fi

# The dissector's error codes are exactly the C++ vocabulary's.
codes_cpp=$(grep -o 'return "[A-Z_]*";' "$root/include/telechat/protocol/error_code.hpp" |
    tr -dc 'A-Z_\n' | sort -u)
codes_lua=$(sed -n '/^local ERROR_CODES/,/}/p' "$dissector" | grep -o '[A-Z_]* = true' |
    cut -d' ' -f1 | sort -u)
[[ $codes_cpp == "$codes_lua" ]] ||
    fail "ERROR_CODES in 3mcp.lua differ from error_code.hpp: $(diff <(echo "$codes_cpp") <(echo "$codes_lua") | tr '\n' ' ')"

# A real server's trace (telechat-server --trace), made into a capture the
# same way, decodes with no malformed line, and the client's lines, the
# replies and the pushes of the session are all there.
traces=("$root"/tests/desk/transcripts/a_traced_session/*.txt)
"$here/make_capture.sh" "$work/trace.pcapng" "${traces[@]}"
tshark -r "$work/trace.pcapng" -X lua_script:"$dissector" -T fields -e 3mcp.kind \
    -E occurrence=a -E aggregator=$'\n' >"$work/trace_kinds.txt" 2>"$work/trace.err" ||
    fail "tshark could not decode the traced session"
[[ -z $(stderr_problems "$work/trace.err") ]] ||
    fail "tshark complained while decoding the trace: $(stderr_problems "$work/trace.err")"
malformed=$(tshark -r "$work/trace.pcapng" -X lua_script:"$dissector" -Y 3mcp.malformed \
    -T fields -e frame.number 2>/dev/null | tr '\n' ' ')
[[ -z $malformed ]] || fail "the traced session has malformed lines in frames $malformed"
for kind in command reply push body; do
    grep -qx "$kind" "$work/trace_kinds.txt" || fail "the traced session shows no $kind line"
done

if ((failures > 0)); then
    echo "check_dissector: $failures check(s) failed" >&2
    exit 1
fi
echo "check_dissector: the 3MCP dissector decodes the known session as expected"

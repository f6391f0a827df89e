#!/usr/bin/env bash
# make_capture.sh SESSION OUT.pcapng: turns a readable 3MCP session into a
# capture file, deterministically, with text2pcap and mergecap (Debian
# package: tshark, or wireshark-common).
#
# The session file (see session.txt) has three kinds of lines:
#   # ...                                   a comment (so is an empty line)
#   connection NAME CLIENT_PORT SERVER_PORT one TCP connection, 10.1.1.1 to 10.2.2.2
#   NAME C BYTES  /  NAME S BYTES           one TCP segment, client to server (C)
#                                           or server to client (S)
# BYTES start after the single space that follows C or S, and are written
# the way TeleChat's transcripts write bytes (telechat::protocol::escaped()):
# \n \r \t \\ and \xHH; everything else stands for itself. So a segment can
# hold part of a line, or several lines, exactly as TCP may carry them.
#
# Segment k of the file gets the time 10:00:00 + k seconds on 2026-01-01, so
# the merged capture has the file's order, and the same bytes every time.
set -euo pipefail

session=$1
out=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A ports # NAME -> "CLIENT_PORT,SERVER_PORT"
segment=0
while IFS= read -r line || [[ -n $line ]]; do
    if [[ -z $line || $line == \#* ]]; then
        continue
    elif [[ $line =~ ^connection\ +([A-Za-z0-9]+)\ +([0-9]+)\ +([0-9]+)\ *$ ]]; then
        ports[${BASH_REMATCH[1]}]="${BASH_REMATCH[2]},${BASH_REMATCH[3]}"
        : >"$work/${BASH_REMATCH[1]}.txt"
    elif [[ $line =~ ^([A-Za-z0-9]+)\ +([CS])\ (.*)$ ]]; then
        name=${BASH_REMATCH[1]}
        bytes=${BASH_REMATCH[3]}
        if [[ -z ${ports[$name]:-} ]]; then
            echo "$session: segment of undeclared connection '$name': $line" >&2
            exit 2
        fi
        direction=I # text2pcap -D: I goes from the first -T port to the second
        [[ ${BASH_REMATCH[2]} == S ]] && direction=O
        segment=$((segment + 1))
        {
            printf '%s 2026-01-01 %02d:%02d:%02d\n' "$direction" \
                $((10 + segment / 3600)) $((segment / 60 % 60)) $((segment % 60))
            printf '%b' "$bytes" | od -Ax -tx1 -v
        } >>"$work/$name.txt"
    else
        echo "$session: cannot read this line: $line" >&2
        exit 2
    fi
done <"$session"

# Relative names, sorted: the files' comments name them, so the capture's
# bytes do not depend on the temporary directory.
out=$(realpath "$out")
cd "$work"
pieces=()
for name in $(printf '%s\n' "${!ports[@]}" | sort); do
    if ! TZ=UTC text2pcap -q -D -t '%Y-%m-%d %H:%M:%S' -T "${ports[$name]}" \
        "$name.txt" "$name.pcapng" >text2pcap.log 2>&1; then
        cat text2pcap.log >&2 # only on failure: it prints a line of dashes when all is well
        exit 2
    fi
    pieces+=("$name.pcapng")
done
mergecap -w "$out" "${pieces[@]}"

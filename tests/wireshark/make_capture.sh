#!/usr/bin/env bash
# make_capture.sh OUT.pcapng TRANSCRIPT...: turns 3MCP transcript rows into a
# capture file, deterministically, with text2pcap and mergecap (Debian
# package: tshark, or wireshark-common). It reads the notation of TeleChat's
# golden transcripts and of `telechat-server --trace` files
# (docs/conformance.md, "The format"), so a student's trace can be opened in
# Wireshark without capturing anything:
#
#   NAME >> BYTES      bytes the client sent: one TCP segment to the server
#   NAME << BYTES      bytes the server sent: one TCP segment to the client
#   +S.mmm NAME >> ... a trace's row, with its TIME: a row without a TIME in
#                      a file that has them continues the segment above
#   == NAME connects   a connection (so is a NAME's first row)
#   # port: NAME CLIENT_PORT SERVER_PORT
#                      that connection's ports (otherwise 40001, 40002, ...
#                      in order of appearance, to the server's 3333)
# Every other line (comments, blank lines, other == rows, -- rows) is skipped.
# BYTES are escaped as telechat::protocol::escaped() writes them (\\ \t \r \n
# \xHH); a row stands for its bytes and CR LF, unless it ends with a lone
# backslash, which stands for nothing. A trace's hidden key, \{agent-key} or
# \{wrong-key}, becomes the text "agent-key-hidden" or "wrong-key-hidden".
#
# Times start at 2026-01-01 10:00:00: a trace's segments at their TIME, so
# the connections of a server run interleave as they did; otherwise segment
# k at k seconds. The same rows give the same capture, byte for byte.
# Connections run from 10.1.1.1 to 10.2.2.2.
set -euo pipefail

out=$1
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A ports # NAME -> "CLIENT_PORT,SERVER_PORT"
names=()
segment=0
segment_name=() # segment k's connection
segment_line=() # segment k's text2pcap line: direction and time

# Declares connection $1 if it is new, with ports $2 (CLIENT,SERVER) or the next free ones.
connection() {
    [[ -n ${ports[$1]:-} ]] && return
    ports[$1]=${2:-$((40001 + ${#names[@]})),3333}
    names+=("$1")
    : >"$work/$1.txt"
}

# Starts segment k+1, of connection $1, direction $2 (I: client to server,
# O: back), at 10:00:00 plus $3 microseconds.
add_segment() {
    segment=$((segment + 1))
    segment_name[segment]=$1
    local us=$3 seconds=$(($3 / 1000000))
    segment_line[segment]=$(printf '%s 2026-01-01 %02d:%02d:%02d.%06d' "$2" \
        $((10 + seconds / 3600)) $((seconds / 60 % 60)) $((seconds % 60)) $((us % 1000000)))
    : >"$work/segment-$segment"
}

# The bytes of a row's TEXT, as od's hex dump lines.
row_bytes() {
    local text=$1
    text=${text//\\\{agent-key\}/agent-key-hidden}
    text=${text//\\\{wrong-key\}/wrong-key-hidden}
    local tail=${text##*[!\\]} # the row's final run of backslashes
    [[ $text =~ ^\\+$ ]] && tail=$text
    if ((${#tail} % 2 == 1)); then
        text=${text%\\} # a lone backslash: no line ending
    else
        text+='\r\n'
    fi
    printf '%b' "$text"
}

for transcript in "$@"; do
    timed_file=false
    last="" # "NAME DIRECTION" of the row above, for rows that continue it
    while IFS= read -r line || [[ -n $line ]]; do
        if [[ $line =~ ^#\ port:\ +([A-Za-z0-9_.-]+)\ +([0-9]+)\ +([0-9]+)\ *$ ]]; then
            connection "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]},${BASH_REMATCH[3]}"
            continue
        fi
        time=""
        if [[ $line =~ ^(\+[0-9]+\.[0-9]{3})\ (.*)$ ]]; then
            time=${BASH_REMATCH[1]}
            line=${BASH_REMATCH[2]}
            timed_file=true
        fi
        if [[ $line =~ ^==\ ([A-Za-z0-9_.-]+)\ connects$ ]]; then
            connection "${BASH_REMATCH[1]}"
            last=""
            continue
        fi
        if ! [[ $line =~ ^([A-Za-z0-9_.-]+)\ (\>\>|\<\<)(\ (.*))?$ ]]; then
            last=""
            continue
        fi
        name=${BASH_REMATCH[1]}
        direction=I # text2pcap -D: I goes from the first -T port to the second
        [[ ${BASH_REMATCH[2]} == "<<" ]] && direction=O
        connection "$name"
        if ! $timed_file || [[ -n $time || $last != "$name $direction" ]]; then
            # A trace's TIME (to the millisecond) places the segment, plus
            # one microsecond per segment so that equal TIMEs keep the rows'
            # order; without TIMEs, segment k is k seconds in.
            if [[ -n $time ]]; then
                milliseconds=$((10#${time:1:-4} * 1000 + 10#${time: -3}))
                add_segment "$name" "$direction" $((milliseconds * 1000 + segment + 1))
            else
                add_segment "$name" "$direction" $(((segment + 1) * 1000000))
            fi
        fi
        last="$name $direction"
        row_bytes "${BASH_REMATCH[4]}" >>"$work/segment-$segment"
    done <"$transcript"
done

# Each segment, its bytes as od's hex dump, into its connection's text2pcap input.
for ((k = 1; k <= segment; k++)); do
    {
        echo "${segment_line[k]}"
        od -Ax -tx1 -v <"$work/segment-$k"
    } >>"$work/${segment_name[k]}.txt"
done

# Relative names, sorted: the files' comments name them, so the capture's
# bytes do not depend on the temporary directory.
out=$(realpath "$out")
cd "$work"
pieces=()
for name in $(printf '%s\n' "${names[@]}" | sort); do
    if ! TZ=UTC text2pcap -q -D -t '%Y-%m-%d %H:%M:%S.%f' -T "${ports[$name]}" \
        "$name.txt" "$name.pcapng" >text2pcap.log 2>&1; then
        cat text2pcap.log >&2 # only on failure: it prints a line of dashes when all is well
        exit 2
    fi
    pieces+=("$name.pcapng")
done
mergecap -w "$out" "${pieces[@]}"

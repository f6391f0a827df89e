#!/usr/bin/env bash
# WINDOWS BUILD ONLY: the conformance kit, telechat-conform.exe, against
# telechat-server.exe, both under wine, on every threading model: 3MCP is a
# contract on every platform (tests/conform runs the same on Linux). Then
# telechat-replay.exe plays the traced session of the golden transcripts
# (a trace of the Linux server) against telechat-server.exe.
#   bash windows_conform.sh <wine> <telechat-server.exe> <telechat-conform.exe>
#                           <telechat-replay.exe> <folder of a trace>
set -euo pipefail
wine=$1
server=$2
kit=$3
replay=$4
trace_folder=$5
work=$(mktemp -d)
server_pid=""
cleanup() {
    [ -z "$server_pid" ] || kill -KILL "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAILED: $*"
    for file in "$work"/*; do echo "--- $file"; cat "$file"; done
    exit 1
}

# Starts telechat-server.exe with the given options and sets $port.
start_server() {
    local log=$1
    shift
    # Output goes to files, not pipes: wine's background services would
    # inherit a pipe and keep it open.
    "$wine" "$server" --bind 127.0.0.1 --port 0 "$@" >"$log" 2>&1 &
    server_pid=$!
    port=""
    for _ in $(seq 200); do
        port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)\r\{0,1\}$/\1/p' "$log")
        [ -n "$port" ] && break
        sleep 0.05
    done
    [ -n "$port" ] || fail "the server ($*) never said where it listens"
}

stop_server() {
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

for model in threads reactor reactors; do
    start_server "$work/server-$model" --agent-key k3y --model "$model"
    status=0
    "$wine" "$kit" "127.0.0.1:$port" --agent-key k3y >"$work/kit-$model" 2>&1 || status=$?
    stop_server
    summary=$(tail -n 1 "$work/kit-$model" | tr -d '\r')
    [ "$status" -eq 0 ] || fail "$model: the kit exited $status ($summary)"
    grep -q "^PASS " "$work/kit-$model" || fail "$model: no test passed"
    echo "$model: $summary"
done

# The trace was taken of a server with these settings (its == options row).
start_server "$work/server-replay" --agent-key Trace-key-42 --agent-capacity 2
traces=()
for file in "$trace_folder"/*.txt; do traces+=("Z:$file"); done
status=0
"$wine" "$replay" "${traces[@]}" "127.0.0.1:$port" --agent-key Trace-key-42 >"$work/replay" 2>&1 ||
    status=$?
stop_server
[ "$status" -eq 0 ] || fail "telechat-replay.exe exited $status"
echo "replay: ${#traces[@]} traces played with no difference"

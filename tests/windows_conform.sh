#!/usr/bin/env bash
# WINDOWS BUILD ONLY: the conformance kit, telechat-conform.exe, against
# telechat-server.exe, both under wine, on every threading model: 3MCP is a
# contract on every platform (tests/conform runs the same on Linux).
#   bash windows_conform.sh <wine> <telechat-server.exe> <telechat-conform.exe>
set -euo pipefail
wine=$1
server=$2
kit=$3
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

for model in threads reactor reactors; do
    # Output goes to files, not pipes: wine's background services would
    # inherit a pipe and keep it open.
    "$wine" "$server" --bind 127.0.0.1 --port 0 --agent-key k3y --model "$model" \
        >"$work/server-$model" 2>&1 &
    server_pid=$!
    port=""
    for _ in $(seq 200); do
        port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)\r\{0,1\}$/\1/p' "$work/server-$model")
        [ -n "$port" ] && break
        sleep 0.05
    done
    [ -n "$port" ] || fail "$model: the server never said where it listens"
    status=0
    "$wine" "$kit" "127.0.0.1:$port" --agent-key k3y >"$work/kit-$model" 2>&1 || status=$?
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    summary=$(tail -n 1 "$work/kit-$model" | tr -d '\r')
    [ "$status" -eq 0 ] || fail "$model: the kit exited $status ($summary)"
    grep -q "^PASS " "$work/kit-$model" || fail "$model: no test passed"
    echo "$model: $summary"
done

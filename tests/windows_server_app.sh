#!/usr/bin/env bash
# WINDOWS BUILD ONLY: telechat-server.exe under wine, as a person uses it:
# the exit codes of --help (0), bad usage (2) and a port in use (1), and
# Ctrl-C: a customer gets "QUIT server shutting down" and the server exits 0.
# Wine turns the SIGINT that this script sends into the CTRL_C_EVENT that
# Windows delivers on Ctrl-C. (tests/apps checks the Linux server.)
#   bash windows_server_app.sh <wine> <telechat-server.exe>
set -euo pipefail
wine=$1
server=$2
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() {
    echo "FAILED: $*"
    for file in "$work"/*; do echo "--- $file"; cat "$file"; done
    exit 1
}

# Output goes to files, not pipes: wine's console handling is happier so.
status=0
"$wine" "$server" --help >"$work/help" 2>&1 || status=$?
[ "$status" -eq 0 ] && grep -q "^usage: telechat-server" "$work/help" || fail "--help: exit $status"
status=0
"$wine" "$server" --port nine >"$work/usage" 2>&1 || status=$?
[ "$status" -eq 2 ] && grep -q "is not a whole number" "$work/usage" || fail "bad usage: exit $status"

# A server on a free loopback port; its first line names the port.
"$wine" "$server" --bind 127.0.0.1 --port 0 --agent-key k3y >"$work/out" 2>"$work/err" &
server_pid=$!
pids+=("$server_pid")
port=""
for _ in $(seq 200); do
    port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)\r\{0,1\}$/\1/p' "$work/out")
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || fail "the server never said where it listens"

status=0
"$wine" "$server" --bind 127.0.0.1 --port "$port" --agent-key k3y >"$work/busy" 2>&1 || status=$?
[ "$status" -eq 1 ] && grep -q "cannot listen" "$work/busy" || fail "a port in use: exit $status"

exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'CONNECT CUSTOMER ana\r\n' >&3
expect() {
    local line=""
    IFS= read -r -t 10 line <&3 || fail "no line, waiting for '$1'"
    [ "${line%$'\r'}" = "$1" ] || fail "got '$line', waiting for '$1'"
}
expect "+OK welcome ana"
expect "QUEUED 1"

kill -INT "$server_pid"
expect "QUIT server shutting down"
status=0
wait "$server_pid" || status=$?
pids=()
[ "$status" -eq 0 ] || fail "after Ctrl-C the server exited $status"
grep -q "received Ctrl-C: shutting down" "$work/err" || fail "no word of the Ctrl-C"
echo "telechat-server.exe: --help 0, bad usage 2, port in use 1, Ctrl-C: QUIT to clients and exit 0"

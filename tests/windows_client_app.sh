#!/usr/bin/env bash
# WINDOWS BUILD ONLY: telechat-client.exe under wine, in script mode (stdin
# a file), against telechat-server.exe: a customer and an agent chat, list
# and quit, and the lines they print are those of the Linux client. (The
# Linux client is tested by tests/apps; its console mode was checked by hand
# under wine in tmux, see docs/client.md.)
#   bash windows_client_app.sh <wine> <telechat-server.exe> <telechat-client.exe>
set -euo pipefail
wine=$1
server=$2
client=$3
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

"$wine" "$server" --bind 127.0.0.1 --port 0 --agent-key k3y >"$work/server.out" 2>"$work/server.err" &
pids+=("$!")
port=""
for _ in $(seq 200); do
    port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)\r\{0,1\}$/\1/p' "$work/server.out")
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || fail "the server never said where it listens"

# Output goes to files, not pipes: wine's background services would keep a pipe open.
printf 'hello from wine\n/wait assigned 20\n/wait msg 20\nthanks\n/quit\n' >"$work/customer.in"
"$wine" "$client" --port "$port" --name ana <"$work/customer.in" >"$work/customer.out" 2>&1 &
customer=$!
pids+=("$customer")
# The agent comes once the customer waits in line.
for _ in $(seq 400); do
    tr -d '\r' <"$work/customer.out" | grep -qx "queued 1" && break
    sleep 0.05
done
# The agent lists while the customer waits for its answer, so ana is still there.
printf '/wait assigned 20\n/wait msg 20\n/list\n/msg ana hi ana\n/wait msg 20\n/quit\n' >"$work/agent.in"
status=0
TELECHAT_AGENT_KEY=k3y "$wine" "$client" --port "$port" --name sam --role agent \
    <"$work/agent.in" >"$work/agent.out" 2>&1 || status=$?
[ "$status" -eq 0 ] || fail "the agent's script exited $status"
status=0
wait "$customer" || status=$?
[ "$status" -eq 0 ] || fail "the customer's script exited $status"

expect() {  # file, exact line
    tr -d '\r' <"$1" | grep -qxF "$2" || fail "no line '$2' in $1"
}
expect "$work/customer.out" "ok welcome ana"
expect "$work/customer.out" "queued 1"
expect "$work/customer.out" "assigned sam"
expect "$work/customer.out" "msg sam hi ana"
expect "$work/customer.out" "ok bye"
expect "$work/agent.out" "ok welcome sam"
expect "$work/agent.out" "assigned ana"
expect "$work/agent.out" "msg ana hello from wine"
expect "$work/agent.out" "msg ana thanks"
expect "$work/agent.out" "list ana CUSTOMER CHATTING sam"
expect "$work/agent.out" "ok bye"

# Bad usage and a server that is not there: the exit codes of the Linux client.
status=0
"$wine" "$client" --port nine >"$work/usage" 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "bad usage: exit $status"
status=0
"$wine" "$client" --port 1 --name x <"$work/customer.in" >"$work/refused" 2>&1 || status=$?
[ "$status" -eq 3 ] || fail "no server: exit $status"
echo "telechat-client.exe: a customer and an agent chat in script mode; usage 2, no server 3"

#!/usr/bin/env bash
# The load benchmark's whole matrix in one command (issue 9; see bench/LOAD.md).
#
# For every round, every shape and every installed server: start the server on
# a free loopback port with limits that do not throttle, run bench/loadgen
# against it, stop it by its PID. The order of the servers rotates from round
# to round; `loadgen --summarize` then prints medians, [min-max] and each
# server's ratio to the bare relay in the same round.
#
# usage: bench/load_matrix.sh [--build DIR] [--rounds N] [--servers a,b,...]
#                             [--shapes a,b,...] [--seconds S] [--warmup S]
#                             [--hold S] [--idle N] [--pin] [--keep]
set -u -o pipefail

ALL_SERVERS="bare,threads,reactor,reactors,inspircd,ngircd,redis,nats,mosquitto"
ALL_SHAPES="pairs1,pairs10,pairs100,cold100,open100,idle"

build=build/default
rounds=5
servers=$ALL_SERVERS
shapes=$ALL_SHAPES
run_seconds=3
warmup_seconds=0.5
hold_seconds=15
idle_count=19900
keep=0
pin=0

usage() {
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    echo
    echo "servers: $ALL_SERVERS (each only if installed)"
    echo "shapes:  $ALL_SHAPES"
    echo "  pairs1/10/100  closed loop, window 32, --seconds each (default $run_seconds)"
    echo "                 after --warmup seconds (default $warmup_seconds)"
    echo "  cold100        100 pairs x 2000 messages, window 32, through a fresh server, all measured"
    echo "  open100        100 pairs, 20000 msg/s offered in total"
    echo "  idle           --idle connections (default $idle_count) held --hold s (default $hold_seconds)"
    echo "--pin runs the load generator on CPU 1 and each single-threaded server on CPU 0"
    echo "--keep leaves the temporary directory (configs, logs, raw results) in place"
    exit "${1:-0}"
}

while (($# > 0)); do
    case "$1" in
        --build) build=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --servers) servers=$2; shift 2 ;;
        --shapes) shapes=$2; shift 2 ;;
        --seconds) run_seconds=$2; shift 2 ;;
        --warmup) warmup_seconds=$2; shift 2 ;;
        --hold) hold_seconds=$2; shift 2 ;;
        --idle) idle_count=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        --pin) pin=1; shift ;;
        -h | --help) usage 0 ;;
        *) echo "load_matrix.sh: unknown option $1" >&2; usage 2 >&2 ;;
    esac
done

loadgen=$build/bench/loadgen
relay=$build/bench/bare_relay
telechat=$build/apps/telechat-server
for binary in "$loadgen" "$relay"; do
    [[ -x $binary ]] || { echo "load_matrix.sh: $binary not built (cmake --build $build --target loadgen bare_relay telechat-server)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/telechat-load.XXXXXX)
results=$work/results.txt
server_pid=""

# Stops the server this script started, by its PID only: a packaged daemon
# that Debian may be running on a default port is never touched.
stop_server() {
    [[ -n $server_pid ]] || return 0
    kill -TERM "$server_pid" 2>/dev/null
    for _ in $(seq 50); do
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=""
}

cleanup() {
    stop_server
    if ((keep)); then
        echo "load_matrix.sh: logs and raw results kept in $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The hard limit here is 20,000 descriptors per process; the idle shape needs them.
ulimit -n "$(ulimit -Hn)"

peer_binary() {
    case "$1" in
        bare) echo "$relay" ;;
        threads | reactor | reactors) echo "$telechat" ;;
        inspircd) command -v inspircd || echo /usr/sbin/inspircd ;;
        ngircd) command -v ngircd || echo /usr/sbin/ngircd ;;
        redis) command -v redis-server || echo /usr/bin/redis-server ;;
        nats) command -v nats-server || echo /usr/sbin/nats-server ;;
        mosquitto) command -v mosquitto || echo /usr/sbin/mosquitto ;;
        *) echo /nonexistent ;;
    esac
}

# --- each server: its protocol, how many connects it takes at once, how to start it

proto_of() {
    case "$1" in
        bare) echo bare ;;
        threads | reactor | reactors) echo 3mcp ;;
        inspircd | ngircd) echo irc ;;
        redis) echo resp ;;
        nats) echo nats ;;
        mosquitto) echo mqtt ;;
    esac
}

# Connections registering at once: below each server's listen() backlog
# (ngircd's is compiled in at 10, Mosquitto's is 100), or SYNs are dropped
# and retried seconds later.
connect_limit_of() {
    case "$1" in
        ngircd) echo 8 ;;
        mosquitto) echo 90 ;;
        inspircd) echo 4000 ;; # it welcomes from a once-a-second timer: register many at once
        *) echo 500 ;;
    esac
}

# With --pin, the load generator runs on CPU 1 and every single-threaded
# server on CPU 0, so neither takes the other's core; the multi-threaded
# ones (threads, reactors, NATS) keep both cores.
server_cpus() {
    if ((pin)); then
        case "$1" in
            threads | reactors | nats) echo 0-1 ;;
            *) echo 0 ;;
        esac
    else
        echo 0-$(($(nproc) - 1))
    fi
}

generator_cpus() {
    if ((pin)); then echo 1; else echo 0-$(($(nproc) - 1)); fi
}

# Starts a server that prints "listening on <addr>:<port>"; sets port.
start_printing_port() {
    local name=$1
    shift
    # Emptied first: the background job's own redirection may come after the
    # first read below, which would then find the previous run's port.
    : >"$work/$name.out"
    taskset -c "$(server_cpus "$name")" "$@" >"$work/$name.out" 2>"$work/$name.log" &
    server_pid=$!
    for _ in $(seq 100); do
        port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$work/$name.out")
        [[ -n $port ]] && return 0
        kill -0 "$server_pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

write_inspircd_config() {
    cat >"$work/inspircd.conf" <<EOF
<server name="bench.telechat.test" description="load benchmark" network="Bench">
<admin name="bench" nick="bench" email="bench@telechat.test">
<bind address="127.0.0.1" port="$port" type="clients">
<connect name="bench" allow="*" timeout="60" pingfreq="600" maxchans="20"
         hardsendq="16777216" softsendq="16777216" recvq="16777216"
         threshold="1000000000" commandrate="1000000000" fakelag="off"
         localmax="100000" globalmax="100000" limit="100000" maxconnwarn="off"
         resolvehostnames="no" useident="no">
<performance softlimit="20000" somaxconn="4096" clonesonconnect="no" netbuffersize="65536">
<pid file="$work/inspircd.pid">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="$work/inspircd.log">
EOF
}

write_ngircd_config() {
    cat >"$work/ngircd.conf" <<EOF
[Global]
Name = bench.telechat.test
Info = load benchmark
Listen = 127.0.0.1
Ports = $port
MotdPhrase = bench
PidFile = $work/ngircd.pid
[Limits]
MaxConnections = 0
MaxConnectionsIP = 0
MaxNickLength = 31
MaxPenaltyTime = 0
PingTimeout = 600
PongTimeout = 600
[Options]
DNS = no
Ident = no
PAM = no
RequireAuthPing = no
EOF
}

write_nats_config() {
    cat >"$work/nats.conf" <<EOF
listen: 127.0.0.1:$port
max_connections: 100000
max_pending: 268435456
write_deadline: "60s"
ping_interval: "10m"
EOF
}

write_mosquitto_config() {
    cat >"$work/mosquitto.conf" <<EOF
listener $port 127.0.0.1
allow_anonymous true
max_connections -1
persistence false
max_queued_messages 0
max_queued_bytes 0
set_tcp_nodelay true
log_dest file $work/mosquitto.log
EOF
    chmod a+r "$work/mosquitto.conf"
    touch "$work/mosquitto.log"
    chmod a+rw "$work/mosquitto.log"
}

# Starts server $1 and waits until it accepts; sets server_pid and port.
start_server() {
    local name=$1
    port=""
    case "$name" in
        bare) start_printing_port bare "$relay" --port 0 || return 1 ;;
        threads | reactor | reactors)
            start_printing_port "$name" "$telechat" --bind 127.0.0.1 --port 0 --model "$name" \
                --agent-key benchkey --agent-capacity 1 --max-clients 20000 || return 1 ;;
        *)
            port=$("$loadgen" --free-port) || return 1
            case "$name" in
                inspircd)
                    write_inspircd_config
                    taskset -c "$(server_cpus "$name")" "$(peer_binary inspircd)" --nofork --runasroot --config="$work/inspircd.conf" \
                        >"$work/inspircd.out" 2>&1 & ;;
                ngircd)
                    write_ngircd_config
                    taskset -c "$(server_cpus "$name")" "$(peer_binary ngircd)" --nodaemon --config "$work/ngircd.conf" \
                        >"$work/ngircd.out" 2>&1 & ;;
                redis)
                    taskset -c "$(server_cpus "$name")" "$(peer_binary redis)" --bind 127.0.0.1 --port "$port" --save "" \
                        --appendonly no --maxclients 20000 --protected-mode no \
                        --client-output-buffer-limit "pubsub 0 0 0" --tcp-backlog 4096 \
                        --dir "$work" --logfile "$work/redis.log" >/dev/null 2>&1 & ;;
                nats)
                    write_nats_config
                    taskset -c "$(server_cpus "$name")" "$(peer_binary nats)" --config "$work/nats.conf" >"$work/nats.log" 2>&1 & ;;
                mosquitto)
                    write_mosquitto_config
                    taskset -c "$(server_cpus "$name")" "$(peer_binary mosquitto)" -c "$work/mosquitto.conf" >"$work/mosquitto.out" 2>&1 & ;;
            esac
            server_pid=$!
            "$loadgen" --wait-port "$port" --seconds 15 || return 1 ;;
    esac
}

loadgen_args() {
    case "$1" in
        pairs1) echo "--pairs 1 --window 32 --seconds $run_seconds --warmup $warmup_seconds" ;;
        pairs10) echo "--pairs 10 --window 32 --seconds $run_seconds --warmup $warmup_seconds" ;;
        pairs100) echo "--pairs 100 --window 32 --seconds $run_seconds --warmup $warmup_seconds" ;;
        cold100) echo "--pairs 100 --window 32 --messages 2000" ;;
        open100) echo "--pairs 100 --rate 20000 --seconds $run_seconds --warmup $warmup_seconds" ;;
        idle) echo "--idle $idle_count --hold $hold_seconds" ;;
        *) return 1 ;;
    esac
}

mode_of() {
    case "$1" in
        open100) echo open ;;
        idle) echo idle ;;
        *) echo closed ;;
    esac
}

# One run: server $1, shape $2, round $3. Appends its RESULT line to $results.
run_one() {
    local name=$1 shape=$2 round=$3
    local label="server=$name shape=$shape round=$round"
    local log=$work/run-$round-$shape-$name.txt
    if ! start_server "$name"; then
        echo "RESULT $label status=fail mode=$(mode_of "$shape") reason=server-did-not-start" >>"$results"
        echo "  $shape $name: the server did not start (see $work/$name.*)" >&2
        stop_server
        return
    fi
    # shellcheck disable=SC2046  # loadgen_args is a list of words
    taskset -c "$(generator_cpus)" "$loadgen" --proto "$(proto_of "$name")" --port "$port" --server-pid "$server_pid" \
        --connect-limit "$(connect_limit_of "$name")" --agent-key benchkey --label "$label" \
        $(loadgen_args "$shape") >"$log" 2>&1
    stop_server
    local result
    result=$(grep '^RESULT ' "$log" | tail -1)
    if [[ -z $result ]]; then
        result="RESULT $label status=fail mode=$(mode_of "$shape") reason=no-result"
    fi
    echo "$result" >>"$results"
    local figure
    figure=$(sed -n 's/.* status=\([a-z]*\).*/\1/p' <<<"$result")
    case "$shape" in
        idle) figure+=" $(sed -n 's/.*bytes_per_conn=\([0-9]*\).*/\1/p' <<<"$result") B/conn" ;;
        open100) figure+=" p99 $(sed -n 's/.*p99_us=\([0-9.]*\).*/\1/p' <<<"$result") us" ;;
        *) figure+=" $(sed -n 's/.*msgps=\([0-9]*\).*/\1/p' <<<"$result") msg/s" ;;
    esac
    echo "  round $round $shape $name: $figure" >&2
    grep -E 'FAILED|first error' "$log" | sed 's/^/    /' >&2
}

# --- the matrix

IFS=, read -r -a wanted_servers <<<"$servers"
IFS=, read -r -a wanted_shapes <<<"$shapes"
present=()
for name in "${wanted_servers[@]}"; do
    if [[ ",$ALL_SERVERS," != *",$name,"* ]]; then
        echo "load_matrix.sh: unknown server $name (one of $ALL_SERVERS)" >&2
        exit 2
    fi
    if [[ -x $(peer_binary "$name") ]]; then
        present+=("$name")
    else
        echo "load_matrix.sh: $name is not installed; its row is left out" >&2
    fi
done
for shape in "${wanted_shapes[@]}"; do
    loadgen_args "$shape" >/dev/null || { echo "load_matrix.sh: unknown shape $shape" >&2; exit 2; }
done
((${#present[@]} > 0)) || { echo "load_matrix.sh: no server to run" >&2; exit 1; }

echo "load matrix: ${#present[@]} servers (${present[*]}), shapes ${wanted_shapes[*]}, $rounds round(s)" >&2
echo "machine: $(nproc) cores, $(uname -sr); results in $results" >&2
if ((pin)); then
    echo "pinned: load generator on CPU 1, single-threaded servers on CPU 0" >&2
fi
: >"$results"
for ((round = 1; round <= rounds; ++round)); do
    # Rotate the order each round, so that no server always runs first or last.
    count=${#present[@]}
    order=()
    for ((i = 0; i < count; ++i)); do
        order+=("${present[$(((i + round - 1) % count))]}")
    done
    for shape in "${wanted_shapes[@]}"; do
        for name in "${order[@]}"; do
            run_one "$name" "$shape" "$round"
        done
    done
done

echo
"$loadgen" --summarize "$results"

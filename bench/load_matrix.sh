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
#                             [--history-dir DIR]
#
# The history-log variants (issue 19), never part of the default set:
# reactor-log-never, reactor-log-everysec, reactor-log-always are
# `--model reactor` with `--history-file` in a fresh directory under
# --history-dir (removed after each run) and that --fsync; compare them with
# `reactor`: --servers reactor,reactor-log-never,reactor-log-everysec,reactor-log-always
set -u -o pipefail

ALL_SERVERS="bare,threads,reactor,reactors,inspircd,ngircd,redis,nats,mosquitto"
HISTORY_SERVERS="reactor-log-never,reactor-log-everysec,reactor-log-always"
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
history_dir=""

usage() {
    sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
    echo
    echo "servers: $ALL_SERVERS (each only if installed)"
    echo "         $HISTORY_SERVERS (only when named)"
    echo "shapes:  $ALL_SHAPES"
    echo "  pairs1/10/100  closed loop, window 32, --seconds each (default $run_seconds)"
    echo "                 after --warmup seconds (default $warmup_seconds)"
    echo "  cold100        100 pairs x 2000 messages, window 32, through a fresh server, all measured"
    echo "  open100        100 pairs, 20000 msg/s offered in total"
    echo "  idle           --idle connections (default $idle_count) held --hold s (default $hold_seconds)"
    echo "--pin runs the load generator on CPU 1 and each single-threaded server on CPU 0"
    echo "--keep leaves the temporary directory (configs, logs, raw results) in place"
    echo "--history-dir DIR: where the reactor-log-* logs go (default: the --build dir;"
    echo "                   not a tmpfs, or fsync costs nothing)"
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
        --history-dir) history_dir=$2; shift 2 ;;
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
log_dir=""     # a reactor-log-* server's history log directory, removed when it stops
counting=0     # 1 if perf can count the history servers' sync system calls

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
    if [[ -n $log_dir ]]; then
        rm -rf "$log_dir"
        log_dir=""
    fi
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
        threads | reactor | reactors | reactor-log-*) echo "$telechat" ;;
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
        threads | reactor | reactors | reactor-log-*) echo 3mcp ;;
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
        reactor-log-*)
            log_dir=$(mktemp -d "$history_dir/telechat-history.XXXXXX") || return 1
            start_printing_port "$name" "$telechat" --bind 127.0.0.1 --port 0 --model reactor \
                --agent-key benchkey --agent-capacity 1 --max-clients 20000 \
                --history-file "$log_dir/history.log" --fsync "${name#reactor-log-}" || return 1 ;;
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
    # A history server's sync and rename calls (each compaction renames once),
    # counted by the kernel's tracepoints while the load generator runs.
    local perf_pid="" perf_out=$work/perf-$round-$shape-$name.txt
    if ((counting)) && [[ $name == reactor-log-* ]]; then
        perf stat -x, -o "$perf_out" -p "$server_pid" -e "$sync_events" &
        perf_pid=$!
    fi
    # shellcheck disable=SC2046  # loadgen_args is a list of words
    taskset -c "$(generator_cpus)" "$loadgen" --proto "$(proto_of "$name")" --port "$port" --server-pid "$server_pid" \
        --connect-limit "$(connect_limit_of "$name")" --agent-key benchkey --label "$label" \
        $(loadgen_args "$shape") >"$log" 2>&1
    if [[ -n $perf_pid ]]; then
        kill -INT "$perf_pid" 2>/dev/null
        wait "$perf_pid" 2>/dev/null
    fi
    stop_server
    local result
    result=$(grep '^RESULT ' "$log" | tail -1)
    if [[ -z $result ]]; then
        result="RESULT $label status=fail mode=$(mode_of "$shape") reason=no-result"
    elif [[ -n $perf_pid ]]; then
        result+=$(sync_fields "$perf_out")
    fi
    echo "$result" >>"$results"
    local figure
    figure=$(sed -n 's/.* status=\([a-z]*\).*/\1/p' <<<"$result")
    case "$shape" in
        idle) figure+=" $(sed -n 's/.*bytes_per_conn=\([0-9]*\).*/\1/p' <<<"$result") B/conn" ;;
        open100) figure+=" p99 $(sed -n 's/.*p99_us=\([0-9.]*\).*/\1/p' <<<"$result") us" ;;
        *) figure+=" $(sed -n 's/.*msgps=\([0-9]*\).*/\1/p' <<<"$result") msg/s" ;;
    esac
    if [[ $result == *" fdatasync="* ]]; then
        figure+=" ($(sed -n 's/.* fdatasync=\([0-9]*\) fsync=\([0-9]*\) rename=\([0-9]*\).*/fdatasync \1, fsync \2, compactions \3/p' <<<"$result"))"
    fi
    echo "  round $round $shape $name: $figure" >&2
    grep -E 'FAILED|first error' "$log" | sed 's/^/    /' >&2
}

# The history servers' sync calls: fdatasync (the log; a compaction's new
# log), fsync (a compaction's directory), rename (one per compaction).
sync_events=syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync,syscalls:sys_enter_rename

# " fdatasync=N fsync=N rename=N" from a `perf stat -x,` output file.
sync_fields() {
    awk -F, '
        $3 ~ /sys_enter_fdatasync$/ { fdatasync = $1 + 0 }
        $3 ~ /sys_enter_fsync$/ { fsync = $1 + 0 }
        $3 ~ /sys_enter_rename$/ { rename = $1 + 0 }
        END { printf " fdatasync=%d fsync=%d rename=%d", fdatasync, fsync, rename }' "$1"
}

# The history table: each reactor-log-* run against the memory-only reactor
# of the same round and shape. The sync rates are the calls counted over the
# whole run (warm-up and drain too) per message sent in it, times the
# measured msg/s: fsyncs per second of the measured window.
history_table() {
    awk '
        function field(line, key,    at, rest) {
            at = index(line, " " key "=")
            if (at == 0) return ""
            rest = substr(line, at + length(key) + 2)
            sub(/ .*/, "", rest)
            return rest
        }
        function median(list, n,    i, j, t, a) {
            if (n == 0) return "nan"
            for (i = 1; i <= n; ++i) a[i] = list[i] + 0
            for (i = 2; i <= n; ++i) for (j = i; j > 1 && a[j - 1] > a[j]; --j) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
            lo = a[1]; hi = a[n]
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        function show(list, n, fmt,    m) {
            m = median(list, n)
            if (m == "nan") return "-"
            if (n == 1) return sprintf(fmt, m)
            return sprintf(fmt " [" fmt "-" fmt "]", m, lo, hi)
        }
        /^RESULT / {
            if (field($0, "status") != "ok" || field($0, "mode") != "closed") next
            server = field($0, "server"); shape = field($0, "shape"); round = field($0, "round")
            msgps[server, shape, round] = field($0, "msgps")
            cpu[server, shape, round] = field($0, "server_cpu")
            p99[server, shape, round] = field($0, "p99_us")
            sent[server, shape, round] = field($0, "sent")
            syncs[server, shape, round] = field($0, "fdatasync") == "" ? "" : field($0, "fdatasync") + field($0, "fsync")
            renames[server, shape, round] = field($0, "rename")
            if (!((server, shape) in seen)) { seen[server, shape] = 1; order[++cells] = server SUBSEP shape }
            if (!(round in rounds)) { rounds[round] = 1 }
        }
        END {
            printf "\n== history log against memory-only history (reactor), same round\n"
            printf "%-21s %-9s %-26s %-20s %-20s %-20s %-18s %-20s %-18s %s\n", "server", "shape",
                "msg/s med [min-max]", "x reactor", "msg/srv-cpu-s", "per-cpu x reactor",
                "p99 ms", "fsync/s", "msg/fsync", "compactions/run"
            for (c = 1; c <= cells; ++c) {
                split(order[c], key, SUBSEP); server = key[1]; shape = key[2]
                if (server != "reactor" && server !~ /^reactor-log-/) continue
                n = 0; nr = 0; nc = 0; ncr = 0; np = 0; ns = 0; nm = 0; nk = 0
                delete r; delete rr; delete e; delete er; delete p; delete s; delete m; delete k
                for (round in rounds) {
                    if (!((server, shape, round) in msgps)) continue
                    r[++n] = msgps[server, shape, round]
                    e[++nc] = msgps[server, shape, round] / cpu[server, shape, round]
                    p[++np] = p99[server, shape, round] / 1000
                    if ((("reactor", shape, round) in msgps)) {
                        base = msgps["reactor", shape, round]
                        rr[++nr] = msgps[server, shape, round] / base
                        er[++ncr] = e[nc] / (base / cpu["reactor", shape, round])
                    }
                    if (syncs[server, shape, round] != "") {
                        per_msg = syncs[server, shape, round] / sent[server, shape, round]
                        s[++ns] = per_msg * msgps[server, shape, round]
                        if (per_msg > 0) m[++nm] = 1 / per_msg
                        k[++nk] = renames[server, shape, round]
                    }
                }
                printf "%-21s %-9s %-26s %-20s %-20s %-20s %-18s %-20s %-18s %s\n", server, shape,
                    show(r, n, "%.0f"), show(rr, nr, "%.2f"), show(e, nc, "%.0f"), show(er, ncr, "%.2f"),
                    show(p, np, "%.1f"), show(s, ns, "%.0f"), show(m, nm, "%.0f"), show(k, nk, "%.0f")
            }
            printf "(x reactor: msg/s over the memory-only reactor'"'"'s in the same round; fsync/s: fdatasync + fsync\n"
            printf " calls over the whole run per message sent, times the measured msg/s; msg/fsync: messages sent per\n"
            printf " sync call; compactions/run: renames of the log, warm-up and drain included)\n"
        }' "$1"
}

# --- the matrix

IFS=, read -r -a wanted_servers <<<"$servers"
IFS=, read -r -a wanted_shapes <<<"$shapes"
present=()
history_servers=0
for name in "${wanted_servers[@]}"; do
    if [[ ",$ALL_SERVERS,$HISTORY_SERVERS," != *",$name,"* ]]; then
        echo "load_matrix.sh: unknown server $name (one of $ALL_SERVERS,$HISTORY_SERVERS)" >&2
        exit 2
    fi
    [[ $name == reactor-log-* ]] && history_servers=1
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
if ((history_servers)); then
    history_dir=${history_dir:-$build}
    mkdir -p "$history_dir" || exit 1
    fs_type=$(df -T "$history_dir" | awk 'NR == 2 { print $2 }')
    echo "history logs: fresh directories under $history_dir ($fs_type, $(df "$history_dir" | awk 'NR == 2 { print $1 }'))" >&2
    [[ $fs_type == tmpfs ]] && echo "load_matrix.sh: warning: $history_dir is a tmpfs, where fsync costs nothing" >&2
    # perf counts the sync and rename calls at the kernel's tracepoints (a
    # counter each, no stop per call: unlike strace, it costs the server nothing
    # measurable); without it, the table just lacks those columns.
    if command -v perf >/dev/null &&
        perf stat -x, -o /dev/null -e "$sync_events" true 2>/dev/null; then
        counting=1
    else
        echo "load_matrix.sh: perf cannot count syscalls:sys_enter_fdatasync here (not root? perf_event_paranoid?): no sync counts" >&2
    fi
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
if ((history_servers)); then
    history_table "$results"
fi

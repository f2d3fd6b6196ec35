#!/usr/bin/env bash
# Echo suite: every echo server in the benchmarks jar against the C load generator, same run.
#
# Servers (those present in the jar and able to start; the rest are listed as skipped):
#   Weft JNI (state machine), Weft JNI (combinators), Weft jnr (state machine), Weft on its NIO
#   fallback backend (state machine; not a target, shown for what the fallback costs), Netty epoll,
#   JDK NIO.
# Each server runs with one worker, pinned to CPU 0 (taskset); the load generator is pinned to
# CPU 1. For each repetition, each connection count (64, 512; 64-byte messages) runs every server
# in turn (A B C D E A B C D E ...), so slow drifts of this noisy machine hit all servers alike.
# Reported: medians over the repetitions with min-max spread of round trips/s, p50/p99/p99.9
# latency, and the server's CPU microseconds per round trip (user+sys of the server process from
# /proc/PID/stat over the measured window, read by the load generator itself).
#
# Knobs (environment): WEFT_BENCH_QUICK=1 (smoke run, a few seconds), ECHO_REPS (default 5),
# ECHO_SECONDS (measured seconds per run, default 1.5), ECHO_WARMUP (unmeasured seconds per run,
# default 0.3), ECHO_CONNS (default "64 512"), ECHO_SIZE (default 64), ECHO_SERVERS (a regex
# on server ids to run a subset, e.g. 'netty|nio').
# Needs benchmarks/target/weft-benchmarks.jar and benchmarks/target/loadgen (mvn -DskipTests package).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$WEFT_ROOT"

jar=benchmarks/target/weft-benchmarks.jar
loadgen=benchmarks/target/loadgen
out_md=benchmarks/results/echo.md
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command_line="${WEFT_BENCH_COMMAND:-WEFT_BENCH_QUICK=${WEFT_BENCH_QUICK:-0} scripts/bench echo}"

if [ ! -f "$jar" ]; then echo "[echo] $jar missing: run mvn -DskipTests package first" >&2; exit 1; fi
if [ ! -x "$loadgen" ]; then echo "[echo] $loadgen missing (no C compiler at build time?): echo suite skipped" >&2; exit 0; fi

if [ "${WEFT_BENCH_QUICK:-0}" = 1 ]; then
  reps=${ECHO_REPS:-1}; seconds=${ECHO_SECONDS:-0.3}; warmup=${ECHO_WARMUP:-0.2}; jit_warmup=0.5
else
  reps=${ECHO_REPS:-5}; seconds=${ECHO_SECONDS:-1.5}; warmup=${ECHO_WARMUP:-0.3}; jit_warmup=3
fi
conn_counts=${ECHO_CONNS:-"64 512"}
size=${ECHO_SIZE:-64}
filter=${ECHO_SERVERS:-.}

# Pin when there are two CPUs or more; say so when not.
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null 2>&1; then
  pin_server=(taskset -c 0); pin_load=(taskset -c 1); pinning="server on CPU 0, load generator on CPU 1 (taskset)"
else
  pin_server=(); pin_load=(); pinning="not pinned (fewer than 2 CPUs or no taskset)"
fi

# id | label | main class | extra arguments
catalogue=(
  "weft-jni-sm|Weft JNI (state machine)|dev.weft.bench.server.WeftEchoServer|--backend EPOLL_JNI"
  "weft-jni-async|Weft JNI (combinators)|dev.weft.bench.server.WeftAsyncEchoServer|--backend EPOLL_JNI"
  "weft-jnr-sm|Weft jnr (state machine)|dev.weft.bench.server.WeftEchoServer|--backend EPOLL_JNR"
  "weft-nio-sm|Weft NIO fallback (state machine)|dev.weft.bench.server.WeftEchoServer|--backend NIO"
  "netty-epoll|Netty epoll|dev.weft.bench.server.NettyEchoServer|"
  "jdk-nio|JDK NIO|dev.weft.bench.server.NioEchoServer|"
)

work=$(mktemp -d "${TMPDIR:-/tmp}/weft-echo.XXXXXX")
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

"$java_bin" -cp "$jar" -version >/dev/null 2>&1 || { echo "[echo] no working java at '$java_bin'" >&2; exit 1; }
classes=$(unzip -Z1 "$jar" 2>/dev/null || "${JAVA_HOME:+$JAVA_HOME/bin/}jar" tf "$jar")

ids=(); labels=(); ports=(); spids=(); skipped=()
for entry in "${catalogue[@]}"; do
  IFS='|' read -r id label class extra <<<"$entry"
  [[ "$id" =~ $filter ]] || continue
  if ! grep -qx "${class//.//}.class" <<<"$classes"; then
    skipped+=("$label: not in the jar yet"); continue
  fi
  log="$work/$id.log"
  # shellcheck disable=SC2086
  "${pin_server[@]}" "$java_bin" -Xms256m -Xmx256m -cp "$jar" "$class" 0 1 $extra >"$log" 2>&1 &
  pid=$!
  port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's/^READY port=\([0-9]*\).*/\1/p' "$log")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    skipped+=("$label: did not start ($(grep -v '^\s*at ' "$log" | head -2 | tr '\n' ' '))"); continue
  fi
  pids+=("$pid"); ids+=("$id"); labels+=("$label"); ports+=("$port"); spids+=("$pid")
done
if [ ${#ids[@]} -eq 0 ]; then echo "[echo] no echo server could start" >&2; printf '  %s\n' "${skipped[@]}" >&2; exit 1; fi
echo "[echo] servers: ${labels[*]}"
for s in "${skipped[@]+"${skipped[@]}"}"; do echo "[echo] skipped: $s"; done

# One load-generator run; appends "id conns rep <RESULT fields>" to $work/results.
run_load() { # index conns seconds warmup rep
  local i=$1 c=$2 line
  if ! line=$("${pin_load[@]}" "$loadgen" --port "${ports[$i]}" --conns "$c" --size "$size" \
        --duration "$3" --warmup "$4" --cpu-pid "${spids[$i]}" 2>>"$work/loadgen.err"); then
    echo "[echo] ${labels[$i]} at $c connections failed: $(tail -1 "$work/loadgen.err")" >&2
  fi
  line=$(grep '^RESULT' <<<"$line" || true)
  [ -n "$line" ] && [ "$5" -gt 0 ] && echo "${ids[$i]} $c $5 ${line#RESULT }" >>"$work/results"
  return 0
}

max_conns=$(tr ' ' '\n' <<<"$conn_counts" | sort -n | tail -1)
echo "[echo] JIT warm-up: ${jit_warmup}s per server at $max_conns connections"
for i in "${!ids[@]}"; do run_load "$i" "$max_conns" "$jit_warmup" 0 0; done
: >"$work/results"
for rep in $(seq 1 "$reps"); do
  for c in $conn_counts; do
    echo "[echo] repetition $rep/$reps, $c connections"
    for i in "${!ids[@]}"; do run_load "$i" "$c" "$seconds" "$warmup" "$rep"; done
  done
done

# median (min-max) of one metric for one server and connection count.
stat_of() { # id conns field
  grep "^$1 $2 " "$work/results" | tr ' ' '\n' | sed -n "s/^$3=//p" | sort -g |
    awk '{v[NR]=$1} END { if (NR==0) { print "-"; exit }
      m = (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2
      printf "%s %s %s %d\n", m, v[1], v[NR], NR }'
}
fmt() { # "median min max n" decimals
  awk -v d="$2" '{ if ($1=="-") { print "-"; exit } printf "%.*f (%.*f-%.*f)\n", d,$1, d,$2, d,$3 }' <<<"$1"
}
median_of() { stat_of "$@" | awk '{print $1}'; }

table="| server | conns | round trips/s | p50 us | p99 us | p99.9 us | server CPU us/round trip | runs |
|---|---:|---:|---:|---:|---:|---:|---:|"
for c in $conn_counts; do
  for i in "${!ids[@]}"; do
    id=${ids[$i]}
    n=$(stat_of "$id" "$c" rt_per_s | awk '{print $4}')
    table+=$'\n'"| ${labels[$i]} | $c | $(fmt "$(stat_of "$id" "$c" rt_per_s)" 0) | $(fmt "$(stat_of "$id" "$c" p50_us)" 0)"
    table+=" | $(fmt "$(stat_of "$id" "$c" p99_us)" 0) | $(fmt "$(stat_of "$id" "$c" p999_us)" 0)"
    table+=" | $(fmt "$(stat_of "$id" "$c" cpu_us_per_rt)" 2) | ${n:-0} |"
  done
done
errors=$(awk '{for(i=4;i<=NF;i++) if ($i ~ /^errors=/) {split($i,a,"="); s+=a[2]}} END {print s+0}' "$work/results" 2>/dev/null || echo 0)

# Ratios the acceptance list asks about, from the medians (only when both servers ran).
has() { [[ " ${ids[*]} " == *" $1 "* ]]; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a=="" || b=="" || b==0) print "-"; else printf "%.2f", a/b }'; }
reading=""
for c in $conn_counts; do
  if has weft-jni-sm && has netty-epoll; then
    reading+="- $c connections, Weft JNI state machine / Netty epoll (medians): CPU per round trip x$(ratio "$(median_of weft-jni-sm "$c" cpu_us_per_rt)" "$(median_of netty-epoll "$c" cpu_us_per_rt)")"
    reading+=", round trips/s x$(ratio "$(median_of weft-jni-sm "$c" rt_per_s)" "$(median_of netty-epoll "$c" rt_per_s)")"
    reading+=", p99 x$(ratio "$(median_of weft-jni-sm "$c" p99_us)" "$(median_of netty-epoll "$c" p99_us)")"
    reading+=", p99.9 x$(ratio "$(median_of weft-jni-sm "$c" p999_us)" "$(median_of netty-epoll "$c" p999_us)")"$'\n'
  fi
  if has weft-jni-async && has weft-jni-sm; then
    reading+="- $c connections, Weft combinators / state machine CPU per round trip: x$(ratio "$(median_of weft-jni-async "$c" cpu_us_per_rt)" "$(median_of weft-jni-sm "$c" cpu_us_per_rt)")"$'\n'
  fi
done

header="Echo, ${size}-byte messages, closed loop, one server worker; ${reps} repetition(s) x ${seconds}s measured (+${warmup}s unmeasured) per server and connection count, servers interleaved; $pinning. Medians with (min-max)."
echo
echo "$header"
echo
echo "$table"
[ -n "$reading" ] && { echo; printf '%s' "$reading"; }
echo "load-generator errors (all runs): $errors"

# Allocation per round trip on the Weft servers' worker threads (JVM per-thread counters).
alloc_lines=""
if grep -qx "dev/weft/bench/server/EchoAllocation.class" <<<"$classes" && [[ "weft-jni-sm" =~ $filter ]]; then
  alloc_rts=$([ "${WEFT_BENCH_QUICK:-0}" = 1 ] && echo 20000 || echo 400000)
  for kind in state-machine combinators; do
    line=$("${pin_server[@]}" "$java_bin" -Xms256m -Xmx256m -cp "$jar" dev.weft.bench.server.EchoAllocation "$kind" 64 "$alloc_rts" --backend EPOLL_JNI 2>&1 | grep '^ALLOCATION' || true)
    alloc_lines+="- ${line:-$kind: allocation check did not run}"$'\n'
  done
  echo; echo "Worker-thread allocation per round trip (64 connections, EPOLL_JNI, after warm-up):"; printf '%s' "$alloc_lines"
fi

mkdir -p "$(dirname "$out_md")"
{
  echo "# Echo benchmark"
  echo
  echo "Command: \`$command_line\` (suite script: \`scripts/bench.d/echo.sh\`)"
  echo
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $("$java_bin" -version 2>&1 | head -1), $(uname -sr)."
  echo
  echo "$header"
  echo
  echo "$table"
  echo
  [ -n "$reading" ] && { echo "Ratios:"; echo; printf '%s' "$reading"; echo; }
  echo "Load-generator errors over all runs: $errors."
  if [ -n "$alloc_lines" ]; then
    echo
    echo "Bytes allocated per round trip by the Weft echo server's worker threads (ThreadMXBean allocation counters, server and client in one JVM, only the server's threads counted; \`java -cp benchmarks/target/weft-benchmarks.jar dev.weft.bench.server.EchoAllocation KIND 64 N\`):"
    echo
    printf '%s' "$alloc_lines"
  fi
  for s in "${skipped[@]+"${skipped[@]}"}"; do echo; echo "Skipped: $s"; done
  echo
  echo "Server CPU is user+sys of the whole server JVM (JIT and GC included) over the measured window, from /proc/PID/stat (10 ms ticks)."
} >"$out_md"
echo "[echo] wrote $out_md"

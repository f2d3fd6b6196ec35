#!/usr/bin/env bash
# Sync suite: Tokio's sync_mpsc workloads on Weft's Mpsc against ArrayBlockingQueue and
# LinkedBlockingQueue handed between plain threads, and a 1,000-round request/reply over
# Weft Oneshots against CompletableFutures between two threads. All in one JMH run.
#
#   contended:   5 producers x 1,000 sends, one consumer (Weft: tasks; JDK: threads)
#   uncontended: 5,000 sends then 5,000 receives by one party
#   channels:    bounded(100), bounded(1,000,000), unbounded (ABQ has no unbounded form)
#
# Reported: the median of the measured JMH iterations with their min-max spread, in messages
# (or round trips) per second, and Weft's ratio to each JDK queue measured in the same run.
#
# Knobs (environment): WEFT_BENCH_QUICK=1 (smoke run, a few seconds: bounded(100) and the
# request/reply only, one short iteration each), SYNC_JMH_ARGS (extra JMH arguments).
# Needs benchmarks/target/weft-benchmarks.jar (mvn -DskipTests package) and python3 for the table.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$WEFT_ROOT"

jar=benchmarks/target/weft-benchmarks.jar
out_md=benchmarks/results/sync.md
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command_line="${WEFT_BENCH_COMMAND:-WEFT_BENCH_QUICK=${WEFT_BENCH_QUICK:-0} scripts/bench sync}"
if [ ! -f "$jar" ]; then echo "[sync] $jar missing: run mvn -DskipTests package first" >&2; exit 1; fi

if [ "${WEFT_BENCH_QUICK:-0}" = 1 ]; then
  timing=(-f 1 -wi 1 -w 200ms -i 1 -r 300ms)
  params=(-p channel=weft-bounded-100,abq-100)
  pattern='dev.weft.bench.sync.(MpscBench.contended|OneshotBench)'
else
  timing=(-f 1 -wi 3 -w 1s -i 5 -r 1s)
  params=()
  pattern='dev.weft.bench.sync.(MpscBench|OneshotBench)'
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/weft-sync.XXXXXX")
trap 'rm -rf "$work"' EXIT
json="$work/sync.json"

echo "[sync] JMH ${timing[*]} ${params[*]:-} $pattern"
# One benchmark run at a time on this shared machine.
lock=(); command -v flock >/dev/null 2>&1 && lock=(flock /tmp/weft-bench.lock)
"${lock[@]}" "$java_bin" -jar "$jar" "$pattern" "${timing[@]}" "${params[@]}" \
  -rf json -rff "$json" ${SYNC_JMH_ARGS:-} > "$work/jmh.log" 2>&1 || {
  tail -40 "$work/jmh.log" >&2; echo "[sync] JMH failed" >&2; exit 1; }

if ! command -v python3 >/dev/null 2>&1; then
  echo "[sync] python3 not found: raw JMH summary follows" >&2
  grep -E '^(Benchmark|MpscBench|OneshotBench)' "$work/jmh.log"
  exit 0
fi

python3 - "$json" "$out_md" "$command_line" "$(date -u +%Y-%m-%dT%H:%MZ)" "$("$java_bin" -version 2>&1 | head -1)" "$(nproc)" <<'PY'
import json, statistics, sys
path, out_md, command, when, jvm, cpus = sys.argv[1:7]
rows = json.load(open(path))
res = {}
for r in rows:
    name = r["benchmark"].rsplit(".", 2)
    bench = name[-2] + "." + name[-1]
    p = r.get("params", {})
    key = p.get("channel") or p.get("store") or p.get("impl")
    raw = [x for it in r["primaryMetric"]["rawData"] for x in it]
    res[(bench, key)] = (statistics.median(raw), min(raw), max(raw))

def fmt(v):
    return f"{v/1e6:.2f} M" if v >= 1e6 else f"{v/1e3:.0f} k"

def cell(bench, key):
    if (bench, key) not in res:
        return "-"
    m, lo, hi = res[(bench, key)]
    return f"{fmt(m)} ({fmt(lo)}-{fmt(hi)})"

def ratio(bench, a, b):
    if (bench, a) not in res or (bench, b) not in res:
        return "-"
    return f"{res[(bench, a)][0] / res[(bench, b)][0]:.1f}x"

lines = ["| workload | Weft | ArrayBlockingQueue | LinkedBlockingQueue | Weft / ABQ | Weft / LBQ |",
         "|---|---|---|---|---|---|"]
for bench, label in (("MpscBench.contended", "contended, 5 x 1,000"), ("MpscBench.uncontended", "uncontended, 5,000 then 5,000")):
    for bound, weft, abq, lbq in (("bounded(100)", "weft-bounded-100", "abq-100", "lbq-100"),
                                  ("bounded(1,000,000)", "weft-bounded-1M", "abq-1M", "lbq-1M"),
                                  ("unbounded", "weft-unbounded", None, "lbq-unbounded")):
        if (bench, weft) not in res:
            continue
        lines.append(f"| {label}, {bound} | {cell(bench, weft)} | {cell(bench, abq) if abq else 'n/a'} | "
                     f"{cell(bench, lbq)} | {ratio(bench, weft, abq) if abq else 'n/a'} | {ratio(bench, weft, lbq)} |")
table1 = "\n".join(lines)
table2 = "\n".join(["| workload | Weft (Mpsc + Oneshot, tasks) | JDK (LinkedBlockingQueue + CompletableFuture, threads) | Weft / JDK |",
                    "|---|---|---|---|",
                    f"| request/reply, 1,000 rounds | {cell('OneshotBench.requestReply', 'weft')} | "
                    f"{cell('OneshotBench.requestReply', 'jdk')} | {ratio('OneshotBench.requestReply', 'weft', 'jdk')} |"])
print("Messages per second (request/reply: round trips per second); median of the JMH iterations (min-max).")
print(table1)
print()
print(table2)
target = "-"
if ("MpscBench.contended", "weft-bounded-100") in res and ("MpscBench.contended", "abq-100") in res:
    r = res[("MpscBench.contended", "weft-bounded-100")][0] / res[("MpscBench.contended", "abq-100")][0]
    target = f"{'holds' if r >= 2 else 'does NOT hold'} in this run ({r:.1f}x)"
print(f"Target (contended bounded(100): Weft >= 2x ArrayBlockingQueue): {target}")
md = f"""# Sync benchmarks

Command: `{command}` ({when}, {jvm}, {cpus} CPUs; one JMH run, every row measured in it).

Messages per second (request/reply: round trips per second): median of the measured JMH
iterations, min-max in parentheses. Weft runs its producers and consumer as tasks on a runtime with
one worker per CPU; the JDK queues are handed between plain threads (5 producer threads, the
benchmark thread consuming). Workloads re-create Tokio's `sync_mpsc` benchmarks.

{table1}

{table2}

Target (contended bounded(100): Weft at least 2x ArrayBlockingQueue): {target}.

## Reading

- Contended, small bound: this is where Weft gains most. A full `ArrayBlockingQueue` parks
  and unparks OS threads on every hand-over (5 producer threads on 2 CPUs); a full Weft channel
  parks a *task* (a waiter node in a `Notify`, woken by the receiver only when a sender waits),
  and the worker goes on with the other tasks. The claim of a slot is one CAS on the ring's tail.
- Large bound or unbounded: nobody waits, so the comparison is the queue operation itself. The
  ring (bounded) pays one CAS per send and touches two arrays (slot and sequence), about what the
  JDK queues' lock costs when uncontended; the unbounded queue claims a slot with one
  fetch-and-add and allocates one 32-slot block per 32 messages instead of one node per message.
- Weft's numbers include the runtime: spawning the producer tasks, the consumer task's wake-ups,
  and the cooperative budget (a task yields after 128 channel operations).
- Request/reply compares two tasks with two threads: a reply over a `Oneshot` is one CAS and a
  task wake, usually on the same worker; a `CompletableFuture` reply wakes a parked thread.
- The machine is shared and noisy (2 CPUs, other work running): read the medians with the
  min-max spread, and compare only rows of the same run.
"""
open(out_md, "w").write(md)
PY
echo "[sync] wrote $out_md"

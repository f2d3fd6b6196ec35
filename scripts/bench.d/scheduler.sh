#!/usr/bin/env bash
# Scheduler suite: Weft (2 workers) against ForkJoinPool (2 threads) on the same five workloads,
# same JVM fork per benchmark, same run (dev.weft.bench.scheduler.SchedulerBench; JMH, average
# time per operation, -prof gc for bytes allocated per operation); plus drain_queued, a diagnostic
# with one worker each and no target (the per-task cost of running queued tasks, no hand-offs).
#
# Printed and written to benchmarks/results/scheduler.md: per workload the median of the measured
# iterations (with JMH's 99.9% error), Weft/FJP ratio of medians (below 1: Weft faster), and bytes
# allocated per spawned task (gc.alloc.rate.norm / tasks per operation).
#
# Knobs (environment): WEFT_BENCH_QUICK=1 (smoke run, a few seconds), SCHED_JMH (extra JMH
# arguments replacing the defaults "-f 1 -wi 4 -i 8 -w 1s -r 1s"), SCHED_FILTER (benchmark regex).
# Needs benchmarks/target/weft-benchmarks.jar (mvn -DskipTests package).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$WEFT_ROOT"

jar=benchmarks/target/weft-benchmarks.jar
out_md=benchmarks/results/scheduler.md
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command_line="${WEFT_BENCH_COMMAND:-WEFT_BENCH_QUICK=${WEFT_BENCH_QUICK:-0} scripts/bench scheduler}"
if [ ! -f "$jar" ]; then echo "[scheduler] $jar missing: run mvn -DskipTests package first" >&2; exit 1; fi

if [ "${WEFT_BENCH_QUICK:-0}" = 1 ]; then
  jmh_args=${SCHED_JMH:-"-f 0 -wi 1 -i 2 -w 100ms -r 100ms"}
else
  jmh_args=${SCHED_JMH:-"-f 1 -wi 4 -i 8 -w 1s -r 1s"}
fi
filter=${SCHED_FILTER:-SchedulerBench}

work=$(mktemp -d "${TMPDIR:-/tmp}/weft-sched.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "[scheduler] JMH $jmh_args -prof gc on $filter ($(nproc) CPUs)"
exec 9>/tmp/weft-bench.lock
flock 9 # one benchmark at a time on this machine (released below)
stat_before=$(weft_cpu_stat)
# shellcheck disable=SC2086
"$java_bin" -jar "$jar" "$filter" $jmh_args -prof gc \
  -rf json -rff "$work/result.json" > "$work/jmh.log" 2>&1 || { tail -40 "$work/jmh.log" >&2; exit 1; }
stat_after=$(weft_cpu_stat)
flock -u 9
steal=$(weft_steal_pct "$stat_before" "$stat_after")
echo "[scheduler] CPU time taken by the host (steal) during the run: $steal%"

jvm=$("$java_bin" -version 2>&1 | head -1)
python3 - "$work/result.json" "$out_md" "$command_line" "$jmh_args" "$jvm" "$(nproc)" "$steal" "$(weft_cpu_model)" <<'PY'
import json, statistics, sys
path, out_md, cmd, jmh_args, jvm, cpus, steal, cpu_model = sys.argv[1:9]
data = json.load(open(path))
# tasks spawned per operation, for bytes per spawn
tasks = {"spawn_many_local": 10000, "spawn_many_remote_idle": 10000, "yield_many": 200,
         "chained_spawn": 1000, "ping_pong": 2000, "drain_queued": 10000}
# drain_queued is a diagnostic (one worker/thread; the per-task cost with no hand-offs): no target.
targets = {"chained_spawn": 0.8, "yield_many": 0.8, "ping_pong": 0.8,
           "spawn_many_local": 1.0, "spawn_many_remote_idle": 1.0}
res = {}
for b in data:
    name = b["benchmark"].rsplit(".", 1)[1]
    work, impl = name.rsplit("_", 1)
    pm = b["primaryMetric"]
    raw = [x for fork in pm["rawData"] for x in fork]
    alloc = b.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
    try:
        err = float(pm["scoreError"])  # "NaN" when too few iterations
    except (TypeError, ValueError):
        err = float("nan")
    res.setdefault(work, {})[impl] = (statistics.median(raw), err, pm["scoreUnit"], alloc)
rows = []
hdr = "| workload | Weft median ± error | FJP median ± error | Weft/FJP | target | Weft B/task | FJP B/task |"
sep = "|---|---|---|---|---|---|---|"
for work in ["spawn_many_local", "spawn_many_remote_idle", "yield_many", "chained_spawn", "ping_pong", "drain_queued"]:
    r = res.get(work, {})
    if "weft" not in r or "fjp" not in r:
        continue
    w, f = r["weft"], r["fjp"]
    ratio = w[0] / f[0]
    if work in targets:
        target = "<= %.1f (%s)" % (targets[work], "meets" if ratio <= targets[work] else "misses")
    else:
        target = "none (diagnostic, 1 worker)"
    def bpt(x):
        return "n/a" if x[3] is None else "%.0f" % (x[3] / tasks[work])
    rows.append("| %s | %.1f ± %.1f %s | %.1f ± %.1f %s | %.2f | %s | %s | %s |" % (
        work, w[0], w[1], w[2], f[0], f[1], f[2], ratio, target, bpt(w), bpt(f)))
table = "\n".join([hdr, sep] + rows)
print(table)
# A hand-written reading below the marker survives re-runs.
marker = "<!-- reading: kept across runs -->"
kept = ""
try:
    prev = open(out_md).read()
    if marker in prev:
        kept = prev[prev.index(marker):]
except FileNotFoundError:
    pass
with open(out_md, "w") as o:
    o.write("# Scheduler benchmarks: Weft vs ForkJoinPool\n\n")
    o.write("Command: `%s` (JMH `%s -prof gc`, dev.weft.bench.scheduler.SchedulerBench).\n" % (cmd, jmh_args))
    o.write("Machine: %s CPUs (%s), shared; %s. Both runtimes with 2 workers/threads, same JVM fork per benchmark. "
            "CPU time the host took from this VM during the run (steal, /proc/stat): %s%%.\n\n" % (cpus, cpu_model, jvm, steal))
    o.write("Times are per operation (one whole workload): median of the measured iterations, ± JMH's 99.9% error. "
            "Weft/FJP is the ratio of medians (below 1: Weft faster). B/task: bytes allocated per spawned task "
            "(gc.alloc.rate.norm / tasks per operation; includes the benchmark's own objects: the user's Async, "
            "latches, handles arrays).\n\n")
    o.write(table + "\n")
    if kept:
        o.write("\n" + kept)
PY
echo "[scheduler] wrote $out_md"

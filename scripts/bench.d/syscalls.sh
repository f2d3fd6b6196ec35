#!/usr/bin/env bash
# Syscalls suite: the per-call cost of Weft's two native bindings (JNI, jnr-ffi) and of the
# JDK's own NIO, side by side in one JMH run (benchmarks/src/main/java/dev/weft/bench/sys):
#   schedGetcpu  a call that never enters the kernel: the binding's own overhead (JNI, jnr)
#   getpid       the cheapest real syscall (JNI, jnr)
#   fcntlGetfl   fcntl(F_GETFL) on an eventfd (JNI, jnr)
#   idlePoll     epoll_wait(0) on an idle poller through EpollPoller; NIO: Selector.selectNow()
#   roundTrip64  64 bytes written and read back over a connected loopback TCP pair; NIO: SocketChannel
#   wakeAndWait  eventfd write + the epoll_wait it ends; NIO: Selector.wakeup() + select()
# Prints a table (score ± 99.9% error, ns/op) and writes benchmarks/results/syscalls.md with the
# command, the machine, and a verdict per acceptance check.
# Knobs: WEFT_BENCH_QUICK=1 (smoke run: no fork, one short iteration, a few seconds);
#        SYSCALLS_JMH_OPTS (replaces the JMH run options, e.g. "-f 1 -wi 5 -i 10 -w 1s -r 1s").
# Needs benchmarks/target/weft-benchmarks.jar (mvn -DskipTests package).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$WEFT_ROOT"

jar=benchmarks/target/weft-benchmarks.jar
out_md=benchmarks/results/syscalls.md
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command_line="${WEFT_BENCH_COMMAND:-WEFT_BENCH_QUICK=${WEFT_BENCH_QUICK:-0} scripts/bench syscalls}"
[ -f "$jar" ] || { echo "[syscalls] $jar missing: run mvn -DskipTests package first" >&2; exit 1; }

if [ "${WEFT_BENCH_QUICK:-0}" = 1 ]; then
  read -r -a jmh_opts <<<"${SYSCALLS_JMH_OPTS:--f 0 -wi 1 -i 1 -w 100ms -r 200ms}"
  # JnrStubBench needs a fork of its own (a JVM-start flag), so the no-fork smoke run skips it.
  selection='dev\.weft\.bench\.sys\.(BindingOverhead|SyscallBound)Bench'
else
  read -r -a jmh_opts <<<"${SYSCALLS_JMH_OPTS:--f 1 -wi 3 -i 5 -w 500ms -r 1s}"
  selection='dev\.weft\.bench\.sys\.'
fi

# JDK 22+ asks for native access to be enabled (jnr-ffi, JNI); 24+ also for jffi's Unsafe use.
feature=$("$java_bin" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
feature=${feature%%.*}
jvm_flags=()
[ "${feature:-17}" -ge 22 ] && jvm_flags+=(--enable-native-access=ALL-UNNAMED)
[ "${feature:-17}" -ge 24 ] && jvm_flags+=(--sun-misc-unsafe-memory-access=allow)
jmh_jvm=()
[ ${#jvm_flags[@]} -gt 0 ] && jmh_jvm=(-jvmArgsAppend "${jvm_flags[*]}")

# One benchmark run at a time on a shared machine (see HELPERS.md); harmless elsewhere.
lock=()
command -v flock >/dev/null 2>&1 && lock=(flock /tmp/weft-bench.lock)

csv=$(mktemp "${TMPDIR:-/tmp}/weft-syscalls.XXXXXX.csv")
log=$(mktemp "${TMPDIR:-/tmp}/weft-syscalls.XXXXXX.log")
trap 'rm -f "$csv" "$log"' EXIT
jmh_cmd=("$java_bin" "${jvm_flags[@]}" -jar "$jar" "$selection" -bm avgt -tu ns -rf csv -rff "$csv"
         "${jmh_opts[@]}" "${jmh_jvm[@]}")
echo "[syscalls] ${jmh_cmd[*]}"
if ! "${lock[@]}" "${jmh_cmd[@]}" >"$log" 2>&1; then
  tail -40 "$log" >&2
  echo "[syscalls] JMH failed" >&2
  exit 1
fi

# Pivot the CSV (benchmark, binding) -> "score ± error" and judge each acceptance check.
report=$(awk -F',' '
  function unq(s) { gsub(/"/, "", s); return s }
  { sub(/\r$/, "") }
  NR == 1 { next }
  {
    n = split(unq($1), parts, "."); b = parts[n]; bind = unq($8)
    if (b == "schedGetcpuWithoutAsmStubs") { b = "schedGetcpu"; bind = "jnr-noasm" }
    score[b, bind] = $5 + 0; err[b, bind] = ($6 == "NaN" ? 0 : $6 + 0)
    if (!(b in seen)) { seen[b] = 1; order[++count] = b }
  }
  function cell(b, k) { return ((b, k) in score) ? sprintf("%.1f ± %.1f", score[b, k], err[b, k]) : "n/a" }
  function ratio(b, k) { return ((b, k) in score && score[b, "jni"] > 0) ? sprintf("%.2f", score[b, k] / score[b, "jni"]) : "" }
  # JNI versus another: faster beyond the error, the same within it, or slower beyond it.
  function judge(b, k,   lo, hi) {
    if (!((b, "jni") in score) || !((b, k) in score)) return "not measured"
    if (err[b, "jni"] == 0 || err[b, k] == 0) return sprintf("%.1f vs %.1f ns/op, no error estimate (single sample)", score[b, "jni"], score[b, k])
    hi = score[b, "jni"] + err[b, "jni"]; lo = score[b, k] - err[b, k]
    if (hi < lo) return "JNI faster beyond the error"
    if (score[b, "jni"] - err[b, "jni"] > score[b, k] + err[b, k]) return "JNI SLOWER beyond the error"
    return "within the error of each other"
  }
  END {
    printf "| benchmark | JNI (ns/op) | jnr-ffi (ns/op) | JDK NIO (ns/op) | jnr/JNI | NIO/JNI |\n"
    printf "|---|---:|---:|---:|---:|---:|\n"
    for (i = 1; i <= count; i++) {
      b = order[i]
      printf "| %s | %s | %s | %s | %s | %s |\n", b, cell(b, "jni"), cell(b, "jnr"), cell(b, "nio"), ratio(b, "jnr"), ratio(b, "nio")
    }
    printf "\nChecks (JNI against the peer, score ± 99.9%% error):\n\n"
    printf "- trivial call (schedGetcpu), JNI vs jnr-ffi: %s\n", judge("schedGetcpu", "jnr")
    if (("schedGetcpu", "jnr-noasm") in score)
      printf "- trivial call, JNI vs jnr-ffi without its x86-64 asm stubs (%.1f ± %.1f ns/op): %s\n", score["schedGetcpu", "jnr-noasm"], err["schedGetcpu", "jnr-noasm"], judge("schedGetcpu", "jnr-noasm")
    printf "- getpid, JNI vs jnr-ffi: %s\n", judge("getpid", "jnr")
    printf "- fcntlGetfl, JNI vs jnr-ffi: %s\n", judge("fcntlGetfl", "jnr")
    printf "- idlePoll, JNI vs jnr-ffi: %s; JNI vs NIO: %s\n", judge("idlePoll", "jnr"), judge("idlePoll", "nio")
    printf "- roundTrip64, JNI vs jnr-ffi: %s; JNI vs NIO: %s\n", judge("roundTrip64", "jnr"), judge("roundTrip64", "nio")
    printf "- wouldBlockRead, JNI vs jnr-ffi: %s; JNI vs NIO: %s\n", judge("wouldBlockRead", "jnr"), judge("wouldBlockRead", "nio")
    printf "- wakeAndWait, JNI vs jnr-ffi: %s; JNI vs NIO: %s\n", judge("wakeAndWait", "jnr"), judge("wakeAndWait", "nio")
  }' "$csv")

echo "$report"

mkdir -p "$(dirname "$out_md")"
{
  echo "# Syscalls: JNI vs jnr-ffi vs JDK NIO, per call"
  echo
  echo "Command: \`$command_line\` (JMH: \`${jmh_opts[*]} -bm avgt -tu ns\`)."
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs, $(uname -sr), $("$java_bin" -version 2>&1 | head -1)."
  [ "${WEFT_BENCH_QUICK:-0}" = 1 ] && echo "**Smoke run (WEFT_BENCH_QUICK=1): one short iteration, no fork; not a measurement.**"
  echo
  echo "$report"
  echo
  echo "What each row times: schedGetcpu never enters the kernel (the binding's own overhead);"
  echo "getpid and fcntlGetfl add the cheapest syscalls; idlePoll is EpollPoller.poll(0) (one"
  echo "epoll_wait(0) and the decode) against Selector.selectNow(); roundTrip64 is 64 bytes sent"
  echo "and read back over loopback TCP (Posix.write/read, two JNI calls each for the call and the"
  echo "buffer address) against non-blocking SocketChannels; wakeAndWait is an eventfd write plus"
  echo "the epoll_wait it ends, against Selector.wakeup() + select()."
} >"$out_md"
echo "[syscalls] wrote $out_md"

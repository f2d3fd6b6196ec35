#!/usr/bin/env bash
# Syscalls suite: the per-call cost of Weft's two native bindings (JNI, jnr-ffi) and of the
# JDK's own NIO, side by side in one JMH run (benchmarks/src/main/java/dev/weft/bench/sys):
#   schedGetcpu  a call that never enters the kernel: the binding's own overhead (JNI, jnr)
#   getpid       the cheapest real syscall (JNI, jnr)
#   fcntlGetfl   fcntl(F_GETFL) on an eventfd (JNI, jnr)
#   idlePoll     epoll_wait(0) on an idle poller through EpollPoller; NIO: Selector.selectNow()
#   roundTrip64  64 bytes written and read back over a connected loopback TCP pair; NIO: SocketChannel
#   wouldBlockRead  a read that finds nothing (EAGAIN); NIO: SocketChannel.read returning 0
#   wakeAndWait  eventfd write + the epoll_wait it ends; NIO: Selector.wakeup() + select()
#   (and schedGetcpu through jnr-ffi with its x86-64 asm stubs off, in a fork of its own)
# dev.weft.bench.sys.SyscallsSuite runs them (1 fork, 3 x 0.5 s warm-up, 7 x 0.7 s measured) and
# prints medians with min-max spread, JMH means with 99.9% error, and a verdict per acceptance
# check; it writes the same to benchmarks/results/syscalls.md with the command and the machine.
# Knobs: WEFT_BENCH_QUICK=1 (smoke run: no fork, one short iteration each, a few seconds).
# Needs benchmarks/target/weft-benchmarks.jar (mvn -DskipTests package).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$WEFT_ROOT"

jar=benchmarks/target/weft-benchmarks.jar
out_md=benchmarks/results/syscalls.md
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
command_line="${WEFT_BENCH_COMMAND:-WEFT_BENCH_QUICK=${WEFT_BENCH_QUICK:-0} scripts/bench syscalls}"
[ -f "$jar" ] || { echo "[syscalls] $jar missing: run mvn -DskipTests package first" >&2; exit 1; }

quick=()
[ "${WEFT_BENCH_QUICK:-0}" = 1 ] && quick=(--quick)

# JDK 22+ asks for native access to be enabled (jnr-ffi, JNI); 24+ also for jffi's Unsafe use.
# (The suite passes the same flags to its JMH forks.)
feature=$("$java_bin" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
feature=${feature%%.*}
jvm_flags=()
[ "${feature:-17}" -ge 22 ] && jvm_flags+=(--enable-native-access=ALL-UNNAMED)
[ "${feature:-17}" -ge 24 ] && jvm_flags+=(--sun-misc-unsafe-memory-access=allow)

# One benchmark run at a time on a shared machine (see HELPERS.md); harmless elsewhere.
lock=()
command -v flock >/dev/null 2>&1 && lock=(flock /tmp/weft-bench.lock)

log=$(mktemp "${TMPDIR:-/tmp}/weft-syscalls.XXXXXX.log")
trap 'rm -f "$log"' EXIT
cmd=("$java_bin" "${jvm_flags[@]}" -cp "$jar" dev.weft.bench.sys.SyscallsSuite "${quick[@]}" --out "$out_md" --command "$command_line")
echo "[syscalls] ${cmd[*]}"
if ! "${lock[@]}" "${cmd[@]}" >"$log" 2>&1; then
  tail -40 "$log" >&2
  echo "[syscalls] the JMH run failed" >&2
  exit 1
fi
# The report is everything from the table header on (JMH's own progress lines stay in the log).
sed -n '/^Median of the measured iterations/,$p' "$log"

# Shared helpers for the scripts/ entry points. Source it; do not run it.
# shellcheck shell=bash
WEFT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Installs what a fresh Debian machine of this kind lacks (JDK 17, Maven, a C compiler).
weft_ensure_tools() {
  local need=()
  command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || need+=(maven)
  command -v cc >/dev/null 2>&1 || need+=(gcc)
  command -v make >/dev/null 2>&1 || need+=(make)
  if [ ${#need[@]} -gt 0 ]; then
    echo "[weft] installing: ${need[*]}"
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
    else
      sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
    fi
  fi
}

# The JDK 17 home (the build's baseline), from JAVA_HOME, the default java, or /usr/lib/jvm.
weft_jdk17() {
  local d
  for d in "${JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64 /usr/lib/jvm/temurin-17-jdk-amd64; do
    if [ -n "$d" ] && [ -x "$d/bin/javac" ] && "$d/bin/java" -version 2>&1 | grep -q '"17'; then
      echo "$d"; return 0
    fi
  done
  # Fall back to whatever javac is on the PATH.
  dirname "$(dirname "$(readlink -f "$(command -v javac)")")"
}

# The newest JDK under /usr/lib/jvm whose major version is above 17, or nothing.
weft_newest_jdk() {
  local best="" best_v=17 d v
  for d in /usr/lib/jvm/*/; do
    d=${d%/}
    [ -x "$d/bin/javac" ] || continue
    [ -L "$d" ] && continue
    v=$("$d/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
    v=${v%%.*}
    if [ -n "$v" ] && [ "$v" -gt "$best_v" ] 2>/dev/null; then best=$d; best_v=$v; fi
  done
  echo "$best"
}

# The processor as the kernel reports it: model name, family and model numbers (a hypervisor may
# mask the name down to "AMD EPYC"; the numbers still tell generations apart), or "unknown".
# Ratios measured on one machine do not carry over to another (scheduler ratios moved by up to
# 2x between two of this project's VMs at unchanged code), so each results file names the CPU.
weft_cpu_model() {
  awk -F': *' '/^model name/ && !n {n=$2} /^cpu family/ && !f {f=$2} /^model[[:space:]]*:/ && !m {m=$2}
    END {if (n == "") print "unknown"; else printf "%s, family %s model %s\n", n, f, m}' /proc/cpuinfo 2>/dev/null || echo unknown
}

# The aggregate "cpu" line of /proc/stat (empty where there is none), for weft_steal_pct.
weft_cpu_stat() {
  head -1 /proc/stat 2>/dev/null | grep '^cpu ' || true
}

# Percent of this machine's CPU time the hypervisor took ("steal") between two weft_cpu_stat
# lines, one decimal; "n/a" when either is empty or the kernel reports no steal column. On a
# shared VM this is the first thing to read next to a benchmark figure: time stolen from the
# vCPUs shows up as slower wakes and lost iterations, and differs from run to run.
weft_steal_pct() {
  python3 - "$1" "$2" <<'PY'
import sys
a, b = sys.argv[1].split()[1:], sys.argv[2].split()[1:]
if len(a) < 8 or len(b) < 8:
    print("n/a")
else:
    d = [int(y) - int(x) for x, y in zip(a, b)]
    total = sum(d[:8])  # user nice system idle iowait irq softirq steal (guest time is inside user)
    print("n/a" if total <= 0 else "%.1f" % (100.0 * d[7] / total))
PY
}

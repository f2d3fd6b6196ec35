#!/usr/bin/env bash
# Builds the echo load generator (loadgen.c) into OUT_DIR/loadgen.
# Usage: benchmarks/loadgen/build.sh OUT_DIR
# Without a C compiler it says so and exits 0: the echo suite then reports that it cannot run.
set -euo pipefail
out=${1:?usage: build.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "[weft loadgen] no C compiler ('$cc') found: load generator skipped (scripts/bench echo needs it)"
  exit 0
fi
mkdir -p "$out"
"$cc" -O2 -Wall -Wextra -Werror -std=gnu11 -o "$out/loadgen" "$here/loadgen.c"
echo "[weft loadgen] built $out/loadgen"

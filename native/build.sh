#!/usr/bin/env bash
# Builds libweft.so for this OS and architecture into OUT_ROOT/<os>-<arch>/.
# Usage: native/build.sh OUT_ROOT JAVA_HOME
# Without a C compiler (or JNI headers) it says so and exits 0: the runtime then
# falls back to the jnr-ffi binding and reports why.
set -euo pipefail
out_root=${1:?usage: build.sh OUT_ROOT JAVA_HOME}
java_home=${2:?usage: build.sh OUT_ROOT JAVA_HOME}
here=$(cd "$(dirname "$0")" && pwd)

os=$(uname -s | tr '[:upper:]' '[:lower:]')
case "$(uname -m)" in
  x86_64|amd64) arch=x86_64 ;;
  aarch64|arm64) arch=aarch_64 ;;
  *) arch=$(uname -m) ;;
esac

if ! ls "$here"/src/*.c >/dev/null 2>&1; then
  echo "[weft native] no C sources yet: JNI binding skipped"
  exit 0
fi
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then
  echo "[weft native] no C compiler or make found: JNI binding skipped (the jnr-ffi binding will be used)"
  exit 0
fi
# The JDK that runs Maven may be a JRE-like image; look for jni.h in it or its parent.
inc=""
for d in "$java_home/include" "$java_home/../include"; do
  if [ -f "$d/jni.h" ]; then inc=$(cd "$d" && pwd); break; fi
done
if [ -z "$inc" ]; then
  echo "[weft native] jni.h not found under $java_home: JNI binding skipped (the jnr-ffi binding will be used)"
  exit 0
fi
mkdir -p "$out_root/$os-$arch"
# Objects go next to the classes folder (target/native-obj), never inside it: whatever lands
# under target/classes ends up in the jar.
obj_dir="$(cd "$out_root/../.." && pwd)/../native-obj"
make -s -C "$here" CC="$cc" JNI_INCLUDE="$inc" OS="$os" OUT="$out_root/$os-$arch/libweft.so" BUILD_DIR="$obj_dir"
echo "[weft native] built $out_root/$os-$arch/libweft.so"

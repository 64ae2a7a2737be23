#!/usr/bin/env bash
# Fuzzes the .loopscope trace loader with libFuzzer (clang, -fsanitize=fuzzer,address,undefined).
#
#   scripts/fuzz-trace-loader.sh [SECONDS] [extra libFuzzer options...]
#
# SECONDS (default 60) bounds the run (-max_total_time). Installs clang and libFuzzer from Debian
# (clang, libclang-rt-14-dev, pkg-config) when they are missing. Builds build/fuzz/fuzz_traceloader from
# tests/fuzz/fuzz_traceloader.cpp and the core sources it needs (trace model, run/, analysis/, io/), separately from
# the g++ build, then runs it on a working corpus seeded from tests/fuzz/corpus. Crashes are written
# to build/fuzz/artifacts/; reproduce one with  build/fuzz/fuzz_traceloader build/fuzz/artifacts/crash-…
# Set FUZZ_BUILD_DIR to build elsewhere. The exit code is libFuzzer's: non-zero when it found a bug.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift $(( $# > 0 ? 1 : 0 ))
out=${FUZZ_BUILD_DIR:-$root/build/fuzz}

have_libfuzzer() {
    command -v clang++ >/dev/null 2>&1 || return 1
    echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char *, unsigned long) { return 0; }' \
        | clang++ -x c++ -fsanitize=fuzzer - -o /dev/null >/dev/null 2>&1
}
if ! have_libfuzzer || ! command -v pkg-config >/dev/null 2>&1; then
    echo "Installing clang and libFuzzer from Debian..." >&2
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: clang with libFuzzer is missing; run as root or: apt-get install clang libclang-rt-14-dev pkg-config" >&2
        exit 2
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev pkg-config >/dev/null
fi

moc=$(qtpaths6 --query QT_HOST_LIBEXECS 2>/dev/null || echo /usr/lib/qt6/libexec)/moc
mkdir -p "$out/gen" "$out/artifacts" "$out/corpus"
"$moc" "$root/core/trace/trace.h" -o "$out/gen/moc_trace.cpp"

sources=(
    "$root/tests/fuzz/fuzz_traceloader.cpp"
    "$root/core/trace/eventkind.cpp" "$root/core/trace/labeltable.cpp" "$root/core/trace/trace.cpp"
    "$out/gen/moc_trace.cpp"
    "$root/core/scheduler/errors.cpp" "$root/core/run/run.cpp" "$root/core/run/replayrun.cpp"
    "$root/core/run/tracemetadata.cpp"
)
for f in "$root"/core/analysis/*.cpp "$root"/core/io/*.cpp; do sources+=("$f"); done

version=$(sed -n 's/^project(Loopscope VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
echo "Building $out/fuzz_traceloader..." >&2
# shellcheck disable=SC2046
clang++ -std=c++20 -O1 -g -fPIC -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DLOOPSCOPE_VERSION="\"$version\"" -DQT_NO_DEBUG_OUTPUT \
    -I"$root/core" -I"$root/core/trace" $(pkg-config --cflags Qt6Core) \
    "${sources[@]}" $(pkg-config --libs Qt6Core) -o "$out/fuzz_traceloader"

cp -n "$root"/tests/fuzz/corpus/* "$out/corpus/" 2>/dev/null || true
echo "Fuzzing for $seconds s..." >&2
exec "$out/fuzz_traceloader" "$out/corpus" \
    -dict="$root/tests/fuzz/traceloader.dict" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=4096 -artifact_prefix="$out/artifacts/" -print_final_stats=1 "$@"

#!/usr/bin/env bash
# The core as an installed library: installs a build into a folder of its own, checks what was
# installed, builds the example resources/examples/fetch-pages against it as another project would
# (find_package(Loopscope), nothing from the source or build tree), runs it against
# `loopscope serve` on a free port of 127.0.0.1, and checks the trace it saved with `loopscope show`.
# usage: run-install.sh <source folder> <build folder> <path to loopscope> <work folder> <version>
set -euo pipefail
source_dir=$1
build_dir=$2
app=$3
work=$4
version=$5
prefix=$work/prefix
trace=$work/run.loopscope
pages=6   # what the example fetches: 3 coroutines, 2 pages each, 20 items a page
items=120
cmake=${CMAKE:-cmake}   # the test passes the CMake that made the build

fail() { echo "install: FAIL: $*" >&2; exit 1; }
# Runs a command with its output in a log; on failure shows the output and stops.
run() {
    local log=$1
    shift
    local status=0
    "$@" </dev/null >"$log" 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
        cat "$log" >&2
        fail "'$*' exited with status $status (output above and in $log)"
    fi
}
server=
stop_server() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=
    fi
}
trap stop_server EXIT

rm -rf "$work"
mkdir -p "$work"

# 1. Install, and look at what came.
run "$work/install.log" "$cmake" --install "$build_dir" --prefix "$prefix"
config=$(find "$prefix" -name LoopscopeConfig.cmake)
[ -n "$config" ] || fail "no LoopscopeConfig.cmake under $prefix"
package_dir=$(dirname "$config")
for file in LoopscopeConfigVersion.cmake LoopscopeTargets.cmake; do
    [ -f "$package_dir/$file" ] || fail "no $file next to $config"
done
headers=$prefix/include/loopscope
for header in scheduler/scheduler.h scheduler/task.h net/httpclient.h io/tracefilewriter.h trace/trace.h; do
    [ -f "$headers/$header" ] || fail "$header is not installed in $headers"
done
for area in scenarios record cli; do
    [ ! -e "$headers/$area" ] || fail "$headers/$area is installed: only the library's headers belong there"
done
leaks=$(grep -l -e "$source_dir" -e "$build_dir" -r "$package_dir" || true)
[ -z "$leaks" ] || fail "installed package files name the source or build folder: $leaks"

# 2. A consumer: every installed header compiles against the installed package alone.
consumer=$work/all-headers
mkdir -p "$consumer"
(cd "$headers" && find . -name '*.h' | sort | sed 's|^\./\(.*\)|#include "\1"|') >"$consumer/all.cpp"
cat >"$consumer/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.25)
project(AllHeaders LANGUAGES CXX)
find_package(Loopscope $version EXACT REQUIRED)
add_library(all_headers OBJECT all.cpp)
target_link_libraries(all_headers PRIVATE Loopscope::core)
EOF
run "$work/all-headers-configure.log" "$cmake" -S "$consumer" -B "$consumer/build" -DCMAKE_PREFIX_PATH="$prefix"
run "$work/all-headers-build.log" "$cmake" --build "$consumer/build" -j2

# 3. The example, configured and built out of the tree against the installed package, with the
#    warnings the project's own targets have.
example=$work/fetch-pages
run "$work/example-configure.log" "$cmake" -S "$source_dir/resources/examples/fetch-pages" -B "$example" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wpedantic -Werror"
grep -q "Using Loopscope $version from $package_dir" "$work/example-configure.log" \
    || fail "the example did not find Loopscope $version in $package_dir: $(grep 'Using Loopscope' "$work/example-configure.log")"
run "$work/example-build.log" "$cmake" --build "$example" -j2
[ -x "$example/fetch-pages" ] || fail "no $example/fetch-pages after the build"

# 4. The demo API on a free port (it prints its URL), and the example fetching from it.
"$app" serve --port 0 --items 1000 </dev/null >"$work/serve.log" 2>&1 &
server=$!
url=
for _ in $(seq 100); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/[^ ]*' "$work/serve.log" || true)
    [ -n "$url" ] && break
    kill -0 "$server" 2>/dev/null || fail "'loopscope serve' exited: $(cat "$work/serve.log")"
    sleep 0.1
done
[ -n "$url" ] || fail "'loopscope serve' printed no URL in 10 s: $(cat "$work/serve.log")"
run "$work/example-run.log" timeout 60 "$example/fetch-pages" "$url" "$trace"
grep -q "^fetched $pages pages ($items items)" "$work/example-run.log" \
    || fail "the example did not fetch $pages pages of $items items: $(cat "$work/example-run.log")"
[ -s "$trace" ] || fail "the example saved no trace at $trace"
kill -TERM "$server"
wait "$server" || fail "'loopscope serve' exited with status $? on SIGTERM"
server=
grep -q "^requests: $pages received, $pages answered" "$work/serve.log" \
    || fail "the demo API did not answer $pages requests: $(cat "$work/serve.log")"

# 5. The trace tells what happened: the workers were created, their requests awaited I/O, which
#    completed, and everything returned what the example printed.
run "$work/show.log" "$app" show "$trace"
expect() { # <count> <extended regular expression> <what it counts>
    local found
    found=$(grep -c -E "$2" "$work/show.log" || true)
    [ "$found" -eq "$1" ] || fail "the trace has $found $3, not $1 (lines matching '$2' in $work/show.log)"
}
request="GET /api/items\\?from=[0-9]+&limit=20"
expect 3 "worker [1-3] created by fetch all$" "workers created by the main task"
expect "$pages" "worker [1-3] delegates to $request$" "requests made by the workers"
expect "$pages" "$request submits I/O #[0-9]+ $request$" "I/O submissions"
expect "$pages" "$request awaits $request$" "requests awaiting their I/O"
expect "$pages" "I/O #[0-9]+ complete 200 OK .* -> $request$" "I/O completions with 200 OK"
expect "$pages" "$request completes, returning 200 OK" "requests completing"
expect 3 "worker [1-3] completes, returning $((items / 3))$" "workers completing with $((items / 3)) items"
expect 1 "fetch all completes, returning $items$" "main tasks completing with $items items"
expect 0 " (fails|cancelled)" "failed or cancelled tasks"
expect 1 "loop stopped \\(complete\\)$" "loops stopping complete"
echo "install: ok (Loopscope $version installed in $prefix; the example fetched $pages pages; $(wc -l <"$work/show.log") trace events)"

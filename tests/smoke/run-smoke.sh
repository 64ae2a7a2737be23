#!/usr/bin/env bash
# Smoke test of the real binary: on a virtual X display, open the two-coroutine scenario, take 12
# steps, save a screenshot; check the picture, the exit codes for bad input, and that subcommands
# run without a display.
# usage: run-smoke.sh <path to loopscope> <output folder>
set -euo pipefail
app=$1
out=$2
mkdir -p "$out"
shot="$out/two-coroutines.png"
rm -f "$shot"
export XDG_CONFIG_HOME="$out/config"   # never touch the settings of the person running the tests
unset QT_QPA_PLATFORM                  # the real xcb platform, on Xvfb

fail() { echo "smoke: FAIL: $*" >&2; exit 1; }

xvfb-run -a -s "-screen 0 1600x1000x24" "$app" --scenario two-coroutines --steps 12 --screenshot "$shot" \
    || fail "the app exited with status $?"
[ -s "$shot" ] || fail "no screenshot at $shot"
# A PNG signature, and a picture of a whole window (width and height from the IHDR chunk).
[ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "$shot is not a PNG"
width=$((16#$(od -An -tx1 -j16 -N4 "$shot" | tr -d ' \n')))
height=$((16#$(od -An -tx1 -j20 -N4 "$shot" | tr -d ' \n')))
[ "$width" -ge 800 ] && [ "$height" -ge 600 ] || fail "screenshot is only ${width}x${height}"
# A diagram has more than a handful of colours; a blank or black window does not.
size=$(stat -c %s "$shot")
[ "$size" -gt 20000 ] || fail "screenshot is suspiciously small ($size bytes)"

# Bad input: a clear message and exit status 2.
set +e
message=$(xvfb-run -a -s "-screen 0 1600x1000x24" "$app" --scenario no-such-scenario --screenshot "$out/never.png" 2>&1 >/dev/null)
status=$?
set -e
[ "$status" -eq 2 ] || fail "an unknown scenario exited with $status, not 2"
echo "$message" | grep -q "no-such-scenario" || fail "the error does not name the scenario: $message"

# No chatter about the desktop session a machine without one lacks (as root, over ssh, in CI).
noise=$(env -u XDG_RUNTIME_DIR -u DISPLAY QT_QPA_PLATFORM=offscreen "$app" export --scenario two-coroutines \
            --format png --out "$out/export.png" 2>&1 >/dev/null) || fail "'loopscope export' exited with status $?"
[ -z "$noise" ] || fail "'loopscope export' printed on stderr: $noise"

# Subcommands need no display. (Output captured first: grep -q would close the pipe early.)
listed=$(env -u DISPLAY "$app" list) || fail "'loopscope list' exited with status $?"
grep -q "two-coroutines" <<<"$listed" || fail "'loopscope list' does not list two-coroutines"

# So do --help, --version and mistakes on the window's command line, and every subcommand's --help.
# (QT_QPA_PLATFORM is unset above: a QApplication would abort here without a display.)
usage=$(env -u DISPLAY "$app" --help) || fail "'loopscope --help' without a display exited with status $?"
grep -q "usage: loopscope" <<<"$usage" || fail "'loopscope --help' printed no usage: $usage"
version=$(env -u DISPLAY "$app" --version) || fail "'loopscope --version' exited with status $?"
grep -Eq "^loopscope [0-9]+\.[0-9]+\.[0-9]+$" <<<"$version" || fail "'loopscope --version' printed '$version'"
set +e
message=$(env -u DISPLAY "$app" --no-such-option 2>&1 >/dev/null)
status=$?
set -e
[ "$status" -eq 2 ] || fail "an unknown option without a display exited with $status, not 2"
grep -q "no-such-option" <<<"$message" || fail "the error does not name the option: $message"
for command in list run fetch serve export trace show; do
    help=$(env -u DISPLAY "$app" "$command" --help) || fail "'loopscope $command --help' exited with status $?"
    grep -qi "usage: loopscope $command" <<<"$help" || fail "'loopscope $command --help' printed no usage: $help"
done

# A Python program traced in the real window: it runs to its end, its status is kept, the window is drawn.
program="$out/sleeps.py"
cat >"$program" <<'PY'
import asyncio
async def nap(name, seconds):
    await asyncio.sleep(seconds)
    print(name, "woke", flush=True)
async def main():
    await asyncio.gather(nap("a", 0.2), nap("b", 0.1))
asyncio.run(main())
PY
traced="$out/traced.png"
rm -f "$traced"
printed=$(xvfb-run -a -s "-screen 0 1600x1000x24" "$app" trace --screenshot "$traced" -- python3 "$program") \
    || fail "'loopscope trace' in the window exited with status $?"
[ "$(head -n1 <<<"$printed")" = "b woke" ] || fail "the traced program's output did not pass through: $printed"
[ -s "$traced" ] && [ "$(stat -c %s "$traced")" -gt 20000 ] || fail "no picture of the traced program at $traced"

echo "smoke: ok (${width}x${height} screenshot at $shot)"

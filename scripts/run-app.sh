#!/usr/bin/env bash
# Installs what is missing, builds, and launches Loopscope on its default scenario.
# Extra arguments are passed to the app (try --help). Without a display the app runs under Xvfb
# and saves a screenshot of its window instead of waiting for a person.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$here/scripts/bootstrap.sh" dev
app="$here/build/dev/app/loopscope"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    exec "$app" "$@"
fi
shot="$here/build/loopscope-screenshot.png"
echo "run-app: no display; running under Xvfb and saving a screenshot to $shot"
xvfb-run -a -s "-screen 0 1600x1000x24" "$app" --steps 12 --screenshot "$shot" "$@"
echo "run-app: screenshot saved to $shot"

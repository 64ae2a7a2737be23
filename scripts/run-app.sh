#!/usr/bin/env bash
# Installs what is missing, builds, and launches Loopscope on its default scenario.
# Extra arguments are passed to the app (try --help).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$here/scripts/bootstrap.sh" dev
exec "$here/build/dev/app/loopscope" "$@"

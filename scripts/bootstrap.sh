#!/usr/bin/env bash
# Installs the Debian 12 packages Loopscope needs (only those missing), then configures and builds
# the given CMake preset. Idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail
preset=${1:-dev}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
packages=(cmake make g++ pkg-config qt6-base-dev qt6-base-private-dev qt6-svg-dev qcoro-qt6-dev libmimalloc-dev libgl-dev zlib1g-dev
          xvfb xauth fonts-dejavu-core clang-format python3 openssl)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "bootstrap: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
cd "$here"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"

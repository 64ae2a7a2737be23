#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the formatting check, the whole suite,
# then the core tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
"$here/scripts/bootstrap.sh" dev
"$here/scripts/check-format.sh"
ctest --preset dev --timeout 300
"$here/scripts/bootstrap.sh" dev-asan
ctest --preset dev-asan --timeout 600

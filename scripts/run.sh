#!/usr/bin/env bash
# README's first command (`make run`): installs what the build needs if it is missing, then runs
# sweep on the bundled fixtures through `swift run`. Extra arguments go to `swift run` before the
# program's, e.g. `scripts/run.sh --scratch-path .build-x`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-packages.sh build
swift run "$@" sweep sum fixtures/logs

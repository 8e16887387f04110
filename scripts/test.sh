#!/usr/bin/env bash
# README's second command (`make test`) and the test step of `.ci/run`: installs what the build and
# the tests need if it is missing (the peers the tests compare sweep with), then `swift test`.
# Extra arguments go to `swift test`, e.g. `scripts/test.sh --filter SumCommandTests`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-packages.sh test
swift test "$@"

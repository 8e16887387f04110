# Sourced by the Examples' checkers (run-example.sh, run-adopter-tour.sh): strict mode in the C
# locale, the working directory at the package root, the Examples package built, `$binary` set to
# the program named by `$1`, `$scratch` a temporary directory removed on exit, and `walk_order`.
#
#   source "$(dirname "$0")/build-example.sh" PROGRAM
set -euo pipefail
export LC_ALL=C

examples=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$examples")
cd "$root"

echo "== swift build --package-path Examples"
swift build --package-path "$examples"
binary="$(swift build --package-path "$examples" --show-bin-path)/$1"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The files of a tree in sweep's walk order: names compared byte by byte within each directory, each
# subdirectory at its own place (`a/` before `a-b`): sorting with `/` as the smallest byte does that.
walk_order() {
    find "$1" -type f -print0 | tr '/' '\001' | sort -z | tr '\001' '/'
}

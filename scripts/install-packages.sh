#!/usr/bin/env bash
# The Debian packages sweep needs, in one place: `make run`, `make test`, `make release` and
# `.ci/run` all call this script, so a machine with only the Swift toolchain needs nothing else.
#
#   scripts/install-packages.sh build   # what the build links: zlib, xxHash, SQLite, libcrypto, pkg-config
#   scripts/install-packages.sh test    # the build's, plus the peers the tests use as oracles
#
# Only packages that are missing are installed (apt-get, as root or through sudo); nothing is
# done when all are present, so calling it before every build costs one dpkg-query per package.
set -euo pipefail

# zlib, libdeflate, ISA-L, xxHash, SQLite and libcrypto for the build (SwiftPM finds them with pkg-config).
build_packages=(zlib1g-dev libdeflate-dev libisal-dev libxxhash-dev libsqlite3-dev libssl-dev pkg-config)
# The peers the tests use as oracles (xxhash's xxhsum among them); hyperfine for the benchmark
# harness's smoke run; strace (widens the race windows AttackTests attack), libfiu's fiu-run (the
# fault campaign's injected I/O errors) and util-linux's setpriv and script (the unprivileged
# attacker, the terminal of the progress tests); man-db to read the installed man page; the sqlite3
# tool, with which the ledger tests read the ledger; slurm-wlm and munge, a one-node Slurm for
# SlurmTests (--shard auto on a real job array).
test_packages=(coreutils xxhash gzip pigz util-linux procps findutils hyperfine time strace fiu-utils python3 make man-db sqlite3 slurm-wlm munge)

case "${1:-test}" in
    build) packages=("${build_packages[@]}") ;;
    test) packages=("${build_packages[@]}" "${test_packages[@]}") ;;
    *) echo "usage: $0 build|test" >&2; exit 64 ;;
esac

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "$0: run as root or install sudo to install: ${missing[*]}" >&2; exit 1; }
    as_root=(sudo)
fi
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"

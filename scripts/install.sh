#!/usr/bin/env bash
# `make install PREFIX=/usr/local`: builds the static release binary (scripts/release.sh) and
# installs, under $DESTDIR$PREFIX,
#   bin/sweep
#   share/man/man1/sweep.1                          (swift-argument-parser's generate-manual)
#   share/bash-completion/completions/sweep         (sweep --generate-completion-script bash)
#   share/zsh/site-functions/_sweep                 (… zsh)
#   share/fish/vendor_completions.d/sweep.fish      (… fish)
# Usage: scripts/install.sh PREFIX [swift build arguments, e.g. --scratch-path .build-rel]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 PREFIX [swift build arguments]" >&2; exit 64; }
prefix=$1
shift
cd "$(dirname "$0")/.."
bin=$(scripts/release.sh "$@" | tail -n 1)
root="${DESTDIR:-}$prefix"

install -D -m 755 "$bin/sweep" "$root/bin/sweep"

# The man page and the completions are what the library generates from the commands' own
# definitions, so they cannot drift from `--help`.
manual=$(mktemp -d)
trap 'rm -rf "$manual"' EXIT
"$bin/generate-manual" "$bin/sweep" --output-directory "$manual" >/dev/null
install -D -m 644 "$manual/sweep.1" "$root/share/man/man1/sweep.1"

completions() { "$root/bin/sweep" --generate-completion-script "$1"; }
mkdir -p "$root/share/bash-completion/completions" "$root/share/zsh/site-functions" "$root/share/fish/vendor_completions.d"
completions bash > "$root/share/bash-completion/completions/sweep"
completions zsh > "$root/share/zsh/site-functions/_sweep"
completions fish > "$root/share/fish/vendor_completions.d/sweep.fish"
echo "installed sweep $("$root/bin/sweep" --version) under $root"

#!/usr/bin/env bash
# The one-line install, checked end to end (not part of `swift test`: it makes a release build with
# the Swift standard library linked statically, several minutes the first time):
#
#   Tests/install-test.sh [swift build arguments, e.g. --scratch-path .build-rel]
#
# 1. `scripts/install.sh PREFIX` (what `make install PREFIX=…` runs) into a temporary prefix;
# 2. the binary needs no Swift runtime: `ldd` lists no libswift*, Foundation, dispatch or ICU
#    library, it runs with an empty environment, and it runs in a chroot holding nothing but
#    itself, the C libraries `ldd` lists, /proc and the fixtures, where its output is coreutils' (the
#    manifest fixtures/logs.sha256sums, which sha256sum wrote) and `sweep check` verifies it;
# 3. `PREFIX/bin/sweep --version`, `man sweep` from the prefix, and the completions: bash's
#    loads and completes the subcommands, zsh's and fish's parse (with those shells, if present).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() { echo "install-test: FAIL: $*" >&2; exit 1; }
pass() { echo "install-test: ok: $*"; }

scripts/install.sh "$prefix" "$@"
sweep=$prefix/bin/sweep

# --version
version=$("$sweep" --version)
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "--version printed '$version'"
pass "bin/sweep --version: $version"

# No Swift runtime: nothing of the toolchain's is loaded.
libraries=$(ldd "$sweep")
if grep -Ei 'libswift|Foundation|libdispatch|BlocksRuntime|icu' <<<"$libraries"; then
    fail "the binary loads the Swift runtime"
fi
pass "ldd: $(awk '{print $1}' <<<"$libraries" | tr '\n' ' ')"

expected=$(cat fixtures/logs.sha256sums)
[ "$(cd fixtures && env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= "$sweep" sum logs)" = "$expected" ] \
    || fail "sweep sum under env -i differs from sha256sum's manifest"
pass "env -i: sweep sum fixtures/logs is sha256sum's manifest"

# A root with only the binary, the libraries ldd names and the fixtures: no toolchain, no shell.
if [ "$(id -u)" -eq 0 ] && command -v chroot >/dev/null; then
    root=$work/root
    install -D -m 755 "$sweep" "$root/bin/sweep"
    for library in $(grep -o '/[^ ]*' <<<"$libraries"); do
        install -D -m 755 "$library" "$root$library"   # the loader must be executable
    done
    cp -a fixtures/logs fixtures/logs.sha256sums "$root/"
    # /proc, as every Linux system has it (the runtime linked into the binary reads it at start:
    # without it even --version dies of SIGILL, as a debootstrap chroot without /proc would see).
    contents="$(find "$root" -type f | wc -l) files, $(du -sh "$root" | cut -f1)"
    mkdir -p "$root/proc"
    mount -t proc proc "$root/proc" || fail "cannot mount /proc in the chroot"
    trap 'umount "$root/proc" 2>/dev/null; rm -rf "$work"' EXIT
    [ "$(chroot "$root" /bin/sweep sum logs)" = "$expected" ] || fail "sweep sum in the chroot differs"
    chroot "$root" /bin/sweep check --quiet logs.sha256sums || fail "sweep check in the chroot failed"
    pass "chroot of $contents and /proc: sum and check as coreutils"
else
    echo "install-test: skipped the chroot (needs root and chroot)"
fi

# man sweep, from the installed page.
page=$prefix/share/man/man1/sweep.1
[ -s "$page" ] || fail "no man page"
rendered=$(MANPATH=$prefix/share/man MANWIDTH=80 man -P cat sweep 2>&1) || fail "man sweep: $rendered"
for section in NAME SYNOPSIS DESCRIPTION; do
    grep -q "^$section" <<<"$rendered" || fail "man sweep has no $section section"
done
grep -q 'sweep sum' <<<"$rendered" || fail "man sweep does not mention its subcommands"
pass "man sweep: $(wc -l <<<"$rendered") lines"

# Completions.
bash_file=$prefix/share/bash-completion/completions/sweep
zsh_file=$prefix/share/zsh/site-functions/_sweep
fish_file=$prefix/share/fish/vendor_completions.d/sweep.fish
for file in "$bash_file" "$zsh_file" "$fish_file"; do [ -s "$file" ] || fail "missing or empty: $file"; done
completed=$(PATH="$prefix/bin:$PATH" bash -c '
    set -e
    source "$1"
    complete -p sweep >/dev/null
    COMP_WORDS=(sweep gu); COMP_CWORD=1; COMP_LINE="sweep gu"; COMP_POINT=${#COMP_LINE}
    _sweep sweep gu sweep
    echo "${COMPREPLY[*]}"' bash "$bash_file" 2>&1) || fail "bash completion: $completed"
[ "$completed" = "gunzip" ] || fail "bash completion of 'sweep gu' gave '$completed'"
pass "bash completion loads and completes 'sweep gu' to gunzip"
if command -v zsh >/dev/null; then zsh -n "$zsh_file" || fail "zsh completion does not parse"; pass "zsh -n"; fi
if command -v fish >/dev/null; then fish -n "$fish_file" || fail "fish completion does not parse"; pass "fish -n"; fi
echo "install-test: all passed"

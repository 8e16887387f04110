#!/usr/bin/env bash
# Builds each libFuzzer target from the library's own sources (no SwiftPM: -sanitize=fuzzer needs
# a plain swiftc link) and runs it for SECONDS (default 60), from the seeds and regression inputs
# in fixtures/fuzz/TARGET. Crashes are written to Fuzz/artifacts/TARGET/ and fail the script.
#   Fuzz/run.sh [SECONDS] [TARGET...]     targets: manifest gzip glob age
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(manifest gzip glob age)
build=.build-fuzz
mkdir -p "$build"

sources_for() {
    local s=Sources/Sweep
    case $1 in
        manifest) echo "Fuzz/ManifestParserFuzz.swift $s/Stages/Digest.swift $s/Stages/DigestAlgorithm.swift $s/Manifest/ChecksumManifestParser.swift $s/Manifest/ManifestLine.swift $s/Manifest/ManifestEntry.swift $s/Manifest/ManifestStyle.swift $s/Manifest/ChecksumLineFormatter.swift" ;;
        gzip) echo "Fuzz/GzipDecoderFuzz.swift $s/Stages/Compression/GzipDecoder.swift $s/Stages/Compression/GzipDecodingError.swift" ;;
        glob) echo "Fuzz/GlobFuzz.swift $s/Walk/Glob.swift" ;;
        age) echo "Fuzz/AgeThresholdFuzz.swift $s/Walk/AgeThreshold.swift $s/System/FileTime.swift" ;;
        *) echo "unknown target $1" >&2; exit 2 ;;
    esac
}

status=0
for target in "${targets[@]}"; do
    binary="$build/fuzz-$target"
    # shellcheck disable=SC2046
    swiftc -swift-version 6 -parse-as-library -package-name sweep -sanitize=fuzzer,address -O \
        -I Sources/CZlib -lz -module-name SweepFuzz \
        $(sources_for "$target") -o "$binary" 2>&1 | grep -v '^$' || true
    [ -x "$binary" ] || { echo "build of $target failed" >&2; exit 1; }
    corpus="$build/corpus-$target"
    artifacts="Fuzz/artifacts/$target"
    mkdir -p "$corpus" "$artifacts"
    seeds=()
    [ -d "fixtures/fuzz/$target" ] && seeds=("fixtures/fuzz/$target")
    echo "== $target: ${seconds}s"
    if ! "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus" "${seeds[@]}" 2>"$build/fuzz-$target.log"; then
        echo "FAILED: $target (see $build/fuzz-$target.log and $artifacts)"
        status=1
    fi
    grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+ *DONE" "$build/fuzz-$target.log" || true
done
exit $status

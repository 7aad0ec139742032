#!/usr/bin/env bash
# scripts/fuzz.sh [seconds]: builds the libFuzzer targets with clang in build-fuzz and runs each for
# the given time (default 60 s) on a copy of its seed corpus; fails on the first crash, leak or hang.
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-fuzz"
cxx="${CXX_FUZZ:-$(command -v clang++ || command -v clang++-14)}"

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
  -DSECURESTORE_BUILD_FUZZERS=ON -DSECURESTORE_BUILD_TESTS=OFF -DSECURESTORE_BUILD_EXAMPLES=OFF \
  -DSECURESTORE_BUILD_BENCHMARKS=OFF -DSECURESTORE_INSTALL=OFF >/dev/null
cmake --build "$build" --target envelope_fuzz name_codec_fuzz store_read_fuzz reference_formats_fuzz -j "${JOBS:-1}"

status=0
for target in envelope_fuzz name_codec_fuzz store_read_fuzz reference_formats_fuzz; do
  # New inputs go to a scratch corpus, so the committed seeds stay small and reviewed.
  work="$build/corpus/$target"
  mkdir -p "$work" "$build/artifacts/$target"
  echo "== $target: ${seconds}s"
  if ! "$build/fuzz/$target" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -max_total_time="$seconds" \
      -print_final_stats=1 -artifact_prefix="$build/artifacts/$target/" "$work" "$root/fuzz/corpus/$target" \
      2>"$build/$target.log"; then
    status=1
    echo "!! $target failed; reproducer in $build/artifacts/$target/, log in $build/$target.log"
  fi
  grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|^(==[0-9]+==ERROR|SUMMARY)" "$build/$target.log" || true
done
exit "$status"

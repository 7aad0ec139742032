#!/usr/bin/env bash
# scripts/fuzz.sh [--merge] [seconds]: builds every libFuzzer harness fuzz/CMakeLists.txt defines
# (the one list: build-fuzz/fuzz/harnesses.txt, written at configure time) with clang, and runs
# each for the given time (default 60 s), two at a time, on its committed corpus
# fuzz/corpus/<harness>/: every committed input is replayed first, then new ones are searched for.
# Fails on any crash, leak or hang (reproducers in build-fuzz/artifacts/<harness>/). With --merge
# (scripts/test.sh --record) the inputs that add coverage are merged back into
# fuzz/corpus/<harness>/ (-merge=1), so committing that folder grows the seeds; without it no
# tracked file changes. Per harness it prints, and appends to $SECURESTORE_RELIABILITY_LOG when
# set, executions per second, corpus files and coverage.
# Environment: JOBS (build jobs, default 1), FUZZ_PARALLEL (harnesses at once, default 2),
# SECURESTORE_FUZZ_BUILD (build directory, default build-fuzz).
set -euo pipefail

merge=0
if [[ "${1:-}" == "--merge" ]]; then
  merge=1
  shift
fi
seconds="${1:-60}"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${SECURESTORE_FUZZ_BUILD:-$root/build-fuzz}"
parallel="${FUZZ_PARALLEL:-2}"
cxx="${CXX_FUZZ:-$(command -v clang++ || command -v clang++-14)}"

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
  -DSECURESTORE_BUILD_FUZZERS=ON -DSECURESTORE_BUILD_TESTS=OFF -DSECURESTORE_BUILD_EXAMPLES=OFF \
  -DSECURESTORE_BUILD_TOOLS=OFF -DSECURESTORE_BUILD_BENCHMARKS=OFF -DSECURESTORE_INSTALL=OFF >/dev/null
mapfile -t harnesses <"$build/fuzz/harnesses.txt"
cmake --build "$build" --target "${harnesses[@]}" fuzz_make_corpus -j "${JOBS:-1}"

# A harness added without committed seeds starts from what fuzz_make_corpus writes (if anything).
seeds="$build/seeds"
rm -rf "$seeds" && "$build/fuzz/fuzz_make_corpus" "$seeds"

# Every leak fails a harness: no suppressions (the test lane's tests/lsan.supp is for GLib's bus
# singletons, and no harness opens a bus).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1"
export LSAN_OPTIONS=""

# One line "section<TAB>metric<TAB>value" per figure, one write each (see scripts/write-reliability.sh).
record() {
  if [[ -n "${SECURESTORE_RELIABILITY_LOG:-}" ]]; then
    printf 'fuzz\t%s\t%s\n' "$1" "$2" >>"$SECURESTORE_RELIABILITY_LOG"
  fi
}

# Runs one harness, merges what it found into the committed corpus, and writes its verdict
# (0 or 1) to $build/<harness>.status.
run_one() {
  local target="$1" bin="$build/fuzz/$1" corpus="$root/fuzz/corpus/$1" work="$build/corpus/$1"
  local log="$build/$target.log" dict=() status=0
  rm -rf "$work" && mkdir -p "$work" "$corpus" "$build/artifacts/$target"
  # A harness without committed seeds starts from what fuzz_make_corpus wrote (copied into the
  # committed folder only when merging).
  local seeded="$corpus"
  if [[ -z "$(ls -A "$corpus")" && -d "$seeds/$target" ]]; then
    if [[ "$merge" == 1 ]]; then cp "$seeds/$target"/* "$corpus"/; else seeded="$seeds/$target"; fi
  fi
  if [[ -f "$root/fuzz/$target.dict" ]]; then dict=(-dict="$root/fuzz/$target.dict"); fi
  # New inputs go to the scratch corpus (the first folder); the committed one is only read here.
  if ! "$bin" "${dict[@]}" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -max_total_time="$seconds" \
      -print_final_stats=1 -artifact_prefix="$build/artifacts/$target/" "$work" "$seeded" >"$log" 2>&1; then
    status=1
  fi
  # Only inputs that reach new coverage join the committed corpus.
  if [[ "$status" == 0 && "$merge" == 1 ]] && ! "$bin" -merge=1 -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
      "$corpus" "$work" >"$build/$target.merge.log" 2>&1; then
    status=1
  fi
  echo "$status" >"$build/$target.status"
}

for target in "${harnesses[@]}"; do
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
  echo "== $target: ${seconds}s"
  run_one "$target" &
done
wait

status=0
for target in "${harnesses[@]}"; do
  log="$build/$target.log"
  # The last status line: "#N DONE cov: C ft: F corp: N/S lim: L exec/s: E rss: R".
  done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)"
  cov="$(sed -nE 's/.* cov: ([0-9]+) .*/\1/p' <<<"$done_line")"
  ft="$(sed -nE 's/.* ft: ([0-9]+) .*/\1/p' <<<"$done_line")"
  execs="$(sed -nE 's/^stat::average_exec_per_sec:[[:space:]]*([0-9]+)/\1/p' "$log" | tail -n 1)"
  files="$(find "$root/fuzz/corpus/$target" -type f | wc -l)"
  if [[ "$(cat "$build/$target.status" 2>/dev/null || echo 1)" != 0 || -z "$done_line" ]]; then
    status=1
    echo "!! $target failed; reproducer in $build/artifacts/$target/, log in $log"
    grep -E "^(==[0-9]+==ERROR|SUMMARY)|runtime error" "$log" || true
    record "$target result" "failed"
    continue
  fi
  echo "$target: ${execs:-?} exec/s, $files corpus files, cov ${cov:-?} ft ${ft:-?}"
  record "$target executions/s" "${execs:-0}"
  record "$target corpus files" "$files"
  record "$target coverage (cov/ft)" "${cov:-0}/${ft:-0}"
done
exit "$status"

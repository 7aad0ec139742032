#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds everything (tests under ASan + UBSan),
# runs every test inside a private Secret Service and a throw-away pass store, checks that a
# downstream project can consume the library, and fuzzes the parsers for a bounded time.
# Usage: scripts/test.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/install-deps.sh

build=build/test
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DSECURESTORE_SANITIZE=ON -DSECURESTORE_BUILD_BENCHMARKS=ON
cmake --build "$build" -j2

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
scripts/with-secret-service.sh scripts/with-pass-store.sh \
  ctest --test-dir "$build" --output-on-failure -j2 --timeout 600

scripts/test-consumer.sh "$root/build/consumer"

# The parsers (envelope reader, name codec, a store reading planted files) under libFuzzer with
# ASan + UBSan, bounded; any crash, leak or hang fails the run.
JOBS=2 scripts/fuzz.sh "${SECURESTORE_FUZZ_SECONDS:-45}"

#!/usr/bin/env bash
# The whole test suite, lane by lane: installs what it needs, builds the tests, the tool, the
# examples and the README's code under ASan + UBSan and runs them inside a private Secret Service
# and a throw-away pass store; builds the tool, the benchmarks and every header alone in Release
# (warnings as errors); builds and runs the core alone (no backend libraries) against Botan 3, and
# opens the files each Botan major version writes with the other; checks that a downstream project
# can consume the library; runs the concurrency tests under TSan; replays every fuzzer's committed
# corpus and fuzzes each parser for a short budget.
#
# Usage: scripts/test.sh [--record] [LANE...]
#   LANE       run only these lanes, in this order: sanitizer release core consumer tsan fuzz
#              (default: all of them). A lane builds what it needs itself.
#   --record   also run the long fuzz runs (SECURESTORE_FUZZ_SECONDS, default 60 s per harness),
#              merge what they find into fuzz/corpus/, and write tests/RELIABILITY.md from the
#              figures the tests and fuzzers logged. Without it, no tracked file is changed.
#
# Each lane prints how long it took; CI (.ci/run) must stay within 35 minutes on 2 cores from a
# fresh clone. ccache (Debian's package) is used when installed: a fresh machine starts with an
# empty cache, so it only helps a second run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

record=0
lanes=()
for arg in "$@"; do
  case "$arg" in
    --record) record=1 ;;
    sanitizer | release | core | consumer | tsan | fuzz) lanes+=("$arg") ;;
    *)
      echo "usage: $0 [--record] [sanitizer|release|core|consumer|tsan|fuzz]..." >&2
      exit 2
      ;;
  esac
done
[ ${#lanes[@]} -gt 0 ] || lanes=(sanitizer release core consumer tsan fuzz)

# How long each lane took, printed as it ends.
run_start=$SECONDS
lap_start=$SECONDS
lap() { echo "test.sh: $1 took $((SECONDS - lap_start)) s" >&2; lap_start=$SECONDS; }

scripts/install-deps.sh
lap "installing the dependencies"
mkdir -p build

# Work that starts in the background under SCHED_IDLE (a CPU only when nothing else wants one),
# in a session of its own (so that a failed run stops it and its compilers together): it takes
# the CPU the sanitizer build leaves idle (its links and its last, largest files), and the lane
# that needs it waits for it. Each job's output is in build/<name>.log. Only builds run so, and
# never beside tests: building the Release lane beside the sanitizer tests, even at nice 19,
# slowed the crash tests' writers enough that their random kills stopped reaching the keyring
# write they must reach.
declare -A background=()
in_background() {
  local name=$1
  shift
  setsid -w chrt --idle 0 "$@" >"build/$name.log" 2>&1 &
  background[$name]=$!
}
# Waits for a background job (none started: success); its exit status.
await() {
  local pid=${background[$1]:-}
  [ -n "$pid" ] || return 0
  unset "background[$1]"
  wait "$pid"
}
trap 'for pid in "${background[@]}"; do kill -- -"$pid" 2>/dev/null || true; done' EXIT
wanted() { [[ " ${lanes[*]} " == *" $1 "* ]]; }

# The core lane's Botan 3: a source build of about twelve CPU-minutes on a fresh machine. Waited
# for before any test runs, so that tests with timing in them (random kills, bounds) run on a
# machine that is not compiling.
if wanted core; then in_background botan3 scripts/build-botan3.sh; fi
botan3_ready() {
  if ! await botan3; then
    echo "test.sh: building Botan 3 failed; its log (build/botan3.log) ends:" >&2
    tail -n 30 build/botan3.log >&2
    exit 1
  fi
}

# Every build goes through ccache when it is there; directories are not part of the hash, so the
# lanes' identical compilations (and a second run) share entries.
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_NOHASHDIR=true
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Tests append their figures here; with --record the last step turns them into tests/RELIABILITY.md.
export SECURESTORE_RELIABILITY_LOG="$root/build/reliability.log"
: >"$SECURESTORE_RELIABILITY_LOG"

# The sanitizer lane builds and runs what runs (tests, tool, examples, the README's blocks); the
# Release lane builds the benchmarks and compiles every header on its own.
lane_sanitizer() {
  local build=build/test
  cmake -S . -B "$build" "${launcher[@]}" -DCMAKE_BUILD_TYPE=Debug -DSECURESTORE_SANITIZE=ON \
    -DSECURESTORE_BUILD_BENCHMARKS=OFF -DSECURESTORE_CHECK_HEADERS=OFF -DSECURESTORE_WERROR=ON >/dev/null
  cmake --build "$build" -j2
  botan3_ready
  lap "the sanitizer build (and Botan 3 beside it)"

  # The npm libraries the Secret Service interop tests write with, in a throw-away directory.
  SECURESTORE_NPM_PEERS=$(scripts/install-npm-peers.sh "$(mktemp -d)")
  export SECURESTORE_NPM_PEERS
  scripts/with-secret-service.sh scripts/with-pass-store.sh \
    ctest --test-dir "$build" --output-on-failure -j2 --timeout 600
  # The keyring import example on throw-away data: secret-tool writes an entry, the example moves it.
  scripts/with-secret-service.sh env -u XDG_DATA_HOME HOME="$(mktemp -d)" bash -c 'set -e
    printf example-value | secret-tool store --label=example service securestore-example account demo
    "$0/examples/example_import_keyring_entries" securestore-example --remove-source >/dev/null
    ! secret-tool lookup service securestore-example account demo >/dev/null' "$build"
  # The kernel keyring again from a fresh session keyring that does not link the user keyring (what
  # `keyctl session -`, services and some logins run in).
  keyctl session - "$build/tests/contract_tests" "[keyutils]"
  # The examples of the stores on top, on the file store in a throw-away home (never a real keyring).
  env -u XDG_DATA_HOME SECURESTORE_BACKEND=file HOME="$(mktemp -d)" bash -c 'for e in provider_keys tool_keys tokens extension_settings migrate_from_env; do "$0/examples/example_$e" >/dev/null || exit 1; done' "$build"
  lap "the sanitizer tests"

  # The command-line tool installs as `securestore`, with its completion scripts.
  local prefix
  prefix=$(mktemp -d)
  cmake --install "$build" --prefix "$prefix" >/dev/null
  "$prefix/bin/securestore" --version
  # ... and hands what needs the Secret Service to its helper in libexec, found from where it is.
  "$prefix/bin/securestore" --backend file self-check | grep -qx "gio=0"
  "$prefix/bin/securestore" --backend secret-service self-check | grep -qx "gio=1"
  test -f "$prefix/share/bash-completion/completions/securestore" && test -f "$prefix/share/zsh/site-functions/_securestore"
  rm -rf "$prefix"
  lap "the installed tool"
}

# An optimised build must not break unnoticed (GCC's -O2 warnings differ from -O0's). It builds
# what only it can check: every header alone, the benchmarks, the tool as it ships (libstdc++ and
# Botan linked statically) with its end-to-end tests, and the memory scans, which need a heap they
# can read (they are skipped under ASan). The unit and contract tests ran in the sanitizer lane.
release_targets=(securestore_header_units memory_tests cli_tests benchmarks_all)
configure_release() {
  cmake -S . -B build/release "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release -DSECURESTORE_WERROR=ON \
    -DSECURESTORE_BUILD_BENCHMARKS=ON -DSECURESTORE_BUILD_EXAMPLES=OFF -DSECURESTORE_INSTALL=OFF >/dev/null
}
lane_release() {
  local release=build/release
  configure_release
  cmake --build "$release" -j2 --target "${release_targets[@]}"
  scripts/with-secret-service.sh scripts/with-pass-store.sh "$release/tests/memory_tests" "[memory]"
  scripts/with-secret-service.sh scripts/with-pass-store.sh \
    ctest --test-dir "$release" --output-on-failure -j2 --timeout 600 -R "^cli:"
  lap "the Release lane"
}

# The core alone: what a machine with only Botan, Boost and nlohmann/json builds and runs
# (unoptimised: the Release lane has the -O2 warnings; this one proves the backends are optional),
# against Botan 3 (Debian trixie's source, built once into a cache: scripts/build-botan3.sh), while
# the other lanes use Debian 12's Botan 2. Then the files each version writes open with the other.
lane_core() {
  local core=build/core botan3 botan2=build/crossversion-botan2
  botan3_ready
  botan3=$(scripts/build-botan3.sh)  # the cache the background build filled (or a build now)
  PKG_CONFIG_PATH="$botan3/lib/pkgconfig" cmake -S . -B "$core" "${launcher[@]}" -DCMAKE_BUILD_TYPE=Debug \
    -DSECURESTORE_WERROR=ON -DSECURESTORE_BOTAN=3 -DSECURESTORE_BACKENDS= -DSECURESTORE_INSTALL=OFF \
    -DSECURESTORE_CHECK_HEADERS=OFF -DSECURESTORE_BUILD_EXAMPLES=OFF -DSECURESTORE_BUILD_TOOLS=OFF >/dev/null
  cmake --build "$core" -j2
  ctest --test-dir "$core" --output-on-failure -j2 --timeout 600
  cmake -S . -B "$botan2" "${launcher[@]}" -DCMAKE_BUILD_TYPE=Debug -DSECURESTORE_BOTAN=2 -DSECURESTORE_BACKENDS= \
    -DSECURESTORE_INSTALL=OFF -DSECURESTORE_CHECK_HEADERS=OFF -DSECURESTORE_BUILD_EXAMPLES=OFF \
    -DSECURESTORE_BUILD_TOOLS=OFF >/dev/null
  cmake --build "$botan2" -j2 --target securestore_crossversion
  local files
  files=$(mktemp -d)
  "$core/tests/securestore_crossversion" write "$files/by-botan3"
  "$botan2/tests/securestore_crossversion" check "$files/by-botan3"
  "$botan2/tests/securestore_crossversion" write "$files/by-botan2"
  "$core/tests/securestore_crossversion" check "$files/by-botan2"
  rm -rf "$files"
  lap "the core lane (Botan 3, and files across Botan 2 and 3)"
}

# A downstream project (find_package after a plain configure + install, add_subdirectory,
# pkg-config), and the headers that have no platform dependence compiled for Windows (MinGW-w64).
lane_consumer() {
  scripts/test-consumer.sh "$root/build/consumer"
  scripts/check-mingw-headers.sh
  lap "the consumer and the Windows header check"
}

# The store's own thread-safety under ThreadSanitizer: 8 threads and a flapping keyring, and two
# processes. (The Secret Service tests are left out: GLib is not built with TSan, so its atomics
# look like races.)
lane_tsan() {
  local tsan=build/tsan
  cmake -S . -B "$tsan" "${launcher[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS=-fsanitize=thread \
    -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DSECURESTORE_BUILD_EXAMPLES=OFF -DSECURESTORE_BUILD_TOOLS=OFF \
    -DSECURESTORE_INSTALL=OFF >/dev/null
  cmake --build "$tsan" --target concurrency_tests -j2
  TSAN_OPTIONS=halt_on_error=1 "$tsan/tests/concurrency_tests" "[concurrency]"
  lap "the TSan lane"
}

# Every parser (fuzz/CMakeLists.txt lists them) under libFuzzer with ASan + UBSan: each replays
# its committed corpus and fuzzes for 15 s, two at a time; any crash, leak or hang fails the run.
# With --record, the long runs (60 s each) whose figures RELIABILITY.md reports, merged into the
# corpus.
lane_fuzz() {
  if [ "$record" = 1 ]; then
    JOBS=2 scripts/fuzz.sh --merge "${SECURESTORE_FUZZ_SECONDS:-60}"
  else
    JOBS=2 scripts/fuzz.sh 15
  fi
  lap "fuzzing"
}

for lane in "${lanes[@]}"; do "lane_$lane"; done

if [ "$record" = 1 ]; then
  scripts/write-reliability.sh "$SECURESTORE_RELIABILITY_LOG" tests/RELIABILITY.md
fi
echo "test.sh: every lane passed in $((SECONDS - run_start)) s" >&2

#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds everything with the tests under ASan +
# UBSan, runs every test inside a private Secret Service and a throw-away pass store, builds the
# tests again in Release (warnings as errors) and with the core alone (no backend libraries),
# checks that a downstream project can consume the library, runs the concurrency tests again
# under TSan, and fuzzes the parsers for a bounded time.
# Usage: scripts/test.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# How long each lane took, printed as it ends (the whole run must stay well under CI's limit).
lap_start=$SECONDS
lap() { echo "test.sh: $1 took $((SECONDS - lap_start)) s" >&2; lap_start=$SECONDS; }

scripts/install-deps.sh
lap "installing the dependencies"

# The sanitizer lane builds what runs (tests, tool, examples); the Release lane below builds the
# benchmarks and compiles every header on its own.
build=build/test
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DSECURESTORE_SANITIZE=ON -DSECURESTORE_BUILD_BENCHMARKS=OFF \
  -DSECURESTORE_CHECK_HEADERS=OFF -DSECURESTORE_WERROR=ON
cmake --build "$build" -j2
lap "the sanitizer build"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The npm libraries the Secret Service interop tests write with, in a throw-away directory.
SECURESTORE_NPM_PEERS=$(scripts/install-npm-peers.sh "$(mktemp -d)")
export SECURESTORE_NPM_PEERS
# Tests append their figures here; the last step turns them into tests/RELIABILITY.md.
export SECURESTORE_RELIABILITY_LOG="$root/$build/reliability.log"
: >"$SECURESTORE_RELIABILITY_LOG"
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
lap "the sanitizer tests"

# The command-line tool installs as `securestore`, with its bash and zsh completion scripts.
prefix=$(mktemp -d)
cmake --install "$build" --prefix "$prefix" >/dev/null
"$prefix/bin/securestore" --version
# ... and hands what needs the Secret Service to its helper in libexec, found from where it is.
"$prefix/bin/securestore" --backend file self-check | grep -qx "gio=0"
"$prefix/bin/securestore" --backend secret-service self-check | grep -qx "gio=1"
test -f "$prefix/share/bash-completion/completions/securestore" && test -f "$prefix/share/zsh/site-functions/_securestore"
rm -rf "$prefix"

# An optimised build must not break unnoticed (GCC's -O2 warnings differ from -O0's).
release=build/release
cmake -S . -B "$release" -DCMAKE_BUILD_TYPE=Release -DSECURESTORE_WERROR=ON -DSECURESTORE_BUILD_BENCHMARKS=ON \
  -DSECURESTORE_INSTALL=OFF
cmake --build "$release" -j2
"$release/tests/unit_tests"
# The memory scans need a heap they can read (they are skipped under ASan): the keyring stores'
# against the private daemons, the file store's with them.
scripts/with-secret-service.sh scripts/with-pass-store.sh "$release/tests/integration_tests" "[memory]"
# The tool as it ships (libstdc++ and Botan linked statically, which the sanitizer lane does not do).
scripts/with-secret-service.sh scripts/with-pass-store.sh \
  ctest --test-dir "$release" --output-on-failure -j2 --timeout 600 -R "^cli:"
lap "the Release lane"

# The core alone: what a machine with only Botan, Boost and nlohmann/json builds and runs.
core=build/core
cmake -S . -B "$core" -DCMAKE_BUILD_TYPE=Release -DSECURESTORE_WERROR=ON -DSECURESTORE_BACKENDS= \
  -DSECURESTORE_INSTALL=OFF -DSECURESTORE_CHECK_HEADERS=OFF  # the Release lane compiles every header alone
cmake --build "$core" -j2
ctest --test-dir "$core" --output-on-failure -j2 --timeout 600
lap "the core lane"

# The examples of the stores on top, on the file store in a throw-away home (never a real keyring).
env -u XDG_DATA_HOME SECURESTORE_BACKEND=file HOME="$(mktemp -d)" bash -c 'for e in provider_keys tool_keys tokens extension_settings migrate_from_env; do "$0/examples/example_$e" >/dev/null || exit 1; done' "$build"

scripts/test-consumer.sh "$root/build/consumer"
lap "the examples and the consumer"

# The store's own thread-safety under ThreadSanitizer: 8 threads and a flapping keyring, and two
# processes. (The Secret Service tests are left out: GLib is not built with TSan, so its atomics
# look like races.)
tsan=build/tsan
cmake -S . -B "$tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS=-fsanitize=thread \
  -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DSECURESTORE_BUILD_EXAMPLES=OFF -DSECURESTORE_INSTALL=OFF
cmake --build "$tsan" --target integration_tests -j2
TSAN_OPTIONS=halt_on_error=1 "$tsan/tests/integration_tests" "[concurrency]"
lap "the TSan lane"

# Every parser (fuzz/CMakeLists.txt lists them) under libFuzzer with ASan + UBSan, 60 s each, two
# at a time; any crash, leak or hang fails the run.
JOBS=2 scripts/fuzz.sh "${SECURESTORE_FUZZ_SECONDS:-60}"
lap "fuzzing"

scripts/write-reliability.sh "$SECURESTORE_RELIABILITY_LOG" tests/RELIABILITY.md

#!/usr/bin/env bash
# Builds and runs the quickstart example: stores, reads, lists and removes a secret with the
# default store (the keyring if one answers, else the encrypted file).  Usage: scripts/run-example.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/install-deps.sh
cmake -S . -B build/example -DCMAKE_BUILD_TYPE=Release -DSECURESTORE_BUILD_TESTS=OFF >/dev/null
cmake --build build/example --target quickstart -j2 >/dev/null
build/example/examples/quickstart

#!/usr/bin/env bash
# Proves a downstream project can use securestore through find_package (after install) and
# through add_subdirectory. Usage: scripts/test-consumer.sh [work dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$root/build/consumer}
rm -rf "$work" && mkdir -p "$work"

# The library alone is installed without a build (it is headers); the tool's install is checked
# by scripts/test.sh.
cmake -S "$root" -B "$work/lib" -DCMAKE_INSTALL_PREFIX="$work/prefix" -DSECURESTORE_BUILD_TESTS=OFF \
  -DSECURESTORE_BUILD_EXAMPLES=OFF -DSECURESTORE_BUILD_TOOLS=OFF >/dev/null
cmake --install "$work/lib" >/dev/null

cmake -S "$root/tests/consumer" -B "$work/find_package" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/find_package" -j2 >/dev/null
"$work/find_package/consumer"

cmake -S "$root/tests/consumer" -B "$work/subdirectory" -DCONSUMER_USE_SUBDIRECTORY=ON \
  -DSECURESTORE_SOURCE_DIR="$root" >/dev/null
cmake --build "$work/subdirectory" -j2 >/dev/null
"$work/subdirectory/consumer"

# The pkg-config file points at the installed headers.
PKG_CONFIG_PATH="$work/prefix/share/pkgconfig" pkg-config --cflags securestore | grep -q -- "-I$work/prefix/include"
echo "consumer: find_package, add_subdirectory and pkg-config all work"

#!/usr/bin/env bash
# Proves a downstream project can use securestore through find_package (after install) and
# through add_subdirectory, each header-only and in separate-compilation mode (securestore::compiled).
# Usage: scripts/test-consumer.sh [work dir]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$root/build/consumer}
rm -rf "$work" && mkdir -p "$work"

# The library is installed as a user first tries it: configure with the defaults, then install,
# with nothing built (it is headers; the tool, not built, is skipped). The tool's own install is
# checked by scripts/test.sh.
cmake -S "$root" -B "$work/lib" -DCMAKE_INSTALL_PREFIX="$work/prefix" >/dev/null
cmake --install "$work/lib" >/dev/null
test -f "$work/prefix/lib/cmake/securestore/securestoreConfig.cmake"
test -f "$work/prefix/include/securestore/securestore.hpp"

cmake -S "$root/tests/consumer" -B "$work/find_package" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/find_package" -j2 >/dev/null
"$work/find_package/consumer"
"$work/find_package/consumer_compiled"

cmake -S "$root/tests/consumer" -B "$work/subdirectory" -DCONSUMER_USE_SUBDIRECTORY=ON \
  -DSECURESTORE_SOURCE_DIR="$root" >/dev/null
cmake --build "$work/subdirectory" -j2 >/dev/null
"$work/subdirectory/consumer"
"$work/subdirectory/consumer_compiled"

# The pkg-config file points at the installed headers.
PKG_CONFIG_PATH="$work/prefix/share/pkgconfig" pkg-config --cflags securestore | grep -q -- "-I$work/prefix/include"
# ... and securestore-platform.pc brings the Secret Service: a program built with it alone uses
# the keyring (issue 28.11), one built with securestore.pc alone the file.
PKG_CONFIG_PATH="$work/prefix/share/pkgconfig" pkg-config --cflags securestore-platform |
  grep -q -- "-DSECURESTORE_WITH_SECRET_SERVICE=1"
PKG_CONFIG_PATH="$work/prefix/share/pkgconfig" pkg-config --libs securestore-platform | grep -q -- "-lgio-2.0"
# ... and securestore-compiled.pc is that, compiled once.
PKG_CONFIG_PATH="$work/prefix/share/pkgconfig" pkg-config --cflags securestore-compiled |
  grep -q -- "-DSECURESTORE_SEPARATE_COMPILATION=1"
echo "consumer: find_package, add_subdirectory (each header-only and separately compiled) and pkg-config all work"

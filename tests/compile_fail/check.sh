#!/usr/bin/env bash
# tests/compile_fail/check.sh CXX FILE EXPECTED [FLAGS...]: FILE must fail to compile, and the
# compiler's message must contain EXPECTED (the library's own words for the mistake).
set -uo pipefail
cxx=$1 file=$2 expected=$3
shift 3
if out=$("$cxx" -std=c++20 -fsyntax-only "$@" "$file" 2>&1); then
  echo "compile_fail: $file compiled, but must not"
  exit 1
fi
if ! grep -qF -- "$expected" <<<"$out"; then
  echo "compile_fail: $file failed to compile without saying '$expected':"
  head -n 20 <<<"$out"
  exit 1
fi
echo "compile_fail: $file fails with '$expected'"

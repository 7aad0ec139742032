#!/usr/bin/env bash
# benchmarks/compile_time.sh: what including the store costs a user's file. One file that includes
# <securestore/securestore.hpp> and calls set/get (and one with provider_key_store), compiled at
# -O0 header-only and with SECURESTORE_SEPARATE_COMPILATION, against a hello world (the floor).
# Each run compiles floor and subjects interleaved, so a busy machine slows them alike; prints the
# median wall time of each, its ratio to the floor, and the preprocessed lines (g++ -E | wc -l).
# Usage: benchmarks/compile_time.sh [runs (default 5)] [compiler (default g++)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
cxx=${2:-g++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
botan=$(pkg-config --exists botan-3 && echo botan-3 || echo botan-2)
# What securestore::platform gives a file on Linux: the core, and the Secret Service as the keyring.
read -r -a flags <<<"-std=c++20 -O0 -I$root/include $(pkg-config --cflags "$botan" gio-2.0)"
flags+=(-DSECURESTORE_WITH_SECRET_SERVICE=1)
separate=-DSECURESTORE_SEPARATE_COMPILATION=1

cat >"$work/hello.cpp" <<'CPP'
#include <iostream>
int main() { std::cout << "hello, world\n"; }
CPP
cat >"$work/store.cpp" <<'CPP'
#include <securestore/securestore.hpp>
int main() {
  securestore::secure_store store{"compile-time"};
  if (!store.set("k", "v")) return 1;
  auto got = store.get("k");
  return got && got.value() == std::string_view{"v"} ? 0 : 1;
}
CPP
cat >"$work/provider_keys.cpp" <<'CPP'
#include <securestore/stores/provider_keys.hpp>
int main() {
  securestore::provider_key_store keys{"compile-time"};
  if (!keys.save("openai", "sk-1")) return 1;
  return keys.get("openai") ? 0 : 1;
}
CPP
echo '#include <securestore/src.hpp>' >"$work/src.cpp"

# Each measured file: its source, and whether it is compiled in separate mode.
names=(floor header_only separate provider_keys_header_only provider_keys_separate src_once)
declare -A source=([floor]=hello [header_only]=store [separate]=store [provider_keys_header_only]=provider_keys
                   [provider_keys_separate]=provider_keys [src_once]=src)
declare -A extra=([floor]="" [header_only]="" [separate]=$separate [provider_keys_header_only]=""
                  [provider_keys_separate]=$separate [src_once]=$separate)
declare -A times

seconds() {  # wall time of one compile to an object file
  local start end
  start=$(date +%s.%N)
  "$cxx" "${flags[@]}" $2 -c "$work/$1.cpp" -o "$work/$1.o"
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
median() {
  printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

echo "compiler: $("$cxx" --version | head -1); $botan; $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((run = 1; run <= runs; ++run)); do
  for name in "${names[@]}"; do
    times[$name]+="$(seconds "${source[$name]}" "${extra[$name]}") "
  done
done
floor=$(median ${times[floor]})
printf '%-28s %10s %8s %12s\n' "file" "median s" "/ floor" "-E lines"
for name in "${names[@]}"; do
  m=$(median ${times[$name]})
  lines=$("$cxx" "${flags[@]}" ${extra[$name]} -E "$work/${source[$name]}.cpp" | wc -l)
  printf '%-28s %10.2f %7.1fx %12d   (runs: %s)\n' "$name" "$m" "$(echo "$m / $floor" | bc -l)" "$lines" \
    "${times[$name]% }"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

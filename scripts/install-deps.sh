#!/usr/bin/env bash
# Installs the Debian 12 packages securestore needs to build, test and benchmark.
# Idempotent: does nothing when every package is already installed.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libbotan-2-dev libboost-dev nlohmann-json3-dev   # the core
  catch2 libbenchmark-dev                          # tests and benchmarks
  clang libclang-rt-14-dev                         # fuzzers and sanitizers
  libsecret-1-dev libkeyutils-dev keyutils         # Linux keyring backends
  gnome-keyring dbus dbus-x11 libglib2.0-bin       # a real Secret Service for tests
  pass gnupg                                       # the pass backend
  libcli11-dev tmux ccache                               # the command-line tool and its terminal test
  man-db zsh fish                                  # render securestore(1), run its zsh and fish completion
  python3-keyring libsecret-tools                  # peers whose Secret Service entries we import
  python3-cryptography                             # writes the reference implementation's golden files
  g++-mingw-w64-x86-64-posix                       # the Windows syntax check of the platform-free headers
  python3 xz-utils                                 # build Botan 3 from trixie's source (scripts/build-botan3.sh)
)
# The npm peers (@napi-rs/keyring, keytar: scripts/install-npm-peers.sh) need node and npm; keep a
# node that is already there.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs the npm libraries the Secret Service interop tests write with (@napi-rs/keyring and
# keytar, pinned) into a throw-away directory, never globally, and prints that directory.
#
#   scripts/install-npm-peers.sh <dir>     then: export SECURESTORE_NPM_PEERS=<dir>
#
# keytar compiles a native module when no prebuilt binary fits: that needs python3, make, g++ and
# libsecret-1-dev (scripts/install-deps.sh installs them). Idempotent: an installed dir is reused.
set -euo pipefail
dir=${1:?usage: install-npm-peers.sh <dir>}
command -v npm >/dev/null || { echo "install-npm-peers: npm is missing; run scripts/install-deps.sh" >&2; exit 127; }
mkdir -p "$dir"
if [ -f "$dir/node_modules/@napi-rs/keyring/package.json" ] && [ -f "$dir/node_modules/keytar/package.json" ]; then
  echo "$dir"
  exit 0
fi
cd "$dir"
[ -f package.json ] || echo '{"name":"securestore-npm-peers","private":true}' >package.json
# Pinned: the tests assert the attributes these versions write.
npm install --no-audit --no-fund --loglevel=error @napi-rs/keyring@2.1.2 keytar@7.9.0 >&2
echo "$dir"

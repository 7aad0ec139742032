#!/usr/bin/env bash
# Runs a command with a throw-away `pass` store: a temp GNUPGHOME holding a new GPG key without
# a passphrase (made in batch mode), and a temp PASSWORD_STORE_DIR initialised for that key.
# Tears both down (and their gpg-agent) and exits with the command's status.
#
#   scripts/with-pass-store.sh [command [args...]]
#   scripts/with-secret-service.sh scripts/with-pass-store.sh ctest ...     (they compose)
#
# Exported to the command: GNUPGHOME, PASSWORD_STORE_DIR, SECURESTORE_TEST_GPG_KEY (fingerprint).
# Works as root and as a normal user. Needs pass and gpg (gnupg).
set -euo pipefail

for tool in pass gpg gpgconf; do
  command -v "$tool" >/dev/null || { echo "with-pass-store: $tool is missing; run scripts/install-deps.sh" >&2; exit 127; }
done

# Short path: gpg-agent's socket lives in GNUPGHOME when /run/user/<uid> does not exist, and a
# unix socket path must stay under 108 bytes.
work=$(mktemp -d /tmp/ss-pass-XXXXXX)
chmod 700 "$work"
export GNUPGHOME="$work/gnupg"
export PASSWORD_STORE_DIR="$work/store"
mkdir -m 700 "$GNUPGHOME"

cleanup() {
  gpgconf --kill gpg-agent >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$work/key.params" <<'PARAMS'
%no-protection
Key-Type: eddsa
Key-Curve: ed25519
Key-Usage: sign
Subkey-Type: ecdh
Subkey-Curve: cv25519
Subkey-Usage: encrypt
Name-Real: securestore test
Name-Email: test@securestore.invalid
Expire-Date: 1d
%commit
PARAMS
gpg --batch --quiet --pinentry-mode=loopback --passphrase '' --gen-key "$work/key.params" 2>"$work/gpg.log" ||
  { echo "with-pass-store: gpg could not make a key:" >&2; cat "$work/gpg.log" >&2; exit 1; }
SECURESTORE_TEST_GPG_KEY=$(gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '/^fpr:/ { print $10; exit }')
export SECURESTORE_TEST_GPG_KEY
pass init "$SECURESTORE_TEST_GPG_KEY" >/dev/null

status=0
if [ $# -gt 0 ]; then
  "$@" || status=$?
fi
exit "$status"

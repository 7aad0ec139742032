#!/usr/bin/python3
# tests/data/reference/make_golden.py: writes the reference implementation's (llxprt-code's)
# encrypted files for a fake identity, implemented from shared/reference/secure-store-behaviour.md
# (§2.12 v1/v2 envelopes, §2.13 names, §5 legacy tool .key files) and never from securestore's code.
# Usage: /usr/bin/python3 make_golden.py [out-dir]   (Debian's python3-cryptography; default: here)
# Salts and IVs are fixed (derived from labels), so re-running it reproduces the committed files.
import base64
import hashlib
import json
import os
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

HOSTNAME = "golden-host"
USERNAME = "golden-user"
PROVIDER_SERVICE = "llxprt-code-provider-keys"
TOOL_SERVICE = "llxprt-code-tool-keys"


def fixed_bytes(label, n):
    """Stand-ins for the random salt, IV and machine secret: the same on every run."""
    return hashlib.sha256(("golden:" + label).encode()).digest()[:n]


def scrypt(password, salt):
    # §2.12: N=16384, r=8, p=1, 32-byte key; §5: Node's scryptSync defaults are the same.
    return Scrypt(salt=salt, length=32, n=16384, r=8, p=1).derive(password.encode("utf-8"))


def machine_id():
    # §2.12: lower-case hex SHA-256 of hostname + username, no separator.
    return hashlib.sha256((HOSTNAME + USERNAME).encode("utf-8")).hexdigest()


def envelope(version, password, value, label):
    salt = fixed_bytes(label + ":salt", 16)
    iv = fixed_bytes(label + ":iv", 12)
    sealed = AESGCM(scrypt(password, salt)).encrypt(iv, value.encode("utf-8"), None)  # ct || tag
    ct, tag = sealed[:-16], sealed[-16:]
    doc = {"v": version,
           "crypto": {"alg": "aes-256-gcm", "kdf": "scrypt", "N": 16384, "r": 8, "p": 1, "saltLen": 16},
           "data": base64.b64encode(salt + iv + tag + ct).decode("ascii")}
    return json.dumps(doc, separators=(",", ":"))  # JSON.stringify: compact, keys in this order


def v1(service, value, label):
    return envelope(1, service + "-" + machine_id(), value, label)


def v2(secret, service, value, label):
    return envelope(2, secret.hex() + "|" + service + "|" + machine_id(), value, label)


def legacy_key(value, label):
    # §5: scryptSync('llxprt-cli-tool-keys', salt=`${hostname}-${username}-llxprt-cli`, 32), 16-byte IV.
    key = scrypt("llxprt-cli-tool-keys", (HOSTNAME + "-" + USERNAME + "-llxprt-cli").encode("utf-8"))
    iv = fixed_bytes(label + ":iv", 16)
    sealed = AESGCM(key).encrypt(iv, value.encode("utf-8"), None)
    return iv.hex() + ":" + sealed[-16:].hex() + ":" + sealed[:-16].hex()


def write(root, relative, text):
    path = os.path.join(root, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    secret = fixed_bytes("machine-secret", 32)
    home = "home"
    early = home + "/.llxprt"                    # §0.4: the 2026-02-12/13 base
    data = home + "/.local/share/llxprt-code"    # §0.4: env-paths data dir (HEAD's <dataDir>)
    # ProviderKeyStorage's early directory: v1 files, one with a HEAD-escaped name (§2.4: ':' -> %3A).
    write(root, early + "/provider-keys/anthropic.enc", v1(PROVIDER_SERVICE, "sk-ant-golden-0001", "anthropic"))
    write(root, early + "/provider-keys/openai.enc", v1(PROVIDER_SERVICE, "clé-секрет-🔑-golden", "openai"))
    write(root, early + "/provider-keys/team%3Aprod.enc", v1(PROVIDER_SERVICE, "colon-key-golden", "team:prod"))
    write(root, early + "/provider-keys/blank.enc", v1(PROVIDER_SERVICE, "", "blank"))
    write(root, early + "/provider-keys/spaces.enc", v1(PROVIDER_SERVICE, " \t\n", "spaces"))
    # HEAD: v2 files in <dataDir>/provider-keys, the machine secret in <dataDir>/machine_secret (base64).
    write(root, data + "/provider-keys/gemini.enc", v2(secret, PROVIDER_SERVICE, "AIza-golden-v2", "gemini"))
    write(root, data + "/provider-keys/mistral.enc", v2(secret, PROVIDER_SERVICE, "пароль-v2-golden", "mistral"))
    write(root, data + "/machine_secret", base64.b64encode(secret).decode("ascii"))
    # ToolKeyStorage: its SecureStore's default dir (<base>/secure-store/<service>) and legacy .key files.
    write(root, data + "/secure-store/" + TOOL_SERVICE + "/tavily.enc", v1(TOOL_SERVICE, "tvly-golden-v1", "tavily"))
    write(root, early + "/tools/exa.key", legacy_key("exa-golden-legacy-key", "exa"))
    write(root, early + "/tools/brave.key", legacy_key("brävé-golden-legacy", "brave"))


if __name__ == "__main__":
    main()

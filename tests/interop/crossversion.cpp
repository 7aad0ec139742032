// interop/crossversion.cpp: files one Botan major version writes open with the other (the on-disk
// format does not depend on it). `crossversion write DIR` stores known values in DIR: AES-256-GCM
// and ChaCha20-Poly1305 under the root secret, scrypt and Argon2id under a passphrase, and a
// version 2 envelope (a shared keyring's base revision); `crossversion check DIR` opens them all
// and exits 0 only when every value reads back. scripts/test.sh's core lane (Botan 3) runs it
// against a Botan 2 build in both directions.
#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/file_store.hpp>
#include <securestore/fs/default.hpp>
#include <securestore/keyring/memory.hpp>

#include <botan/version.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace ss = securestore;

namespace {

constexpr std::string_view value = "crossversion-value-5f1c";

ss::store_options options_in(const std::filesystem::path& dir, std::string_view part) {
  ss::store_options o;
  o.fallback_dir = dir / std::string{part};
  o.root_secret_path = dir / "root.key";
  o.interaction = ss::interaction::never;
  return o;
}

ss::store_options with_passphrase(ss::store_options o, ss::passphrase_kdf kdf) {
  o.passphrase = [] { return ss::result<ss::secret>{ss::secret{"crossversion passphrase"}}; };
  o.passphrase_kdf = kdf;
  return o;
}

using chacha_store = ss::basic_secure_store<ss::null_keyring, ss::chacha20_poly1305_cipher, ss::default_fs>;
// A shared keyring that is down: a value written after one it held goes to the file with its base.
using shared_store = ss::basic_secure_store<ss::memory_keyring, ss::aes_gcm_cipher, ss::default_fs>;

// Runs `step` on each kind of store; false if any failed (it says which on stderr).
template <class Step>
bool each_store(const std::filesystem::path& dir, Step&& step) {
  bool ok = true;
  auto run = [&](const char* what, auto&& store) {
    if (!step(store)) {
      std::fprintf(stderr, "crossversion: %s failed\n", what);
      ok = false;
    }
  };
  run("aes-256-gcm under the root secret", ss::file_store{"crossversion", options_in(dir, "gcm")});
  run("chacha20-poly1305 under the root secret", chacha_store{"crossversion", options_in(dir, "chacha")});
  run("scrypt", ss::file_store{"crossversion", with_passphrase(options_in(dir, "scrypt"), ss::passphrase_kdf::scrypt)});
  run("argon2id",
      ss::file_store{"crossversion", with_passphrase(options_in(dir, "argon2id"), ss::passphrase_kdf::argon2id)});
  return ok;
}

bool write(const std::filesystem::path& dir) {
  bool ok = each_store(dir, [](auto& store) { return static_cast<bool>(store.set("key", value)); });
  ss::memory_keyring shared{ss::memory_keyring::options{.shared = true}};
  shared_store store{"crossversion", options_in(dir, "v2"), shared};
  ok = store.set("key", "first") && ok;
  shared.fail_with(ss::errc::unavailable);
  ok = store.set("key", value) && ok;  // to the file, with the base revision: envelope version 2
  return ok;
}

bool check(const std::filesystem::path& dir) {
  auto reads_back = [](auto& store) {
    auto got = store.get("key");
    return got && got.value() == value;
  };
  bool ok = each_store(dir, reads_back);
  ss::file_store v2{"crossversion", options_in(dir, "v2")};  // a file-only view opens version 2 too
  ok = reads_back(v2) && ok;
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::string_view{argv[1]} != "write" && std::string_view{argv[1]} != "check")) {
    std::fprintf(stderr, "usage: crossversion write|check DIR\n");
    return 2;
  }
  const bool ok = std::string_view{argv[1]} == "write" ? write(argv[2]) : check(argv[2]);
  std::fprintf(stderr, "crossversion: %s %s with Botan %d.%d: %s\n", argv[1], argv[2], BOTAN_VERSION_MAJOR,
               BOTAN_VERSION_MINOR, ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}

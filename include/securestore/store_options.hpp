// store_options.hpp: how a store is configured (fallback directory and policy, probe TTL,
// interaction, passphrase, log and audit sinks).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <securestore/concepts.hpp>
#include <securestore/error.hpp>
#include <securestore/secret.hpp>
#include <securestore/store_types.hpp>

namespace securestore {

/// Whether a store may write the encrypted file when the keyring cannot be used.
enum class fallback_policy {
  allow,  ///< keyring first, the encrypted file when the keyring is unavailable or timed out
  deny,   ///< keyring only: errc::unavailable when it cannot be used
};

/// Which passphrase KDF a store uses for new entries.
enum class passphrase_kdf { scrypt, argon2id };

/// How a store is set up. Every field has a sensible default.
struct store_options {
  /// Where the encrypted files go: each service keeps its own subdirectory (the escaped service
  /// name) under it. Default: $XDG_DATA_HOME (else ~/.local/share) + "securestore/stores".
  std::filesystem::path fallback_dir{};
  fallback_policy fallback = fallback_policy::allow;
  /// How long a keyring probe's answer is trusted.
  std::chrono::seconds probe_ttl{60};
  /// Whether the keyring may prompt. Default: allowed when stdin is a terminal or a display is
  /// set, else never.
  std::optional<securestore::interaction> interaction{};
  /// Seals new file entries under this passphrase (scrypt or Argon2id) instead of the root
  /// secret. Called at most once per KDF parameter set and store.
  std::function<result<secret>()> passphrase{};
  securestore::passphrase_kdf passphrase_kdf = securestore::passphrase_kdf::scrypt;
  /// The random root secret's file. Default: $XDG_DATA_HOME/securestore/root.key, outside every
  /// fallback directory.
  std::filesystem::path root_secret_path{};
  /// Sinks are called synchronously, from any thread, sometimes while the store holds its write
  /// lock: they must be thread-safe, quick, and must not call back into the store.
  std::function<void(const log_event&)> log{};
  std::function<void(const audit_record&)> audit{};
  /// The backend, chosen by the application in place of SECURESTORE_BACKEND (which is then not
  /// read), with the same words: "auto" (or "keyring"), "file" (the keyring is kept out, though
  /// still known, so a key it may hold answers unavailable rather than not_found), or one backend's
  /// name, which must be this store's keyring's (any_keyring::named picks one at run time).
  /// Empty: SECURESTORE_BACKEND decides, and auto when it is unset.
  std::string backend{};
};

}  // namespace securestore

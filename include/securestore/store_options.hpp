// store_options.hpp: how a store is configured (fallback directory and policy, probe TTL,
// interaction, passphrase, log and audit sinks) and the small types its API returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <securestore/cipher/kdf.hpp>
#include <securestore/concepts.hpp>
#include <securestore/error.hpp>
#include <securestore/secret.hpp>

namespace securestore {

/// Whether a store may write the encrypted file when the keyring cannot be used.
enum class fallback_policy {
  allow,  ///< keyring first, the encrypted file when the keyring is unavailable or timed out
  deny,   ///< keyring only: errc::unavailable when it cannot be used
};

/// Where an entry lives, as answered by locate().
enum class location { keyring, file };

/// One structured log event. It names the key only by a hash, and never carries a value.
struct log_event {
  std::string_view operation{};   ///< "get", "set", "remove", "list", "probe", "promote", "latch"
  std::string_view backend{};     ///< the keyring's name ("secret_service") or "file"
  std::optional<errc> outcome{};  ///< nullopt on success
  std::chrono::microseconds duration{0};
  std::string key_hash{};   ///< 12 hex digits of SHA-256 of the key name; empty for list/probe
  bool warning = false;     ///< true for the few events a person should see (the latch)
  std::string_view note{};  ///< a fixed explanation for warnings; never a value
};

/// One audit record per operation: when, what, which key, where, and how it ended.
struct audit_record {
  std::chrono::system_clock::time_point time{};
  std::string_view operation{};
  std::string key{};  ///< the key's name (names are not secret); empty for list
  std::string_view backend{};
  std::optional<errc> outcome{};  ///< nullopt on success
};

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
};

/// Whether the keyring can be used, as diagnose() reports it.
enum class keyring_state {
  available,  ///< the probe round trip worked
  absent,     ///< unusable: see the reason (no bus, no Secret Service, locked, denied, forced off)
  busy,       ///< the last probe timed out
};

/// The keyring's state and why, as diagnose() reports it.
struct keyring_status {
  keyring_state state = keyring_state::absent;
  std::string backend{};  ///< the keyring's name, or "none"
  std::string reason{};   ///< why it is absent or busy; empty when available
};

}  // namespace securestore

// store_types.hpp: the small types a store's API returns: where an entry lives, the keyring's
// state, and the structured log event and audit record handed to the sinks.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <securestore/error.hpp>

namespace securestore {

/// Where an entry lives, as answered by locate().
enum class location { keyring, file };

/// Where set() stored a value, and, when it went to the file although a keyring was meant to
/// hold it, why (`fallback_reason`: an outage, a value over the keyring's limit, a full quota,
/// the file override). A file-only store (null_keyring) has no reason: the file is its place.
struct stored_at {
  location where = location::keyring;
  std::optional<error> fallback_reason{};
  [[nodiscard]] bool fell_back() const noexcept { return fallback_reason.has_value(); }
};

/// What seals a store's file entries, as storage() reports it.
enum class file_sealing {
  nothing_yet,  ///< no root secret and no .passphrase record yet: one is made on first use
  root_secret,  ///< the random root secret (storage_report::root_secret_path)
  passphrase,   ///< a passphrase, pinned by the .passphrase record in the store's directory
};

/// Where a store keeps what is not in the keyring and what protects it, as storage() reports it:
/// what a status page shows without repeating the store's path rules.
struct storage_report {
  std::string backend{};                     ///< the keyring's name ("secret_service"), or "none"
  bool file_override = false;                ///< the file backend was chosen: the keyring is kept out
  std::filesystem::path fallback_dir{};      ///< this service's directory of encrypted files
  bool fallback_dir_exists = false;          ///< made on the first value stored there
  std::filesystem::path root_secret_path{};  ///< the root secret's file, shared by every service
  file_sealing sealing = file_sealing::nothing_yet;
};

/// A file entry that does not open under a passphrase store's pinned passphrase (sealed with the
/// root secret, or planted): its key name and when its file was last modified, if known.
struct reseal_candidate {
  std::string name;
  std::optional<std::chrono::system_clock::time_point> modified;
};

/// The names a store can read now, and why it cannot read the rest, if there may be more.
struct name_listing {
  std::vector<std::string> names{};  ///< sorted byte-wise, each once
  std::optional<error> missing{};    ///< set when the keyring may hold names that could not be read
  [[nodiscard]] bool partial() const noexcept { return missing.has_value(); }
};

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

/// Whether the keyring can be used, as diagnose() reports it.
enum class keyring_state {
  available,  ///< the probe round trip worked
  absent,     ///< unusable: see the reason (no bus, no Secret Service, denied, forced off)
  busy,       ///< the last probe timed out
  locked,     ///< there, but locked (and no prompt may be shown, or it was dismissed): unlock it
};

/// The keyring's state and why, as diagnose() reports it.
struct keyring_status {
  keyring_state state = keyring_state::absent;
  std::string backend{};  ///< the keyring's name, or "none"
  std::string reason{};   ///< why it is absent, busy or locked (which collection); empty when available
};

}  // namespace securestore

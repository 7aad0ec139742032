// detail/key_source.hpp: the master keys of one store: the user's random root secret (a 0600 file
// created once, race-free across processes) or a passphrase run through scrypt/Argon2id, each
// derived at most once per store per process, plus a cache of per-entry HKDF keys.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/mem_ops.h>
#include <botan/system_rng.h>

#include <securestore/cipher/kdf.hpp>
#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/passphrase_record.hpp>
#include <securestore/error.hpp>
#include <securestore/secret.hpp>

namespace securestore::detail {

using key_bytes = Botan::secure_vector<std::uint8_t>;
using shared_key = std::shared_ptr<const key_bytes>;

/// Fresh random bytes from the operating system's RNG (getrandom).
[[nodiscard]] inline std::vector<std::uint8_t> random_bytes(std::size_t n) {
  thread_local Botan::System_RNG rng;
  std::vector<std::uint8_t> out(n);
  rng.randomize(out.data(), out.size());
  return out;
}

/// The public id of a root secret: 16 hex digits of SHA-256("securestore root id" || root).
[[nodiscard]] inline std::string root_key_id(const key_bytes& root) {
  auto sha = Botan::HashFunction::create_or_throw("SHA-256");
  sha->update("securestore root id");
  sha->update(root);
  return Botan::hex_encode(sha->final(), false).substr(0, 16);
}

/// The master keys of a store. Thread-safe; the expensive work runs once per parameter set.
template <fs_policy Fs>
class key_source {
 public:
  key_source(Fs fs, std::filesystem::path root_path, std::function<result<secret>()> passphrase, passphrase_kdf kind)
      : fs_{std::move(fs)}, root_path_{std::move(root_path)}, passphrase_{std::move(passphrase)}, kind_{kind} {}

  /// Where a passphrase store keeps its passphrase record (its directory's .passphrase).
  void use_passphrase_record(std::filesystem::path path) { record_path_ = std::move(path); }

  /// The KDF record and master key for a new entry: the root secret's (created if missing), or,
  /// with a passphrase source, the passphrase's under the store's one passphrase record (created
  /// on the first write). A passphrase that does not match the record is errc::denied and is
  /// never used to seal anything. The caller holds the store's write lock.
  [[nodiscard]] result<std::pair<kdf_params, shared_key>> master_for_write() {
    std::lock_guard lock{mutex_};
    if (!passphrase_) {
      auto root = load_root(/*create=*/true);
      if (!root) return root.error();
      return std::pair{kdf_params{root_kdf{root_id_}}, root.value()};
    }
    if (!write_params_) {
      auto record = read_record();
      if (!record) return record.error();
      if (record.value()) {
        if (auto verified = verified_master(*record.value()); !verified) return verified.error();
        write_params_ = record.value()->kdf;
      } else {
        const auto salt = random_bytes(kdf_salt_bytes);
        const kdf_params fresh = kind_ == passphrase_kdf::scrypt ? kdf_params{scrypt_kdf{.salt = salt}}
                                                                 : kdf_params{argon2id_kdf{.salt = salt}};
        auto key = derive_passphrase_master(fresh);
        if (!key) return key.error();
        const passphrase_record created{fresh, passphrase_check(*key.value())};
        if (auto written = fs_.write_atomic(record_path_, encode_passphrase_record(created)); !written) {
          return written.error();
        }
        passphrase_keys_.emplace_back(fresh, key.value());
        write_params_ = fresh;
      }
    }
    auto key = passphrase_master(*write_params_);
    if (!key) return key.error();
    return std::pair{*write_params_, key.value()};
  }

  /// The master key an existing entry was sealed with. errc::corrupt when it names a root secret
  /// that is not this user's; errc::locked when it needs a passphrase and none is configured.
  [[nodiscard]] result<shared_key> master_for(const kdf_params& kdf, std::string_view where) {
    std::lock_guard lock{mutex_};
    if (const auto* root = std::get_if<root_kdf>(&kdf)) {
      auto key = load_root(/*create=*/false);
      if (!key) return key.error();
      if (root->kid != root_id_) {
        return error{errc::corrupt, concat(where, ": sealed with another root secret (id ", root->kid,
                                           ", this user's is ", root_id_, " in ", root_path_.native(),
                                           "); restore that root secret, or delete the entry and store it again")};
      }
      return key;
    }
    if (!passphrase_) {
      return error{errc::locked, concat(where,
                                        ": sealed with a passphrase; configure store_options.passphrase "
                                        "to read it")};
    }
    if (cached_passphrase_master(kdf)) return passphrase_master(kdf);
    // The store's own parameters: prove the passphrase against the record before trusting it.
    auto record = read_record();
    if (record && record.value() && record.value()->kdf == kdf) return verified_master(*record.value());
    return passphrase_master(kdf);
  }

  /// The key of one entry, cached by its salt: repeated reads of an unchanged entry skip HKDF.
  [[nodiscard]] key_bytes entry_key(const shared_key& master, std::span<const std::uint8_t> salt,
                                    std::span<const std::uint8_t> label) {
    cache_id id{};
    bool cacheable = false;
    if (salt.size() == id.salt.size()) {
      std::copy(salt.begin(), salt.end(), id.salt.begin());
      id.master = master.get();
      std::lock_guard lock{mutex_};
      // Only for masters this source keeps: a key derived for one read (an unproven passphrase)
      // is freed after it, and a later master at the same address must not find its entries.
      cacheable = master == root_ || std::any_of(passphrase_keys_.begin(), passphrase_keys_.end(),
                                                 [&](const auto& p) { return p.second == master; });
      if (auto it = entry_keys_.find(id); cacheable && it != entry_keys_.end()) return it->second;
    }
    auto key = derive_entry_key(*master, salt, label);
    if (cacheable) {
      std::lock_guard lock{mutex_};
      if (entry_keys_.size() >= max_cached_entry_keys) entry_keys_.clear();
      entry_keys_.emplace(id, key);
    }
    return key;
  }

 private:
  // A salt identifies an entry key only together with its master and label; the label (service
  // and key) is fixed by the file the salt came from, and a salt is random per write.
  struct cache_id {
    std::array<std::uint8_t, kdf_salt_bytes> salt{};
    const key_bytes* master = nullptr;
    auto operator<=>(const cache_id&) const = default;
  };
  static constexpr std::size_t max_cached_entry_keys = 16384;

  result<shared_key> load_root(bool create) {
    if (root_) return root_;
    auto read = read_root();
    if (!read && read.error().code() == errc::not_found && create) {
      // Two processes may both find no root: the lock makes one create it and the other read it.
      // Its directory is created private, but an existing one (say $HOME, for a custom path) is
      // left as it is: ensure_directory would tighten its mode.
      std::error_code ignored;
      if (!std::filesystem::exists(root_path_.parent_path(), ignored)) {
        if (auto dir = fs_.ensure_directory(root_path_.parent_path()); !dir) return dir.error();
      }
      auto held = fs_.lock(root_path_.parent_path() / "root.lock");
      if (!held) return held.error();
      read = read_root();
      if (!read && read.error().code() == errc::not_found) {
        thread_local Botan::System_RNG rng;
        key_bytes fresh = rng.random_vec(master_key_bytes);
        const std::string_view bytes{reinterpret_cast<const char*>(fresh.data()), fresh.size()};
        if (auto written = fs_.write_atomic(root_path_, bytes); !written) return written.error();
        read = std::make_shared<const key_bytes>(std::move(fresh));
      }
    }
    if (!read) {
      if (read.error().code() == errc::not_found) {
        return error{errc::corrupt, concat("file ", root_path_.native(),
                                           ": the root secret is missing, so "
                                           "entries sealed with it cannot be opened; restore it from a backup, "
                                           "or delete the entries and store them again")};
      }
      return read.error();
    }
    root_ = read.value();
    root_id_ = root_key_id(*root_);
    return root_;
  }

  result<shared_key> read_root() {
    auto bytes = fs_.read(root_path_);
    if (!bytes) return bytes.error();
    auto& raw = bytes.value();
    key_bytes key(raw.begin(), raw.end());
    Botan::secure_scrub_memory(raw.data(), raw.size());
    if (key.size() != master_key_bytes) {
      return error{errc::corrupt, concat("file ", root_path_.native(), ": the root secret has ", key.size(),
                                         " bytes instead of ", master_key_bytes, "; restore it from a backup")};
    }
    return std::make_shared<const key_bytes>(std::move(key));
  }

  bool cached_passphrase_master(const kdf_params& kdf) const {
    return std::any_of(passphrase_keys_.begin(), passphrase_keys_.end(), [&](const auto& p) { return p.first == kdf; });
  }

  // The cached key of these parameters, else a fresh derivation. Only keys proven by the record
  // are cached: one for other parameters (an entry from before the record, or a lost record) is
  // derived again next time, so a mistyped passphrase is never kept.
  result<shared_key> passphrase_master(const kdf_params& kdf) {
    for (const auto& [params, key] : passphrase_keys_) {
      if (params == kdf) return key;
    }
    return derive_passphrase_master(kdf);
  }

  // Derives the record's key and caches it only when the check matches: a mistyped passphrase
  // is asked for again next time instead of sealing entries nobody can open.
  result<shared_key> verified_master(const passphrase_record& record) {
    for (const auto& [params, key] : passphrase_keys_) {
      if (params == record.kdf) return key;
    }
    auto key = derive_passphrase_master(record.kdf);
    if (!key) return key.error();
    if (!check_matches(record, *key.value())) {
      return error{errc::denied, concat("passphrase: it does not match the passphrase of this store (",
                                        record_path_.native(), "); enter it again")};
    }
    passphrase_keys_.emplace_back(record.kdf, key.value());
    return key;
  }

  result<shared_key> derive_passphrase_master(const kdf_params& kdf) {
    auto passphrase = passphrase_();
    if (!passphrase) return passphrase.error();
    if (passphrase.value().empty()) {
      return error{errc::invalid_argument,
                   "passphrase: the passphrase source returned an empty passphrase; "
                   "provide a non-empty one"};
    }
    auto key = derive_from_passphrase(kdf, passphrase.value());
    if (!key) return key.error();
    return std::make_shared<const key_bytes>(std::move(key.value()));
  }

  // The record, or nullopt when there is none yet.
  result<std::optional<passphrase_record>> read_record() {
    auto bytes = fs_.read(record_path_);
    if (!bytes) {
      if (bytes.error().code() == errc::not_found) return std::optional<passphrase_record>{};
      return bytes.error();
    }
    auto record = decode_passphrase_record(bytes.value(), concat("file ", record_path_.native()));
    if (!record) return record.error();
    return std::optional<passphrase_record>{std::move(record.value())};
  }

  Fs fs_;
  std::filesystem::path root_path_;
  std::filesystem::path record_path_;
  std::function<result<secret>()> passphrase_;
  passphrase_kdf kind_;

  std::mutex mutex_;
  shared_key root_;
  std::string root_id_;
  std::optional<kdf_params> write_params_;
  std::vector<std::pair<kdf_params, shared_key>> passphrase_keys_;
  std::map<cache_id, key_bytes> entry_keys_;
};

}  // namespace securestore::detail

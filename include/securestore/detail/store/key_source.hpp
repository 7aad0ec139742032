// detail/store/key_source.hpp: the master keys of one store: the user's random root secret (a
// 0600 file created once, race-free across processes) or a passphrase run through scrypt/Argon2id
// under the parameters its store's .passphrase record pins, each derived at most once per store
// per process, plus a cache of per-entry HKDF keys.
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

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/crypto.hpp>
#include <securestore/detail/format/file_names.hpp>
#include <securestore/detail/format/kdf.hpp>
#include <securestore/detail/format/passphrase_record.hpp>
#include <securestore/detail/platform/path_text.hpp>
#include <securestore/error.hpp>
#include <securestore/secret.hpp>
#include <securestore/store_options.hpp>

namespace securestore::detail {

/// The public id of a root secret: 16 hex digits of SHA-256("securestore root id" || root).
[[nodiscard]] inline std::string root_key_id(const key_bytes& root) {
  auto sha = Botan::HashFunction::create_or_throw("SHA-256");
  sha->update("securestore root id");
  sha->update(root);
  return Botan::hex_encode(sha->final(), false).substr(0, 16);
}

/// Whether a master may open an entry: the store's own rule (strict), or the explicit re-seal's.
enum class master_use {
  read,    ///< a passphrase store opens only entries under its record's parameters
  reseal,  ///< reseal_file_entries(): root-sealed entries and other parameters are opened too
};

/// The master keys of a store. Thread-safe; the expensive work runs once per parameter set.
/// A store with a passphrase opens only entries sealed under the parameters its .passphrase
/// record pins: an entry sealed with the root secret, or under other parameters, is errc::corrupt
/// (someone who can write the directory must not be able to plant entries the store trusts).
template <fs_policy Fs>
class key_source {
 public:
  using directory = typename Fs::directory_type;

  key_source(Fs fs, std::filesystem::path root_path, std::function<result<secret>()> passphrase, passphrase_kdf kind)
      : fs_{std::move(fs)}, root_path_{std::move(root_path)}, passphrase_{std::move(passphrase)}, kind_{kind} {}

  [[nodiscard]] bool uses_passphrase() const noexcept { return static_cast<bool>(passphrase_); }

  /// Whether `store_dir` holds a .passphrase record (which pins the store's passphrase).
  [[nodiscard]] result<bool> has_record(const directory& store_dir) {
    auto record = read_record(store_dir);
    if (!record) return record.error();
    return record.value().has_value();
  }

  /// The KDF record and master key for a new entry in `store_dir`: the root secret's (created if
  /// missing), or the passphrase's under the store's record. A passphrase that does not match the
  /// record is errc::denied and seals nothing. A missing record is created only while the
  /// directory holds no entry; with entries and no record it is errc::corrupt (a deleted record
  /// must not make the next passphrase typed, even a typo, the store's passphrase), until
  /// `create_record` is set by the explicit re-seal. The caller holds the store's write lock.
  [[nodiscard]] result<std::pair<kdf_params, shared_key>> master_for_write(const directory& store_dir,
                                                                           bool create_record = false) {
    std::lock_guard lock{mutex_};
    if (!passphrase_) {
      auto root = load_root(/*create=*/true);
      if (!root) return root.error();
      return std::pair{kdf_params{root_kdf{root_id_}}, root.value()};
    }
    if (!write_params_) {
      auto record = read_record(store_dir);
      if (!record) return record.error();
      if (record.value()) {
        if (auto verified = verified_master(*record.value(), store_dir); !verified) return verified.error();
        write_params_ = record.value()->kdf;
      } else {
        if (!create_record) {
          if (auto entries = holds_entries(store_dir); !entries || entries.value()) {
            if (!entries) return entries.error();
            return missing_record(store_dir);
          }
        }
        const auto salt = random_bytes(kdf_salt_bytes);
        const kdf_params fresh = kind_ == passphrase_kdf::scrypt ? kdf_params{scrypt_kdf{.salt = salt}}
                                                                 : kdf_params{argon2id_kdf{.salt = salt}};
        auto key = derive_passphrase_master(fresh);
        if (!key) return key.error();
        const passphrase_record created{fresh, passphrase_check(*key.value())};
        if (auto written = fs_.write_atomic(store_dir, passphrase_record_name, encode_passphrase_record(created));
            !written) {
          return written.error();
        }
        passphrase_keys_.emplace_back(fresh, key.value());
        write_params_ = fresh;
      }
    }
    auto key = cached_master(*write_params_);
    if (!key) return error{errc::corrupt, "passphrase: the store's key was dropped", "retry"};
    return std::pair{*write_params_, key};
  }

  /// The master key an existing entry of `store_dir` was sealed with. Without a passphrase: the
  /// root secret (errc::corrupt when the entry names another one), and errc::locked for a
  /// passphrase entry. With one: only the record's parameters (see the class comment).
  [[nodiscard]] result<shared_key> master_for(const kdf_params& kdf, std::string_view where, const directory& store_dir,
                                              master_use use = master_use::read) {
    std::lock_guard lock{mutex_};
    const auto* root = std::get_if<root_kdf>(&kdf);
    if (!passphrase_) {
      if (!root) {
        return error{errc::locked, concat(where, ": sealed with a passphrase"),
                     "configure store_options.passphrase to read it"};
      }
      return root_master(*root, where);
    }
    if (root) {
      if (use == master_use::reseal) return root_master(*root, where);
      return error{errc::corrupt,
                   concat(where,
                          ": not sealed with this store's passphrase (it is sealed with the "
                          "root secret, so it is an entry written before the store had a passphrase, "
                          "or one planted by someone who can write the directory)"),
                   "delete it unless you know you wrote it: reseal_candidates() lists such entries with their "
                   "modification times, and reseal_file_entries(names) re-seals the ones you name"};
    }
    if (auto key = cached_master(kdf)) return key;
    auto record = read_record(store_dir);
    if (!record) return record.error();
    if (record.value() && record.value()->kdf == kdf) return verified_master(*record.value(), store_dir);
    if (use == master_use::reseal) return derive_passphrase_master(kdf);
    if (!record.value()) return missing_record(store_dir);
    return error{errc::corrupt,
                 concat(where,
                        ": not sealed with this store's passphrase (its KDF parameters are "
                        "not the ones pinned in ",
                        path_text(store_dir.path()), "/", passphrase_record_name, ")"),
                 "delete it unless you know you wrote it: reseal_candidates() lists such entries with their "
                 "modification times, and reseal_file_entries(names) re-seals the ones you name"};
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

  result<shared_key> root_master(const root_kdf& root, std::string_view where) {
    auto key = load_root(/*create=*/false);
    if (!key) return key.error();
    if (root.kid != root_id_) {
      return error{errc::corrupt,
                   concat(where, ": sealed with another root secret (id ", root.kid, ", this user's is ", root_id_,
                          " in ", path_text(root_path_), ")"),
                   "restore that root secret, or delete the entry and store it again"};
    }
    return key;
  }

  error missing_record(const directory& store_dir) const {
    return error{errc::corrupt,
                 concat("file ", store_dir.file(passphrase_record_name),
                        ": the passphrase record is missing while the store holds entries, so no passphrase "
                        "can be checked"),
                 "restore it from a backup, or re-seal the entries under the passphrase you enter "
                 "(reseal_file_entries) to create it anew"};
  }

  result<bool> holds_entries(const directory& store_dir) {
    auto names = fs_.list(store_dir);
    if (!names) return names.error();
    return std::any_of(names.value().begin(), names.value().end(),
                       [](const std::string& n) { return n.ends_with(entry_suffix) && n.front() != '.'; });
  }

  result<shared_key> load_root(bool create) {
    if (root_) return root_;
    // The root secret's directory is created private, but an existing one (say $HOME, for a
    // custom path) keeps its mode: it only must not be writable by others.
    auto dir = fs_.open_directory(root_path_.parent_path(), directory_options{.create = create, .make_private = false});
    if (!dir) {
      if (dir.error().code() != errc::not_found) return dir.error();
      return missing_root();
    }
    const auto name = path_text(root_path_.filename());
    auto read = read_root(dir.value(), name);
    if (!read && read.error().code() == errc::not_found && create) {
      // Two processes may both find no root: the lock makes one create it and the other read it.
      auto held = fs_.lock(dir.value(), "root.lock");
      if (!held) return held.error();
      read = read_root(dir.value(), name);
      if (!read && read.error().code() == errc::not_found) {
        key_bytes fresh = random_key(master_key_bytes);
        const std::string_view bytes{reinterpret_cast<const char*>(fresh.data()), fresh.size()};
        if (auto written = fs_.write_atomic(dir.value(), name, bytes); !written) return written.error();
        read = std::make_shared<const key_bytes>(std::move(fresh));
      }
    }
    if (!read) {
      if (read.error().code() == errc::not_found) return missing_root();
      return read.error();
    }
    root_ = read.value();
    root_id_ = root_key_id(*root_);
    return root_;
  }

  error missing_root() const {
    return error{errc::corrupt,
                 concat("file ", path_text(root_path_),
                        ": the root secret is missing, so entries sealed with it cannot be opened"),
                 "restore it from a backup, or delete the entries and store them again"};
  }

  result<shared_key> read_root(const directory& dir, const std::string& name) {
    auto bytes = fs_.read(dir, name);
    if (!bytes) return bytes.error();
    auto& raw = bytes.value();
    key_bytes key(raw.begin(), raw.end());
    scrub(raw.data(), raw.size());
    if (key.size() != master_key_bytes) {
      return error{errc::corrupt,
                   concat("file ", path_text(root_path_), ": the root secret has ", key.size(), " bytes instead of ",
                          master_key_bytes),
                   "restore it from a backup"};
    }
    return std::make_shared<const key_bytes>(std::move(key));
  }

  // The key kept for these parameters, or null. Only keys proven by the record are kept, so a
  // mistyped passphrase is never kept.
  shared_key cached_master(const kdf_params& kdf) const {
    for (const auto& [params, key] : passphrase_keys_) {
      if (params == kdf) return key;
    }
    return nullptr;
  }

  // Derives the record's key and keeps it only when the check matches: a mistyped passphrase
  // is asked for again next time instead of sealing entries nobody can open.
  result<shared_key> verified_master(const passphrase_record& record, const directory& store_dir) {
    if (auto key = cached_master(record.kdf)) return key;
    auto key = derive_passphrase_master(record.kdf);
    if (!key) return key.error();
    if (!check_matches(record, *key.value())) {
      return error{errc::denied,
                   concat("passphrase: it does not match the passphrase of this store (",
                          store_dir.file(passphrase_record_name), ")"),
                   "enter it again"};
    }
    passphrase_keys_.emplace_back(record.kdf, key.value());
    return key;
  }

  result<shared_key> derive_passphrase_master(const kdf_params& kdf) {
    auto passphrase = passphrase_();
    if (!passphrase) return passphrase.error();
    if (passphrase.value().empty()) {
      return error{errc::invalid_argument, "passphrase: the passphrase source returned an empty passphrase",
                   "provide a non-empty one"};
    }
    auto key = derive_from_passphrase(kdf, passphrase.value());
    if (!key) return key.error();
    return std::make_shared<const key_bytes>(std::move(key.value()));
  }

  // The record, or nullopt when there is none yet.
  result<std::optional<passphrase_record>> read_record(const directory& store_dir) {
    auto bytes = fs_.read(store_dir, passphrase_record_name);
    if (!bytes) {
      if (bytes.error().code() == errc::not_found) return std::optional<passphrase_record>{};
      return bytes.error();
    }
    auto record = decode_passphrase_record(bytes.value(), concat("file ", store_dir.file(passphrase_record_name)));
    if (!record) return record.error();
    return std::optional<passphrase_record>{std::move(record.value())};
  }

  Fs fs_;
  std::filesystem::path root_path_;
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

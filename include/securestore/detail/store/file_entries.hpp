// detail/store/file_entries.hpp: the encrypted-file half of a store: one directory of envelopes
// (one file per key), the key source that seals them, the cipher, and the lock that serialises
// writers. It knows nothing of keyrings.
#pragma once

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/crypto.hpp>
#include <securestore/detail/format/envelope.hpp>
#include <securestore/detail/format/file_names.hpp>
#include <securestore/detail/format/lock_file_name.hpp>
#include <securestore/detail/store/key_source.hpp>
#include <securestore/error.hpp>
#include <securestore/secret.hpp>
#include <securestore/store_options.hpp>
#include <securestore/store_types.hpp>

namespace securestore::detail {

/// The optional fs hooks change_stamp(dir) -> std::optional<Stamp> (an equal stamp later proves
/// the same entry names) and Fs::is_temp_name(name) (a write's temp file), see concepts.hpp.
template <class Fs>
struct change_stamp_of {
  struct none {
    friend bool operator==(const none&, const none&) = default;
  };
  using type = none;
  static constexpr bool available = false;
};
template <class Fs>
requires requires(const Fs& fs, const typename Fs::directory_type& dir, std::string_view name) {
  fs.change_stamp(dir).value();
  { Fs::is_temp_name(name) } -> std::same_as<bool>;
}
struct change_stamp_of<Fs> {
  using type = typename decltype(std::declval<const Fs&>().change_stamp(
      std::declval<const typename Fs::directory_type&>()))::value_type;
  static constexpr bool available = true;
};

/// A file entry's value and, for a store over a shared keyring, the keyring revision it was based
/// on (concepts.hpp's write rule; none in a version 1 envelope).
struct file_value {
  secret value;
  std::optional<std::uint64_t> base;
};

/// One service's directory of encrypted entries. Thread-safe.
template <cipher_policy Cipher, fs_policy Fs>
class file_entries {
 public:
  using directory = typename Fs::directory_type;
  /// What Fs's optional change_stamp(dir) returns (fs/posix.hpp), or a placeholder without one.
  using stamp_type = typename change_stamp_of<Fs>::type;

 private:
  static constexpr bool has_stamps = change_stamp_of<Fs>::available;

 public:
  /// Held while writing: a mutex in the process, an advisory lock across processes. When the
  /// directory is missing and cannot be made (a read-only home), no file can exist to race on:
  /// keyring writes go ahead under the mutex alone, and file writes report `no_directory`.
  struct write_lock {
    std::unique_lock<std::mutex> in_process;
    typename Fs::lock_type across_processes;
    std::optional<directory> dir;
    std::optional<error> no_directory;
  };

  file_entries(std::string service, std::filesystem::path dir, std::filesystem::path root_path,
               const store_options& options, Cipher cipher, Fs fs)
      : service_{std::move(service)},
        path_{std::move(dir)},
        cipher_{std::move(cipher)},
        fs_{std::move(fs)},
        keys_{fs_, std::move(root_path), options.passphrase, options.passphrase_kdf} {}

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  [[nodiscard]] bool uses_passphrase() const noexcept { return keys_.uses_passphrase(); }
  [[nodiscard]] Fs& fs() noexcept { return fs_; }

  /// Takes the write lock. The first time in this object, also sweeps temporary files that a
  /// crashed writer left behind: every writer holds this lock while its temp file exists, so any
  /// found under it is a leftover.
  [[nodiscard]] result<write_lock> lock_writes() {
    std::unique_lock in_process{write_mutex_};
    auto dir = directory_for(/*create=*/true);
    if (!dir) {
      if (auto existing = directory_for(/*create=*/false); existing || existing.error().code() != errc::not_found) {
        return dir.error();
      }
      return write_lock{std::move(in_process), {}, std::nullopt, dir.error()};
    }
    auto held = fs_.lock(dir.value(), lock_file_name);
    if (!held) return held.error();
    if (!swept_) {
      swept_ = true;
      (void)fs_.sweep_temp_files(dir.value(), std::chrono::seconds{0});
    }
    return write_lock{std::move(in_process), std::move(held.value()), std::move(dir.value()), std::nullopt};
  }

  /// Seals `value` under `key` and replaces its file; with a `base` (a shared keyring's revision
  /// the value was based on) as an envelope of version 2. The caller holds `lock`.
  [[nodiscard]] result<void> write(const write_lock& lock, std::string_view key, std::string_view value,
                                   std::optional<std::uint64_t> base = std::nullopt) {
    if (lock.no_directory) return *lock.no_directory;
    return write_in(*lock.dir, key, value, /*create_record=*/false, base);
  }

  /// The value of `key`'s file: errc::not_found when it (or the directory) does not exist.
  [[nodiscard]] result<secret> read(std::string_view key) {
    auto found = read_with_base(key);
    if (!found) return found.error();
    return std::move(found.value().value);
  }

  /// The value of `key`'s file and the base revision it carries (none in a version 1 envelope).
  [[nodiscard]] result<file_value> read_with_base(std::string_view key) {
    auto dir = directory_for(/*create=*/false);
    if (!dir) return dir.error();
    return read_in(dir.value(), key, master_use::read);
  }

  /// Removes `key`'s file (and crash leftovers): true if there was one. The caller holds `lock`.
  [[nodiscard]] result<bool> remove(const write_lock& lock, std::string_view key) {
    if (lock.no_directory) return false;
    (void)fs_.sweep_temp_files(*lock.dir, std::chrono::seconds{0});
    return fs_.remove(*lock.dir, entry_name(key));
  }

  /// Whether the directory's change stamp alone (no open, no scan) proves that `key` has no file
  /// and that no crash leftover is in the directory; false when it cannot be proven (the fs has no
  /// stamps, the directory changed in the last seconds, or there is such a file): the caller then
  /// looks. Costs one stat while the directory is unchanged, a scan when it changed. Under the
  /// write lock the answer stays true until the lock is released (every file change takes it).
  [[nodiscard]] bool prove_no_file(std::string_view key) {
    if constexpr (has_stamps) {
      std::lock_guard lock{dir_mutex_};
      if (!dir_) return false;
      auto stamp = fs_.change_stamp(*dir_);
      if (!stamp) return false;
      if (!snapshot_ || !(snapshot_->stamp == *stamp)) take_snapshot(*stamp);
      return snapshot_ && !snapshot_->has_leftovers && !snapshot_->entries.contains(entry_name(key));
    } else {
      (void)key;
      return false;
    }
  }

  /// The names of the keys that have a file. A hashed (long) name is read from its envelope,
  /// unverified (list promises names, not values); files no key could have produced are skipped.
  [[nodiscard]] result<std::vector<std::string>> names() {
    auto dir = directory_for(/*create=*/false);
    if (!dir) {
      if (dir.error().code() == errc::not_found) return std::vector<std::string>{};
      return dir.error();
    }
    auto files = fs_.list(dir.value());
    if (!files) return files.error();
    std::vector<std::string> out;
    out.reserve(files.value().size());
    for (const auto& file : files.value()) {
      if (!file.ends_with(entry_suffix)) continue;
      const std::string_view stem{file.data(), file.size() - entry_suffix.size()};
      if (is_hashed_stem(stem)) {
        if (auto name = hashed_entry_name(dir.value(), file, stem)) out.push_back(std::move(*name));
      } else if (auto name = unescape_name(stem); name && !name->starts_with(reserved_prefix)) {
        out.push_back(std::move(*name));
      }
    }
    return out;
  }

  /// Reads a small file of the store's own (a marker) in the directory: errc::not_found if absent.
  [[nodiscard]] result<std::string> read_own(std::string_view name) {
    auto dir = directory_for(/*create=*/false);
    if (!dir) return dir.error();
    return fs_.read(dir.value(), name);
  }

  /// Writes a small file of the store's own. The caller holds `lock`.
  [[nodiscard]] result<void> write_own(const write_lock& lock, std::string_view name, std::string_view bytes) {
    if (lock.no_directory) return *lock.no_directory;
    return fs_.write_atomic(*lock.dir, name, bytes);
  }

  /// The entries that do not open under this store's passphrase as it is pinned now (sealed with
  /// the root secret, or with other parameters), with their modification times where the fs
  /// policy can tell: what reseal(lock, names) may be given. Opens every entry to tell (the values
  /// are dropped at once); any failure other than "not sealed under this passphrase" is returned
  /// (a mistyped passphrase is `denied`, never an empty list).
  [[nodiscard]] result<std::vector<reseal_candidate>> reseal_candidates() {
    auto keys = names();
    if (!keys) return keys.error();
    std::vector<reseal_candidate> out;
    if (keys.value().empty()) return out;
    auto dir = directory_for(/*create=*/false);
    if (!dir) return dir.error();
    for (auto& key : keys.value()) {
      auto value = read_in(dir.value(), key, master_use::read);
      if (value || value.error().code() == errc::not_found) continue;  // opens, or removed meanwhile
      if (value.error().code() != errc::corrupt) return value.error();
      reseal_candidate c{std::move(key), std::nullopt};
      if constexpr (requires { fs_.modified_time(dir.value(), std::string_view{}); }) {
        c.modified = fs_.modified_time(dir.value(), entry_name(c.name));
      }
      out.push_back(std::move(c));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
  }

  /// Opens entries (root-sealed ones and passphrase ones alike) and seals them again under the
  /// store's passphrase, creating the .passphrase record when it is missing. Nothing is written
  /// unless every entry opened. The explicit step that moves a store to a passphrase, or that
  /// re-creates a lost record. Once a .passphrase record pins the passphrase, an entry that does
  /// not open under it may have been planted by someone who can write the directory, so only the
  /// entries named in `only` are re-sealed (the rest are left as they are) and a call without
  /// names is refused. Returns how many entries were re-sealed. The caller holds `lock`.
  [[nodiscard]] result<std::size_t> reseal(const write_lock& lock, const std::vector<std::string>* only = nullptr) {
    if (!keys_.uses_passphrase()) {
      return error{errc::invalid_argument, "store: reseal_file_entries needs store_options.passphrase",
                   "configure the passphrase to seal the entries with"};
    }
    if (lock.no_directory) return std::size_t{0};
    auto pinned = keys_.has_record(*lock.dir);
    if (!pinned) return pinned.error();
    if (pinned.value() && only == nullptr) {
      return error{errc::invalid_argument,
                   "store: the passphrase is pinned in .passphrase, so an entry that does not open under it may "
                   "have been planted, so a re-seal takes the names of the entries to re-seal",
                   "list them with reseal_candidates() (names and modification times) and pass the ones you "
                   "wrote to reseal_file_entries(names)"};
    }
    auto keys = names();
    if (!keys) return keys.error();
    if (only != nullptr) {
      for (const auto& wanted : *only) {
        if (std::find(keys.value().begin(), keys.value().end(), wanted) == keys.value().end()) {
          return error{errc::not_found, concat("store: no file entry '", wanted, "' to re-seal"),
                       "name an entry that reseal_candidates() lists"};
        }
      }
      keys.value() = *only;
    }
    std::vector<std::pair<std::string, file_value>> opened;
    for (auto& key : keys.value()) {
      auto value = read_in(*lock.dir, key, master_use::reseal);
      if (!value) return value.error();
      opened.emplace_back(std::move(key), std::move(value.value()));  // keeps each entry's base
    }
    if (opened.empty()) {
      if (auto created = keys_.master_for_write(*lock.dir, /*create_record=*/true); !created) return created.error();
    }
    for (const auto& [key, value] : opened) {
      if (auto written = write_in(*lock.dir, key, value.value.reveal(), /*create_record=*/true, value.base); !written) {
        return written.error();
      }
    }
    return opened.size();
  }

 private:
  // The entry names of the directory as of `stamp` (listed between two equal stamps, so no change
  // can hide in the listing), and whether a crashed writer's temp file is there.
  struct snapshot {
    stamp_type stamp;
    std::unordered_set<std::string> entries;
    bool has_leftovers = false;
  };

  void take_snapshot(const stamp_type& stamp) {
    snapshot_.reset();
    auto files = fs_.list(*dir_);
    if (!files || !(fs_.change_stamp(*dir_) == stamp)) return;
    snapshot next{stamp, {}, false};
    for (auto& file : files.value()) {
      if (Fs::is_temp_name(file)) {
        next.has_leftovers = true;
      } else if (file.ends_with(entry_suffix)) {
        next.entries.insert(std::move(file));
      }
    }
    snapshot_ = std::move(next);
  }

  std::string entry_name(std::string_view key) const { return concat(file_stem(key), entry_suffix); }

  // The directory, opened and checked once, and opened again only when its path no longer leads
  // to it (removed or replaced): one stat per operation instead of a walk of every ancestor.
  result<directory> directory_for(bool create) {
    std::lock_guard lock{dir_mutex_};
    if (dir_ && fs_.still_current(*dir_)) return *dir_;
    auto opened = fs_.open_directory(path_, directory_options{.create = create, .make_private = true});
    if (!opened) return opened.error();
    dir_ = opened.value();
    snapshot_.reset();
    return opened;
  }

  result<void> write_in(const directory& dir, std::string_view key, std::string_view value, bool create_record,
                        std::optional<std::uint64_t> base = std::nullopt) {
    auto master = keys_.master_for_write(dir, create_record);
    if (!master) return master.error();
    envelope e;
    e.key = std::string{key};
    e.aead = std::string{Cipher::name};
    e.kdf = master.value().first;
    e.salt = random_bytes(kdf_salt_bytes);
    e.nonce = random_bytes(Cipher::nonce_bytes);
    e.base = base;
    const auto aad = envelope_aad(Cipher::name, service_, key, base);
    const auto entry_key = derive_entry_key(*master.value().second, e.salt, aad);
    auto sealed = cipher_.seal(entry_key, e.nonce, aad, value);
    if (!sealed) return sealed.error();
    e.sealed = std::move(sealed.value());
    return fs_.write_atomic(dir, entry_name(key), encode_envelope(e));
  }

  result<file_value> read_in(const directory& dir, std::string_view key, master_use use) {
    const auto name = entry_name(key);
    auto bytes = fs_.read(dir, name);
    if (!bytes) return bytes.error();
    const auto where = concat("file ", dir.file(name));
    auto e = decode_envelope(bytes.value(), where, Cipher::nonce_bytes, Cipher::tag_bytes);
    if (!e) return e.error();
    if (e.value().key != key) {
      return error{errc::corrupt, concat(where, ": holds the entry of another key (copied or renamed)"),
                   "delete it and store the key again"};
    }
    if (e.value().aead != Cipher::name) {
      return error{errc::corrupt,
                   concat(where, ": sealed with ", e.value().aead, " but this store uses ", Cipher::name),
                   "open it with a store of that cipher"};
    }
    auto master = keys_.master_for(e.value().kdf, where, dir, use);
    if (!master) return master.error();
    const auto aad = envelope_aad(Cipher::name, service_, key, e.value().base);
    const auto entry_key = keys_.entry_key(master.value(), e.value().salt, aad);
    auto opened = cipher_.open(entry_key, e.value().nonce, aad, e.value().sealed);
    if (!opened) return error{errc::corrupt, concat(where, ": ", opened.error().what()), opened.error().remediation()};
    return file_value{std::move(opened.value()), e.value().base};
  }

  std::optional<std::string> hashed_entry_name(const directory& dir, const std::string& file, std::string_view stem) {
    auto bytes = fs_.read(dir, file);
    if (!bytes) return std::nullopt;
    auto e = decode_envelope(bytes.value(), file, Cipher::nonce_bytes, Cipher::tag_bytes);
    if (!e || file_stem(e.value().key) != stem) return std::nullopt;
    return std::move(e.value().key);
  }

  std::string service_;
  std::filesystem::path path_;
  Cipher cipher_;
  Fs fs_;
  key_source<Fs> keys_;
  std::mutex write_mutex_;  // serialises writers in this process; the flock does it across processes
  std::mutex dir_mutex_;
  std::optional<directory> dir_;
  std::optional<snapshot> snapshot_;  // guarded by dir_mutex_
  bool swept_ = false;                // guarded by write_mutex_
};

}  // namespace securestore::detail

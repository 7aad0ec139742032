// basic_secure_store.hpp: the store: keyring first, an authenticated-encrypted file when the
// keyring cannot be used, and the rules that keep the two from ever disagreeing.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/cipher/aead.hpp>
#include <securestore/cipher/envelope.hpp>
#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/default_paths.hpp>
#include <securestore/detail/key_source.hpp>
#include <securestore/detail/keyring_gate.hpp>
#include <securestore/detail/name_codec.hpp>
#include <securestore/detail/utf8.hpp>
#include <securestore/error.hpp>
#include <securestore/secret.hpp>
#include <securestore/store_options.hpp>

namespace securestore {

/// A map from key names to secrets, scoped to one service, kept in the keyring when it can be
/// used and in one encrypted file per key otherwise.
///
/// Invariants: a file, when present, holds the key's newest value (a successful keyring write
/// removes it; a read moves it back into the keyring), so the two stores never disagree and a
/// value written during a keyring outage is never rolled back. `not_found` means absence was
/// proven. Every failure is an errc with a context that never holds a value.
///
/// Thread-safe: share one store between threads. Writes are serialised within the process and,
/// through an advisory lock in the fallback directory, across processes. get(), has() and
/// locate() may write: a file entry found while the keyring works is moved into it. A store may
/// be moved; a moved-from store may only be destroyed or assigned to.
template <keyring_policy Keyring, cipher_policy Cipher, fs_policy Fs, clock_policy Clock = std::chrono::steady_clock>
class basic_secure_store {
 public:
  /// A store for `service` (non-empty, at most 256 bytes, no NUL). Does no I/O; a bad service
  /// name or an unusable environment is reported by the first operation.
  explicit basic_secure_store(std::string service, store_options options = {}, Keyring keyring = {}, Cipher cipher = {},
                              Fs fs = {}, Clock clock = {})
      : m_{std::make_unique<members>(std::move(service), std::move(options), std::move(keyring), std::move(cipher),
                                     std::move(fs), std::move(clock))} {}

  /// Stores `value` under `key`: in the keyring when usable and the value fits its limits, else
  /// in the encrypted file when the fallback policy allows. Errors: invalid_argument (bad key,
  /// empty or oversized value, too large for the keyring under `deny`), unavailable (no keyring
  /// under `deny`, or a file-system failure), locked/denied (the keyring refused; never a silent
  /// downgrade), timeout. On failure the previous value is intact.
  [[nodiscard]] result<void> set(std::string_view key, std::string_view value) {
    return observe("set", key, [&] { return set_impl(key, value); });
  }

  /// The value under `key`. errc::not_found only when absence is proven; a keyring that is
  /// locked or latched off answers errc::locked/denied, one that hangs errc::timeout.
  [[nodiscard]] result<secret> get(std::string_view key) {
    return observe("get", key, [&]() -> result<secret> {
      auto found = lookup(key);
      if (!found) return found.error();
      return std::move(found.value().first);
    });
  }

  /// Whether `key` has a value: true exactly when get() would return one; errors as get().
  [[nodiscard]] result<bool> has(std::string_view key) {
    return observe("has", key, [&]() -> result<bool> {
      auto found = lookup(key);
      if (found) return true;
      if (found.error().code() == errc::not_found) return false;
      return found.error();
    });
  }

  /// Where the value of `key` lives now; errors as get().
  [[nodiscard]] result<location> locate(std::string_view key) {
    return observe("locate", key, [&]() -> result<location> {
      auto found = lookup(key);
      if (!found) return found.error();
      return found.value().second;
    });
  }

  /// Removes `key` from both stores: true if something was removed. The keyring goes first; when
  /// it cannot be reached but may hold the key, nothing is removed and the keyring's error is
  /// returned, so an older keyring value can never come back in place of a removed one.
  [[nodiscard]] result<bool> remove(std::string_view key) {
    return observe("remove", key, [&] { return remove_impl(key); });
  }

  /// The names of every key, each once, sorted byte-wise; never the store's own probe entries.
  /// Reads no value and decrypts nothing.
  [[nodiscard]] result<std::vector<std::string>> list() {
    return observe("list", {}, [&] { return list_impl(); });
  }

  /// Whether the keyring can be used now: a probe round trip, cached for probe_ttl. False when
  /// SECURESTORE_BACKEND=file, and for the rest of the process after a locked or denied answer.
  [[nodiscard]] bool keyring_available() { return keyring_usable(); }

  /// The keyring's state (available, absent with a reason, busy) after a probe if one is due.
  [[nodiscard]] keyring_status diagnose() {
    if (m_->forced_file) {
      return {.state = keyring_state::absent,
              .backend = std::string{keyring_name()},
              .reason = "SECURESTORE_BACKEND=file forces the encrypted file store"};
    }
    (void)keyring_usable();
    return m_->gate.status(keyring_name());
  }

  /// The directory of this store's encrypted files: fallback_dir / <escaped service name>.
  [[nodiscard]] const std::filesystem::path& fallback_dir() const noexcept { return m_->dir; }

 private:
  using found_value = std::pair<secret, location>;

  struct write_guard {
    std::unique_lock<std::mutex> in_process;
    typename Fs::lock_type across_processes;
    std::optional<error> no_directory;  // set when the fallback directory cannot exist
  };

  struct members {
    members(std::string service_name, store_options opts, Keyring k, Cipher c, Fs f, Clock cl)
        : service{std::move(service_name)},
          options{std::move(opts)},
          keyring{std::move(k)},
          cipher{std::move(c)},
          fs{std::move(f)},
          clock{std::move(cl)},
          gate{keyring, clock, options.probe_ttl},
          keys{fs, root_path(options), options.passphrase, options.passphrase_kdf} {
      configure();
    }

    void configure() {
      if (service.empty() || service.size() > detail::max_key_bytes || service.find('\0') != std::string::npos) {
        config_error = error{errc::invalid_argument,
                             "store: the service name must be 1 to 256 bytes without NUL; "
                             "choose another service name"};
      }
      if (const char* backend = std::getenv("SECURESTORE_BACKEND"); backend != nullptr) {
        const std::string_view b{backend};
        forced_file = b == "file";
        if (!forced_file && !b.empty() && b != "auto" && b != "keyring") {
          config_error = error{errc::invalid_argument, detail::concat("store: SECURESTORE_BACKEND='", b,
                                                                      "' is not one of file, keyring, auto; fix "
                                                                      "or unset it")};
        }
      }
      // Each service has a subdirectory of its own, so stores of different services can share
      // one fallback_dir without ever touching each other's files.
      if (!options.fallback_dir.empty()) {
        dir = options.fallback_dir / detail::file_stem(service);
      } else if (auto home = detail::data_home()) {
        dir = home.value() / "securestore" / "stores" / detail::file_stem(service);
      } else {
        config_error = home.error();
      }
      keys.use_passphrase_record(dir / detail::passphrase_record_name);
      if constexpr (requires(Keyring & k, securestore::interaction i) { k.set_interaction(i); }) {
        keyring.set_interaction(options.interaction.value_or(default_interaction()));
      }
    }

    static std::filesystem::path root_path(const store_options& opts) {
      if (!opts.root_secret_path.empty()) return opts.root_secret_path;
      if (auto home = detail::data_home()) return home.value() / "securestore" / "root.key";
      return opts.fallback_dir.parent_path() / "securestore-root.key";  // no home: beside, not inside
    }

    static securestore::interaction default_interaction() {
      const bool display = std::getenv("DISPLAY") != nullptr || std::getenv("WAYLAND_DISPLAY") != nullptr;
      return display || ::isatty(STDIN_FILENO) != 0 ? interaction::allowed : interaction::never;
    }

    std::string service;
    store_options options;
    Keyring keyring;
    Cipher cipher;
    Fs fs;
    Clock clock;
    detail::keyring_gate<Keyring, Clock> gate;
    detail::key_source<Fs> keys;
    std::filesystem::path dir;
    std::optional<error> config_error;
    bool forced_file = false;
    std::atomic<bool> keyring_marker_seen{false};  // a stale false only costs one more read
    std::mutex write_mutex;  // serialises writers in this process; the flock does it across processes
  };

  // --- operations -------------------------------------------------------------------------------

  result<void> set_impl(std::string_view key, std::string_view value) {
    if (auto valid = check_key(key); !valid) return valid;
    if (value.empty()) {
      return error{errc::invalid_argument, "store: the value is empty; store a non-empty value, or remove the key"};
    }
    if (value.size() > max_file_value_bytes) {
      return error{errc::invalid_argument,
                   detail::concat("store: the value has ", value.size(), " bytes, more than the limit of ",
                                  max_file_value_bytes, "; store a smaller value")};
    }
    auto guard = lock_writes();
    if (!guard) return guard.error();

    if (m_->forced_file) return write_file(guard.value(), key, value);
    if (!keyring_usable()) {
      if (auto latched = m_->gate.latched()) return *latched;
      if (m_->options.fallback == fallback_policy::deny) return keyring_unavailable_error();
      return write_file(guard.value(), key, value);
    }
    if (auto limit = keyring_limit(key, value)) {
      if (m_->options.fallback == fallback_policy::deny) return *limit;
      return write_file(guard.value(), key, value);
    }
    mark_keyring_used(guard.value());
    if (auto stored = m_->keyring.set(m_->service, key, value); !stored) {
      note_keyring_failure(stored.error());
      const auto code = stored.error().code();
      const bool outage = code == errc::unavailable || code == errc::timeout;
      if (!outage || m_->options.fallback == fallback_policy::deny) return stored.error();
      return write_file(guard.value(), key, value);
    }
    // The keyring now holds the newest value: an older file must not outlive it. If it cannot
    // be removed, it must at least not hold an older value (a later read would promote that).
    auto removed = m_->fs.remove(entry_path(key));
    if (removed || write_file(guard.value(), key, value)) return success();
    return error{removed.error().code(), detail::concat(removed.error().message(),
                                                        " (the keyring holds the new value, but this older "
                                                        "file would be read first: remove it by hand)")};
  }

  result<found_value> lookup(std::string_view key) {
    if (auto valid = check_key(key); !valid) return valid.error();
    auto from_file = read_file(key);
    if (from_file) {
      if (!m_->forced_file) promote(key, from_file.value());
      return found_value{std::move(from_file.value()), location::file};
    }
    if (from_file.error().code() != errc::not_found || m_->forced_file) return from_file.error();

    if (!keyring_can_name(key)) {
      return error{errc::not_found, detail::concat("store: no entry '", key, "' in ", m_->dir.native(),
                                                   " (a name the keyring cannot hold); store it first")};
    }
    if (!keyring_usable()) {
      if (auto hidden = keyring_hides_entries()) return *hidden;
      return error{errc::not_found, detail::concat("store: no entry '", key, "' in ", m_->dir.native(),
                                                   " (the keyring is unavailable); store it first")};
    }
    auto from_keyring = m_->keyring.get(m_->service, key);
    if (!from_keyring) {
      if (from_keyring.error().code() != errc::not_found) note_keyring_failure(from_keyring.error());
      return from_keyring.error();
    }
    return found_value{std::move(from_keyring.value()), location::keyring};
  }

  // The keyring goes first: if it cannot be reached while it may hold the key, nothing is
  // removed, because removing only the file would bring the keyring's older value back.
  result<bool> remove_impl(std::string_view key) {
    if (auto valid = check_key(key); !valid) return valid.error();
    auto guard = lock_writes();
    if (!guard) return guard.error();
    bool from_keyring = false;
    if (!m_->forced_file && keyring_can_name(key)) {
      if (keyring_usable()) {
        auto removed = m_->keyring.remove(m_->service, key);
        if (!removed) {
          note_keyring_failure(removed.error());
          return removed.error();
        }
        from_keyring = removed.value();
      } else if (auto hidden = keyring_hides_entries()) {
        return *hidden;
      }
    }
    auto from_file = m_->fs.remove(entry_path(key));
    if (!from_file) return from_file.error();
    return from_keyring || from_file.value();
  }

  result<std::vector<std::string>> list_impl() {
    if (m_->config_error) return *m_->config_error;
    auto names = list_files();
    if (!names) return names.error();
    if (!m_->forced_file) {
      if (keyring_usable()) {
        auto from_keyring = m_->keyring.list(m_->service);
        if (!from_keyring) {
          note_keyring_failure(from_keyring.error());
          return from_keyring.error();
        }
        for (auto& name : from_keyring.value()) {
          if (!name.starts_with(detail::reserved_prefix)) names.value().push_back(std::move(name));
        }
      } else if (auto hidden = keyring_hides_entries()) {
        return *hidden;
      }
    }
    auto& all = names.value();
    std::sort(all.begin(), all.end());  // std::string's order is byte-wise (char_traits<char>::lt)
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return names;
  }

  // --- the keyring --------------------------------------------------------------------------------

  bool keyring_usable() {
    if (m_->forced_file || m_->config_error) return false;
    return m_->gate.usable(m_->service, [&](const result<void>& outcome, bool latched_now) {
      emit("probe", {}, outcome ? std::nullopt : std::optional<errc>{outcome.error().code()},
           std::chrono::microseconds{0});
      if (latched_now) warn_latched(outcome.error().code());
    });
  }

  void note_keyring_failure(const error& e) {
    if (m_->gate.note_failure(e)) warn_latched(e.code());
  }

  // The one warning of a latch: through the log sink, else on stderr.
  void warn_latched(errc code) {
    static constexpr std::string_view note =
        "the keyring is locked or refused access; securestore has turned it off for this process "
        "(unlock it and restart, or set SECURESTORE_BACKEND=file)";
    if (m_->options.log) {
      m_->options.log(
          log_event{.operation = "latch", .backend = keyring_name(), .outcome = code, .warning = true, .note = note});
    } else {
      std::fprintf(stderr, "securestore: %.*s\n", static_cast<int>(note.size()), note.data());
    }
  }

  // When the keyring may hold entries it cannot show now, absence cannot be proven, and the
  // answer is the keyring's state, never not_found: latched off (locked/denied), hanging
  // (timeout), or down while it may hold this service's entries (an outage: unavailable). A
  // keyring that never held any (no daemon on this host, no marker) hides nothing of ours.
  std::optional<error> keyring_hides_entries() {
    if (auto latched = m_->gate.latched()) return latched;
    const auto status = m_->gate.status(keyring_name());
    if (status.state == keyring_state::busy) {
      return error{errc::timeout, detail::concat(keyring_name(), ": the keyring did not answer (", status.reason,
                                                 "); retry, or set SECURESTORE_BACKEND=file")};
    }
    if (keyring_may_hold_entries()) {
      return error{errc::unavailable, detail::concat(keyring_name(), ": the keyring is not answering (", status.reason,
                                                     ") and may hold this entry; retry once it is back, or set "
                                                     "SECURESTORE_BACKEND=file to work with the file store alone")};
    }
    return std::nullopt;
  }

  error keyring_unavailable_error() {
    const auto status = m_->gate.status(keyring_name());
    return error{errc::unavailable,
                 detail::concat(keyring_name(), ": the keyring cannot be used (",
                                status.reason.empty() ? std::string{"probe failed"} : status.reason,
                                ") and the fallback policy is deny; start a keyring, or allow the file fallback")};
  }

  // Whether this service's entries may be in the keyring while it cannot be asked: it worked
  // earlier in this process, or some process once stored an entry of this service there (the
  // marker file). Without either, a keyring that is not there holds nothing of ours: a host
  // without a Secret Service answers not_found, not unavailable, for a key it never had.
  bool keyring_may_hold_entries() {
    if (m_->keyring.capabilities().max_value_bytes == 0) return false;  // null_keyring holds nothing
    if (m_->gate.seen_available() || m_->keyring_marker_seen) return true;
    m_->keyring_marker_seen = m_->fs.read(m_->dir / detail::keyring_marker).has_value();
    return m_->keyring_marker_seen;
  }

  // Leaves the marker before the first keyring write of this store (once per process; the file
  // is written once per service and directory), so no process can find the keyring down and
  // conclude it held nothing. Best effort: where no directory can exist, no file can be stale.
  void mark_keyring_used(const write_guard& guard) {
    if (m_->keyring_marker_seen || guard.no_directory) return;
    const auto marker = m_->dir / detail::keyring_marker;
    m_->keyring_marker_seen =
        m_->fs.read(marker).has_value() ||
        m_->fs.write_atomic(marker, "entries of this service are kept in the keyring\n").has_value();
  }

  // A value or name the keyring cannot hold whole: it is never truncated.
  std::optional<error> keyring_limit(std::string_view key, std::string_view value) const {
    const auto caps = m_->keyring.capabilities();
    if (value.size() > caps.max_value_bytes) {
      return error{
          errc::invalid_argument,
          detail::concat(caps.backend, ": the value has ", value.size(), " bytes, more than the keyring's limit of ",
                         caps.max_value_bytes, "; store a smaller value, or allow the file fallback")};
    }
    if (!keyring_can_name(key)) {
      return error{errc::invalid_argument,
                   detail::concat(caps.backend, ": the keyring cannot hold this key name (at most ",
                                  caps.max_name_bytes, " bytes with the service name",
                                  caps.nul_in_names ? "" : ", no NUL", caps.utf8_names_only ? ", valid UTF-8" : "",
                                  "); choose another name, or allow the file fallback")};
    }
    return std::nullopt;
  }

  // Whether the keyring could hold an entry of this name at all; if not, none is there.
  bool keyring_can_name(std::string_view key) const {
    const auto caps = m_->keyring.capabilities();
    return m_->service.size() + key.size() <= caps.max_name_bytes &&
           (caps.nul_in_names || key.find('\0') == std::string_view::npos) &&
           (!caps.utf8_names_only || detail::is_valid_utf8(key));
  }

  // A file read while the keyring works is moved into it (the file held the newest value).
  // Best effort: on any failure the file stays, and stays authoritative.
  void promote(std::string_view key, const secret& value) {
    if (!keyring_usable() || keyring_limit(key, value.reveal())) return;
    auto guard = lock_writes();
    if (!guard) return;
    auto current = read_file(key);  // another writer may have replaced or removed it meanwhile
    if (!current || !(current.value() == value)) return;
    mark_keyring_used(guard.value());
    if (auto stored = m_->keyring.set(m_->service, key, value.reveal()); !stored) {
      note_keyring_failure(stored.error());
      return;
    }
    (void)m_->fs.remove(entry_path(key));
    emit("promote", key, std::nullopt, std::chrono::microseconds{0});
  }

  std::string_view keyring_name() const noexcept { return m_->keyring.capabilities().backend; }

  // --- the file store -----------------------------------------------------------------------------

  result<void> check_key(std::string_view key) const {
    if (m_->config_error) return *m_->config_error;
    if (key.empty() || key.size() > detail::max_key_bytes) {
      return error{errc::invalid_argument, detail::concat("store: a key name must be 1 to ", detail::max_key_bytes,
                                                          " bytes (this one has ", key.size(), "); choose another")};
    }
    if (key.starts_with(detail::reserved_prefix)) {
      return error{errc::invalid_argument, detail::concat("store: names starting with ", detail::reserved_prefix,
                                                          " are reserved for securestore; choose another")};
    }
    return success();
  }

  std::filesystem::path entry_path(std::string_view key) const {
    return m_->dir / detail::concat(detail::file_stem(key), detail::entry_suffix);
  }

  // Serialises writers: a mutex in the process, a lock file across processes. When the fallback
  // directory is missing and cannot be made (a read-only home), no file can exist to race on,
  // so keyring writes go ahead under the mutex alone and file writes report why they cannot.
  result<write_guard> lock_writes() {
    std::unique_lock in_process{m_->write_mutex};
    if (auto dir = m_->fs.ensure_directory(m_->dir); !dir) {
      std::error_code ignored;
      if (std::filesystem::exists(m_->dir, ignored)) return dir.error();
      return write_guard{std::move(in_process), {}, dir.error()};
    }
    auto held = m_->fs.lock(m_->dir / ".lock");
    if (!held) return held.error();
    return write_guard{std::move(in_process), std::move(held.value()), std::nullopt};
  }

  result<void> write_file(const write_guard& guard, std::string_view key, std::string_view value) {
    if (guard.no_directory) return *guard.no_directory;
    auto master = m_->keys.master_for_write();
    if (!master) return master.error();
    envelope e;
    e.key = std::string{key};
    e.aead = std::string{Cipher::name};
    e.kdf = master.value().first;
    e.salt = detail::random_bytes(kdf_salt_bytes);
    e.nonce = detail::random_bytes(Cipher::nonce_bytes);
    const auto aad = envelope_aad(Cipher::name, m_->service, key);
    const auto entry_key = detail::derive_entry_key(*master.value().second, e.salt, aad);
    auto sealed = m_->cipher.seal(entry_key, e.nonce, aad, value);
    if (!sealed) return sealed.error();
    e.sealed = std::move(sealed.value());
    return m_->fs.write_atomic(entry_path(key), encode_envelope(e));
  }

  result<secret> read_file(std::string_view key) {
    const auto path = entry_path(key);
    auto bytes = m_->fs.read(path);
    if (!bytes) return bytes.error();
    const auto where = detail::concat("file ", path.native());
    auto e = decode_envelope(bytes.value(), where, Cipher::nonce_bytes, Cipher::tag_bytes);
    if (!e) return e.error();
    if (e.value().key != key) {
      return error{errc::corrupt, detail::concat(where,
                                                 ": holds the entry of another key (copied or renamed); "
                                                 "delete it and store the key again")};
    }
    if (e.value().aead != Cipher::name) {
      return error{errc::corrupt, detail::concat(where, ": sealed with ", e.value().aead, " but this store uses ",
                                                 Cipher::name, "; open it with a store of that cipher")};
    }
    auto master = m_->keys.master_for(e.value().kdf, where);
    if (!master) return master.error();
    const auto aad = envelope_aad(Cipher::name, m_->service, key);
    const auto entry_key = m_->keys.entry_key(master.value(), e.value().salt, aad);
    auto opened = m_->cipher.open(entry_key, e.value().nonce, aad, e.value().sealed);
    if (!opened) return error{errc::corrupt, detail::concat(where, ": ", opened.error().message())};
    return opened;
  }

  // Names come from file names; a hashed (long) name is read from its envelope, unverified
  // (list promises names, not values). Files that no key could have produced are skipped.
  result<std::vector<std::string>> list_files() {
    auto entries = m_->fs.list(m_->dir);
    if (!entries) return entries.error();
    std::vector<std::string> names;
    names.reserve(entries.value().size());
    for (const auto& file : entries.value()) {
      if (!file.ends_with(detail::entry_suffix)) continue;
      const std::string_view stem{file.data(), file.size() - detail::entry_suffix.size()};
      if (detail::is_hashed_stem(stem)) {
        if (auto name = hashed_entry_name(file, stem)) names.push_back(std::move(*name));
      } else if (auto name = detail::unescape_name(stem); name && !name->starts_with(detail::reserved_prefix)) {
        names.push_back(std::move(*name));
      }
    }
    return names;
  }

  std::optional<std::string> hashed_entry_name(const std::string& file, std::string_view stem) {
    auto bytes = m_->fs.read(m_->dir / file);
    if (!bytes) return std::nullopt;
    auto e = decode_envelope(bytes.value(), file, Cipher::nonce_bytes, Cipher::tag_bytes);
    if (!e || detail::file_stem(e.value().key) != stem) return std::nullopt;
    return std::move(e.value().key);
  }

  // --- logging and audit --------------------------------------------------------------------------

  template <class Operation>
  auto observe(std::string_view operation, std::string_view key, Operation&& run) {
    if (!m_->options.log && !m_->options.audit) return run();
    const auto started = std::chrono::steady_clock::now();
    auto outcome = run();
    const auto code = outcome ? std::nullopt : std::optional<errc>{outcome.error().code()};
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    emit(operation, key, code, elapsed);
    return outcome;
  }

  void emit(std::string_view operation, std::string_view key, std::optional<errc> outcome,
            std::chrono::microseconds elapsed) {
    const std::string_view backend = m_->forced_file ? std::string_view{"file"} : keyring_name();
    if (m_->options.log) {
      m_->options.log(log_event{.operation = operation,
                                .backend = backend,
                                .outcome = outcome,
                                .duration = elapsed,
                                .key_hash = key.empty() ? std::string{} : detail::name_digest(key).substr(0, 12)});
    }
    if (m_->options.audit) {
      m_->options.audit(audit_record{.time = std::chrono::system_clock::now(),
                                     .operation = operation,
                                     .key = std::string{key},
                                     .backend = backend,
                                     .outcome = outcome});
    }
  }

  std::unique_ptr<members> m_;  // on the heap so the store can move while the gate refers into it
};

}  // namespace securestore

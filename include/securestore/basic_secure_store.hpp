// basic_secure_store.hpp: the store: keyring first, an authenticated-encrypted file when the
// keyring cannot be used, and the rules that keep the two from ever disagreeing.
#pragma once

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/format/envelope.hpp>
#include <securestore/detail/format/file_names.hpp>
#include <securestore/detail/platform/path_text.hpp>
#include <securestore/detail/store/config.hpp>
#include <securestore/detail/store/file_entries.hpp>
#include <securestore/detail/store/keyring_absence.hpp>
#include <securestore/detail/store/keyring_gate.hpp>
#include <securestore/detail/store/keyring_marker.hpp>
#include <securestore/detail/store/keyring_rules.hpp>
#include <securestore/detail/store/observer.hpp>
#include <securestore/detail/store/shared_rule.hpp>
#include <securestore/detail/store/storage_report.hpp>
#include <securestore/error.hpp>
#include <securestore/secret.hpp>
#include <securestore/store_options.hpp>
#include <securestore/store_types.hpp>

namespace securestore {

/// A map from key names to secrets, scoped to one service, kept in the keyring when it can be
/// used and in one encrypted file per key otherwise.
///
/// Invariants: a file, when present, holds the key's newest value (a successful keyring write
/// removes it; a read moves it back into the keyring), so the two stores never disagree and a
/// value written during a keyring outage is never rolled back. `not_found` means absence was
/// proven. Every failure is an errc with a message that never holds a value.
///
/// Thread-safe: share one store between threads. Writes are serialised within the process and,
/// through an advisory lock in the fallback directory, across processes. get(), has() and
/// locate() may write: a file entry found while the keyring works is moved into it. A store may
/// be moved; a moved-from store may only be destroyed or assigned to.
template <keyring_policy Keyring, cipher_policy Cipher, fs_policy Fs, clock_policy Clock = std::chrono::steady_clock>
class basic_secure_store {
  static_assert(keyring_hooks_well_formed<Keyring>() && shared_hooks_well_formed<Keyring>());

 public:
  using keyring_type = Keyring;
  using cipher_type = Cipher;
  using fs_type = Fs;
  using clock_type = Clock;

  /// A store for `service` (non-empty, at most 256 bytes, no NUL). Does no I/O; a bad service
  /// name or an unusable environment is reported by every operation.
  explicit basic_secure_store(std::string service, store_options options = {}, Keyring keyring = {}, Cipher cipher = {},
                              Fs fs = {}, Clock clock = {})
      : m_{std::make_unique<members>(std::move(service), std::move(options), std::move(keyring), std::move(cipher),
                                     std::move(fs), std::move(clock))} {}

  /// Stores `value` under `key`: in the keyring when usable and it can hold the value, else in the
  /// encrypted file when the fallback policy allows. Returns where the value went and, when it went to
  /// the file instead of the keyring, why (stored_at); `if (!store.set(...))` tests for failure. Errors:
  /// invalid_argument (bad key, empty or oversized value, one the keyring cannot hold under `deny`),
  /// unavailable (no keyring under `deny`, or a file-system failure), locked/denied (the keyring
  /// refused; never a silent downgrade), timeout. On failure the previous value is intact.
  [[nodiscard]] result<stored_at> set(std::string_view key, std::string_view value) {
    return observe("set", key, [&](detail::observation& seen) { return set_impl(key, value, seen); });
  }

  /// The value under `key`. errc::not_found only when absence is proven; a keyring that is
  /// locked or latched off answers errc::locked/denied, one that hangs errc::timeout, and one
  /// that may hold the key but cannot be asked (an outage, SECURESTORE_BACKEND=file) unavailable.
  [[nodiscard]] result<secret> get(std::string_view key) {
    return observe("get", key, [&](detail::observation& seen) -> result<secret> {
      auto found = lookup(key, seen);
      if (!found) return found.error();
      return std::move(found.value().first);
    });
  }

  /// Whether `key` has a value: true exactly when get() would return one; errors as get().
  [[nodiscard]] result<bool> has(std::string_view key) {
    return observe("has", key, [&](detail::observation& seen) -> result<bool> {
      auto found = lookup(key, seen);
      if (found) return true;
      if (found.error().code() == errc::not_found) return false;
      return found.error();
    });
  }

  /// Where the value of `key` lives now (after any promotion this call made); errors as get().
  [[nodiscard]] result<location> locate(std::string_view key) {
    return observe("locate", key, [&](detail::observation& seen) -> result<location> {
      auto found = lookup(key, seen);
      if (!found) return found.error();
      return found.value().second;
    });
  }

  /// Removes `key` from both stores: true if something was removed. The keyring goes first; when
  /// it cannot be reached but may hold the key, nothing is removed and the keyring's error is
  /// returned, so an older keyring value can never come back in place of a removed one.
  [[nodiscard]] result<bool> remove(std::string_view key) {
    return observe("remove", key, [&](detail::observation& seen) { return remove_impl(key, seen); });
  }

  /// The names of every key, each once, sorted byte-wise; never the store's own probe entries.
  /// Reads no value and decrypts nothing. When part of the names cannot be read (the keyring may
  /// hold entries but cannot be asked) it fails with that reason: it never presents part of the
  /// names as all of them. list_reachable() gives the part that can be read.
  [[nodiscard]] result<std::vector<std::string>> list() {
    return observe("list", {}, [&](detail::observation& seen) -> result<std::vector<std::string>> {
      auto found = list_impl(seen);
      if (!found) return found.error();
      if (found.value().missing) return *found.value().missing;
      return std::move(found.value().names);
    });
  }

  /// The names that can be read now, and, when the keyring may hold more that cannot be read,
  /// why (`missing`): for a tool that shows what it can with a warning.
  [[nodiscard]] result<name_listing> list_reachable() {
    return observe("list", {}, [&](detail::observation& seen) { return list_impl(seen); });
  }

  /// Whether the keyring can be used now: a probe, cached for probe_ttl. False when
  /// SECURESTORE_BACKEND=file, and while a locked or denied answer latches it off.
  [[nodiscard]] bool keyring_available() { return keyring_usable(); }

  /// Turns a latched-off keyring on again (after the user unlocked it): the next call probes.
  void retry_keyring() { m_->gate.retry(); }

  /// Shared keyring only (concepts.hpp's write rule): keys whose file value met a keyring another host
  /// changed since; get() returns the file value until a set() or remove() settles the key.
  [[nodiscard]] std::vector<std::string> conflicts() const { return m_->revisions.conflicts(); }

  /// The keyring's state (available, absent with a reason a person can act on, busy), after a
  /// probe if one is due.
  [[nodiscard]] keyring_status diagnose() {
    const std::string backend{keyring_name()};
    if (m_->config.problem) return {keyring_state::absent, backend, m_->config.problem->message()};
    if (!holds_entries()) {
      return {keyring_state::absent, backend,
              "built without a keyring backend: build with the CMake target securestore::platform (or "
              "pkg-config's securestore-platform) and use secure_store"};
    }
    if (m_->config.forced_file) {
      return {keyring_state::absent, backend, detail::concat(file_override().name(), " keeps the keyring out")};
    }
    (void)keyring_usable();
    auto status = m_->gate.status(keyring_name());
    if (status.state != keyring_state::available && status.reason.empty()) {
      status.reason = "the keyring did not answer the probe; check that its daemon is running";
    }
    return status;
  }

  /// Seals every file entry again under store_options.passphrase: the explicit step that moves a
  /// store from the root secret to a passphrase, or that re-creates a lost .passphrase record
  /// (whose passphrase the entries then prove). Nothing is written unless every entry opens.
  /// Once a .passphrase record exists this is refused (invalid_argument): an entry that does not
  /// open under the pinned passphrase may have been planted, so name the ones to re-seal.
  /// Returns how many entries were re-sealed.
  [[nodiscard]] result<std::size_t> reseal_file_entries() {
    if (m_->config.problem) return *m_->config.problem;
    auto lock = m_->files.lock_writes();
    if (!lock) return lock.error();
    return m_->files.reseal(lock.value());
  }

  /// Re-seals exactly the file entries named (each must exist and open), leaving every other one
  /// as it is: for entries reseal_candidates() lists that you know you wrote.
  [[nodiscard]] result<std::size_t> reseal_file_entries(const std::vector<std::string>& names) {
    if (m_->config.problem) return *m_->config.problem;
    auto lock = m_->files.lock_writes();
    if (!lock) return lock.error();
    return m_->files.reseal(lock.value(), &names);
  }

  /// The file entries that do not open under this store's passphrase (root-sealed ones, or ones sealed
  /// with other parameters), with their modification times: what a person checks before naming entries
  /// to reseal_file_entries(names). A mistyped passphrase is an error (denied), never an empty list.
  [[nodiscard]] result<std::vector<reseal_candidate>> reseal_candidates() {
    if (m_->config.problem) return *m_->config.problem;
    return m_->files.reseal_candidates();
  }

  /// Sends a warning to store_options::log (nowhere when no sink is set), as the store's own
  /// warnings go: for the domain stores built on this one. `note` must never hold a value.
  void warn(std::string_view operation, errc code, std::string_view note) const {
    m_->log.warn(operation, keyring_name(), code, note);
  }

  /// The directory of this store's encrypted files: fallback_dir / <escaped service name>.
  [[nodiscard]] const std::filesystem::path& fallback_dir() const noexcept { return m_->config.dir; }

  /// Where this store keeps what is not in the keyring, and what seals it (a few stats, no prompt).
  [[nodiscard]] storage_report storage() const { return detail::storage_of(m_->config, keyring_name()); }

 private:
  using found_value = std::pair<secret, location>;
  using write_lock = typename detail::file_entries<Cipher, Fs>::write_lock;

  struct members {
    members(std::string service, store_options opts, Keyring k, Cipher c, Fs f, Clock cl)
        : options{std::move(opts)},
          config{detail::resolve_config(std::move(service), options)},
          keyring{std::move(k)},
          clock{std::move(cl)},
          gate{keyring, clock, options.probe_ttl, config.interaction},
          files{config.service, config.dir, config.root_path, options, std::move(c), std::move(f)},
          log{options} {
      if (!config.problem) config.problem = detail::check_store_config(config, options, keyring.capabilities().backend);
      if (!config.problem) config.problem = detail::check_shared_rule(keyring);
      if constexpr (keyring_with_interaction<Keyring>) {
        keyring.set_interaction(config.interaction);
      }
    }

    store_options options;
    detail::store_config config;
    Keyring keyring;
    Clock clock;
    detail::keyring_gate<Keyring, Clock> gate;
    detail::file_entries<Cipher, Fs> files;
    detail::keyring_marker<Cipher, Fs> marker;
    detail::observer log;
    detail::shared_revisions revisions;  // used only by a shared keyring
  };

  // --- operations -------------------------------------------------------------------------------

  result<stored_at> set_impl(std::string_view key, std::string_view value, detail::observation& seen) {
    if (auto valid = check_key(key); !valid) return valid.error();
    if (auto valid = detail::check_value(value); !valid) return valid.error();
    // `deny` means "never the file": no keyring, or one the override keeps out, is a refusal,
    // answered before the lock (which would create the store's directory).
    if ((m_->config.forced_file || !holds_entries()) && m_->options.fallback == fallback_policy::deny) {
      return detail::deny_without_keyring(holds_entries() && m_->config.forced_file ? std::optional{file_override()}
                                                                                    : std::nullopt);
    }
    auto lock = m_->files.lock_writes();
    if (!lock) return lock.error();
    auto to_file = [&](std::optional<error> why) -> result<stored_at> {
      seen.backend = "file";
      auto written = m_->files.write(lock.value(), key, value, detail::file_base(*m_, key));
      if (!written) return written.error();
      m_->revisions.resolve(key);
      return stored_at{location::file, std::move(why)};
    };

    if (!holds_entries()) return to_file(std::nullopt);  // a file-only store: the file is its place
    if (m_->config.forced_file) return to_file(detail::override_chosen(file_override()));
    if (!keyring_usable()) {
      if (auto latched = m_->gate.latched()) return *latched;
      const auto reason = m_->gate.status(keyring_name()).reason;
      if (m_->options.fallback == fallback_policy::deny) return detail::deny_error(keyring_name(), reason);
      return to_file(detail::unusable_keyring(keyring_name(), reason));
    }
    if (auto limit = detail::keyring_limit(m_->keyring.capabilities(), m_->config.service, key, value)) {
      if (m_->options.fallback == fallback_policy::deny) return *limit;
      return to_file(std::move(limit));
    }
    m_->marker.mark(m_->files, lock.value());
    seen.backend = keyring_name();
    if (auto stored = detail::keyring_write(*m_, key, value); !stored) {
      note_keyring_failure(stored.error());
      const auto code = stored.error().code();
      // invalid_argument: this one value cannot be held (quota, size, name): the keyring stays on.
      const bool to_file_allowed = code == errc::unavailable || code == errc::timeout || code == errc::invalid_argument;
      if (!to_file_allowed || m_->options.fallback == fallback_policy::deny)
        return detail::with_store_remedy(stored.error());
      return to_file(stored.error());
    }
    // The keyring now holds the newest value: an older file must not outlive it. If it cannot
    // be removed, it must at least not hold an older value (a later read would promote that).
    // Every file change happens under the lock we hold, so a directory stamp that proves no file
    // (and no crash leftover) stays true: then there is nothing to remove or sweep.
    if (m_->files.prove_no_file(key)) return stored_at{location::keyring, std::nullopt};
    auto removed = m_->files.remove(lock.value(), key);
    if (removed || m_->files.write(lock.value(), key, value)) return stored_at{location::keyring, std::nullopt};
    return error{removed.error().code(),
                 detail::concat(removed.error().what(),
                                " (the keyring holds the new value, but this older file would be read first)"),
                 "remove it by hand"};
  }

  result<found_value> lookup(std::string_view key, detail::observation& seen) {
    if (auto valid = check_key(key); !valid) return valid.error();
    if (!m_->files.prove_no_file(key)) {  // one stat, instead of an open, while nothing changed
      auto from_file = m_->files.read_with_base(key);
      if (from_file) {
        seen.backend = "file";
        if (!m_->config.forced_file && promote(key, from_file.value())) {
          seen.backend = keyring_name();
          return found_value{std::move(from_file.value().value), location::keyring};
        }
        return found_value{std::move(from_file.value().value), location::file};
      }
      if (from_file.error().code() != errc::not_found) return from_file.error();
    }
    if (!holds_entries()) return detail::absence(m_->config.dir, key, "this store keeps files only");
    if (!detail::keyring_can_name(m_->keyring.capabilities(), m_->config.service, key)) {
      return detail::absence(m_->config.dir, key, "a name the keyring cannot hold");
    }
    if (m_->config.forced_file || !keyring_usable()) {
      if (auto hidden = detail::keyring_hides_entries(*m_)) return *hidden;
      return detail::absence(m_->config.dir, key, "the keyring is unavailable");
    }
    seen.backend = keyring_name();
    auto from_keyring = detail::keyring_read(*m_, key);
    if (!from_keyring) {
      if (from_keyring.error().code() == errc::not_found) return from_keyring.error();
      note_keyring_failure(from_keyring.error());
      return detail::with_store_remedy(from_keyring.error());
    }
    return found_value{std::move(from_keyring.value()), location::keyring};
  }

  result<bool> remove_impl(std::string_view key, detail::observation& seen) {
    if (auto valid = check_key(key); !valid) return valid.error();
    auto lock = m_->files.lock_writes();
    if (!lock) return lock.error();
    m_->revisions.settle(key);
    bool from_keyring = false;
    if (detail::keyring_can_name(m_->keyring.capabilities(), m_->config.service, key)) {
      if (!m_->config.forced_file && keyring_usable()) {
        seen.backend = keyring_name();
        auto removed = m_->keyring.remove(m_->config.service, key);
        if (!removed) {
          note_keyring_failure(removed.error());
          return detail::with_store_remedy(removed.error());
        }
        from_keyring = removed.value();
      } else if (auto hidden = detail::keyring_hides_entries(*m_)) {
        return *hidden;
      }
    }
    if (m_->files.prove_no_file(key)) return from_keyring;  // as in set_impl: no file, no leftover
    auto from_file = m_->files.remove(lock.value(), key);
    if (!from_file) return from_file.error();
    if (from_file.value()) seen.backend = "file";
    return from_keyring || from_file.value();
  }

  result<name_listing> list_impl(detail::observation& seen) {
    if (m_->config.problem) return *m_->config.problem;
    auto names = m_->files.names();
    if (!names) return names.error();
    name_listing out;
    out.names = std::move(names.value());
    if (holds_entries()) {
      if (!m_->config.forced_file && keyring_usable()) {
        seen.backend = keyring_name();
        auto from_keyring = m_->keyring.list(m_->config.service);
        if (!from_keyring) {
          note_keyring_failure(from_keyring.error());
          out.missing = detail::with_store_remedy(from_keyring.error());
        } else {
          for (auto& name : from_keyring.value()) {
            if (!name.starts_with(detail::reserved_prefix)) out.names.push_back(std::move(name));
          }
        }
      } else {
        out.missing = detail::keyring_hides_entries(*m_);
      }
    }
    std::sort(out.names.begin(), out.names.end());  // std::string's order is byte-wise
    out.names.erase(std::unique(out.names.begin(), out.names.end()), out.names.end());
    return out;
  }

  // --- the keyring --------------------------------------------------------------------------------

  bool holds_entries() const noexcept { return m_->keyring.capabilities().holds_entries; }

  bool keyring_usable() {
    if (m_->config.forced_file || m_->config.problem || !holds_entries()) return false;
    return m_->gate.usable(m_->config.service, [&](const result<void>& outcome, bool latched_now) {
      m_->log.emit("probe", {}, keyring_name(), outcome ? std::nullopt : std::optional<errc>{outcome.error().code()},
                   std::chrono::microseconds{0});
      if (latched_now) warn_latched(outcome.error().code());
    });
  }

  void note_keyring_failure(const error& e) {
    if (m_->gate.note_failure(e)) warn_latched(e.code());
  }

  void warn_latched(errc code) { m_->log.warn("latch", keyring_name(), code, detail::latched_warning); }

  // A file read while the keyring works is moved into it (the file held the newest value; on a
  // shared keyring, only onto the revision it was based on: detail/store/shared_rule.hpp).
  // Best effort: on any failure the file stays, and stays authoritative. True if it moved.
  bool promote(std::string_view key, const detail::file_value& file) {
    if (!holds_entries() || !keyring_usable() ||
        detail::keyring_limit(m_->keyring.capabilities(), m_->config.service, key, file.value.reveal()))
      return false;
    auto done = detail::promote_file_value(*m_, key, file);
    if (done.keyring_failure) note_keyring_failure(*done.keyring_failure);
    return done.moved;
  }

  std::string_view keyring_name() const noexcept { return m_->keyring.capabilities().backend; }
  detail::file_override file_override() const noexcept { return {m_->config.chosen_by_options}; }

  // --- names and observation ----------------------------------------------------------------------

  result<void> check_key(std::string_view key) const {
    if (m_->config.problem) return *m_->config.problem;
    return detail::check_key_name(key);
  }

  template <class Operation>
  auto observe(std::string_view operation, std::string_view key, Operation&& run) {
    const bool file_only = m_->config.forced_file || !holds_entries();
    return m_->log.observe(operation, key, file_only ? std::string_view{"file"} : keyring_name(),
                           std::forward<Operation>(run));
  }

  std::unique_ptr<members> m_;  // on the heap so the store can move while the gate refers into it
};

}  // namespace securestore

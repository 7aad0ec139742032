// detail/store/shared_rule.hpp: how the store reads, writes and promotes through its keyring,
// with concepts.hpp's write rule for a shared keyring: the revision last seen per key, a file
// value's base, and promotion only onto that base, else a visible conflict.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/store/file_entries.hpp>
#include <securestore/error.hpp>
#include <securestore/secret.hpp>

namespace securestore::detail {

/// What a store over a shared keyring remembers: per key, the revision it last read or wrote
/// there, and the keys whose file value met a keyring that had moved on. Thread-safe.
class shared_revisions {
 public:
  void seen(std::string_view key, keyring_revision revision) {
    std::lock_guard lock{mutex_};
    seen_.insert_or_assign(std::string{key}, revision);
  }
  /// set() or remove() settled the key: its conflict is over, its next revision is unknown.
  void settle(std::string_view key) {
    std::lock_guard lock{mutex_};
    if (auto it = seen_.find(key); it != seen_.end()) seen_.erase(it);
    if (auto it = conflicts_.find(key); it != conflicts_.end()) conflicts_.erase(it);
  }
  [[nodiscard]] std::optional<keyring_revision> base_of(std::string_view key) const {
    std::lock_guard lock{mutex_};
    auto it = seen_.find(key);
    if (it == seen_.end()) return std::nullopt;
    return it->second;
  }
  /// A new value of the key was written to the file: any conflict is over, its base is kept.
  void resolve(std::string_view key) {
    std::lock_guard lock{mutex_};
    if (auto it = conflicts_.find(key); it != conflicts_.end()) conflicts_.erase(it);
  }
  void conflict(std::string_view key) {
    std::lock_guard lock{mutex_};
    conflicts_.emplace(key);
  }
  [[nodiscard]] std::vector<std::string> conflicts() const {
    std::lock_guard lock{mutex_};
    return {conflicts_.begin(), conflicts_.end()};
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, keyring_revision, std::less<>> seen_;
  std::set<std::string, std::less<>> conflicts_;
};

/// Whether the store's keyring is shared and offers the write rule's revisions.
template <class Keyring>
[[nodiscard]] bool uses_shared_rule(const Keyring& keyring) noexcept {
  if constexpr (shared_keyring<Keyring>) {
    return keyring.capabilities().shared;
  } else {
    return false;
  }
}

/// A keyring that says it is shared but offers no revisions would lose other hosts' updates.
template <class Keyring>
[[nodiscard]] std::optional<error> check_shared_rule(const Keyring& keyring) {
  if (!keyring.capabilities().shared || shared_keyring<Keyring>) return std::nullopt;
  return error{errc::invalid_argument,
               concat("store: the keyring ", keyring.capabilities().backend,
                      " is shared but offers no get_revisioned and set_if (concepts.hpp's write rule)"),
               "give the keyring those members, or do not declare it shared"};
}

/// get(), noting the revision when the keyring is shared.
template <class M>
[[nodiscard]] result<secret> keyring_read(M& m, std::string_view key) {
  if constexpr (shared_keyring<decltype(m.keyring)>) {
    if (uses_shared_rule(m.keyring)) {
      auto found = m.keyring.get_revisioned(m.config.service, key);
      if (!found) {
        // Absence is a revision too: a value written to the file next is based on "no entry".
        if (found.error().code() == errc::not_found) m.revisions.seen(key, no_entry);
        return found.error();
      }
      m.revisions.seen(key, found.value().revision);
      return std::move(found.value().value);
    }
  }
  return m.keyring.get(m.config.service, key);
}

/// set(), unconditional (the last writer wins); on a shared keyring it records the revision made.
template <class M>
[[nodiscard]] result<void> keyring_write(M& m, std::string_view key, std::string_view value) {
  if constexpr (shared_keyring<decltype(m.keyring)>) {
    if (uses_shared_rule(m.keyring)) {
      auto written = m.keyring.set_if(m.config.service, key, value, std::nullopt);
      if (!written) return written.error();
      m.revisions.settle(key);
      if (written.value()) m.revisions.seen(key, *written.value());
      return success();
    }
  }
  return m.keyring.set(m.config.service, key, value);
}

/// The base a value written to the file now carries: on a shared keyring, the revision last seen.
template <class M>
[[nodiscard]] std::optional<std::uint64_t> file_base(const M& m, std::string_view key) {
  if (!uses_shared_rule(m.keyring)) return std::nullopt;
  return m.revisions.base_of(key);
}

/// How moving a file value into the keyring ended.
struct promotion {
  bool moved = false;                    ///< the keyring holds the value now, and the file is gone
  std::optional<error> keyring_failure;  ///< the keyring's error, for the store's latch
};

/// Moves `file`, the value of `key`'s file, into the keyring, under the store's write lock, if
/// the file still holds it. On a shared keyring only onto the revision the value was based on
/// (none: onto no entry); when the keyring moved on, the file stays and the key is a conflict,
/// unless the keyring already holds the same value. The caller checked that the keyring is
/// usable and can hold the value.
template <class M>
[[nodiscard]] promotion promote_file_value(M& m, std::string_view key, const file_value& file) {
  auto lock = m.files.lock_writes();
  if (!lock) return {};
  auto current = m.files.read(key);  // another writer may have replaced or removed it meanwhile
  if (!current || !(current.value() == file.value)) return {};
  m.marker.mark(m.files, lock.value());
  if constexpr (shared_keyring<decltype(m.keyring)>) {
    if (uses_shared_rule(m.keyring)) {
      auto written = m.keyring.set_if(m.config.service, key, file.value.reveal(), file.base.value_or(no_entry));
      if (!written) return {false, written.error()};
      if (written.value()) {
        m.revisions.seen(key, *written.value());
      } else {
        auto there = m.keyring.get_revisioned(m.config.service, key);
        if (!there && there.error().code() != errc::not_found) return {false, there.error()};
        if (!there || !(there.value().value == file.value)) {
          if (there) m.revisions.seen(key, there.value().revision);
          m.revisions.conflict(key);
          m.log.warn("promote", m.keyring.capabilities().backend, errc::unavailable,
                     "another host changed this key in the shared keyring since this host's file value was "
                     "written; both are kept (conflicts() lists it) until a set() or remove() settles it");
          return {};
        }
        m.revisions.seen(key, there.value().revision);  // it holds this value already
      }
      auto removed = m.files.remove(lock.value(), key);
      m.log.emit("promote", key, m.keyring.capabilities().backend, std::nullopt, std::chrono::microseconds{0});
      return {removed.has_value(), std::nullopt};
    }
  }
  if (auto stored = m.keyring.set(m.config.service, key, file.value.reveal()); !stored) {
    return {false, stored.error()};
  }
  auto removed = m.files.remove(lock.value(), key);
  m.log.emit("promote", key, m.keyring.capabilities().backend, std::nullopt, std::chrono::microseconds{0});
  return {removed.has_value(), std::nullopt};
}

}  // namespace securestore::detail

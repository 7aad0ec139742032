// keyring/secret_service/item_cache.hpp: what one process remembers about the Secret Service
// between calls (item path -> names, whether the default collection is unlocked, pending prompts)
// and the rules that keep it exact, driven by the service's signals. No platform headers: the
// connection's message filter parses each signal into an ss_signal, and tests feed them directly.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <securestore/concepts.hpp>
#include <securestore/keyring/secret_service/names.hpp>

namespace securestore::detail {

/// The attributes of one of our items, as the cache remembers them.
struct ss_item_names {
  std::string service;
  std::string account;
};

/// The accounts of `service` among `items`, sorted, each once.
[[nodiscard]] inline std::vector<std::string> ss_accounts_of(std::vector<ss_item_names> items,
                                                             std::string_view service) {
  std::vector<std::string> names;
  for (auto& item : items) {
    if (item.service == service) names.push_back(std::move(item.account));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

/// Each service among `items` with its number of distinct accounts, sorted by service.
[[nodiscard]] inline std::vector<service_keys> ss_count_services(std::vector<ss_item_names> items) {
  std::map<std::string, std::set<std::string>> accounts;
  for (auto& item : items) accounts[std::move(item.service)].insert(std::move(item.account));
  std::vector<service_keys> out;
  for (const auto& [service, names] : accounts) out.push_back({service, names.size()});
  return out;
}

/// One incoming signal, as the cache needs it.
struct ss_signal {
  std::string sender;          ///< the sender's unique name (the bus driver: "org.freedesktop.DBus"); set by the bus
  std::string path;            ///< the object that emitted it
  std::string interface;       ///< its interface
  std::string member;          ///< its name
  std::string argument;        ///< its first argument when that is a string or an object path
  std::string new_owner;       ///< NameOwnerChanged's third argument
  std::optional<bool> locked;  ///< PropertiesChanged: the new Locked value, when among the changes
  bool locked_invalidated = false;  ///< PropertiesChanged: Locked among the invalidated properties
  std::optional<bool> dismissed;    ///< Prompt.Completed: whether the prompt was dismissed
};

/// What a signal meant for the owner of the cache.
struct ss_signal_effect {
  bool owner_changed = false;  ///< the service restarted or left: open a new session
  bool may_be_usable = false;  ///< the keyring may have become usable again (for on_change)
};

/// The cache and its rules. Thread-safe; its mutex is never held across a D-Bus call.
///
/// Why the names cache is exact. list() sends one SearchItems (one round trip; it returns item
/// paths, not attributes) and needs each path's account. The cache maps path -> (service,
/// account) and is filled by this process's own CreateItem replies and attribute reads. A cached
/// entry could go stale in three ways, each closed here:
///  1. The item is deleted, or its attributes are changed, by anyone: the Secret Service API
///     requires ItemDeleted / ItemChanged signals on the collection (gnome-keyring emits them
///     before it replies to the call that made the change). The connection subscribes to them and
///     its message filter, which sees every incoming message in arrival order, calls apply() at
///     once. Because one sender's messages arrive in order, every change the daemon made before
///     answering our SearchItems has been applied before we read that answer.
///  2. A fill races a change: apply() stamps each path it evicts with a sequence number; a fill
///     is dropped when its path was touched after the fill's request was sent (`seq_before`).
///     ItemCreated does not touch: a new path cannot be cached unless it was deleted first.
///  3. The daemon restarts, and a new one reuses paths for other items: NameOwnerChanged for
///     org.freedesktop.secrets clears the whole cache (and forces a new session); so does a new
///     connection (clear()).
/// The same signals keep one more fact: that the default collection is unlocked, which is what
/// lets a search that matched nothing prove absence without asking again. A PropertiesChanged of
/// the default collection that lists Locked sets it (gnome-keyring emits one on every lock and
/// unlock; a write changes only Items and Modified); any Collection* signal forgets it.
/// A third map, key -> item path, lets get be one GetSecret and an overwrite one SetSecret. It
/// holds a path only when a reply proved it the sole item under its names, and forgets it on the
/// signals above; an ItemCreated whose names are unknown suspends every answer until the names
/// are read (another client may have made a second item under the same names). Every rule trusts only signals
/// whose sender is the Secret Service's current unique name (GetNameOwner, then NameOwnerChanged from the bus driver).
/// The cache holds names only, never a value, and is bounded (cleared past `max_touched` evictions).
class ss_item_cache {
 public:
  static constexpr std::size_t max_touched = 4096;

  /// The sequence number to pass to remember() for a request sent after this call.
  [[nodiscard]] std::uint64_t sequence() {
    std::lock_guard lock{mutex_};
    return sequence_;
  }

  /// Forgets everything (a new connection or session).
  void clear() {
    std::lock_guard lock{mutex_};
    clear_locked();
  }

  /// Records the Secret Service's unique bus name from a GetNameOwner reply to a request sent at
  /// `seq_before` ("" when nobody owns the name), unless a NameOwnerChanged arrived since (then
  /// that signal's owner is the newer answer).
  void set_owner(std::string unique_name, std::uint64_t seq_before) {
    std::lock_guard lock{mutex_};
    if (owner_changed_at_ > seq_before) return;
    owner_ = std::move(unique_name);
    owner_known_ = true;
  }
  /// The default collection's path: its PropertiesChanged(Locked) signals set the lock state.
  void set_collection(std::string path) {
    std::lock_guard lock{mutex_};
    collection_ = std::move(path);
  }

  /// The Secret Service's unique bus name, as far as the cache knows ("" when unknown or none).
  [[nodiscard]] std::string owner() {
    std::lock_guard lock{mutex_};
    return owner_;
  }

  /// The cached names of an item path, if known and untouched since.
  [[nodiscard]] std::optional<ss_item_names> lookup(const std::string& path) {
    std::lock_guard lock{mutex_};
    auto it = names_.find(path);
    if (it == names_.end()) return std::nullopt;
    return it->second;
  }

  /// Caches an item's names learned from a reply to a request sent at `seq_before`, unless the
  /// path changed (or the cache was cleared) since. With `sole`, the reply also proved it the only
  /// item under those names (a SearchItems that matched it alone, or our own CreateItem after a
  /// search that matched nothing): then path_of() may name it.
  void remember(const std::string& path, ss_item_names names, std::uint64_t seq_before, bool sole = false) {
    std::lock_guard lock{mutex_};
    created_.erase(path);
    if (cleared_at_ > seq_before) return;
    if (auto it = touched_.find(path); it != touched_.end() && it->second > seq_before) return;
    const auto key = key_of(names);
    if (auto it = paths_.find(key); it != paths_.end() && it->second != path) paths_.erase(it);  // two items
    if (sole) paths_[key] = path;
    names_[path] = std::move(names);
  }

  /// The one item path under `names`, if known exact: no signal touched it since, and no item was
  /// created since whose names the cache does not know (another client may have made a second
  /// item under the same names; created_paths() lists them to resolve).
  [[nodiscard]] std::optional<std::string> path_of(const ss_item_names& names) {
    std::lock_guard lock{mutex_};
    if (!created_.empty()) return std::nullopt;
    auto it = paths_.find(key_of(names));
    if (it == paths_.end()) return std::nullopt;
    return it->second;
  }
  /// Items created (ItemCreated) whose names the cache does not know yet.
  [[nodiscard]] std::vector<std::string> created_paths() {
    std::lock_guard lock{mutex_};
    return {created_.begin(), created_.end()};
  }
  /// An item from created_paths() turned out not to be one of ours (or is gone).
  void forget_created(const std::string& path) {
    std::lock_guard lock{mutex_};
    created_.erase(path);
  }

  /// Whether the default collection is known to be unlocked: it was read as unlocked and no
  /// signal that could mean a change of its state arrived since.
  [[nodiscard]] bool known_unlocked() {
    std::lock_guard lock{mutex_};
    return unlocked_;
  }
  /// Records that the collection was read as unlocked in a reply to a request sent at `seq_before`.
  void remember_unlocked(std::uint64_t seq_before) {
    std::lock_guard lock{mutex_};
    if (state_touched_ <= seq_before && cleared_at_ <= seq_before) unlocked_ = true;
  }

  /// Call before Prompt() so its Completed signal cannot be missed.
  void watch_prompt(const std::string& path) {
    std::lock_guard lock{mutex_};
    prompts_[path] = std::nullopt;
  }
  /// Waits for a watched prompt's Completed: true if completed, false if dismissed, nullopt on timeout.
  [[nodiscard]] std::optional<bool> wait_prompt(const std::string& path, std::chrono::milliseconds bound) {
    std::unique_lock lock{mutex_};
    prompt_done_.wait_for(lock, bound, [&] { return prompts_[path].has_value(); });
    auto outcome = prompts_[path];
    prompts_.erase(path);
    return outcome;
  }

  /// Applies one incoming signal (called by the message filter, in arrival order). Only the bus
  /// driver may announce a new owner, and only the current owner's signals count: any connection
  /// on the bus can send a signal that claims the Secret Service's interfaces, but the sender
  /// field is set by the bus. While the owner is unknown, a claimed service signal clears the
  /// cache (it can only make us ask again).
  ss_signal_effect apply(const ss_signal& s) {
    ss_signal_effect effect;
    std::lock_guard lock{mutex_};
    if (s.interface == ss_bus_driver) {
      if (s.sender != ss_bus_driver || s.member != "NameOwnerChanged" || s.argument != ss_bus_name) return effect;
      clear_locked();
      owner_ = s.new_owner;
      owner_known_ = true;
      owner_changed_at_ = sequence_;
      effect.owner_changed = true;
      effect.may_be_usable = !owner_.empty();  // a (new) Secret Service is there
      return effect;
    }
    if (!owner_known_ || owner_.empty()) {
      if (from_service_interface(s.interface)) clear_locked();
      return effect;
    }
    if (s.sender != owner_) return effect;  // forged: not from the Secret Service
    if (s.interface == ss_collection_iface && s.member == "ItemCreated") {
      // Unknown names: until they are known, no key -> path answer is proven the only one.
      if (!s.argument.empty() && !names_.contains(s.argument)) created_.insert(s.argument);
      if (created_.size() > max_touched) clear_locked();
    } else if (s.interface == ss_collection_iface && (s.member == "ItemDeleted" || s.member == "ItemChanged")) {
      if (s.argument.empty()) return effect;
      if (auto it = names_.find(s.argument); it != names_.end()) {
        if (auto p = paths_.find(key_of(it->second)); p != paths_.end() && p->second == s.argument) paths_.erase(p);
        names_.erase(it);
      }
      created_.erase(s.argument);
      touched_[s.argument] = ++sequence_;
      if (touched_.size() > max_touched) clear_locked();
    } else if (s.interface == ss_service_iface && s.member.starts_with("Collection")) {
      // A collection was created, deleted or changed (gnome-keyring also says so when one is
      // locked or unlocked): forget the lock state. A new one may be the default we lacked.
      unlocked_ = false;
      state_touched_ = ++sequence_;
      effect.may_be_usable = s.member == "CollectionCreated";
    } else if (s.interface == ss_properties_iface && s.member == "PropertiesChanged") {
      // Only a change of the default collection's Locked property says anything about its lock
      // state (PropertiesChanged lists what changed; a write changes Items and Modified only).
      if (s.path != collection_ && !collection_.empty()) return effect;
      if (!s.locked && !s.locked_invalidated && !collection_.empty()) return effect;
      state_touched_ = ++sequence_;
      unlocked_ = s.locked && !*s.locked && !collection_.empty();
      effect.may_be_usable = unlocked_;
    } else if (s.interface == ss_prompt_iface && s.member == "Completed" && s.dismissed) {
      if (auto it = prompts_.find(s.path); it != prompts_.end()) {
        it->second = !*s.dismissed;
        prompt_done_.notify_all();
      }
    }
    return effect;
  }

 private:
  [[nodiscard]] static bool from_service_interface(std::string_view interface) {
    return interface == ss_collection_iface || interface == ss_service_iface || interface == ss_prompt_iface ||
           interface == ss_properties_iface;
  }

  [[nodiscard]] static std::string key_of(const ss_item_names& names) {
    std::string key = names.service;
    key += '\0';
    key += names.account;
    return key;
  }

  void clear_locked() {
    paths_.clear();
    created_.clear();
    names_.clear();
    touched_.clear();
    unlocked_ = false;
    cleared_at_ = ++sequence_;
  }

  std::mutex mutex_;
  std::condition_variable prompt_done_;
  std::unordered_map<std::string, ss_item_names> names_;
  std::unordered_map<std::string, std::uint64_t> touched_;
  std::unordered_map<std::string, std::string> paths_;  // service NUL account -> the one item path
  std::unordered_set<std::string> created_;             // created, names not known yet
  std::map<std::string, std::optional<bool>> prompts_;
  std::uint64_t sequence_ = 0;
  std::uint64_t cleared_at_ = 0;
  std::uint64_t state_touched_ = 0;
  std::uint64_t owner_changed_at_ = 0;
  std::string owner_;
  std::string collection_;
  bool owner_known_ = false;
  bool unlocked_ = false;
};

}  // namespace securestore::detail

// keyring/memory.hpp: an in-process keyring for tests of the store's logic, which can be told
// to fail with any error code or to hang past its timeout. Not a substitute for a real backend.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/keyring_value.hpp>
#include <securestore/error.hpp>
#include <securestore/secret.hpp>

namespace securestore {

/// A keyring held in memory. Copies share one backing state, so a test keeps a handle after
/// handing a copy to a store. Meets keyring_policy; thread-safe.
class memory_keyring {
 public:
  struct options {
    std::size_t max_value_bytes = 64 * 1024;  ///< chosen to match the common real backends
    std::size_t max_name_bytes = 4096;
    std::chrono::milliseconds timeout{2000};  ///< a hang longer than this is errc::timeout
    /// Plays a keyring other hosts share (capabilities().shared), for the store's write rule.
    bool shared = false;
  };

  memory_keyring() : memory_keyring(options{}) {}
  explicit memory_keyring(options opts) : state_{std::make_shared<state>()} { state_->opts = opts; }

  [[nodiscard]] keyring_capabilities capabilities() const noexcept {
    return {.backend = "memory",
            .max_value_bytes = state_->opts.max_value_bytes,
            .max_name_bytes = state_->opts.max_name_bytes,
            .survives_reboot = false,
            .nul_in_names = true,
            .shared = state_->opts.shared};
  }

  /// The scope of the store's locked/denied latch: this backing state, not every memory_keyring
  /// of the process, so tests that latch one keyring leave the others alone.
  [[nodiscard]] std::string latch_scope() const { return detail::concat("memory#", state_->id); }

  /// Every later call fails with `code` until heal().
  void fail_with(errc code) {
    std::lock_guard lock{state_->mutex};
    state_->failure = code;
  }
  /// Every later call waits `delay`; past the timeout it returns errc::timeout. Until heal().
  void hang_for(std::chrono::milliseconds delay) {
    std::lock_guard lock{state_->mutex};
    state_->hang = delay;
  }
  /// The next set() alone fails with `code` (an item-level failure, such as a full quota).
  void fail_next_set(errc code) {
    std::lock_guard lock{state_->mutex};
    state_->next_set_failure = code;
  }
  /// Calls every on_change() callback: the keyring says it may be usable again (unlocked).
  void signal_change() {
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard lock{state_->mutex};
      callbacks = state_->on_change;
    }
    for (const auto& callback : callbacks) callback();
  }
  /// Registers `callback` for signal_change(): the optional keyring hook of concepts.hpp.
  void on_change(std::function<void()> callback) {
    std::lock_guard lock{state_->mutex};
    state_->on_change.push_back(std::move(callback));
  }
  /// Ends fail_with() and hang_for().
  void heal() {
    std::lock_guard lock{state_->mutex};
    state_->failure.reset();
    state_->hang = std::chrono::milliseconds::zero();
  }
  /// A copy of every (service, account) -> value held, for assertions.
  [[nodiscard]] std::map<std::pair<std::string, std::string>, std::string> entries() const {
    std::lock_guard lock{state_->mutex};
    std::map<std::pair<std::string, std::string>, std::string> out;
    for (const auto& [id, item] : state_->items) out.emplace(id, item.value);
    return out;
  }
  /// How many calls reached this keyring (get, set, remove, list), for assertions about gating.
  [[nodiscard]] std::size_t calls() const {
    std::lock_guard lock{state_->mutex};
    return state_->calls;
  }

  [[nodiscard]] result<secret> get(std::string_view service, std::string_view account) {
    auto found = get_revisioned(service, account);
    if (!found) return found.error();
    return std::move(found.value().value);
  }

  [[nodiscard]] result<void> set(std::string_view service, std::string_view account, std::string_view value) {
    auto written = set_if(service, account, value, std::nullopt);
    if (!written) return written.error();
    return success();
  }

  /// The value and its revision (shared_keyring, concepts.hpp). Every write of the backing state
  /// makes a new revision, as etcd's mod_revision does.
  [[nodiscard]] result<revisioned_secret> get_revisioned(std::string_view service, std::string_view account) {
    if (auto failed = enter(); !failed) return failed.error();
    std::lock_guard lock{state_->mutex};
    auto it = state_->items.find({std::string{service}, std::string{account}});
    if (it == state_->items.end()) {
      return error{errc::not_found, detail::concat("memory: no entry for '", account, "'"), "store it first"};
    }
    return revisioned_secret{secret{it->second.value}, it->second.revision};
  }

  /// Writes when the entry's revision is `expected` (no_entry: absent; nullopt: always): the new
  /// revision, or nullopt when the entry moved on (shared_keyring, concepts.hpp).
  [[nodiscard]] result<std::optional<keyring_revision>> set_if(std::string_view service, std::string_view account,
                                                               std::string_view value,
                                                               std::optional<keyring_revision> expected) {
    if (auto failed = enter(); !failed) return failed.error();
    std::lock_guard lock{state_->mutex};
    if (auto code = std::exchange(state_->next_set_failure, std::nullopt)) {
      return error{
          *code, detail::concat("memory: injected failure of this one value (", make_error_code(*code).message(), ")"),
          "retry"};
    }
    if (auto fits = detail::check_value_fits(capabilities(), value); !fits) return fits.error();
    const std::pair<std::string, std::string> id{std::string{service}, std::string{account}};
    const auto it = state_->items.find(id);
    const keyring_revision current = it == state_->items.end() ? no_entry : it->second.revision;
    if (expected && current != *expected) return std::optional<keyring_revision>{};
    state_->items[id] = {std::string{value}, ++state_->revision};
    return std::optional<keyring_revision>{state_->revision};
  }

  [[nodiscard]] result<bool> remove(std::string_view service, std::string_view account) {
    if (auto failed = enter(); !failed) return failed.error();
    std::lock_guard lock{state_->mutex};
    return state_->items.erase({std::string{service}, std::string{account}}) > 0;
  }

  [[nodiscard]] result<std::vector<std::string>> list(std::string_view service) {
    if (auto failed = enter(); !failed) return failed.error();
    std::lock_guard lock{state_->mutex};
    std::vector<std::string> names;
    for (const auto& [id, item] : state_->items) {
      if (id.first == service) names.push_back(id.second);
    }
    return names;
  }

 private:
  struct state {
    // A number no other backing state of the process has (addresses are reused after a free).
    const std::uint64_t id = [] {
      static std::atomic<std::uint64_t> next{0};
      return next++;
    }();
    std::mutex mutex;
    options opts;
    struct item {
      std::string value;
      keyring_revision revision = no_entry;
    };
    std::map<std::pair<std::string, std::string>, item> items;
    keyring_revision revision = no_entry;  // the last revision made
    std::optional<errc> failure;
    std::optional<errc> next_set_failure;
    std::chrono::milliseconds hang{0};
    std::size_t calls = 0;
    std::vector<std::function<void()>> on_change;
  };

  // Counts the call and plays any injected failure or hang.
  result<void> enter() {
    std::optional<errc> failure;
    std::chrono::milliseconds hang{0};
    std::chrono::milliseconds timeout{0};
    {
      std::lock_guard lock{state_->mutex};
      ++state_->calls;
      failure = state_->failure;
      hang = state_->hang;
      timeout = state_->opts.timeout;
    }
    if (hang > std::chrono::milliseconds::zero()) {
      std::this_thread::sleep_for(std::min(hang, timeout));
      if (hang >= timeout) {
        return error{errc::timeout, detail::concat("memory: no answer within ", timeout.count(), " ms"), "retry"};
      }
    }
    if (failure) {
      return error{*failure, detail::concat("memory: injected failure (", make_error_code(*failure).message(), ")"),
                   "call heal() to end it"};
    }
    return success();
  }

  std::shared_ptr<state> state_;
};
static_assert(keyring_policy<memory_keyring>);
static_assert(shared_keyring<memory_keyring>);

}  // namespace securestore

// detail/keyring_gate.hpp: decides whether a store may call its keyring: a probe round trip
// cached for a TTL, invalidated by a timeout, and a latch that turns the keyring off for the
// process after the first locked or denied answer (one warning, no prompt storms).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <botan/hex.h>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/key_source.hpp>
#include <securestore/error.hpp>
#include <securestore/store_options.hpp>

namespace securestore::detail {

/// Accounts with this prefix are the store's own: never listed, never accepted as user keys.
inline constexpr std::string_view reserved_prefix = "__securestore_";
inline constexpr std::string_view probe_prefix = "__securestore_probe__";
/// The file, in a store's directory, whose presence says the keyring has held its entries.
inline constexpr std::string_view keyring_marker = ".keyring-used";

/// The latches of the process, one per keyring scope: the first locked or denied answer turns
/// that keyring off for every store of the process (one warning, no prompt storms). A scope is
/// the backend's name, or what the keyring's optional `latch_scope()` returns (memory_keyring:
/// one per backing state, so tests stay independent).
class process_latches {
 public:
  [[nodiscard]] static std::optional<error> find(const std::string& scope) {
    std::lock_guard lock{mutex()};
    const auto it = latches().find(scope);
    if (it == latches().end()) return std::nullopt;
    return it->second;
  }
  /// Latches `scope` with `e`; true if this call latched it (the caller warns), false if it was.
  static bool latch(const std::string& scope, error e) {
    std::lock_guard lock{mutex()};
    return latches().emplace(scope, std::move(e)).second;
  }

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::map<std::string, error>& latches() {
    static std::map<std::string, error> m;
    return m;
  }
};

/// The cached answer to "may the keyring be called?". Thread-safe; one probe runs at a time.
template <keyring_policy Keyring, clock_policy Clock>
class keyring_gate {
 public:
  keyring_gate(Keyring& keyring, Clock& clock, std::chrono::seconds ttl)
      : keyring_{keyring}, clock_{clock}, ttl_{ttl}, scope_{latch_scope(keyring)} {}

  /// Whether the keyring answered a probe within the TTL. Probes when the answer is stale.
  /// `on_probe(outcome, latched_now)` receives the probe's outcome, and whether it latched the
  /// keyring off (the caller warns once).
  template <class OnProbe>
  [[nodiscard]] bool usable(std::string_view service, OnProbe&& on_probe) {
    if (latched()) return false;
    {
      std::lock_guard lock{mutex_};
      if (fresh()) return state_ == keyring_state::available;
    }
    std::lock_guard probing{probe_mutex_};
    if (latched()) return false;  // latched while this thread waited: no second prompt
    {
      std::lock_guard lock{mutex_};
      if (fresh()) return state_ == keyring_state::available;  // another thread just probed
    }
    auto outcome = probe(service);
    bool latched_now = false;
    bool available = false;
    {
      std::lock_guard lock{mutex_};
      if (outcome) {
        record(keyring_state::available, std::nullopt);
      } else if (outcome.error().code() == errc::locked || outcome.error().code() == errc::denied) {
        latched_now = latch(outcome.error());
      } else {
        record(outcome.error().code() == errc::timeout ? keyring_state::busy : keyring_state::absent, outcome.error());
      }
      available = state_ == keyring_state::available;
    }
    on_probe(outcome, latched_now);
    return available;
  }

  /// Learns from a failed keyring call: a timeout makes the next call probe again; locked or
  /// denied latch the keyring off; unavailable marks it absent for the TTL.
  /// Returns true when this failure latched the keyring (the caller warns once).
  bool note_failure(const error& e) {
    std::lock_guard lock{mutex_};
    switch (e.code()) {
      case errc::timeout: checked_.reset(); return false;
      case errc::locked:
      case errc::denied: return latch(e);
      case errc::unavailable: record(keyring_state::absent, e); return false;
      default: return false;
    }
  }

  /// The error that latched the keyring off, if it is latched.
  [[nodiscard]] std::optional<error> latched() const { return process_latches::find(scope_); }

  /// Whether the keyring has answered a probe in this process: if it is unusable now, it is an
  /// outage, and entries written to it before may be there still.
  [[nodiscard]] bool seen_available() const {
    std::lock_guard lock{mutex_};
    return seen_available_;
  }

  /// Why the keyring is not usable: the latch, the probe's failure, or nothing.
  [[nodiscard]] keyring_status status(std::string_view backend) const {
    if (auto latch = latched()) {
      return {.state = keyring_state::absent, .backend = std::string{backend}, .reason = latch->message()};
    }
    std::lock_guard lock{mutex_};
    keyring_status out{.state = state_, .backend = std::string{backend}, .reason = {}};
    if (reason_) out.reason = reason_->message();
    return out;
  }

 private:
  bool fresh() const { return checked_ && clock_.now() - *checked_ < ttl_; }

  void record(keyring_state state, std::optional<error> reason) {
    state_ = state;
    seen_available_ = seen_available_ || state == keyring_state::available;
    reason_ = std::move(reason);
    checked_ = clock_.now();
  }

  bool latch(const error& e) {
    state_ = keyring_state::absent;
    return process_latches::latch(scope_,
                                  error{e.code(), concat(e.message(),
                                                         " (the keyring is now off for this process, so no "
                                                         "further prompts appear; restart after unlocking it)")});
  }

  static std::string latch_scope(const Keyring& keyring) {
    if constexpr (requires { keyring.latch_scope(); }) {
      return keyring.latch_scope();
    } else {
      return std::string{keyring.capabilities().backend};
    }
  }

  // set -> get -> compare -> remove of a random reserved account. The remove runs whenever the
  // set succeeded, so a failed probe leaves nothing behind when the keyring allows it.
  result<void> probe(std::string_view service) {
    const auto account = concat(probe_prefix, Botan::hex_encode(random_bytes(8), false));
    const auto value = Botan::hex_encode(random_bytes(4), false);  // small: fits any keyring
    if (auto set = keyring_.set(service, account, value); !set) return set.error();
    auto got = keyring_.get(service, account);
    auto removed = keyring_.remove(service, account);
    if (!got) return got.error();
    if (!removed) return removed.error();
    if (!(got.value() == std::string_view{value})) {
      return error{errc::unavailable, "keyring: the probe read back a different value; check the keyring daemon"};
    }
    return success();
  }

  Keyring& keyring_;
  Clock& clock_;
  std::chrono::seconds ttl_;

  mutable std::mutex mutex_;
  std::mutex probe_mutex_;
  keyring_state state_ = keyring_state::absent;
  std::optional<typename Clock::time_point> checked_;
  std::optional<error> reason_;
  std::string scope_;
  bool seen_available_ = false;
};

}  // namespace securestore::detail

// detail/store/keyring_gate.hpp: decides whether a store may call its keyring: a probe cached for
// a TTL (a call that timed out or found no keyring counts as a failed probe), and a latch that
// turns the keyring off after a locked or denied answer (one warning, no prompt storms) until it
// can heal: after the TTL when nothing can prompt, else when the backend reports a change or the
// application calls retry_keyring().
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/crypto.hpp>
#include <securestore/detail/format/file_names.hpp>
#include <securestore/detail/store/round_trip_probe.hpp>
#include <securestore/error.hpp>
#include <securestore/store_options.hpp>

namespace securestore::detail {

/// The latches of the process, one per keyring scope: a locked or denied answer turns that
/// keyring off for every store of the process. A scope is the backend's name, or what the
/// keyring's optional `latch_scope()` returns. Each latch has a generation, so a gate can tell
/// a latch it has seen from a new one.
class process_latches {
 public:
  struct latch {
    error reason;
    bool heals_after_ttl = false;  ///< locked under interaction::never: nothing can prompt
    unsigned generation = 0;
  };

  [[nodiscard]] static std::optional<latch> find(const std::string& scope) {
    std::lock_guard lock{mutex()};
    const auto it = latches().find(scope);
    if (it == latches().end()) return std::nullopt;
    return it->second;
  }
  /// Latches `scope`: the new latch's generation if this call latched it (the caller warns), 0 if
  /// it already was.
  static unsigned set(const std::string& scope, error e, bool heals_after_ttl) {
    std::lock_guard lock{mutex()};
    static unsigned generation = 0;
    const auto [it, added] = latches().emplace(scope, latch{e, heals_after_ttl, generation + 1});
    if (!added) {
      // A refusal (a dismissed prompt, denied) outranks "locked, nothing could prompt": it must
      // keep holding the keyring off after the healing latch would have lifted.
      if (heals_after_ttl || !it->second.heals_after_ttl) return 0;
      it->second = latch{std::move(e), false, generation + 1};
    }
    return ++generation;
  }
  /// Lifts the latch of `scope` if it is still generation `generation` (0: whatever it is).
  static void lift(const std::string& scope, unsigned generation = 0) {
    std::lock_guard lock{mutex()};
    const auto it = latches().find(scope);
    if (it != latches().end() && (generation == 0 || it->second.generation == generation)) latches().erase(it);
  }

 private:
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::map<std::string, latch>& latches() {
    static std::map<std::string, latch> m;
    return m;
  }
};

/// The cached answer to "may the keyring be called?". Thread-safe; one probe runs at a time.
template <keyring_policy Keyring, clock_policy Clock>
class keyring_gate {
 public:
  keyring_gate(Keyring& keyring, Clock& clock, std::chrono::seconds ttl, securestore::interaction mode)
      : keyring_{keyring}, clock_{clock}, ttl_{ttl}, mode_{mode}, scope_{latch_scope(keyring)} {
    if constexpr (keyring_with_change_signal<Keyring>) {
      // Captures the scope by value: the keyring may outlive this gate.
      keyring_.on_change([scope = scope_] { process_latches::lift(scope); });
    }
  }

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
      // A probe past another store's latch (see latched()) ends here: it lifts that latch only
      // when the keyring answered; a locked answer joins the latch (no new one, no second warning).
      const auto probed_past = std::exchange(probing_past_, 0U);
      if (outcome) {
        if (probed_past != 0) process_latches::lift(scope_, probed_past);
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

  /// Learns from a failed keyring call: a timeout marks it busy and unavailable marks it absent,
  /// each for the TTL; locked or denied latch the keyring off. A failure that concerns one value
  /// (invalid_argument, not_found, corrupt) says nothing about the keyring. A timeout does not
  /// send the next call to a new probe: a probe that answers proves little about an operation
  /// that hangs (a pass store whose gpg can list keys but not decrypt), and one command would
  /// then wait out the bound once per call.
  /// Returns true when this failure latched the keyring (the caller warns once).
  bool note_failure(const error& e) {
    std::lock_guard lock{mutex_};
    switch (e.code()) {
      case errc::timeout: record(keyring_state::busy, e); return false;
      case errc::locked:
      case errc::denied: return latch(e);
      case errc::unavailable: record(keyring_state::absent, e); return false;
      default: return false;
    }
  }

  /// The error that latched the keyring off, if it is latched. A latch that heals after the TTL
  /// (locked, nothing can prompt) is lifted here once the TTL has passed since this gate saw it.
  [[nodiscard]] std::optional<error> latched() {
    auto found = process_latches::find(scope_);
    if (!found) return std::nullopt;
    if (found->heals_after_ttl) {
      std::lock_guard lock{mutex_};
      const auto now = clock_.now();
      if (seen_generation_ != found->generation) {
        seen_generation_ = found->generation;
        latch_seen_at_ = now;
        // Another store latched it before this one asked. A store that may not prompt probes
        // once past it, for itself (it cannot prompt, so this is one call, not a prompt storm):
        // the keyring may have been unlocked while no store was alive to hear it, and waiting a
        // whole TTL from now would answer `locked` for a keyring that is open. The latch stays in
        // force for every other store meanwhile; usable() lifts it only if the probe succeeds.
        // Once per store until the keyring answers again, so two stores never take turns.
        if (mode_ == interaction::never && !asked_past_a_latch_) {
          asked_past_a_latch_ = true;
          probing_past_ = found->generation;
          checked_.reset();
          return std::nullopt;
        }
      } else if (probing_past_ == found->generation) {
        return std::nullopt;  // that probe is under way (usable() re-checks before it runs)
      } else if (now - latch_seen_at_ >= ttl_) {
        process_latches::lift(scope_, found->generation);
        checked_.reset();  // ask the keyring again at once
        return std::nullopt;
      }
    }
    return found->reason;
  }

  /// Lifts the latch and forgets the cached probe: the next call asks the keyring again.
  void retry() {
    process_latches::lift(scope_);
    std::lock_guard lock{mutex_};
    checked_.reset();
  }

  /// Whether the keyring has answered a probe in this process: if it is unusable now, it is an
  /// outage, and entries written to it before may be there still.
  [[nodiscard]] bool seen_available() const {
    std::lock_guard lock{mutex_};
    return seen_available_;
  }

  /// Why the keyring is not usable: the latch, the probe's failure, or nothing.
  [[nodiscard]] keyring_status status(std::string_view backend) {
    if (auto latch = latched()) {
      return {.state = latch->code() == errc::locked ? keyring_state::locked : keyring_state::absent,
              .backend = std::string{backend},
              .reason = latch->message()};
    }
    std::lock_guard lock{mutex_};
    keyring_status out{.state = state_, .backend = std::string{backend}, .reason = {}};
    if (reason_) {
      out.reason = reason_->message();
      if (state_ == keyring_state::absent && reason_->code() == errc::locked) out.state = keyring_state::locked;
    }
    return out;
  }

 private:
  bool fresh() const { return checked_ && clock_.now() - *checked_ < ttl_; }

  void record(keyring_state state, std::optional<error> reason) {
    if (state == keyring_state::available) asked_past_a_latch_ = false;  // a later latch is news
    probing_past_ = 0;  // any answer ends a probe past a latch
    state_ = state;
    seen_available_ = seen_available_ || state == keyring_state::available;
    reason_ = std::move(reason);
    checked_ = clock_.now();
  }

  bool latch(const error& e) {
    state_ = keyring_state::absent;
    checked_.reset();  // once the latch is lifted (on_change, the TTL), the next call probes again
    const bool heals = e.code() == errc::locked && mode_ == interaction::never;
    const std::string_view how = heals ? " (securestore asks the keyring again in a while; nothing prompts meanwhile)"
                                       : " (the keyring is now off for this process, so no further prompts appear)";
    const auto generation =
        process_latches::set(scope_, error{e.code(), concat(e.what(), how), e.remediation()}, heals);
    if (generation != 0) {
      seen_generation_ = generation;
      latch_seen_at_ = clock_.now();
    }
    asked_past_a_latch_ = true;  // this store has met the keyring's answer itself
    probing_past_ = 0;
    return generation != 0;
  }

  static std::string latch_scope(const Keyring& keyring) {
    if constexpr (keyring_with_latch_scope<Keyring>) {
      return keyring.latch_scope();
    } else {
      return std::string{keyring.capabilities().backend};
    }
  }

  // The backend's own probe when it has one (it writes nothing); else set -> get -> compare ->
  // remove of a random reserved account. The remove runs whenever the set succeeded, so a failed
  // probe leaves nothing behind when the keyring allows it.
  result<void> probe(std::string_view service) {
    if constexpr (keyring_with_probe<Keyring>) {
      return keyring_.probe(service);
    } else {
      return round_trip_probe(keyring_, service);
    }
  }

  Keyring& keyring_;
  Clock& clock_;
  std::chrono::seconds ttl_;
  securestore::interaction mode_;

  mutable std::mutex mutex_;
  std::mutex probe_mutex_;
  keyring_state state_ = keyring_state::absent;
  std::optional<typename Clock::time_point> checked_;
  std::optional<error> reason_;
  std::string scope_;
  bool seen_available_ = false;
  unsigned seen_generation_ = 0;
  bool asked_past_a_latch_ = false;  // see latched()
  unsigned probing_past_ = 0;         // the latch generation this store is probing past, or 0
  typename Clock::time_point latch_seen_at_{};
};

}  // namespace securestore::detail

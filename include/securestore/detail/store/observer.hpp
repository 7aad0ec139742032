// detail/store/observer.hpp: turns a store's operations into log events and audit records: the
// operation, where the value went, how it ended, how long it took, and the key (by hash in logs).
#pragma once

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <securestore/detail/format/file_names.hpp>
#include <securestore/error.hpp>
#include <securestore/store_options.hpp>

namespace securestore::detail {

/// Where an operation went, filled in by the operation as it learns it.
struct observation {
  std::string_view backend{};  ///< the keyring's name, "file", or empty when it touched neither
};

/// Calls the store's log and audit sinks. Holds references to the store's options; costs nothing
/// when neither sink is set.
class observer {
 public:
  explicit observer(const store_options& options) : options_{options} {}

  [[nodiscard]] bool active() const noexcept { return options_.log || options_.audit; }

  /// Runs `operation(observation&)` and reports it once it ends.
  template <class Operation>
  auto observe(std::string_view name, std::string_view key, std::string_view default_backend, Operation&& run) {
    observation seen{};
    if (!active()) return run(seen);
    const auto started = std::chrono::steady_clock::now();
    auto outcome = run(seen);
    const auto code = outcome ? std::nullopt : std::optional<errc>{outcome.error().code()};
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    emit(name, key, seen.backend.empty() ? default_backend : seen.backend, code, elapsed);
    return outcome;
  }

  /// Reports one event that is not a whole operation (a probe, a promotion).
  void emit(std::string_view operation, std::string_view key, std::string_view backend, std::optional<errc> outcome,
            std::chrono::microseconds elapsed) const {
    if (options_.log) {
      options_.log(log_event{.operation = operation,
                             .backend = backend,
                             .outcome = outcome,
                             .duration = elapsed,
                             .key_hash = key.empty() ? std::string{} : name_digest(key).substr(0, 12)});
    }
    if (options_.audit) {
      options_.audit(audit_record{.time = std::chrono::system_clock::now(),
                                  .operation = operation,
                                  .key = std::string{key},
                                  .backend = backend,
                                  .outcome = outcome});
    }
  }

  /// A warning a person should see (the latch; a refreshed token that could not be saved):
  /// through the log sink when one is set, and nowhere otherwise. A library never writes to the
  /// application's streams unasked; the error itself and diagnose() carry the same facts.
  void warn(std::string_view operation, std::string_view backend, errc code, std::string_view note) const;

 private:
  const store_options& options_;
};

inline void observer::warn(std::string_view operation, std::string_view backend, errc code,
                           std::string_view note) const {
  if (options_.log) {
    options_.log(log_event{.operation = operation, .backend = backend, .outcome = code, .warning = true, .note = note});
  }
}

}  // namespace securestore::detail

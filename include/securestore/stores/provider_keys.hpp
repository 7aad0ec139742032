// stores/provider_keys.hpp: named API keys for model providers ("/key save openai sk-…"): a
// basic_secure_store under strict names, with values trimmed and never empty.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/detail/stores/text.hpp>
#include <securestore/error.hpp>
#include <securestore/secret.hpp>
#include <securestore/securestore.hpp>
#include <securestore/store_options.hpp>
#include <securestore/stores/app_name.hpp>

namespace securestore {

/// The service every application shares (shared()): where provider keys were kept before the
/// store took the application's name. An application's own keys are under app_service_name(app,
/// provider_keys_domain): "<app>:provider-keys".
inline constexpr std::string_view provider_keys_service = "securestore-provider-keys";
/// The longest provider key name.
inline constexpr std::size_t max_provider_key_name = 64;

/// Whether `name` is a valid provider key name: ^[A-Za-z0-9._-]{1,64}$, ASCII, case-sensitive.
[[nodiscard]] constexpr bool is_valid_provider_key_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > max_provider_key_name) return false;
  for (char c : name) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

/// The names list() found: the valid ones, and apart from them any entry of the service whose
/// name is not a valid provider key name (written by something else), so one stray entry never
/// breaks the listing. Both sorted byte-wise.
struct provider_key_listing {
  std::vector<std::string> names;
  std::vector<std::string> invalid_names;
};

/// Named provider API keys over a basic_secure_store (keyring first, the encrypted file else).
/// Names match ^[A-Za-z0-9._-]{1,64}$ (`MyKey` and `mykey` are different keys); values are
/// trimmed of leading and trailing whitespace (Unicode, NBSP and BOM included), inner newlines
/// kept. Every failure is a result; a bad name or value is errc::invalid_argument, and the
/// message never repeats a value. Thread-safe as the underlying store is.
template <class Store>
class basic_provider_key_store {
 public:
  /// The keys of application `app` alone, under "<app>:provider-keys", configured like any store:
  /// `provider_key_store{"my-app"}`, or `provider_key_store{app_name{"my-app"}, options}`. A bad
  /// name (check_app_name) makes every operation errc::invalid_argument.
  explicit basic_provider_key_store(app_name app, store_options options = {})
      : problem_{detail::stores::app_problem(app)},
        store_{detail::stores::app_service_or_none(app, provider_keys_domain), std::move(options)} {}
  /// Gone: this place now takes the application's name, and a service name given here would
  /// silently become another service. Use with_service(service, options) for the old meaning.
  basic_provider_key_store(std::string service, store_options options) = delete;  // app_name{}, or with_service()
  /// Keys in a store built by the caller (tests pass one over test policies).
  explicit basic_provider_key_store(Store store) : store_{std::move(store)} {}

  /// The keys every application shares, under provider_keys_service: an explicit choice to share
  /// keys between applications, or to keep using keys saved before stores took the application's
  /// name.
  [[nodiscard]] static basic_provider_key_store shared(store_options options = {}) {
    return basic_provider_key_store{Store{std::string{provider_keys_service}, std::move(options)}};
  }
  /// Keys under a service the caller names (what `{service, options}` meant before).
  [[nodiscard]] static basic_provider_key_store with_service(std::string service, store_options options = {}) {
    return basic_provider_key_store{Store{std::move(service), std::move(options)}};
  }

  /// Stores `value`, trimmed, under `name`. errc::invalid_argument for a bad name, or a value
  /// that is empty after trimming (the previous value, if any, is kept); otherwise the store's
  /// errors (unavailable, locked, denied, timeout).
  [[nodiscard]] result<stored_at> save(std::string_view name, std::string_view value) {
    if (auto valid = check_name(name); !valid) return valid.error();
    const auto trimmed = detail::stores::trim(value);
    if (trimmed.empty()) {
      return error{errc::invalid_argument,
                   detail::stores::join("provider_keys: the value for '", name, "' is empty or only whitespace"),
                   "pass the API key itself"};
    }
    return store_.set(name, trimmed);
  }

  /// The key stored under `name`: errc::not_found when absence is proven, invalid_argument for
  /// a bad name, else the store's errors.
  [[nodiscard]] result<secret> get(std::string_view name) {
    if (auto valid = check_name(name); !valid) return valid.error();
    return store_.get(name);
  }

  /// Removes `name`: true if a key was removed. Errors as get().
  [[nodiscard]] result<bool> remove(std::string_view name) {
    if (auto valid = check_name(name); !valid) return valid.error();
    return store_.remove(name);
  }

  /// Whether `name` has a key; agrees with get().
  [[nodiscard]] result<bool> has(std::string_view name) {
    if (auto valid = check_name(name); !valid) return valid.error();
    return store_.has(name);
  }

  /// Every stored name, without reading any value; names that are not valid provider key names
  /// are reported apart. Errors are the store's list() errors.
  [[nodiscard]] result<provider_key_listing> list() {
    if (problem_) return *problem_;
    auto all = store_.list();
    if (!all) return all.error();
    provider_key_listing out;
    for (auto& name : all.value()) {
      (is_valid_provider_key_name(name) ? out.names : out.invalid_names).push_back(std::move(name));
    }
    return out;
  }

  /// The store underneath (for diagnose(), locate(), keyring_available()).
  [[nodiscard]] Store& store() noexcept { return store_; }

 private:
  // The name is not echoed: a caller who swapped the arguments would print the key.
  result<void> check_name(std::string_view name) const {
    if (problem_) return *problem_;
    if (is_valid_provider_key_name(name)) return success();
    std::string why;
    if (name.empty() || name.size() > max_provider_key_name) {
      why = detail::stores::join("this one has ", name.size(), " bytes");
    } else {
      const auto bad = std::find_if_not(name.begin(), name.end(), [](char c) {
        return is_valid_provider_key_name(std::string_view{&c, 1});
      });
      why = detail::stores::join("byte ", static_cast<std::size_t>(bad - name.begin()) + 1, " is not one of them");
    }
    return error{
        errc::invalid_argument,
        detail::stores::join("provider_keys: a key name must be 1 to 64 characters from A-Z a-z 0-9 . _ - (", why, ")"),
        "choose another name"};
  }

  std::optional<error> problem_;  // a bad application name
  Store store_;
};

/// Provider keys in the platform's default store.
using provider_key_store = basic_provider_key_store<secure_store>;

}  // namespace securestore

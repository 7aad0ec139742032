// stores/app_name.hpp: the application a domain store belongs to, and the service each domain
// keeps that application's entries under: "<app>:provider-keys", "<app>:tool-keys",
// "<app>:oauth-tokens", "<app>:extension-<name>". One application's keys are its own.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <securestore/detail/stores/text.hpp>
#include <securestore/error.hpp>

namespace securestore {

/// The longest application name.
inline constexpr std::size_t max_app_name = 64;
/// Between the application's name and the domain in a service name. An application name never
/// holds it, so "<app>:<domain>" names one (application, domain) pair and no other: no two
/// applications and no two domains share a service, and none meets a shared service (which has
/// no ':').
inline constexpr char app_service_separator = ':';

/// The domains' parts of a service name, after "<app>:".
inline constexpr std::string_view provider_keys_domain = "provider-keys";
inline constexpr std::string_view tool_keys_domain = "tool-keys";
inline constexpr std::string_view tokens_domain = "oauth-tokens";
inline constexpr std::string_view extension_domain_prefix = "extension-";

/// Whether `name` is a valid application name: ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ (ASCII,
/// case-sensitive), so a reverse-DNS name ("com.example.app") or "my-app" is one.
[[nodiscard]] constexpr bool is_valid_app_name(std::string_view name) noexcept {
  if (name.empty() || name.size() > max_app_name) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

/// errc::invalid_argument, saying what an application name may hold, when `name` is not one.
[[nodiscard]] inline result<void> check_app_name(std::string_view name) {
  if (is_valid_app_name(name)) return success();
  // The name is not echoed: a caller who swapped two arguments would print a key.
  std::string why;
  if (name.empty() || name.size() > max_app_name) {
    why = detail::stores::join("this one has ", name.size(), " bytes");
  } else {
    std::size_t at = 0;
    while (is_valid_app_name(name.substr(0, at + 1))) ++at;
    why = detail::stores::join("byte ", at + 1, at == 0 ? " cannot start one" : " is not one of them");
  }
  return error{errc::invalid_argument,
               detail::stores::join("stores: an application name must be 1 to 64 characters from A-Z a-z 0-9 . _ - ",
                                    "starting with a letter or digit (", why, ")"),
               "pass your application's own name, e.g. \"my-app\""};
}

/// The name of the application a domain store belongs to. Converts from any string, so
/// `provider_key_store{"my-app"}` reads naturally; it is checked when the store is used (a bad
/// name makes every operation errc::invalid_argument), never by throwing.
class app_name {
 public:
  app_name(const char* name) : name_{name == nullptr ? "" : name} {}  // NOLINT: implicit on purpose
  app_name(std::string name) : name_{std::move(name)} {}              // NOLINT: implicit on purpose
  app_name(std::string_view name) : name_{name} {}                    // NOLINT: implicit on purpose

  [[nodiscard]] const std::string& str() const noexcept { return name_; }
  /// check_app_name() of this name.
  [[nodiscard]] result<void> check() const { return check_app_name(name_); }

 private:
  std::string name_;
};

/// The service of `domain` for `app`: "<app>:<domain>" (e.g. "my-app:provider-keys").
[[nodiscard]] inline std::string app_service_name(const app_name& app, std::string_view domain) {
  return detail::stores::join(app.str(), std::string_view{&app_service_separator, 1}, domain);
}

}  // namespace securestore

namespace securestore::detail::stores {

/// What a domain store built for `app` reports from every operation: nullopt for a good name.
[[nodiscard]] inline std::optional<error> app_problem(const app_name& app) {
  auto checked = app.check();
  if (checked) return std::nullopt;
  return checked.error();
}

/// The service of `domain` for `app`, or "" for a bad name (the store underneath then refuses
/// every operation too, so nothing is ever kept under a half-made name).
[[nodiscard]] inline std::string app_service_or_none(const app_name& app, std::string_view domain) {
  return is_valid_app_name(app.str()) ? app_service_name(app, domain) : std::string{};
}

}  // namespace securestore::detail::stores

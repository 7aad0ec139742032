// stores/extension_settings.hpp: an extension's settings: the sensitive ones in a
// basic_secure_store under a service of the extension's own, the rest in <dir>/.env.
#pragma once

#include <algorithm>
#include <concepts>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <botan/hash.h>
#include <botan/hex.h>

#include <securestore/detail/platform/path_text.hpp>
#include <securestore/detail/stores/dotenv.hpp>
#include <securestore/detail/stores/files.hpp>
#include <securestore/detail/stores/text.hpp>
#include <securestore/error.hpp>
#include <securestore/fs/default.hpp>
#include <securestore/secret.hpp>
#include <securestore/securestore.hpp>
#include <securestore/store_options.hpp>
#include <securestore/stores/app_name.hpp>

namespace securestore {

/// The prefix of every shared extension service (extension_service_name(extension)).
inline constexpr std::string_view extension_service_prefix = "securestore-extension-";
/// The longest service name extension_service_name() returns.
inline constexpr std::size_t max_extension_service_bytes = 255;

namespace detail::stores {

/// `prefix`, then the extension's name with every byte outside [A-Za-z0-9._-] written as %XX ('%'
/// included), so distinct names never share a service. A result longer than 255 bytes keeps a
/// prefix of it and ends in "~" + the SHA-256 of the name in hex ('~' never appears otherwise, so
/// a shortened name cannot equal a full one).
[[nodiscard]] inline std::string escaped_extension_service(std::string_view prefix, std::string_view extension) {
  constexpr char hex[] = "0123456789ABCDEF";
  std::string out{prefix};
  for (char c : extension) {
    const auto b = static_cast<unsigned char>(c);
    const bool keep =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (keep) {
      out += c;
    } else {
      out += '%';
      out += hex[b >> 4U];
      out += hex[b & 0xFU];
    }
  }
  if (out.size() <= max_extension_service_bytes) return out;
  auto sha = Botan::HashFunction::create_or_throw("SHA-256");
  sha->update(reinterpret_cast<const std::uint8_t*>(extension.data()), extension.size());
  const auto digest = "~" + Botan::hex_encode(sha->final(), false);
  auto cut = max_extension_service_bytes - digest.size();
  // Do not split a %XX escape.
  if (out[cut - 1] == '%') cut -= 1;
  if (out[cut - 2] == '%') cut -= 2;
  out.resize(cut);
  return out + digest;
}

}  // namespace detail::stores

/// The service every application shares for an extension's sensitive settings (the shared()
/// store, and where they were kept before stores took the application's name): the prefix, then
/// the escaped name (detail::stores::escaped_extension_service says how).
[[nodiscard]] inline std::string extension_service_name(std::string_view extension) {
  return detail::stores::escaped_extension_service(extension_service_prefix, extension);
}

/// The service of an extension's sensitive settings for application `app` alone:
/// "<app>:extension-" + the escaped name, at most 255 bytes as above. Needs a valid app name.
[[nodiscard]] inline std::string extension_service_name(const app_name& app, std::string_view extension) {
  return detail::stores::escaped_extension_service(app_service_name(app, extension_domain_prefix), extension);
}

/// One setting an extension declares.
struct extension_setting {
  std::string env_var;     ///< its name: [A-Za-z_][A-Za-z0-9_]*
  bool sensitive = false;  ///< true: kept in the store; false: in the .env file
  std::string description{};
};

/// The settings load() found: plain values, sensitive ones, and those that could not be read.
struct loaded_settings {
  std::map<std::string, std::string> values;
  std::map<std::string, secret> secrets;
  std::vector<std::pair<std::string, error>> failures;
};

/// The settings of one extension of one application: sensitive values in a basic_secure_store
/// under extension_service_name(app, name) (account = the setting's env_var), the rest in
/// <dir>/.env (0600, replaced atomically through the fs policy; the directory is made private).
/// The .env writer and parser round-trip any value. Thread-safe as the underlying store is, but two writers of
/// one .env replace each other's file whole.
template <class Store, class Fs = detail::stores::fs_of_t<Store>>
class basic_extension_settings {
 public:
  using values_type = std::map<std::string, std::string, std::less<>>;

  /// Settings of `extension` of application `app`, kept in `dir`, with a store configured by
  /// `options`. A bad application name (check_app_name) makes every operation invalid_argument.
  basic_extension_settings(app_name app, std::string extension, std::filesystem::path dir, store_options options = {})
      : basic_extension_settings(std::move(app), std::move(extension), std::move(dir), [&](std::string service) {
          return Store{std::move(service), std::move(options)};
        }) {}
  /// Settings with a store that `make_store(service)` builds (tests pass one over test policies).
  template <class MakeStore>
  requires std::invocable<MakeStore&, std::string> basic_extension_settings(app_name app, std::string extension,
                                                                            std::filesystem::path dir,
                                                                            MakeStore&& make_store, Fs fs = {})
      : problem_{detail::stores::app_problem(app)},
        extension_{std::move(extension)},
        dir_{std::move(dir)},
        env_file_{dir_ / ".env"},
        store_{make_store(problem_ ? std::string{} : extension_service_name(app, extension_))},
        fs_{std::move(fs)} {}

  /// Settings of `extension` under the service every application shares
  /// (extension_service_name(extension)): an explicit choice, or to keep using settings saved
  /// before stores took the application's name. `make_store(service)` builds the store.
  template <std::invocable<std::string> MakeStore>
  [[nodiscard]] static basic_extension_settings shared(std::string extension, std::filesystem::path dir,
                                                       MakeStore&& make_store, Fs fs = {}) {
    auto store = make_store(extension_service_name(extension));
    return basic_extension_settings{std::move(extension), std::move(dir), std::move(store), std::move(fs)};
  }
  /// shared() with a store configured by `options`.
  [[nodiscard]] static basic_extension_settings shared(std::string extension, std::filesystem::path dir,
                                                       store_options options = {}) {
    return shared(std::move(extension), std::move(dir), [&](std::string service) {
      return Store{std::move(service), std::move(options)};
    });
  }

  /// Saves `values` for the declared `settings`: plain ones with a value go to the .env file (it
  /// is removed when there are none), sensitive ones are set, and a sensitive one without a value
  /// (or with an empty one) is removed. Errors: invalid_argument (a bad env_var, a value for an
  /// undeclared setting) before anything is written; a .env failure stops before the store is
  /// touched; store failures do not stop the other settings, and the first one's code is
  /// returned naming every setting that failed.
  [[nodiscard]] result<void> save(std::span<const extension_setting> settings, const values_type& values) {
    if (problem_) return *problem_;
    if (auto valid = check(settings, values); !valid) return valid;
    std::vector<std::pair<std::string, std::string>> plain;
    for (const auto& s : settings) {
      auto v = values.find(s.env_var);
      if (!s.sensitive && v != values.end()) plain.emplace_back(s.env_var, v->second);
    }
    if (plain.empty()) {
      if (auto gone = detail::stores::remove_file_at(fs_, env_file_); !gone) return gone.error();
    } else {
      auto written = detail::stores::write_file_at(fs_, env_file_, detail::stores::write_env(plain),
                                                   /*private_directory=*/true);
      if (!written) return written;
    }
    std::vector<std::pair<std::string, error>> failures;
    for (const auto& s : settings) {
      if (!s.sensitive) continue;
      auto v = values.find(s.env_var);
      if (v != values.end() && !v->second.empty()) {
        if (auto set = store_.set(s.env_var, v->second); !set) failures.emplace_back(s.env_var, set.error());
      } else if (auto removed = store_.remove(s.env_var); !removed) {
        failures.emplace_back(s.env_var, removed.error());
      }
    }
    return summarize("saving", failures);
  }

  /// The values of the declared `settings`: plain ones from the .env file, sensitive ones from
  /// the store. A setting with no value is absent from the maps; a sensitive one that cannot be
  /// read is in `failures`. Errors: the .env file's (corrupt with the line, denied, ...).
  [[nodiscard]] result<loaded_settings> load(std::span<const extension_setting> settings) {
    if (problem_) return *problem_;
    loaded_settings out;
    std::map<std::string, std::string> env;
    auto bytes = detail::stores::read_file_at(fs_, env_file_);
    if (bytes) {
      auto parsed = detail::stores::parse_env(bytes.value(), detail::path_text(env_file_));
      if (!parsed) return parsed.error();
      env = std::move(parsed.value());
    } else if (bytes.error().code() != errc::not_found) {
      return bytes.error();
    }
    for (const auto& s : settings) {
      if (!s.sensitive) {
        if (auto v = env.find(s.env_var); v != env.end()) out.values.emplace(s.env_var, std::move(v->second));
        continue;
      }
      auto got = store_.get(s.env_var);
      if (got) {
        out.secrets.emplace(s.env_var, std::move(got.value()));
      } else if (got.error().code() != errc::not_found) {
        out.failures.emplace_back(s.env_var, std::move(got.error()));
      }
    }
    return out;
  }

  /// Removes the .env file and every entry of the extension's service, declared or not. Goes
  /// on past failures and returns the first one's code naming what is left.
  [[nodiscard]] result<void> remove_all() {
    if (problem_) return *problem_;
    std::vector<std::pair<std::string, error>> failures;
    if (auto gone = detail::stores::remove_file_at(fs_, env_file_); !gone) failures.emplace_back(".env", gone.error());
    auto names = store_.list();
    if (!names) return names.error();
    for (const auto& name : names.value()) {
      if (auto removed = store_.remove(name); !removed) failures.emplace_back(name, removed.error());
    }
    return summarize("removing", failures);
  }

  /// Whether anything is saved: a .env file, or any entry in the extension's service.
  [[nodiscard]] result<bool> has_settings() {
    if (problem_) return *problem_;
    auto bytes = detail::stores::read_file_at(fs_, env_file_);
    if (bytes) return true;
    if (bytes.error().code() != errc::not_found) return bytes.error();
    auto names = store_.list();
    if (!names) return names.error();
    return !names.value().empty();
  }

  /// The .env file of the plain settings: <dir>/.env.
  [[nodiscard]] const std::filesystem::path& env_file() const noexcept { return env_file_; }
  /// The store of the sensitive settings.
  [[nodiscard]] Store& store() noexcept { return store_; }

 private:
  basic_extension_settings(std::string extension, std::filesystem::path dir, Store store, Fs fs)
      : extension_{std::move(extension)},
        dir_{std::move(dir)},
        env_file_{dir_ / ".env"},
        store_{std::move(store)},
        fs_{std::move(fs)} {}

  result<void> check(std::span<const extension_setting> settings, const values_type& values) const {
    for (const auto& s : settings) {
      if (!detail::stores::is_env_name(s.env_var)) {
        return error{errc::invalid_argument,
                     detail::stores::join("extension_settings: '", s.env_var, "' of ", extension_,
                                          " is not a variable name ([A-Za-z_][A-Za-z0-9_]*)"),
                     "fix the declaration"};
      }
    }
    for (const auto& entry : values) {
      const auto& name = entry.first;  // not a structured binding: clang 14 cannot capture one in a lambda
      auto declared =
          std::find_if(settings.begin(), settings.end(), [&](const extension_setting& s) { return s.env_var == name; });
      if (declared == settings.end()) {
        return error{errc::invalid_argument,
                     detail::stores::join("extension_settings: '", name, "' is not a setting of ", extension_),
                     "declare it, or drop its value"};
      }
    }
    return success();
  }

  result<void> summarize(std::string_view doing, const std::vector<std::pair<std::string, error>>& failures) const {
    if (failures.empty()) return success();
    std::string which;
    for (const auto& [name, e] : failures) {
      which += detail::stores::join(which.empty() ? "" : ", ", name, " (", e.what(), ")");
    }
    const auto& first = failures.front().second;
    return error{
        first.code(),
        detail::stores::join("extension_settings: ", doing, " settings of ", extension_, " failed for: ", which),
        first.remediation()};
  }

  std::optional<error> problem_;  // a bad application name
  std::string extension_;
  std::filesystem::path dir_;
  std::filesystem::path env_file_;
  Store store_;
  Fs fs_;
};

/// Extension settings in the platform's default store.
using extension_settings = basic_extension_settings<secure_store>;

}  // namespace securestore

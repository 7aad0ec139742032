// resolve.hpp: which API key a command line means: --key > --key-name > a profile's
// auth-key-name > --keyfile > environment variables, with no fall-through past a named key that
// is missing; and get_with_fallback(), a store -> environment -> config file lookup.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <securestore/concepts.hpp>
#include <securestore/detail/platform/path_text.hpp>
#include <securestore/detail/stores/files.hpp>
#include <securestore/detail/stores/key_file.hpp>
#include <securestore/detail/stores/text.hpp>
#include <securestore/error.hpp>
#include <securestore/fs/default.hpp>
#include <securestore/secret.hpp>

namespace securestore {

/// Where an API key can come from, highest precedence first.
enum class key_source { key_flag, key_name_flag, profile_key_name, keyfile_flag, environment };

/// How a person would name the source: "--key", "--key-name", "profile auth-key-name", ...
[[nodiscard]] constexpr std::string_view source_name(key_source s) noexcept {
  switch (s) {
    case key_source::key_flag: return "--key";
    case key_source::key_name_flag: return "--key-name";
    case key_source::profile_key_name: return "profile auth-key-name";
    case key_source::keyfile_flag: return "--keyfile";
    case key_source::environment: return "environment";
  }
  return "";
}

/// How the application's own command line spells each source, for the messages a person reads:
/// an application whose flag is --api-key says so, and never prints flags it does not have.
struct key_source_names {
  std::string key = "--key";
  std::string key_name = "--key-name";
  std::string profile_key_name = "profile auth-key-name";
  std::string keyfile = "--keyfile";
  std::string environment = "environment";

  [[nodiscard]] const std::string& of(key_source s) const noexcept {
    switch (s) {
      case key_source::key_flag: return key;
      case key_source::key_name_flag: return key_name;
      case key_source::profile_key_name: return profile_key_name;
      case key_source::keyfile_flag: return keyfile;
      case key_source::environment: return environment;
    }
    return key;
  }
};

/// What the command line, the profile and the environment offer. An absent optional is a
/// source not given; an empty --key, --key-name or --keyfile is a mistake (invalid_argument).
struct key_inputs {
  std::optional<std::string> key{};                ///< --key: the key itself
  std::optional<std::string> key_name{};           ///< --key-name: a saved provider key's name
  std::optional<std::string> profile_key_name{};   ///< the profile's auth-key-name; blank = not set
  std::optional<std::filesystem::path> keyfile{};  ///< --keyfile; a leading ~ is the home directory
  std::vector<std::string> env_vars{};             ///< variables to read, in order ("OPENAI_API_KEY")
  /// How to save a named key, for the not_found message's remedy ("save it with 'mytool key
  /// save NAME'"); the default fits any application.
  std::string save_hint = "save the key first with your application's command for keys";
  /// The application's own names for the sources (its flags), used in every message.
  key_source_names names{};
};

/// The key that won, where it came from, and which given sources it overrode (no values).
struct resolved_api_key {
  secret value;
  key_source source = key_source::key_flag;
  std::string origin{};  ///< the key's name, the keyfile's path or the variable's name; empty for --key
  std::vector<key_source> overridden{};
};

/// One line for a debug log: which source won and which were overridden, in the application's
/// own names for them (`names`, as in key_inputs). Never the value.
[[nodiscard]] inline std::string describe(const resolved_api_key& r, const key_source_names& names = {}) {
  auto out = detail::stores::join("using the API key from ", names.of(r.source));
  if (!r.origin.empty()) out += detail::stores::join(" '", r.origin, "'");
  for (std::size_t i = 0; i < r.overridden.size(); ++i) {
    out += detail::stores::join(i == 0 ? "; ignoring " : ", ", names.of(r.overridden[i]));
  }
  return out;
}

namespace detail::stores {

[[nodiscard]] inline std::filesystem::path expand_home(const std::filesystem::path& p) {
  const auto s = path_text(p);
  if (s == "~" || s.starts_with("~/")) {
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
      return path_from_text(home) / path_from_text(std::string_view{s}.substr(s.size() == 1 ? 1 : 2));
    }
  }
  return p;
}

}  // namespace detail::stores

/// The API key the inputs select: the highest-precedence source given wins, in the order of
/// key_source. Named keys are read from `keys` (anything with get(name) -> result<secret>, such
/// as provider_key_store), keyfiles through `fs` (which refuses files other users can read).
/// Errors, checked before any source is read: invalid_argument for an empty --key, --key-name or
/// --keyfile. Then, for the winning source only, never falling through to a lower one:
/// not_found naming a missing named key and how to save it; the store's code for a key it could
/// not read; invalid_argument for a missing or empty keyfile, the file's code for an unreadable
/// one; and not_found when no source was given at all.
template <class ProviderKeys, fs_policy Fs = default_fs>
[[nodiscard]] result<resolved_api_key> resolve_api_key(const key_inputs& in, ProviderKeys& keys, Fs fs = {}) {
  using detail::stores::join;
  using detail::stores::trim;
  const auto& names = in.names;
  auto empty_flag = [](std::string_view flag, std::string_view what) {
    return error{errc::invalid_argument, join("resolve: ", flag, " was given without a value"),
                 join("pass ", what, ", or leave ", flag, " out")};
  };
  if (in.key && trim(*in.key).empty()) return empty_flag(names.key, "the key");
  if (in.key_name && trim(*in.key_name).empty()) return empty_flag(names.key_name, "the saved key's name");
  if (in.keyfile && in.keyfile->empty()) return empty_flag(names.keyfile, "the file's path");

  const bool profile = in.profile_key_name && !trim(*in.profile_key_name).empty();
  std::optional<std::string> env_var;
  for (const auto& name : in.env_vars) {
    const char* v = std::getenv(name.c_str());
    if (v != nullptr && !trim(v).empty()) {
      env_var = name;
      break;
    }
  }
  std::vector<key_source> given;
  if (in.key) given.push_back(key_source::key_flag);
  if (in.key_name) given.push_back(key_source::key_name_flag);
  if (profile) given.push_back(key_source::profile_key_name);
  if (in.keyfile) given.push_back(key_source::keyfile_flag);
  if (env_var) given.push_back(key_source::environment);
  if (given.empty()) {
    std::string vars;
    for (const auto& v : in.env_vars) vars += join(vars.empty() ? "" : " or ", v);
    return error{errc::not_found, "resolve: no API key was given",
                 join("pass ", names.key, ", ", names.key_name, " or ", names.keyfile,
                      vars.empty() ? std::string{} : join(", or set ", vars))};
  }

  resolved_api_key out;
  out.source = given.front();
  out.overridden.assign(given.begin() + 1, given.end());
  switch (out.source) {
    case key_source::key_flag: out.value = secret{trim(*in.key)}; break;
    case key_source::key_name_flag:
    case key_source::profile_key_name: {
      const auto name =
          std::string{trim(out.source == key_source::key_name_flag ? *in.key_name : *in.profile_key_name)};
      const auto& from = names.of(out.source);
      auto got = keys.get(name);
      if (!got) {
        if (got.error().code() == errc::not_found) {
          return error{errc::not_found, join("resolve: no saved key named '", name, "' (from ", from, ")"),
                       join(in.save_hint, ", or pass the key with ", names.key)};
        }
        // One remedy: the store's own (unlock the keyring, ...), which is what fixes it.
        return error{got.error().code(),
                     join("resolve: cannot read the saved key '", name, "' (from ", from, "): ", got.error().what()),
                     got.error().remediation()};
      }
      out.value = std::move(got.value());
      out.origin = name;
      break;
    }
    case key_source::keyfile_flag: {
      const auto path = detail::stores::expand_home(*in.keyfile);
      const auto where = join("resolve: ", names.keyfile);
      auto got = detail::stores::read_key_file(
          fs, path, {.where = where, .missing_remedy = "fix the path, or pass the key another way"});
      if (!got) return got.error();
      out.value = std::move(got.value());
      out.origin = detail::path_text(path);
      break;
    }
    case key_source::environment:
      out.value = secret{trim(std::getenv(env_var->c_str()))};
      out.origin = *env_var;
      break;
  }
  return out;
}

/// Where get_with_fallback() found a value.
enum class value_source { store, environment, config_file };

/// A value and where it was found.
struct sourced_value {
  secret value;
  value_source source = value_source::store;
};

/// `key` from `store`, else the environment variable `env_var` (if non-empty and set), else the
/// string field `key` of the JSON object in `config_file` (if given and present). Errors:
/// not_found when none has it; the store's other errors (a locked keyring may hold the key, so
/// nothing later is tried); corrupt for a config file that is not a JSON object or holds a
/// non-string under `key`; the file's code for one that cannot be read.
template <class Store, fs_policy Fs = default_fs>
[[nodiscard]] result<sourced_value> get_with_fallback(Store& store, std::string_view key, std::string_view env_var,
                                                      const std::filesystem::path& config_file, Fs fs = {}) {
  using detail::stores::join;
  auto stored = store.get(key);
  if (stored) return sourced_value{std::move(stored.value()), value_source::store};
  if (stored.error().code() != errc::not_found) return stored.error();
  if (!env_var.empty()) {
    if (const char* v = std::getenv(std::string{env_var}.c_str()); v != nullptr && *v != '\0') {
      return sourced_value{secret{std::string_view{v}}, value_source::environment};
    }
  }
  auto missing =
      error{errc::not_found,
            join("resolve: '", key, "' is not in the store", env_var.empty() ? std::string{} : join(", in $", env_var),
                 config_file.empty() ? std::string{} : join(" or in ", detail::path_text(config_file))),
            "store it first"};
  if (config_file.empty()) return missing;
  auto bytes = detail::stores::read_file_at(fs, config_file);
  if (!bytes) return bytes.error().code() == errc::not_found ? missing : bytes.error();
  detail::stores::scrubbed_string text{std::move(bytes.value())};
  auto json = nlohmann::json::parse(text.value, nullptr, false);
  const std::string field{key};
  const bool is_object = !json.is_discarded() && json.is_object();
  if (!is_object || (json.contains(field) && !json[field].is_string())) {
    return error{
        errc::corrupt,
        join("resolve: ", detail::path_text(config_file),
             is_object ? ": the value of '" + field + "' is not a string" : std::string{": is not a JSON object"}),
        "fix the file"};
  }
  if (!json.contains(field)) return missing;
  auto& value = json[field].get_ref<std::string&>();
  sourced_value out{secret{value}, value_source::config_file};
  detail::stores::scrub(value);
  return out;
}

}  // namespace securestore

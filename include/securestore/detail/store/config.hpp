// detail/store/config.hpp: a store's configuration resolved once from its service name, its
// options and the environment. The only place in the store that reads the environment.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/format/envelope.hpp>
#include <securestore/detail/format/file_names.hpp>
#include <securestore/detail/platform.hpp>
#include <securestore/detail/platform/path_text.hpp>
#include <securestore/error.hpp>
#include <securestore/keyring/backend_list.hpp>
#include <securestore/store_options.hpp>

namespace securestore::detail {

/// What a store works with, fixed at construction.
struct store_config {
  std::string service;
  std::filesystem::path dir;        ///< this service's directory of encrypted files
  std::filesystem::path root_path;  ///< the root secret's file
  bool forced_file = false;         ///< the backend choice is "file": the keyring is not called
  std::string requested_backend;    ///< the backend choice naming one backend ("keyutils"), else empty
  bool chosen_by_options = false;   ///< the choice came from store_options::backend, not the variable
  securestore::interaction interaction = interaction::never;
  std::optional<error> problem;  ///< a configuration error, reported by every operation
};

/// The environment variable that overrides the backend for every store of the process.
inline constexpr const char* backend_variable = "SECURESTORE_BACKEND";

/// Why `key` cannot name an entry (empty, over 256 bytes, or in the reserved prefix), if it cannot.
[[nodiscard]] inline result<void> check_key_name(std::string_view key) {
  if (key.empty() || key.size() > max_key_bytes) {
    return error{errc::invalid_argument,
                 concat("store: a key name must be 1 to ", max_key_bytes, " bytes (this one has ", key.size(), ")"),
                 "choose another"};
  }
  if (key.starts_with(reserved_prefix)) {
    return error{errc::invalid_argument,
                 concat("store: names starting with ", reserved_prefix, " are reserved for securestore"),
                 "choose another"};
  }
  return success();
}

/// Why `value` cannot be stored (empty, or over the file entry's limit), if it cannot.
[[nodiscard]] inline result<void> check_value(std::string_view value) {
  if (value.empty())
    return error{errc::invalid_argument, "store: the value is empty", "store a non-empty value, or remove the key"};
  if (value.size() > max_file_value_bytes) {
    return error{errc::invalid_argument,
                 concat("store: the value has ", value.size(), " bytes, more than the limit of ", max_file_value_bytes),
                 "store a smaller value"};
  }
  return success();
}

/// Whether SECURESTORE_BACKEND's name for a backend ("secret-service") is the keyring's own
/// capabilities().backend ("secret_service"), by the backend list's names and ids.
[[nodiscard]] inline bool names_backend(std::string_view requested, std::string_view backend) {
  const auto named = parse_backend_name(requested);
  return requested == backend || (named && named == parse_backend_name(backend));
}

/// ", secret-service, keyutils, pass": every listed backend's name, each after ", ".
[[nodiscard]] inline std::string known_backend_names() {
  std::string out;
  for (const auto& facts : known_backends) out.append(", ").append(facts.name);
  return out;
}

/// Resolves `service` and `options` against the environment: the backend choice (options.backend,
/// else SECURESTORE_BACKEND: auto, keyring, file, or one backend's name), the data home (XDG_DATA_HOME, HOME, the passwd entry) for default paths, and whether a
/// prompt could be seen (a display or a terminal) for the default interaction.
[[nodiscard]] inline store_config resolve_config(std::string service, const store_options& options) {
  store_config out;
  out.service = std::move(service);
  if (out.service.empty() || out.service.size() > max_key_bytes || out.service.find('\0') != std::string::npos) {
    out.problem = error{errc::invalid_argument, "store: the service name must be 1 to 256 bytes without NUL",
                        "choose another service name"};
  }
  out.chosen_by_options = !options.backend.empty();
  const char* from_environment = out.chosen_by_options ? nullptr : std::getenv(backend_variable);
  if (out.chosen_by_options || from_environment != nullptr) {
    const std::string_view b = out.chosen_by_options ? std::string_view{options.backend} : from_environment;
    out.forced_file = b == "file";
    if (const auto named = parse_backend_name(b); named && *named != keyring_backend::file) {
      out.requested_backend = std::string{b};
    } else if (!out.forced_file && !b.empty() && b != "auto" && b != "keyring") {
      out.problem = error{errc::invalid_argument,
                          concat("store: ", out.chosen_by_options ? "store_options::backend" : backend_variable, "='",
                                 b, "' is not one of auto, keyring, file", known_backend_names()),
                          out.chosen_by_options ? "choose one of those" : "fix or unset it"};
    }
  }
  auto home = platform::data_home();
  // Each service has a subdirectory of its own, so stores of different services can share one
  // fallback_dir without ever touching each other's files.
  if (!options.fallback_dir.empty()) {
    if (!options.fallback_dir.is_absolute()) {
      out.problem = error{errc::invalid_argument,
                          concat("store: fallback_dir '", path_text(options.fallback_dir), "' is not absolute"),
                          "give an absolute path"};
    }
    out.dir = options.fallback_dir / file_stem(out.service);
  } else if (home) {
    out.dir = home.value() / "securestore" / "stores" / file_stem(out.service);
  } else if (!out.problem) {
    out.problem = home.error();
  }
  if (!options.root_secret_path.empty()) {
    out.root_path = options.root_secret_path;
  } else if (home) {
    out.root_path = home.value() / "securestore" / "root.key";
  } else {
    out.root_path = options.fallback_dir.parent_path() / "securestore-root.key";  // no home: beside, not inside
  }
  out.interaction = options.interaction.value_or(platform::can_prompt() ? interaction::allowed : interaction::never);
  return out;
}

/// What is wrong with a resolved configuration for a store whose keyring is `backend`, if anything:
/// a backend choice naming another backend, or a probe TTL that is not positive.
[[nodiscard]] inline std::optional<error> check_store_config(const store_config& config, const store_options& options,
                                                             std::string_view backend) {
  if (!config.requested_backend.empty() && !names_backend(config.requested_backend, backend)) {
    return error{errc::invalid_argument,
                 concat("store: ", config.chosen_by_options ? "store_options::backend" : backend_variable, "=",
                        config.requested_backend, " asks for a backend this store is not built with (it uses ",
                        backend, ")"),
                 config.chosen_by_options ? "build the store with any_keyring::named to choose at run time"
                                          : "unset it, or build the store with any_keyring to choose at run time"};
  }
  if (options.probe_ttl <= std::chrono::seconds{0}) {
    return error{errc::invalid_argument,
                 "store: probe_ttl must be positive (a zero TTL would probe the keyring before every call)",
                 "use the default of 60 s, or a few seconds"};
  }
  return std::nullopt;
}

}  // namespace securestore::detail

// tools/securestore/tool_support.cpp: the store every command opens, and the tool's one way of
// saying what happened (tool_support.hpp). Every message names the key, the backend and what to
// do; none holds a value.
#include "tool_support.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>

#include <securestore/detail/stores/dotenv.hpp>
#include <securestore/stores/app_name.hpp>
#include <securestore/stores/extension_settings.hpp>
#include <securestore/stores/provider_keys.hpp>
#include <securestore/stores/tokens.hpp>
#include <securestore/stores/tool_keys.hpp>

#include "display.hpp"
#include "terminal.hpp"

namespace securestore::tool {
namespace {

inline constexpr const char* backend_variable = "SECURESTORE_BACKEND";

// The store's options from the command line. The backend choice goes in the options, so the
// store never reads SECURESTORE_BACKEND and `exec` hands the command the environment untouched.
store_options options_of(const global_options& g, std::string backend, std::optional<interaction> mode) {
  store_options options;
  options.backend = std::move(backend);
  options.interaction = mode;
  if (g.no_fallback) options.fallback = fallback_policy::deny;
  if (!g.fallback_dir.empty()) {
    std::error_code ignored;
    options.fallback_dir = std::filesystem::absolute(g.fallback_dir, ignored);
  }
  return options;
}

}  // namespace

result<void> choose_store(global_options& g, bool service_given) {
  const auto invalid = [](std::string what, std::string what_to_do) {
    return error{errc::invalid_argument, std::move(what), std::move(what_to_do)};
  };
  const std::string domains = "provider-keys, tool-keys, tokens or extension:NAME";
  if (g.store.empty()) {
    if (!g.app.empty()) {
      return invalid("--app names whose store to use, but no --store says which",
                     detail::concat("add --store ", domains));
    }
    return success();
  }
  if (service_given) {
    return invalid("--store and --service both name the service",
                   "choose one: --store (and --app) for a library store, --service for any other");
  }
  if (!g.app.empty() && !is_valid_app_name(g.app)) {
    return invalid(
        "--app: an application name is 1 to 64 characters from A-Z a-z 0-9 . _ - starting with a "
        "letter or digit",
        "pass the name the application gives its stores (e.g. --app my-app)");
  }
  const bool shared = g.app.empty();
  const auto own = [&](std::string_view domain) { return app_service_name(g.app, domain); };
  if (g.store == "provider-keys") {
    g.domain = store_domain::provider_keys;
    g.service = shared ? std::string{provider_keys_service} : own(provider_keys_domain);
  } else if (g.store == "tool-keys") {
    g.domain = store_domain::tool_keys;
    g.service = shared ? std::string{tool_keys_service} : own(tool_keys_domain);
  } else if (g.store == "tokens") {
    g.domain = store_domain::tokens;
    g.service = shared ? std::string{tokens_service} : own(tokens_domain);
  } else if (g.store.starts_with("extension:") && g.store.size() > std::string_view{"extension:"}.size()) {
    const auto extension = std::string_view{g.store}.substr(std::string_view{"extension:"}.size());
    g.domain = store_domain::extension;
    g.service = shared ? extension_service_name(extension) : extension_service_name(g.app, extension);
  } else {
    return invalid(detail::concat("--store: '", g.store, "' is not a store"), detail::concat("use ", domains));
  }
  return success();
}

result<void> check_domain_name(const global_options& g, std::string_view name) {
  if (g.domain == store_domain::provider_keys && !is_valid_provider_key_name(name)) {
    return error{errc::invalid_argument,
                 detail::concat("a provider key name is 1 to 64 characters from A-Z a-z 0-9 . _ - (this one has ",
                                name.size(), " bytes, or a character outside those)"),
                 "choose another name"};
  }
  if (g.domain == store_domain::extension && !detail::stores::is_env_name(name)) {
    return error{errc::invalid_argument,
                 "an extension's setting is named like an environment variable ([A-Za-z_][A-Za-z0-9_]*)",
                 "use the setting's variable name, e.g. WEATHER_API_KEY"};
  }
  return success();
}

std::string describe_service(const global_options& g) { return detail::concat("service '", g.service, "'"); }

std::string dump(const json& doc) { return doc.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string requested_backend(const global_options& g) {
  if (!g.backend.empty()) return g.backend;
  if (const char* env = std::getenv(backend_variable); env != nullptr && *env != '\0') return env;
  return "auto";
}

std::vector<std::string> backend_choices() {
  std::vector<std::string> out{"auto"};
  for (const auto backend : any_keyring::compiled_backends()) out.emplace_back(backend_name(backend));
  return out;
}

std::string home_relative(const std::filesystem::path& path) {
  const char* home = std::getenv("HOME");
  const std::string text = path.native();
  if (home != nullptr && *home == '/') {
    const std::string prefix = std::string{home} + "/";
    if (text.starts_with(prefix)) return "~/" + text.substr(prefix.size());
  }
  return text;
}

std::string_view display_name(std::string_view backend) {
  if (const auto named = parse_backend_name(backend)) return backend_display_name(*named);  // the backend list's
  return backend;
}

// `--backend file` is the library's SECURESTORE_BACKEND=file: the keyring `auto` chooses is kept
// out but still known, so a key it may hold is `unavailable` (never `not_found`) and a list of
// names is partial, exactly as the library answers. open_file_entries() is the view of the files
// alone.
result<opened> open_store(const global_options& g, const std::string& backend_name, std::optional<interaction> mode) {
  const bool file_override = backend_name == "file";
  auto keyring = any_keyring::named(file_override ? "auto" : backend_name);
  if (!keyring) {
    return error{errc::invalid_argument,
                 detail::concat("securestore: --backend/SECURESTORE_BACKEND: ", keyring.error().what()),
                 "choose one of those with --backend"};
  }
  const std::string backend{file_override ? "file" : securestore::backend_name(keyring.value().backend())};
  return opened{tool_store{g.service, options_of(g, backend_name, mode), std::move(keyring.value())}, backend};
}

result<opened> open_file_entries(const global_options& g) {
  auto none = any_keyring::make(keyring_backend::file);
  if (!none) return none.error();
  return opened{tool_store{g.service, options_of(g, "file", interaction::never), std::move(none.value())}, "file"};
}

std::string describe(location where, opened& s) {
  if (where == location::keyring) return detail::concat("keyring (", display_name(s.backend), ")");
  return detail::concat("file (", printable(home_relative(s.store.fallback_dir())), ")");
}

namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

}  // namespace

std::string in_tool_words(std::string text, const global_options& g) {
  // The environment variable is the tool's too, when it is what chose the backend.
  const bool variable_chose = g.backend.empty() && std::getenv(backend_variable) != nullptr;
  // Longest phrases first: a shorter one is part of a longer one.
  const std::pair<std::string_view, std::string_view> words[] = {
      {"unlock the collection (in Seahorse, or with secret-tool search --unlock)",
       "unlock it with `securestore unlock`, or in your desktop's password manager (Seahorse)"},
      {"the fallback policy is deny, which forbids the encrypted file", "--no-fallback forbids the encrypted file"},
      {"the fallback policy is deny", "--no-fallback forbids the encrypted file"},
      {"allow the file fallback", "leave out --no-fallback"},
      {"call retry_keyring() or restart", "run the command again"},
      {"retry_keyring()", "a new command"},
      {"set store_options.fallback_dir", "choose a directory with --fallback-dir"},
      {"choose another fallback_dir", "choose another directory with --fallback-dir"},
      {"fallback_dir", "--fallback-dir"},
      // The store is given the tool's choice in store_options::backend, and names it so.
      {"choose the keyring (or auto) instead of the file backend",
       variable_chose ? "unset SECURESTORE_BACKEND" : "leave out --backend file"},
      {"choosing the file backend", variable_chose ? "SECURESTORE_BACKEND=file" : "--backend file"},
      {"set SECURESTORE_BACKEND=file", "choose --backend file"},
      {"unset SECURESTORE_BACKEND", variable_chose ? "unset SECURESTORE_BACKEND" : "leave out --backend file"},
      {"SECURESTORE_BACKEND=file", variable_chose ? "SECURESTORE_BACKEND=file" : "--backend file"},
  };
  for (const auto& [library, tool] : words) replace_all(text, library, tool);
  return text;
}

void warn(const global_options& g, std::string_view text) {
  if (g.quiet) return;
  std::cerr << "securestore: warning: " << printable(in_tool_words(std::string{text}, g)) << '\n';
}

void say(const global_options& g, std::string_view text) {
  if (g.quiet || g.json) return;
  std::cout << printable(text) << '\n';
}

namespace {

// `place` is what the message names in parentheses: "backend Secret Service" or "file ~/...".
exit_code report(const global_options& g, std::string_view action, std::string_view key, std::string_view backend,
                 std::string_view place, std::optional<location> where, const error& e) {
  std::string subject = std::string{action};
  if (!key.empty()) subject += detail::concat(" '", key, "'");
  const auto what = in_tool_words(std::string{e.what()}, g);
  const auto remedy = in_tool_words(std::string{e.remediation()}, g);
  std::cerr << "securestore: cannot " << printable(subject) << " (" << printable(place) << "): " << printable(what)
            << "\n  what to do: " << printable(remedy) << '\n';
  if (g.json) {
    json doc{{"code", errc_name(e.code())},
             {"exit_status", static_cast<int>(exit_code_for(e.code()))},
             {"key", key},
             {"backend", backend},
             {"message", what},
             {"remedy", remedy}};
    if (where) doc["location"] = *where == location::keyring ? "keyring" : "file";
    std::cout << dump(json{{"error", doc}}) << '\n';
  }
  return exit_code_for(e.code());
}

}  // namespace

// The library's message names the key too, so all of the text is printable().
exit_code fail(const global_options& g, std::string_view action, std::string_view key, std::string_view backend,
               const error& e) {
  return report(g, action, key, backend, detail::concat("backend ", display_name(backend)), std::nullopt, e);
}

// The store reads a key's file before the keyring (a file holds its newest value), so a key that
// has a file failed there. Which keys have one is asked of the files alone: asking the keyring
// again could cost a second timeout.
exit_code fail(const global_options& g, std::string_view action, std::string_view key, opened& s, const error& e) {
  bool in_file = s.backend == "file";
  if (!in_file && !key.empty()) {
    if (auto files = open_file_entries(g)) {
      // A file that cannot be read (corrupt, denied) is still where the operation went.
      auto where = files.value().store.locate(key);
      in_file = where ? where.value() == location::file
                      : where.error().code() != errc::not_found && where.error().code() != errc::unavailable;
    }
  }
  if (!in_file) {
    return report(g, action, key, s.backend, detail::concat("backend ", display_name(s.backend)), location::keyring, e);
  }
  return report(g, action, key, s.backend, detail::concat("file ", home_relative(s.store.fallback_dir())),
                location::file, e);
}

exit_code refuse(const global_options& g, std::string_view text) {
  std::cerr << "securestore: " << printable(text) << '\n';
  if (g.json) std::cout << dump(json{{"error", {{"code", "refused"}, {"exit_status", 1}, {"message", text}}}}) << '\n';
  return exit_code::failure;
}

bool agreed(const global_options& g, std::string_view question) {
  if (g.yes) return true;
  if (!is_terminal(STDIN_FILENO)) return false;
  return confirm(printable(question));
}

}  // namespace securestore::tool

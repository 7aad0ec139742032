// tools/securestore/tool_support.hpp: what every command's file shares: the tool's store type,
// opening it on the chosen backend (with_store), and reporting results and failures the same way.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/any.hpp>

#include "commands.hpp"

namespace securestore::tool {

using tool_store = basic_secure_store<any_keyring, aes_gcm_cipher, posix_fs>;
using json = nlohmann::json;

/// A store and the keyring it was built on.
struct opened {
  tool_store store;
  std::string backend;  ///< as --backend spells it: "secret-service", "keyutils", "pass", "file"
};

/// Applies --app and --store: sets g.service to the domain store's service (the library's
/// naming: "<app>:provider-keys", or the shared "securestore-provider-keys" without --app) and
/// g.domain. errc::invalid_argument, in the tool's words, for a bad combination or name.
/// `service_given`: --service was on the command line.
[[nodiscard]] result<void> choose_store(global_options& g, bool service_given);
/// The domain store's rule for a key name (provider keys: ^[A-Za-z0-9._-]{1,64}$; an extension's
/// settings: a variable name): errc::invalid_argument saying what is allowed.
[[nodiscard]] result<void> check_domain_name(const global_options& g, std::string_view name);
/// "service 'x'", and for a domain store also which one ("provider keys of my-app").
[[nodiscard]] std::string describe_service(const global_options& g);

/// A store of g.service on `backend_name` ("auto", "keyutils", "file", ...). "file" is the file
/// override: the default keyring is kept out but may still hold entries (as SECURESTORE_BACKEND=file).
[[nodiscard]] result<opened> open_store(const global_options& g, const std::string& backend_name,
                                        std::optional<interaction> mode = std::nullopt);
/// The store directory's files alone (no keyring at all): which names have a file, never a value.
[[nodiscard]] result<opened> open_file_entries(const global_options& g);
/// One JSON document on one line (invalid UTF-8 replaced).
[[nodiscard]] std::string dump(const json& doc);
/// "~/..." for a path under $HOME.
[[nodiscard]] std::string home_relative(const std::filesystem::path& path);
/// How a person knows a backend: "Secret Service" for "secret-service".
[[nodiscard]] std::string_view display_name(std::string_view backend);
/// "keyring (Secret Service)" or "file (~/.local/share/...)".
[[nodiscard]] std::string describe(location where, opened& s);
/// `text` (a library message or remedy) in the tool's own words: what the library says of its API
/// (SECURESTORE_BACKEND=file, fallback_dir, the fallback policy, retry_keyring()) as the tool's
/// options (--backend file, --fallback-dir, --no-fallback), and how to unlock a Secret Service
/// collection as `securestore unlock`. SECURESTORE_BACKEND stays where the user set it and
/// --backend did not override it.
[[nodiscard]] std::string in_tool_words(std::string text, const global_options& g);
/// "securestore: warning: ..." on stderr, unless --quiet.
void warn(const global_options& g, std::string_view text);
/// A line on stdout, unless --quiet or --json.
void say(const global_options& g, std::string_view text);
/// Reports a failure: what failed and what to do on stderr (and, with --json, one JSON document
/// on stdout). Returns the exit status for it.
[[nodiscard]] exit_code fail(const global_options& g, std::string_view action, std::string_view key,
                             std::string_view backend, const error& e);
/// fail() for an operation on a store: names the place it actually went, the encrypted file
/// ("file ~/.local/share/...") when the key has one or the file was chosen, else the keyring.
[[nodiscard]] exit_code fail(const global_options& g, std::string_view action, std::string_view key, opened& s,
                             const error& e);
/// A refusal that is not an errc (a confirmation declined or impossible): exit status 1.
[[nodiscard]] exit_code refuse(const global_options& g, std::string_view text);
/// Whether the user agreed to `question`: --yes, or "y" on the terminal; without a terminal and
/// without --yes, nothing is asked and the answer is no.
[[nodiscard]] bool agreed(const global_options& g, std::string_view question);

/// Opens the store of g.service on the backend the user asked for and runs `body(opened&)` on it.
/// A store that cannot be opened is reported (fail) as the failure to `action` `subject`.
template <class Body>
[[nodiscard]] exit_code with_store(const global_options& g, std::string_view action, std::string_view subject,
                                   Body&& body) {
  const auto backend = requested_backend(g);
  auto s = open_store(g, backend);
  if (!s) return fail(g, action, subject, backend, s.error());
  return std::forward<Body>(body)(s.value());
}

}  // namespace securestore::tool

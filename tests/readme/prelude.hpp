// tests/readme/prelude.hpp: what the README's C++ blocks use without defining it: the values and
// callbacks an application would have (an API key, its flags, a token endpoint), set up so that
// each block runs to its end. Every block is compiled and run by scripts/readme-blocks.sh's
// generated file under ASan and UBSan, in a throw-away HOME (tests/CMakeLists.txt).
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include <securestore/audit.hpp>
#include <securestore/migrate.hpp>
#include <securestore/resolve.hpp>
#include <securestore/securestore.hpp>
#include <securestore/stores/extension_settings.hpp>
#include <securestore/stores/provider_keys.hpp>
#include <securestore/stores/tokens.hpp>
#include <securestore/stores/tool_keys.hpp>

namespace securestore::readme {

// A private directory under HOME for the blocks' files (HOME is a throw-away one in the test).
inline std::filesystem::path private_dir(const char* name) {
  const char* home = std::getenv("HOME");
  const std::filesystem::path dir = std::filesystem::path{home != nullptr ? home : "/tmp"} / name;
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
  return dir;
}

// Refuses to run outside CTest (which gives a throw-away HOME): the names below write to HOME as
// they are initialised, so this check is the first of them.
inline bool guard() {
  if (std::getenv("SECURESTORE_README_TEST") == nullptr) {
    std::fprintf(stderr, "run through CTest: the blocks write to HOME\n");
    std::exit(2);
  }
  return true;
}
inline const bool guarded = guard();
inline void setup() { (void)guarded; }

}  // namespace securestore::readme

// The application's own names, as the README's blocks use them.
inline const std::string api_key = "sk-readme-example-0123456789";
inline void call_api(std::string_view key) { std::printf("calling the API with a key of %zu bytes\n", key.size()); }
inline std::string ask_user() { return "a passphrase the user typed"; }
inline const std::filesystem::path home = std::filesystem::path{std::getenv("HOME") != nullptr ? std::getenv("HOME") : "/tmp"};
inline const std::filesystem::path data_dir = securestore::readme::private_dir("readme-data");
inline const std::filesystem::path extension_dir = securestore::readme::private_dir("readme-extension");
inline const std::string key = "weather-key-0123";
inline void log_debug(std::string_view text) { std::printf("debug: %.*s\n", static_cast<int>(text.size()), text.data()); }

struct readme_flags {
  std::optional<std::string> key = "sk-from-the-command-line";
  std::optional<std::string> key_name;
  std::optional<std::filesystem::path> keyfile;
};
inline const readme_flags flags;
struct readme_profile {
  std::optional<std::string> auth_key_name;
};
inline const readme_profile profile;
inline securestore::provider_key_store& readme_provider_keys() {
  static securestore::provider_key_store keys{"readme-app"};
  return keys;
}
inline securestore::provider_key_store& provider_keys = readme_provider_keys();

inline securestore::secure_store& readme_store() {
  static securestore::secure_store s{"my-app"};
  return s;
}
inline securestore::secure_store& store = readme_store();

// The token endpoint: a new access token valid for an hour.
inline securestore::result<securestore::oauth_credentials> call_token_endpoint(const securestore::oauth_credentials& old) {
  auto next = old;
  next.token.access_token = securestore::secret{"access-token-refreshed"};
  next.token.expires_at = std::chrono::system_clock::now() + std::chrono::hours{1};
  return next;
}

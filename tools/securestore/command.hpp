// tools/securestore/command.hpp: how every command of the tool is registered: a function adds
// its CLI::App to its parent, owns the options it parses, and returns what runs it.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "exit_codes.hpp"

namespace securestore::tool {

/// The library's domain store --store chose, whose rules `key` commands apply.
enum class store_domain { none, provider_keys, tool_keys, tokens, extension };

/// The options every command shares.
struct global_options {
  std::string service = "securestore";
  std::string app;                           ///< --app: the application whose --store it is (empty: the shared store)
  std::string store;                         ///< --store: provider-keys, tool-keys, tokens or extension:NAME
  store_domain domain = store_domain::none;  ///< what --store chose; service is then its service
  std::string backend;                       ///< empty: SECURESTORE_BACKEND, else auto
  std::string fallback_dir;                  ///< empty: the library's default
  bool no_fallback = false;                  ///< keyring only: nothing goes to the encrypted file
  bool json = false;
  bool quiet = false;
  bool yes = false;
};

/// A command added to the command line, and what runs it once it was parsed. `run` owns the
/// command's parsed options.
struct wired_command {
  CLI::App* command = nullptr;
  std::function<exit_code(const global_options&)> run;
  /// The command concerns every backend or the Secret Service's entries (status, import, help,
  /// completion): secret_service_helper.hpp hands it to the binary that has them all.
  bool needs_every_backend = false;
};

}  // namespace securestore::tool

// tools/securestore/commands.hpp: what each subcommand of the tool does, given its parsed
// options; the command line itself is defined in command_line.cpp.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "exit_codes.hpp"

namespace securestore::tool {

/// The options every subcommand shares.
struct global_options {
  std::string service = "securestore";
  std::string backend;       ///< empty: SECURESTORE_BACKEND, else auto
  std::string fallback_dir;  ///< empty: the library's default
  bool json = false;
  bool quiet = false;
  bool yes = false;
};

struct save_options {
  std::string name;
  std::optional<std::string> value;  ///< from argv: only with --value-from-argv
  bool value_from_argv = false;
};

struct load_options {
  std::string name;
  bool reveal = false;
};

struct delete_options {
  std::string name;
  bool force = false;
};

struct exec_options {
  std::vector<std::string> env;  ///< VAR=NAME
  std::vector<std::string> command;
};

/// The backend names --backend accepts in this build: auto, the compiled-in keyrings, file.
[[nodiscard]] std::vector<std::string> backend_choices();
/// The backend the user asked for: --backend, else SECURESTORE_BACKEND, else auto.
[[nodiscard]] std::string requested_backend(const global_options& g);

[[nodiscard]] exit_code key_save(const global_options& g, save_options& o);
[[nodiscard]] exit_code key_load(const global_options& g, const load_options& o);
[[nodiscard]] exit_code key_show(const global_options& g, const std::string& name);
[[nodiscard]] exit_code key_list(const global_options& g);
[[nodiscard]] exit_code key_delete(const global_options& g, const delete_options& o);
[[nodiscard]] exit_code status(const global_options& g);
/// Runs the command: returns only when it cannot be started (or a secret cannot be loaded).
[[nodiscard]] exit_code exec_command(const global_options& g, const exec_options& o);

}  // namespace securestore::tool

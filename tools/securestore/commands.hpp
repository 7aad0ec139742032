// tools/securestore/commands.hpp: the tool's commands, each added to the command line by its own
// function (command.hpp says how); `import` and `export` are in migrate_commands.hpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "command.hpp"

namespace securestore::tool {

/// `key save`'s options. VALUE on the command line is main.cpp's to take: it scrubs argv, refuses
/// it without --value-from-argv, and moves it into `value`.
struct save_options {
  std::string name;
  std::string argv_value;            ///< VALUE as parsed
  std::optional<std::string> value;  ///< from argv: only with --value-from-argv
  bool value_from_argv = false;
};

/// The backend names --backend accepts in this build: auto, the compiled-in keyrings, file.
[[nodiscard]] std::vector<std::string> backend_choices();
/// The backend the user asked for: --backend, else SECURESTORE_BACKEND, else auto.
[[nodiscard]] std::string requested_backend(const global_options& g);

/// `key` and its commands (save, load, show, list, delete), then `key` alone (its overview).
[[nodiscard]] std::vector<wired_command> add_key_commands(CLI::App& app, save_options& save);
/// `status` (alias `doctor`).
[[nodiscard]] wired_command add_status(CLI::App& app);
/// `lock` and `unlock`: the Secret Service's default collection (lock_commands.cpp).
[[nodiscard]] wired_command add_lock(CLI::App& app);
[[nodiscard]] wired_command add_unlock(CLI::App& app);
/// `services`: every service each backend holds keys for, with how many (services_command.cpp).
[[nodiscard]] wired_command add_services(CLI::App& app);
/// `exec`; CMD is what followed "--" (split off before the parse), else what CLI11 left over.
[[nodiscard]] wired_command add_exec(CLI::App& app, const std::optional<std::vector<std::string>>& after_mark);
/// `help [COMMAND]`.
[[nodiscard]] wired_command add_help(CLI::App& app);
/// `completion SHELL`: a bash, zsh or fish script (the build makes the installed ones with it).
[[nodiscard]] wired_command add_completion(CLI::App& app);
/// `__complete-keys` (hidden): the stored keys' names, one a line, for the completion scripts;
/// never prompts, and gives up after a short bound.
[[nodiscard]] wired_command add_complete_keys(CLI::App& app);
/// `__man` (hidden): securestore(1) in roff, for the build to install.
[[nodiscard]] wired_command add_man_page(CLI::App& app);
/// `self-check` (hidden, for tests).
[[nodiscard]] wired_command add_self_check(CLI::App& app);
/// `securestore` alone: a short status and the commonest commands.
[[nodiscard]] wired_command add_overview(CLI::App& app);

/// One line: the service, the backend chosen and whether it can be used now. Never prompts.
[[nodiscard]] std::string short_status(const global_options& g);
/// What `command` (`securestore` or `securestore key`) alone prints: short_status and commands.
[[nodiscard]] exit_code print_overview(const global_options& g, const CLI::App& command);

}  // namespace securestore::tool

// tools/securestore/command_line.hpp: the `securestore` command line (CLI11) as data: every
// subcommand and option, bound to the structs that receive them, built without running anything;
// and the parse of an argument vector into it. main.cpp runs what was parsed; the CLI fuzzer
// (fuzz/cli_args_fuzz.cpp) parses only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "migrate_commands.hpp"

namespace securestore::tool {

/// The tool's CLI::App and where its parse puts each value. Not movable: the App holds pointers
/// into it (make_command_line returns it on the heap).
struct command_line {
  global_options g;
  save_options save;
  std::string save_value;  ///< VALUE of `key save`, accepted only with --value-from-argv
  load_options load;
  std::string show_name;
  delete_options remove;
  exec_options exec;
  std::string shell;  ///< of `completion`
  /// exec's CMD when it followed "--" (split off before the parse: see parse_command_line).
  std::optional<std::vector<std::string>> command_after_mark;

  CLI::App app;
  std::shared_ptr<CLI::Formatter> formatter;
  CLI::App* key_save = nullptr;
  CLI::App* key_load = nullptr;
  CLI::App* key_show = nullptr;
  CLI::App* key_list = nullptr;
  CLI::App* key_delete = nullptr;
  CLI::App* status = nullptr;
  CLI::App* run = nullptr;  ///< exec
  std::vector<wired_command> importers;
  wired_command export_command;
  CLI::App* completion = nullptr;
  CLI::App* self_check = nullptr;

  command_line();
  command_line(const command_line&) = delete;
  command_line& operator=(const command_line&) = delete;
};

/// The whole command line with every subcommand; `backends` are the names --backend accepts
/// (backend_choices() in the tool). Runs nothing, touches no file and no keyring.
[[nodiscard]] std::unique_ptr<command_line> make_command_line(const std::vector<std::string>& backends);

/// Parses `args` (argv without argv[0]) into `cli`. exec's "--" ends the tool's own arguments:
/// what follows goes to cli.command_after_mark, whatever it looks like. Throws CLI::ParseError
/// (and its CallForHelp / CallForVersion successes) as CLI::App::parse does.
void parse_command_line(command_line& cli, std::vector<std::string> args);

}  // namespace securestore::tool

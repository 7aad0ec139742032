// tools/securestore/command_line.hpp: the `securestore` command line (CLI11) as data: every
// command, registered the same way (command.hpp), built without running anything; and the parse
// of an argument vector into it. main.cpp runs what was parsed; the CLI fuzzer
// (fuzz/cli_args_fuzz.cpp) parses only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "help_formatter.hpp"

namespace securestore::tool {

/// The tool's CLI::App and its commands. Not movable: the App and the commands hold pointers
/// into it (make_command_line returns it on the heap).
struct command_line {
  global_options g;
  save_options save;  ///< `key save`'s, whose VALUE main.cpp takes off the command line
  /// exec's CMD when it followed "--" (split off before the parse: see parse_command_line).
  std::optional<std::vector<std::string>> command_after_mark;

  CLI::App app;
  std::shared_ptr<help_formatter> formatter;
  CLI::App* key_save = nullptr;
  /// Every command, each below the ones it contains; the last is `securestore` alone.
  std::vector<wired_command> commands;

  command_line();
  command_line(const command_line&) = delete;
  command_line& operator=(const command_line&) = delete;

  /// The command the parse chose: the first of `commands` that was parsed.
  [[nodiscard]] const wired_command& parsed_command() const;
};

/// The whole command line with every command; `backends` are the names --backend accepts
/// (backend_choices() in the tool). Runs nothing, touches no file and no keyring.
[[nodiscard]] std::unique_ptr<command_line> make_command_line(const std::vector<std::string>& backends);

/// Parses `args` (argv without argv[0]) into `cli`. exec's "--" ends the tool's own arguments:
/// what follows goes to cli.command_after_mark, whatever it looks like. Throws CLI::ParseError
/// (and its CallForHelp / CallForVersion successes) as CLI::App::parse does.
void parse_command_line(command_line& cli, std::vector<std::string> args);

}  // namespace securestore::tool

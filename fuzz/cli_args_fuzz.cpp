// fuzz/cli_args_fuzz.cpp: the `securestore` tool's real command line (tools/securestore/
// command_line.cpp, every subcommand) parsing an argument vector made of the input, split at
// NUL and newline bytes. Parse only: no command runs, so nothing touches a file or a keyring.
// A usage error (CLI::ParseError, --help and --version included) is expected; anything else
// thrown, a crash, a leak or a hang is a finding. After a parse that succeeded, exactly one
// command is ready to run (else the tool would fall through to "a subcommand is required").
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "command_line.hpp"
#include "commands.hpp"

namespace {

// The arguments after argv[0]: the input cut at every NUL or newline (empty pieces are empty
// arguments); at most 64, as a shell line is short.
std::vector<std::string> arguments_of(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args;
  std::string current;
  for (std::size_t i = 0; i < size && args.size() < 64; ++i) {
    const auto c = static_cast<char>(data[i]);
    if (c == '\0' || c == '\n') {
      args.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (args.size() < 64 && (!current.empty() || size == 0)) args.push_back(std::move(current));
  return args;
}

// How many of the commands main() runs were parsed, less the commands that contain them (the
// overview of `securestore` and of `key`).
int commands_parsed(const securestore::tool::command_line& cli) {
  int n = 0;
  for (const auto& command : cli.commands) {
    if (!command.command->parsed()) continue;
    const bool contains_another = std::any_of(cli.commands.begin(), cli.commands.end(), [&](const auto& other) {
      if (other.command == command.command || !other.command->parsed()) return false;
      for (const CLI::App* up = other.command->get_parent(); up != nullptr; up = up->get_parent()) {
        if (up == command.command) return true;
      }
      return false;
    });
    n += contains_another ? 0 : 1;
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto backends = securestore::tool::backend_choices();
  auto cli = securestore::tool::make_command_line(backends);
  try {
    securestore::tool::parse_command_line(*cli, arguments_of(data, size));
  } catch (const CLI::ParseError&) {
    return 0;
  }
  if (commands_parsed(*cli) != 1) std::abort();
  // What main() reads next: exec's CMD (after "--", or what CLI11 left over).
  const auto& command = cli->parsed_command();
  if (command.command->get_prefix_command() && !cli->command_after_mark) (void)command.command->remaining();
  return 0;
}

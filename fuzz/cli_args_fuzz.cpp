// fuzz/cli_args_fuzz.cpp: the `securestore` tool's real command line (tools/securestore/
// command_line.cpp, every subcommand) parsing an argument vector made of the input, split at
// NUL and newline bytes. Parse only: no command runs, so nothing touches a file or a keyring.
// A usage error (CLI::ParseError, --help and --version included) is expected; anything else
// thrown, a crash, a leak or a hang is a finding. After a parse that succeeded, exactly one
// command is ready to run (else the tool would fall through to "a subcommand is required").
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

// How many of the commands main() runs were parsed.
int commands_parsed(const securestore::tool::command_line& cli) {
  int n = 0;
  for (const CLI::App* command : {cli.key_save, cli.key_load, cli.key_show, cli.key_list, cli.key_delete, cli.status,
                                  cli.run, cli.completion, cli.self_check, cli.export_command.command}) {
    n += command->parsed() ? 1 : 0;
  }
  for (const auto& importer : cli.importers) n += importer.command->parsed() ? 1 : 0;
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
  if (cli->run->parsed() && !cli->command_after_mark) (void)cli->run->remaining();
  return 0;
}

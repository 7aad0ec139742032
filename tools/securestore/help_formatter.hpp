// tools/securestore/help_formatter.hpp: the tool's --help layout: CLI11's, plus what a command
// needs that CLI11 leaves out: the global options in every command's help (a command's own help
// says what it needs, --yes included), and CMD in the usage of a command that runs one (exec).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace securestore::tool {

/// Whether a person is shown this command (in help, usage, the man page and completion): CLI11
/// leaves a command with an empty group out of its help, and so does the tool everywhere.
[[nodiscard]] inline bool visible(const CLI::App* command) { return !command->get_group().empty(); }

class help_formatter : public CLI::Formatter {
 public:
  /// CLI11's usage line; for a prefix command (exec), followed by "[--] CMD [ARGS]...".
  [[nodiscard]] std::string make_usage(const CLI::App* app, std::string name) const override;
  /// For a command below the top: the global options (they work before or after the command),
  /// then its own footer.
  [[nodiscard]] std::string make_footer(const CLI::App* app) const override;
};

}  // namespace securestore::tool

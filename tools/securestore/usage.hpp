// tools/securestore/usage.hpp: usage errors: the mistake named (an unknown command with the
// nearest one, an option given to a command that does not own it), the usage of the command it
// concerns, exit status 2, and under --json the error document every failure prints.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "exit_codes.hpp"

namespace securestore::tool {

/// "securestore key load": the names from the root to `command`.
[[nodiscard]] std::string command_path(const CLI::App& command);

/// A mistake on a command line, and the command it concerns.
struct usage_mistake {
  const CLI::App* at = nullptr;
  std::string message;
};

/// The first mistake in `args` (argv without argv[0]) a person should be told about: a word that
/// is no command where a command was expected (with the nearest command's name), or an option the
/// command where it stands does not have (naming the command that has it). nullopt when neither
/// is there: CLI11's own message then says what is wrong.
[[nodiscard]] std::optional<usage_mistake> find_mistake(const CLI::App& app, const std::vector<std::string>& args);

/// The nearest command to `word` among every command and alias under `app` (edit distance),
/// preferring the children of `at`: its path ("securestore key load"), or nullopt when none is
/// close enough to be what was meant.
[[nodiscard]] std::optional<std::string> nearest_command(const CLI::App& app, const CLI::App& at,
                                                         std::string_view word);

/// What is wrong with the option `name` ("--json") where `at` stands: whose option it is and where
/// to put it, or that no command has it.
[[nodiscard]] std::string misplaced_option(const CLI::App& root, const CLI::App& at, const std::string& name);

/// The subcommand of `at` named (or aliased) `word`, hidden ones included; nullptr when none is.
[[nodiscard]] const CLI::App* subcommand_named(const CLI::App& at, const std::string& word);

/// "'lod' is not a command of `securestore key`; did you mean `securestore key load`?"
[[nodiscard]] std::string unknown_command(const CLI::App& root, const CLI::App& at, const std::string& word);

/// Whether `args` ask for --json before any "--".
[[nodiscard]] bool asks_for_json(const std::vector<std::string>& args);

/// Reports a usage error: "PATH: WHAT", the usage of `at` and where to read more, on stderr; with
/// `json`, also {"error": {"code": "invalid_argument", "exit_status": 2, ...}} on stdout.
[[nodiscard]] exit_code usage_error(const CLI::App& at, std::string_view what, bool json);

}  // namespace securestore::tool

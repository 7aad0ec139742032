// tools/securestore/completion.hpp: bash, zsh and fish completion scripts generated from the
// tool's own CLI11 definitions, so they never drift from the command line they complete; and the
// marks that tell them what an argument's value is (a stored key's name, a file).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace securestore::tool {

/// What a completion offers for an option's or a positional argument's value.
enum class completes {
  nothing,
  key_names,        ///< the stored keys' names (`securestore __complete-keys`)
  key_assignments,  ///< VAR=NAME, NAME a stored key's name (exec --env)
  files,
};

/// Marks `option` so that the completion scripts offer `what` for its value. Returns `option`.
CLI::Option* complete_with(CLI::Option* option, completes what);
/// What `option` was marked with (completes::nothing when it was not).
[[nodiscard]] completes completion_of(const CLI::Option* option);

/// A bash completion script for `app` (source it, or install it as
/// share/bash-completion/completions/<name>).
[[nodiscard]] std::string bash_completion(const CLI::App& app);

/// A zsh completion script for `app` (install it as share/zsh/site-functions/_<name>).
[[nodiscard]] std::string zsh_completion(const CLI::App& app);

/// A fish completion script for `app` (install it as share/fish/vendor_completions.d/<name>.fish).
[[nodiscard]] std::string fish_completion(const CLI::App& app);

/// The name of the hidden command the scripts run for the stored keys' names.
inline constexpr const char* complete_keys_command = "__complete-keys";

}  // namespace securestore::tool

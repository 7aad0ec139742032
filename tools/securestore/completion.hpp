// tools/securestore/completion.hpp: bash and zsh completion scripts generated from the tool's
// own CLI11 definitions, so they never drift from the command line they complete.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace securestore::tool {

/// A bash completion script for `app` (source it, or install it as
/// share/bash-completion/completions/<name>).
[[nodiscard]] std::string bash_completion(const CLI::App& app);

/// A zsh completion script for `app` (install it as share/zsh/site-functions/_<name>).
[[nodiscard]] std::string zsh_completion(const CLI::App& app);

}  // namespace securestore::tool

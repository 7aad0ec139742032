// tools/securestore/man_page.hpp: the securestore(1) manual page in roff, generated from the
// tool's own CLI11 definitions (as the completion scripts are), so it never drifts from them.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace securestore::tool {

/// The manual page of `app`, section 1: every visible command with its usage, description,
/// options and footer, and the main command's footer (examples, environment, exit status) as
/// sections of their own.
[[nodiscard]] std::string man_page(const CLI::App& app);

}  // namespace securestore::tool

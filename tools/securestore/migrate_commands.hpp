// tools/securestore/migrate_commands.hpp: `import <source>` and `export FILE`. Each source of
// `import` is one sub-subcommand wired by its own function, so another source is one more
// function and one more line in command_line.cpp.
#pragma once

#include <CLI/CLI.hpp>

#include "command.hpp"

namespace securestore::tool {

/// `import env VAR=NAME...`: environment variables into the store.
[[nodiscard]] wired_command add_import_env(CLI::App& import);
/// `import config PATH --field FIELD=NAME...`: secrets out of a plaintext JSON config.
[[nodiscard]] wired_command add_import_config(CLI::App& import);
/// `import export FILE`: back from a file `export` wrote, every member under its own name.
[[nodiscard]] wired_command add_import_export(CLI::App& import);
/// `import reference SERVICE`: the reference implementation's (llxprt-code's) encrypted files.
[[nodiscard]] wired_command add_import_reference(CLI::App& import);
#if defined(SECURESTORE_WITH_SECRET_SERVICE)
/// `import keyring SERVICE`: the Secret Service entries keytar, keyring-rs, Python keyring or
/// secret-tool wrote for SERVICE.
[[nodiscard]] wired_command add_import_keyring(CLI::App& import);
#endif
#if defined(SECURESTORE_WITH_PASS)
/// `import pass [PREFIX]`: the entries a user keeps in pass, below the folder PREFIX.
[[nodiscard]] wired_command add_import_pass(CLI::App& import);
#endif
/// `export FILE`: every secret into a new plaintext JSON file (0600).
[[nodiscard]] wired_command add_export(CLI::App& app);

}  // namespace securestore::tool

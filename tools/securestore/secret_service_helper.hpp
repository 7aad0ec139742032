// tools/securestore/secret_service_helper.hpp: the Secret Service in a second binary. The tool is
// installed as two programs built from the same sources: `securestore`, without the Secret Service,
// and `securestore-secret-service` (in libexec), with every backend. Most of a cold start is the
// dynamic loader, and GIO alone maps ten shared objects that only the Secret Service uses
// (benchmarks/RESULTS.md, "The command-line tool from a cold start"), so a command on the file,
// the kernel keyring or pass runs in `securestore` itself, and anything that needs the Secret
// Service, or may (auto prefers it), is handed to the helper before anything else happens.
#pragma once

#include <optional>
#include <string>

namespace securestore::tool {

struct command_line;

/// True when this binary hands its commands over to a helper with the Secret Service.
[[nodiscard]] constexpr bool has_secret_service_helper() noexcept {
#if defined(SECURESTORE_SECRET_SERVICE_HELPER)
  return true;
#else
  return false;
#endif
}

/// True when the helper must run what `cli` parsed: its backend (--backend, else
/// SECURESTORE_BACKEND, else auto) is not one this binary has, or the command is one that concerns
/// every backend or the Secret Service's entries (status, import, completion). Always false in
/// a binary without a helper.
[[nodiscard]] bool needs_secret_service_helper(const command_line& cli);

/// Replaces this process with the helper, with the same arguments and environment. Returns only
/// when that failed: why, in words ("/usr/libexec/securestore/securestore-secret-service: No such
/// file or directory").
[[nodiscard]] std::string exec_secret_service_helper(char** argv);

/// The version of the `securestore` that handed this run over, when it is not this binary's own:
/// the two programs come from different installs (a partial upgrade), and this one may not read
/// the command line as the other meant it. nullopt when they match, when nothing handed over, and
/// always in `securestore` itself (it is the one that hands over). The
/// hand-over is a variable in the helper's environment, removed here so no command `exec` runs
/// ever sees it: call this first, before anything else reads the environment.
[[nodiscard]] std::optional<std::string> handed_over_by_another_install();

/// exec_secret_service_helper, and when it fails, says so on stderr with what to do instead:
/// the exit status to end with (unavailable).
[[nodiscard]] int run_secret_service_helper(char** argv);

}  // namespace securestore::tool

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
#include <string_view>

#include <securestore/error.hpp>

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
/// every backend or the Secret Service's entries (wired_command::needs_every_backend). Always
/// false in a binary without a helper.
[[nodiscard]] bool needs_secret_service_helper(const command_line& cli);

/// Replaces this process with the helper, with the same arguments and environment. Returns only
/// when that failed: why, in words ("/usr/libexec/securestore/securestore-secret-service: No such
/// file or directory").
[[nodiscard]] std::string exec_secret_service_helper(char** argv);

/// The version of the `securestore` that handed this run over, when it is not this binary's own:
/// the two programs come from different installs (a partial upgrade), and this one may not read
/// the command line as the other meant it. nullopt when they match, when nothing handed over, and
/// always in a binary that is not the helper (`securestore` is the one that hands over). The
/// hand-over is a variable in the helper's environment, removed here in both programs (in
/// `securestore` it can only be the caller's own) so no command `exec` runs ever sees it: call
/// this first, before anything else reads the environment.
[[nodiscard]] std::optional<std::string> handed_over_by_another_install();

/// In the helper: the VALUE of `key save NAME VALUE` that `securestore` took off the command line
/// and handed over on a pipe (run_secret_service_helper(argv, value)); nullopt when it handed none
/// over, and always outside the helper. The variable naming the pipe is removed everywhere, as
/// by handed_over_by_another_install(). errc::unavailable when the variable names no pipe.
[[nodiscard]] result<std::optional<std::string>> take_handed_over_value();

/// exec_secret_service_helper, and when it fails, says so on stderr with what to do instead:
/// the exit status to end with (unavailable).
[[nodiscard]] int run_secret_service_helper(char** argv);

/// run_secret_service_helper for `key save NAME VALUE` with `argv` holding something else in
/// VALUE's place: `value` goes to the helper on a pipe (take_handed_over_value), so the secret is
/// on the helper's command line not even for the moment before it scrubs its own.
[[nodiscard]] int run_secret_service_helper(char** argv, std::string_view value);

}  // namespace securestore::tool

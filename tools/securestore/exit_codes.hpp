// tools/securestore/exit_codes.hpp: the tool's exit statuses: 0, 1, 2, and one per errc, so a
// script can tell "not stored" from "keyring locked" without reading messages.
#pragma once

#include <string_view>

#include <securestore/error.hpp>

namespace securestore::tool {

/// What the tool's process exits with. `exec` passes its command's status through instead.
enum class exit_code : int {
  ok = 0,
  failure = 1,  ///< anything else: a refused confirmation, an unreadable terminal, an I/O error
  usage = 2,    ///< a bad command line: unknown flag, missing argument, bad value
  not_found = 3,
  locked = 4,
  denied = 5,
  unavailable = 6,
  timeout = 7,
  corrupt = 8,
  invalid_argument = 9,
  cannot_execute = 126,  ///< exec: the command exists but could not be run (as env(1))
  command_not_found = 127,
  cancelled = 130,  ///< the user ended the secret prompt (Ctrl-D; Ctrl-C's SIGINT reads the same)
};

/// The exit status that reports `code`.
[[nodiscard]] constexpr exit_code exit_code_for(errc code) noexcept {
  switch (code) {
    case errc::not_found: return exit_code::not_found;
    case errc::locked: return exit_code::locked;
    case errc::denied: return exit_code::denied;
    case errc::unavailable: return exit_code::unavailable;
    case errc::timeout: return exit_code::timeout;
    case errc::corrupt: return exit_code::corrupt;
    case errc::invalid_argument: return exit_code::invalid_argument;
  }
  return exit_code::failure;
}

/// The name scripts see in --json output ("not_found").
[[nodiscard]] constexpr std::string_view errc_name(errc code) noexcept {
  switch (code) {
    case errc::not_found: return "not_found";
    case errc::locked: return "locked";
    case errc::denied: return "denied";
    case errc::unavailable: return "unavailable";
    case errc::timeout: return "timeout";
    case errc::corrupt: return "corrupt";
    case errc::invalid_argument: return "invalid_argument";
  }
  return "unknown";
}

/// The exit status table as --help prints it (the README repeats it).
inline constexpr std::string_view exit_status_help =
    "Exit status:\n"
    "  0    success\n"
    "  1    other failure (a confirmation refused or impossible, a terminal or I/O error)\n"
    "  2    usage error (unknown flag, missing argument, bad value)\n"
    "  3    not_found         the key is not stored\n"
    "  4    locked            the keyring is locked; securestore unlock, then retry\n"
    "  5    denied            access refused (permissions, a refused prompt)\n"
    "  6    unavailable       no usable keyring or storage\n"
    "  7    timeout           the keyring did not answer in time\n"
    "  8    corrupt           stored data failed authentication\n"
    "  9    invalid_argument  a bad key name or value\n"
    "  130  cancelled at the secret prompt (Ctrl-C or Ctrl-D); nothing was stored\n"
    "  exec passes its command's status through; 126/127 when the command cannot be run or found\n";

}  // namespace securestore::tool

// tools/securestore/secret_service_helper.cpp: when `securestore` hands a command to
// `securestore-secret-service`, and how it finds it (secret_service_helper.hpp says why).
#include "secret_service_helper.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include <securestore/keyring/any.hpp>

#include "command_line.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"

namespace securestore::tool {

namespace {

// Set by `securestore` for the helper it runs: its version (tools/securestore/CMakeLists.txt).
constexpr const char* handed_over_by = "SECURESTORE_HANDED_OVER_BY";

}  // namespace

std::optional<std::string> handed_over_by_another_install() {
  // Only the helper is handed over to; `securestore` sets the variable itself when it does.
  if (has_secret_service_helper()) return std::nullopt;
  const char* by = std::getenv(handed_over_by);
  if (by == nullptr) return std::nullopt;
  std::string version{by};
  ::unsetenv(handed_over_by);
  if (version == SECURESTORE_VERSION) return std::nullopt;
  return version;
}

#if defined(SECURESTORE_SECRET_SERVICE_HELPER)

bool needs_secret_service_helper(const command_line& cli) {
  // status diagnoses every backend, the Secret Service included; every import may read the
  // Secret Service (other libraries' entries, the reference implementation's machine secret);
  // the completion scripts must offer the helper's whole command line.
  if (cli.status->parsed() || cli.completion->parsed()) return true;
  if (std::ranges::any_of(cli.importers, [](const wired_command& i) { return i.command->parsed(); })) return true;
  // The rest runs here when it names a backend this binary has: `auto` prefers the Secret Service,
  // and an unknown name gets its message from the binary that knows every name.
  const auto named = parse_backend_name(requested_backend(cli.g));
  const auto here = any_keyring::compiled_backends();
  return !named || std::ranges::find(here, *named) == here.end();
}

std::string exec_secret_service_helper(char** argv) {
  // Beside this binary's own file (as installed: bin/../libexec/securestore), never through PATH;
  // where the kernel cannot say which file this is (no /proc), where the build installs it.
  std::error_code unknown;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", unknown);
  const auto helper = unknown ? std::filesystem::path{SECURESTORE_SECRET_SERVICE_HELPER_INSTALLED}
                              : (self.parent_path() / SECURESTORE_SECRET_SERVICE_HELPER).lexically_normal();
  ::setenv(handed_over_by, SECURESTORE_VERSION, 1);
  ::execv(helper.c_str(), argv);
  const int e = errno;
  ::unsetenv(handed_over_by);
  return helper.native() + ": " + std::strerror(e);
}

int run_secret_service_helper(char** argv) {
  const auto why = exec_secret_service_helper(argv);
  std::cerr << "securestore: cannot run the Secret Service part of securestore (" << why
            << "); it also runs status, import and the default backend (auto): reinstall securestore, or choose "
               "--backend file, keyutils or pass.\n";
  return static_cast<int>(exit_code::unavailable);
}

#else

bool needs_secret_service_helper(const command_line&) { return false; }
std::string exec_secret_service_helper(char**) { return "this securestore has no Secret Service helper"; }
int run_secret_service_helper(char**) { return static_cast<int>(exit_code::failure); }

#endif

}  // namespace securestore::tool

// tools/securestore/self_check_command.cpp: `self-check` (hidden): what the tests ask of the
// process itself: whether it is dumpable, and whether it loaded GIO (which binary ran the command,
// secret_service_helper.hpp).
#include <sys/prctl.h>

#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include "commands.hpp"

namespace securestore::tool {
namespace {

// Whether this process has a shared object whose path contains `name` mapped.
bool maps_a_library(std::string_view name) {
  std::ifstream maps{"/proc/self/maps"};
  for (std::string line; std::getline(maps, line);) {
    if (line.find(name) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

wired_command add_self_check(CLI::App& app) {
  auto* command = app.add_subcommand("self-check", "print whether the process is dumpable (for tests)");
  command->group("");
  return {command, [](const global_options&) {
            std::cout << "dumpable=" << ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) << '\n'
                      << "gio=" << maps_a_library("/libgio-2.0.so") << '\n';
            return exit_code::ok;
          }};
}

}  // namespace securestore::tool

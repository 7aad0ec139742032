// support/test_keyring.hpp: the private gnome-keyring of scripts/with-secret-service.sh, as the
// tests that stop, start, lock and unlock it drive it (its control script is in
// SECURESTORE_TEST_KEYRING_CTL).
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

namespace securestore::test {

/// The daemon's control script, or "" when the tests run outside scripts/with-secret-service.sh:
/// the test then FAILs under CI=true and is skipped with a warning elsewhere.
[[nodiscard]] inline std::string required_keyring_ctl() {
  const char* ctl = std::getenv("SECURESTORE_TEST_KEYRING_CTL");
  if (ctl != nullptr && *ctl != '\0') return ctl;
  const std::string why = "no test keyring: run inside scripts/with-secret-service.sh";
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::string_view{ci} == "true") {
    FAIL(why);
  } else {
    WARN("skipped: " + why);
  }
  return {};
}

/// Runs `<ctl> stop|start|lock|...`, which must succeed: the test owns the daemon while it runs.
inline void control_keyring(const std::string& ctl, const char* what) {
  const auto command = ctl + " " + what;
  REQUIRE(std::system(command.c_str()) == 0);
}

/// Starts the daemon again (unlocked) whatever the test did, so later tests find it running.
struct keyring_restarter {
  std::string ctl;
  ~keyring_restarter() {
    if (!ctl.empty()) (void)std::system((ctl + " start >/dev/null 2>&1 || true").c_str());
  }
};

}  // namespace securestore::test

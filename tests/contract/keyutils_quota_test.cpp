// contract/keyutils_quota_test.cpp: what the kernel keyring does when a user's key quota is full
// (only testable as a non-root user: root's quota is far larger).
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <securestore/keyring/keyutils.hpp>

#include "contract/make_keyring.hpp"
#include "support/names.hpp"

namespace securestore::test {
namespace {

TEST_CASE("a value past the user's kernel key quota is unavailable and names the quota files",
          "[contract][keyring][keyutils]") {
  std::size_t maxbytes = 0;
  std::ifstream{"/proc/sys/kernel/keys/maxbytes"} >> maxbytes;
  if (::getuid() == 0 || maxbytes == 0 || maxbytes >= 32767) {
    WARN("skipped: the quota path needs a non-root user whose kernel.keys.maxbytes is below 32767");
    return;
  }
  keyutils_keyring keyring;
  const auto service = unique_service_name();
  const service_cleanup cleanup{keyring, service};

  auto stored = keyring.set(service, "too-big", std::string(maxbytes, 'q'));
  REQUIRE_FALSE(stored);
  CHECK(stored.error().code() == errc::unavailable);
  CHECK(stored.error().message().find("/proc/sys/kernel/keys/maxbytes") != std::string::npos);
  CHECK(keyring.get(service, "too-big").error().code() == errc::not_found);
}

}  // namespace
}  // namespace securestore::test

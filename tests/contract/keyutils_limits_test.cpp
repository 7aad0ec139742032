// contract/keyutils_limits_test.cpp: the kernel keyring's own limits and options: a full key quota
// (only testable as a non-root user: root's quota is far larger; integration/keyutils_store_test.cpp
// drops to another uid to test it as root too) and the persistent keyring.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <securestore/keyring/keyutils.hpp>

#include "contract/make_keyring.hpp"
#include "support/names.hpp"

namespace securestore::test {
namespace {

TEST_CASE("a value past the user's kernel key quota is invalid_argument and names the quota files",
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
  CHECK(stored.error().code() == errc::invalid_argument);  // this value only: the keyring stays usable
  CHECK(stored.error().message().find("/proc/sys/kernel/keys/maxbytes") != std::string::npos);
  CHECK(keyring.get(service, "too-big").error().code() == errc::not_found);
}

TEST_CASE("the persistent keyring holds, lists and forgets entries like the user keyring",
          "[contract][keyring][keyutils]") {
  keyutils_keyring keyring{{.kind = keyutils_keyring::keyring_kind::persistent}};
  const auto service = unique_service_name();
  auto probe = keyring.list(service);
  if (!probe) {
    WARN("skipped: this kernel has no persistent keyrings (CONFIG_PERSISTENT_KEYRINGS): " + probe.error().message());
    return;
  }
  const service_cleanup cleanup{keyring, service};
  REQUIRE(keyring.set(service, "api", canary));
  CHECK(keyring.get(service, "api").value() == std::string_view{canary});
  CHECK(keyring.list(service).value() == std::vector<std::string>{"api"});
  CHECK(keyutils_keyring{}.get(service, "api").error().code() == errc::not_found);  // not in @u
  CHECK(keyring.remove(service, "api").value());
  CHECK(keyring.get(service, "api").error().code() == errc::not_found);
}

}  // namespace
}  // namespace securestore::test

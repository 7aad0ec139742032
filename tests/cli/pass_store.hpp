// cli/pass_store.hpp: whether the throw-away pass store of scripts/with-pass-store.sh is there.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string_view>

namespace securestore::test {

/// True inside scripts/with-pass-store.sh; otherwise the test FAILs under CI=true and is skipped
/// with a warning elsewhere (the caller returns).
inline bool have_pass_store() {
  if (std::getenv("PASSWORD_STORE_DIR") != nullptr && std::getenv("GNUPGHOME") != nullptr) return true;
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::string_view{ci} == "true") FAIL("no pass store: run inside scripts/with-pass-store.sh");
  WARN("skipped: no pass store (run inside scripts/with-pass-store.sh)");
  return false;
}

}  // namespace securestore::test

// cli/lock_tool_test.cpp: `lock` and `unlock` on a backend that has no lock (the Secret Service's
// are in secret_service_tool_test.cpp).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/tool.hpp"

namespace securestore::test {

TEST_CASE("lock and unlock on a backend without a lock (file, keyutils, pass) exit 9 and say it has none", "[cli]") {
  tool_home t;  // SECURESTORE_BACKEND=file
  for (const auto* verb : {"lock", "unlock"}) {
    CAPTURE(verb);
    auto plain = t.run({verb});
    CHECK(plain.status == 9);
    CHECK(contains(plain.err, "encrypted file store (file) has no lock"));
    CHECK(contains(plain.err, "what to do: nothing to "));
    for (const auto* backend : {"file", "keyutils", "pass"}) {
      CAPTURE(backend);
      auto ran = t.run({"--backend", backend, "--json", verb});
      CHECK(ran.status == 9);
      CHECK(contains(ran.err, std::string{"("} + backend + ") has no lock"));
      CHECK(nlohmann::json::parse(ran.out)["error"]["code"] == "invalid_argument");
      CHECK_FALSE(contains(ran.all(), "SECURESTORE_BACKEND"));
    }
  }
}

}  // namespace securestore::test

// A first end-to-end check of the file store.
#include <securestore/file_store.hpp>

#include <catch2/catch.hpp>

#include "support/names.hpp"
#include "support/temp_dir.hpp"

TEST_CASE("a file store returns what was set", "[store]") {
  securestore::test::temp_dir dir;
  securestore::file_store store{"svc", {.fallback_dir = dir / "store", .root_secret_path = dir / "root.key"}};
  REQUIRE(store.set("api", securestore::test::canary));
  auto got = store.get("api");
  REQUIRE(got);
  CHECK(got.value() == std::string_view{securestore::test::canary});
}

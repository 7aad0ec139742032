// cli/tool_remedies_test.cpp: what the tool says to do fits what happened: a missing key is not
// to be stored first to be deleted, and an installed tool carries no debug information.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "cli/tool.hpp"

namespace securestore::test {

TEST_CASE("deleting a missing key says to check its name, not to store it first", "[cli]") {
  const tool_home t;
  REQUIRE(t.run({"key", "save", "present"}, std::string{"v"}).status == 0);
  const auto ran = t.run({"--yes", "key", "delete", "absent"});
  CHECK(ran.status == 3);
  CHECK_FALSE(contains(ran.err, "store it first"));
  CHECK(contains(ran.err, "what to do: check the name with `securestore key list`"));
  CHECK(contains(ran.err, "--force"));
}

#if defined(SECURESTORE_BUILD_DIR) && defined(SECURESTORE_CMAKE_COMMAND)  // with SECURESTORE_INSTALL
TEST_CASE("cmake --install installs the tool stripped, its debug information beside it, and securestore(1)",
          "[cli][install]") {
  const tool_home t;
  const std::filesystem::path build{SECURESTORE_BUILD_DIR};
  REQUIRE(std::filesystem::exists(build / "cmake_install.cmake"));
  const auto prefix = t.home() / "prefix";
  // Without --strip: the default install is the one that must be small.
  const auto installed = t.run_other({SECURESTORE_CMAKE_COMMAND, "--install", build.native(), "--prefix",
                                      prefix.native(), "--component", "Unspecified"});
  REQUIRE(installed.status == 0);
  const auto binary = prefix / "bin" / "securestore";
  REQUIRE(std::filesystem::exists(binary));
  const auto sections = t.run_other({"readelf", "-S", "-W", binary.native()});
  REQUIRE(sections.status == 0);
  CHECK_FALSE(contains(sections.out, ".debug_info"));
  CHECK_FALSE(contains(sections.out, " .symtab"));
  CHECK(contains(sections.out, ".gnu_debuglink"));
  CHECK(std::filesystem::exists(prefix / "lib" / "debug" / "bin" / "securestore.debug"));
  if (std::filesystem::exists(build / "tools" / "securestore" / "man" / "securestore.1")) {
    CHECK(std::filesystem::exists(prefix / "share" / "man" / "man1" / "securestore.1"));
    CHECK(std::filesystem::exists(prefix / "share" / "fish" / "vendor_completions.d" / "securestore.fish"));
  }
  CHECK(t.run_other({binary.native(), "--version"}).status == 0);  // it still runs
}
#endif

}  // namespace securestore::test

// unit/pass_keyring_test.cpp: where pass_keyring looks for the password store when nothing names
// it: never relative to the current directory.
#include <securestore/keyring/pass.hpp>

#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/names.hpp"
#include "support/stores.hpp"
#include "support/temp_dir.hpp"

namespace securestore::test {
namespace {

// Changes the current directory for one scope.
class scoped_cwd {
 public:
  explicit scoped_cwd(const std::filesystem::path& dir) : previous_{std::filesystem::current_path()} {
    std::filesystem::current_path(dir);
  }
  ~scoped_cwd() {
    std::error_code ignored;
    std::filesystem::current_path(previous_, ignored);
  }
  scoped_cwd(const scoped_cwd&) = delete;
  scoped_cwd& operator=(const scoped_cwd&) = delete;

 private:
  std::filesystem::path previous_;
};

TEST_CASE("without HOME the pass store is the passwd entry's, never one planted in the current directory",
          "[unit][pass]") {
  const temp_dir dir;
  const auto service = unique_service_name();
  // A store someone planted in the directory the program happens to run in.
  const auto planted = dir / ".password-store";
  std::filesystem::create_directories(planted / "securestore" / service);
  std::ofstream{planted / ".gpg-id"} << "planted@example.invalid\n";
  std::ofstream{planted / "securestore" / service / "api.gpg"} << "not ours";
  const scoped_cwd cwd{dir.path()};
  const scoped_env no_home{"HOME", nullptr};
  const scoped_env no_store{"PASSWORD_STORE_DIR", nullptr};

  pass_keyring keyring;
  const auto scope = keyring.latch_scope();
  CHECK(scope.starts_with("pass@/"));
  CHECK(scope.find(".password-store") != std::string::npos);
  auto names = keyring.list(service);
  if (names) CHECK(names.value().empty());
}

TEST_CASE("a relative password store path is refused", "[unit][pass]") {
  const temp_dir dir;
  std::filesystem::create_directories(dir / "rel");
  std::ofstream{dir / "rel" / ".gpg-id"} << "planted@example.invalid\n";
  const scoped_cwd cwd{dir.path()};
  const auto service = unique_service_name();

  SECTION("from the options") {
    pass_keyring keyring{{.store_dir = "rel"}};
    auto names = keyring.list(service);
    REQUIRE_FALSE(names);
    CHECK(names.error().code() == errc::unavailable);
  }
  SECTION("from PASSWORD_STORE_DIR") {
    const scoped_env relative{"PASSWORD_STORE_DIR", "rel"};
    pass_keyring keyring;
    auto names = keyring.list(service);
    REQUIRE_FALSE(names);
    CHECK(names.error().code() == errc::unavailable);
  }
}

// Issue 26.4: the password store the environment names is checked like a store directory.
TEST_CASE("a password store that others can write, or another user owns, is denied", "[unit][pass]") {
  const temp_dir dir;
  const auto store = dir / "store";
  std::filesystem::create_directories(store);
  std::ofstream{store / ".gpg-id"} << "someone@example.invalid\n";
  const auto service = unique_service_name();
  SECTION("writable by others") {
    std::filesystem::permissions(store, std::filesystem::perms::all);  // 0777
    const scoped_env env{"PASSWORD_STORE_DIR", store.c_str()};
    pass_keyring keyring;
    auto stored = keyring.set(service, "api", "value");
    REQUIRE_FALSE(stored);
    CHECK(stored.error().code() == errc::denied);
    CHECK(stored.error().what().find("can be written by others") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(store / "securestore"));
  }
  SECTION("owned by another user") {
    if (::geteuid() != 0) {
      WARN("needs root to give the store to another user");
      return;
    }
    REQUIRE(::chown(store.c_str(), 65534, 65534) == 0);
    pass_keyring keyring{{.store_dir = store}};
    auto names = keyring.list(service);
    REQUIRE_FALSE(names);
    CHECK(names.error().code() == errc::denied);
    CHECK(names.error().what().find("belongs to uid 65534") != std::string::npos);
  }
}

}  // namespace
}  // namespace securestore::test

// Tests of tool_key_store: the registry, the keyfile map, and resolve()'s order and errors.
#include <securestore/stores/tool_keys.hpp>

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <optional>
#include <thread>

#include <catch2/catch.hpp>

#include "support/files.hpp"
#include "support/names.hpp"
#include "support/stores.hpp"

using namespace securestore;
using securestore::test::canary;
using tool_keys = basic_tool_key_store<test::memory_store>;

namespace {

std::vector<tool_info> registry() {
  return {{"exa", "Exa Search", "API key for Exa web and code search"},
          {"brave", "Brave Search", "API key for Brave web search"}};
}

using securestore::test::write_file;

}  // namespace

TEST_CASE("an unknown tool is invalid_argument naming the supported tools", "[stores][tool-keys]") {
  test::memory_rig rig;
  tool_keys keys{registry(), rig.make(), rig.fs};
  auto saved = keys.save("nope", canary);
  REQUIRE_FALSE(saved);
  CHECK(saved.error() == errc::invalid_argument);
  CHECK(saved.error().message().find("exa, brave") != std::string::npos);
  CHECK(keys.get("nope").error() == errc::invalid_argument);
  CHECK(keys.resolve("nope").error() == errc::invalid_argument);
  CHECK(keys.set_keyfile("nope", "/tmp/x").error() == errc::invalid_argument);
  CHECK(keys.info("brave").value().display_name == "Brave Search");
}

TEST_CASE("resolve prefers the stored key, then the keyfile, then not_found", "[stores][tool-keys]") {
  test::memory_rig rig;
  tool_keys keys{registry(), rig.make(), rig.fs};
  const auto keyfile = rig.dir / "exa.key";
  write_file(keyfile, "  keyfile-value \nsecond line\n");

  SECTION("nothing stored and no keyfile is not_found") { CHECK(keys.resolve("exa").error() == errc::not_found); }
  SECTION("a keyfile gives its first line, trimmed") {
    REQUIRE(keys.set_keyfile("exa", keyfile));
    auto got = keys.resolve("exa");
    REQUIRE(got);
    CHECK(got.value().source == tool_key_source::keyfile);
    CHECK(got.value().keyfile == keyfile);
    CHECK(got.value().value == std::string_view{"keyfile-value"});
  }
  SECTION("a stored key wins over the keyfile") {
    REQUIRE(keys.set_keyfile("exa", keyfile));
    REQUIRE(keys.save("exa", canary));
    auto got = keys.resolve("exa");
    REQUIRE(got);
    CHECK(got.value().source == tool_key_source::stored);
    CHECK(got.value().value == std::string_view{canary});
  }
  SECTION("a locked keyring is reported, not skipped for the keyfile") {
    REQUIRE(keys.set_keyfile("exa", keyfile));
    REQUIRE(keys.save("exa", canary));
    rig.keyring.fail_with(errc::locked);
    auto got = keys.resolve("exa");
    REQUIRE_FALSE(got);
    CHECK(got.error() == errc::locked);
  }
}

TEST_CASE("an empty, missing or unreadable keyfile is an error, never a silent none", "[stores][tool-keys]") {
  test::memory_rig rig;
  tool_keys keys{registry(), rig.make(), rig.fs};
  const auto keyfile = rig.dir / "exa.key";
  REQUIRE(keys.set_keyfile("exa", keyfile));

  SECTION("missing") { CHECK(keys.resolve("exa").error() == errc::invalid_argument); }
  SECTION("empty or blank") {
    write_file(keyfile, GENERATE(std::string{}, std::string{" \n\t\n"}));
    CHECK(keys.resolve("exa").error() == errc::invalid_argument);
  }
  SECTION("readable by others") {
    write_file(keyfile, canary, 0644);
    auto got = keys.resolve("exa");
    REQUIRE_FALSE(got);
    CHECK(got.error() == errc::denied);
    CHECK(got.error().message().find(canary) == std::string::npos);
  }
  SECTION("a read that fails") {
    write_file(keyfile, canary);
    rig.fs.fail_next(fs_op::read, EIO);
    auto got = keys.resolve("exa");
    REQUIRE_FALSE(got);
    CHECK(got.error() != errc::not_found);
  }
}

TEST_CASE("keyfile paths persist in a private JSON map", "[stores][tool-keys]") {
  test::memory_rig rig;
  const auto map_path = rig.dir / "map" / "keyfiles.json";
  {
    tool_keys keys{registry(), rig.make(), rig.fs, map_path};
    REQUIRE(keys.set_keyfile("exa", "/keys/exa"));
    REQUIRE(keys.set_keyfile("brave", "/keys/brave"));
    CHECK(keys.clear_keyfile("brave").value());
    CHECK_FALSE(keys.clear_keyfile("brave").value());
  }
  struct stat st {};
  REQUIRE(::stat(map_path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  tool_keys reopened{registry(), rig.make(), rig.fs, map_path};
  CHECK(reopened.keyfile("exa").value() == std::filesystem::path{"/keys/exa"});
  CHECK_FALSE(reopened.keyfile("brave").value().has_value());

  SECTION("a failed write keeps the old map") {
    rig.fs.fail_next(fs_op::rename, ENOSPC);
    CHECK_FALSE(reopened.set_keyfile("exa", "/keys/other"));
    CHECK(reopened.keyfile("exa").value() == std::filesystem::path{"/keys/exa"});
  }
  SECTION("a map that is not a JSON object of strings is corrupt") {
    write_file(map_path,
               GENERATE(std::string{"null"}, std::string{"[1]"}, std::string{"{\"exa\": 3}"}, std::string{"{broken"}));
    CHECK(reopened.keyfile("exa").error() == errc::corrupt);
    CHECK(reopened.set_keyfile("exa", "/x").error() == errc::corrupt);
  }
}

TEST_CASE("the keyfile map defaults to the store's directory", "[stores][tool-keys]") {
  test::temp_dir dir;
  basic_tool_key_store<file_store> keys{"my-app", registry(), test::options_in(dir)};
  REQUIRE(keys.set_keyfile("exa", "/keys/exa"));
  CHECK(keys.keyfile_map() == dir / "entries" / "my-app%3Atool-keys" / "keyfiles.json");
  CHECK(std::filesystem::exists(keys.keyfile_map()));
  REQUIRE(keys.save("exa", canary));
  CHECK(keys.store().list().value() == std::vector<std::string>{"exa"});
}

TEST_CASE("the keyfile map is written under the store directory's write lock, so no crash sweep takes its temp file",
          "[stores][tool-keys]") {
  test::temp_dir dir;
  basic_tool_key_store<file_store> keys{"my-app", registry(), test::options_in(dir)};
  REQUIRE(keys.set_keyfile("exa", "/keys/exa"));
  posix_fs fs;
  auto store_dir = fs.open_directory(keys.keyfile_map().parent_path(), directory_options{.create = false});
  REQUIRE(store_dir);
  // A store writer holds the lock (and may sweep temp files) for 300 ms.
  auto lock = fs.lock(store_dir.value(), ".lock");
  REQUIRE(lock);
  std::optional held{std::move(lock.value())};
  std::thread writer{[&held] {
    std::this_thread::sleep_for(std::chrono::milliseconds{300});
    held.reset();
  }};
  const auto started = std::chrono::steady_clock::now();
  const auto updated = keys.set_keyfile("brave", "/keys/brave");
  const auto waited = std::chrono::steady_clock::now() - started;
  writer.join();
  REQUIRE(updated);
  CHECK(waited >= std::chrono::milliseconds{250});
  CHECK(keys.keyfile("brave").value() == std::filesystem::path{"/keys/brave"});
}

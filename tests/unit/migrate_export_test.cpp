// unit/migrate_export_test.cpp: export_to_file writes every entry to a new 0600 JSON file, refuses
// to overwrite unless asked, never exports a partial set silently, and leaves nothing on failure.
#include <securestore/migrate/export.hpp>

#include <catch2/catch.hpp>

#include <cerrno>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "support/migrate.hpp"
#include "support/names.hpp"
#include "support/stores.hpp"

namespace securestore::test {
namespace {

std::filesystem::perms mode_of(const std::filesystem::path& p) {
  return std::filesystem::status(p).permissions() & std::filesystem::perms::mask;
}

}  // namespace

TEST_CASE("export_to_file writes every entry as {name: value} in a new 0600 file and warns", "[migrate][export]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("anthropic", canary));
  REQUIRE(store.set("openai", other_canary));
  temp_dir out;
  const auto path = out / "export.json";

  auto summary = export_to_file(store, path);
  REQUIRE(summary);
  CHECK(summary.value().count == 2);
  CHECK_FALSE(summary.value().partial);
  CHECK(summary.value().warning.find(path.native() + " holds 2 secrets in plain text") == 0);
  CHECK(summary.value().warning.find(canary) == std::string::npos);
  CHECK(mode_of(path) == (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  const auto doc = nlohmann::json::parse(slurp(path));
  CHECK(doc == nlohmann::json{{"anthropic", canary}, {"openai", other_canary}});

  SECTION("an existing file is refused, and left as it was") {
    REQUIRE(store.set("third", "value-3"));
    auto again = export_to_file(store, path);
    REQUIRE_FALSE(again);
    CHECK(again.error().code() == errc::invalid_argument);
    CHECK(again.error().message().find("already exists") != std::string::npos);
    CHECK(nlohmann::json::parse(slurp(path)).size() == 2);
  }
  SECTION("replace_existing replaces it whole") {
    REQUIRE(store.set("third", "value-3"));
    auto again = export_to_file(store, path, {.replace_existing = true});
    REQUIRE(again);
    CHECK(again.value().count == 3);
    CHECK(nlohmann::json::parse(slurp(path)).size() == 3);
    CHECK(mode_of(path) == (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  }
  SECTION("a symlink at the path is refused, not followed") {
    const auto link = out / "link.json";
    std::filesystem::create_symlink(out / "elsewhere.json", link);
    CHECK(export_to_file(store, link).error().code() == errc::invalid_argument);
    CHECK_FALSE(std::filesystem::exists(out / "elsewhere.json"));
  }
}

TEST_CASE("export_to_file refuses a partial listing unless the caller opts in, and then says so", "[migrate][export]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("in-keyring", canary));
  rig.keyring.fail_with(errc::unavailable);
  REQUIRE(store.set("in-file", other_canary));  // the outage sends it to the file
  temp_dir out;
  const auto path = out / "export.json";

  auto refused = export_to_file(store, path);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == errc::unavailable);
  CHECK(refused.error().message().find("--allow-partial") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(path));

  auto partial = export_to_file(store, path, {.allow_partial = true});
  REQUIRE(partial);
  CHECK(partial.value().partial);
  CHECK(partial.value().count == 1);
  CHECK(partial.value().warning.find("INCOMPLETE") != std::string::npos);
  CHECK(nlohmann::json::parse(slurp(path)) == nlohmann::json{{"in-file", other_canary}});
}

TEST_CASE("a failed export write leaves no file behind, and an empty store exports {}", "[migrate][export]") {
  memory_rig rig;
  auto store = rig.make();
  temp_dir out;
  const auto path = out / "export.json";

  SECTION("empty store") {
    auto summary = export_to_file(store, path);
    REQUIRE(summary);
    CHECK(summary.value().count == 0);
    CHECK(nlohmann::json::parse(slurp(path)) == nlohmann::json::object());
  }
  SECTION("a failing write") {
    REQUIRE(store.set("anthropic", canary));
    faulty_fs export_fs;
    const auto op = GENERATE(fs_op::write, fs_op::fsync, fs_op::rename);
    export_fs.fail_next(op, EIO);
    auto failed = export_to_file(store, path, {}, export_fs);
    REQUIRE_FALSE(failed);
    CHECK(export_fs.faults_fired() == 1);
    CHECK(failed.error().message().find(canary) == std::string::npos);
    CHECK(std::filesystem::is_empty(out.path()));
  }
}

TEST_CASE("a value that is not UTF-8 text fails the export, naming the key, with nothing written",
          "[migrate][export]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("binary", std::string{"\xff\xfe-bytes"}));
  temp_dir out;
  auto failed = export_to_file(store, out / "export.json");
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code() == errc::invalid_argument);
  CHECK(failed.error().message().find("'binary'") != std::string::npos);
  CHECK(std::filesystem::is_empty(out.path()));
}

}  // namespace securestore::test

// unit/migrate_plaintext_config_test.cpp: import_plaintext_config on the memory keyring and the
// file store: keys moved only after a verified copy, the config rewritten without them (order,
// other members and mode kept), re-runs are no-ops, an interrupted run resumes, bad JSON refused.
#include <securestore/migrate/plaintext_config.hpp>

#include <catch2/catch.hpp>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/migrate.hpp"
#include "support/names.hpp"
#include "support/stores.hpp"

namespace securestore::test {
namespace {

std::filesystem::path write_config(const temp_dir& dir, const std::string& text,
                                   std::filesystem::perms mode = std::filesystem::perms::owner_read |
                                                                 std::filesystem::perms::owner_write) {
  auto path = dir / "settings.json";
  std::ofstream{path} << text;
  std::filesystem::permissions(path, mode);
  return path;
}

std::string sample_config() {
  return std::string{"{\n  \"theme\": \"dark\",\n  \"apiKey\": \""} + canary +
         "\",\n  \"providers\": {\n    \"openai\": {\n      \"apiKey\": \"" + other_canary +
         "\",\n      \"model\": \"gpt\"\n    }\n  },\n  \"zLast\": 1\n}\n";
}

const std::vector<config_field> sample_fields{{"apiKey", "anthropic"}, {"/providers/openai/apiKey", "openai"}};

}  // namespace

TEST_CASE("import_plaintext_config moves the fields into the store and rewrites the config without them",
          "[migrate][config]") {
  memory_rig rig;
  auto store = rig.make();
  temp_dir config_dir;
  const auto path = write_config(config_dir, sample_config());

  auto report = import_plaintext_config(store, path, sample_fields, {.remove_source = true});
  REQUIRE(report);
  REQUIRE(report.value().items.size() == 2);
  for (const auto& item : report.value().items) {
    CHECK(item.outcome == migration_outcome::imported);
    CHECK(item.source_removed);
    CHECK(item.origin == "plaintext-config");
  }
  CHECK(report.value().items[1].source == path.native() + "#/providers/openai/apiKey");
  CHECK(store.get("anthropic").value().reveal() == canary);
  CHECK(store.get("openai").value().reveal() == other_canary);
  CHECK_FALSE(mentions(report.value(), canary));
  CHECK_FALSE(mentions(report.value(), other_canary));

  const auto text = slurp(path);
  CHECK(text.find(canary) == std::string::npos);
  CHECK(text.find(other_canary) == std::string::npos);
  CHECK(text.find("\n  \"theme\"") != std::string::npos);  // the original indentation
  const auto doc = nlohmann::ordered_json::parse(text);
  std::vector<std::string> order;
  for (const auto& [k, v] : doc.items()) order.push_back(k);
  CHECK(order == std::vector<std::string>{"theme", "providers", "zLast", "credentialStorage"});
  CHECK(doc["credentialStorage"] == "keyring");
  CHECK(doc["providers"]["openai"] == nlohmann::ordered_json{{"model", "gpt"}});
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::mask) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));

  SECTION("running it again is a no-op: already_present, and the config is not touched") {
    const auto before = std::filesystem::last_write_time(path);
    const auto inode_before = slurp(path);
    auto again = import_plaintext_config(store, path, sample_fields, {.remove_source = true});
    REQUIRE(again);
    CHECK(again.value().count(migration_outcome::already_present) == 2);
    CHECK(slurp(path) == inode_before);
    CHECK(std::filesystem::last_write_time(path) == before);
  }
}

TEST_CASE("a config moved into the file store records credentialStorage file and keeps its mode", "[migrate][config]") {
  temp_dir dir;
  faulty_file_store store{"svc", options_in(dir)};
  temp_dir config_dir;
  const auto path = write_config(config_dir, sample_config(), std::filesystem::perms::owner_read);

  auto report = import_plaintext_config(store, path, sample_fields, {.remove_source = true});
  REQUIRE(report);
  CHECK(report.value().count(migration_outcome::imported) == 2);
  CHECK(nlohmann::json::parse(slurp(path))["credentialStorage"] == "file");
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::mask) ==
        std::filesystem::perms::owner_read);
}

TEST_CASE("without remove_source the values are copied and the config is left as it was", "[migrate][config]") {
  memory_rig rig;
  auto store = rig.make();
  temp_dir config_dir;
  const auto path = write_config(config_dir, sample_config());

  auto report = import_plaintext_config(store, path, sample_fields);
  REQUIRE(report);
  CHECK(report.value().count(migration_outcome::imported) == 2);
  CHECK_FALSE(report.value().items[0].source_removed);
  CHECK(slurp(path) == sample_config());
}

TEST_CASE("a dry run of import_plaintext_config plans, stores nothing and writes nothing", "[migrate][config]") {
  memory_rig rig;
  auto store = rig.make();
  temp_dir config_dir;
  const auto path = write_config(config_dir, sample_config());

  auto report = import_plaintext_config(store, path, sample_fields, {.dry_run = true, .remove_source = true});
  REQUIRE(report);
  CHECK(report.value().count(migration_outcome::planned) == 2);
  CHECK(rig.keyring.entries().empty());
  CHECK(slurp(path) == sample_config());
  CHECK_FALSE(mentions(report.value(), canary));
}

TEST_CASE("only fields whose copy was read back leave the config", "[migrate][config]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("openai", "a-different-value"));
  temp_dir config_dir;
  const auto path = write_config(config_dir, sample_config());

  auto report = import_plaintext_config(store, path, sample_fields, {.remove_source = true});
  REQUIRE(report);
  CHECK(report.value().items[0].outcome == migration_outcome::imported);
  CHECK(report.value().items[0].source_removed);
  CHECK(report.value().items[1].outcome == migration_outcome::skipped);
  CHECK_FALSE(report.value().items[1].source_removed);
  const auto doc = nlohmann::json::parse(slurp(path));
  CHECK_FALSE(doc.contains("apiKey"));
  CHECK(doc["providers"]["openai"]["apiKey"] == other_canary);  // its copy was refused: kept
  CHECK(store.get("openai").value().reveal() == "a-different-value");
  CHECK_FALSE(mentions(report.value(), other_canary));
}

TEST_CASE("a copy that reads back different keeps its key in the config", "[migrate][config]") {
  memory_rig rig;
  auto store = rig.make();
  mangling_store<memory_store> mangling{store};
  temp_dir config_dir;
  const auto path = write_config(config_dir, sample_config());

  auto report = import_plaintext_config(mangling, path, sample_fields, {.remove_source = true});
  REQUIRE(report);
  CHECK(report.value().count(migration_outcome::failed) == 2);
  CHECK(slurp(path) == sample_config());
  CHECK_FALSE(mentions(report.value(), canary));
  CHECK_FALSE(mentions(report.value(), other_canary));
}

TEST_CASE("when every store write fails, the config keeps every key", "[migrate][config]") {
  memory_rig rig;
  auto store = rig.make(fallback_policy::deny);
  rig.keyring.fail_with(errc::unavailable);
  temp_dir config_dir;
  const auto path = write_config(config_dir, sample_config());

  auto report = import_plaintext_config(store, path, sample_fields, {.remove_source = true});
  REQUIRE(report);
  CHECK(report.value().count(migration_outcome::failed) == 2);
  CHECK(slurp(path) == sample_config());
  CHECK_FALSE(mentions(report.value(), canary));
}

TEST_CASE("an interrupted run (copies made, rewrite failed) is finished by running it again", "[migrate][config]") {
  memory_rig rig;
  auto store = rig.make();
  temp_dir config_dir;
  const auto path = write_config(config_dir, sample_config());
  faulty_fs config_fs;
  const int err = GENERATE(EIO, ENOSPC);
  const auto op = GENERATE(fs_op::write, fs_op::fsync, fs_op::rename);
  config_fs.fail_next(op, err);

  auto interrupted = import_plaintext_config(store, path, sample_fields, {.remove_source = true}, config_fs);
  REQUIRE_FALSE(interrupted);
  CHECK(config_fs.faults_fired() == 1);
  CHECK(interrupted.error().message().find("run the import again") != std::string::npos);
  CHECK(interrupted.error().message().find(canary) == std::string::npos);
  CHECK(slurp(path) == sample_config());  // untouched, no temp file left beside it
  CHECK(std::distance(std::filesystem::directory_iterator{config_dir.path()}, {}) == 1);
  CHECK(store.get("anthropic").value().reveal() == canary);

  auto resumed = import_plaintext_config(store, path, sample_fields, {.remove_source = true}, config_fs);
  REQUIRE(resumed);
  CHECK(resumed.value().count(migration_outcome::already_present) == 2);
  CHECK(resumed.value().items[0].source_removed);
  const auto doc = nlohmann::json::parse(slurp(path));
  CHECK_FALSE(doc.contains("apiKey"));
  CHECK(doc["credentialStorage"] == "keyring");
}

TEST_CASE("a config that is not valid JSON is corrupt, named by file and line, and left alone", "[migrate][config]") {
  memory_rig rig;
  auto store = rig.make();
  temp_dir config_dir;
  const std::string broken = std::string{"{\n  \"theme\": \"dark\",\n  \"apiKey\": \""} + canary + "\n}\n";
  const auto path = write_config(config_dir, broken);

  auto report = import_plaintext_config(store, path, sample_fields, {.remove_source = true});
  REQUIRE_FALSE(report);
  CHECK(report.error().code() == errc::corrupt);
  CHECK(report.error().message().find(path.native()) != std::string::npos);
  CHECK(report.error().message().find("line 3") != std::string::npos);
  CHECK(report.error().message().find(canary) == std::string::npos);
  CHECK(slurp(path) == broken);
  CHECK(rig.keyring.entries().empty());

  SECTION("a top level that is not an object is corrupt too") {
    const auto array = write_config(config_dir, "[1, 2]");
    CHECK(import_plaintext_config(store, array, sample_fields).error().code() == errc::corrupt);
  }
}

TEST_CASE("fields that cannot be moved are skipped with a reason, and a missing config is not_found",
          "[migrate][config]") {
  memory_rig rig;
  auto store = rig.make();
  temp_dir config_dir;
  const auto path = write_config(config_dir, R"({"n": 5, "list": ["x"], "empty": ""})");

  auto report = import_plaintext_config(store, path, {{"n", "a"}, {"/list/0", "b"}, {"empty", "c"}, {"absent", "d"}},
                                        {.remove_source = true});
  REQUIRE(report);
  for (const auto& item : report.value().items) {
    CHECK(item.outcome == migration_outcome::skipped);
    CHECK_FALSE(item.reason.empty());
  }
  CHECK(slurp(path) == R"({"n": 5, "list": ["x"], "empty": ""})");

  CHECK(import_plaintext_config(store, config_dir / "none.json", sample_fields).error().code() == errc::not_found);
  CHECK(import_plaintext_config(store, path, {{"/a~2", "x"}}).error().code() == errc::invalid_argument);
}

// Issue 29.6: refusing a 0644 config left its keys where others could read them.
TEST_CASE("a config other users can read is imported, and the report says to rotate its keys", "[migrate][config]") {
  memory_rig rig;
  auto store = rig.make();
  temp_dir config_dir;
  const auto readable = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                        std::filesystem::perms::group_read | std::filesystem::perms::others_read;
  const auto path = write_config(config_dir, sample_config(), readable);

  auto report = import_plaintext_config(store, path, sample_fields, {.remove_source = true});
  REQUIRE(report);
  CHECK(report.value().count(migration_outcome::imported) == 2);
  REQUIRE(report.value().warnings.size() == 1);
  const auto& warning = report.value().warnings.front();
  CHECK(warning.find("could be read by other users") != std::string::npos);
  CHECK(warning.find("rotate") != std::string::npos);
  CHECK(warning.find("anthropic, openai") != std::string::npos);
  CHECK(warning.find(canary) == std::string::npos);
  CHECK(store.get("anthropic").value() == std::string_view{canary});
  const auto rewritten = slurp(path);
  CHECK(rewritten.find(canary) == std::string::npos);
  CHECK(rewritten.find(other_canary) == std::string::npos);
  CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::mask) == readable);
}

TEST_CASE("a config other users can write, or a link to one, is refused before anything is copied",
          "[migrate][config]") {
  memory_rig rig;
  auto store = rig.make();
  temp_dir config_dir;
  SECTION("writable by the group") {
    const auto path = write_config(config_dir, sample_config(),
                                   std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                       std::filesystem::perms::group_write);
    auto report = import_plaintext_config(store, path, sample_fields, {.remove_source = true});
    REQUIRE_FALSE(report);
    CHECK(report.error().code() == errc::denied);
    CHECK(report.error().message().find("other users can write it") != std::string::npos);
  }
  SECTION("a symlink to a private config") {
    const auto path = write_config(config_dir, sample_config());
    std::filesystem::create_symlink(path, config_dir / "link.json");
    auto report = import_plaintext_config(store, config_dir / "link.json", sample_fields, {.remove_source = true});
    REQUIRE_FALSE(report);
    CHECK(report.error().code() == errc::denied);
  }
  CHECK(rig.keyring.entries().empty());
}

TEST_CASE("two fields naming one key: the first is imported, the later one skipped and kept in the config",
          "[migrate][config]") {
  memory_rig rig;
  auto store = rig.make();
  temp_dir config_dir;
  const auto path = write_config(config_dir, std::string{"{\"apiKey\": \""} + canary + "\", \"legacyKey\": \"" +
                                                 other_canary + "\", \"theme\": \"dark\"}");
  const std::vector<config_field> fields{{"apiKey", "openai"}, {"legacyKey", "openai"}};

  SECTION("with overwrite and remove_source, the second neither replaces the first nor leaves the config") {
    auto report = import_plaintext_config(store, path, fields, {.remove_source = true, .overwrite = true});
    REQUIRE(report);
    REQUIRE(report.value().items.size() == 2);
    const auto& first = report.value().items[0];
    const auto& second = report.value().items[1];
    CHECK(first.outcome == migration_outcome::imported);
    CHECK(first.source_removed);
    CHECK(second.outcome == migration_outcome::skipped);
    CHECK_FALSE(second.source_removed);
    CHECK_THAT(second.reason, Catch::StartsWith("another source in this run set it: ") &&
                                  Catch::Contains(path.native() + "#apiKey"));
    CHECK(store.get("openai").value().reveal() == canary);
    const auto doc = nlohmann::json::parse(slurp(path));
    CHECK_FALSE(doc.contains("apiKey"));
    CHECK(doc.value("legacyKey", "") == other_canary);  // not in the store: it stays where it was
    CHECK_FALSE(report.value().complete());
    CHECK_FALSE(mentions(report.value(), canary));
    CHECK_FALSE(mentions(report.value(), other_canary));
  }
  SECTION("a dry run lists the collision") {
    auto plan = import_plaintext_config(store, path, fields, {.dry_run = true, .remove_source = true});
    REQUIRE(plan);
    CHECK(plan.value().items[0].outcome == migration_outcome::planned);
    CHECK(plan.value().items[1].outcome == migration_outcome::skipped);
    CHECK_THAT(plan.value().items[1].reason, Catch::Contains("another source in this run"));
    CHECK(rig.keyring.entries().empty());
  }
}

TEST_CASE("a field is removed from the config only if the store holds its value when the run ends",
          "[migrate][config]") {
  // Two key names, one entry: the ledger of the run cannot tell, the check at its end can.
  memory_rig rig;
  auto store = rig.make();
  case_folding_store<memory_store> folding{store};
  temp_dir config_dir;
  const auto path = write_config(config_dir, sample_config());

  auto report = import_plaintext_config(folding, path, {{"apiKey", "OpenAI"}, {"/providers/openai/apiKey", "openai"}},
                                        {.remove_source = true, .overwrite = true});
  REQUIRE(report);
  const auto& first = report.value().items[0];
  CHECK_FALSE(first.source_removed);
  CHECK_THAT(first.reason, Catch::Contains("kept"));
  CHECK(report.value().items[1].source_removed);
  CHECK(store.get("openai").value().reveal() == other_canary);
  const auto doc = nlohmann::json::parse(slurp(path));
  CHECK(doc.value("apiKey", "") == canary);  // the store lost it to the second field: the config keeps it
  CHECK_FALSE(doc["providers"]["openai"].contains("apiKey"));
  CHECK_FALSE(mentions(report.value(), canary));
}

namespace {

// A config whose "deep" member is `levels` arrays nested in each other, beside the key.
std::string nested_config(std::size_t levels) {
  return std::string{"{\"apiKey\": \""} + canary + "\", \"deep\": " + std::string(levels, '[') +
         std::string(levels, ']') + "}";
}

}  // namespace

TEST_CASE("a config nested deeper than max_config_depth is corrupt, refused before parsing, and nothing is lost",
          "[migrate][config]") {
  memory_rig rig;
  auto store = rig.make();
  temp_dir config_dir;

  SECTION("200,000 nested arrays beside the key") {
    const auto text = nested_config(200'000);
    const auto path = write_config(config_dir, text);
    auto report = import_plaintext_config(store, path, {{"apiKey", "anthropic"}}, {.remove_source = true});
    REQUIRE_FALSE(report);
    CHECK(report.error().code() == errc::corrupt);
    CHECK_THAT(report.error().message(), Catch::Contains(path.native()) && Catch::Contains("512"));
    CHECK(report.error().message().find(canary) == std::string::npos);
    CHECK(slurp(path) == text);
    CHECK(rig.keyring.entries().empty());
  }
  SECTION("one level past the cap is refused; at the cap the key moves and the rest is kept") {
    const auto too_deep = write_config(config_dir, nested_config(512));  // the object, then 512 arrays
    CHECK(import_plaintext_config(store, too_deep, {{"apiKey", "anthropic"}}).error().code() == errc::corrupt);
    const auto at_cap = write_config(config_dir, nested_config(511));
    auto report = import_plaintext_config(store, at_cap, {{"apiKey", "anthropic"}}, {.remove_source = true});
    REQUIRE(report);
    CHECK(report.value().items[0].source_removed);
    const auto text = slurp(at_cap);
    CHECK(text.find(canary) == std::string::npos);
    CHECK(text.find(std::string(511, '[') + std::string(511, ']')) != std::string::npos);
  }
  SECTION("brackets inside strings are not nesting") {
    const auto path =
        write_config(config_dir, std::string{"{\"apiKey\": \""} + canary + "\", \"text\": \"\\\"" +
                                     std::string(100'000, '[') + "\"}");
    auto report = import_plaintext_config(store, path, {{"apiKey", "anthropic"}});
    REQUIRE(report);
    CHECK(report.value().items[0].outcome == migration_outcome::imported);
  }
}

TEST_CASE("a config with another hard link: the key leaves this name, and the report warns the other still holds it",
          "[migrate][config]") {
  memory_rig rig;
  auto store = rig.make();
  temp_dir config_dir;
  const auto path = write_config(config_dir, sample_config());
  const auto other = config_dir / "settings.backup.json";
  std::filesystem::create_hard_link(path, other);

  auto report = import_plaintext_config(store, path, sample_fields, {.remove_source = true});
  REQUIRE(report);
  CHECK(report.value().count(migration_outcome::imported) == 2);
  for (const auto& item : report.value().items) {
    CHECK_FALSE(item.source_removed);  // the value is still on disk, under the other name
    CHECK_THAT(item.reason, Catch::Contains("hard link"));
  }
  const auto json = report.value().to_json();
  REQUIRE(json["warnings"].size() == 1);
  CHECK_THAT(json["warnings"][0].get<std::string>(), Catch::Contains(path.native()) && Catch::Contains("hard link"));
  CHECK(slurp(path).find(canary) == std::string::npos);
  CHECK(slurp(other) == sample_config());  // what the warning is about
  CHECK_FALSE(mentions(report.value(), canary));
  CHECK_FALSE(mentions(report.value(), other_canary));
}

}  // namespace securestore::test

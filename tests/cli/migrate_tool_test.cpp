// cli/migrate_tool_test.cpp: `securestore import env|config` and `securestore export` end to end
// through pipes, on the encrypted file backend in a private HOME: reports (text and --json),
// re-runs, dry runs, the rewritten config, the 0600 export and its refusal, and no value leaked.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/tool.hpp"
#include "support/copy_private.hpp"
#include "support/migrate.hpp"
#include "support/names.hpp"

namespace securestore::test {
namespace {

using json = nlohmann::json;

// Neither canary in anything the tool printed: reports and warnings never hold a value.
void check_no_value(const run_result& r) {
  CHECK_FALSE(contains(r.all(), canary));
  CHECK_FALSE(contains(r.all(), other_canary));
}

std::filesystem::path write_config(const tool_home& t, const std::string& text) {
  const auto path = t.home() / "settings.json";
  std::ofstream{path} << text;
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return path;
}

const std::string sample_config = std::string{"{\n    \"theme\": \"dark\",\n    \"apiKey\": \""} + canary +
                                  "\",\n    \"providers\": {\"openai\": {\"apiKey\": \"" + other_canary +
                                  "\", \"model\": \"gpt\"}}\n}\n";

}  // namespace

TEST_CASE("import env copies variables from the child's environment and a re-run is a no-op", "[cli][migrate]") {
  tool_home t;
  t.set_env("SECURESTORE_TEST_ANTHROPIC", canary);
  t.set_env("SECURESTORE_TEST_OPENAI", other_canary);

  auto first = t.run({"import", "env", "SECURESTORE_TEST_ANTHROPIC=anthropic", "SECURESTORE_TEST_OPENAI=openai"});
  CHECK(first.status == 0);
  CHECK(contains(first.out, "imported        environment  $SECURESTORE_TEST_ANTHROPIC -> anthropic"));
  CHECK(contains(first.out, "2 imported"));
  check_no_value(first);
  CHECK(t.run({"key", "load", "anthropic"}).out == std::string{canary} + "\n");
  CHECK(t.run({"key", "load", "openai"}).out == std::string{other_canary} + "\n");

  auto again =
      t.run({"--json", "import", "env", "SECURESTORE_TEST_ANTHROPIC=anthropic", "SECURESTORE_TEST_OPENAI=openai"});
  CHECK(again.status == 0);
  check_no_value(again);
  const auto doc = json::parse(again.out);
  CHECK(doc["summary"]["already_present"] == 2);
  CHECK(doc["summary"]["imported"] == 0);
  CHECK(doc["items"][0]["source"] == "$SECURESTORE_TEST_ANTHROPIC");
  CHECK(doc["items"][0]["outcome"] == "already_present");
}

TEST_CASE("import env reports an unset variable, exits 1, and a dry run stores nothing", "[cli][migrate]") {
  tool_home t;
  t.set_env("SECURESTORE_TEST_ANTHROPIC", canary);
  t.set_env("SECURESTORE_TEST_UNSET", std::nullopt);

  auto dry = t.run({"import", "env", "--dry-run", "SECURESTORE_TEST_ANTHROPIC=anthropic"});
  CHECK(dry.status == 0);
  CHECK(contains(dry.out, "planned"));
  check_no_value(dry);
  CHECK(t.run({"key", "list"}).out.empty());

  auto partial = t.run({"import", "env", "SECURESTORE_TEST_ANTHROPIC=anthropic", "SECURESTORE_TEST_UNSET=other"});
  CHECK(partial.status == 1);
  CHECK(contains(partial.out, "skipped"));
  CHECK(contains(partial.out, "$SECURESTORE_TEST_UNSET"));
  CHECK(contains(partial.out, "not set"));
  check_no_value(partial);
  CHECK(t.run({"key", "load", "anthropic"}).status == 0);
}

TEST_CASE("import config moves the fields out of the config and records where they live", "[cli][migrate]") {
  tool_home t;
  const auto path = write_config(t, sample_config);
  const std::vector<std::string> args{"import",
                                      "config",
                                      path.native(),
                                      "--field",
                                      "apiKey=anthropic",
                                      "--field",
                                      "/providers/openai/apiKey=openai",
                                      "--remove-source"};

  SECTION("a dry run reads no value and changes nothing") {
    auto dry = t.run([&] {
      auto a = args;
      a.push_back("--dry-run");
      return a;
    }());
    CHECK(dry.status == 0);
    CHECK(contains(dry.out, "2 planned"));
    check_no_value(dry);
    CHECK(slurp(path) == sample_config);
    CHECK(t.run({"key", "list"}).out.empty());
  }
  SECTION("the real run, then a re-run that is a no-op") {
    auto moved = t.run(args);
    CHECK(moved.status == 0);
    CHECK(contains(moved.out, "(original removed)"));
    check_no_value(moved);
    const auto rewritten = slurp(path);
    CHECK_FALSE(contains(rewritten, canary));
    CHECK_FALSE(contains(rewritten, other_canary));
    CHECK(contains(rewritten, "\n    \"theme\": \"dark\""));
    const auto doc = json::parse(rewritten);
    CHECK(doc["credentialStorage"] == "file");  // SECURESTORE_BACKEND=file in the test's HOME
    CHECK(doc["providers"]["openai"]["model"] == "gpt");
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    CHECK(t.run({"key", "load", "anthropic"}).out == std::string{canary} + "\n");
    CHECK(t.run({"key", "load", "openai"}).out == std::string{other_canary} + "\n");

    auto again = t.run([&] {
      auto a = args;
      a.insert(a.begin(), "--json");
      return a;
    }());
    CHECK(again.status == 0);
    CHECK(json::parse(again.out)["summary"]["already_present"] == 2);
    CHECK(slurp(path) == rewritten);
  }
  SECTION("without --remove-source the values are copied, the config kept, and the user told") {
    auto copied = t.run({"import", "config", path.native(), "--field", "apiKey=anthropic"});
    CHECK(copied.status == 0);
    CHECK(contains(copied.err, "--remove-source"));
    check_no_value(copied);
    CHECK(slurp(path) == sample_config);
  }
}

TEST_CASE("import config: two fields naming one key move one and keep the other, and a dry run says so",
          "[cli][migrate]") {
  tool_home t;
  const auto path = write_config(t, sample_config);
  const std::vector<std::string> args{"import", "config", path.native(), "--field", "apiKey=openai", "--field",
                                      "/providers/openai/apiKey=openai", "--overwrite", "--remove-source"};

  auto dry_run = args;
  dry_run.push_back("--dry-run");
  auto dry = t.run(dry_run);
  CHECK(dry.status == 1);
  CHECK(contains(dry.out, "1 skipped"));
  CHECK(contains(dry.out, "another source in this run would set it: plaintext-config " + path.native() + "#apiKey"));
  CHECK(slurp(path) == sample_config);

  auto moved = t.run(args);
  CHECK(moved.status == 1);
  CHECK(contains(moved.out, "1 imported, 0 already present, 1 skipped"));
  CHECK(contains(moved.out, "another source in this run set it: plaintext-config " + path.native() + "#apiKey"));
  check_no_value(moved);
  CHECK(t.run({"key", "load", "openai"}).out == std::string{canary} + "\n");
  const auto doc = json::parse(slurp(path));
  CHECK_FALSE(doc.contains("apiKey"));
  CHECK(doc["providers"]["openai"].value("apiKey", "") == other_canary);
}

TEST_CASE("import config --remove-source on a config with another hard link warns that the link still holds the keys",
          "[cli][migrate]") {
  tool_home t;
  const auto path = write_config(t, sample_config);
  const auto other = t.home() / "settings.json.orig";
  std::filesystem::create_hard_link(path, other);

  auto moved = t.run({"import", "config", path.native(), "--field", "apiKey=anthropic", "--remove-source"});
  CHECK(moved.status == 0);
  CHECK(contains(moved.err, "warning: "));
  CHECK(contains(moved.err, "hard link"));
  CHECK_FALSE(contains(moved.out, "(original removed)"));
  CHECK(contains(moved.out, "hard link"));
  check_no_value(moved);
  CHECK_FALSE(contains(slurp(path), canary));
  CHECK(slurp(other) == sample_config);

  auto as_json = t.run({"--json", "import", "config", other.native(), "--field", "apiKey=anthropic"});
  CHECK(json::parse(as_json.out)["warnings"].empty());  // no other link now, and nothing removed
}

TEST_CASE("import config refuses bad JSON with the corrupt status and leaves the file alone", "[cli][migrate]") {
  tool_home t;
  const std::string broken = std::string{"{\n  \"apiKey\": \""} + canary + "\n";
  const auto path = write_config(t, broken);

  auto refused = t.run({"import", "config", path.native(), "--field", "apiKey=anthropic", "--remove-source"});
  CHECK(refused.status == 8);
  CHECK(contains(refused.err, path.native()));
  CHECK(contains(refused.err, "line 2"));
  check_no_value(refused);
  CHECK(slurp(path) == broken);

  auto as_json = t.run({"--json", "import", "config", path.native(), "--field", "apiKey=anthropic"});
  CHECK(json::parse(as_json.out)["error"]["code"] == "corrupt");
}

// Issue 29.6: a 0644 settings.json was refused ("chmod 600"), which left its key readable by others.
TEST_CASE("import config moves the keys out of a config others can read, and says to rotate them", "[cli][migrate]") {
  tool_home t;
  const auto path = write_config(t, sample_config);
  std::filesystem::permissions(path, std::filesystem::perms::group_read | std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);

  auto moved = t.run({"import", "config", path.native(), "--field", "apiKey=anthropic", "--remove-source"});
  CHECK(moved.status == 0);
  CHECK(contains(moved.err, "could be read by other users"));
  CHECK(contains(moved.err, "rotate the keys it held with their providers (anthropic)"));
  check_no_value(moved);
  CHECK_FALSE(contains(slurp(path), canary));
  CHECK(t.run({"key", "load", "anthropic"}).out == std::string{canary} + "\n");

  std::filesystem::permissions(path, std::filesystem::perms::others_write, std::filesystem::perm_options::add);
  auto refused = t.run({"import", "config", path.native(), "--field", "/providers/openai/apiKey=openai"});
  CHECK(refused.status == 5);
  CHECK(contains(refused.err, "other users can write it"));
  CHECK(contains(slurp(path), other_canary));
}

TEST_CASE("export writes a new 0600 file, warns on stderr, and refuses to overwrite without --yes", "[cli][migrate]") {
  tool_home t;
  REQUIRE(t.run({"key", "save", "anthropic"}, std::string{canary}).status == 0);
  REQUIRE(t.run({"key", "save", "openai"}, std::string{other_canary}).status == 0);
  const auto file = t.home() / "backup.json";

  auto exported = t.run({"export", file.native()});
  CHECK(exported.status == 0);
  CHECK(contains(exported.err, file.native() + " holds 2 secrets in plain text"));
  check_no_value(exported);
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  CHECK(json::parse(slurp(file)) == json{{"anthropic", canary}, {"openai", other_canary}});

  REQUIRE(t.run({"key", "save", "third"}, std::string{"value-3"}).status == 0);
  auto refused = t.run({"export", file.native()});
  CHECK(refused.status == 9);
  CHECK(contains(refused.err, "already exists"));
  CHECK(json::parse(slurp(file)).size() == 2);

  auto replaced = t.run({"--json", "--yes", "export", file.native()});
  CHECK(replaced.status == 0);
  check_no_value(replaced);
  const auto doc = json::parse(replaced.out);
  CHECK(doc["count"] == 3);
  CHECK(doc["partial"] == false);
  CHECK(contains(replaced.err, "plain text"));
  CHECK(json::parse(slurp(file)).size() == 3);
}

// Issue 29.6: what `export` wrote could be brought back only by naming every field to import config.
TEST_CASE("import export brings back what export wrote, every name as itself, and can empty the file",
          "[cli][migrate]") {
  tool_home t;
  const std::string odd = "/odd~name";  // a name a JSON pointer would misread
  REQUIRE(t.run({"key", "save", "anthropic"}, std::string{canary}).status == 0);
  REQUIRE(t.run({"key", "save", odd}, std::string{other_canary}).status == 0);
  const auto file = t.home() / "backup.json";
  REQUIRE(t.run({"export", file.native()}).status == 0);

  auto dry = t.run({"--service", "restored", "import", "export", file.native(), "--dry-run"});
  CHECK(dry.status == 0);
  CHECK(contains(dry.out, "2 planned"));
  CHECK(t.run({"--service", "restored", "key", "list"}).out.empty());

  auto restored = t.run({"--service", "restored", "import", "export", file.native(), "--remove-source"});
  CHECK(restored.status == 0);
  check_no_value(restored);
  CHECK(t.run({"--service", "restored", "key", "load", "anthropic"}).out == std::string{canary} + "\n");
  CHECK(t.run({"--service", "restored", "key", "load", odd}).out == std::string{other_canary} + "\n");
  const auto emptied = json::parse(slurp(file));
  CHECK(emptied.size() == 1);
  CHECK(emptied.contains("credentialStorage"));

  auto again = t.run({"--service", "restored", "import", "export", file.native()});
  CHECK(again.status == 0);
}

TEST_CASE("import and export: bad arguments are usage errors, and every level has help with examples",
          "[cli][migrate]") {
  tool_home t;
  for (const auto& bad : {std::vector<std::string>{"import"},
                          {"import", "env"},
                          {"import", "env", "NOEQUALS"},
                          {"import", "env", "=name"},
                          {"import", "config", "x.json"},
                          {"import", "config", "x.json", "--field", "apiKey"},
                          {"import", "env", "--remove-source", "A=b"},
                          {"export"}}) {
    CAPTURE(bad);
    auto r = t.run(bad);
    CHECK(r.status == 2);
    CHECK(contains(r.err, "Usage") == true);
  }
  for (const auto& help : {std::vector<std::string>{"import", "--help"},
                           {"import", "env", "--help"},
                           {"import", "config", "--help"},
                           {"import", "export", "--help"},
                           {"import", "reference", "--help"},
                           {"export", "--help"}}) {
    CAPTURE(help);
    auto r = t.run(help);
    CHECK(r.status == 0);
    CHECK(contains(r.out, "Example"));
  }
  auto bash = t.run({"completion", "bash"});
  CHECK(contains(bash.out, "['import']='env config export reference"));
  CHECK(contains(bash.out, "--remove-source"));
}

}  // namespace securestore::test

namespace securestore::test {

TEST_CASE("import reference brings in llxprt-code's files written on another host, and a re-run is a no-op",
          "[cli][migrate][reference-files]") {
  tool_home t;
  copy_private(std::filesystem::path{SECURESTORE_TEST_DATA_DIR} / "reference" / "home", t.home());
  const std::vector<std::string> import{"import", "reference", "llxprt-code-provider-keys"};
  auto with = [&](std::vector<std::string> extra) {
    auto args = import;
    args.insert(args.begin(), "--json");
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };

  // Sealed with golden-host/golden-user's key: on this machine's identity every file is corrupt, and stays.
  auto elsewhere = t.run(with({}));
  CHECK(elsewhere.status == 1);
  CHECK(json::parse(elsewhere.out)["summary"]["imported"] == 0);
  CHECK(elsewhere.out.find("another machine or account") != std::string::npos);

  auto first = t.run(with({"--host", "golden-host", "--user", "golden-user", "--remove-source"}));
  CHECK(first.status == 1);  // the blank and whitespace-only values are skipped, so the report is not complete
  const auto report = json::parse(first.out);
  CHECK(report["summary"]["imported"] == 5);
  CHECK(report["summary"]["skipped"] == 2);
  CHECK(first.all().find("sk-ant-golden-0001") == std::string::npos);
  CHECK(t.run({"key", "load", "anthropic"}).out == "sk-ant-golden-0001\n");
  CHECK(t.run({"key", "load", "gemini"}).out == "AIza-golden-v2\n");  // a v2 file, with its machine_secret
  CHECK_FALSE(std::filesystem::exists(t.home() / ".llxprt" / "provider-keys" / "anthropic.enc"));
  CHECK(std::filesystem::exists(t.home() / ".llxprt" / "provider-keys" / "blank.enc"));  // not imported: kept

  auto again = t.run(with({"--host", "golden-host", "--user", "golden-user"}));
  CHECK(json::parse(again.out)["summary"]["imported"] == 0);
}

}  // namespace securestore::test

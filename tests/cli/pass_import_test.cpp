// cli/pass_import_test.cpp: `import pass`, end to end, from entries made with the real `pass` in
// the throw-away store and GPG key of scripts/with-pass-store.sh, into the tool's encrypted file.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/pass_store.hpp"
#include "cli/tool.hpp"
#include "support/migrate.hpp"
#include "support/names.hpp"

namespace securestore::test {

TEST_CASE(
    "import pass copies each entry's first line under its name below the folder, and removes only "
    "single-line originals when asked",
    "[cli][pass][migrate]") {
  using nlohmann::json;
  if (!have_pass_store()) return;
  tool_home t;
  const auto folder = unique_service_name("claude");
  const auto insert = [&](const std::string& name, const std::string& content) {
    return t.run_other({"pass", "insert", "--multiline", "--force", folder + "/" + name}, content).status;
  };
  const auto show = [&](const std::string& name) { return t.run_other({"pass", "show", folder + "/" + name}); };
  REQUIRE(insert("anthropic", std::string{canary} + "\n") == 0);
  REQUIRE(insert("work/openai", std::string{other_canary} + "\nlogin: me@example.com\n") == 0);

  auto planned = t.run({"--json", "import", "pass", folder, "--dry-run"});
  CHECK(planned.status == 0);
  auto plan = json::parse(planned.out)["items"];
  REQUIRE(plan.size() == 2);
  CHECK(plan[0]["target_key"] == "anthropic");
  CHECK(plan[0]["outcome"] == "planned");
  CHECK(plan[0]["origin"] == "pass");
  CHECK(plan[1]["target_key"] == "work/openai");
  CHECK(t.run({"key", "load", "anthropic"}).status == 3);  // a dry run writes nothing

  auto copied = t.run({"import", "pass", folder});
  CHECK(copied.status == 0);
  CHECK(contains(copied.out, "2 imported"));
  CHECK_FALSE(contains(copied.all(), canary));
  CHECK_FALSE(contains(copied.all(), other_canary));
  CHECK(t.run({"key", "load", "anthropic"}).out == std::string{canary} + "\n");
  CHECK(t.run({"key", "load", "work/openai"}).out == std::string{other_canary} + "\n");  // the password line only
  CHECK(show("anthropic").status == 0);                                                  // copied, not moved

  auto moved = t.run({"--json", "import", "pass", folder + "/", "--remove-source"});
  CHECK(moved.status == 0);
  auto items = json::parse(moved.out)["items"];
  REQUIRE(items.size() == 2);
  CHECK(items[0]["outcome"] == "already_present");
  CHECK(items[0]["source_removed"] == true);
  CHECK(show("anthropic").status != 0);
  CHECK(items[1]["source_removed"] == false);  // its login line would be lost
  CHECK(contains(items[1]["reason"].get<std::string>(), "more lines"));
  CHECK(show("work/openai").out == std::string{other_canary} + "\nlogin: me@example.com\n");
  (void)t.run_other({"pass", "rm", "--recursive", "--force", folder});
}

TEST_CASE(
    "import pass skips an entry whose key holds another value, and keeps its original even with "
    "--remove-source",
    "[cli][pass][migrate]") {
  using nlohmann::json;
  if (!have_pass_store()) return;
  tool_home t;
  const auto folder = unique_service_name("claude");
  REQUIRE(t.run_other({"pass", "insert", "--multiline", folder + "/anthropic"}, std::string{canary}).status == 0);
  REQUIRE(t.run({"key", "save", "anthropic"}, std::string{other_canary}).status == 0);

  auto skipped = t.run({"--json", "import", "pass", folder, "--remove-source"});
  CHECK(skipped.status == 1);
  CHECK(json::parse(skipped.out)["items"][0]["outcome"] == "skipped");
  CHECK(t.run_other({"pass", "show", folder + "/anthropic"}).out == std::string{canary});  // inserted without a newline
  CHECK(t.run({"key", "load", "anthropic"}).out == std::string{other_canary} + "\n");

  auto replaced = t.run({"import", "pass", folder, "--overwrite"});
  CHECK(replaced.status == 0);
  CHECK(t.run({"key", "load", "anthropic"}).out == std::string{canary} + "\n");
  (void)t.run_other({"pass", "rm", "--recursive", "--force", folder});
}

TEST_CASE("import pass of a folder the store does not have fails as not found and names the folder",
          "[cli][pass][migrate]") {
  if (!have_pass_store()) return;
  tool_home t;
  const auto folder = unique_service_name("nowhere");
  auto ran = t.run({"import", "pass", folder});
  CHECK(ran.status == 3);
  CHECK(contains(ran.err, folder));
  CHECK(contains(ran.err, "pass ls"));
  CHECK(t.run({"import", "pass", "securestore"}).status == 9);  // securestore's own entries: invalid_argument
}

}  // namespace securestore::test

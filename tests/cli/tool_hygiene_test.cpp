// cli/tool_hygiene_test.cpp: what the `securestore` binary leaves to others: the descriptors and
// environment `exec` hands the command, names from a store printed with their control characters
// spelled out, token records read with every integer checked, and a keyfile that is not a file
// named for what it is.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/tool.hpp"
#include "support/names.hpp"

namespace securestore::test {
namespace {

using json = nlohmann::json;

// Lists the descriptors of the shell `exec` runs, from a child of it (ls itself opens the
// directory it lists, so it must not be the process listed).
const std::string list_own_descriptors = "ls /proc/$$/fd; exit 0";

// Whether any line of `text` starts with `part`.
bool a_line_starts_with(const std::string& text, const std::string& part) {
  std::istringstream lines{text};
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(part)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("exec hands the command stdin, stdout and stderr, and no other descriptor", "[cli]") {
  const tool_home t;
  REQUIRE(t.run({"key", "save", "tok"}, std::string{canary}).status == 0);
  auto ran = t.run({"exec", "--env", "TOKEN=tok", "--", "sh", "-c", list_own_descriptors});
  CHECK(ran.status == 0);
  CHECK(ran.out == "0\n1\n2\n");

  // Not even one the caller opened: the tool cannot tell it from one of its own.
  auto with_extra = t.run_other({"sh", "-c", "exec 7</dev/null; exec \"$0\" exec --env TOKEN=tok -- sh -c \"$1\"",
                                 tool_path, list_own_descriptors});
  CHECK(with_extra.status == 0);
  CHECK(with_extra.out == "0\n1\n2\n");
}

TEST_CASE("exec never hands the command the helper's hand-over variables, even the caller's own", "[cli]") {
  tool_home t;
  REQUIRE(t.run({"key", "save", "tok"}, std::string{canary}).status == 0);
  t.set_env("SECURESTORE_HANDED_OVER_BY", "x");
  t.set_env("SECURESTORE_HANDED_OVER_VALUE_FD", "0");
  auto ran = t.run({"exec", "--env", "TOKEN=tok", "--", "env"});
  CHECK(ran.status == 0);
  CHECK(contains(ran.out, "TOKEN="));
  CHECK_FALSE(contains(ran.out, "SECURESTORE_HANDED_OVER"));
}

TEST_CASE("names are printed with control characters and invalid UTF-8 spelled out, and --json keeps them exact",
          "[cli]") {
  const tool_home t;
  const std::string forged = "evil\nforged\tfile";   // a line of `key list` of its own
  const std::string escape = "esc\x1b]0;pwned\x07";  // sets the terminal's title
  const std::string c1 = "c1\u009b31m";              // CSI as one C1 character
  const std::string not_utf8 = "bad\xff";
  for (const auto& name : {forged, escape, c1, not_utf8}) {
    auto saved = t.run({"key", "save", name}, std::string{"v"});
    REQUIRE(saved.status == 0);
    CHECK_FALSE(contains(saved.all(), name));
  }
  CHECK(t.run({"key", "save", forged}, std::string{"v"}).out.empty());  // the refusal goes to stderr

  auto listed = t.run({"key", "list"});
  CHECK(listed.status == 0);
  CHECK(listed.out == "bad\\xff\tfile\nc1\\u009b31m\tfile\nesc\\x1b]0;pwned\\x07\tfile\nevil\\nforged\\tfile\tfile\n");

  const auto doc = json::parse(t.run({"--json", "key", "list"}).out);
  REQUIRE(doc["names"].size() == 4);
  CHECK(doc["names"][1]["name"] == c1);
  CHECK(doc["names"][2]["name"] == escape);
  CHECK(doc["names"][3]["name"] == forged);

  SECTION("key show, save, delete and their refusals") {
    auto shown = t.run({"key", "show", forged});
    CHECK(contains(shown.out, "name:     evil\\nforged\\tfile\n"));
    auto refused = t.run({"key", "save", escape}, std::string{"v2"});
    CHECK(refused.status == 1);
    CHECK(contains(refused.err, "'esc\\x1b]0;pwned\\x07' already exists"));
    auto deleted = t.run({"--yes", "key", "delete", c1});
    CHECK(deleted.status == 0);
    CHECK(contains(deleted.out, "deleted 'c1\\u009b31m' from file"));
    for (const auto& run : {shown, refused, deleted}) {
      CHECK_FALSE(contains(run.all(), "\x1b"));
      CHECK_FALSE(contains(run.all(), "\xc2\x9b"));
      CHECK_FALSE(a_line_starts_with(run.all(), "forged"));
    }
  }
  SECTION("errors, the library's message included") {
    auto missing = t.run({"key", "load", escape + "-missing"});
    CHECK(missing.status == 3);
    CHECK(contains(missing.err, "'esc\\x1b]0;pwned\\x07-missing'"));
    CHECK_FALSE(contains(missing.err, "\x1b"));
    auto as_json = t.run({"--json", "key", "load", escape + "-missing"});
    CHECK(json::parse(as_json.out)["error"]["key"] == escape + "-missing");
  }
  SECTION("the import report") {
    tool_home other;
    other.set_env("SECURESTORE_TEST_IMPORTED", "v");
    auto report = other.run({"import", "env", "--dry-run", "SECURESTORE_TEST_IMPORTED=k\n9 imported, 0 failed"});
    CHECK(report.status == 0);
    CHECK(contains(report.out, "-> k\\n9 imported, 0 failed\n"));
    CHECK_FALSE(a_line_starts_with(report.out, "9 imported"));
    auto as_json = json::parse(
        other.run({"--json", "import", "env", "--dry-run", "SECURESTORE_TEST_IMPORTED=k\n9 imported, 0 failed"}).out);
    CHECK(as_json["items"][0]["target_key"] == "k\n9 imported, 0 failed");
  }
}

TEST_CASE("key show takes a token record with an out-of-range version for a plain secret, and escapes its fields",
          "[cli]") {
  const tool_home t;
  const std::vector<std::string> tokens{"--service", "securestore-oauth-tokens"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), tokens.begin(), tokens.end());
    return args;
  };
  const auto record = [](const std::string& server, json version, const std::string& type) {
    return json{{"version", std::move(version)},
                {"server_name", server},
                {"token", {{"access_token", "access-9f1c2d3e4b5a6978"}, {"token_type", type}}},
                {"updated_at", 1}}
        .dump();
  };
  REQUIRE(t.run(with({"key", "save", "wrapped"}), record("wrapped", std::uint64_t{4294967297}, "Bearer")).status == 0);
  auto wrapped = t.run(with({"--json", "key", "show", "wrapped"}));
  REQUIRE(wrapped.status == 0);
  CHECK_FALSE(json::parse(wrapped.out).contains("token"));  // 2^32 + 1 is not version 1

  const std::string type = "Bearer\x1b[2J";
  REQUIRE(t.run(with({"key", "save", "escaped"}), record("escaped", 1, type)).status == 0);
  auto shown = t.run(with({"key", "show", "escaped"}));
  REQUIRE(shown.status == 0);
  CHECK(contains(shown.out, "kind:     OAuth token (Bearer\\x1b[2J)\n"));
  CHECK_FALSE(contains(shown.out, "\x1b"));
  auto as_json = t.run(with({"--json", "key", "show", "escaped"}));
  CHECK(json::parse(as_json.out)["token"]["token_type"] == type);
}

TEST_CASE("a FIFO or a directory where an entry file should be is named for what it is", "[cli]") {
  const tool_home t;
  REQUIRE(t.run({"key", "save", "other"}, std::string{"v"}).status == 0);
  const auto entry = t.store_dir() / "k.enc";
  SECTION("a FIFO") {
    REQUIRE(::mkfifo(entry.c_str(), 0600) == 0);
    auto loaded = t.run({"key", "load", "k"});
    CHECK(loaded.status == 8);  // corrupt
    CHECK(contains(loaded.err, "a FIFO"));
    CHECK_FALSE(contains(loaded.err, "Is a directory"));
  }
  SECTION("a directory") {
    std::filesystem::create_directory(entry);
    auto loaded = t.run({"key", "load", "k"});
    CHECK(loaded.status == 8);
    CHECK(contains(loaded.err, "a directory"));
  }
}

}  // namespace securestore::test

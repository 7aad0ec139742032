// cli/tool_usage_test.cpp: the tool as a new user meets it (issue 29, items 1 and 9): a mistake is
// named with the nearest command, the verbs of other tools work, `help COMMAND`, the tool alone
// shows what to run, each command's help lists what it needs, and --json covers usage errors.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/tool.hpp"
#include "support/names.hpp"

namespace securestore::test {
namespace {

using json = nlohmann::json;

std::string first_usage_line(const std::string& text) {
  const auto at = text.find("Usage:");
  return at == std::string::npos ? std::string{} : text.substr(at, text.find('\n', at) - at);
}

}  // namespace

TEST_CASE("an unknown command is named, with the nearest command, and exits 2", "[cli]") {
  const tool_home t;
  const auto [args, word, nearest] = GENERATE(table<std::vector<std::string>, std::string, std::string>({
      {std::vector<std::string>{"get", "x"}, "'get'", "did you mean `securestore key load`?"},
      {{"list"}, "'list'", "did you mean `securestore key list`?"},
      {{"key", "lod", "x"}, "'lod'", "did you mean `securestore key load`?"},
      {{"key", "delte", "x"}, "'delte'", "did you mean `securestore key delete`?"},
      {{"--service", "app", "statsu"}, "'statsu'", "did you mean `securestore status`?"},
  }));
  CAPTURE(args);
  auto ran = t.run(args);
  CHECK(ran.status == 2);
  CHECK(ran.out.empty());
  CHECK(contains(ran.err, word));
  CHECK(contains(ran.err, nearest));
  CHECK_FALSE(contains(ran.err, "A subcommand is required"));

  auto far = t.run({"frobnicate"});
  CHECK(far.status == 2);
  CHECK(contains(far.err, "'frobnicate' is not a command"));
  CHECK_FALSE(contains(far.err, "did you mean"));
}

TEST_CASE("the verbs other tools use are aliases: set, store, get, ls, rm, del", "[cli]") {
  const tool_home t;
  REQUIRE(t.run({"key", "set", "a"}, std::string{"value-a"}).status == 0);
  REQUIRE(t.run({"key", "store", "b"}, std::string{"value-b"}).status == 0);
  CHECK(t.run({"key", "get", "a"}).out == "value-a\n");
  CHECK(t.run({"key", "ls"}).out == "a\tfile\nb\tfile\n");
  CHECK(t.run({"--yes", "key", "rm", "a"}).status == 0);
  CHECK(t.run({"--yes", "key", "del", "b"}).status == 0);
  CHECK(t.run({"key", "ls"}).out.empty());
  // Aliases are typed, not offered: completion still offers each command once.
  auto bash = t.run({"completion", "bash"});
  REQUIRE(bash.status == 0);
  CHECK(contains(bash.out, "['key']='save load show list delete'"));
}

TEST_CASE("help COMMAND prints that command's help, and names a command that does not exist", "[cli]") {
  const tool_home t;
  auto top = t.run({"help"});
  CHECK(top.status == 0);
  CHECK(contains(top.out, "Exit status:"));
  auto save = t.run({"help", "key", "save"});
  CHECK(save.status == 0);
  CHECK(contains(save.out, "Usage: securestore key save"));
  CHECK(save.out == t.run({"key", "save", "--help"}).out);
  auto typo = t.run({"help", "key", "lod"});
  CHECK(typo.status == 2);
  CHECK(contains(typo.err, "'lod'"));
  CHECK(contains(typo.err, "securestore key load"));
}

TEST_CASE("an option is placed on the command that owns it, and a global one after exec is named", "[cli]") {
  const tool_home t;
  auto before = t.run({"--reveal", "key", "load", "x"});
  CHECK(before.status == 2);
  CHECK(contains(before.err, "--reveal is an option of `securestore key load`, not of `securestore`"));
  auto elsewhere = t.run({"key", "list", "--reveal"});
  CHECK(elsewhere.status == 2);
  CHECK(contains(elsewhere.err, "--reveal is an option of `securestore key load`, not of `securestore key list`"));
  auto unknown = t.run({"key", "list", "--bogus"});
  CHECK(unknown.status == 2);
  CHECK(contains(unknown.err, "--bogus is not an option of `securestore key list`"));
  // Global options work after the other commands, but exec's would be taken for CMD.
  CHECK(t.run({"key", "list", "--json"}).out == "{\"names\":[],\"partial\":false}\n");
  auto after_exec = t.run({"exec", "--yes", "--", "true"});
  CHECK(after_exec.status == 2);
  CHECK(contains(after_exec.err, "--yes is a global option: put it before `exec`"));
}

TEST_CASE("the tool alone, or key alone, shows a short status and the commonest commands", "[cli]") {
  const tool_home t;
  auto bare = t.run({});
  CHECK(bare.status == 0);
  CHECK(contains(bare.out, "service 'securestore', backend file (SECURESTORE_BACKEND=file): available"));
  for (const std::string command :
       {"securestore key save NAME", "securestore key load NAME", "securestore key list",
        "securestore exec --env VAR=NAME -- CMD", "securestore status", "securestore help [COMMAND]"}) {
    CHECK(contains(bare.out, command));
  }
  auto key = t.run({"key"});
  CHECK(key.status == 0);
  CHECK(contains(key.out, "backend file"));
  CHECK(contains(key.out, "securestore key show NAME"));
  CHECK(contains(key.out, "securestore key delete NAME"));
  auto as_json = t.run({"--json", "key"});
  REQUIRE(as_json.status == 0);
  CHECK(json::parse(as_json.out)["commands"].size() == 5);
}

TEST_CASE("each command's help lists the options it needs, and its own footer only", "[cli]") {
  const tool_home t;
  auto save = t.run({"key", "save", "--help"});
  REQUIRE(save.status == 0);
  CHECK(contains(save.out, "needs --yes"));
  CHECK(contains(save.out, "-y,--yes"));
  CHECK(contains(save.out, "--service NAME"));
  CHECK(contains(t.run({"key", "list", "--help"}).out, "--backend NAME"));

  auto key = t.run({"key", "--help"});
  REQUIRE(key.status == 0);
  CHECK(contains(key.out, "list, ls"));
  CHECK_FALSE(contains(key.out, "Exit status:"));
  CHECK_FALSE(contains(key.out, "securestore export backup.json"));

  CHECK(contains(first_usage_line(t.run({"exec", "--help"}).out), "CMD"));
  CHECK(contains(first_usage_line(t.run({"exec", "--env", "A=b"}).err), "CMD"));

  auto top = t.run({"--help"});
  const auto import_line = top.out.substr(top.out.find("\n  import"), 120);
  CHECK(contains(import_line, "reference"));
  CHECK(contains(import_line, "keyring"));
}

TEST_CASE("under --json a usage error prints the error document, code invalid_argument", "[cli]") {
  const tool_home t;
  const auto args =
      GENERATE(std::vector<std::string>{"--json", "frobnicate"}, std::vector<std::string>{"--json", "key", "load"},
               std::vector<std::string>{"--json", "key", "save", "k", "not-a-secret"},
               std::vector<std::string>{"--json", "exec", "--env", "BAD-NAME=x", "--", "true"});
  CAPTURE(args);
  auto ran = t.run(args);
  CHECK(ran.status == 2);
  const auto doc = json::parse(ran.out);
  CHECK(doc["error"]["code"] == "invalid_argument");
  CHECK(doc["error"]["exit_status"] == 2);
  CHECK_FALSE(doc["error"]["message"].get<std::string>().empty());
}

TEST_CASE("the error JSON spells the Secret Service as --backend does: secret-service", "[cli]") {
  tool_home t;
  t.set_env("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + (t.home() / "no-bus").native());
  auto ran = t.run({"--json", "--backend", "secret-service", "key", "load", "x"});
  REQUIRE_FALSE(ran.out.empty());
  const auto doc = json::parse(ran.out);
  CHECK(doc["error"]["backend"] == "secret-service");
}

}  // namespace securestore::test

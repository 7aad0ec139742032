// cli/tool_test.cpp: the `securestore` binary end to end through pipes, on the encrypted file
// backend in a private HOME: every subcommand, every exit status, --json, stdin handling.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/tool.hpp"
#include "support/names.hpp"

namespace securestore::test {
namespace {

using json = nlohmann::json;

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

TEST_CASE("key save reads stdin and drops one trailing newline or CRLF, nothing else", "[cli]") {
  const tool_home t;
  const auto [input, stored] = GENERATE(table<std::string, std::string>({{"plain-value", "plain-value"},
                                                                         {"with-newline\n", "with-newline"},
                                                                         {"with-crlf\r\n", "with-crlf"},
                                                                         {"two-newlines\n\n", "two-newlines\n"},
                                                                         {"  spaced\tvalue ", "  spaced\tvalue "},
                                                                         {"only-cr\r", "only-cr\r"}}));
  CAPTURE(input);
  auto saved = t.run({"key", "save", "k"}, input);
  REQUIRE(saved.status == 0);
  CHECK(contains(saved.out, "saved 'k' in file"));

  auto loaded = t.run({"key", "load", "k"});
  CHECK(loaded.status == 0);
  CHECK(loaded.out == stored + "\n");
}

TEST_CASE("key load prints the value and a newline to a pipe, and --json holds it as a string", "[cli]") {
  const tool_home t;
  REQUIRE(t.run({"key", "save", "api"}, std::string{"va\"lue\\with\x01odd"}).status == 0);

  SECTION("plain") {
    auto loaded = t.run({"key", "load", "api"});
    CHECK(loaded.status == 0);
    CHECK(loaded.out == "va\"lue\\with\x01odd\n");
  }
  SECTION("--json") {
    auto loaded = t.run({"--json", "key", "load", "api"});
    REQUIRE(loaded.status == 0);
    const auto doc = json::parse(loaded.out);
    CHECK(doc["name"] == "api");
    CHECK(doc["masked"] == false);
    CHECK(doc["value"] == "va\"lue\\with\x01odd");
  }
}

TEST_CASE("key show prints a masked value, the length and the location, never the value", "[cli]") {
  const tool_home t;
  REQUIRE(t.run({"key", "save", "api"}, std::string{canary}).status == 0);

  auto shown = t.run({"key", "show", "api"});
  CHECK(shown.status == 0);
  CHECK_FALSE(contains(shown.all(), canary));
  CHECK(contains(shown.out, "ca*******************6f"));
  CHECK(contains(shown.out, "file ("));

  auto as_json = t.run({"key", "show", "api", "--json"});
  REQUIRE(as_json.status == 0);
  const auto doc = json::parse(as_json.out);
  CHECK(doc["location"] == "file");
  CHECK(doc["length_bytes"] == std::string{canary}.size());
  CHECK(doc["masked"] == "ca*******************6f");
}

TEST_CASE("key show of a token store's record says when it expires, and shows neither token", "[cli]") {
  const tool_home t;
  const std::string access = "access-9f1c2d3e4b5a6978";
  const std::string refresh = "refresh-1a2b3c4d5e6f7081";
  const auto in = [](std::chrono::minutes m) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               (std::chrono::system_clock::now() + m).time_since_epoch())
        .count();
  };
  // Records as stores/tokens.hpp writes them: one that expires in two hours, one an hour ago.
  const auto record = [&](const std::string& server, std::int64_t expires_at) {
    return json{
        {"version", 1},
        {"server_name", server},
        {"token",
         {{"access_token", access}, {"token_type", "Bearer"}, {"refresh_token", refresh}, {"expires_at", expires_at}}},
        {"updated_at", in(std::chrono::minutes{0})}}
        .dump();
  };
  const std::vector<std::string> tokens{"--service", "securestore-oauth-tokens"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), tokens.begin(), tokens.end());
    return args;
  };
  REQUIRE(t.run(with({"key", "save", "github"}), record("github", in(std::chrono::minutes{121}))).status == 0);
  REQUIRE(t.run(with({"key", "save", "gitlab"}), record("gitlab", in(std::chrono::minutes{-61}))).status == 0);

  auto shown = t.run(with({"key", "show", "github"}));
  REQUIRE(shown.status == 0);
  CHECK(contains(shown.out, "kind:     OAuth token (Bearer, refreshable)\nexpires:  "));
  CHECK(contains(shown.out, " (in 2 h 0 min)\n"));
  CHECK(contains(shown.out, "value:    ac*******************78\n"));  // the access token's mask
  auto expired = t.run(with({"--json", "key", "show", "gitlab"}));
  REQUIRE(expired.status == 0);
  const auto doc = json::parse(expired.out);
  CHECK(doc["token"]["token_type"] == "Bearer");
  CHECK(doc["token"]["expired"] == true);
  CHECK(doc["token"]["refreshable"] == true);
  CHECK(doc["token"]["expires_at"].get<std::string>().ends_with("Z"));
  CHECK(contains(t.run(with({"key", "show", "gitlab"})).out, " ago)\n"));

  // A value that is not a token record (another server's record included) is shown as any secret.
  REQUIRE(t.run(with({"key", "save", "not-github"}), record("github", in(std::chrono::minutes{5}))).status == 0);
  auto other = t.run(with({"--json", "key", "show", "not-github"}));
  REQUIRE(other.status == 0);
  CHECK_FALSE(json::parse(other.out).contains("token"));
  for (const auto& run : {shown, expired, other}) {
    CHECK_FALSE(contains(run.all(), access));
    CHECK_FALSE(contains(run.all(), refresh));
  }
}

TEST_CASE("key list prints the names sorted with their location, and --json says it is complete", "[cli]") {
  const tool_home t;
  for (const std::string name : {"zeta", "alpha", "with space"}) {
    REQUIRE(t.run({"key", "save", name}, std::string{"v"}).status == 0);
  }
  auto listed = t.run({"key", "list"});
  CHECK(listed.status == 0);
  CHECK(listed.out == "alpha\tfile\nwith space\tfile\nzeta\tfile\n");

  auto as_json = t.run({"--json", "key", "list"});
  REQUIRE(as_json.status == 0);
  const auto doc = json::parse(as_json.out);
  CHECK(doc["partial"] == false);
  REQUIRE(doc["names"].size() == 3);
  CHECK(doc["names"][0] == json{{"name", "alpha"}, {"location", "file"}});
  CHECK(doc["names"][2]["name"] == "zeta");

  SECTION("another service sees none of them") {
    auto other = t.run({"--service", "other-app", "--json", "key", "list"});
    CHECK(json::parse(other.out)["names"].empty());
  }
}

TEST_CASE("overwriting a key without a terminal needs --yes, and without it nothing changes", "[cli]") {
  const tool_home t;
  REQUIRE(t.run({"key", "save", "k"}, std::string{"first"}).status == 0);

  auto refused = t.run({"key", "save", "k"}, std::string{"second"});
  CHECK(refused.status == 1);
  CHECK(contains(refused.err, "--yes"));
  CHECK(t.run({"key", "load", "k"}).out == "first\n");

  auto forced = t.run({"key", "save", "k", "--yes"}, std::string{"second"});
  CHECK(forced.status == 0);
  CHECK(t.run({"key", "load", "k"}).out == "second\n");
}

TEST_CASE("key delete without a terminal needs --yes, and a missing key is not_found unless --force", "[cli]") {
  const tool_home t;
  REQUIRE(t.run({"key", "save", "k"}, std::string{"v"}).status == 0);

  SECTION("without --yes the key stays") {
    auto refused = t.run({"key", "delete", "k"});
    CHECK(refused.status == 1);
    CHECK(contains(refused.err, "--yes"));
    CHECK(t.run({"key", "load", "k"}).status == 0);
  }
  SECTION("with --yes it goes, and a second delete is not_found (3), or 0 with --force") {
    auto deleted = t.run({"--yes", "key", "delete", "k"});
    CHECK(deleted.status == 0);
    CHECK(contains(deleted.out, "deleted 'k'"));
    CHECK(t.run({"key", "load", "k"}).status == 3);
    CHECK(t.run({"--yes", "key", "delete", "k"}).status == 3);
    CHECK(t.run({"--yes", "key", "delete", "k", "--force"}).status == 0);
    auto as_json = t.run({"--yes", "--json", "key", "delete", "k", "-f"});
    CHECK(json::parse(as_json.out)["deleted"] == false);
  }
}

TEST_CASE("a secret on the command line is refused unless --value-from-argv, which warns", "[cli]") {
  const tool_home t;
  auto refused = t.run({"key", "save", "k", canary});
  CHECK(refused.status == 2);
  CHECK(contains(refused.err, "--value-from-argv"));
  CHECK_FALSE(contains(refused.all(), canary));
  CHECK(t.run({"key", "load", "k"}).status == 3);

  auto accepted = t.run({"key", "save", "k", canary, "--value-from-argv"});
  CHECK(accepted.status == 0);
  CHECK(contains(accepted.err, "warning"));
  CHECK_FALSE(contains(accepted.all(), canary));
  CHECK(t.run({"key", "load", "k"}).out == std::string{canary} + "\n");
}

TEST_CASE("a usage error prints one line and the subcommand's usage, and exits 2", "[cli]") {
  const tool_home t;
  const auto [args, usage] = GENERATE(table<std::vector<std::string>, std::string>({
      {std::vector<std::string>{"key", "save"}, "Usage: securestore key save "},
      {{"key", "load", "--bogus", "x"}, "Usage: securestore key load "},
      {{"--backend", "kwallet", "status"}, "Usage: securestore "},
      {{"key", "save", "k", "--value-from-argv"}, "Usage: securestore key save "},
      {{"exec", "--env", "BAD-NAME=x", "--", "true"}, "Usage: securestore exec "},
      {{"exec", "--env", "A=b"}, "Usage: securestore exec "},
      {{"frobnicate"}, "Usage: securestore "},
  }));
  CAPTURE(args);
  auto ran = t.run(args);
  CHECK(ran.status == 2);
  CHECK(ran.out.empty());
  CHECK(first_line(ran.err).starts_with("securestore"));
  CHECK(contains(ran.err, usage));
}

TEST_CASE("each failure exits with the code of its errc", "[cli]") {
  tool_home t;
  SECTION("not_found: 3") { CHECK(t.run({"key", "load", "never-saved"}).status == 3); }
  SECTION("denied: 5, for a fallback directory others can write") {
    const auto open = t.home() / "open";
    std::filesystem::create_directories(open);
    ::chmod(open.c_str(), 0777);
    auto ran = t.run({"--fallback-dir", open.native() + "/store", "key", "save", "k"}, std::string{"v"});
    CHECK(ran.status == 5);
    CHECK(contains(ran.err, "what to do"));
  }
  SECTION("unavailable: 6, for a stdin that cannot be read") {
    auto ran = t.run_other({"sh", "-c", "exec \"$0\" key save k < /", tool_path});
    CHECK(ran.status == 6);
  }
  SECTION("corrupt: 8, for a tampered file") {
    REQUIRE(t.run({"key", "save", "k"}, std::string{"v"}).status == 0);
    std::ofstream{t.store_dir() / "k.enc", std::ios::trunc} << R"({"v":1})";
    auto ran = t.run({"key", "load", "k"});
    CHECK(ran.status == 8);
    CHECK(contains(ran.err, "'k'"));
  }
  SECTION("invalid_argument: 9, for an empty value or an over-long name") {
    CHECK(t.run({"key", "save", "k"}, std::string{"\n"}).status == 9);
    CHECK(t.run({"key", "save", std::string(300, 'n')}, std::string{"v"}).status == 9);
  }
  SECTION("with --json, the failure is one JSON document on stdout") {
    auto ran = t.run({"--json", "key", "load", "never-saved"});
    REQUIRE(ran.status == 3);
    const auto doc = json::parse(ran.out);
    CHECK(doc["error"]["code"] == "not_found");
    CHECK(doc["error"]["exit_status"] == 3);
    CHECK(doc["error"]["key"] == "never-saved");
  }
}

TEST_CASE("exec runs the command with the secrets in its environment and passes its status through", "[cli]") {
  tool_home t;
  REQUIRE(t.run({"key", "save", "tok"}, std::string{canary}).status == 0);
  const std::string check = std::string{"test \"$TOKEN\" = '"} + canary + "' && test \"$SAME\" = \"$TOKEN\" && exit 42";

  SECTION("after --") {
    auto ran = t.run({"exec", "--env", "TOKEN=tok", "--env", "SAME=tok", "--", "sh", "-c", check});
    CHECK(ran.status == 42);
  }
  SECTION("without --, flags after CMD stay CMD's") {
    auto ran = t.run({"exec", "--env", "TOKEN=tok", "--env", "SAME=tok", "sh", "-c", check});
    CHECK(ran.status == 42);
  }
  SECTION("the command's environment does not carry the tool's --backend") {
    t.set_env("SECURESTORE_BACKEND", std::nullopt);
    auto ran = t.run({"--backend", "file", "exec", "--env", "TOKEN=tok", "--", "sh", "-c",
                      "test -z \"${SECURESTORE_BACKEND+set}\" && test -n \"$TOKEN\" && exit 7"});
    CHECK(ran.status == 7);
  }
}

TEST_CASE("exec passes the command BOTAN_MLOCK_POOL_SIZE only when the user set it", "[cli]") {
  tool_home t;
  REQUIRE(t.run({"key", "save", "tok"}, std::string{canary}).status == 0);

  SECTION("the tool's own pool size stays the tool's") {
    t.set_env("BOTAN_MLOCK_POOL_SIZE", std::nullopt);
    auto ran = t.run({"exec", "--env", "TOKEN=tok", "--", "sh", "-c",
                      "test -z \"${BOTAN_MLOCK_POOL_SIZE+set}\" && test -n \"$TOKEN\" && exit 7"});
    CHECK(ran.status == 7);
  }
  SECTION("the user's setting reaches the command unchanged") {
    t.set_env("BOTAN_MLOCK_POOL_SIZE", "64");
    auto ran = t.run({"exec", "--env", "TOKEN=tok", "--", "sh", "-c",
                      "test \"$BOTAN_MLOCK_POOL_SIZE\" = 64 && test -n \"$TOKEN\" && exit 7"});
    CHECK(ran.status == 7);
  }
}

TEST_CASE("exec fails before the command starts when a secret is missing, and reports 126/127", "[cli]") {
  const tool_home t;
  const auto marker = t.home() / "started";
  auto ran = t.run({"exec", "--env", "TOKEN=missing", "--", "touch", marker.native()});
  CHECK(ran.status == 3);
  CHECK_FALSE(std::filesystem::exists(marker));
  CHECK(contains(ran.err, "'missing'"));

  CHECK(t.run({"exec", "--", "securestore-no-such-command"}).status == 127);
  const auto not_executable = t.home() / "script";
  std::ofstream{not_executable} << "#!/bin/sh\n";
  CHECK(t.run({"exec", "--", not_executable.native()}).status == 126);
}

TEST_CASE("the tool marks itself not dumpable before it can hold a secret", "[cli]") {
  const tool_home t;
  auto ran = t.run({"self-check"});
  CHECK(ran.status == 0);
  CHECK(ran.out.starts_with("dumpable=0\n"));
}

TEST_CASE("the tool tells its version, and its help gives examples and every exit status", "[cli]") {
  const tool_home t;
  auto version = t.run({"--version"});
  CHECK(version.status == 0);
  CHECK(version.out.starts_with("securestore "));

  auto help = t.run({"--help"});
  CHECK(help.status == 0);
  for (const std::string part :
       {"Examples:", "Exit status:", "3    not_found", "4    locked", "5    denied", "6    unavailable", "7    timeout",
        "8    corrupt", "9    invalid_argument", "key", "status, doctor", "exec", "--backend", "--fallback-dir",
        "--json", "--quiet", "--yes", "import", "export"}) {
    CHECK(contains(help.out, part));
  }
  // `completion` is listed (issue 29.5); what only the scripts and the build run is not.
  CHECK(contains(help.out, "completion"));
  CHECK_FALSE(contains(help.out, "__complete-keys"));
  CHECK_FALSE(contains(help.out, "__man"));

  for (const auto& sub : {std::vector<std::string>{"key", "save", "--help"},
                          {"key", "load", "--help"},
                          {"key", "show", "--help"},
                          {"key", "list", "--help"},
                          {"key", "delete", "--help"},
                          {"status", "--help"},
                          {"exec", "--help"}}) {
    auto sub_help = t.run(sub);
    CHECK(sub_help.status == 0);
    CHECK(contains(sub_help.out, "Example"));
  }
}

TEST_CASE("status reports every backend compiled in, the chosen one and the fallback directory", "[cli]") {
  const tool_home t;
  REQUIRE(t.run({"key", "save", "k"}, std::string{"v"}).status == 0);

  auto plain = t.run({"status"});
  CHECK(plain.status == 0);
  CHECK(contains(plain.out, "file"));
  CHECK(contains(plain.out, "[chosen]"));
  CHECK(t.run({"doctor"}).out == plain.out);

  auto as_json = t.run({"status", "--json"});
  REQUIRE(as_json.status == 0);
  const auto doc = json::parse(as_json.out);
  CHECK(doc["chosen"] == "file");
  CHECK(doc["why"] == "SECURESTORE_BACKEND=file");
  CHECK(doc["backends"].back()["name"] == "file");
  CHECK(doc["fallback_dir"]["path"] == t.store_dir().native());
  CHECK(doc["fallback_dir"]["mode"] == "0700");
  CHECK(doc["fallback_dir"]["private"] == true);
  CHECK(doc["sealed_by"] == "root_secret");
  CHECK_FALSE(doc["warnings"].empty());  // the file alone is weak storage

  SECTION("--backend overrides SECURESTORE_BACKEND") {
    auto chosen = json::parse(t.run({"--backend", "auto", "--json", "status"}).out);
    CHECK(chosen["chosen"] == chosen["default"]);
  }
}

TEST_CASE("the completion scripts complete subcommands, options and backend names", "[cli]") {
  const tool_home t;
  auto bash = t.run({"completion", "bash"});
  REQUIRE(bash.status == 0);
  const auto script = t.home() / "securestore.bash";
  std::ofstream{script} << bash.out;
  const std::string complete =
      "source '" + script.native() +
      "'; c() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _securestore_complete; echo \"${COMPREPLY[*]}\"; }; ";
  CHECK(t.run_other({"bash", "-c", complete + "c securestore key s"}).out == "save show\n");
  CHECK(t.run_other({"bash", "-c", complete + "c securestore --backend f"}).out == "file\n");
  CHECK(t.run_other({"bash", "-c", complete + "c securestore --service x key delete --f"}).out ==
        "--force --fallback-dir\n");

  auto zsh = t.run({"completion", "zsh"});
  REQUIRE(zsh.status == 0);
  CHECK(zsh.out.starts_with("#compdef securestore\n"));
  if (t.run_other({"sh", "-c", "command -v zsh"}).status == 0) {
    const auto zsh_script = t.home() / "_securestore";
    std::ofstream{zsh_script} << zsh.out;
    CHECK(t.run_other({"zsh", "-n", zsh_script.native()}).status == 0);
  }
}

TEST_CASE("no secret appears in any output that was not asked to reveal it", "[cli]") {
  const tool_home t;
  const std::string other = "canary-0b7d3e55aa19c2f4";
  std::vector<run_result> outputs;
  outputs.push_back(t.run({"key", "save", "api"}, std::string{canary} + "\n"));
  outputs.push_back(t.run({"--json", "key", "save", "second"}, other));
  outputs.push_back(t.run({"key", "save", "api"}, other));  // refused: exists
  outputs.push_back(t.run({"--json", "key", "save", "api"}, other));
  outputs.push_back(t.run({"key", "save", "argv", canary}));  // refused: argv
  outputs.push_back(t.run({"key", "save", "argv", other, "--value-from-argv"}));
  outputs.push_back(t.run({"key", "show", "api"}));
  outputs.push_back(t.run({"--json", "key", "show", "api"}));
  outputs.push_back(t.run({"key", "list"}));
  outputs.push_back(t.run({"--json", "key", "list"}));
  outputs.push_back(t.run({"status"}));
  outputs.push_back(t.run({"--json", "status"}));
  outputs.push_back(t.run({"exec", "--env", "A=api", "--env", "B=missing", "--", "true"}));
  outputs.push_back(t.run({"exec", "--env", "A=api", "--", "securestore-no-such-command"}));
  outputs.push_back(t.run({"key", "delete", "api"}));  // refused: no --yes
  std::ofstream{t.store_dir() / "second.enc", std::ios::trunc} << R"({"v":1})";
  outputs.push_back(t.run({"--json", "key", "load", "second"}));  // corrupt
  // What was asked for: the value on stdout of `key load` (to a pipe) and of the command run by
  // exec; their stderr must still hold none.
  auto loaded = t.run({"key", "load", "api"});
  REQUIRE(loaded.out == std::string{canary} + "\n");
  loaded.out.clear();
  outputs.push_back(loaded);
  auto ran = t.run({"exec", "--env", "A=api", "--", "sh", "-c", "echo \"$A\""});
  REQUIRE(ran.out == std::string{canary} + "\n");
  ran.out.clear();
  outputs.push_back(ran);
  outputs.push_back(t.run({"--yes", "key", "delete", "api"}));

  for (std::size_t i = 0; i < outputs.size(); ++i) {
    CAPTURE(i, outputs[i].out, outputs[i].err);
    CHECK_FALSE(contains(outputs[i].all(), canary));
    CHECK_FALSE(contains(outputs[i].all(), other));
  }
}

}  // namespace securestore::test

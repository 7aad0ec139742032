// cli/secret_service_helper_test.cpp: `securestore` runs file, keyutils and pass commands itself,
// without GIO, and hands everything that needs (or may need) the Secret Service to
// `securestore-secret-service` (tools/securestore/secret_service_helper.hpp). self-check says
// which process ran: whether libgio is mapped in it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "cli/tool.hpp"

namespace securestore::test {

TEST_CASE("file commands run without GIO, and what may need the Secret Service runs in the helper", "[cli]") {
  tool_home t;  // SECURESTORE_BACKEND=file
  auto lean = t.run({"self-check"});
  CHECK(lean.out == "dumpable=0\ngio=0\n");
  CHECK(t.run({"--backend", "file", "self-check"}).out == "dumpable=0\ngio=0\n");

  // The helper is as careful as the tool: not dumpable either.
  CHECK(t.run({"--backend", "secret-service", "self-check"}).out == "dumpable=0\ngio=1\n");
  t.set_env("SECURESTORE_BACKEND", "auto");  // auto prefers the Secret Service
  CHECK(t.run({"self-check"}).out == "dumpable=0\ngio=1\n");
  t.set_env("SECURESTORE_BACKEND", std::nullopt);
  CHECK(t.run({"self-check"}).out == "dumpable=0\ngio=1\n");
}

TEST_CASE("help and usage errors come from the helper, which knows the Secret Service's options", "[cli]") {
  const tool_home t;
  auto help = t.run({"--backend", "file", "import", "--help"});
  CHECK(help.status == 0);
  CHECK(contains(help.out, "keyring"));  // `import keyring` exists only where the Secret Service does

  auto bad = t.run({"--backend", "bogus", "key", "list"});
  CHECK(bad.status == 2);
  CHECK(contains(bad.err, "secret-service"));  // the helper's choices, the Secret Service among them

  // A command line only the helper accepts is run, not refused by the first binary's parse.
  auto keyring_import = t.run({"--backend", "file", "import", "keyring", "--help"});
  CHECK(keyring_import.status == 0);
  CHECK(contains(keyring_import.out, "keytar"));
}

TEST_CASE("without its helper the tool says what is missing and still runs file commands", "[cli]") {
  tool_home t;
  const auto alone = t.home() / "securestore";
  std::filesystem::copy_file(tool_path, alone);

  auto ss = t.run_other({alone.native(), "--backend", "secret-service", "key", "list"});
  CHECK(ss.status == 6);  // unavailable
  CHECK(contains(ss.err, "securestore-secret-service: No such file or directory"));
  CHECK(contains(ss.err, "--backend file"));
  CHECK(ss.out.empty());

  // Its own help and usage errors still serve.
  auto help = t.run_other({alone.native(), "--help"});
  CHECK(help.status == 0);
  CHECK(contains(help.out, "Exit status:"));
  auto typo = t.run_other({alone.native(), "key", "lod", "k"});
  CHECK(typo.status == 2);
  CHECK(contains(typo.err, "Usage: securestore key"));

  auto saved = t.run_other({alone.native(), "key", "save", "k"}, std::string{"value-1"});
  CHECK(saved.status == 0);
  auto loaded = t.run_other({alone.native(), "key", "load", "k"});
  CHECK(loaded.status == 0);
  CHECK(loaded.out == "value-1\n");
}

TEST_CASE("a helper run by another install's securestore refuses, and what exec runs never sees the hand-over",
          "[cli]") {
  tool_home t;
  t.set_env("SECURESTORE_HANDED_OVER_BY", "0.0.0-another-install");
  auto other = t.run_other({SECURESTORE_CLI_HELPER, "--backend", "file", "key", "list"});
  CHECK(other.status == 6);  // unavailable
  CHECK(contains(other.err, "securestore 0.0.0-another-install ran securestore-secret-service"));
  CHECK(contains(other.err, "reinstall securestore"));
  CHECK(other.out.empty());

  // Handed over by a securestore of its own version, the helper runs the command, and takes the
  // variable out of the environment it passes on.
  const auto version = t.run({"--version"}).out;
  REQUIRE(version.starts_with("securestore "));
  t.set_env("SECURESTORE_HANDED_OVER_BY", version.substr(12, version.size() - 13));
  REQUIRE(t.run({"key", "save", "k"}, std::string{"value-1"}).status == 0);
  auto same = t.run_other({SECURESTORE_CLI_HELPER, "--backend", "file", "exec", "--env", "X=k", "--", "env"});
  CHECK(same.status == 0);
  CHECK(contains(same.out, "X=value-1\n"));
  CHECK_FALSE(contains(same.out, "SECURESTORE_HANDED_OVER_BY"));
}

}  // namespace securestore::test

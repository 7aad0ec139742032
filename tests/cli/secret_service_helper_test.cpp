// cli/secret_service_helper_test.cpp: `securestore` runs file, keyutils and pass commands itself,
// without GIO, and hands everything that needs (or may need) the Secret Service to
// `securestore-secret-service` (tools/securestore/secret_service_helper.hpp). self-check says
// which process ran: whether libgio is mapped in it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli/tool.hpp"
#include "support/names.hpp"

namespace securestore::test {
namespace {

// Sends the commands `t` runs to the helper (auto prefers the Secret Service), on a bus that is not
// there, so the keyring is unavailable and every value is in the file.
void hand_over_everything(tool_home& t) {
  t.set_env("SECURESTORE_BACKEND", "auto");
  t.set_env("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + (t.home() / "no-bus").native());
}

}  // namespace

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

TEST_CASE("exec through the helper hands the command stdin, stdout and stderr, and no other descriptor", "[cli]") {
  tool_home t;
  hand_over_everything(t);
  REQUIRE(t.run({"--backend", "file", "key", "save", "k"}, std::string{canary}).status == 0);
  const std::string list_own_descriptors = "ls /proc/$$/fd; exit 0";  // from a child: ls opens what it lists
  auto ran = t.run({"exec", "--env", "X=k", "--", "sh", "-c", list_own_descriptors});
  CHECK(ran.status == 0);
  CHECK(ran.out == "0\n1\n2\n");

  const auto version = t.run({"--version"}).out;
  t.set_env("SECURESTORE_HANDED_OVER_BY", version.substr(12, version.size() - 13));
  auto direct = t.run_other({SECURESTORE_CLI_HELPER, "exec", "--env", "X=k", "--", "sh", "-c", list_own_descriptors});
  CHECK(direct.status == 0);
  CHECK(direct.out == "0\n1\n2\n");
}

TEST_CASE("exec through the helper never hands the command a hand-over variable the caller set", "[cli]") {
  tool_home t;
  hand_over_everything(t);
  REQUIRE(t.run({"--backend", "file", "key", "save", "k"}, std::string{canary}).status == 0);
  t.set_env("SECURESTORE_HANDED_OVER_BY", "x");
  t.set_env("SECURESTORE_HANDED_OVER_VALUE_FD", "0");
  auto ran = t.run({"exec", "--env", "X=k", "--", "env"});
  CHECK(ran.status == 0);
  CHECK(contains(ran.out, "X=" + std::string{canary} + "\n"));
  CHECK_FALSE(contains(ran.out, "SECURESTORE_HANDED_OVER"));
}

TEST_CASE("a value given with --value-from-argv reaches the helper to the helper on a pipe, never on its command line", "[cli]") {
  tool_home t;
  hand_over_everything(t);
  // `securestore` installed beside a helper that records its own command line, then runs the real one.
  const auto bin = t.home() / "install" / "bin";
  const auto libexec = t.home() / "install" / "libexec" / "securestore";
  std::filesystem::create_directories(bin);
  std::filesystem::create_directories(libexec);
  std::filesystem::copy_file(tool_path, bin / "securestore");
  const auto recorded = t.home() / "helper-cmdline";
  const auto helper = libexec / "securestore-secret-service";
  std::ofstream{helper} << "#!/bin/sh\ntr '\\0' '\\n' < /proc/$$/cmdline > '" << recorded.native() << "'\nexec '"
                        << SECURESTORE_CLI_HELPER << "' \"$@\"\n";
  std::filesystem::permissions(helper, std::filesystem::perms::owner_all);

  auto saved = t.run_other({(bin / "securestore").native(), "key", "save", "k", canary, "--value-from-argv"});
  CHECK(saved.status == 0);
  CHECK(contains(saved.err, "warning: the secret was on the command line"));
  std::ifstream in{recorded};
  const std::string cmdline{std::istreambuf_iterator<char>{in}, {}};
  REQUIRE(contains(cmdline, "--value-from-argv\n"));  // the helper ran, and this is its command line
  CHECK_FALSE(contains(cmdline, canary));
  CHECK(t.run({"--backend", "file", "key", "load", "k"}).out == std::string{canary} + "\n");

  SECTION("a key named like its value keeps its name") {
    auto same = t.run_other({(bin / "securestore").native(), "key", "save", canary, canary, "--value-from-argv"});
    CHECK(same.status == 0);
    CHECK(t.run({"--backend", "file", "key", "load", canary}).out == std::string{canary} + "\n");
  }
}

}  // namespace securestore::test

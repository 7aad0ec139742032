// cli/pass_fallback_test.cpp: the tool over a pass(1) it spawns, with no GPG: a stand-in `pass`
// that keeps entries in plain files, and a stand-in gpg. Where a failure went, --no-fallback, and an inherited
// ignored SIGCHLD, which would hide the stand-in's exit status from waitpid.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/tool.hpp"

namespace securestore::test {
namespace {

// A HOME whose PATH starts with a stand-in `pass` and whose PASSWORD_STORE_DIR is a store it
// serves (a .gpg-id, entries as plain files).
class fake_pass_home : public tool_home {
 public:
  fake_pass_home() {
    const auto bin = home() / "bin";
    std::filesystem::create_directories(bin);
    std::filesystem::create_directories(store());
    std::ofstream{store() / ".gpg-id"} << "0xDEADBEEF\n";
    const auto pass = bin / "pass";
    std::ofstream{pass} << "#!/bin/sh\n"
                           "case \"$1\" in\n"
                           "  insert) shift 4; mkdir -p \"$(dirname \"$PASSWORD_STORE_DIR/$1\")\";"
                           " cat > \"$PASSWORD_STORE_DIR/$1.gpg\" ;;\n"
                           "  show) shift 2; cat \"$PASSWORD_STORE_DIR/$1.gpg\" ;;\n"
                           "  *) exit 1 ;;\n"
                           "esac\n";
    ::chmod(pass.c_str(), 0755);
    // ... and a gpg that knows one key that can encrypt (pass's recipients are checked with it).
    const auto gpg = bin / "gpg";
    std::ofstream{gpg} << "#!/bin/sh\necho 'pub:u:255:22:DEADBEEF:1:::u:::scESC:'\n";
    ::chmod(gpg.c_str(), 0755);
    const char* path = std::getenv("PATH");
    set_env("PATH", bin.native() + ":" + (path != nullptr ? path : "/usr/bin:/bin"));
    set_env("PASSWORD_STORE_DIR", store().native());
    set_env("SECURESTORE_BACKEND", "pass");
  }
  [[nodiscard]] std::filesystem::path store() const { return home() / "password-store"; }
};

}  // namespace

TEST_CASE("a failure names the file when the operation went to the file, not the keyring", "[cli]") {
  tool_home t;
  REQUIRE(t.run({"key", "save", "k"}, std::string{"v"}).status == 0);
  std::ofstream{t.store_dir() / "k.enc", std::ios::trunc} << R"({"v":1})";
  // pass with no store: the keyring is unusable, and the tampered file is what fails.
  t.set_env("PASSWORD_STORE_DIR", (t.home() / "no-store").native());
  const auto ran = t.run({"--backend", "pass", "key", "load", "k"});
  CHECK(ran.status == 8);
  CHECK(contains(ran.err, "cannot load 'k' (file ~/.local/share/securestore/stores/securestore)"));
  CHECK_FALSE(contains(ran.err, "(backend pass)"));
  const auto as_json = t.run({"--backend", "pass", "--json", "key", "load", "k"});
  CHECK(nlohmann::json::parse(as_json.out)["error"]["location"] == "file");
}

TEST_CASE("with --no-fallback the tool fails rather than write the file when the keyring cannot be used", "[cli]") {
  tool_home t;
  t.set_env("PASSWORD_STORE_DIR", (t.home() / "no-store").native());
  const auto denied = t.run({"--backend", "pass", "--no-fallback", "key", "save", "k"}, std::string{"v"});
  CHECK(denied.status == 6);
  CHECK(contains(denied.err, "--no-fallback"));
  CHECK_FALSE(std::filesystem::exists(t.store_dir() / "k.enc"));
  CHECK(t.run({"--backend", "pass", "--no-fallback", "key", "load", "k"}).status != 0);
  // Without it, the same save goes to the file, and says so.
  const auto fell_back = t.run({"--backend", "pass", "key", "save", "k"}, std::string{"v"});
  CHECK(fell_back.status == 0);
  CHECK(std::filesystem::exists(t.store_dir() / "k.enc"));
}

TEST_CASE("a SIGCHLD the parent ignored is reset: pass's exit status is collected", "[cli]") {
  const fake_pass_home t;
  const auto saved = t.run({"--json", "key", "save", "k"}, std::string{"from-pass"});
  REQUIRE(saved.status == 0);
  REQUIRE(nlohmann::json::parse(saved.out)["location"] == "keyring");
  // perl execs the tool with SIGCHLD ignored, as a careless parent leaves it.
  const std::vector<std::string> ignoring{"perl", "-e", "$SIG{CHLD} = 'IGNORE'; exec @ARGV or die", tool_path};
  auto args = ignoring;
  args.insert(args.end(), {"key", "load", "k"});
  const auto loaded = t.run_other(args);
  CHECK(loaded.status == 0);
  CHECK(loaded.out == "from-pass\n");
  CHECK_FALSE(contains(loaded.err, "exit status was lost"));
  // exec's CMD does not inherit the ignored SIGCHLD either: in its mask of ignored signals
  // (SigIgn in /proc/PID/status), SIGCHLD's bit is clear. (grep itself, not a shell, which may
  // reset it.)
  auto sigchld_ignored = [](const run_result& ran) {
    REQUIRE(ran.status == 0);
    const auto mask = std::stoull(ran.out.substr(ran.out.find(':') + 1), nullptr, 16);
    return (mask & (1ULL << (SIGCHLD - 1))) != 0;
  };
  // What the tool is run with:
  REQUIRE(sigchld_ignored(
      t.run_other({"perl", "-e", "$SIG{CHLD} = 'IGNORE'; exec @ARGV or die", "grep", "SigIgn", "/proc/self/status"})));
  args = ignoring;
  args.insert(args.end(), {"exec", "--env", "V=k", "--", "grep", "SigIgn", "/proc/self/status"});
  CHECK_FALSE(sigchld_ignored(t.run_other(args)));
}

}  // namespace securestore::test

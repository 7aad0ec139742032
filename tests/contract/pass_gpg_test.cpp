// contract/pass_gpg_test.cpp: how pass_keyring maps real gpg failures: a store whose key is not
// in the keyring is unavailable, and a passphrase-protected key with no prompt allowed is locked.
// Run inside scripts/with-pass-store.sh (GNUPGHOME and a working pass store).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>

#include <securestore/keyring/pass.hpp>

#include "contract/make_keyring.hpp"
#include "support/names.hpp"
#include "support/temp_dir.hpp"

namespace securestore::test {
namespace {

// Runs a program with an argument vector in the current environment; true if it exited with 0.
bool run(std::vector<std::string> argv, std::string_view input = {}) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  return detail::pass_spawn(argv, env, input, std::chrono::milliseconds{60000}).exit_status == 0;
}

[[nodiscard]] bool gpg_home_ready() {
  if (std::getenv("GNUPGHOME") != nullptr && std::getenv("SECURESTORE_TEST_GPG_KEY") != nullptr) return true;
  const std::string why = "no throw-away GPG home: run inside scripts/with-pass-store.sh";
  if (running_in_ci()) {
    FAIL(why);
  } else {
    WARN("skipped: " + why);
  }
  return false;
}

TEST_CASE("a pass store whose GPG key is not in the keyring is unavailable", "[contract][keyring][pass]") {
  if (!gpg_home_ready()) return;
  const temp_dir dir;
  std::ofstream{dir / ".gpg-id"} << "0123456789ABCDEF0123456789ABCDEF01234567\n";
  pass_keyring keyring{{.store_dir = dir.path()}};

  auto stored = keyring.set(unique_service_name(), "api", canary);
  REQUIRE_FALSE(stored);
  CHECK(stored.error().code() == errc::unavailable);
  CHECK(stored.error().message().find(canary) == std::string::npos);
}

TEST_CASE("a passphrase-protected key that may not prompt is locked, and its entries are not not_found",
          "[contract][keyring][pass][slow][serial]") {  // reloads the shared gpg-agent
  if (!gpg_home_ready()) return;
  const temp_dir dir;
  const auto uid = unique_service_name("protected") + "@securestore.invalid";
  // An ed25519 signing key with a cv25519 encryption subkey, protected by a passphrase.
  REQUIRE(run({"gpg", "--batch", "--quiet", "--pinentry-mode=loopback", "--passphrase", "correct horse",
               "--quick-gen-key", uid, "future-default", "default", "1d"}));
  REQUIRE(run({"gpg-connect-agent", "reloadagent", "/bye"}));  // forget the cached passphrase
  std::ofstream{dir / ".gpg-id"} << uid << "\n";
  pass_keyring keyring{{.store_dir = dir.path()}};
  keyring.set_interaction(interaction::never);
  const auto service = unique_service_name();
  REQUIRE(keyring.set(service, "api", canary));  // encrypting needs only the public key

  auto got = keyring.get(service, "api");
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == errc::locked);
  CHECK(got.error().message().find(canary) == std::string::npos);
  CHECK(keyring.list(service).value() == std::vector<std::string>{"api"});
}

}  // namespace
}  // namespace securestore::test

// integration/pass_probe_test.cpp: a store over a git-backed pass store finds the keyring usable
// without writing to it (no commit), and an unusable one without writing either.
// Run inside scripts/with-pass-store.sh (GNUPGHOME and SECURESTORE_TEST_GPG_KEY).
#include <securestore/keyring/pass.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>

#include "contract/make_keyring.hpp"
#include "support/names.hpp"
#include "support/stores.hpp"
#include "support/temp_dir.hpp"

namespace securestore::test {
namespace {

using pass_store = basic_secure_store<pass_keyring, aes_gcm_cipher, posix_fs>;

[[nodiscard]] bool gpg_key_ready() {
  if (std::getenv("GNUPGHOME") != nullptr && std::getenv("SECURESTORE_TEST_GPG_KEY") != nullptr) return true;
  const std::string why = "no throw-away GPG key: run inside scripts/with-pass-store.sh";
  if (running_in_ci()) {
    FAIL(why);
  } else {
    WARN("skipped: " + why);
  }
  return false;
}

// Runs a program in the current environment plus `extra`; its stdout, or nullopt if it failed.
std::optional<std::string> run(std::vector<std::string> argv, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  env.insert(env.end(), extra.begin(), extra.end());
  auto ran = detail::pass_spawn(argv, env, {}, std::chrono::seconds{60});
  if (ran.exit_status != 0) return std::nullopt;
  return std::string{ran.out.begin(), ran.out.end()};
}

TEST_CASE("probing a git-backed pass store adds no commit", "[integration][pass]") {
  if (!gpg_key_ready()) return;
  const temp_dir dir;
  const auto store_dir = dir / "password-store";
  const std::vector<std::string> env{"PASSWORD_STORE_DIR=" + store_dir.native(), "GIT_AUTHOR_NAME=securestore test",
                                     "GIT_AUTHOR_EMAIL=test@securestore.invalid", "GIT_COMMITTER_NAME=securestore test",
                                     "GIT_COMMITTER_EMAIL=test@securestore.invalid"};
  REQUIRE(run({"/usr/bin/pass", "init", std::getenv("SECURESTORE_TEST_GPG_KEY")}, env));
  REQUIRE(run({"/usr/bin/pass", "git", "init"}, env));
  auto commits = [&] { return run({"/usr/bin/git", "-C", store_dir.native(), "rev-list", "--count", "HEAD"}); };
  const auto before = commits();
  REQUIRE(before);

  pass_store store{unique_service_name(), options_in(dir), pass_keyring{{.store_dir = store_dir}}};
  CHECK(store.keyring_available());
  CHECK(store.get("absent").error().code() == errc::not_found);
  CHECK(commits() == before);
}

TEST_CASE("a pass store whose recipient has no public key fails its probe without writing", "[integration][pass]") {
  if (!gpg_key_ready()) return;
  const temp_dir dir;
  const auto store_dir = dir / "password-store";
  std::filesystem::create_directories(store_dir);
  std::ofstream{store_dir / ".gpg-id"} << "0123456789ABCDEF0123456789ABCDEF01234567\n";
  pass_keyring keyring{{.store_dir = store_dir}};

  pass_store store{unique_service_name(), options_in(dir), keyring};
  CHECK_FALSE(store.keyring_available());
  // diagnose() says which key is missing, where it is named, and what to do.
  const auto status = store.diagnose();
  CHECK(status.state == keyring_state::absent);
  CHECK(status.reason.find("gpg has no usable public key for '0123456789ABCDEF0123456789ABCDEF01234567'") !=
        std::string::npos);
  CHECK(status.reason.find(".gpg-id") != std::string::npos);
  CHECK(status.reason.find("import the key") != std::string::npos);
  // Nothing but the .gpg-id: the probe wrote no entry and no folder.
  std::vector<std::string> inside;
  for (const auto& entry : std::filesystem::recursive_directory_iterator{store_dir}) {
    inside.push_back(entry.path().lexically_relative(store_dir).native());
  }
  CHECK(inside == std::vector<std::string>{".gpg-id"});
}

TEST_CASE("diagnose of a pass store that was never initialised names the directory and `pass init`",
          "[integration][pass]") {
  if (!gpg_key_ready()) return;
  const temp_dir dir;
  pass_store store{unique_service_name(), options_in(dir), pass_keyring{{.store_dir = dir / "no-store-here"}}};
  const auto status = store.diagnose();
  CHECK(status.state == keyring_state::absent);
  CHECK(status.reason.find("no password store at " + (dir / "no-store-here").native()) != std::string::npos);
  CHECK(status.reason.find("pass init") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "no-store-here"));
}

}  // namespace
}  // namespace securestore::test

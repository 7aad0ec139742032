// Tests of the attacks an adversarial review made on the file store, each as the attacker would:
// a planted root-sealed entry in a passphrase store, directories another user can write or owns,
// a planted lock file, crash leftovers, and a deleted passphrase record.
#include <securestore/file_store.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/names.hpp"
#include "support/stores.hpp"

namespace fs = std::filesystem;
using securestore::errc;
using securestore::test::canary;
using securestore::test::entries_of;
using securestore::test::options_in;
using securestore::test::temp_dir;

namespace {

constexpr uid_t other_user = 65534;  // nobody

securestore::store_options with_passphrase(const temp_dir& dir, std::string passphrase) {
  auto options = options_in(dir);
  options.passphrase = [passphrase] {
    return securestore::result<securestore::secret>{securestore::secret{passphrase}};
  };
  return options;
}

// The attacks that need a second user are run as root (as CI does), which can hand files to one.
bool can_act_as_another_user() {
  if (::geteuid() == 0) return true;
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::string_view{ci} == "true") FAIL("these attacks need root to create another user's files");
  WARN("skipped: run as root to create files owned by another user");
  return false;
}

bool contains(const securestore::error& e, std::string_view text) {
  return e.message().find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("a passphrase store refuses an entry sealed with the root secret, and promotes nothing",
          "[security][passphrase]") {
  temp_dir dir;
  {
    securestore::file_store planter{"svc", options_in(dir)};  // a plain store: the root secret
    REQUIRE(planter.set("api", "planted-value"));
  }
  SECTION("the file store refuses it as corrupt, saying it was not sealed with the passphrase") {
    securestore::file_store store{"svc", with_passphrase(dir, "correct horse")};
    auto got = store.get("api");
    REQUIRE_FALSE(got);
    CHECK(got.error().code() == errc::corrupt);
    CHECK(contains(got.error(), "not sealed with this store's passphrase"));
  }
  SECTION("a store with a working keyring does not move it into the keyring") {
    securestore::test::memory_rig rig;
    securestore::test::memory_store store{"svc", with_passphrase(dir, "correct horse"), rig.keyring, {}, {}, rig.clock};
    CHECK(store.get("api").error().code() == errc::corrupt);
    CHECK(rig.keyring.entries().empty());
  }
  SECTION("the explicit re-seal moves it under the passphrase, after which it opens") {
    securestore::file_store store{"svc", with_passphrase(dir, "correct horse")};
    CHECK(store.reseal_file_entries().value() == 1);
    CHECK(store.get("api").value() == std::string_view{"planted-value"});
    securestore::file_store plain{"svc", options_in(dir)};
    CHECK(plain.get("api").error().code() == errc::locked);  // now needs the passphrase
  }
}

TEST_CASE("a deleted passphrase record does not let the next passphrase typed become the store's",
          "[security][passphrase]") {
  temp_dir dir;
  {
    securestore::file_store store{"svc", with_passphrase(dir, "the real one")};
    REQUIRE(store.set("api", canary));
  }
  fs::remove(entries_of(dir) / ".passphrase");
  securestore::file_store typo{"svc", with_passphrase(dir, "the reel one")};
  auto written = typo.set("other", "value");
  REQUIRE_FALSE(written);
  CHECK(written.error().code() == errc::corrupt);
  CHECK(contains(written.error(), ".passphrase"));
  CHECK_FALSE(fs::exists(entries_of(dir) / ".passphrase"));
  CHECK(typo.get("api").error().code() == errc::corrupt);
  SECTION("a re-seal with a wrong passphrase writes nothing; with the right one it re-creates the record") {
    CHECK(typo.reseal_file_entries().error().code() == errc::corrupt);
    CHECK_FALSE(fs::exists(entries_of(dir) / ".passphrase"));
    securestore::file_store right{"svc", with_passphrase(dir, "the real one")};
    CHECK(right.reseal_file_entries().value() == 1);
    CHECK(right.get("api").value() == std::string_view{canary});
    CHECK(right.set("other", "value"));
  }
}

TEST_CASE("a store under a directory another user can write refuses it and names it", "[security][directory]") {
  temp_dir dir;
  const auto shared = dir / "shared";
  fs::create_directories(shared);
  auto options = options_in(dir);
  options.fallback_dir = shared / "app";

  SECTION("world-writable without the sticky bit") {
    ::chmod(shared.c_str(), 0777);
    securestore::file_store store{"svc", options};
    auto stored = store.set("api", canary);
    REQUIRE_FALSE(stored);
    CHECK(stored.error().code() == errc::denied);
    CHECK(contains(stored.error(), shared.native()));
    CHECK(contains(stored.error(), "chmod go-w"));
    CHECK_FALSE(fs::exists(shared / "app"));
  }
  SECTION("group-writable") {
    ::chmod(shared.c_str(), 0770);
    securestore::file_store store{"svc", options};
    CHECK(store.set("api", canary).error().code() == errc::denied);
  }
  SECTION("sticky and owned by root, like /tmp: safe to create inside") {
    if (::geteuid() != 0) return;  // only root can own a sticky directory as root
    ::chmod(shared.c_str(), 01777);
    securestore::file_store store{"svc", options};
    REQUIRE(store.set("api", canary));
    CHECK(store.get("api").value() == std::string_view{canary});
  }
  SECTION("a symlink planted where the store's directory goes leads to a directory that is checked") {
    ::chmod(shared.c_str(), 0777);
    fs::create_directories(dir / "victims-documents");
    fs::create_directory_symlink(dir / "victims-documents", shared / "app");
    securestore::file_store store{"svc", options};
    CHECK(store.set("api", canary).error().code() == errc::denied);
    CHECK(fs::is_empty(dir / "victims-documents"));
  }
}

TEST_CASE("a store refuses a directory on its path that another user owns", "[security][directory]") {
  if (!can_act_as_another_user()) return;
  temp_dir dir;
  const auto theirs = dir / "theirs";
  fs::create_directories(theirs);
  REQUIRE(::chown(theirs.c_str(), other_user, other_user) == 0);
  auto options = options_in(dir);
  SECTION("an ancestor") {
    ::chmod(theirs.c_str(), 0755);
    options.fallback_dir = theirs / "app";
    securestore::file_store store{"svc", options};
    auto stored = store.set("api", canary);
    REQUIRE_FALSE(stored);
    CHECK(stored.error().code() == errc::denied);
    CHECK(contains(stored.error(), theirs.native()));
  }
  SECTION("the store's directory itself, planted before the first write") {
    ::chmod(dir.path().c_str(), 0755);
    fs::create_directories(dir / "entries");
    fs::rename(theirs, dir / "entries" / "svc");
    securestore::file_store store{"svc", options};
    CHECK(store.set("api", canary).error().code() == errc::denied);
    CHECK(store.get("api").error().code() == errc::denied);  // not a proven not_found
  }
}

TEST_CASE("a lock file planted by another user is refused instead of stalling every write", "[security][lock]") {
  if (!can_act_as_another_user()) return;
  temp_dir dir;
  securestore::file_store store{"svc", options_in(dir)};
  REQUIRE(store.set("api", "old"));
  const auto lock = entries_of(dir) / ".lock";
  fs::remove(lock);
  std::ofstream{lock} << "";
  REQUIRE(::chown(lock.c_str(), other_user, other_user) == 0);
  ::chmod(lock.c_str(), 0666);
  securestore::file_store next{"svc", options_in(dir)};
  auto stored = next.set("api", "new");
  REQUIRE_FALSE(stored);
  CHECK(stored.error().code() == errc::denied);
  CHECK(contains(stored.error(), ".lock"));
  CHECK(next.get("api").value() == std::string_view{"old"});
}

TEST_CASE("temporary files a crashed writer left are swept under the lock", "[security][sweep]") {
  temp_dir dir;
  {
    securestore::file_store store{"svc", options_in(dir)};
    REQUIRE(store.set("api", "v1"));
  }
  const auto leftover = entries_of(dir) / ".api.enc.tmp.0123456789abcdef";
  const auto not_ours = entries_of(dir) / ".api.enc.tmp.notahexsuffix!!";
  fs::copy_file(entries_of(dir) / "api.enc", leftover);
  std::ofstream{not_ours} << "x";
  SECTION("by the next write of a store") {
    securestore::file_store store{"svc", options_in(dir)};
    REQUIRE(store.set("other", "v"));
    CHECK_FALSE(fs::exists(leftover));
    CHECK(fs::exists(not_ours));
  }
  SECTION("by remove") {
    securestore::file_store store{"svc", options_in(dir)};
    REQUIRE(store.set("other", "v"));
    fs::copy_file(entries_of(dir) / "api.enc", leftover);
    CHECK(store.remove("api").value());
    CHECK_FALSE(fs::exists(leftover));
  }
}

TEST_CASE("a relative fallback directory is refused, never resolved against the working directory",
          "[security][config]") {
  auto options = securestore::store_options{};
  options.fallback_dir = "relative/store";
  securestore::file_store store{"svc", options};
  CHECK(store.set("api", canary).error().code() == errc::invalid_argument);
}

// Issue 26.8: once a passphrase is pinned, a re-seal never launders an entry nobody named.
TEST_CASE("with a .passphrase record, a re-seal takes the names to re-seal and leaves planted entries as they are",
          "[security][passphrase]") {
  temp_dir dir;
  {
    securestore::file_store owner{"svc", with_passphrase(dir, "correct horse")};
    REQUIRE(owner.set("mine", "my-value"));  // creates the .passphrase record
  }
  REQUIRE(fs::exists(entries_of(dir) / ".passphrase"));
  {
    securestore::file_store planter{"svc", options_in(dir)};  // someone who can write the directory
    REQUIRE(planter.set("planted", "attacker-value"));
    REQUIRE(planter.set("old", "root-sealed-value"));
  }
  securestore::file_store store{"svc", with_passphrase(dir, "correct horse")};
  auto got = store.get("planted");
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == errc::corrupt);
  CHECK_FALSE(contains(got.error(), "if you wrote it"));
  CHECK(contains(got.error(), "reseal_candidates"));

  auto everything = store.reseal_file_entries();
  REQUIRE_FALSE(everything);
  CHECK(everything.error().code() == errc::invalid_argument);
  CHECK(store.get("planted").error().code() == errc::corrupt);  // nothing was re-sealed

  auto candidates = store.reseal_candidates();
  REQUIRE(candidates);
  REQUIRE(candidates.value().size() == 2);
  CHECK(candidates.value()[0].name == "old");
  CHECK(candidates.value()[1].name == "planted");
  CHECK(candidates.value()[0].modified.has_value());

  CHECK(store.reseal_file_entries({"old"}).value() == 1);
  CHECK(store.get("old").value() == std::string_view{"root-sealed-value"});
  CHECK(store.get("planted").error().code() == errc::corrupt);  // never named: never opened
  CHECK(store.get("mine").value() == std::string_view{"my-value"});
  CHECK(store.reseal_file_entries({"absent"}).error().code() == errc::not_found);
}

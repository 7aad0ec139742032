// unit/store_backend_choice_test.cpp: the backend chosen in store_options (issue 27.8) instead of
// SECURESTORE_BACKEND, and the storage report a status page prints (storage()).
#include <securestore/basic_secure_store.hpp>
#include <securestore/file_store.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/names.hpp"
#include "support/stores.hpp"

using securestore::errc;
using securestore::file_sealing;
using securestore::location;
using securestore::test::canary;
using securestore::test::memory_rig;
using securestore::test::scoped_env;

TEST_CASE("store_options::backend chooses the backend in place of SECURESTORE_BACKEND", "[store][config]") {
  memory_rig rig;
  {
    auto store = rig.make();
    REQUIRE(store.set("in-keyring", canary));  // leaves the .keyring-used marker
  }
  SECTION("\"file\" keeps the keyring out with the library's answers, naming the choice, not the variable") {
    const scoped_env unset{"SECURESTORE_BACKEND", nullptr};
    auto options = securestore::test::options_in(rig.dir);
    options.backend = "file";
    auto store = rig.make(options);
    auto stored = store.set("in-file", "v");
    REQUIRE(stored);
    CHECK(stored.value().where == location::file);
    REQUIRE(stored.value().fell_back());
    CHECK(stored.value().fallback_reason->what().find("choosing the file backend") != std::string::npos);
    CHECK(rig.keyring.entries().count({"svc", "in-file"}) == 0);
    auto hidden = store.get("in-keyring");
    REQUIRE_FALSE(hidden);
    CHECK(hidden.error().code() == errc::unavailable);  // never not_found: the keyring may hold it
    CHECK(hidden.error().message().find("SECURESTORE_BACKEND") == std::string::npos);
    CHECK(store.diagnose().reason.find("choosing the file backend") != std::string::npos);
    CHECK(store.storage().file_override);
  }
  SECTION("the option wins over the variable, both ways") {
    const scoped_env forced{"SECURESTORE_BACKEND", "file"};
    auto options = securestore::test::options_in(rig.dir);
    options.backend = "auto";
    auto store = rig.make(options);
    CHECK(store.get("in-keyring").value() == std::string_view{canary});
    REQUIRE(store.set("next", "v"));
    CHECK(store.locate("next").value() == location::keyring);
    CHECK_FALSE(store.storage().file_override);
  }
  SECTION("a name the list does not have, or another backend than the store's, is the caller's mistake") {
    auto options = securestore::test::options_in(rig.dir);
    options.backend = "kwallet";
    auto unknown = rig.make(options).set("api", "v");
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code() == errc::invalid_argument);
    CHECK(unknown.error().what().find("store_options::backend='kwallet'") != std::string::npos);
    options.backend = "keyutils";
    auto other = rig.make(options).set("api", "v");
    REQUIRE_FALSE(other);
    CHECK(other.error().code() == errc::invalid_argument);
    CHECK(other.error().what().find("store_options::backend=keyutils") != std::string::npos);
  }
  SECTION("\"file\" with deny refuses, naming both, and writes nothing") {
    auto options = securestore::test::options_in(rig.dir, securestore::fallback_policy::deny);
    options.backend = "file";
    auto stored = rig.make(options).set("api", canary);
    REQUIRE_FALSE(stored);
    CHECK(stored.error().code() == errc::unavailable);
    CHECK(stored.error().what().find("choosing the file backend") != std::string::npos);
    CHECK(stored.error().what().find("deny") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(rig.file_of("api")));
  }
}

TEST_CASE("storage() reports the store's directory, its root secret and what seals the entries", "[store][storage]") {
  securestore::test::temp_dir dir;
  auto options = securestore::test::options_in(dir);
  securestore::file_store store{"svc", options};
  auto before = store.storage();
  CHECK(before.backend == "none");
  CHECK(before.fallback_dir == securestore::test::entries_of(dir));
  CHECK_FALSE(before.fallback_dir_exists);
  CHECK(before.root_secret_path == dir / "root.key");
  CHECK(before.sealing == file_sealing::nothing_yet);

  REQUIRE(store.set("api", canary));
  auto after = store.storage();
  CHECK(after.fallback_dir_exists);
  CHECK(after.sealing == file_sealing::root_secret);

  SECTION("a passphrase store pins its passphrase in a record, which the report names") {
    auto with_passphrase = options;
    with_passphrase.passphrase = [] { return securestore::result<securestore::secret>{securestore::secret{"pass phrase"}}; };
    securestore::file_store pinned{"pinned", with_passphrase};
    REQUIRE(pinned.set("api", canary));
    CHECK(pinned.storage().sealing == file_sealing::passphrase);
    CHECK(store.storage().sealing == file_sealing::root_secret);  // each service has its own directory
  }
}

// Issue 28.6: `locked` said "or set SECURESTORE_BACKEND=file", which then answered unavailable for
// every key the keyring holds: a circle. The way out of a locked keyring is to unlock it.
TEST_CASE("a locked keyring's remedy says how to unlock it, never to switch to the file store", "[store][remedy]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("api", canary));
  rig.keyring.fail_with(errc::locked);
  auto got = store.get("api");
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == errc::locked);
  CHECK(got.error().remediation().find("SECURESTORE_BACKEND") == std::string::npos);  // the backend's own remedy
  const auto fallback = securestore::default_remediation(errc::locked);  // for an error that has none
  CHECK(fallback.find("unlock your keyring") != std::string_view::npos);
  CHECK(fallback.find("SECURESTORE_BACKEND") == std::string_view::npos);
}

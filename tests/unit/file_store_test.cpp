// Tests of the file store: names of every shape round-trip through files and list, the root
// secret, passphrase stores, and list decrypting nothing.
#include <securestore/file_store.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>

#include "support/names.hpp"
#include "support/stores.hpp"

using securestore::errc;
using securestore::test::canary;
using securestore::test::options_in;

TEST_CASE("keys of any shape round-trip, and list returns them unchanged", "[file][names]") {
  securestore::test::temp_dir dir;
  securestore::file_store store{"svc", options_in(dir)};
  const std::vector<std::string> keys = {"a/b",
                                         "..",
                                         ".",
                                         "100%",
                                         "a%3A",
                                         "a:",
                                         "MyKey",
                                         "mykey",
                                         "with space",
                                         "ключ",
                                         std::string{"nul\0byte", 8},
                                         std::string(256, 'k'),
                                         std::string(256, '/'),
                                         "\xF0\x9F\x94\x91",
                                         "\xFF\xFE not UTF-8"};
  for (const auto& key : keys) REQUIRE(store.set(key, "value of " + key));
  for (const auto& key : keys) CHECK(store.get(key).value() == std::string_view{"value of " + key});

  auto expected = keys;
  std::sort(expected.begin(), expected.end());
  CHECK(store.list().value() == expected);
  for (const auto& entry : std::filesystem::directory_iterator(securestore::test::entries_of(dir))) {
    CHECK(entry.path().filename().string().size() <= 255);
  }
  SECTION("and remove finds each of them") {
    for (const auto& key : keys) CHECK(store.remove(key).value());
    CHECK(store.list().value().empty());
  }
}

TEST_CASE("list ignores files that no key could have produced", "[file][list]") {
  securestore::test::temp_dir dir;
  securestore::file_store store{"svc", options_in(dir)};
  REQUIRE(store.set("api", "v"));
  for (const auto* stray : {"README", "%61.enc", ".api.enc.tmp.0123456789abcdef", "~short.enc", "A.enc"}) {
    std::ofstream{securestore::test::entries_of(dir) / stray} << "x";
  }
  CHECK(store.list().value() == std::vector<std::string>{"api"});
}

TEST_CASE("the root secret is made once and shared by every store of the user", "[file][root]") {
  securestore::test::temp_dir dir;
  securestore::file_store writer{"svc", options_in(dir)};
  REQUIRE(writer.set("api", canary));
  securestore::file_store reader{"svc", options_in(dir)};
  CHECK(reader.get("api").value() == std::string_view{canary});

  SECTION("a replaced root secret makes entries corrupt, with a message naming it") {
    std::filesystem::remove(dir / "root.key");
    securestore::file_store fresh{"svc", options_in(dir)};
    REQUIRE(fresh.set("other", "v"));  // creates a new root
    auto got = fresh.get("api");
    REQUIRE_FALSE(got);
    CHECK(got.error().code() == errc::corrupt);
    CHECK(got.error().message().find("root secret") != std::string::npos);
  }
  SECTION("the root secret and no entry holds the value in the clear") {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in{entry.path(), std::ios::binary};
      const std::string bytes{std::istreambuf_iterator<char>{in}, {}};
      CHECK(bytes.find(canary) == std::string::npos);
    }
  }
}

TEST_CASE("a passphrase store runs its KDF once, however many operations follow", "[file][passphrase][slow]") {
  securestore::test::temp_dir dir;
  auto options = options_in(dir);
  std::atomic<int> asked{0};
  options.passphrase = [&] {
    ++asked;
    return securestore::result<securestore::secret>{securestore::secret{"correct horse battery staple"}};
  };
  options.passphrase_kdf = GENERATE(securestore::passphrase_kdf::scrypt, securestore::passphrase_kdf::argon2id);
  securestore::file_store store{"svc", options};
  for (int i = 0; i < 20; ++i) REQUIRE(store.set("key-" + std::to_string(i), canary));
  for (int i = 0; i < 20; ++i) REQUIRE(store.get("key-" + std::to_string(i)));
  CHECK(asked == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "root.key"));  // a passphrase store needs no root secret

  SECTION("a wrong passphrase is denied, seals nothing, and is asked for again") {
    auto wrong = options_in(dir);
    std::atomic<int> typed{0};
    wrong.passphrase = [&] {
      ++typed;
      return securestore::result<securestore::secret>{securestore::secret{"correct horse battery stapel"}};
    };
    securestore::file_store other{"svc", wrong};
    CHECK(other.get("key-0").error().code() == errc::denied);
    auto stored = other.set("key-new", canary);
    REQUIRE_FALSE(stored);
    CHECK(stored.error().code() == errc::denied);
    CHECK(stored.error().message().find("enter it again") != std::string::npos);
    CHECK(typed == 2);  // not cached: each attempt asks again
    CHECK(store.get("key-new").error().code() == errc::not_found);
  }
  SECTION("a store without a passphrase says it is locked, not missing") {
    securestore::file_store other{"svc", options_in(dir)};
    CHECK(other.get("key-0").error().code() == errc::locked);
  }
}

TEST_CASE("a ChaCha20-Poly1305 store round-trips and refuses entries of another cipher", "[file][cipher]") {
  securestore::test::temp_dir dir;
  using chacha_store = securestore::basic_secure_store<securestore::null_keyring, securestore::chacha20_poly1305_cipher,
                                                       securestore::posix_fs>;
  chacha_store chacha{"svc", options_in(dir)};
  REQUIRE(chacha.set("api", canary));
  CHECK(chacha.get("api").value() == std::string_view{canary});
  securestore::file_store aes{"svc", options_in(dir)};
  CHECK(aes.get("api").error().code() == errc::corrupt);
}

TEST_CASE("list decrypts nothing: it works without the root secret", "[file][list]") {
  securestore::test::temp_dir dir;
  securestore::file_store store{"svc", options_in(dir)};
  for (int i = 0; i < 50; ++i) REQUIRE(store.set("key-" + std::to_string(i), "v"));
  REQUIRE(store.set(std::string(256, '/'), "v"));  // a hashed name: read from its envelope
  std::filesystem::remove(dir / "root.key");
  securestore::file_store fresh{"svc", options_in(dir)};
  auto names = fresh.list();
  REQUIRE(names);
  CHECK(names.value().size() == 51);
  CHECK_FALSE(std::filesystem::exists(dir / "root.key"));
}

TEST_CASE("a file store answers not_found for a key it never held", "[file]") {
  securestore::test::temp_dir dir;
  securestore::file_store store{"svc", options_in(dir)};
  CHECK(store.get("never").error().code() == errc::not_found);
  CHECK_FALSE(store.has("never").value());
  CHECK_FALSE(store.remove("never").value());
  CHECK(store.list().value().empty());
  CHECK_FALSE(store.keyring_available());
  CHECK(store.diagnose().state == securestore::keyring_state::absent);
}

TEST_CASE("a root secret in an existing directory leaves that directory's mode alone", "[file][root][permissions]") {
  securestore::test::temp_dir dir;
  std::filesystem::create_directory(dir / "shared");
  std::filesystem::permissions(dir / "shared", std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                                   std::filesystem::perms::group_exec);
  auto options = options_in(dir);
  options.root_secret_path = dir / "shared" / "root.key";
  securestore::file_store store{"svc", options};
  REQUIRE(store.set("api", canary));
  CHECK((std::filesystem::status(dir / "shared").permissions() & std::filesystem::perms::group_read) !=
        std::filesystem::perms::none);
  CHECK((std::filesystem::status(dir / "shared" / "root.key").permissions() & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
}

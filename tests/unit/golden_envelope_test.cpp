// Golden envelopes (tests/data/golden, written by securestore 0.1): today's reader must open the
// files of every earlier release, so the format cannot drift by accident.
#include <securestore/detail/format/envelope.hpp>

#include <catch2/catch.hpp>

#include <filesystem>

#include "support/copy_private.hpp"
#include "support/stores.hpp"

namespace fs = std::filesystem;
using securestore::test::temp_dir;
using securestore::test::copy_private;

namespace {

securestore::store_options golden_options(const temp_dir& dir, const char* entries) {
  securestore::store_options o;
  o.fallback_dir = dir / "golden" / entries;
  o.root_secret_path = dir / "golden" / "root.key";
  return o;
}

}  // namespace

TEST_CASE("entries written by securestore 0.1 still open", "[envelope][golden]") {
  temp_dir dir;
  copy_private(SECURESTORE_TEST_DATA_DIR "/golden", dir / "golden");

  SECTION("under the root secret, AES-256-GCM") {
    securestore::file_store store{"golden-service", golden_options(dir, "entries")};
    CHECK(store.get("api-key").value() == std::string_view{"golden-value-0123"});
    CHECK(store.get("Path/With:Odd%Chars").value() == std::string_view{"second golden value"});
    CHECK(store.list().value() == std::vector<std::string>{"Path/With:Odd%Chars", "api-key"});
  }
  SECTION("under the root secret, ChaCha20-Poly1305") {
    securestore::basic_secure_store<securestore::null_keyring, securestore::chacha20_poly1305_cipher,
                                    securestore::posix_fs>
        store{"golden-service", golden_options(dir, "chacha-entries")};
    CHECK(store.get("api-key").value() == std::string_view{"golden-value-0123"});
  }
  // 0.1 wrote passphrase entries without a .passphrase record. A record-less directory with
  // entries is refused (a deleted record must not let any passphrase in), so these open after the
  // one explicit re-seal that proves the passphrase against them and creates the record.
  SECTION("under a passphrase (scrypt), after the explicit re-seal that creates the record") {
    auto options = golden_options(dir, "passphrase-entries");
    options.passphrase = [] {
      return securestore::result<securestore::secret>{securestore::secret{"golden passphrase"}};
    };
    securestore::file_store store{"golden-service", options};
    CHECK(store.get("api-key").error().code() == securestore::errc::corrupt);
    CHECK(store.reseal_file_entries().value() == 1);
    CHECK(store.get("api-key").value() == std::string_view{"golden-value-0123"});
  }
  SECTION("a wrong passphrase first, then the right one: the wrong key is not remembered") {
    auto options = golden_options(dir, "passphrase-entries");
    int attempts = 0;
    options.passphrase = [&attempts] {
      return securestore::result<securestore::secret>{
          securestore::secret{++attempts == 1 ? "wrong passphrase" : "golden passphrase"}};
    };
    securestore::file_store store{"golden-service", options};
    CHECK_FALSE(store.reseal_file_entries());
    CHECK(store.reseal_file_entries().value() == 1);
    CHECK(store.get("api-key").value() == std::string_view{"golden-value-0123"});
  }
  SECTION("and not under another service name, even when copied into its directory") {
    fs::create_directories(dir / "golden" / "entries" / "another-service");
    fs::copy(dir / "golden" / "entries" / "golden-service" / "api-key.enc",
             dir / "golden" / "entries" / "another-service" / "api-key.enc");
    securestore::file_store store{"another-service", golden_options(dir, "entries")};
    CHECK(store.get("api-key").error().code() == securestore::errc::corrupt);
  }
}

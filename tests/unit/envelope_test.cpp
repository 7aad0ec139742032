// Tests of cipher/envelope.hpp through a real file store: every malformed or tampered entry is
// errc::corrupt with a remediation, never a crash, a hang or another key's value.
#include <securestore/detail/format/envelope.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/files.hpp"
#include "support/names.hpp"
#include "support/stores.hpp"
#include "support/temp_dir.hpp"

using securestore::errc;
using securestore::test::canary;

namespace {

using securestore::test::read_file;

// Rewrites a file keeping its owner-only mode.
void overwrite(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream{path, std::ios::binary | std::ios::trunc} << bytes;
}

std::string b64_of_size(std::size_t n) { return Botan::base64_encode(std::vector<std::uint8_t>(n, 0x41)); }

}  // namespace

TEST_CASE("a damaged entry file reads as corrupt, with a remediation and no secret", "[envelope][corrupt]") {
  securestore::test::temp_dir dir;
  securestore::file_store store{"svc", securestore::test::options_in(dir)};
  REQUIRE(store.set("api", canary));
  const auto path = securestore::test::entries_of(dir) / "api.enc";
  const auto original = read_file(path);
  auto doc = nlohmann::json::parse(original);

  const auto damaged = GENERATE_REF(
      std::string{"null"}, std::string{"42"}, std::string{"\"text\""}, std::string{"[]"}, std::string{""},
      std::string{"{"}, original.substr(0, original.size() / 2),
      [&] {
        auto d = doc;
        d["v"] = 2;
        return d.dump();
      }(),
      [&] {
        auto d = doc;
        d["v"] = "1";
        return d.dump();
      }(),
      [&] {
        auto d = doc;
        d.erase("nonce");
        return d.dump();
      }(),
      [&] {
        auto d = doc;
        d["nonce"] = b64_of_size(16);
        return d.dump();
      }(),
      [&] {
        auto d = doc;
        d["salt"] = b64_of_size(8);
        return d.dump();
      }(),
      [&] {
        auto d = doc;
        d["ct"] = b64_of_size(15);
        return d.dump();
      }(),  // shorter than a tag
      [&] {
        auto d = doc;
        d["ct"] = "not base64!";
        return d.dump();
      }(),
      [&] {
        auto d = doc;
        d["aead"] = "rot13";
        return d.dump();
      }(),
      [&] {
        auto d = doc;
        d["kdf"] = nullptr;
        return d.dump();
      }(),
      [&] {
        auto d = doc;
        d["kdf"]["kid"] = "0000000000000000";
        return d.dump();
      }(),
      [&] {
        auto d = doc;
        d["extra"] = 1;
        return d.dump();
      }(),
      [&] {  // one flipped bit in the ciphertext
        auto d = doc;
        auto ct = Botan::base64_decode(d["ct"].get<std::string>());
        ct[0] ^= 0x01;
        d["ct"] = Botan::base64_encode(ct);
        return d.dump();
      }(),
      [&] {  // the tag cut to 12 bytes
        auto d = doc;
        auto ct = Botan::base64_decode(d["ct"].get<std::string>());
        ct.resize(ct.size() - 4);
        d["ct"] = Botan::base64_encode(ct);
        return d.dump();
      }());
  overwrite(path, damaged);

  auto got = store.get("api");
  INFO("file: " << damaged);
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == errc::corrupt);
  CHECK(got.error().message().find(path.native()) != std::string::npos);
  CHECK_FALSE(got.error().remediation().empty());
  CHECK(got.error().message().find(canary) == std::string::npos);
  SECTION("has agrees with get") {
    auto has = store.has("api");
    REQUIRE_FALSE(has);
    CHECK(has.error().code() == errc::corrupt);
  }
  SECTION("a new set replaces the damaged entry") {
    REQUIRE(store.set("api", "fresh"));
    CHECK(store.get("api").value() == std::string_view{"fresh"});
  }
}

TEST_CASE("an unknown envelope version says to upgrade securestore", "[envelope][corrupt]") {
  securestore::test::temp_dir dir;
  securestore::file_store store{"svc", securestore::test::options_in(dir)};
  REQUIRE(store.set("api", canary));
  const auto path = securestore::test::entries_of(dir) / "api.enc";
  auto doc = nlohmann::json::parse(read_file(path));
  doc["v"] = 7;
  overwrite(path, doc.dump());
  auto got = store.get("api");
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == errc::corrupt);
  CHECK(got.error().message().find("upgrade") != std::string::npos);
}

TEST_CASE("an entry copied onto another key's file does not decrypt as that key", "[envelope][aad]") {
  securestore::test::temp_dir dir;
  securestore::file_store store{"svc", securestore::test::options_in(dir)};
  REQUIRE(store.set("alpha", "value-of-alpha"));
  REQUIRE(store.set("beta", "value-of-beta"));
  const auto alpha = securestore::test::entries_of(dir) / "alpha.enc";
  const auto beta = securestore::test::entries_of(dir) / "beta.enc";

  SECTION("copied as is") { overwrite(beta, read_file(alpha)); }
  SECTION("copied with its recorded key name changed to match, so only the AEAD binding can catch it") {
    auto doc = nlohmann::json::parse(read_file(alpha));
    doc["key"] = "YmV0YQ==";  // base64 of "beta"
    overwrite(beta, doc.dump());
  }
  auto got = store.get("beta");
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == errc::corrupt);
}

TEST_CASE("services sharing a fallback_dir keep apart, and an entry copied across does not open", "[envelope][aad]") {
  securestore::test::temp_dir dir;
  auto options = securestore::test::options_in(dir);
  securestore::file_store first{"first", options};
  securestore::file_store second{"second", options};  // same fallback_dir, same root secret
  REQUIRE(first.set("api", canary));
  CHECK(second.get("api").error().code() == errc::not_found);
  REQUIRE(second.set("api", "second's value"));
  CHECK(first.get("api").value() == std::string_view{canary});

  std::filesystem::copy_file(securestore::test::entries_of(dir, "first") / "api.enc",
                             securestore::test::entries_of(dir, "second") / "api.enc",
                             std::filesystem::copy_options::overwrite_existing);
  auto got = second.get("api");
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == errc::corrupt);
}

TEST_CASE("huge KDF costs in a file are rejected at once, not run", "[envelope][kdf]") {
  securestore::test::temp_dir dir;
  auto options = securestore::test::options_in(dir);
  options.passphrase = [] { return securestore::result<securestore::secret>{securestore::secret{"pw"}}; };
  options.passphrase_kdf = GENERATE(securestore::passphrase_kdf::scrypt, securestore::passphrase_kdf::argon2id);
  securestore::file_store store{"svc", options};
  REQUIRE(store.set("api", canary));
  const auto path = securestore::test::entries_of(dir) / "api.enc";
  auto doc = nlohmann::json::parse(read_file(path));
  auto& kdf = doc["kdf"];
  // 2^54 KiB is the value whose byte count wraps to 0 in 64 bits: a bound must not overflow.
  const auto huge = GENERATE(std::uint64_t{1} << 40U, std::uint64_t{1} << 54U, ~std::uint64_t{0});
  if (kdf["name"] == "scrypt") {
    kdf[GENERATE(as<std::string>{}, "n", "r", "p")] = huge;
  } else {
    kdf[GENERATE(as<std::string>{}, "m", "t", "p")] = huge;
  }
  SECTION("and so are costs each within bounds whose product is too much work") {
    if (kdf["name"] == "scrypt") {
      kdf = {{"name", "scrypt"}, {"n", 1U << 20U}, {"r", 2}, {"p", 16}, {"salt", kdf["salt"]}};  // 128x the work
    } else {
      kdf = {{"name", "argon2id"}, {"m", 256U * 1024U}, {"t", 10}, {"p", 1}, {"salt", kdf["salt"]}};  // 13x
    }
  }
  overwrite(path, doc.dump());

  securestore::file_store fresh{"svc", options};  // nothing cached: it would have to run the KDF
  const auto started = std::chrono::steady_clock::now();
  auto got = fresh.get("api");
  const auto elapsed = std::chrono::steady_clock::now() - started;
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == errc::corrupt);
  CHECK(got.error().message().find(path.native()) != std::string::npos);
  CHECK(elapsed < std::chrono::seconds{2});  // a bound on the failure mode, not a speed test
}

TEST_CASE("the associated data is unambiguous in service and key", "[envelope][aad]") {
  using securestore::detail::envelope_aad;
  CHECK(envelope_aad("aes-256-gcm", "ab", "c") != envelope_aad("aes-256-gcm", "a", "bc"));
  CHECK(envelope_aad("aes-256-gcm", "svc", "k") != envelope_aad("chacha20-poly1305", "svc", "k"));
}

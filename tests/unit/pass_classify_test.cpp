// unit/pass_classify_test.cpp: how a failed `pass` run is classified from gpg's status lines, and
// the injective mapping of names to pass entries, as tables.
#include <securestore/keyring/pass/classify.hpp>
#include <securestore/keyring/pass/paths.hpp>

#include <catch2/catch.hpp>

#include <string>

namespace securestore {
namespace {

TEST_CASE("gpg status lines map a failed pass run to the taxonomy", "[unit][pass]") {
  const auto [status, expected] = GENERATE(table<std::string, errc>({
      {"[GNUPG:] ENC_TO 1234ABCD 18 0\n[GNUPG:] NO_SECKEY 1234ABCD\n[GNUPG:] BEGIN_DECRYPTION\n"
       "[GNUPG:] DECRYPTION_FAILED\n[GNUPG:] END_DECRYPTION\n",
       errc::unavailable},
      {"[GNUPG:] INV_RECP 0 nobody@example.invalid\n[GNUPG:] FAILURE encrypt 53\n", errc::unavailable},
      {"[GNUPG:] ERROR pkdecrypt_failed 83886179\n", errc::locked},  // GPG_ERR_CANCELED (99) from pinentry
      {"[GNUPG:] ERROR pkdecrypt_failed 67108949\n", errc::locked},  // GPG_ERR_NO_PIN_ENTRY (85)
      {"[GNUPG:] ERROR pkdecrypt_failed 83886278\n", errc::locked},  // GPG_ERR_FULLY_CANCELED (198)
      {"[GNUPG:] BAD_PASSPHRASE 1234ABCD\n", errc::locked},
      {"[GNUPG:] MISSING_PASSPHRASE\n", errc::locked},
      {"[GNUPG:] NO_SECKEY 1234ABCD\n[GNUPG:] ERROR pkdecrypt_failed 83886179\n", errc::locked},
      {"[GNUPG:] ERROR get_passphrase 16777278\n", errc::timeout},  // GPG_ERR_TIMEOUT (62)
      {"[GNUPG:] FAILURE decrypt 16777233\n", errc::unavailable},   // GPG_ERR_NO_SECKEY (17)
      {"", errc::unavailable},                                      // pass failed before gpg ran
      {"not a status line\n[GNUPG:] ERROR x notanumber\n", errc::unavailable},
  }));
  CAPTURE(status);
  CHECK(detail::classify_pass(status) == expected);
}

TEST_CASE("entry names escape what a file name cannot hold and round-trip", "[unit][pass]") {
  const auto [raw, escaped] = GENERATE(table<std::string, std::string>({
      {"api", "api"},
      {"a/b", "a%2Fb"},
      {".hidden", "%2Ehidden"},
      {"..", "%2E."},
      {"x.y", "x.y"},
      {"100%", "100%25"},
      {std::string("nul\0in", 6), "nul%00in"},
      {"a; rm -rf ~", "a; rm -rf ~"},
  }));
  CHECK(detail::pass_escape_piece(raw) == escaped);
  CHECK(detail::pass_unescape_piece(escaped) == raw);
}

TEST_CASE("long names continue in folders that cannot be mistaken for a name", "[unit][pass]") {
  const std::string name(200, 'k');
  const auto path = detail::pass_account_path(name);
  CHECK(path == std::string(80, 'k') + "%+/" + std::string(80, 'k') + "%+/" + std::string(40, 'k'));
  CHECK_FALSE(detail::pass_unescape_piece("bad%+").has_value());
  CHECK_FALSE(detail::pass_unescape_piece(".x").has_value());
  CHECK_FALSE(detail::pass_unescape_piece("").has_value());
}

TEST_CASE("the pass classification is usable at compile time", "[unit][pass]") {
  static_assert(detail::classify_pass("[GNUPG:] MISSING_PASSPHRASE") == errc::locked);
  static_assert(detail::classify_pass("[GNUPG:] NO_SECKEY 1") == errc::unavailable);
  SUCCEED();
}

}  // namespace
}  // namespace securestore

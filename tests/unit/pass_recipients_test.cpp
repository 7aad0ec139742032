// unit/pass_recipients_test.cpp: who pass encrypts to, read from .gpg-id as pass reads it, and
// whether gpg's key listing shows a key that can encrypt, as tables.
#include <securestore/keyring/pass/recipients.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace securestore {
namespace {

TEST_CASE(".gpg-id names one recipient per line, without comments and blanks", "[unit][pass]") {
  CHECK(detail::pass_gpg_ids("ABCDEF\n") == std::vector<std::string>{"ABCDEF"});
  CHECK(detail::pass_gpg_ids("  me@example.invalid  # work key\n\n# only a comment\nOTHER") ==
        std::vector<std::string>{"me@example.invalid", "OTHER"});
  CHECK(detail::pass_gpg_ids("First Last <a@b.invalid>\r\n") == std::vector<std::string>{"First Last <a@b.invalid>"});
  CHECK(detail::pass_gpg_ids("").empty());
  CHECK(detail::pass_split_words(" --homedir /x\t--trust-model always\n") ==
        std::vector<std::string>{"--homedir", "/x", "--trust-model", "always"});
}

TEST_CASE("a key listing shows a usable encryption key only when the key as a whole can encrypt", "[unit][pass]") {
  const auto [listing, usable] = GENERATE(table<std::string, bool>({
      {"tru::1:0:0:3:1:5\npub:u:255:22:D127ABE9C913AB87:1:2::u:::scESC:::::ed25519:::0:\n"
       "sub:u:255:18:3619007B901D7C08:1:2:::::e:::::cv25519::\n",
       true},
      {"pub:u:255:22:D127ABE9C913AB87:1:2::u:::scSC:::::ed25519:::0:\n", false},    // no encryption subkey
      {"pub:e:255:22:D127ABE9C913AB87:1:2::u:::scESC:::::ed25519:::0:\n", false},   // expired
      {"pub:r:255:22:D127ABE9C913AB87:1:2::u:::scESC:::::ed25519:::0:\n", false},   // revoked
      {"pub:u:255:22:D127ABE9C913AB87:1:2::u:::scESCD:::::ed25519:::0:\n", false},  // disabled
      {"pub:-:255:22:D127ABE9C913AB87:1:2::-:::scESC:::::ed25519:::0:\n", true},    // imported, not certified
      {"tru::1:0:0:3:1:5\n", false},
      {"", false},
      {"pub:u", false},
  }));
  CAPTURE(listing);
  CHECK(detail::pass_key_can_encrypt(listing) == usable);
}

TEST_CASE("the key listing check is usable at compile time", "[unit][pass]") {
  static_assert(detail::pass_key_can_encrypt("pub:u:1:1:K:1:2::u:::scESC:\n"));
  static_assert(!detail::pass_key_can_encrypt("pub:u:1:1:K:1:2::u:::scSC:\n"));
  SUCCEED();
}

}  // namespace
}  // namespace securestore

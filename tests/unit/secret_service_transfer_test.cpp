// unit/secret_service_transfer_test.cpp: the Secret Service transfer codec (AES-128-CBC-PKCS7
// under the session key) without a daemon.
#include <securestore/keyring/secret_service/transfer.hpp>

#include <botan/dh.h>
#include <botan/dl_group.h>
#include <botan/kdf.h>
#include <botan/pubkey.h>
#include <botan/system_rng.h>
#include <catch2/catch.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

namespace securestore {
namespace {

const std::vector<std::uint8_t> key(16, 0x42);

TEST_CASE("a sealed secret opens to the same value under the session key", "[unit][secret-service]") {
  const auto sealed = detail::ss_seal(key, "sk-0123456789");
  CHECK(sealed.ciphertext.size() == 16);
  auto opened = detail::ss_open_secret(key, sealed.iv, sealed.ciphertext);
  REQUIRE(opened);
  CHECK(opened.value() == std::string_view{"sk-0123456789"});
}

TEST_CASE("a ciphertext that is only a padding block is corrupt, never an empty secret", "[unit][secret-service]") {
  const auto sealed = detail::ss_seal(key, "");
  REQUIRE(sealed.ciphertext.size() == 16);  // one block of PKCS#7 padding, nothing else
  auto opened = detail::ss_open_secret(key, sealed.iv, sealed.ciphertext);
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code() == errc::corrupt);
}

TEST_CASE("a secret that does not decrypt under the session key is unavailable", "[unit][secret-service]") {
  // The transfer has no MAC: only the padding can show a wrong key, and a value sealed under
  // another key decrypts to noise whose padding looks valid about once in 256 tries (which made
  // this test flaky). So it builds the certain case: a block that decrypts, under the session
  // key, to bytes ending in 0x00, which no PKCS#7 padding ends with.
  const std::vector<std::uint8_t> iv(16, 0x01);
  auto raw = detail::make_cipher("AES-128/CBC/NoPadding", detail::cipher_direction::seal);
  raw->set_key(key.data(), key.size());
  raw->start(iv);
  Botan::secure_vector<std::uint8_t> block(16, 0x00);
  raw->finish(block);
  auto opened = detail::ss_open_secret(key, iv, std::vector<std::uint8_t>(block.begin(), block.end()));
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code() == errc::unavailable);
  CHECK_FALSE(detail::ss_open_secret(key, iv, std::vector<std::uint8_t>(15, 0)));  // not whole blocks
}

TEST_CASE("the transfer group is RFC 2409's 1024-bit MODP group, and the key agrees with Botan's DH",
          "[unit][secret-service]") {
  const Botan::DL_Group group{"modp/ietf/1024"};
  CHECK(detail::ss_transfer_prime() == group.get_p());
  CHECK(group.get_g() == 2);

  // The service's half, as Botan's own DH does it; each side derives the same AES-128 key.
  Botan::System_RNG rng;
  const Botan::DH_PrivateKey service{rng, group};
  const detail::ss_transfer_offer offer;
  const auto ours = offer.public_value();
  CHECK(ours.size() == 128);
  Botan::PK_Key_Agreement agreement{service, rng, "Raw"};
  const auto shared = agreement.derive_key(0, ours.data(), ours.size()).bits_of();
  const auto expected = Botan::KDF::create_or_throw("HKDF(SHA-256)")
                            ->derive_key(16, shared, std::vector<std::uint8_t>{}, std::vector<std::uint8_t>{});
  const auto agreed = offer.agree(service.public_value());
  REQUIRE(agreed);
  CHECK(*agreed == expected);
  CHECK(detail::ss_transfer_offer{}.public_value() != ours);  // a fresh exponent every time
}

TEST_CASE("a service public value that would fix the shared secret is refused", "[unit][secret-service]") {
  const detail::ss_transfer_offer offer;
  const auto& p = detail::ss_transfer_prime();
  for (const Botan::BigInt& bad : {Botan::BigInt{0}, Botan::BigInt{1}, p - 1, p, p + 1}) {
    const auto bytes = Botan::BigInt::encode_1363(bad, 129);
    CHECK_FALSE(offer.agree(bytes));
  }
  CHECK_FALSE(offer.agree({}));
}

}  // namespace
}  // namespace securestore

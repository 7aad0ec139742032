// unit/secret_service_transfer_test.cpp: the Secret Service transfer codec (AES-128-CBC-PKCS7
// under the session key) without a daemon.
#include <securestore/keyring/secret_service/transfer.hpp>

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
  const auto sealed = detail::ss_seal(key, "value");
  const std::vector<std::uint8_t> other(16, 0x17);
  auto opened = detail::ss_open_secret(other, sealed.iv, sealed.ciphertext);
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code() == errc::unavailable);
  CHECK_FALSE(detail::ss_open_secret(key, sealed.iv, std::vector<std::uint8_t>(15, 0)));  // not whole blocks
}

}  // namespace
}  // namespace securestore

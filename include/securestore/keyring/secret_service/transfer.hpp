// keyring/secret_service/transfer.hpp: the codec of the Secret Service transfer session,
// dh-ietf1024-sha256-aes128-cbc-pkcs7 (the algorithm libsecret and gnome-keyring use): DH in the
// RFC 2409 1024-bit MODP group, HKDF-SHA256 of the shared secret (no salt, no info) to an AES-128
// key, and each secret AES-128-CBC with PKCS#7 padding under a fresh IV. No platform headers: the
// client wraps what this builds in D-Bus messages, and tests run it without a daemon.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <botan/bigint.h>
#include <botan/cipher_mode.h>
#include <botan/kdf.h>
#include <botan/numthry.h>
#include <botan/secmem.h>
#include <botan/system_rng.h>

#include <securestore/detail/crypto.hpp>
#include <securestore/error.hpp>
#include <securestore/secret.hpp>

namespace securestore::detail {

/// The transfer algorithm's name in OpenSession.
inline constexpr const char* ss_transfer_algorithm = "dh-ietf1024-sha256-aes128-cbc-pkcs7";

/// An open transfer session: its object path and the AES-128 key agreed with the service.
struct ss_session_key {
  std::string path;
  Botan::secure_vector<std::uint8_t> key;
};

/// The RFC 2409 "Second Oakley Group" (1024-bit MODP) prime, whose generator is 2: the group
/// the transfer algorithm names. tests/unit/secret_service_transfer_test.cpp checks it against
/// Botan's "modp/ietf/1024".
[[nodiscard]] inline const Botan::BigInt& ss_transfer_prime() {
  static const Botan::BigInt prime{
      "0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
      "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
      "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF"};
  return prime;
}

/// Our half of the key agreement: a fresh DH key pair; public_value() goes into OpenSession.
/// Two modular exponentiations (Botan's constant-time Montgomery code), not DH_PrivateKey and
/// PK_Key_Agreement: those build the group's fixed-base table and a blinder, 2.3 ms per session
/// here and 4 ms from a cold start, against 1 ms. Blinding protects a key that is used many times;
/// this one agrees once and is wiped.
class ss_transfer_offer {
 public:
  ss_transfer_offer()
      : exponent_{rng_, exponent_bits},
        public_{detail::big_endian_bytes(Botan::power_mod(2, exponent_, ss_transfer_prime()), prime_bytes)} {}

  [[nodiscard]] std::vector<std::uint8_t> public_value() const { return {public_.begin(), public_.end()}; }

  /// The session key from the service's public value; nullopt if it is not a usable DH value.
  [[nodiscard]] std::optional<Botan::secure_vector<std::uint8_t>> agree(std::span<const std::uint8_t> theirs) const {
    try {
      const auto& p = ss_transfer_prime();
      const Botan::BigInt value{theirs.data(), theirs.size()};
      if (value <= 1 || value >= p - 1) return std::nullopt;  // 0, 1 and p-1 would fix the shared secret
      const auto shared = detail::big_endian_bytes(Botan::power_mod(value, exponent_, p), prime_bytes);
      return detail::hkdf_sha256(16, shared, {}, {});
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }

 private:
  static constexpr std::size_t prime_bytes = 128;
  // Twice the group's ~80-bit strength and more: the size Botan itself picks for it is 172.
  static constexpr std::size_t exponent_bits = 256;

  Botan::System_RNG rng_;
  Botan::BigInt exponent_;
  Botan::secure_vector<std::uint8_t> public_;
};

/// A secret in transit: the IV and the AES-128-CBC-PKCS7 ciphertext.
struct ss_sealed {
  std::vector<std::uint8_t> iv;
  std::vector<std::uint8_t> ciphertext;
};

/// Encrypts `value` under the session key and a fresh IV.
[[nodiscard]] inline ss_sealed ss_seal(std::span<const std::uint8_t> key, std::string_view value) {
  Botan::System_RNG rng;
  ss_sealed out{std::vector<std::uint8_t>(16), {}};
  rng.randomize(out.iv.data(), out.iv.size());
  auto mode = detail::make_cipher("AES-128/CBC/PKCS7", detail::cipher_direction::seal);
  mode->set_key(key.data(), key.size());
  mode->start(out.iv);
  Botan::secure_vector<std::uint8_t> bytes(value.begin(), value.end());
  mode->finish(bytes);
  out.ciphertext.assign(bytes.begin(), bytes.end());
  return out;
}

/// The value sealed in (iv, ciphertext); nullopt if it does not decrypt.
[[nodiscard]] inline std::optional<secret> ss_open(std::span<const std::uint8_t> key, std::span<const std::uint8_t> iv,
                                                   std::span<const std::uint8_t> ciphertext) {
  if (iv.size() != 16 || ciphertext.empty() || ciphertext.size() % 16 != 0) return std::nullopt;
  try {
    auto mode = detail::make_cipher("AES-128/CBC/PKCS7", detail::cipher_direction::open);
    mode->set_key(key.data(), key.size());
    mode->start(iv.data(), iv.size());
    Botan::secure_vector<std::uint8_t> plain(ciphertext.begin(), ciphertext.end());
    mode->finish(plain);
    return secret{std::move(plain)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

/// The value a Secret struct's (iv, ciphertext) holds, decrypted with the session key:
/// errc::unavailable when it does not decrypt (the session no longer matches: open a new one),
/// errc::corrupt when it decrypts to an empty value.
[[nodiscard]] inline result<secret> ss_open_secret(std::span<const std::uint8_t> key, std::span<const std::uint8_t> iv,
                                                   std::span<const std::uint8_t> ciphertext) {
  auto value = ss_open(key, iv, ciphertext);
  if (!value) {
    return error{errc::unavailable, "secret_service: the service sent a secret this session cannot decode", "retry"};
  }
  // A ciphertext that is only a padding block decrypts to nothing. We never store an empty value,
  // so an empty secret is not one of ours (or not what was stored): never hand it out as a value.
  if (value->size() == 0) {
    return error{errc::corrupt, "secret_service: the service returned an empty secret, which securestore never stores",
                 "remove the entry and store it again"};
  }
  return std::move(*value);
}

}  // namespace securestore::detail

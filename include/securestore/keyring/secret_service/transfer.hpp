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

#include <botan/cipher_mode.h>
#include <botan/dh.h>
#include <botan/dl_group.h>
#include <botan/kdf.h>
#include <botan/pubkey.h>
#include <botan/secmem.h>
#include <botan/system_rng.h>

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

/// Our half of the key agreement: a fresh DH key pair; public_value() goes into OpenSession.
class ss_transfer_offer {
 public:
  ss_transfer_offer() : group_{"modp/ietf/1024"}, mine_{rng_, group_} {}

  [[nodiscard]] std::vector<std::uint8_t> public_value() const { return mine_.public_value(); }

  /// The session key from the service's public value; nullopt if it is not a usable DH value.
  [[nodiscard]] std::optional<Botan::secure_vector<std::uint8_t>> agree(std::span<const std::uint8_t> theirs) {
    try {
      Botan::PK_Key_Agreement agreement{mine_, rng_, "Raw"};
      const auto shared = agreement.derive_key(0, theirs.data(), theirs.size()).bits_of();
      const auto hkdf = Botan::KDF::create_or_throw("HKDF(SHA-256)");
      return hkdf->derive_key(16, shared, std::vector<std::uint8_t>{}, std::vector<std::uint8_t>{});
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }

 private:
  Botan::System_RNG rng_;
  Botan::DL_Group group_;
  Botan::DH_PrivateKey mine_;
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
  auto mode = Botan::Cipher_Mode::create_or_throw("AES-128/CBC/PKCS7", Botan::ENCRYPTION);
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
    auto mode = Botan::Cipher_Mode::create_or_throw("AES-128/CBC/PKCS7", Botan::DECRYPTION);
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
    return error{errc::unavailable, "secret_service: the service sent a secret this session cannot decode; retry"};
  }
  // A ciphertext that is only a padding block decrypts to nothing. We never store an empty value,
  // so an empty secret is not one of ours (or not what was stored): never hand it out as a value.
  if (value->size() == 0) {
    return error{errc::corrupt,
                 "secret_service: the service returned an empty secret, which securestore never stores; remove the "
                 "entry and store it again"};
  }
  return std::move(*value);
}

}  // namespace securestore::detail

// detail/crypto.hpp: the core's one door to Botan (besides secret.hpp's zeroizing buffer): the
// Botan headers the core uses, key bytes that scrub themselves, the operating system's RNG, and
// the one place where Botan 3 (the first choice) and Botan 2 (Debian 12's) differ.
// A port to another crypto library starts here and in cipher/aead.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <botan/aead.h>
#include <botan/base64.h>
#include <botan/bigint.h>
#include <botan/cipher_mode.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/kdf.h>
#include <botan/mem_ops.h>
#include <botan/pwdhash.h>
#include <botan/secmem.h>
#include <botan/system_rng.h>
#include <botan/version.h>

namespace securestore::detail {

/// Key material: a byte vector that is scrubbed when freed.
using key_bytes = Botan::secure_vector<std::uint8_t>;
/// A master key shared by the stores' caches; scrubbed when the last owner lets go.
using shared_key = std::shared_ptr<const key_bytes>;

/// Fresh random bytes from the operating system's RNG (getrandom).
[[nodiscard]] inline std::vector<std::uint8_t> random_bytes(std::size_t n) {
  thread_local Botan::System_RNG rng;
  std::vector<std::uint8_t> out(n);
  rng.randomize(out.data(), out.size());
  return out;
}

/// Fresh random key material from the operating system's RNG.
[[nodiscard]] inline key_bytes random_key(std::size_t n) {
  thread_local Botan::System_RNG rng;
  return rng.random_vec(n);
}

/// Lower-case hex of `bytes`.
[[nodiscard]] inline std::string hex(const std::uint8_t* bytes, std::size_t n) {
  return Botan::hex_encode(bytes, n, false);
}

/// Which way a cipher mode works.
enum class cipher_direction { seal, open };

#if BOTAN_VERSION_MAJOR >= 3
inline constexpr Botan::Cipher_Dir botan_direction(cipher_direction d) noexcept {
  return d == cipher_direction::seal ? Botan::Cipher_Dir::Encryption : Botan::Cipher_Dir::Decryption;
}
#else
inline constexpr Botan::Cipher_Dir botan_direction(cipher_direction d) noexcept {
  return d == cipher_direction::seal ? Botan::ENCRYPTION : Botan::DECRYPTION;
}
#endif

/// Botan's AEAD mode `botan_name` ("AES-256/GCM") for `direction`; throws as Botan does.
[[nodiscard]] inline std::unique_ptr<Botan::AEAD_Mode> make_aead(const char* botan_name, cipher_direction direction) {
  return Botan::AEAD_Mode::create_or_throw(botan_name, botan_direction(direction));
}

/// Botan's cipher mode `botan_name` ("AES-128/CBC/PKCS7") for `direction`; throws as Botan does.
[[nodiscard]] inline std::unique_ptr<Botan::Cipher_Mode> make_cipher(const char* botan_name,
                                                                     cipher_direction direction) {
  return Botan::Cipher_Mode::create_or_throw(botan_name, botan_direction(direction));
}

/// `n` big-endian bytes of `value` (zero-padded on the left): a DH value on the wire.
[[nodiscard]] inline key_bytes big_endian_bytes(const Botan::BigInt& value, std::size_t n) {
#if BOTAN_VERSION_MAJOR >= 3
  return value.serialize<key_bytes>(n);
#else
  return Botan::BigInt::encode_1363(value, n);
#endif
}

/// HKDF-SHA-256: `n` bytes from `secret`, `salt` and `label`. The KDF object is const and builds
/// its HMACs per call, so one shared instance is thread-safe.
[[nodiscard]] inline key_bytes hkdf_sha256(std::size_t n, std::span<const std::uint8_t> secret,
                                           std::span<const std::uint8_t> salt, std::span<const std::uint8_t> label) {
  static const std::unique_ptr<Botan::KDF> hkdf = Botan::KDF::create_or_throw("HKDF(SHA-256)");
#if BOTAN_VERSION_MAJOR >= 3
  return hkdf->derive_key(n, secret, salt, label);
#else
  return hkdf->derive_key(n, secret.data(), secret.size(), salt.data(), salt.size(), label.data(), label.size());
#endif
}

/// Overwrites `n` bytes at `p` with zeros in a way the compiler cannot drop.
inline void scrub(void* p, std::size_t n) noexcept { Botan::secure_scrub_memory(p, n); }

}  // namespace securestore::detail

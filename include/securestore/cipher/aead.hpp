// cipher/aead.hpp: the Botan AEAD cipher policies, AES-256/GCM (the default) and
// ChaCha20Poly1305 (for machines without AES instructions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <string_view>
#include <vector>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/crypto.hpp>
#include <securestore/error.hpp>
#include <securestore/secret.hpp>

namespace securestore {

namespace detail {

/// A Botan AEAD mode, named twice: as Botan knows it and as envelopes record it.
template <const char* BotanName, const char* EnvelopeName, std::size_t NonceBytes>
class botan_aead {
 public:
  static constexpr std::string_view name = EnvelopeName;
  static constexpr std::size_t key_bytes = 32;
  static constexpr std::size_t nonce_bytes = NonceBytes;
  static constexpr std::size_t tag_bytes = 16;

  /// Encrypts and authenticates: returns ciphertext || 16-byte tag.
  [[nodiscard]] result<std::vector<std::uint8_t>> seal(std::span<const std::uint8_t> key,
                                                       std::span<const std::uint8_t> nonce,
                                                       std::span<const std::uint8_t> aad,
                                                       std::string_view plaintext) const {
    try {
      auto& mode = mode_for(cipher_direction::seal);
      mode.set_key(key.data(), key.size());
      mode.set_associated_data(aad.data(), aad.size());
      mode.start(nonce.data(), nonce.size());
      Botan::secure_vector<std::uint8_t> buffer(plaintext.begin(), plaintext.end());
      mode.finish(buffer);
      return std::vector<std::uint8_t>(buffer.begin(), buffer.end());
    } catch (const std::exception& e) {
      return error{errc::invalid_argument, detail::concat(name, ": encryption failed (", e.what(), ")"),
                   "this is a bug in the caller's key or nonce size"};
    }
  }

  /// Authenticates then decrypts ciphertext || tag; any mismatch is errc::corrupt.
  [[nodiscard]] result<secret> open(std::span<const std::uint8_t> key, std::span<const std::uint8_t> nonce,
                                    std::span<const std::uint8_t> aad, std::span<const std::uint8_t> sealed) const {
    if (nonce.size() != nonce_bytes || sealed.size() < tag_bytes || key.size() != key_bytes) {
      return error{errc::corrupt, detail::concat(name, ": wrong nonce, tag or key length"),
                   "delete the entry and store it again"};
    }
    try {
      auto& mode = mode_for(cipher_direction::open);
      mode.set_key(key.data(), key.size());
      mode.set_associated_data(aad.data(), aad.size());
      mode.start(nonce.data(), nonce.size());
      Botan::secure_vector<std::uint8_t> buffer(sealed.begin(), sealed.end());
      mode.finish(buffer);
      return secret{std::move(buffer)};
    } catch (const std::exception&) {
      // Botan::Invalid_Authentication_Tag, or a malformed input: either way nothing is returned.
      return error{errc::corrupt,
                   detail::concat(name, ": authentication failed (tampered, truncated, or copied from another key)"),
                   "delete the entry and store it again"};
    }
  }

 private:
  // One mode object per thread and direction, re-keyed on every call (set_key resets all message
  // state, even after a failed tag check). Creating a Botan AEAD by name (name parsing, provider
  // lookup, fresh key-schedule buffers) was a third of a warm file get's instructions. The last
  // entry key stays in the object until the next call, as keys do in key_source's cache.
  static Botan::AEAD_Mode& mode_for(cipher_direction direction) {
    thread_local const auto seal = make_aead(BotanName, cipher_direction::seal);
    thread_local const auto open = make_aead(BotanName, cipher_direction::open);
    return direction == cipher_direction::seal ? *seal : *open;
  }
};

inline constexpr char botan_aes_gcm[] = "AES-256/GCM";
inline constexpr char envelope_aes_gcm[] = "aes-256-gcm";
inline constexpr char botan_chacha[] = "ChaCha20Poly1305";
inline constexpr char envelope_chacha[] = "chacha20-poly1305";

}  // namespace detail

/// AES-256 in GCM mode with a 96-bit nonce and a 128-bit tag (NIST SP 800-38D). The default.
/// Meets cipher_policy; stateless and thread-safe.
using aes_gcm_cipher = detail::botan_aead<detail::botan_aes_gcm, detail::envelope_aes_gcm, 12>;

/// ChaCha20-Poly1305 (RFC 8439), 96-bit nonce, 128-bit tag: fast without AES instructions.
/// Meets cipher_policy; stateless and thread-safe.
using chacha20_poly1305_cipher = detail::botan_aead<detail::botan_chacha, detail::envelope_chacha, 12>;

static_assert(cipher_policy<aes_gcm_cipher>);
static_assert(cipher_policy<chacha20_poly1305_cipher>);

}  // namespace securestore

// detail/migrate/reference_crypto.hpp: the primitives the reference implementation's (llxprt-code's)
// files share: its scrypt key derivation, its machine id, AES-256-GCM opening, and the message
// for a file that was made on another machine or account. Pure functions: no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <securestore/detail/concat.hpp>
#include <securestore/detail/crypto.hpp>
#include <securestore/error.hpp>
#include <securestore/migrate/reference_identity.hpp>
#include <securestore/secret.hpp>

namespace securestore::detail {

// scrypt costs of every reference file: §2.12 (v1/v2, written into the envelope too) and Node's
// scryptSync defaults (the legacy tool key), which are the same numbers.
inline constexpr std::size_t reference_scrypt_n = 16384;
inline constexpr std::size_t reference_scrypt_r = 8;
inline constexpr std::size_t reference_scrypt_p = 1;
inline constexpr std::size_t reference_key_bytes = 32;
inline constexpr std::size_t reference_tag_bytes = 16;  // Node's default GCM tag

/// What every reference file seals: an AES-256-GCM IV, tag and ciphertext (no associated data).
struct reference_sealed {
  std::vector<std::uint8_t> iv;          ///< 12 bytes in envelopes, 16 in legacy .key files
  std::vector<std::uint8_t> tag;         ///< 16 bytes
  std::vector<std::uint8_t> ciphertext;  ///< as long as the UTF-8 value
};

/// errc::corrupt for a reference file of `kind` that is not in its writer's shape: names the
/// file and what is wrong, then what the user can do.
[[nodiscard]] inline error reference_malformed(std::string_view where, std::string_view kind, std::string_view what,
                                               std::string_view remedy) {
  return error{errc::corrupt, concat(where, ": not a readable llxprt-code ", kind, ": ", what), remedy};
}

/// The reference's 32-byte key: scrypt(password, salt, N=16384, r=8, p=1).
[[nodiscard]] inline key_bytes reference_scrypt(std::string_view password, std::span<const std::uint8_t> salt) {
  const auto hash = Botan::PasswordHashFamily::create_or_throw("Scrypt")->from_params(
      reference_scrypt_n, reference_scrypt_r, reference_scrypt_p);
  key_bytes key(reference_key_bytes);
  hash->derive_key(key.data(), key.size(), password.data(), password.size(), salt.data(), salt.size());
  return key;
}

/// machineId of §2.12: lower-case hex SHA-256 of hostname + username (no separator).
[[nodiscard]] inline std::string reference_machine_id(const reference_identity& who) {
  const auto sha = Botan::HashFunction::create_or_throw("SHA-256");
  sha->update(who.hostname);
  sha->update(who.username);
  const auto digest = sha->final();
  return hex(digest.data(), digest.size());
}

/// The message of a file whose tag did not verify under the key of `who`. Names the host and
/// user tried (not secret), never a key or a value.
[[nodiscard]] inline error reference_wrong_identity(std::string_view where, const reference_identity& who,
                                                    std::string_view also = {}) {
  return error{errc::corrupt,
               concat(where, ": authentication failed with the key for host '", who.hostname, "' and user '",
                      who.username, "'", also,
                      ": the file was probably made on another machine or account (or it was altered)"),
               "import it on the machine and account that wrote it, or pass that host and user name"};
}

/// AES-256-GCM decryption of `sealed` with `key` (no associated data, as the reference wrote).
/// errc::corrupt from `on_failure` when the tag does not verify.
[[nodiscard]] inline result<secret> reference_gcm_open(const key_bytes& key, const reference_sealed& sealed,
                                                       const error& on_failure) {
  try {
    const auto mode = make_aead("AES-256/GCM", cipher_direction::open);
    mode->set_key(key);
    mode->start(sealed.iv.data(), sealed.iv.size());
    Botan::secure_vector<std::uint8_t> buffer(sealed.ciphertext.begin(), sealed.ciphertext.end());
    buffer.insert(buffer.end(), sealed.tag.begin(), sealed.tag.end());
    mode->finish(buffer);
    return secret{std::move(buffer)};
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception&) {
    return on_failure;
  }
}

}  // namespace securestore::detail

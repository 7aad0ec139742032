// detail/format/kdf.hpp: where an entry's key comes from (a random root secret, or a passphrase
// through scrypt or Argon2id), the safe bounds on stored KDF costs, and the per-entry HKDF.
// ON-DISK FORMAT: files written by every released version depend on this; never change it.
// Add a new version beside it instead, and keep reading the old one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <securestore/detail/concat.hpp>
#include <securestore/detail/crypto.hpp>
#include <securestore/error.hpp>
#include <securestore/secret.hpp>
#include <securestore/store_options.hpp>

namespace securestore::detail {

inline constexpr std::size_t master_key_bytes = 32;
inline constexpr std::size_t kdf_salt_bytes = 16;

/// The entry was sealed under the user's random root secret; `kid` names which one.
struct root_kdf {
  std::string kid;  ///< 16 lower-case hex digits identifying the root secret (not secret)
  friend bool operator==(const root_kdf&, const root_kdf&) = default;
};

/// scrypt (RFC 7914) over a passphrase. Defaults: N = 2^15, r = 8, p = 1 (32 MiB).
struct scrypt_kdf {
  std::size_t n = std::size_t{1} << 15U;
  std::size_t r = 8;
  std::size_t p = 1;
  std::vector<std::uint8_t> salt;
  friend bool operator==(const scrypt_kdf&, const scrypt_kdf&) = default;
};

/// Argon2id (RFC 9106) over a passphrase. Defaults: 64 MiB, 3 passes, 1 lane (RFC 9106 §4).
struct argon2id_kdf {
  std::size_t memory_kib = 64 * 1024;
  std::size_t iterations = 3;
  std::size_t parallelism = 1;
  std::vector<std::uint8_t> salt;
  friend bool operator==(const argon2id_kdf&, const argon2id_kdf&) = default;
};

using kdf_params = std::variant<root_kdf, scrypt_kdf, argon2id_kdf>;

// Bounds on costs read from a file: generous for real use, but a planted file cannot make a
// read take minutes or gigabytes. Memory: scrypt needs 128 * N * r bytes; Argon2id m KiB.
inline constexpr std::size_t max_kdf_memory_bytes = std::size_t{256} << 20U;
inline constexpr std::size_t max_scrypt_n = std::size_t{1} << 20U;
inline constexpr std::size_t max_scrypt_r = 32;
inline constexpr std::size_t max_scrypt_p = 16;
inline constexpr std::size_t min_scrypt_n = std::size_t{1} << 10U;
inline constexpr std::size_t min_argon2_memory_kib = 8 * 1024;
inline constexpr std::size_t max_argon2_iterations = 10;
inline constexpr std::size_t max_argon2_parallelism = 8;
// Work, not just memory: scrypt's time grows with N*r*p, Argon2id's (one thread here) with m*t.
// The bounds are 16x and 8x the defaults: a few seconds at most on a slow machine.
inline constexpr std::size_t max_scrypt_work = std::size_t{1} << 22U;      // N*r*p; default 2^18
inline constexpr std::size_t max_argon2_work_kib = std::size_t{3} << 19U;  // m*t in KiB; default 3*2^16

/// errc::corrupt unless the stored costs are within the bounds above; `where` names the file.
[[nodiscard]] inline result<void> check_kdf_bounds(const kdf_params& kdf, std::string_view where = "envelope") {
  auto out_of_bounds = [where](std::string_view what) {
    return error{errc::corrupt,
                 concat(where, ": ", what, " is outside the accepted bounds (a tampered or foreign file)"),
                 "delete the entry and store it again"};
  };
  if (const auto* s = std::get_if<scrypt_kdf>(&kdf)) {
    const bool power_of_two = s->n != 0 && (s->n & (s->n - 1)) == 0;
    if (!power_of_two || s->n < min_scrypt_n || s->n > max_scrypt_n) return out_of_bounds("scrypt N");
    if (s->r < 1 || s->r > max_scrypt_r) return out_of_bounds("scrypt r");
    if (s->p < 1 || s->p > max_scrypt_p) return out_of_bounds("scrypt p");
    if (128 * s->n * s->r > max_kdf_memory_bytes) return out_of_bounds("scrypt memory (128*N*r)");
    if (s->n * s->r * s->p > max_scrypt_work) return out_of_bounds("scrypt work (N*r*p)");
    if (s->salt.size() != kdf_salt_bytes) return out_of_bounds("the scrypt salt length");
  } else if (const auto* a = std::get_if<argon2id_kdf>(&kdf)) {
    // Divide, not multiply: memory_kib comes from the file, and m * 1024 wraps for m >= 2^54.
    if (a->memory_kib < min_argon2_memory_kib || a->memory_kib > max_kdf_memory_bytes / 1024) {
      return out_of_bounds("argon2id memory");
    }
    if (a->iterations < 1 || a->iterations > max_argon2_iterations) return out_of_bounds("argon2id iterations");
    if (a->memory_kib * a->iterations > max_argon2_work_kib) return out_of_bounds("argon2id work (m*t)");
    if (a->parallelism < 1 || a->parallelism > max_argon2_parallelism) return out_of_bounds("argon2id lanes");
    if (a->salt.size() != kdf_salt_bytes) return out_of_bounds("the argon2id salt length");
  } else if (std::get<root_kdf>(kdf).kid.size() != 16) {
    return out_of_bounds("the root key id");
  }
  return success();
}

/// Runs the passphrase KDF (expensive by design: call once per store and parameter set).
[[nodiscard]] inline result<Botan::secure_vector<std::uint8_t>> derive_from_passphrase(const kdf_params& kdf,
                                                                                       const secret& passphrase) {
  if (auto bounded = check_kdf_bounds(kdf); !bounded) return bounded.error();
  try {
    std::unique_ptr<Botan::PasswordHash> hash;
    const std::vector<std::uint8_t>* salt = nullptr;
    if (const auto* s = std::get_if<scrypt_kdf>(&kdf)) {
      hash = Botan::PasswordHashFamily::create_or_throw("Scrypt")->from_params(s->n, s->r, s->p);
      salt = &s->salt;
    } else if (const auto* a = std::get_if<argon2id_kdf>(&kdf)) {
      hash = Botan::PasswordHashFamily::create_or_throw("Argon2id")
                 ->from_params(a->memory_kib, a->iterations, a->parallelism);
      salt = &a->salt;
    } else {
      return error{errc::invalid_argument, "kdf: a root-secret entry has no passphrase KDF (a bug in the caller)",
                   "derive a root-secret entry's key from the root secret, not a passphrase"};
    }
    Botan::secure_vector<std::uint8_t> key(master_key_bytes);
    const auto pw = passphrase.reveal();
    hash->derive_key(key.data(), key.size(), pw.data(), pw.size(), salt->data(), salt->size());
    return key;
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return error{errc::unavailable, concat("kdf: the passphrase KDF failed (", e.what(), ")"), "retry"};
  }
}

/// The key of one entry: HKDF-SHA-256(master, salt = the entry's random salt, info = label).
/// A fresh salt per write means a fresh key per write, so random 96-bit nonces never repeat
/// under one key.
[[nodiscard]] inline Botan::secure_vector<std::uint8_t> derive_entry_key(
    const Botan::secure_vector<std::uint8_t>& master, std::span<const std::uint8_t> salt,
    std::span<const std::uint8_t> label) {
  return hkdf_sha256(master_key_bytes, master, salt, label);
}

}  // namespace securestore::detail

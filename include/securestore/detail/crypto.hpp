// detail/crypto.hpp: the core's one door to Botan (besides secret.hpp's zeroizing buffer): the
// Botan headers the core uses, key bytes that scrub themselves, and the operating system's RNG.
// A port to another crypto library starts here and in cipher/aead.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <botan/aead.h>
#include <botan/base64.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/kdf.h>
#include <botan/mem_ops.h>
#include <botan/pwdhash.h>
#include <botan/secmem.h>
#include <botan/system_rng.h>

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

/// Overwrites `n` bytes at `p` with zeros in a way the compiler cannot drop.
inline void scrub(void* p, std::size_t n) noexcept { Botan::secure_scrub_memory(p, n); }

}  // namespace securestore::detail

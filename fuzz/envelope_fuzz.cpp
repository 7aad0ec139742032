// fuzz/envelope_fuzz.cpp: decode_envelope on arbitrary bytes: only errc::corrupt or an envelope
// whose KDF costs are within bounds, and which re-encodes to bytes that decode to the same envelope.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <securestore/detail/format/envelope.hpp>

namespace {

using namespace securestore;
using namespace securestore::detail;

constexpr std::size_t nonce_bytes = 12;
constexpr std::size_t tag_bytes = 16;

bool same(const envelope& a, const envelope& b) {
  return a.key == b.key && a.aead == b.aead && a.kdf == b.kdf && a.salt == b.salt && a.nonce == b.nonce &&
         a.sealed == b.sealed;
}

// The bounds decode_envelope promises, restated independently of check_kdf_bounds.
bool within_bounds(const kdf_params& kdf) {
  if (const auto* s = std::get_if<scrypt_kdf>(&kdf)) {
    return s->n >= detail::min_scrypt_n && s->n <= detail::max_scrypt_n && s->r >= 1 && s->r <= detail::max_scrypt_r &&
           s->p >= 1 && s->p <= detail::max_scrypt_p && s->n * s->r <= detail::max_kdf_memory_bytes / 128;
  }
  if (const auto* a = std::get_if<argon2id_kdf>(&kdf)) {
    return a->memory_kib >= detail::min_argon2_memory_kib && a->memory_kib <= detail::max_kdf_memory_bytes / 1024 &&
           a->iterations >= 1 && a->iterations <= detail::max_argon2_iterations && a->parallelism >= 1 &&
           a->parallelism <= detail::max_argon2_parallelism;
  }
  return std::get<root_kdf>(kdf).kid.size() == 16;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input{reinterpret_cast<const char*>(data), size};
  auto decoded = decode_envelope(input, "fuzz", nonce_bytes, tag_bytes);
  if (!decoded) {
    if (decoded.error().code() != errc::corrupt) std::abort();
    return 0;
  }
  const auto& e = decoded.value();
  if (e.nonce.size() != nonce_bytes || e.sealed.size() < tag_bytes || e.salt.size() != kdf_salt_bytes) std::abort();
  if (!within_bounds(e.kdf)) std::abort();

  const auto encoded = encode_envelope(e);
  auto again = decode_envelope(encoded, "fuzz", nonce_bytes, tag_bytes);
  if (!again || !same(e, again.value())) std::abort();
  if (encode_envelope(again.value()) != encoded) std::abort();  // the encoding is canonical
  return 0;
}

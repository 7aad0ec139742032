// detail/format/envelope.hpp: the versioned JSON envelope of one file entry, its strict reader,
// and the associated data that binds a ciphertext to its version, cipher, service and key.
// ON-DISK FORMAT: files written by every released version depend on this; never change it.
// Add a new version beside it instead, and keep reading the old one.
#pragma once

#include <algorithm>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <securestore/detail/concat.hpp>
#include <securestore/detail/crypto.hpp>
#include <securestore/detail/format/kdf.hpp>
#include <securestore/error.hpp>

namespace securestore::detail {

/// Version 1: every file entry of a local keyring's store. Version 2 (a store over a shared
/// keyring, concepts.hpp's write rule) adds "base": the keyring revision the value was based on.
inline constexpr int envelope_version = 1;
inline constexpr int envelope_version_with_base = 2;
/// Largest value a file entry holds (the keyring backends hold far less).
inline constexpr std::size_t max_file_value_bytes = 1024 * 1024;

/// One sealed entry, as stored in `<fallback_dir>/<escaped key>.enc`:
/// {"v":1,"key":"<base64 of the name>","aead":"aes-256-gcm","kdf":{"name":"root","kid":"..."},
///  "salt":"<base64 16 B>","nonce":"<base64>","ct":"<base64 ciphertext || tag>"}
/// The key name is stored (base64: a name is any bytes, JSON text is UTF-8) so that list() can
/// name entries whose file name is a hash; it is
/// also bound into the associated data, so a file copied onto another key's name fails.
struct envelope {
  std::string key;
  std::string aead;
  kdf_params kdf;
  std::vector<std::uint8_t> salt;    ///< HKDF salt of this entry's key (kdf_salt_bytes)
  std::vector<std::uint8_t> nonce;   ///< the AEAD nonce (the cipher's nonce_bytes)
  std::vector<std::uint8_t> sealed;  ///< ciphertext || tag
  /// Version 2 only: the shared keyring's revision this value was based on (no_entry: none).
  std::optional<std::uint64_t> base;
};

/// Associated data: "securestore" NUL, version, then length-prefixed aead, service and key, so
/// no two (aead, service, key) triples share one encoding; version 2 then adds the base revision
/// (8 bytes, big-endian), so a base edited in the file fails authentication.
[[nodiscard]] inline std::vector<std::uint8_t> envelope_aad(std::string_view aead, std::string_view service,
                                                            std::string_view key,
                                                            std::optional<std::uint64_t> base = std::nullopt) {
  const int version = base ? envelope_version_with_base : envelope_version;
  std::vector<std::uint8_t> aad{
      's', 'e', 'c', 'u', 'r', 'e', 's', 't', 'o', 'r', 'e', 0, static_cast<std::uint8_t>(version)};
  for (const auto part : {aead, service, key}) {
    const auto n = static_cast<std::uint32_t>(part.size());
    for (int shift = 24; shift >= 0; shift -= 8) aad.push_back(static_cast<std::uint8_t>(n >> shift));
    aad.insert(aad.end(), part.begin(), part.end());
  }
  if (base) {
    for (int shift = 56; shift >= 0; shift -= 8) aad.push_back(static_cast<std::uint8_t>(*base >> shift));
  }
  return aad;
}

/// A KDF record as the JSON object envelopes (and the passphrase record) carry.
[[nodiscard]] inline nlohmann::json kdf_to_json(const kdf_params& params) {
  auto b64 = [](const std::vector<std::uint8_t>& bytes) { return Botan::base64_encode(bytes); };
  if (const auto* root = std::get_if<root_kdf>(&params)) return {{"name", "root"}, {"kid", root->kid}};
  if (const auto* s = std::get_if<scrypt_kdf>(&params)) {
    return {{"name", "scrypt"}, {"n", s->n}, {"r", s->r}, {"p", s->p}, {"salt", b64(s->salt)}};
  }
  const auto& a = std::get<argon2id_kdf>(params);
  return {{"name", "argon2id"}, {"m", a.memory_kib}, {"t", a.iterations}, {"p", a.parallelism}, {"salt", b64(a.salt)}};
}

/// The envelope as compact JSON.
[[nodiscard]] inline std::string encode_envelope(const envelope& e) {
  auto b64 = [](const std::vector<std::uint8_t>& bytes) { return Botan::base64_encode(bytes); };
  nlohmann::json doc = {
      {"v", e.base ? envelope_version_with_base : envelope_version},
      {"key", Botan::base64_encode(reinterpret_cast<const std::uint8_t*>(e.key.data()), e.key.size())},
      {"aead", e.aead},
      {"kdf", kdf_to_json(e.kdf)},
      {"salt", b64(e.salt)},
      {"nonce", b64(e.nonce)},
      {"ct", b64(e.sealed)}};
  if (e.base) doc["base"] = *e.base;
  return doc.dump();
}

class envelope_reader {
 public:
  explicit envelope_reader(std::string_view where) : where_{where} {}

  [[nodiscard]] error corrupt(std::string_view what) const {
    return error{errc::corrupt, concat(where_, ": ", what), "delete the entry and store it again"};
  }

  // Each getter throws `error` on a mismatch; decode() catches it once.
  const nlohmann::json& member(const nlohmann::json& obj, const char* name) const {
    const auto it = obj.find(name);
    if (it == obj.end()) throw corrupt(concat("the field \"", name, "\" is missing"));
    return *it;
  }
  const std::string& text_ref(const nlohmann::json& obj, const char* name, std::size_t max_len) const {
    const auto& v = member(obj, name);
    if (!v.is_string() || v.get_ref<const std::string&>().size() > max_len) {
      throw corrupt(concat("the field \"", name, "\" is not a string of at most ", max_len, " bytes"));
    }
    return v.get_ref<const std::string&>();
  }
  std::string text(const nlohmann::json& obj, const char* name, std::size_t max_len) const {
    return text_ref(obj, name, max_len);
  }
  // Unknown fields are refused: a newer format says so with a new version instead.
  void only(const nlohmann::json& obj, std::initializer_list<std::string_view> known) const {
    for (const auto& [name, value] : obj.items()) {
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        throw corrupt(concat("the field \"", name, "\" is unknown"));
      }
    }
  }
  kdf_params kdf(const nlohmann::json& kdf) const {
    if (!kdf.is_object()) throw corrupt("the field \"kdf\" is not an object");
    const auto kdf_name = text(kdf, "name", 32);
    if (kdf_name == "root") {
      only(kdf, {"name", "kid"});
      return root_kdf{text(kdf, "kid", 16)};
    }
    if (kdf_name == "scrypt") {
      only(kdf, {"name", "n", "r", "p", "salt"});
      return scrypt_kdf{number(kdf, "n"), number(kdf, "r"), number(kdf, "p"),
                        bytes(kdf, "salt", kdf_salt_bytes, kdf_salt_bytes)};
    }
    if (kdf_name == "argon2id") {
      only(kdf, {"name", "m", "t", "p", "salt"});
      return argon2id_kdf{number(kdf, "m"), number(kdf, "t"), number(kdf, "p"),
                          bytes(kdf, "salt", kdf_salt_bytes, kdf_salt_bytes)};
    }
    throw corrupt(concat("the key derivation \"", kdf_name, "\" is unknown"));
  }
  std::size_t number(const nlohmann::json& obj, const char* name) const {
    const auto& v = member(obj, name);
    if (!v.is_number_unsigned()) throw corrupt(concat("the field \"", name, "\" is not a non-negative integer"));
    return v.get<std::size_t>();
  }
  std::vector<std::uint8_t> bytes(const nlohmann::json& obj, const char* name, std::size_t min_len,
                                  std::size_t max_len) const {
    // Base64 of max_len bytes is at most 4 * ceil(max_len / 3) characters: reject longer text
    // before decoding it.
    const auto& encoded = text_ref(obj, name, 4 * ((max_len + 2) / 3));
    // Decoded straight into the result: these bytes are not secret (salt, nonce, ciphertext), so
    // they need no secure_vector, whose locked-memory allocator cost more than the decoding.
    std::vector<std::uint8_t> out(Botan::base64_decode_max_output(encoded.size()));
    try {
      out.resize(Botan::base64_decode(out.data(), encoded));
    } catch (const std::exception&) {
      throw corrupt(concat("the field \"", name, "\" is not valid base64"));
    }
    if (out.size() < min_len || out.size() > max_len) {
      throw corrupt(concat("the field \"", name, "\" has ", out.size(), " bytes, expected ",
                           min_len == max_len ? concat(min_len) : concat(min_len, " to ", max_len)));
    }
    return out;
  }

 private:
  std::string_view where_;
};

/// Parses and validates an envelope: every field present with the right type and exact length
/// (nonce_bytes; tag_bytes at least), no unknown fields, version 1 or 2 (with its base), KDF costs
/// within bounds.
/// Anything else is errc::corrupt with `where` (the file) in the message. Decryption is the
/// caller's next step; this does not touch key material.
[[nodiscard]] inline result<envelope> decode_envelope(std::string_view json, std::string_view where,
                                                      std::size_t nonce_bytes, std::size_t tag_bytes) {
  const detail::envelope_reader in{where};
  try {
    const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return in.corrupt("not valid JSON (truncated or overwritten)");
    if (!doc.is_object()) return in.corrupt("not a JSON object");
    const auto& v = in.member(doc, "v");
    if (!v.is_number_integer()) return in.corrupt("the version is not an integer");
    const auto version = v.get<std::int64_t>();
    if (version != envelope_version && version != envelope_version_with_base) {
      return error{errc::corrupt,
                   detail::concat(where, ": envelope version ", v.dump(),
                                  " is not supported by this securestore (it reads versions ", envelope_version,
                                  " and ", envelope_version_with_base, ")"),
                   "upgrade securestore, or delete the entry and store it again"};
    }
    envelope e;
    if (version == envelope_version) {
      in.only(doc, {"v", "key", "aead", "kdf", "salt", "nonce", "ct"});
    } else {
      in.only(doc, {"v", "key", "aead", "kdf", "salt", "nonce", "ct", "base"});
      e.base = in.number(doc, "base");
    }
    const auto key = in.bytes(doc, "key", 1, 1024);
    e.key.assign(key.begin(), key.end());
    e.aead = in.text(doc, "aead", 64);
    e.kdf = in.kdf(in.member(doc, "kdf"));
    if (auto bounded = detail::check_kdf_bounds(e.kdf, where); !bounded) return bounded.error();
    e.salt = in.bytes(doc, "salt", kdf_salt_bytes, kdf_salt_bytes);
    e.nonce = in.bytes(doc, "nonce", nonce_bytes, nonce_bytes);
    e.sealed = in.bytes(doc, "ct", tag_bytes, max_file_value_bytes + tag_bytes);
    return e;
  } catch (const error& failure) {
    return failure;
  }
}

}  // namespace securestore::detail

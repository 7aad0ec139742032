// detail/migrate/reference_envelope.hpp: the reference implementation's (llxprt-code's) encrypted
// file, v1 and v2 (shared/reference/secure-store-behaviour.md §2.12), read but never written:
// {"v":1|2,"crypto":{"alg":"aes-256-gcm","kdf":"scrypt","N":16384,"r":8,"p":1,"saltLen":16},
//  "data":base64(salt 16 || iv 12 || tag 16 || ciphertext)}. Pure functions over bytes: no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <securestore/detail/concat.hpp>
#include <securestore/detail/crypto.hpp>
#include <securestore/detail/migrate/reference_crypto.hpp>
#include <securestore/error.hpp>
#include <securestore/migrate/reference_identity.hpp>
#include <securestore/secret.hpp>

namespace securestore::detail {

inline constexpr std::size_t reference_salt_bytes = 16;
inline constexpr std::size_t reference_iv_bytes = 12;
inline constexpr std::size_t reference_machine_secret_bytes = 32;
/// The reference wrote whole API keys and tokens; a file past this is not one of its files.
inline constexpr std::size_t max_reference_file_bytes = 256 * 1024;

/// One parsed reference envelope (not yet decrypted).
struct reference_envelope {
  int version = 1;                       ///< 1: key from host and user; 2: also the machine secret
  std::vector<std::uint8_t> salt;  ///< scrypt salt (16 bytes)
  reference_sealed sealed;         ///< a 12-byte IV, the tag and the ciphertext
};

/// Parses a reference envelope, checking what its writer always wrote: a JSON object, "v" 1 or
/// 2, "crypto" exactly aes-256-gcm / scrypt / N=16384 / r=8 / p=1 / saltLen=16 (its HEAD reader
/// demands the same; no file can make us run another scrypt), "data" base64 of at least 44 bytes.
/// errc::corrupt naming `where` and what is wrong otherwise. Touches no key material.
[[nodiscard]] inline result<reference_envelope> parse_reference_envelope(std::string_view text,
                                                                         std::string_view where) {
  auto malformed = [where](std::string_view what) {
    return reference_malformed(where, "envelope", what, "restore the file from a backup, or store that key again by hand");
  };
  if (text.size() > max_reference_file_bytes) return malformed("the file is too large");
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return malformed("it is not valid JSON (truncated or overwritten)");
  if (!doc.is_object()) return malformed("its JSON is not an object");
  const auto v = doc.find("v");
  if (v == doc.end() || !v->is_number_integer() || (v->get<std::int64_t>() != 1 && v->get<std::int64_t>() != 2)) {
    return malformed("\"v\" is not 1 or 2 (a version this importer does not know)");
  }
  const auto crypto = doc.find("crypto");
  if (crypto == doc.end() || !crypto->is_object()) return malformed("\"crypto\" is missing or not an object");
  auto text_is = [&](const char* name, std::string_view want) {
    const auto it = crypto->find(name);
    return it != crypto->end() && it->is_string() && it->get_ref<const std::string&>() == want;
  };
  auto number_is = [&](const char* name, std::size_t want) {
    const auto it = crypto->find(name);
    return it != crypto->end() && it->is_number_unsigned() && it->get<std::uint64_t>() == want;
  };
  if (!text_is("alg", "aes-256-gcm") || !text_is("kdf", "scrypt")) {
    return malformed("\"crypto\" does not name aes-256-gcm and scrypt");
  }
  if (!number_is("N", reference_scrypt_n) || !number_is("r", reference_scrypt_r) ||
      !number_is("p", reference_scrypt_p) || !number_is("saltLen", reference_salt_bytes)) {
    return malformed("\"crypto\" has scrypt costs other than N=16384, r=8, p=1, saltLen=16");
  }
  const auto data = doc.find("data");
  if (data == doc.end() || !data->is_string()) return malformed("\"data\" is missing or not a string");
  const auto& encoded = data->get_ref<const std::string&>();
  std::vector<std::uint8_t> bytes(Botan::base64_decode_max_output(encoded.size()));
  try {
    bytes.resize(Botan::base64_decode(bytes.data(), encoded));
  } catch (const std::exception&) {
    return malformed("\"data\" is not valid base64");
  }
  constexpr auto header = reference_salt_bytes + reference_iv_bytes + reference_tag_bytes;
  if (bytes.size() < header) {
    return malformed(concat("\"data\" holds ", bytes.size(), " bytes, fewer than the ", header,
                            " of salt, IV and tag (truncated)"));
  }
  const auto at = [&bytes](std::size_t from, std::size_t to) {
    return std::vector<std::uint8_t>(bytes.begin() + static_cast<std::ptrdiff_t>(from),
                                     bytes.begin() + static_cast<std::ptrdiff_t>(to));
  };
  return reference_envelope{static_cast<int>(v->get<std::int64_t>()), at(0, 16),
                            {at(16, 28), at(28, 44), at(44, bytes.size())}};
}

/// The machine secret as the reference stored it (keyring entry or `<dataDir>/machine_secret`):
/// base64 of 32 random bytes; surrounding whitespace is ignored. errc::corrupt otherwise.
[[nodiscard]] inline result<key_bytes> decode_reference_machine_secret(std::string_view stored,
                                                                       std::string_view where) {
  constexpr std::string_view space = " \t\r\n";
  const auto first = stored.find_first_not_of(space);
  stored = first == std::string_view::npos ? std::string_view{} : stored.substr(first);
  stored = stored.substr(0, stored.find_last_not_of(space) + 1);
  key_bytes out(Botan::base64_decode_max_output(stored.size()));
  try {
    out.resize(Botan::base64_decode(out.data(), stored.data(), stored.size()));
  } catch (const std::exception&) {
    out.clear();
  }
  if (out.size() != reference_machine_secret_bytes) {
    return error{errc::corrupt, concat(where, ": not an llxprt-code machine secret (base64 of 32 bytes)"),
                 "pass the machine secret from the keyring (service llxprt-code-machine-secret, account default)"};
  }
  return out;
}

/// The scrypt password of an envelope of `version` (§2.12): v1 `service-machineId`, v2
/// `hex(machineSecret)|service|machineId`. Secret: kept in a scrubbed buffer.
[[nodiscard]] inline key_bytes reference_envelope_password(int version, std::string_view service,
                                                           const reference_identity& who,
                                                           const key_bytes* machine_secret) {
  const auto id = reference_machine_id(who);
  key_bytes password;
  auto append = [&password](std::string_view s) { password.insert(password.end(), s.begin(), s.end()); };
  if (version == 2 && machine_secret != nullptr) {
    // Botan's hex_encode writes into a buffer we scrub, rather than a std::string we cannot.
    key_bytes hex_secret(machine_secret->size() * 2);
    Botan::hex_encode(reinterpret_cast<char*>(hex_secret.data()), machine_secret->data(), machine_secret->size(),
                      false);
    password.insert(password.end(), hex_secret.begin(), hex_secret.end());
    append("|");
    append(service);
    append("|");
    append(id);
  } else {
    append(service);
    append("-");
    append(id);
  }
  return password;
}

/// Decrypts a parsed envelope with an already derived key (what the fuzzer calls: no scrypt).
[[nodiscard]] inline result<secret> open_reference_envelope_with_key(const reference_envelope& e,
                                                                     const key_bytes& key, const error& on_failure) {
  return reference_gcm_open(key, e.sealed, on_failure);
}

/// Reads a reference envelope written for `service` by `who`. A v2 file needs the machine
/// secret (decoded, 32 bytes): without one it is errc::corrupt saying where to find it.
/// errc::corrupt when the text is malformed, or when the tag does not verify: then the message
/// says the file was probably made on another machine or account, and for which host and user
/// it was tried. The value is returned as written (UTF-8, not trimmed).
[[nodiscard]] inline result<secret> read_reference_envelope(std::string_view text, std::string_view service,
                                                            const reference_identity& who,
                                                            const key_bytes* machine_secret,
                                                            std::string_view where) {
  auto parsed = parse_reference_envelope(text, where);
  if (!parsed) return parsed.error();
  const auto& e = parsed.value();
  if (e.version == 2 && machine_secret == nullptr) {
    return error{errc::corrupt,
                 concat(where, ": a v2 llxprt-code file needs its machine secret, and none was found"),
                 "pass the machine secret (keyring service llxprt-code-machine-secret, account default, "
                 "or the file <dataDir>/machine_secret)"};
  }
  const auto password = reference_envelope_password(e.version, service, who, machine_secret);
  const auto key = reference_scrypt({reinterpret_cast<const char*>(password.data()), password.size()}, e.salt);
  return open_reference_envelope_with_key(
      e, key,
      reference_wrong_identity(where, who, e.version == 2 ? concat(", the machine secret and service '", service, "'")
                                                          : concat(" and service '", service, "'")));
}

}  // namespace securestore::detail

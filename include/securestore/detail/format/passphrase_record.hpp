// detail/format/passphrase_record.hpp: the record that pins a passphrase store's KDF parameters
// and salt, with a check value that tells a mistyped passphrase from a damaged entry.
// ON-DISK FORMAT: files written by every released version depend on this; never change it.
// Add a new version beside it instead, and keep reading the old one.
#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include <securestore/detail/crypto.hpp>
#include <securestore/detail/format/envelope.hpp>
#include <securestore/detail/format/kdf.hpp>
#include <securestore/error.hpp>

namespace securestore::detail {

inline constexpr std::string_view passphrase_record_name = ".passphrase";
/// The record's own format version: independent of the envelope's, so a new envelope version
/// never makes existing records unreadable.
inline constexpr int passphrase_record_version = 1;
inline constexpr std::size_t passphrase_check_bytes = 16;

/// {"v":1,"kdf":{...},"check":"<base64>"}, in a store's directory (0600). One salt per store
/// means one KDF per store and process, and `check` (HKDF of the master key, not the key itself)
/// proves a passphrase right before anything is sealed with it.
struct passphrase_record {
  kdf_params kdf;
  std::vector<std::uint8_t> check;
};

/// The check value of a master key: 16 bytes of HKDF-SHA-256(master, label "passphrase check").
[[nodiscard]] inline std::vector<std::uint8_t> passphrase_check(const Botan::secure_vector<std::uint8_t>& master) {
  constexpr std::string_view label = "securestore passphrase check v1";
  const auto derived =
      derive_entry_key(master, {}, {reinterpret_cast<const std::uint8_t*>(label.data()), label.size()});
  return {derived.begin(), derived.begin() + passphrase_check_bytes};
}

[[nodiscard]] inline bool check_matches(const passphrase_record& record,
                                        const Botan::secure_vector<std::uint8_t>& master) {
  const auto check = passphrase_check(master);
  return record.check.size() == check.size() &&
         Botan::constant_time_compare(record.check.data(), check.data(), check.size());
}

[[nodiscard]] inline std::string encode_passphrase_record(const passphrase_record& record) {
  const nlohmann::json doc = {{"v", passphrase_record_version},
                              {"kdf", kdf_to_json(record.kdf)},
                              {"check", Botan::base64_encode(record.check)}};
  return doc.dump();
}

/// Parses a record strictly, as decode_envelope does an entry; anything else is errc::corrupt.
[[nodiscard]] inline result<passphrase_record> decode_passphrase_record(std::string_view json, std::string_view where) {
  const envelope_reader in{where};  // the same strict field checks as an entry
  try {
    const auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) return in.corrupt("the passphrase record is not a JSON object");
    in.only(doc, {"v", "kdf", "check"});
    const auto& v = in.member(doc, "v");
    if (!v.is_number_integer() || v.get<std::int64_t>() != passphrase_record_version) {
      return in.corrupt("the passphrase record's version is not supported");
    }
    passphrase_record record{in.kdf(in.member(doc, "kdf")),
                             in.bytes(doc, "check", passphrase_check_bytes, passphrase_check_bytes)};
    if (std::holds_alternative<root_kdf>(record.kdf))
      return in.corrupt("the passphrase record names no passphrase KDF");
    if (auto bounded = check_kdf_bounds(record.kdf, where); !bounded) return bounded.error();
    return record;
  } catch (const error& failure) {
    return failure;
  }
}

}  // namespace securestore::detail

// detail/migrate/reference_legacy_key.hpp: the reference implementation's (llxprt-code's) legacy
// tool key file `<toolsDir>/<tool>.key` (shared/reference/secure-store-behaviour.md §5), read but
// never written: hex(iv 16):hex(tag 16):hex(ciphertext), AES-256-GCM under
// scrypt(password "llxprt-cli-tool-keys", salt "<hostname>-<username>-llxprt-cli"). Pure: no I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include <securestore/detail/concat.hpp>
#include <securestore/detail/crypto.hpp>
#include <securestore/detail/migrate/reference_crypto.hpp>
#include <securestore/error.hpp>
#include <securestore/migrate/reference_identity.hpp>
#include <securestore/secret.hpp>

namespace securestore::detail {

inline constexpr std::size_t reference_legacy_iv_bytes = 16;
/// A tool API key is short; a file past this is not one the reference wrote.
inline constexpr std::size_t max_reference_legacy_bytes = 64 * 1024;

/// Parses a legacy .key file (not yet decrypted): `hex(iv):hex(tag):hex(ciphertext)` (one trailing newline tolerated): exactly three
/// fields, even-length hex digits, a 16-byte IV and a 16-byte tag. errc::corrupt naming `where`
/// and what is wrong otherwise. Touches no key material.
[[nodiscard]] inline result<reference_sealed> parse_reference_legacy_key(std::string_view text,
                                                                         std::string_view where) {
  auto malformed = [where](std::string_view what) {
    return reference_malformed(where, "tool key file", what, "save that tool key again by hand");
  };
  if (text.size() > max_reference_legacy_bytes) return malformed("the file is too large");
  if (text.ends_with('\n')) text.remove_suffix(1);
  if (text.ends_with('\r')) text.remove_suffix(1);
  std::vector<std::vector<std::uint8_t>> fields;
  static constexpr const char* names[] = {"the IV", "the tag", "the ciphertext"};
  for (std::size_t start = 0;;) {
    const auto colon = text.find(':', start);
    const auto field = text.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
    if (fields.size() == 3) return malformed("it has more than three ':'-separated fields");
    const auto* name = names[fields.size()];
    if (field.size() % 2 != 0 || field.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos) {
      return malformed(concat(name, " is not hex"));
    }
    std::vector<std::uint8_t> bytes(field.size() / 2);
    try {
      bytes.resize(Botan::hex_decode(bytes.data(), field.data(), field.size(), false));
    } catch (const std::exception&) {
      return malformed(concat(name, " is not hex"));
    }
    fields.push_back(std::move(bytes));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (fields.size() != 3) return malformed("it does not have three ':'-separated fields (iv:tag:ciphertext)");
  if (fields[0].size() != reference_legacy_iv_bytes) return malformed("the IV is not 16 bytes");
  if (fields[1].size() != reference_tag_bytes) return malformed("the tag is not 16 bytes (truncated)");
  return reference_sealed{std::move(fields[0]), std::move(fields[1]), std::move(fields[2])};
}

/// The legacy tool key of `who` (§5: scryptSync with Node's defaults, N=16384, r=8, p=1). The
/// same for every file of that host and user: derive it once per import.
[[nodiscard]] inline key_bytes reference_legacy_file_key(const reference_identity& who) {
  const auto salt = concat(who.hostname, "-", who.username, "-llxprt-cli");
  return reference_scrypt("llxprt-cli-tool-keys",
                          {reinterpret_cast<const std::uint8_t*>(salt.data()), salt.size()});
}

/// Decrypts a legacy .key file's text with `key` (reference_legacy_file_key of `who`).
/// errc::corrupt when malformed, or when the tag does not verify: then the message says the file
/// was probably made on another machine or account, and for which host and user it was tried.
[[nodiscard]] inline result<secret> read_reference_legacy_key(std::string_view text, const key_bytes& key,
                                                              const reference_identity& who,
                                                              std::string_view where) {
  auto parsed = parse_reference_legacy_key(text, where);
  if (!parsed) return parsed.error();
  return reference_gcm_open(key, parsed.value(), reference_wrong_identity(where, who));
}

/// The same, deriving the key here (one scrypt per call).
[[nodiscard]] inline result<secret> read_reference_legacy_key(std::string_view text, const reference_identity& who,
                                                              std::string_view where) {
  return read_reference_legacy_key(text, reference_legacy_file_key(who), who, where);
}

}  // namespace securestore::detail

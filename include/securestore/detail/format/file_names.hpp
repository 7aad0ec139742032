// detail/format/file_names.hpp: the injective, reversible mapping from key names to file names.
// ON-DISK FORMAT: files written by every released version depend on this; never change it.
// Add a new version beside it instead, and keep reading the old one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <securestore/detail/crypto.hpp>

namespace securestore::detail {

inline constexpr std::size_t max_key_bytes = 256;
/// Encoded names longer than this become "~" + a hash, so a name always fits NAME_MAX (255).
inline constexpr std::size_t max_encoded_name = 200;
inline constexpr std::string_view entry_suffix = ".enc";
/// Accounts with this prefix are the store's own: never listed, never accepted as user keys.
inline constexpr std::string_view reserved_prefix = "__securestore_";
/// The accounts of write probes: the prefix, then 16 random hex digits.
inline constexpr std::string_view probe_prefix = "__securestore_probe__";

[[nodiscard]] constexpr bool is_plain_name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

/// Escapes a key into a file-name stem that is safe on every file system:
/// - [a-z0-9_-] and '.' (except first) stay as they are;
/// - 'A'..'Z' become '^' + the lower-case letter, so case-insensitive file systems (APFS, NTFS)
///   cannot fold two keys onto one file;
/// - every other byte, '%' and '^' included, becomes "%XX" (upper-case hex).
/// The result is injective (each output has exactly one decoding) but may be long; see
/// max_encoded_name.
[[nodiscard]] inline std::string escape_name(std::string_view key) {
  constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(key.size());
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char c = key[i];
    if (is_plain_name_char(c) && !(c == '.' && i == 0)) {
      out += c;
    } else if (c >= 'A' && c <= 'Z') {
      out += '^';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += hex[byte >> 4U];
      out += hex[byte & 0x0FU];
    }
  }
  return out;
}

/// Reverses escape_name, accepting only the canonical form (so decode(encode(k)) == k and no
/// other file name decodes). Returns nullopt for names that escape_name cannot produce.
[[nodiscard]] inline std::optional<std::string> unescape_name(std::string_view stem) {
  auto hex_value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < stem.size(); ++i) {
    const char c = stem[i];
    if (c == '^') {
      if (i + 1 >= stem.size() || stem[i + 1] < 'a' || stem[i + 1] > 'z') return std::nullopt;
      out += static_cast<char>(stem[++i] - 'a' + 'A');
    } else if (c == '%') {
      if (i + 2 >= stem.size()) return std::nullopt;
      const int hi = hex_value(stem[i + 1]);
      const int lo = hex_value(stem[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      const auto decoded = static_cast<char>(hi * 16 + lo);
      // Canonical only: a byte that would have been written plainly must not be escaped.
      const bool leading_dot = decoded == '.' && out.empty();
      if ((is_plain_name_char(decoded) && !leading_dot) || (decoded >= 'A' && decoded <= 'Z')) {
        return std::nullopt;
      }
      out += decoded;
      i += 2;
    } else if (is_plain_name_char(c) && !(c == '.' && i == 0)) {
      out += c;
    } else {
      return std::nullopt;
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

/// The hash of a key name, as 64 lower-case hex digits: the stem of a long name's file.
[[nodiscard]] inline std::string name_digest(std::string_view key) {
  auto sha = Botan::HashFunction::create_or_throw("SHA-256");
  sha->update(reinterpret_cast<const std::uint8_t*>(key.data()), key.size());
  return Botan::hex_encode(sha->final(), false);
}

/// The file-name stem of a key: escape_name(key), or "~" + name_digest(key) when that is longer
/// than max_encoded_name. '~' never appears in an escaped name, so the two forms cannot meet;
/// a hashed file's real key name is read back from its envelope.
[[nodiscard]] inline std::string file_stem(std::string_view key) {
  auto escaped = escape_name(key);
  if (escaped.size() <= max_encoded_name) return escaped;
  // Appended rather than `"~" + digest`: GCC 12 at -O2 reports a false -Wrestrict in that
  // operator+ (GCC bug 105329), which breaks every Release build under -Werror.
  std::string hashed{"~"};
  hashed += name_digest(key);
  return hashed;
}

[[nodiscard]] inline bool is_hashed_stem(std::string_view stem) noexcept {
  return stem.size() == 65 && stem.front() == '~';
}

}  // namespace securestore::detail

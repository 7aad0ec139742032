// detail/format/percent.hpp: %XX escaping of chosen bytes, and its strict inverse, for the backends that
// turn key names into keyring descriptions or file names.
// ON-DISK FORMAT: files written by every released version depend on this; never change it.
// Add a new version beside it instead, and keep reading the old one.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace securestore::detail {

/// Writes each byte for which `must_escape(byte, position)` holds as '%' and two upper-case hex
/// digits; every other byte as it is. `must_escape` must hold for '%' itself.
template <class MustEscape>
[[nodiscard]] std::string percent_escape(std::string_view raw, MustEscape must_escape) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (must_escape(c, i)) {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += hex[byte >> 4U];
      out += hex[byte & 0xFU];
    } else {
      out += c;
    }
  }
  return out;
}

/// The inverse of percent_escape with the same `must_escape`, accepting only its exact output:
/// a byte that should have been escaped and was not, an escape of a byte that needed none,
/// lower-case or missing hex digits are all nullopt. So decoding is injective: no two texts
/// name one key.
template <class MustEscape>
[[nodiscard]] std::optional<std::string> percent_unescape(std::string_view text, MustEscape must_escape) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      if (must_escape(text[i], out.size())) return std::nullopt;
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = nibble(text[i + 1]);
    const int lo = nibble(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    const auto c = static_cast<char>((hi << 4) | lo);
    if (!must_escape(c, out.size())) return std::nullopt;
    out += c;
    i += 2;
  }
  return out;
}

}  // namespace securestore::detail

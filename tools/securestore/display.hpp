// tools/securestore/display.hpp: names and fields made safe to print for a person. A key name, a
// service or a token's type comes from a keyring, a file or another program, and may hold a
// newline that forges a line of a report or an escape sequence the terminal runs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <securestore/detail/utf8.hpp>
#include <securestore/migrate/report.hpp>

namespace securestore::tool {

namespace detail_display {

inline void append_hex_byte(std::string& out, unsigned char c) {
  constexpr char digits[] = "0123456789abcdef";
  out += "\\x";
  out += digits[c >> 4];
  out += digits[c & 15U];
}

// The length of the UTF-8 sequence `lead` starts, or 0 for a byte that starts none.
[[nodiscard]] constexpr std::size_t sequence_length(unsigned char lead) noexcept {
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

}  // namespace detail_display

/// `text` as it may be printed for a person: C0 controls and DEL as `\n`, `\r`, `\t` or `\xNN`,
/// C1 controls (U+0080 to U+009F, which some terminals obey as ESC sequences) as `\u0085`, and
/// every byte that is not part of well-formed UTF-8 as `\xNN`. Everything else is kept, a
/// backslash included: the text is for reading, and `--json` prints the exact bytes.
[[nodiscard]] inline std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c < 0x20 || c == 0x7F) {
        detail_display::append_hex_byte(out, c);
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    const auto length = detail_display::sequence_length(c);
    const auto sequence = text.substr(i, length);
    if (length == 0 || sequence.size() < length || !detail::is_valid_utf8(sequence)) {
      detail_display::append_hex_byte(out, c);
      ++i;
      continue;
    }
    if (c == 0xC2 && static_cast<unsigned char>(sequence[1]) <= 0x9F) {  // U+0080 to U+009F
      out += "\\u00";
      out += "89"[(static_cast<unsigned char>(sequence[1]) >> 4) - 8];
      out += "0123456789abcdef"[static_cast<unsigned char>(sequence[1]) & 15U];
    } else {
      out += sequence;
    }
    i += length;
  }
  return out;
}

/// `report` with its origins, places, key names and reasons printable(): the report `import`
/// prints as text (its --json form keeps the exact bytes).
[[nodiscard]] inline migration_report printable(migration_report report) {
  for (auto& item : report.items) {
    item.origin = printable(item.origin);
    item.source = printable(item.source);
    item.target_key = printable(item.target_key);
    item.reason = printable(item.reason);
  }
  return report;
}

}  // namespace securestore::tool

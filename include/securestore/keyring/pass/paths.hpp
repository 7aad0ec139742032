// keyring/pass/paths.hpp: how (service, account) names become paths in the password store.
// ON-DISK FORMAT: entries written by every released version are found through these paths; never
// change them. Add a new scheme beside it instead, and keep reading the old one.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <securestore/detail/format/percent.hpp>

namespace securestore::detail {

[[nodiscard]] constexpr bool pass_must_escape(char c, std::size_t position) noexcept {
  return c == '%' || c == '/' || c == '\0' || (position == 0 && c == '.');
}

/// Escapes one piece of a name for use as a file name: '%', '/', NUL and a leading '.' become
/// %XX, so no piece is empty, hidden, "." or "..", or holds a path separator.
[[nodiscard]] inline std::string pass_escape_piece(std::string_view raw) {
  return percent_escape(raw, pass_must_escape);
}

/// The inverse of pass_escape_piece; nullopt for a file name it cannot have produced.
[[nodiscard]] inline std::optional<std::string> pass_unescape_piece(std::string_view text) {
  auto out = percent_unescape(text, pass_must_escape);
  if (out && out->empty()) return std::nullopt;
  return out;
}

/// Raw bytes per file-name piece: escaped (at most 3 bytes each) plus the "%+" or ".gpg" suffix it
/// stays under NAME_MAX (255 bytes).
inline constexpr std::size_t pass_piece_bytes = 80;
/// Marks a directory that continues a long name: '%' is otherwise always followed by two hex digits.
inline constexpr std::string_view pass_continues = "%+";

/// The pass-name of an account's entry below its service folder: the escaped account, cut into
/// pieces of pass_piece_bytes raw bytes; every piece but the last is a directory ending in "%+".
[[nodiscard]] inline std::string pass_account_path(std::string_view account) {
  std::string out;
  for (std::size_t at = 0; at < account.size(); at += pass_piece_bytes) {
    if (at > 0) out += std::string{pass_continues} + "/";
    out += pass_escape_piece(account.substr(at, pass_piece_bytes));
  }
  return out;
}

}  // namespace securestore::detail

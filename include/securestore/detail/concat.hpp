// detail/concat.hpp: string building for error contexts (GCC 12 has no <format>).
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

namespace securestore::detail {

/// Appends the decimal form of an integer, or a string-like value, to `out`.
template <class T>
void append_piece(std::string& out, const T& piece) {
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, char> && !std::is_same_v<T, bool>) {
    out += std::to_string(piece);
  } else if constexpr (std::is_same_v<T, char>) {
    out += piece;
  } else {
    out += std::string_view{piece};
  }
}

/// Joins strings, string views, characters and integers into one string.
template <class... Pieces>
[[nodiscard]] std::string concat(const Pieces&... pieces) {
  std::string out;
  (append_piece(out, pieces), ...);
  return out;
}

}  // namespace securestore::detail

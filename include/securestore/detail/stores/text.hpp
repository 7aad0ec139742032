// detail/stores/text.hpp: small text helpers shared by the stores on top (message building,
// Unicode-aware trimming, scrubbing copies of secrets) and the trait that names a store's fs policy.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <type_traits>

#include <botan/mem_ops.h>

#include <securestore/detail/concat.hpp>

namespace securestore::detail::stores {

/// Joins pieces into one string for error contexts: detail::concat, under the stores' name.
template <class... Pieces>
[[nodiscard]] std::string join(const Pieces&... pieces) {
  return concat(pieces...);
}

/// Overwrites a string that held a secret before it is freed (std::string never does).
inline void scrub(std::string& s) noexcept {
  if (!s.empty()) Botan::secure_scrub_memory(s.data(), s.size());
  s.clear();
}

/// A std::string holding a copy of a secret, scrubbed when it dies.
struct scrubbed_string {
  std::string value;
  scrubbed_string() = default;
  explicit scrubbed_string(std::string v) : value{std::move(v)} {}
  scrubbed_string(const scrubbed_string&) = delete;
  scrubbed_string& operator=(const scrubbed_string&) = delete;
  ~scrubbed_string() { scrub(value); }
};

// Unicode White_Space (what JavaScript's trim() removes, plus U+FEFF), as UTF-8. ASCII ones are
// handled apart; these are the multi-byte forms.
inline constexpr std::array<std::string_view, 19> wide_spaces{
    "\xC2\x85",     "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82", "\xE2\x80\x83",
    "\xE2\x80\x84", "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88", "\xE2\x80\x89", "\xE2\x80\x8A",
    "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80"};
inline constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

[[nodiscard]] constexpr bool is_ascii_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/// `s` without leading and trailing whitespace (ASCII and Unicode, NBSP and BOM included).
/// Returns a view into `s`: no copy of a secret is made.
[[nodiscard]] constexpr std::string_view trim(std::string_view s) noexcept {
  auto wide_prefix = [](std::string_view v) -> std::size_t {
    if (v.starts_with(byte_order_mark)) return byte_order_mark.size();
    for (auto w : wide_spaces) {
      if (v.starts_with(w)) return w.size();
    }
    return 0;
  };
  auto wide_suffix = [](std::string_view v) -> std::size_t {
    if (v.ends_with(byte_order_mark)) return byte_order_mark.size();
    for (auto w : wide_spaces) {
      if (v.ends_with(w)) return w.size();
    }
    return 0;
  };
  for (bool changed = true; changed && !s.empty();) {
    changed = false;
    if (is_ascii_space(s.front())) {
      s.remove_prefix(1);
      changed = true;
    } else if (auto n = wide_prefix(s); n != 0) {
      s.remove_prefix(n);
      changed = true;
    }
  }
  for (bool changed = true; changed && !s.empty();) {
    changed = false;
    if (is_ascii_space(s.back())) {
      s.remove_suffix(1);
      changed = true;
    } else if (auto n = wide_suffix(s); n != 0) {
      s.remove_suffix(n);
      changed = true;
    }
  }
  return s;
}

/// The fs policy a basic_secure_store was built with, so a store on top uses the same one.
template <class Store>
using fs_of_t = typename Store::fs_type;

}  // namespace securestore::detail::stores

// secret.hpp: a secret value that zeroizes its memory, never prints, and only hands out
// its bytes through an explicit reveal(); plus mask_for_display for user-facing output.
#pragma once

#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <string>
#include <string_view>

#include <botan/mem_ops.h>
#include <botan/secmem.h>

namespace securestore {

/// A secret value (API key, token, password). Its bytes live in a Botan secure_vector, which is
/// zeroized when freed. It does not print (`std::cout << s` fails to compile, saying so) and has no
/// conversion to std::string: read it with reveal() and pass that straight to the call that
/// needs it, or show mask_for_display(s) to a person.
class secret {
 public:
  secret() = default;
  explicit secret(std::string_view value)
      : bytes_(reinterpret_cast<const std::uint8_t*>(value.data()),
               reinterpret_cast<const std::uint8_t*>(value.data()) + value.size()) {}
  explicit secret(Botan::secure_vector<std::uint8_t> bytes) noexcept : bytes_{std::move(bytes)} {}

  /// The secret's bytes, valid while this object lives and is not modified.
  [[nodiscard]] std::string_view reveal() const noexcept {
    return {reinterpret_cast<const char*>(bytes_.data()), bytes_.size()};
  }
  [[nodiscard]] std::size_t size() const noexcept { return bytes_.size(); }
  [[nodiscard]] bool empty() const noexcept { return bytes_.empty(); }

  /// Constant-time in the contents; the length alone may be learned from the timing.
  friend bool operator==(const secret& a, const secret& b) noexcept {
    return a.size() == b.size() &&
           (a.empty() || Botan::constant_time_compare(a.bytes_.data(), b.bytes_.data(), a.size()));
  }
  /// Compares with a plain value, in constant time in the contents.
  friend bool operator==(const secret& a, std::string_view b) noexcept {
    return a.size() == b.size() &&
           (a.empty() ||
            Botan::constant_time_compare(a.bytes_.data(), reinterpret_cast<const std::uint8_t*>(b.data()), a.size()));
  }

  /// Not printable: a value written to a stream ends up in logs and terminals. Deleted, so that
  /// generic code (a test framework's printer) sees a type that does not print, and the compiler
  /// quotes this line, with its reason, where C++26 would say `= delete("reason")`.
  // clang-format off
  friend std::ostream& operator<<(std::ostream&, const secret&) = delete;  // a secret is not printable: call reveal() or mask_for_display()
  // clang-format on

 private:
  Botan::secure_vector<std::uint8_t> bytes_;
};

/// Masks a value for display, keeping its length in characters (UTF-8 code points):
/// up to 8 characters become all '*'; longer ones keep the first 2 and last 2 characters.
/// "sk-1234567890" -> "sk*********90", "12345678" -> "********".
[[nodiscard]] inline std::string mask_for_display(std::string_view value) {
  // Byte offsets of each code point's first byte (continuation bytes are 10xxxxxx).
  std::size_t count = 0;
  for (unsigned char c : value) count += (c & 0xC0U) != 0x80U;
  if (count <= 8) return std::string(count, '*');

  auto offset_of = [&](std::size_t index) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
      if ((static_cast<unsigned char>(value[i]) & 0xC0U) != 0x80U) {
        if (seen == index) return i;
        ++seen;
      }
    }
    return value.size();
  };
  const auto head_end = offset_of(2);
  const auto tail_begin = offset_of(count - 2);
  std::string out{value.substr(0, head_end)};
  out.append(count - 4, '*');
  out.append(value.substr(tail_begin));
  return out;
}

[[nodiscard]] inline std::string mask_for_display(const secret& value) { return mask_for_display(value.reveal()); }

}  // namespace securestore

// fuzz/name_codec_fuzz.cpp: the key-name codec is a bijection between non-empty keys and canonical
// stems: unescape(escape(k)) == k, a stem that unescapes re-escapes to itself, and stems are safe.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <securestore/detail/format/file_names.hpp>

#include "fuzz_support.hpp"

namespace {

using namespace securestore::detail;

// A stem may hold only these, never starts with '.', and never holds '/', NUL or '~'.
bool safe_stem(std::string_view stem) {
  if (stem.empty() || stem.front() == '.') return false;
  for (const char c : stem) {
    const bool upper_hex = (c >= 'A' && c <= 'F');
    if (!is_plain_name_char(c) && !upper_hex && c != '%' && c != '^') return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input{reinterpret_cast<const char*>(data), size};

  // As a stem: anything that decodes is canonical, so it re-escapes to exactly itself.
  if (auto key = unescape_name(input)) {
    if (key->empty() || escape_name(*key) != input) std::abort();
  }

  // As a key: the escaped stem is safe and decodes back; the file stem fits a file name.
  if (!input.empty()) {
    const auto stem = escape_name(input);
    if (!safe_stem(stem)) std::abort();
    const auto back = unescape_name(stem);
    if (!back || *back != input) std::abort();
    const auto file = file_stem(input);
    if (is_hashed_stem(file) != (stem.size() > max_encoded_name)) std::abort();
    if (file.size() + entry_suffix.size() > 255) std::abort();      // NAME_MAX
    if (is_hashed_stem(file) && unescape_name(file)) std::abort();  // the two forms never meet
  }

  // Injectivity on pairs: split the input at its first byte's value; equal stems mean equal keys.
  const auto [a, b] = securestore::fuzz::split_pair(input);
  if (!a.empty() && !b.empty() && (escape_name(a) == escape_name(b)) != (a == b)) std::abort();
  return 0;
}

// detail/migrate/reference_names.hpp: which key a reference implementation (llxprt-code) file
// holds, from its name alone (shared/reference/secure-store-behaviour.md §2.4, §2.10, §2.13, §5).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace securestore::detail {

/// The key of an envelope file named `<stem>.enc`, or nullopt for a file the reference never
/// listed (its `.enc.tmp.<8hex>` temp files, anything else, and stems its key check refused:
/// empty, "." and "..").
/// Naming: early 2026 wrote the key unescaped; HEAD writes each of  * < > : " | ?  as '%' and two
/// upper-case hex digits (also '/' and '\', which its key check had already refused, so they
/// never reach a name). We undo exactly those seven escapes and keep every other '%' as it is,
/// so "100%.enc" is the key "100%". The reference's own mapping is not injective: a key written
/// literally as "a%3A" early in 2026 reads back as "a:" here, as HEAD's list() read it.
[[nodiscard]] inline std::optional<std::string> reference_envelope_key(std::string_view file_name) {
  constexpr std::string_view suffix = ".enc";
  if (!file_name.ends_with(suffix)) return std::nullopt;
  const auto stem = file_name.substr(0, file_name.size() - suffix.size());
  if (stem.empty() || stem == "." || stem == ".." || stem.find('\0') != std::string_view::npos) return std::nullopt;
  auto unescaped = [](std::string_view hex) -> char {
    constexpr std::string_view escapes[] = {"2A", "3C", "3E", "3A", "22", "7C", "3F"};
    constexpr std::string_view chars = "*<>:\"|?";
    for (std::size_t i = 0; i < chars.size(); ++i) {
      if (hex == escapes[i]) return chars[i];
    }
    return '\0';
  };
  std::string key;
  for (std::size_t i = 0; i < stem.size(); ++i) {
    if (stem[i] == '%' && i + 3 <= stem.size()) {
      if (const char c = unescaped(stem.substr(i + 1, 2)); c != '\0') {
        key += c;
        i += 2;
        continue;
      }
    }
    key += stem[i];
  }
  return key;
}

/// The tool of a legacy key file `<tool>.key` (ToolKeyStorage wrote one per tool), or nullopt.
[[nodiscard]] inline std::optional<std::string> reference_legacy_tool(std::string_view file_name) {
  constexpr std::string_view suffix = ".key";
  if (!file_name.ends_with(suffix) || file_name.size() == suffix.size()) return std::nullopt;
  const auto stem = file_name.substr(0, file_name.size() - suffix.size());
  if (stem == "." || stem == ".." || stem.find('\0') != std::string_view::npos) return std::nullopt;
  return std::string{stem};
}

}  // namespace securestore::detail

// keyring/pass/recipients.hpp: who pass encrypts to (the .gpg-id lines, or $PASSWORD_STORE_KEY)
// and whether gpg holds a public key that can encrypt to each. Part of keyring/pass.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace securestore::detail {

/// The words of `text` split at spaces, tabs and newlines, as a shell splits an unquoted
/// expansion (pass does so with $PASSWORD_STORE_KEY and $PASSWORD_STORE_GPG_OPTS).
[[nodiscard]] inline std::vector<std::string> pass_split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto start = text.find_first_not_of(" \t\n", at);
    if (start == std::string_view::npos) break;
    auto end = text.find_first_of(" \t\n", start);
    if (end == std::string_view::npos) end = text.size();
    words.emplace_back(text.substr(start, end - start));
    at = end;
  }
  return words;
}

/// The recipients a .gpg-id file names, read as pass 1.7 reads it: one per line, a '#' starts a
/// comment, surrounding blanks are dropped, empty lines are skipped.
[[nodiscard]] inline std::vector<std::string> pass_gpg_ids(std::string_view contents) {
  std::vector<std::string> ids;
  std::size_t at = 0;
  while (at < contents.size()) {
    auto end = contents.find('\n', at);
    if (end == std::string_view::npos) end = contents.size();
    auto line = contents.substr(at, end - at);
    at = end + 1;
    line = line.substr(0, line.find('#'));
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) continue;
    const auto last = line.find_last_not_of(" \t\r");
    ids.emplace_back(line.substr(first, last - first + 1));
  }
  return ids;
}

/// Whether `gpg --with-colons --list-keys <id>` lists a key that can encrypt: a "pub" record
/// whose validity (field 2) is not expired, revoked, disabled or invalid (e, r, d, i) and whose
/// usable capabilities (field 12, upper case for the key as a whole) include E and not D
/// (disabled). doc/DETAILS of GnuPG.
[[nodiscard]] constexpr bool pass_key_can_encrypt(std::string_view colons) noexcept {
  std::size_t at = 0;
  while (at < colons.size()) {
    auto end = colons.find('\n', at);
    if (end == std::string_view::npos) end = colons.size();
    const auto line = colons.substr(at, end - at);
    at = end + 1;
    if (line.substr(0, 4) != "pub:") continue;
    std::array<std::string_view, 12> fields{};
    std::size_t from = 0;
    for (std::size_t i = 0; i < 12 && from <= line.size(); ++i) {
      auto cut = line.find(':', from);
      if (cut == std::string_view::npos) cut = line.size();
      fields[i] = line.substr(from, cut - from);
      from = cut + 1;
    }
    const auto validity = fields[1];
    if (validity == "e" || validity == "r" || validity == "d" || validity == "i") continue;
    const auto capabilities = fields[11];
    if (capabilities.find('E') != std::string_view::npos && capabilities.find('D') == std::string_view::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace securestore::detail

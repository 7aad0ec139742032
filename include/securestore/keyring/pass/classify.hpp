// keyring/pass/classify.hpp: maps a failed `pass` run to the error taxonomy from gpg's status
// lines. Part of keyring/pass.hpp.
#pragma once

#include <cstddef>
#include <string_view>

#include <securestore/error.hpp>

namespace securestore::detail {

/// Maps a failed `pass` run to the taxonomy from gpg's machine-readable status lines (fd 3,
/// doc/DETAILS of GnuPG), never from its messages. A missing or unusable key means the store
/// cannot be used here (unavailable); a cancelled or impossible passphrase entry means the key
/// is locked; gpg-agent's own timeout is a timeout; a tampered entry is corrupt.
/// pass runs gpg with --quiet, which drops the ERROR line that names a passphrase failure, so a
/// bare DECRYPTION_FAILED (no NO_SECKEY) is classified here as unavailable and pass_keyring
/// asks gpg again, without --quiet, to tell a locked key from a damaged entry.
[[nodiscard]] constexpr errc classify_pass(std::string_view status) noexcept {
  // Each line is "[GNUPG:] KEYWORD args..."; ERROR/FAILURE lines end in a gpg-error number whose
  // low 16 bits are the code (libgpg-error's gpg-error.h).
  errc verdict = errc::unavailable;
  bool decided = false;
  std::size_t at = 0;
  while (at < status.size()) {
    auto end = status.find('\n', at);
    if (end == std::string_view::npos) end = status.size();
    std::string_view line = status.substr(at, end - at);
    at = end + 1;
    constexpr std::string_view tag = "[GNUPG:] ";
    if (line.substr(0, tag.size()) != tag) continue;
    line.remove_prefix(tag.size());
    const auto space = line.find(' ');
    const auto keyword = line.substr(0, space);
    if (keyword == "NO_SECKEY" || keyword == "INV_RECP" || keyword == "NO_PUBKEY" || keyword == "KEYEXPIRED" ||
        keyword == "KEYREVOKED") {
      if (!decided) verdict = errc::unavailable;
      decided = true;
    } else if (keyword == "MISSING_PASSPHRASE" || keyword == "BAD_PASSPHRASE") {
      return errc::locked;
    } else if (keyword == "BADMDC" || keyword == "NODATA") {
      return errc::corrupt;  // tampered or not OpenPGP data at all
    } else if (keyword == "ERROR" || keyword == "FAILURE") {
      const auto last = line.rfind(' ');
      if (last == std::string_view::npos) continue;
      unsigned long number = 0;
      bool digits = last + 1 < line.size();
      for (const char c : line.substr(last + 1)) {
        if (c < '0' || c > '9') {
          digits = false;
          break;
        }
        number = number * 10 + static_cast<unsigned long>(c - '0');
      }
      if (!digits) continue;
      switch (number & 0xFFFFUL) {
        case 11:   // GPG_ERR_BAD_PASSPHRASE
        case 85:   // GPG_ERR_NO_PIN_ENTRY
        case 99:   // GPG_ERR_CANCELED
        case 177:  // GPG_ERR_NO_PASSPHRASE
        case 198:  // GPG_ERR_FULLY_CANCELED
          return errc::locked;
        case 62:  // GPG_ERR_TIMEOUT
          return errc::timeout;
        default:
          if (!decided) verdict = errc::unavailable;
          decided = true;
      }
    }
  }
  return verdict;
}

}  // namespace securestore::detail

// support/copy_private.hpp: a private copy of checked-in test data (git keeps no file modes, and
// the fs policy refuses files other users can read).
#pragma once

#include <filesystem>

namespace securestore::test {

/// Copies the tree `from` to `to`, then makes its directories 0700 and its files 0600.
inline void copy_private(const std::filesystem::path& from, const std::filesystem::path& to) {
  namespace fs = std::filesystem;
  fs::copy(from, to, fs::copy_options::recursive);
  for (const auto& entry : fs::recursive_directory_iterator(to)) {
    fs::permissions(entry.path(),
                    entry.is_directory() ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write);
  }
  fs::permissions(to, fs::perms::owner_all);
}

}  // namespace securestore::test

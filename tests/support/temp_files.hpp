// support/temp_files.hpp: counts the temporary files a store's atomic writes leave in a directory.
#pragma once

#include <filesystem>

#include <securestore/fs/posix.hpp>

namespace securestore::test {

/// The temporary files of write_atomic (".<name>.tmp.<16 hex>") in `dir`; 0 when it is missing.
[[nodiscard]] inline int temp_files_in(const std::filesystem::path& dir) {
  int n = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator{dir, ec}) {
    n += posix_fs::is_temp_name(entry.path().filename().native()) ? 1 : 0;
  }
  return n;
}

}  // namespace securestore::test

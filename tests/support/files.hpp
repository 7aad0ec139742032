// support/files.hpp: reading and writing whole files in tests.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace securestore::test {

/// The whole content of `path` ("" when it cannot be read).
[[nodiscard]] inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

/// Replaces `path` with `content`, then sets its mode.
inline void write_file(const std::filesystem::path& path, const std::string& content, mode_t mode = 0600) {
  std::ofstream{path, std::ios::binary} << content;
  ::chmod(path.c_str(), mode);
}

}  // namespace securestore::test

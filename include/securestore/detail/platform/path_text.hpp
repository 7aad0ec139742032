// detail/platform/path_text.hpp: a path as text and back, UTF-8 on every platform. On POSIX a
// path's native form is already bytes (path.native()); on Windows it is UTF-16 (std::wstring), so
// `.native()` in a message or a file name would not compile there. Platform-neutral code converts
// through these two functions only (scripts/check-layout.sh refuses .native() outside the POSIX
// headers).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace securestore::detail {

/// `path` as UTF-8 text: for messages, and for the names an fs policy takes.
[[nodiscard]] inline std::string path_text(const std::filesystem::path& path) {
#if defined(_WIN32)
  const auto utf8 = path.u8string();
  return std::string{utf8.begin(), utf8.end()};
#else
  return path.native();
#endif
}

/// The path that UTF-8 `text` names.
[[nodiscard]] inline std::filesystem::path path_from_text(std::string_view text) {
#if defined(_WIN32)
  return std::filesystem::path{std::u8string{text.begin(), text.end()}};
#else
  return std::filesystem::path{std::string{text}};
#endif
}

}  // namespace securestore::detail

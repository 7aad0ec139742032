// detail/platform/posix.hpp: what the store asks of a POSIX system outside its policies: the data
// home ($XDG_DATA_HOME, else ~/.local/share), whether a prompt could be seen, and the user id.
#pragma once

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>

namespace securestore::detail::platform {

/// $XDG_DATA_HOME when absolute (XDG Base Directory spec), else $HOME/.local/share, else the
/// passwd entry's home + /.local/share.
[[nodiscard]] inline result<std::filesystem::path> data_home() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && xdg[0] == '/') {
    return std::filesystem::path{xdg};
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    return std::filesystem::path{home} / ".local" / "share";
  }
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwuid_r(::geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
      found->pw_dir != nullptr && found->pw_dir[0] == '/') {
    return std::filesystem::path{found->pw_dir} / ".local" / "share";
  }
  return error{errc::unavailable, "file: no home directory (HOME, XDG_DATA_HOME and the passwd entry are unset)",
               "set store_options.fallback_dir"};
}

/// Whether a keyring may prompt by default: a display or a terminal on stdin can show a prompt.
[[nodiscard]] inline bool can_prompt() noexcept {
  const bool display = std::getenv("DISPLAY") != nullptr || std::getenv("WAYLAND_DISPLAY") != nullptr;
  return display || ::isatty(STDIN_FILENO) != 0;
}

}  // namespace securestore::detail::platform

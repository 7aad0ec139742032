// detail/platform/posix.hpp: what the store asks of a POSIX system outside its policies: the data
// home ($XDG_DATA_HOME, else ~/.local/share), whether a prompt could be seen, the user id, and
// the host and user names (which the reference implementation's file keys are derived from).
#pragma once

#include <pwd.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>

namespace securestore::detail::platform {

/// Whether a keyring may prompt by default: a display or a terminal on stdin can show a prompt.
[[nodiscard]] inline bool can_prompt() noexcept {
  const bool display = std::getenv("DISPLAY") != nullptr || std::getenv("WAYLAND_DISPLAY") != nullptr;
  return display || ::isatty(STDIN_FILENO) != 0;
}

/// A field of the effective user's passwd entry (getpwuid_r), or nullopt when there is none.
[[nodiscard]] inline std::optional<std::string> passwd_field(char* passwd::*field) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwuid_r(::geteuid(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr ||
      found->*field == nullptr) {
    return std::nullopt;
  }
  return std::string{found->*field};
}

/// The home directory as Node's os.homedir() finds it: $HOME when absolute, else the passwd
/// entry's; nullopt when neither is known.
[[nodiscard]] inline std::optional<std::filesystem::path> home_dir() {
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') return std::filesystem::path{home};
  if (auto dir = passwd_field(&passwd::pw_dir); dir && dir->starts_with('/')) return std::filesystem::path{*dir};
  return std::nullopt;
}

/// $XDG_DATA_HOME when absolute (XDG Base Directory spec), else $HOME/.local/share, else the
/// passwd entry's home + /.local/share.
[[nodiscard]] inline result<std::filesystem::path> data_home() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && xdg[0] == '/') {
    return std::filesystem::path{xdg};
  }
  if (auto home = home_dir()) return *home / ".local" / "share";
  return error{errc::unavailable, "file: no home directory (HOME, XDG_DATA_HOME and the passwd entry are unset)",
               "set store_options.fallback_dir"};
}

/// This machine's host name, as gethostname(2) (and Node's os.hostname()) report it.
[[nodiscard]] inline result<std::string> host_name() {
  std::vector<char> buffer(HOST_NAME_MAX + 1, '\0');
  if (::gethostname(buffer.data(), buffer.size() - 1) != 0) {
    return error{errc::unavailable, "platform: gethostname failed", "pass the host name explicitly"};
  }
  return std::string{buffer.data()};
}

/// The effective user's login name from the passwd entry (as Node's os.userInfo().username);
/// when there is none, the decimal user id (the fallback the reference implementation used).
[[nodiscard]] inline std::string user_name() {
  return passwd_field(&passwd::pw_name).value_or(std::to_string(::getuid()));
}

}  // namespace securestore::detail::platform

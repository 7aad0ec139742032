// keyring/pass/store_dir.hpp: where the password store is: the configured directory,
// $PASSWORD_STORE_DIR, or ~/.password-store, and never a path relative to the current directory.
// Part of keyring/pass.hpp.
#pragma once

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>

namespace securestore::detail {

/// The user's home: $HOME when absolute, else the passwd entry's (as the file store finds its
/// data home); nullopt without either.
[[nodiscard]] inline std::optional<std::filesystem::path> pass_home() {
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') return std::filesystem::path{home};
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (::getpwuid_r(::geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
      found->pw_dir != nullptr && found->pw_dir[0] == '/') {
    return std::filesystem::path{found->pw_dir};
  }
  return std::nullopt;
}

/// The password store's directory as pass finds it: `configured` when not empty, else
/// $PASSWORD_STORE_DIR when set, else <home>/.password-store (pass_home). errc::unavailable for a
/// relative path (it would name whatever store sits in the current directory, which another
/// user may have planted there) and when no home can be found.
[[nodiscard]] inline result<std::filesystem::path> pass_store_dir(const std::filesystem::path& configured) {
  std::filesystem::path dir = configured;
  if (dir.empty()) {
    if (const char* env = std::getenv("PASSWORD_STORE_DIR"); env != nullptr && *env != '\0') dir = env;
  }
  if (dir.empty()) {
    auto home = pass_home();
    if (!home) {
      return error{errc::unavailable,
                   "pass: no home directory (HOME is unset or relative, and the passwd entry has none)",
                   "set PASSWORD_STORE_DIR to the store's absolute path"};
    }
    dir = *home / ".password-store";
  }
  if (!dir.is_absolute()) {
    return error{
        errc::unavailable,
        concat("pass: the password store path '", dir.native(), "' is relative (to whatever the current directory is)"),
        "give an absolute path in PASSWORD_STORE_DIR or pass_keyring::options"};
  }
  // The file store's rule for its own directory: a store another user owns, or others can write,
  // may hold entries (and a .gpg-id naming his key) that he planted or can read back. The path
  // comes from the environment, so it is checked like one.
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return error{errc::unavailable, concat("pass: the password store ", dir.native(), " is not a directory"),
                   "point PASSWORD_STORE_DIR at your password store"};
    }
    if (st.st_uid != ::geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
      return error{errc::denied,
                   concat("pass: the password store ", dir.native(),
                          st.st_uid != ::geteuid() ? concat(" belongs to uid ", st.st_uid, ", not to this user")
                                                   : std::string{" can be written by others"}),
                   "use your own password store (PASSWORD_STORE_DIR), or chmod go-w it if it is yours"};
    }
  }
  return dir;
}

}  // namespace securestore::detail

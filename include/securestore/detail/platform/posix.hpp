// detail/platform/posix.hpp: what the store asks of a POSIX system outside its policies: the data
// home ($XDG_DATA_HOME, else ~/.local/share), whether a prompt could be seen, the user id, the
// host and user names (which the reference implementation's file keys are derived from), the
// process id and a private append-only file (the audit sink's).
#pragma once

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

/// This process's id (audit records carry it, so lines from several processes can be told apart).
[[nodiscard]] inline long process_id() noexcept { return static_cast<long>(::getpid()); }

/// A file of this user's, opened 0600 for appending and never through a symlink. Each append is
/// one write(2) on an O_APPEND descriptor, so records appended by threads and processes at once
/// stay whole. Closed on destruction; movable, not copyable.
class append_file {
 public:
  /// Opens (creating, 0600) the file `name` in the directory open on `dir_fd` (already checked by
  /// the caller, as the fs policy's open_directory checks a store's); `path` and `what` name it in
  /// messages ("audit"). Errors: denied (a symlink, not a regular file of this user, a file with
  /// another hard link, cannot be made private), unavailable (any other open failure).
  /// Opened O_NONBLOCK so that a FIFO planted at the path cannot block the open; the flag is
  /// cleared once fstat has shown a regular file.
  [[nodiscard]] static result<append_file> open_in(int dir_fd, const std::string& name,
                                                   const std::filesystem::path& path, std::string_view what) {
    int fd = -1;
    do {
      fd = ::openat(dir_fd, name.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
      const int e = errno;
      return error{e == ELOOP || e == EACCES || e == EPERM || e == ENXIO ? errc::denied : errc::unavailable,
                   concat(what, ": cannot open ", path.native(), " (", std::strerror(e), ")"),
                   "choose a path of your own that is a regular file, not a symlink"};
    }
    append_file file{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) {
      return error{errc::denied, concat(what, ": ", path.native(), " is not a regular file of this user"),
                   "choose another path"};
    }
    // Another name for the same file could be read by whoever made it, wherever it is.
    if (st.st_nlink > 1) {
      return error{errc::denied, concat(what, ": ", path.native(), " has ", st.st_nlink, " hard links"),
                   "remove the other links, or choose another path"};
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
      return error{errc::unavailable, concat(what, ": cannot set up ", path.native(), " (", std::strerror(errno), ")"),
                   "retry"};
    }
    // What an append-only log holds is not secret, but nobody else needs to read it.
    if ((st.st_mode & 077) != 0 && ::fchmod(fd, 0600) != 0) {
      return error{errc::denied, concat(what, ": cannot make ", path.native(), " private"),
                   "fix its permissions (chmod 600)"};
    }
    return file;
  }

  append_file(append_file&& other) noexcept : fd_{std::exchange(other.fd_, -1)} {}
  append_file& operator=(append_file&&) = delete;
  append_file(const append_file&) = delete;
  append_file& operator=(const append_file&) = delete;
  ~append_file() {
    if (fd_ >= 0) ::close(fd_);
  }

  /// Whether `bytes` went out whole, in one write. A short or failed write is not retried: a
  /// second write could land after another process's record and split this one.
  [[nodiscard]] bool append(std::string_view bytes) const noexcept {
    ssize_t n = -1;
    do {
      n = ::write(fd_, bytes.data(), bytes.size());
    } while (n < 0 && errno == EINTR);
    return n == static_cast<ssize_t>(bytes.size());
  }

 private:
  explicit append_file(int fd) noexcept : fd_{fd} {}
  int fd_ = -1;
};

}  // namespace securestore::detail::platform

// fs/posix/checks.hpp: the rules fs/posix.hpp applies to directories on a store's path (who
// may own them, who may write them) and to the files it reads, its limits, and its fault hook.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/errno.hpp>
#include <securestore/error.hpp>

namespace securestore::detail {

/// The fault hook of the real policy: never injects anything, and costs nothing.
struct no_faults {
  [[nodiscard]] static constexpr int take(fs_op) noexcept { return 0; }
};

/// Largest file read() accepts: envelopes are small, and a huge file must not exhaust memory.
inline constexpr std::size_t max_file_bytes = 4 * 1024 * 1024;

/// How long lock() waits for another holder before errc::timeout.
inline constexpr std::chrono::milliseconds lock_wait{10000};

/// The part of a temporary file's name that marks it: ".<name>.tmp.<16 hex>".
inline constexpr std::string_view temp_marker = ".tmp.";

/// Whether a directory on the way to a store may be trusted (OpenSSH's safe_path, systemd's
/// chase()): owned by root or the user, and writable by no one else, except a sticky directory
/// owned by root (/tmp), inside which nobody can rename or remove what another user made.
[[nodiscard]] inline bool is_trusted_ancestor(const struct stat& st, uid_t user) noexcept {
  if (st.st_uid != 0 && st.st_uid != user) return false;
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) == 0) return true;
  return (st.st_mode & S_ISVTX) != 0 && st.st_uid == 0;
}

/// What kind of file `mode` (st_mode) is, for a message: "a FIFO", "a directory", ...
[[nodiscard]] constexpr std::string_view file_type_name(mode_t mode) noexcept {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "a file of an unknown type";
}

/// The error for something other than a regular file where one is read (an entry, a keyfile):
/// corrupt, naming what stands there ("file P: reading failed (a FIFO, not a regular file)").
[[nodiscard]] inline error not_a_regular_file(mode_t mode, std::string_view what, std::string_view path) {
  return error{errc::corrupt,
               concat("file ", path, ": ", what, " failed (", file_type_name(mode), ", not a regular file)"),
               fs_remediation(EISDIR)};
}

[[nodiscard]] inline error untrusted_directory(const std::string& dir, const struct stat& st) {
  if (st.st_uid != 0 && st.st_uid != ::geteuid()) {
    return error{errc::denied,
                 concat("file ", dir, ": belongs to another user (uid ", st.st_uid,
                        "), who could swap or hide the store's files"),
                 "choose a fallback_dir whose every directory is yours or root's"};
  }
  return error{errc::denied,
               concat("file ", dir,
                      ": other users can write this directory, so they could swap or "
                      "hide the store's files"),
               concat("run chmod go-w '", dir, "', or choose another fallback_dir")};
}

/// When `name` in the directory open on `dir_fd` was last modified, if it can be told (a person
/// tells an entry they wrote from a planted one by it: the re-seal candidates show it).
[[nodiscard]] inline std::optional<std::chrono::system_clock::time_point> modified_time_at(int dir_fd,
                                                                                          std::string_view name) {
  struct stat st {};
  if (::fstatat(dir_fd, std::string{name}.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return std::nullopt;
  return std::chrono::system_clock::time_point{std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::seconds{st.st_mtim.tv_sec} + std::chrono::nanoseconds{st.st_mtim.tv_nsec})};
}

// ".<name>.tmp.<16 hex>" beside the target: same file system (rename is atomic), hidden, and
// never mistaken for an entry (entries end in ".enc").
[[nodiscard]] inline std::string temp_name_for(std::string_view name) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  constexpr char hex[] = "0123456789abcdef";
  std::string suffix(16, '0');
  auto bits = rng();
  for (auto& c : suffix) {
    c = hex[bits & 0xFU];
    bits >>= 4U;
  }
  return concat(".", name, temp_marker, suffix);
}

/// Who may read a file read() returns: this user only (an entry, a record, a key file), or anyone,
/// for a plaintext file a person means to import (read_exposed): refusing to move its keys would
/// leave them where others can read them.
enum class file_readers { owner_only, anyone };

/// Whether a file may be read: this user's, writable by no one else (what another user can write
/// cannot be trusted), and readable by no one else unless `readers` allows it.
[[nodiscard]] inline result<void> check_private_file(const struct stat& st, const std::string& file,
                                                     file_readers readers = file_readers::owner_only) {
  if (st.st_uid != ::geteuid()) {
    return error{errc::denied, concat("file ", file, ": belongs to another user"),
                 "securestore uses only files of the user running it; delete it"};
  }
  const mode_t refused = readers == file_readers::anyone ? (S_IWGRP | S_IWOTH) : 077;
  if ((st.st_mode & refused) != 0) {
    return error{errc::denied,
                 concat("file ", file, readers == file_readers::anyone ? ": other users can write it"
                                                                        : ": other users can read or write it"),
                 "run chmod 600 on it if you trust its contents, else delete it"};
  }
  return success();
}

}  // namespace securestore::detail

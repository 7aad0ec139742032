// detail/errno.hpp: maps errno from file operations onto the error taxonomy.
#pragma once

#include <cerrno>
#include <string>
#include <string_view>
#include <system_error>

#include <securestore/detail/concat.hpp>
#include <securestore/error.hpp>

namespace securestore::detail {

/// The taxonomy code for an errno from a file-system call.
[[nodiscard]] constexpr errc classify_fs_errno(int e) noexcept {
  switch (e) {
    case ENOENT: return errc::not_found;
    case EACCES:
    case EPERM:
    case EROFS:
    case ELOOP:  // O_NOFOLLOW met a symlink where the store keeps its own files
      return errc::denied;
    case EWOULDBLOCK: return errc::timeout;  // a lock that stayed held
    case EISDIR:
    case ENOTDIR:
    case EFBIG: return errc::corrupt;
    default: return errc::unavailable;  // ENOSPC, EDQUOT, EIO, EMFILE, ...
  }
}

/// What a person can do about an errno from a file-system call.
[[nodiscard]] constexpr std::string_view fs_remediation(int e) noexcept {
  switch (e) {
    case ENOSPC:
    case EDQUOT: return "free some disk space and try again";
    case EACCES:
    case EPERM: return "check the owner and permissions of the directory (it should be yours, mode 700)";
    case EROFS: return "the file system is read-only; choose another fallback_dir";
    case ELOOP: return "a symlink stands where securestore keeps its files; remove it";
    case EIO: return "the disk reported an I/O error; check it, then try again";
    case EMFILE:
    case ENFILE: return "too many open files; close some (or raise the open-file limit, ulimit -n) and try again";
    case EISDIR:
    case ENOTDIR: return "something other than a regular file stands at this path; remove it";
    default: return "check the file system and try again";
  }
}

/// An error for a failed file-system call: "file <path>: <what> failed (<errno text>); <remedy>".
[[nodiscard]] inline error fs_error(int e, std::string_view what, std::string_view path) {
  return error{classify_fs_errno(e),
               concat("file ", path, ": ", what, " failed (", std::generic_category().message(e), ")"),
               fs_remediation(e)};
}

}  // namespace securestore::detail

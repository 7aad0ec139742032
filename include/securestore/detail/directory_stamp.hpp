// detail/directory_stamp.hpp: what a directory's own timestamps can prove about its entries. Any
// entry created, removed or renamed in a directory moves its mtime and ctime, so an equal stamp
// later means the same names, with two caveats this header handles: a remote file system may
// serve stale attributes (only local file systems are trusted), and a change within one timestamp
// tick can leave the stamp equal (a stamp is trusted only once it is older than any file system's
// tick; the reasoning git calls "racy git").
#pragma once

#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

#include <cstdint>
#include <optional>

namespace securestore::detail {

/// fstat of the directory open as `fd` into `held`, when `path` still leads to it (same device and
/// inode) and it has not been removed.
[[nodiscard]] inline bool stat_if_at_path(const char* path, int fd, dev_t dev, ino_t ino, struct stat& held) noexcept {
  struct stat st {};
  if (fd < 0 || ::stat(path, &st) != 0) return false;
  return ::fstat(fd, &held) == 0 && held.st_nlink > 0 && st.st_dev == dev && st.st_ino == ino;
}

/// A directory's change stamp: its mtime and ctime in nanoseconds.
struct directory_stamp {
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  friend bool operator==(const directory_stamp&, const directory_stamp&) = default;
};

/// Whether the file system of `fd` is local and updates a directory's timestamps on every entry
/// change, visibly to the next stat: ext2/3/4, XFS, Btrfs, tmpfs, F2FS, ZFS. Not NFS or other
/// network file systems (attribute caches), not overlayfs or FUSE (whose stat is the lower or
/// user-space file system's business).
[[nodiscard]] inline bool has_local_timestamps(int fd) noexcept {
  struct statfs fs {};
  if (::fstatfs(fd, &fs) != 0) return false;
  switch (static_cast<std::uint64_t>(fs.f_type)) {
    case 0xEF53:      // ext2/3/4
    case 0x58465342:  // XFS
    case 0x9123683E:  // Btrfs
    case 0x01021994:  // tmpfs
    case 0xF2F52010:  // F2FS
    case 0x2FC12FC1:  // ZFS
      return true;
    default:
      return false;
  }
}

/// The longest timestamp tick of a trusted file system (ext3 without large inodes: 1 s), with room.
inline constexpr std::int64_t timestamp_tick_ns = 2'000'000'000;

/// The stamp of `st` when it is old enough to prove anything: a change after now gets a later
/// timestamp even on a file system with one-second ticks. nullopt for a stamp that is too recent.
[[nodiscard]] inline std::optional<directory_stamp> settled_stamp(const struct stat& st) noexcept {
  const directory_stamp stamp{st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
                              st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec};
  struct timespec now {};
  if (::clock_gettime(CLOCK_REALTIME_COARSE, &now) != 0) return std::nullopt;
  const std::int64_t now_ns = now.tv_sec * 1'000'000'000LL + now.tv_nsec;
  if (now_ns - stamp.mtime_ns < timestamp_tick_ns || now_ns - stamp.ctime_ns < timestamp_tick_ns) return std::nullopt;
  return stamp;
}

}  // namespace securestore::detail

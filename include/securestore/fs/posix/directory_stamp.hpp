// fs/posix/directory_stamp.hpp: what a directory's own timestamps can prove about its entries. Any
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

/// A directory's change stamp: its mtime and ctime in nanoseconds, and the wall clock's offset from
/// the boot clock when they were read. Two stamps are equal when the timestamps are and the wall
/// clock was not stepped in between (by more than NTP's slewing could move it): after a step back,
/// a new change could get the very timestamp of an old one.
struct directory_stamp {
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  std::int64_t wall_minus_boot_ns = 0;
  friend bool operator==(const directory_stamp& a, const directory_stamp& b) noexcept {
    const auto drift = a.wall_minus_boot_ns - b.wall_minus_boot_ns;
    return a.mtime_ns == b.mtime_ns && a.ctime_ns == b.ctime_ns && drift < 100'000'000 && drift > -100'000'000;
  }
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
  struct timespec now {};
  struct timespec boot {};
  if (::clock_gettime(CLOCK_REALTIME_COARSE, &now) != 0 || ::clock_gettime(CLOCK_BOOTTIME, &boot) != 0) {
    return std::nullopt;
  }
  const std::int64_t now_ns = now.tv_sec * 1'000'000'000LL + now.tv_nsec;
  const directory_stamp stamp{st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec,
                              st.st_ctim.tv_sec * 1'000'000'000LL + st.st_ctim.tv_nsec,
                              now_ns - (boot.tv_sec * 1'000'000'000LL + boot.tv_nsec)};
  if (now_ns - stamp.mtime_ns < timestamp_tick_ns || now_ns - stamp.ctime_ns < timestamp_tick_ns) return std::nullopt;
  return stamp;
}

}  // namespace securestore::detail

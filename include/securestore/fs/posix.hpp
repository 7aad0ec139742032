// fs/posix.hpp: the POSIX file policy: a store directory opened once and checked on its descriptor
// (owner, mode, and every ancestor), then durable atomic writes, symlink-refusing reads and a
// cross-process advisory lock, all relative to that descriptor. basic_posix_fs takes a fault hook
// so tests can fail any single syscall (fs/faulty.hpp); posix_fs is the real thing.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/errno.hpp>
#include <securestore/error.hpp>
#include <securestore/fs/posix/checks.hpp>
#include <securestore/fs/posix/directory_stamp.hpp>
#include <securestore/fs/posix/unique_fd.hpp>

namespace securestore {

/// Files in one directory, written atomically and durably, readable only by their owner.
/// `Faults::take(op)` returns an errno to inject for that syscall, or 0. Meets fs_policy;
/// thread-safe (each call uses its own descriptors besides the shared directory one).
template <class Faults>
class basic_posix_fs {
 public:
  /// An open, checked directory: every later call works relative to its descriptor, so the
  /// directory cannot be swapped between the check and the use. Copies share the descriptor.
  class directory_type {
   public:
    directory_type() = default;
    directory_type(std::filesystem::path path, detail::unique_fd fd, dev_t dev, ino_t ino)
        : path_{std::move(path)},
          fd_{std::make_shared<detail::unique_fd>(std::move(fd))},
          dev_{dev},
          ino_{ino},
          local_timestamps_{detail::has_local_timestamps(fd_->get())} {}
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    [[nodiscard]] int fd() const noexcept { return fd_ ? fd_->get() : -1; }
    [[nodiscard]] bool is_open() const noexcept { return fd() >= 0; }
    [[nodiscard]] std::string file(std::string_view name) const { return (path_ / name).native(); }
    [[nodiscard]] dev_t dev() const noexcept { return dev_; }
    [[nodiscard]] ino_t ino() const noexcept { return ino_; }
    [[nodiscard]] bool local_timestamps() const noexcept { return local_timestamps_; }

   private:
    std::filesystem::path path_;
    std::shared_ptr<detail::unique_fd> fd_;
    dev_t dev_{};
    ino_t ino_{};
    bool local_timestamps_ = false;
  };

  /// Holds an exclusive flock(2) on a lock file until destroyed.
  class lock_type {
   public:
    lock_type() = default;
    explicit lock_type(detail::unique_fd fd) noexcept : fd_{std::move(fd)} {}
    [[nodiscard]] bool held() const noexcept { return fd_.get() >= 0; }

   private:
    detail::unique_fd fd_;  // closing the descriptor releases the lock
  };

  basic_posix_fs() = default;
  explicit basic_posix_fs(Faults faults) : faults_{std::move(faults)} {}

  /// Opens `dir` (absolute), creating it and missing parents 0700 when asked. The path is walked
  /// one component at a time with O_NOFOLLOW from "/", and each directory on the way is checked on its
  /// descriptor (detail::is_trusted_ancestor) before anything in it is used; a symlink is followed (like
  /// systemd's chase()) only out of a directory that passed that check. With make_private the directory
  /// itself must be this user's and writable by no one else, and group or other read bits are cleared
  /// through its descriptor (fchmod); without, it must pass the ancestors' rule (root's or the user's,
  /// writable by no one else unless sticky and root's). errc::denied names the directory that failed a
  /// check; errc::not_found when it is missing and create is false.
  [[nodiscard]] result<directory_type> open_directory(const std::filesystem::path& dir, directory_options opts = {}) {
    if (!dir.is_absolute()) {
      return error{errc::invalid_argument, detail::concat("file ", dir.native(), ": not an absolute path"),
                   "give the store an absolute fallback_dir"};
    }
    const uid_t user = ::geteuid();
    detail::unique_fd current{open_at(fs_op::open, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0)};
    if (current.get() < 0) return detail::fs_error(errno, "opening the directory", "/");
    std::filesystem::path walked{"/"};
    std::deque<std::string> todo;
    for (const auto& part : dir.relative_path()) todo.push_back(part.native());
    int links_followed = 0;
    struct stat st {};
    while (!todo.empty()) {
      const std::string part = std::move(todo.front());
      todo.pop_front();
      if (part.empty() || part == ".") continue;
      // Each directory is checked before anything in it is trusted, symlinks included: a link
      // is followed only from a directory that no one else can change.
      if (::fstat(current.get(), &st) != 0) return detail::fs_error(errno, "stat of the directory", walked.native());
      if (!detail::is_trusted_ancestor(st, user)) return detail::untrusted_directory(walked.native(), st);
      walked = part == ".." ? walked.parent_path() : walked / part;
      detail::unique_fd next{open_at(fs_op::open, current.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0)};
      if (next.get() < 0 && (errno == ELOOP || errno == ENOTDIR)) {
        if (auto target = read_link_at(current.get(), part)) {
          // In a sticky directory (/tmp) anyone may plant a link: follow only root's or our own
          // (what fs.protected_symlinks enforces, checked here whatever the sysctl says).
          struct stat link_st {};
          if (::fstatat(current.get(), part.c_str(), &link_st, AT_SYMLINK_NOFOLLOW) != 0 ||
              (link_st.st_uid != 0 && link_st.st_uid != user)) {
            return detail::untrusted_directory(walked.native(), link_st);
          }
          if (++links_followed > 40) return detail::fs_error(ELOOP, "following symlinks to", dir.native());
          const std::filesystem::path link{*target};
          walked = link.is_absolute() ? std::filesystem::path{"/"} : walked.parent_path();
          if (link.is_absolute()) {
            current = detail::unique_fd{open_at(fs_op::open, AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0)};
            if (current.get() < 0) return detail::fs_error(errno, "opening the directory", "/");
          }
          std::vector<std::string> parts;
          for (const auto& p : link.relative_path()) parts.push_back(p.native());
          todo.insert(todo.begin(), parts.begin(), parts.end());
          continue;
        }
        errno = ENOTDIR;
      }
      if (next.get() < 0 && errno == ENOENT && opts.create && part != "..") {
        if (int e = faults_.take(fs_op::mkdir); e != 0 || ::mkdirat(current.get(), part.c_str(), 0700) != 0) {
          const int err = e != 0 ? e : errno;
          if (err != EEXIST) return detail::fs_error(err, "creating the directory", walked.native());
        }
        next = detail::unique_fd{
            open_at(fs_op::open, current.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0)};
      }
      if (next.get() < 0) {
        if (errno == ENOENT) {
          return error{errc::not_found, detail::concat("file ", walked.native(), ": the directory does not exist"),
                       "store an entry first"};
        }
        return detail::fs_error(errno, "opening the directory", walked.native());
      }
      current = std::move(next);
    }
    if (int e = faults_.take(fs_op::stat); e != 0 || ::fstat(current.get(), &st) != 0) {
      return detail::fs_error(e != 0 ? e : errno, "stat of the directory", walked.native());
    }
    if (opts.make_private) {
      // Ours, and writable by no one else: others who could write it may already have hidden,
      // moved or put back entries, which tightening its mode now would not undo.
      if (st.st_uid != user || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        return detail::untrusted_directory(walked.native(), st);
      }
      if ((st.st_mode & 077) != 0 && ::fchmod(current.get(), 0700) != 0) {
        return detail::fs_error(errno, "restricting the directory to mode 700", walked.native());
      }
    } else if (!detail::is_trusted_ancestor(st, user)) {
      // Not ours to tighten (a config directory, /etc/...): it only must be safe from others.
      return detail::untrusted_directory(walked.native(), st);
    }
    return directory_type{dir, std::move(current), st.st_dev, st.st_ino};
  }

  /// Whether `dir` is still the directory at its path (not removed, renamed or replaced since it was
  /// opened): one stat of the path, compared with the open descriptor's identity.
  [[nodiscard]] bool still_current(const directory_type& dir) const {
    struct stat held {};
    return still_current(dir, held);
  }

  /// The directory's change stamp (fs/posix/directory_stamp.hpp) when it is still current, on a
  /// local file system, and settled: an equal stamp later proves the same entry names.
  [[nodiscard]] std::optional<detail::directory_stamp> change_stamp(const directory_type& dir) const {
    struct stat held {};
    if (!dir.local_timestamps() || !still_current(dir, held)) return std::nullopt;
    return detail::settled_stamp(held);
  }

  /// When `name` in `dir` was last modified (an optional hook: the re-seal candidates show it).
  [[nodiscard]] auto modified_time(const directory_type& dir, std::string_view name) const {
    return detail::modified_time_at(dir.fd(), name);
  }

  /// Replaces `name` in `dir` with `bytes`: temp file (0600) -> write -> fsync -> rename -> fsync(dir).
  /// On a failure before the rename the old contents stay and the temp file is removed. A failure
  /// of the final directory fsync is reported, though the new contents are in place.
  [[nodiscard]] result<void> write_atomic(const directory_type& dir, std::string_view name, std::string_view bytes) {
    const auto temp = detail::temp_name_for(name);
    detail::unique_fd fd{open_at(fs_op::open, dir.fd(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600)};
    if (fd.get() < 0) return detail::fs_error(errno, "creating a temporary file", dir.file(temp));

    auto fail = [&](int e, std::string_view what) -> error {
      fd.reset();
      ::unlinkat(dir.fd(), temp.c_str(), 0);
      return detail::fs_error(e, what, dir.file(name));
    };
    for (std::size_t done = 0; done < bytes.size();) {
      if (int e = faults_.take(fs_op::write); e != 0) return fail(e, "writing");
      const auto n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(errno, "writing");
      done += static_cast<std::size_t>(n);
    }
    if (int e = faults_.take(fs_op::fsync); e != 0 || ::fsync(fd.get()) != 0) {
      return fail(e != 0 ? e : errno, "flushing to disk (fsync)");
    }
    fd.reset();
    const std::string target{name};
    if (int e = faults_.take(fs_op::rename);
        e != 0 || ::renameat(dir.fd(), temp.c_str(), dir.fd(), target.c_str()) != 0) {
      return fail(e != 0 ? e : errno, "replacing the file (rename)");
    }
    if (auto synced = sync_directory(dir); !synced) {
      return error{
          synced.error().code(),
          detail::concat(synced.error().what(), " (the new contents are in place but may not survive a crash)"),
          "store the value again to be sure"};
    }
    return success();
  }

  /// The whole file. errc::not_found if it does not exist; errc::denied for a symlink, another user's
  /// file, or one others can read or write; errc::corrupt for a non-file or one too large to be an envelope.
  [[nodiscard]] result<std::string> read(const directory_type& dir, std::string_view name) {
    auto file = read_file(dir, name, detail::file_readers::owner_only);
    if (!file) return file.error();
    return std::move(file.value().bytes);
  }

  /// read() for a plaintext file a person owns and means to import (a config): the same refusals,
  /// except that a file others can read is returned, saying so (concepts.hpp's optional hook).
  [[nodiscard]] result<exposed_file> read_exposed(const directory_type& dir, std::string_view name) {
    return read_file(dir, name, detail::file_readers::anyone);
  }

  /// Removes `name` from `dir`: true if it existed, false if there was none.
  [[nodiscard]] result<bool> remove(const directory_type& dir, std::string_view name) {
    const std::string file{name};
    if (int e = faults_.take(fs_op::unlink); e != 0 || ::unlinkat(dir.fd(), file.c_str(), 0) != 0) {
      const int err = e != 0 ? e : errno;
      if (err == ENOENT) return false;
      return detail::fs_error(err, "removing", dir.file(name));
    }
    if (auto synced = sync_directory(dir); !synced) return synced.error();
    return true;
  }

  /// The names in `dir` (no "." or "..").
  [[nodiscard]] result<std::vector<std::string>> list(const directory_type& dir) {
    if (int e = faults_.take(fs_op::list); e != 0) return detail::fs_error(e, "listing", dir.path().native());
    // fdopendir takes the descriptor it is given: list through a duplicate, from the start.
    const int copy = ::fcntl(dir.fd(), F_DUPFD_CLOEXEC, 0);
    if (copy < 0) return detail::fs_error(errno, "listing", dir.path().native());
    DIR* handle = ::fdopendir(copy);
    if (handle == nullptr) {
      const int err = errno;
      ::close(copy);
      return detail::fs_error(err, "listing", dir.path().native());
    }
    ::rewinddir(handle);
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* entry = ::readdir(handle)) {
      const std::string_view name{entry->d_name};
      if (name != "." && name != "..") names.emplace_back(name);
    }
    const int err = errno;
    ::closedir(handle);
    if (err != 0) return detail::fs_error(err, "listing", dir.path().native());
    return names;
  }

  /// An exclusive advisory lock on `name` in `dir` (created 0600), shared by threads and processes.
  /// The lock file must be this user's private regular file: one another user planted (whose
  /// flock would stall every write) is errc::denied. Waits detail::lock_wait, then errc::timeout.
  [[nodiscard]] result<lock_type> lock(const directory_type& dir, std::string_view name) {
    const std::string file{name};
    detail::unique_fd fd{
        open_at(fs_op::lock, dir.fd(), file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0600)};
    if (fd.get() < 0) return detail::fs_error(errno, "opening the lock file", dir.file(name));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return detail::fs_error(errno, "stat of the lock file", dir.file(name));
    if (!S_ISREG(st.st_mode)) return detail::not_a_regular_file(st.st_mode, "using the lock file", dir.file(name));
    if (auto owned = detail::check_private_file(st, dir.file(name)); !owned) return owned.error();
    const auto deadline = std::chrono::steady_clock::now() + detail::lock_wait;
    auto pause = std::chrono::microseconds{50};
    while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno == EINTR) continue;
      if (errno != EWOULDBLOCK) return detail::fs_error(errno, "locking", dir.file(name));
      if (std::chrono::steady_clock::now() >= deadline) {
        return error{
            errc::timeout,
            detail::concat("file ", dir.file(name), ": another writer held the lock for ", detail::lock_wait.count(),
                           " ms (another process, or one waiting for a passphrase)"),
            "retry, or end that process"};
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds{5000});
    }
    return lock_type{std::move(fd)};
  }

  /// Removes temporary files ("." name ".tmp." 16 hex) a crashed writer left in `dir`, older than
  /// `age`. Call it only under the directory's write lock (every live writer holds it, so what is
  /// found is a leftover). Returns how many were removed.
  [[nodiscard]] result<std::size_t> sweep_temp_files(const directory_type& dir, std::chrono::seconds age) {
    auto names = list(dir);
    if (!names) return names.error();
    std::size_t removed = 0;
    const auto now = std::chrono::system_clock::now();
    for (const auto& name : names.value()) {
      if (!is_temp_name(name)) continue;
      struct stat st {};
      if (::fstatat(dir.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      const auto modified = std::chrono::system_clock::time_point{std::chrono::seconds{st.st_mtim.tv_sec}};
      if (now - modified < age) continue;
      if (::unlinkat(dir.fd(), name.c_str(), 0) == 0) ++removed;
    }
    return removed;
  }

  /// Whether `name` is a temporary file of write_atomic: "." + name + ".tmp." + 16 hex digits.
  [[nodiscard]] static bool is_temp_name(std::string_view name) noexcept {
    if (name.size() < 1 + detail::temp_marker.size() + 16 || name.front() != '.') return false;
    const auto suffix = name.substr(name.size() - 16);
    const auto marker = name.substr(name.size() - 16 - detail::temp_marker.size(), detail::temp_marker.size());
    return marker == detail::temp_marker && suffix.find_first_not_of("0123456789abcdef") == std::string_view::npos;
  }

 protected:
  Faults faults_{};

 private:
  // still_current(dir), keeping the directory's fstat.
  static bool still_current(const directory_type& dir, struct stat& held) {
    return detail::stat_if_at_path(dir.path().c_str(), dir.fd(), dir.dev(), dir.ino(), held);
  }
  int open_at(fs_op op, int dir_fd, const char* name, int flags, mode_t mode) {
    if (int e = faults_.take(op); e != 0) {
      errno = e;
      return -1;
    }
    int fd = -1;
    do {
      fd = ::openat(dir_fd, name, flags | O_CLOEXEC, mode);
    } while (fd < 0 && errno == EINTR);
    return fd;
  }

  // The target of the symlink `name` in `dir`, or nullopt when it is not a symlink.
  static std::optional<std::string> read_link_at(int dir, const std::string& name) {
    std::string target(PATH_MAX, '\0');
    const auto n = ::readlinkat(dir, name.c_str(), target.data(), target.size());
    if (n < 0 || static_cast<std::size_t>(n) >= target.size()) return std::nullopt;
    target.resize(static_cast<std::size_t>(n));
    return target;
  }

  result<exposed_file> read_file(const directory_type& dir, std::string_view name, detail::file_readers readers) {
    const std::string file{name};
    detail::unique_fd fd{open_at(fs_op::open, dir.fd(), file.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0)};
    if (fd.get() < 0) {
      if (errno == ENOENT) {
        return error{errc::not_found, detail::concat("file ", dir.file(name), ": does not exist"), "store it first"};
      }
      return detail::fs_error(errno, "opening", dir.file(name));
    }
    struct stat st {};
    if (int e = faults_.take(fs_op::stat); e != 0 || ::fstat(fd.get(), &st) != 0) {
      return detail::fs_error(e != 0 ? e : errno, "stat", dir.file(name));
    }
    if (!S_ISREG(st.st_mode)) return detail::not_a_regular_file(st.st_mode, "reading", dir.file(name));
    if (auto owned = detail::check_private_file(st, dir.file(name), readers); !owned) return owned.error();
    if (static_cast<std::size_t>(st.st_size) > detail::max_file_bytes) {
      return error{errc::corrupt,
                   detail::concat("file ", dir.file(name), ": ", st.st_size, " bytes is too large to be an entry"),
                   "delete it"};
    }
    exposed_file out{std::string(static_cast<std::size_t>(st.st_size), '\0'), (st.st_mode & 077) != 0};
    auto& bytes = out.bytes;
    std::size_t done = 0;
    while (done < bytes.size()) {
      if (int e = faults_.take(fs_op::read); e != 0) return detail::fs_error(e, "reading", dir.file(name));
      const auto n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return detail::fs_error(errno, "reading", dir.file(name));
      if (n == 0) break;  // shrank while we read; the envelope check will reject the rest
      done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);
    return out;
  }

  // The rename is durable only once the directory entry is on disk (fsync(2), NOTES).
  result<void> sync_directory(const directory_type& dir) {
    if (int e = faults_.take(fs_op::fsync_dir); e != 0 || ::fsync(dir.fd()) != 0) {
      return detail::fs_error(e != 0 ? e : errno, "flushing the directory (fsync)", dir.path().native());
    }
    return success();
  }

};

/// The real POSIX file policy. Meets fs_policy.
using posix_fs = basic_posix_fs<detail::no_faults>;
static_assert(fs_policy<posix_fs>);

}  // namespace securestore

// fs/posix.hpp: the POSIX file policy: durable atomic writes, owner-only permissions, symlink-
// refusing reads and a cross-process advisory lock. basic_posix_fs takes a fault hook so tests
// can fail any single syscall (fs/faulty.hpp); posix_fs is the real thing.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <securestore/concepts.hpp>
#include <securestore/detail/concat.hpp>
#include <securestore/detail/errno.hpp>
#include <securestore/error.hpp>

namespace securestore {

namespace detail {

/// The fault hook of the real policy: never injects anything, and costs nothing.
struct no_faults {
  [[nodiscard]] static constexpr int take(fs_op) noexcept { return 0; }
};

/// Largest file read() accepts: envelopes are small, and a huge file must not exhaust memory.
inline constexpr std::size_t max_file_bytes = 4 * 1024 * 1024;

/// How long lock() waits for another holder before errc::timeout.
inline constexpr std::chrono::milliseconds lock_wait{10000};

/// A file descriptor closed on destruction.
class unique_fd {
 public:
  unique_fd() = default;
  explicit unique_fd(int fd) noexcept : fd_{fd} {}
  unique_fd(unique_fd&& other) noexcept : fd_{std::exchange(other.fd_, -1)} {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~unique_fd() { reset(); }
  [[nodiscard]] int get() const noexcept { return fd_; }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace detail

/// Files in one directory, written atomically and durably, readable only by their owner.
/// `Faults::take(op)` returns an errno to inject for that syscall, or 0. Meets fs_policy;
/// thread-safe (each call uses its own descriptors).
template <class Faults>
class basic_posix_fs {
 public:
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

  /// Creates `dir` (and parents) with mode 0700, or checks an existing one: it must be a
  /// directory owned by this user that no one else can write (else errc::denied).
  [[nodiscard]] result<void> ensure_directory(const std::filesystem::path& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
      if (errno != ENOENT) return detail::fs_error(errno, "stat of the directory", dir.native());
      if (!dir.has_parent_path() || dir.parent_path() == dir) {
        return detail::fs_error(ENOENT, "finding the directory", dir.native());
      }
      if (auto parent = ensure_parent(dir.parent_path()); !parent) return parent;
      if (int e = faults_.take(fs_op::mkdir); e != 0 || ::mkdir(dir.c_str(), 0700) != 0) {
        const int err = e != 0 ? e : errno;
        if (err != EEXIST) return detail::fs_error(err, "creating the directory", dir.native());
      }
      if (::stat(dir.c_str(), &st) != 0) return detail::fs_error(errno, "stat of the directory", dir.native());
    }
    if (!S_ISDIR(st.st_mode)) return detail::fs_error(ENOTDIR, "using the directory", dir.native());
    if (st.st_uid != ::geteuid()) {
      return error{errc::denied, detail::concat("file ", dir.native(),
                                                ": the directory belongs to another user; "
                                                "choose a fallback_dir of your own")};
    }
    if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0) {
      return detail::fs_error(errno, "restricting the directory to mode 700", dir.native());
    }
    return success();
  }

  /// Replaces `path` with `bytes`: temp file (0600) -> write -> fsync -> rename -> fsync(dir).
  /// On a failure before the rename the old contents stay and the temp file is removed. A
  /// failure of the final directory fsync is reported, though the new contents are in place.
  [[nodiscard]] result<void> write_atomic(const std::filesystem::path& path, std::string_view bytes) {
    const auto temp = temp_path_for(path);
    detail::unique_fd fd{open_file(fs_op::open, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600)};
    if (fd.get() < 0) return detail::fs_error(errno, "creating a temporary file", temp.native());

    auto fail = [&](int e, std::string_view what) -> error {
      fd.reset();
      ::unlink(temp.c_str());
      return detail::fs_error(e, what, path.native());
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
    if (int e = faults_.take(fs_op::rename); e != 0 || ::rename(temp.c_str(), path.c_str()) != 0) {
      return fail(e != 0 ? e : errno, "replacing the file (rename)");
    }
    if (auto synced = sync_directory(path.parent_path()); !synced) {
      return error{synced.error().code(), detail::concat(synced.error().message(),
                                                         " (the new contents are in place but may not survive a "
                                                         "crash; store the value again to be sure)")};
    }
    return success();
  }

  /// The whole file. errc::not_found if it does not exist; errc::denied for a symlink, another
  /// user's file, or one that other users can read or write; errc::corrupt for a non-file or a
  /// file too large to be an envelope.
  [[nodiscard]] result<std::string> read(const std::filesystem::path& path) {
    detail::unique_fd fd{open_file(fs_op::open, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0)};
    if (fd.get() < 0) {
      if (errno == ENOENT) {
        return error{errc::not_found, detail::concat("file ", path.native(), ": does not exist; store it first")};
      }
      return detail::fs_error(errno, "opening", path.native());
    }
    struct stat st {};
    if (int e = faults_.take(fs_op::stat); e != 0 || ::fstat(fd.get(), &st) != 0) {
      return detail::fs_error(e != 0 ? e : errno, "stat", path.native());
    }
    if (!S_ISREG(st.st_mode)) return detail::fs_error(EISDIR, "reading", path.native());
    if (auto owned = check_private(st, path); !owned) return owned.error();
    if (static_cast<std::size_t>(st.st_size) > detail::max_file_bytes) {
      return error{errc::corrupt, detail::concat("file ", path.native(), ": ", st.st_size,
                                                 " bytes is too large to be an entry; delete it")};
    }
    std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t done = 0;
    while (done < bytes.size()) {
      if (int e = faults_.take(fs_op::read); e != 0) return detail::fs_error(e, "reading", path.native());
      const auto n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return detail::fs_error(errno, "reading", path.native());
      if (n == 0) break;  // shrank while we read; the envelope check will reject the rest
      done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);
    return bytes;
  }

  /// Removes the file: true if it existed, false if there was none.
  [[nodiscard]] result<bool> remove(const std::filesystem::path& path) {
    if (int e = faults_.take(fs_op::unlink); e != 0 || ::unlink(path.c_str()) != 0) {
      const int err = e != 0 ? e : errno;
      if (err == ENOENT) return false;
      return detail::fs_error(err, "removing", path.native());
    }
    if (auto synced = sync_directory(path.parent_path()); !synced) return synced.error();
    return true;
  }

  /// The names in `dir` (no "." or ".."); a missing directory has none.
  [[nodiscard]] result<std::vector<std::string>> list(const std::filesystem::path& dir) {
    if (int e = faults_.take(fs_op::list); e != 0) return detail::fs_error(e, "listing", dir.native());
    DIR* handle = ::opendir(dir.c_str());
    if (handle == nullptr) {
      if (errno == ENOENT) return std::vector<std::string>{};
      return detail::fs_error(errno, "listing", dir.native());
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* entry = ::readdir(handle)) {
      const std::string_view name{entry->d_name};
      if (name != "." && name != "..") names.emplace_back(name);
    }
    const int err = errno;
    ::closedir(handle);
    if (err != 0) return detail::fs_error(err, "listing", dir.native());
    return names;
  }

  /// An exclusive advisory lock on `path` (created 0600), shared by threads and processes.
  /// Waits up to detail::lock_wait for another holder, then errc::timeout.
  [[nodiscard]] result<lock_type> lock(const std::filesystem::path& path) {
    detail::unique_fd fd{open_file(fs_op::lock, path, O_RDWR | O_CREAT | O_NOFOLLOW, 0600)};
    if (fd.get() < 0) return detail::fs_error(errno, "opening the lock file", path.native());
    const auto deadline = std::chrono::steady_clock::now() + detail::lock_wait;
    auto pause = std::chrono::microseconds{50};
    while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno == EINTR) continue;
      if (errno != EWOULDBLOCK) return detail::fs_error(errno, "locking", path.native());
      if (std::chrono::steady_clock::now() >= deadline) {
        return error{errc::timeout, detail::concat("file ", path.native(), ": another writer held the lock for ",
                                                   detail::lock_wait.count(),
                                                   " ms (another process, or one waiting for a passphrase); "
                                                   "retry, or end that process")};
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::microseconds{5000});
    }
    return lock_type{std::move(fd)};
  }

 protected:
  Faults faults_{};

 private:
  int open_file(fs_op op, const std::filesystem::path& path, int flags, mode_t mode) {
    if (int e = faults_.take(op); e != 0) {
      errno = e;
      return -1;
    }
    int fd = -1;
    do {
      fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    } while (fd < 0 && errno == EINTR);
    return fd;
  }

  // Parents are created 0700 too, but an existing parent is not checked: only the store's own
  // directory must be private (~/.local/share is the user's business).
  result<void> ensure_parent(const std::filesystem::path& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) return success();
    if (dir.has_parent_path() && dir.parent_path() != dir) {
      if (auto parent = ensure_parent(dir.parent_path()); !parent) return parent;
    }
    if (int e = faults_.take(fs_op::mkdir); e != 0 || (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)) {
      return detail::fs_error(e != 0 ? e : errno, "creating the directory", dir.native());
    }
    return success();
  }

  // The rename is durable only once the directory entry is on disk (fsync(2), NOTES).
  result<void> sync_directory(const std::filesystem::path& dir) {
    detail::unique_fd fd{open_file(fs_op::fsync_dir, dir, O_RDONLY | O_DIRECTORY, 0)};
    if (fd.get() < 0) return detail::fs_error(errno, "opening the directory to flush it", dir.native());
    if (int e = faults_.take(fs_op::fsync_dir); e != 0 || ::fsync(fd.get()) != 0) {
      return detail::fs_error(e != 0 ? e : errno, "flushing the directory (fsync)", dir.native());
    }
    return success();
  }

  static result<void> check_private(const struct stat& st, const std::filesystem::path& path) {
    if (st.st_uid != ::geteuid()) {
      return error{errc::denied, detail::concat("file ", path.native(),
                                                ": belongs to another user; "
                                                "securestore reads only files of the user running it")};
    }
    if ((st.st_mode & 077) != 0) {
      return error{errc::denied, detail::concat("file ", path.native(),
                                                ": other users can read or write it; "
                                                "run chmod 600 on it if you trust its contents, else delete it")};
    }
    return success();
  }

  // ".<name>.tmp.<16 hex>" beside the target: same file system (rename is atomic), hidden, and
  // never mistaken for an entry (entries end in ".enc").
  static std::filesystem::path temp_path_for(const std::filesystem::path& path) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    constexpr char hex[] = "0123456789abcdef";
    std::string suffix(16, '0');
    auto bits = rng();
    for (auto& c : suffix) {
      c = hex[bits & 0xFU];
      bits >>= 4U;
    }
    auto temp = path;
    temp.replace_filename(detail::concat(".", path.filename().native(), ".tmp.", suffix));
    return temp;
  }
};

/// The real POSIX file policy. Meets fs_policy.
using posix_fs = basic_posix_fs<detail::no_faults>;
static_assert(fs_policy<posix_fs>);

}  // namespace securestore

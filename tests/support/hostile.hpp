// support/hostile.hpp: what the hostile-environment tests share: a store under a private
// directory, an outcome of a store call a child process can send back, a child that runs as
// another user or with changed limits, a size-limited tmpfs, and the reliability-log line.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include <securestore/error.hpp>
#include <securestore/file_store.hpp>

#include "support/stores.hpp"
#include "support/temp_dir.hpp"

namespace securestore::test {

/// The value every hostile case stores before the hostile change, and must still read after.
inline constexpr std::string_view held_value = "held-value-6c2a91";

/// The nobody user, whom root can hand files to and become.
inline constexpr uid_t nobody = 65534;

/// What a store call ended in: ok, or a code and its message. A child sends it as one line.
struct outcome {
  bool ok = false;
  errc code{};
  std::string message;

  template <class T>
  static outcome of(const result<T>& r) {
    if (r) return {true, {}, {}};
    return {false, r.error().code(), r.error().message()};
  }
  [[nodiscard]] std::string encode() const {
    return std::to_string(ok ? 0 : static_cast<int>(code)) + "|" + message;
  }
  [[nodiscard]] static outcome decode(std::string_view line) {
    const auto bar = line.find('|');
    if (bar == std::string_view::npos) return {false, errc::unavailable, "child sent nothing"};
    const int code = std::stoi(std::string{line.substr(0, bar)});
    return {code == 0, static_cast<errc>(code), std::string{line.substr(bar + 1)}};
  }
};

/// A refusal with `code`, whose message says `phrase` and never the held value.
inline void require_refusal(const outcome& o, errc code, std::string_view phrase) {
  REQUIRE_FALSE(o.ok);
  REQUIRE(o.code == code);
  INFO("message: " << o.message);
  REQUIRE(o.message.find(phrase) != std::string::npos);
  REQUIRE(o.message.find(held_value) == std::string::npos);
}

/// Runs `body` in a forked child (as `uid` when given; the caller is then root) and returns the
/// text it produced. The child never returns into Catch2: it writes its text and _exits.
inline std::string in_child(const std::function<std::string()>& body, std::optional<uid_t> uid = std::nullopt) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    if (uid && (::setgroups(0, nullptr) != 0 || ::setresgid(*uid, *uid, *uid) != 0 || ::setresuid(*uid, *uid, *uid) != 0)) {
      ::_exit(3);
    }
    std::string text;
    try {
      text = body();
    } catch (...) {
      ::_exit(5);
    }
    const auto n = ::write(fds[1], text.data(), text.size());
    ::_exit(n == static_cast<ssize_t>(text.size()) ? 0 : 4);
  }
  ::close(fds[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  return text;
}

/// Whether this process may act as root (mounts, other users' files). Under CI=true a case that
/// needs root and does not have it fails; elsewhere it is skipped, saying so.
inline bool can_act_as_root(std::string_view what) {
  if (::geteuid() == 0) return true;
  const char* ci = std::getenv("CI");
  if (ci != nullptr && std::string_view{ci} == "true") FAIL("this case needs root: " << what);
  WARN("skipped (needs root): " << what);
  return false;
}

/// A tmpfs of `kib` KiB mounted on a fresh directory, unmounted when this dies. Needs root.
class tmpfs_mount {
 public:
  explicit tmpfs_mount(const temp_dir& dir, std::size_t kib) : path_{dir / "mnt"} {
    std::filesystem::create_directories(path_);
    const auto options = "size=" + std::to_string(kib) + "k,mode=0700";
    REQUIRE(::mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) == 0);
  }
  ~tmpfs_mount() { ::umount2(path_.c_str(), MNT_DETACH); }
  tmpfs_mount(const tmpfs_mount&) = delete;
  tmpfs_mount& operator=(const tmpfs_mount&) = delete;

  /// Remounts it read-only (or back read-write).
  void set_read_only(bool read_only) {
    const unsigned long flags = MS_REMOUNT | (read_only ? static_cast<unsigned long>(MS_RDONLY) : 0UL);
    REQUIRE(::mount("tmpfs", path_.c_str(), "tmpfs", flags, nullptr) == 0);
  }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

/// Options keeping a store's files under `root` (which need not be a temp_dir).
inline store_options options_under(const std::filesystem::path& root) {
  store_options o;
  o.fallback_dir = root / "entries";
  o.root_secret_path = root / "root.key";
  o.interaction = interaction::never;
  return o;
}

/// Appends "<section><TAB><metric><TAB><value>" to $SECURESTORE_RELIABILITY_LOG (when set) in
/// one O_APPEND write; scripts/write-reliability.sh counts and tabulates these lines.
inline void record_reliability(std::string_view section, std::string_view metric, std::string_view value) {
  const char* log = std::getenv("SECURESTORE_RELIABILITY_LOG");
  if (log == nullptr || *log == '\0') return;
  std::string line{section};
  line.append("\t").append(metric).append("\t").append(value).append("\n");
  const int fd = ::open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  (void)!::write(fd, line.data(), line.size());
  ::close(fd);
}

/// Records that the hostile case `name` passed.
inline void record_hostile_case(std::string_view name) { record_reliability("hostile environments", name, "passed"); }

}  // namespace securestore::test

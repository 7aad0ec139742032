// keyring/pass/spawn.hpp: runs a program with an argument vector (posix_spawn, never a shell),
// feeding stdin and collecting stdout, stderr and a status pipe on fd 3, within a time bound.
// Part of keyring/pass.hpp.
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <botan/secmem.h>

extern "C" char** environ;

namespace securestore::detail {

/// What a spawned program did.
struct pass_run {
  int spawn_errno = 0;                     ///< non-zero when the program could not be started
  int wait_errno = 0;                      ///< non-zero when its exit status was lost (waitpid failed)
  bool timed_out = false;                  ///< true when it was killed at the bound
  int exit_status = -1;                    ///< the exit status, or 128 + signal; -1 while unknown
  Botan::secure_vector<std::uint8_t> out;  ///< stdout, zeroized when freed (it may hold a secret)
  std::string status;                      ///< what the program (gpg) wrote on fd 3: "[GNUPG:] ..." lines

  /// Whether the program is known to have exited with status 0.
  [[nodiscard]] bool succeeded() const noexcept {
    return spawn_errno == 0 && wait_errno == 0 && !timed_out && exit_status == 0;
  }
};

/// A PATH value with its empty and relative elements removed: those name the current directory
/// (or one below it), where whoever can write it could plant a `pass` or a `gpg`.
[[nodiscard]] inline std::string pass_absolute_path_elements(std::string_view search_path) {
  std::string kept;
  std::size_t at = 0;
  while (at <= search_path.size()) {
    auto end = search_path.find(':', at);
    if (end == std::string_view::npos) end = search_path.size();
    const auto element = search_path.substr(at, end - at);
    if (element.starts_with('/')) {
      if (!kept.empty()) kept += ':';
      kept += element;
    }
    at = end + 1;
  }
  return kept;
}

/// The PATH a program is looked up in: $PATH, else the system's default (confstr(_CS_PATH)).
[[nodiscard]] inline std::string pass_search_path() {
  if (const char* path = std::getenv("PATH"); path != nullptr) return path;
  std::string fallback(::confstr(_CS_PATH, nullptr, 0), '\0');
  if (fallback.empty()) return "/usr/bin:/bin";
  ::confstr(_CS_PATH, fallback.data(), fallback.size());
  fallback.pop_back();  // confstr counts the NUL
  return fallback;
}

/// The absolute path of the program `name`: `name` itself when absolute; else the first
/// executable regular file called `name` in an absolute element of `search_path` (a PATH value;
/// empty and relative elements are skipped, see pass_absolute_path_elements). nullopt when there
/// is none, or when `name` is a relative path with a '/' (it would depend on the current directory).
[[nodiscard]] inline std::optional<std::string> pass_find_program(std::string_view name, std::string_view search_path) {
  auto executable = [](const std::string& file) {
    struct stat info {};
    return ::stat(file.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(file.c_str(), X_OK) == 0;
  };
  if (name.empty()) return std::nullopt;
  if (name.starts_with('/')) return executable(std::string{name}) ? std::optional<std::string>{name} : std::nullopt;
  if (name.find('/') != std::string_view::npos) return std::nullopt;
  const auto kept = pass_absolute_path_elements(search_path);
  std::size_t at = 0;
  while (at < kept.size()) {
    auto end = kept.find(':', at);
    if (end == std::string::npos) end = kept.size();
    auto file = kept.substr(at, end - at);
    if (!file.ends_with('/')) file += '/';
    file += name;
    if (executable(file)) return file;
    at = end + 1;
  }
  return std::nullopt;
}

namespace pass_spawn_detail {

enum class wait_outcome { exited, timed_out, lost };

// Waits for `pid` until `deadline` without blocking past it: waitpid(WNOHANG) with growing pauses
// (1 ms to 50 ms), since a plain waitpid has no timeout. A status another party took (SIGCHLD
// ignored: the kernel reaps; a handler that reaps every child) is lost, never a success.
inline wait_outcome wait_until(pid_t pid, int& wait_status, int& wait_errno,
                               std::chrono::steady_clock::time_point deadline) {
  auto pause = std::chrono::milliseconds{1};
  for (;;) {
    const pid_t got = ::waitpid(pid, &wait_status, WNOHANG);
    if (got == pid) return wait_outcome::exited;
    if (got < 0 && errno != EINTR) {
      wait_errno = errno;
      return wait_outcome::lost;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return wait_outcome::timed_out;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
    pause = std::min(pause * 2, std::chrono::milliseconds{50});
  }
}

}  // namespace pass_spawn_detail

/// Runs `argv` with `environment` (complete "NAME=value" strings), writes `input` to its stdin
/// and closes it, and collects stdout and fd 3 until the program exits. stderr is discarded (it
/// is text for people; the status pipe is the structured part).
/// - argv[0] is run by absolute path: a bare name is looked up with pass_find_program in this
///   process's PATH; a relative path with a '/' is not run (spawn_errno ENOENT).
/// - A PATH in `environment` is passed on without its empty and relative elements, so the
///   program's own children (pass runs gpg, git, mkdir by name) cannot come from the cwd either.
/// - The program inherits only stdin, stdout, stderr and fd 3: every other descriptor is closed
///   in the child, whether or not it was opened with O_CLOEXEC (glibc 2.34 and later).
/// - `bound` covers the whole run, the wait for the exit included: past it the process group
///   (the program and its children, e.g. gpg) is killed, and timed_out is set.
/// - An exit status that cannot be collected (waitpid fails: SIGCHLD is ignored, or another
///   handler reaped the child) sets wait_errno and leaves exit_status at -1: never a success.
[[nodiscard]] inline pass_run pass_spawn(const std::vector<std::string>& argv,
                                         const std::vector<std::string>& environment, std::string_view input,
                                         std::chrono::milliseconds bound) {
  pass_run run;
  const auto deadline = std::chrono::steady_clock::now() + bound;
  if (argv.empty()) {
    run.spawn_errno = EINVAL;
    return run;
  }
  const auto program = pass_find_program(argv[0], pass_search_path());
  if (!program) {
    run.spawn_errno = ENOENT;
    return run;
  }
  std::array<int, 2> in{-1, -1}, out{-1, -1}, status{-1, -1};
  auto close_fd = [](int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  };
  auto close_all = [&] {
    for (auto* pipe : {&in, &out, &status}) {
      close_fd((*pipe)[0]);
      close_fd((*pipe)[1]);
    }
  };
  if (::pipe2(in.data(), O_CLOEXEC) != 0 || ::pipe2(out.data(), O_CLOEXEC) != 0 ||
      ::pipe2(status.data(), O_CLOEXEC) != 0) {
    run.spawn_errno = errno;
    close_all();
    return run;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, status[1], 3);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  // Descriptors this process opened without O_CLOEXEC (Debian's Botan opens /dev/urandom so)
  // must not reach pass, gpg and whatever they run.
  posix_spawn_file_actions_addclosefrom_np(&actions, 4);
#endif
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Its own process group, so a timeout kills gpg too; default signal dispositions and mask.
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &all);
  posix_spawnattr_setflags(&attributes,
                           static_cast<short>(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF));

  std::vector<char*> args;
  args.push_back(const_cast<char*>(program->c_str()));
  for (std::size_t i = 1; i < argv.size(); ++i) args.push_back(const_cast<char*>(argv[i].c_str()));
  args.push_back(nullptr);
  std::vector<std::string> cleaned;
  cleaned.reserve(environment.size());
  for (const auto& e : environment) {
    cleaned.push_back(e.starts_with("PATH=") ? "PATH=" + pass_absolute_path_elements(std::string_view{e}.substr(5))
                                             : e);
  }
  std::vector<char*> env;
  for (const auto& e : cleaned) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);

  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, program->c_str(), &actions, &attributes, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close_fd(in[0]);
  close_fd(out[1]);
  close_fd(status[1]);
  if (spawned != 0) {
    run.spawn_errno = spawned;
    close_all();
    return run;
  }

  // A child that exits before reading all of stdin must not kill us with SIGPIPE: block it in
  // this thread while we write, and swallow one that we raised.
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);
  ::fcntl(in[1], F_SETFL, O_NONBLOCK);
  if (input.empty()) close_fd(in[1]);

  std::size_t written = 0;
  std::array<char, 4096> buffer{};
  while (out[0] >= 0 || status[0] >= 0 || in[1] >= 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      run.timed_out = true;
      break;
    }
    std::array<pollfd, 3> fds{pollfd{out[0], POLLIN, 0}, pollfd{status[0], POLLIN, 0}, pollfd{in[1], POLLOUT, 0}};
    if (::poll(fds.data(), fds.size(), static_cast<int>(left.count())) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
      if (n > 0) {
        if (i == 0) {
          run.out.insert(run.out.end(), buffer.begin(), buffer.begin() + n);
        } else {
          run.status.append(buffer.data(), static_cast<std::size_t>(n));
        }
      } else if (n == 0 || errno != EINTR) {
        close_fd(i == 0 ? out[0] : status[0]);
      }
    }
    if (in[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t n = ::write(in[1], input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) close_fd(in[1]);
    }
  }
  Botan::secure_scrub_memory(buffer.data(), buffer.size());
  close_all();

  // The pipes are closed, but the program may live on (it closed them itself): the bound holds
  // for its exit too. The child is not reaped before the kill, so its pid is still its group's.
  using pass_spawn_detail::wait_outcome;
  int wait_status = 0;
  auto waited = run.timed_out ? wait_outcome::timed_out
                              : pass_spawn_detail::wait_until(pid, wait_status, run.wait_errno, deadline);
  if (waited == wait_outcome::timed_out) {
    run.timed_out = true;
    ::kill(-pid, SIGKILL);
    // SIGKILL ends it at once unless it sleeps in the kernel; a short grace, then leave it.
    waited = pass_spawn_detail::wait_until(pid, wait_status, run.wait_errno,
                                           std::chrono::steady_clock::now() + std::chrono::seconds{1});
  }
  if (waited == wait_outcome::exited) {
    if (WIFEXITED(wait_status)) run.exit_status = WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) run.exit_status = 128 + WTERMSIG(wait_status);
  }

  timespec zero{};
  while (sigtimedwait(&pipe_only, nullptr, &zero) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return run;
}

}  // namespace securestore::detail

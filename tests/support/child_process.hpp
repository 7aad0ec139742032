// support/child_process.hpp: a child program run with its stdout on a pipe, which a test reads
// line by line, kills at any moment (SIGKILL) and reaps.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace securestore::test {

/// A running child whose stdout the test reads. Killed and reaped when destroyed.
class child_process {
 public:
  explicit child_process(const std::vector<std::string>& args) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    std::vector<std::string> copies = args;
    std::vector<char*> argv;
    for (auto& a : copies) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);  // dup2 clears O_CLOEXEC
    const int spawned = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    out_ = fds[0];
    if (spawned != 0) {
      ::close(out_);
      throw std::runtime_error("posix_spawn of " + args.front() + " failed");
    }
  }
  ~child_process() {
    if (pid_ > 0) {
      kill();
      (void)wait();
    }
    if (out_ >= 0) ::close(out_);
  }
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Reads until a whole line equal to `line` has arrived: false on EOF or after `timeout`.
  bool wait_for_line(std::string_view line, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!has_line(line)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{out_, POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return false;
      if (!read_some()) return false;
    }
    return true;
  }

  /// Sends SIGKILL: the child dies wherever it is, as in a crash or a power cut of the process.
  void kill() const { (void)::kill(pid_, SIGKILL); }

  /// Reaps the child and returns its wait status (once; later calls return the same).
  int wait() {
    if (pid_ > 0) {
      while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
      }
      pid_ = -1;
    }
    return status_;
  }

  /// Reads what is left on the pipe, to EOF (call after the child ended), and returns everything
  /// the child wrote.
  const std::string& read_all() {
    while (read_some()) {
    }
    return output_;
  }

  [[nodiscard]] const std::string& output() const noexcept { return output_; }

 private:
  bool has_line(std::string_view line) const {
    const std::string whole = std::string{line} + '\n';
    return output_.starts_with(whole) || output_.find('\n' + whole) != std::string::npos;
  }
  // One read: false at EOF or on an error.
  bool read_some() {
    char buffer[4096];
    for (;;) {
      const auto n = ::read(out_, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      output_.append(buffer, static_cast<std::size_t>(n));
      return true;
    }
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int status_ = 0;
  std::string output_;
};

/// The number on the last line of `output` that starts with `prefix` ("acked " -> 41), if any.
/// Lines are written whole (one write each, shorter than PIPE_BUF), so no line is torn.
[[nodiscard]] inline std::optional<long> last_number_after(const std::string& output, std::string_view prefix) {
  std::optional<long> found;
  std::size_t start = 0;
  while (start < output.size()) {
    auto end = output.find('\n', start);
    if (end == std::string::npos) break;
    const std::string_view line{output.data() + start, end - start};
    if (line.starts_with(prefix)) found = std::stol(std::string{line.substr(prefix.size())});
    start = end + 1;
  }
  return found;
}

}  // namespace securestore::test

// cli/run_tool.hpp: runs the built `securestore` binary (or any program) as a child process
// through pipes, with a controlled environment, and collects its status and output.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace securestore::test {

/// What a finished child process left behind.
struct run_result {
  int status = -1;  ///< the exit status, or 128 + the signal that killed it
  std::string out;
  std::string err;
  /// Everything the process printed, for leak checks.
  [[nodiscard]] std::string all() const { return out + err; }
};

/// An environment: the test's own, with some variables replaced (a value) or removed (nullopt).
using env_changes = std::map<std::string, std::optional<std::string>>;

/// Runs `argv` (argv[0] looked up in PATH) with `input` on stdin (a pipe; nullopt: /dev/null),
/// and waits for it. Throws std::runtime_error only if it cannot be started.
inline run_result run_program(const std::vector<std::string>& argv, const std::optional<std::string>& input,
                              const env_changes& changes) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry{*e};
    const auto name = entry.substr(0, entry.find('='));
    if (changes.find(name) == changes.end()) env_strings.push_back(entry);
  }
  for (const auto& [name, value] : changes) {
    if (value) env_strings.push_back(name + "=" + *value);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (auto& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);

  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (input) {
      ::dup2(in[0], STDIN_FILENO);
    } else {
      const int null = ::open("/dev/null", O_RDONLY);
      ::dup2(null, STDIN_FILENO);
    }
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    ::execvpe(argp[0], argp.data(), envp.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  if (input) {
    // Small inputs fit the pipe; a child that exits early must not kill the test with SIGPIPE.
    ::signal(SIGPIPE, SIG_IGN);
    std::size_t done = 0;
    while (done < input->size()) {
      const auto n = ::write(in[1], input->data() + done, input->size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
  }
  ::close(in[1]);
  run_result result;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      char buffer[4096];
      const auto n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace securestore::test

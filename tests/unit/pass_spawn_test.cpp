// unit/pass_spawn_test.cpp: how pass_spawn runs a program: an exit status it could not collect
// is a failure, its time bound holds until the program is reaped, and the program inherits no
// descriptor but its standard streams and the status pipe.
#include <securestore/keyring/pass/spawn.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"

namespace securestore::test {
namespace {

// Sets the disposition of SIGCHLD for one scope, restoring the previous one after.
class scoped_sigchld {
 public:
  explicit scoped_sigchld(void (*handler)(int)) {
    struct sigaction wanted {};
    wanted.sa_handler = handler;
    sigemptyset(&wanted.sa_mask);
    wanted.sa_flags = SA_RESTART;
    ::sigaction(SIGCHLD, &wanted, &previous_);
  }
  ~scoped_sigchld() { ::sigaction(SIGCHLD, &previous_, nullptr); }
  scoped_sigchld(const scoped_sigchld&) = delete;
  scoped_sigchld& operator=(const scoped_sigchld&) = delete;

 private:
  struct sigaction previous_ {};
};

// A host's SIGCHLD handler that reaps every child itself (as many event loops do).
extern "C" void reap_all_children(int) {
  const int saved = errno;
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  errno = saved;
}

std::vector<std::string> environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  return env;
}

detail::pass_run run(std::vector<std::string> argv, std::chrono::milliseconds bound = std::chrono::seconds{20}) {
  return detail::pass_spawn(argv, environment(), {}, bound);
}

// Whether a process exists and is not a zombie (a reparented one may wait for a reaper).
bool running(pid_t pid) {
  std::ifstream stat{"/proc/" + std::to_string(pid) + "/stat"};
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto state = line.find(") ");
  return state != std::string::npos && line[state + 2] != 'Z' && line[state + 2] != 'X';
}

TEST_CASE("a failed run whose exit status is lost to an ignored SIGCHLD is not a success", "[unit][pass]") {
  const scoped_sigchld ignored{SIG_IGN};
  const auto failed = run({"/bin/false"});
  CHECK(failed.exit_status != 0);
  const auto succeeded = run({"/bin/true"});
  CHECK(succeeded.exit_status != 0);  // the kernel reaped it: its status is unknown, so not 0
}

TEST_CASE("a failed run reaped by the host's own SIGCHLD handler is not a success", "[unit][pass]") {
  const scoped_sigchld reaping{reap_all_children};
  for (int i = 0; i < 5; ++i) {
    CAPTURE(i);
    CHECK(run({"/bin/false"}).exit_status != 0);
  }
}

TEST_CASE("the time bound holds for a program that closed its pipes, and kills its process group",
          "[unit][pass][slow]") {
  // The shell starts a long sleep in the background (the group's other member, like gpg under
  // pass), prints its pid, closes its pipes and sleeps on: only the wait for its exit is left.
  const auto started = std::chrono::steady_clock::now();
  const auto sleeper =
      run({"/bin/sh", "-c", "sleep 30 >/dev/null 3>&- & echo $!; exec >&- 3>&-; sleep 6"}, std::chrono::seconds{1});
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(sleeper.timed_out);
  CHECK(took < std::chrono::seconds{4});
  const std::string out{sleeper.out.begin(), sleeper.out.end()};
  const pid_t background = static_cast<pid_t>(std::stol(out.empty() ? "0" : out));
  REQUIRE(background > 0);
  for (int i = 0; i < 200 && running(background); ++i) std::this_thread::sleep_for(std::chrono::milliseconds{10});
  CHECK_FALSE(running(background));
  if (running(background)) ::kill(background, SIGKILL);
}

TEST_CASE("the program inherits only its standard streams and the status pipe", "[unit][pass]") {
  const temp_dir dir;
  const auto canary = dir / "inherited-descriptor-canary";
  std::ofstream{canary} << "x";
  // Opened without O_CLOEXEC (as Debian's Botan opens /dev/urandom), above the child's fd 3.
  const int opened = ::open(canary.c_str(), O_RDONLY);  // NOLINT(android-cloexec-open)
  REQUIRE(opened >= 0);
  const int leaked = ::fcntl(opened, F_DUPFD, 20);
  ::close(opened);
  REQUIRE(leaked >= 20);
  const auto listing = run({"/bin/ls", "-l", "/proc/self/fd/"});
  ::close(leaked);
  const std::string out{listing.out.begin(), listing.out.end()};
  CAPTURE(out);
  REQUIRE(listing.exit_status == 0);
  CHECK(out.find("inherited-descriptor-canary") == std::string::npos);
  CHECK(out.find(" 3 -> pipe:") != std::string::npos);
  // "lr-x------ 1 user group 64 date 0 -> pipe:[...]": 0-3 are ours, 4 is ls's own directory.
  std::vector<int> descriptors;
  std::istringstream lines{out};
  for (std::string line; std::getline(lines, line);) {
    const auto arrow = line.find(" -> ");
    if (arrow == std::string::npos) continue;
    descriptors.push_back(std::stoi(line.substr(line.rfind(' ', arrow - 1) + 1)));
  }
  std::sort(descriptors.begin(), descriptors.end());
  CHECK(descriptors == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("programs are found only in absolute PATH elements", "[unit][pass]") {
  const temp_dir dir;
  const auto planted = dir / "pass";
  std::ofstream{planted} << "#!/bin/sh\nexit 0\n";
  std::filesystem::permissions(planted, std::filesystem::perms::owner_all);
  std::filesystem::create_directory(dir / "bin");
  std::filesystem::copy_file(planted, dir / "bin" / "pass");
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());

  CHECK(detail::pass_find_program("pass", "") == std::nullopt);
  CHECK(detail::pass_find_program("pass", ":.:bin:./bin") == std::nullopt);
  CHECK(detail::pass_find_program("pass", ":" + (dir / "bin").native() + ":/usr/bin") ==
        (dir / "bin" / "pass").native());
  CHECK(detail::pass_find_program("sh", "::/usr/bin/:/bin") == "/usr/bin/sh");
  CHECK(detail::pass_find_program("./pass", "/usr/bin") == std::nullopt);
  CHECK(detail::pass_find_program("bin/pass", "/usr/bin") == std::nullopt);
  CHECK(detail::pass_find_program(planted.native(), "") == planted.native());
  CHECK(detail::pass_find_program((dir / "bin").native(), "") == std::nullopt);  // a directory
  CHECK(detail::pass_absolute_path_elements(":/usr/bin::rel:./x:/bin:") == "/usr/bin:/bin");
  std::filesystem::current_path(previous);
}

TEST_CASE("a program named by a relative path is not run", "[unit][pass]") {
  CHECK(run({"bin/sh"}).spawn_errno == ENOENT);
  CHECK(run({"no-such-program-securestore"}).spawn_errno == ENOENT);
}

}  // namespace
}  // namespace securestore::test

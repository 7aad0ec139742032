// tools/securestore/terminal.cpp: termios no-echo prompts, with echo restored on every signal that
// ends the process, and secret reads into zeroizing memory.
#include "terminal.hpp"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include <cctype>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <botan/secmem.h>

#include <securestore/detail/concat.hpp>

namespace securestore::tool {
namespace {

// The terminal state to put back from a signal handler. tcsetattr() is async-signal-safe.
struct termios saved_termios {};
volatile sig_atomic_t restore_fd = -1;

// Every signal whose default action ends the process (signal(7): "Term" and "Core"), so that none
// of them leaves the terminal without echo: kill -USR1, a timer's SIGALRM, SIGPIPE from a closed
// stderr, a CPU limit's SIGXCPU as much as Ctrl-C. SIGKILL cannot be caught.
constexpr int terminating_signals[] = {SIGHUP,    SIGINT,  SIGQUIT, SIGILL,  SIGTRAP, SIGABRT,  SIGBUS,  SIGFPE,
                                       SIGUSR1,   SIGSEGV, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM,  SIGXCPU, SIGXFSZ,
                                       SIGVTALRM, SIGPROF, SIGIO,   SIGPWR,  SIGSYS,  SIGSTKFLT};

// The terminating signals, the real-time ones included (their default action ends the process
// too; SIGRTMIN is only known at run time).
std::vector<int> signals_to_restore() {
  std::vector<int> out(std::begin(terminating_signals), std::end(terminating_signals));
  for (int s = SIGRTMIN; s <= SIGRTMAX; ++s) out.push_back(s);
  return out;
}

extern "C" void restore_terminal_and_reraise(int signal_number) {
  if (restore_fd >= 0) (void)::tcsetattr(restore_fd, TCSANOW, &saved_termios);
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);  // die of the signal, so the shell sees 128 + n as with no handler
}

// Echo off on a terminal for the lifetime of this object, and on every way out of it.
class echo_off {
 public:
  explicit echo_off(int fd) : fd_{fd} {
    if (::tcgetattr(fd_, &saved_termios) != 0) return;
    const auto signals = signals_to_restore();
    struct sigaction action {};
    action.sa_handler = restore_terminal_and_reraise;
    ::sigemptyset(&action.sa_mask);
    for (const int s : signals) ::sigaddset(&action.sa_mask, s);  // one handler at a time
    for (const int s : signals) {
      struct sigaction previous {};
      if (::sigaction(s, nullptr, &previous) != 0) continue;
      // A signal the caller ignores (nohup's SIGHUP, a SIGPIPE ignored) does not end the process.
      if (previous.sa_handler == SIG_IGN) continue;
      if (::sigaction(s, &action, nullptr) == 0) previous_.emplace_back(s, previous);
    }
    restore_fd = fd_;
    struct termios quiet = saved_termios;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;  // Enter still moves to the next line
    active_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
  }
  ~echo_off() {
    if (restore_fd >= 0) (void)::tcsetattr(fd_, TCSANOW, &saved_termios);
    restore_fd = -1;
    for (const auto& [s, previous] : previous_) ::sigaction(s, &previous, nullptr);
  }
  echo_off(const echo_off&) = delete;
  echo_off& operator=(const echo_off&) = delete;
  [[nodiscard]] bool active() const noexcept { return active_; }

 private:
  int fd_;
  bool active_ = false;
  std::vector<std::pair<int, struct sigaction>> previous_;
};

// One line from `fd`, without its "\n" or "\r\n"; nullopt at end of file before any byte (Ctrl-D
// on an empty line).
result<std::optional<Botan::secure_vector<std::uint8_t>>> read_line(int fd, std::size_t limit) {
  Botan::secure_vector<std::uint8_t> line;
  for (;;) {
    char c = 0;
    const auto got = ::read(fd, &c, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0)
      return error{errc::unavailable, detail::concat("terminal: cannot read: errno ", errno),
                   "check the terminal, or pipe the secret in on standard input"};
    if (got == 0) {
      if (line.empty()) return std::nullopt;
      break;
    }
    if (c == '\n') break;
    if (line.size() > limit) {
      return error{errc::invalid_argument, detail::concat("terminal: the input is longer than ", limit, " bytes"),
                   "enter a shorter value"};
    }
    line.push_back(static_cast<std::uint8_t>(c));
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return std::optional{std::move(line)};
}

}  // namespace

bool is_terminal(int fd) noexcept { return ::isatty(fd) != 0; }

bool write_all(int fd, std::string_view bytes) noexcept {
  while (!bytes.empty()) {
    const auto wrote = ::write(fd, bytes.data(), bytes.size());
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(wrote));
  }
  return true;
}

bool disable_core_dumps() noexcept { return ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0; }

result<secret> read_secret_from_stdin(std::size_t limit) {
  Botan::secure_vector<std::uint8_t> value;
  std::uint8_t chunk[4096];
  for (;;) {
    const auto got = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0)
      return error{errc::unavailable, detail::concat("stdin: cannot read: errno ", errno),
                   "check what feeds standard input, or type the secret at the prompt"};
    if (got == 0) break;
    value.insert(value.end(), chunk, chunk + got);
    if (value.size() > limit + 2) {  // + room for a "\r\n" that is stripped
      Botan::secure_scrub_memory(chunk, sizeof chunk);
      return error{errc::invalid_argument,
                   detail::concat("stdin: the secret is longer than the limit of ", limit, " bytes"),
                   "store a smaller value"};
    }
  }
  Botan::secure_scrub_memory(chunk, sizeof chunk);
  // One trailing line ending is what `echo` and editors add; it is never part of the value.
  if (!value.empty() && value.back() == '\n') {
    value.pop_back();
    if (!value.empty() && value.back() == '\r') value.pop_back();
  }
  return secret{std::move(value)};
}

result<std::optional<secret>> prompt_secret_twice(std::string_view prompt, std::size_t limit) {
  const echo_off quiet{STDIN_FILENO};
  if (!quiet.active()) {
    return error{errc::unavailable, "terminal: cannot turn echo off", "pipe the secret on stdin instead"};
  }
  write_all(STDERR_FILENO, prompt);
  auto first = read_line(STDIN_FILENO, limit);
  if (!first) return first.error();
  if (!first.value()) return std::optional<secret>{};  // Ctrl-D: a cancel, as Ctrl-C is
  if (first.value()->empty()) return error{errc::invalid_argument, "terminal: nothing was typed", "type the secret"};
  write_all(STDERR_FILENO, "Again, to confirm: ");
  auto second = read_line(STDIN_FILENO, limit);
  if (!second) return second.error();
  if (!second.value()) return std::optional<secret>{};
  secret a{std::move(*first.value())};
  secret b{std::move(*second.value())};
  if (!(a == b)) {
    return error{errc::invalid_argument, "terminal: the two entries differ, so nothing was saved", "try again"};
  }
  return std::optional{std::move(a)};
}

bool confirm(std::string_view question) {
  write_all(STDERR_FILENO, question);
  std::string answer;
  for (;;) {
    char c = 0;
    const auto got = ::read(STDIN_FILENO, &c, 1);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 || c == '\n') break;
    if (answer.size() < 16) answer.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (!answer.empty() && answer.back() == '\r') answer.pop_back();
  return answer == "y" || answer == "yes";
}

}  // namespace securestore::tool

// tools/securestore/secret_service_helper.cpp: when `securestore` hands a command to
// `securestore-secret-service`, and how it finds it (secret_service_helper.hpp says why).
#include "secret_service_helper.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>

#include <botan/secmem.h>

#include <securestore/detail/concat.hpp>
#include <securestore/keyring/any.hpp>

#include "command_line.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"

namespace securestore::tool {

namespace {

// Set by `securestore` for the helper it runs: its version (tools/securestore/CMakeLists.txt).
constexpr const char* handed_over_by = "SECURESTORE_HANDED_OVER_BY";
// Set by `securestore` when it hands over `key save NAME VALUE`: the descriptor VALUE is on.
constexpr const char* handed_over_value_fd = "SECURESTORE_HANDED_OVER_VALUE_FD";

// Whether this binary is the helper: `securestore` hands over only to a binary with the Secret
// Service, and only when it has none itself (a build without the Secret Service is one binary,
// to which nothing hands over).
constexpr bool is_the_helper() noexcept {
#if defined(SECURESTORE_WITH_SECRET_SERVICE) && !defined(SECURESTORE_SECRET_SERVICE_HELPER)
  return true;
#else
  return false;
#endif
}

// The variable `name`, removed from the environment: whatever it says, no command `exec` runs
// may see it.
std::optional<std::string> take_variable(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr) return std::nullopt;
  std::string value{text};
  ::unsetenv(name);
  return value;
}

}  // namespace

std::optional<std::string> handed_over_by_another_install() {
  auto version = take_variable(handed_over_by);
  // Only the helper is handed over to: anywhere else the variable is the caller's own (and
  // `securestore` sets it afresh when it hands over).
  if (!is_the_helper() || !version || *version == SECURESTORE_VERSION) return std::nullopt;
  return version;
}

result<std::optional<std::string>> take_handed_over_value() {
  const auto fd_text = take_variable(handed_over_value_fd);
  if (!fd_text || !is_the_helper()) return std::nullopt;
  int fd = -1;
  const auto* end = fd_text->data() + fd_text->size();
  struct stat st {};
  if (std::from_chars(fd_text->data(), end, fd).ptr != end || fd < 0 || ::fstat(fd, &st) != 0 ||
      !S_ISFIFO(st.st_mode)) {
    return error{errc::unavailable,
                 detail::concat("securestore-secret-service: ", handed_over_value_fd, " names no pipe"),
                 "run securestore, not securestore-secret-service"};
  }
  // The pipe holds all of VALUE already, and its write end was closed at the hand-over: EOF ends it.
  Botan::secure_vector<char> value;
  char chunk[4096];
  for (;;) {
    const auto got = ::read(fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    value.insert(value.end(), chunk, chunk + got);
  }
  Botan::secure_scrub_memory(chunk, sizeof chunk);
  ::close(fd);
  return std::string{value.data(), value.size()};
}

#if defined(SECURESTORE_SECRET_SERVICE_HELPER)

bool needs_secret_service_helper(const command_line& cli) {
  // status diagnoses every backend, the Secret Service included; every import may read the
  // Secret Service (other libraries' entries, the reference implementation's machine secret);
  // help and the completion scripts must offer the helper's whole command line.
  if (cli.parsed_command().needs_every_backend) return true;
  // The rest runs here when it names a backend this binary has: `auto` prefers the Secret Service,
  // and an unknown name gets its message from the binary that knows every name.
  const auto named = parse_backend_name(requested_backend(cli.g));
  const auto here = any_keyring::compiled_backends();
  // The file override keeps a keyring out but must still know one may hold entries (a key it
  // holds is `unavailable`, not `not_found`; the store asks the directory's .keyring-used marker,
  // whichever keyring wrote it): only a binary with no keyring at all cannot tell.
  if (named == keyring_backend::file && any_keyring::default_backend() == keyring_backend::file) return true;
  return !named || std::ranges::find(here, *named) == here.end();
}

std::string exec_secret_service_helper(char** argv) {
  // Beside this binary's own file (as installed: bin/../libexec/securestore), never through PATH;
  // where the kernel cannot say which file this is (no /proc), where the build installs it.
  std::error_code unknown;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", unknown);
  const auto helper = unknown ? std::filesystem::path{SECURESTORE_SECRET_SERVICE_HELPER_INSTALLED}
                              : (self.parent_path() / SECURESTORE_SECRET_SERVICE_HELPER).lexically_normal();
  ::setenv(handed_over_by, SECURESTORE_VERSION, 1);
  ::execv(helper.c_str(), argv);
  const int e = errno;
  ::unsetenv(handed_over_by);
  return helper.native() + ": " + std::strerror(e);
}

namespace {

// `value` in a new pipe whose write end is closed: the read end, which the helper inherits (it is
// not close-on-exec), or -1. A pipe holds 64 KiB unless enlarged, and one argument up to 128 KiB
// (MAX_ARG_STRLEN), so the pipe is made as large as the value; the write never waits.
int value_pipe(std::string_view value) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return -1;
  const auto size = static_cast<int>(std::min<std::size_t>(value.size(), 1024 * 1024));
  if (::fcntl(fds[1], F_GETPIPE_SZ) < size) (void)::fcntl(fds[1], F_SETPIPE_SZ, size);
  bool written = ::fcntl(fds[1], F_SETFL, O_NONBLOCK) == 0;
  while (written && !value.empty()) {
    const auto n = ::write(fds[1], value.data(), value.size());
    if (n < 0 && errno == EINTR) continue;
    written = n > 0;
    if (written) value.remove_prefix(static_cast<std::size_t>(n));
  }
  written = written && ::fcntl(fds[0], F_SETFD, 0) == 0;
  const int e = errno;
  ::close(fds[1]);
  if (!written) ::close(fds[0]);
  errno = e;
  return written ? fds[0] : -1;
}

int report_no_helper(const std::string& why) {
  std::cerr << "securestore: cannot run the Secret Service part of securestore (" << why
            << "); it also runs status, import and the default backend (auto): reinstall securestore, or choose "
               "--backend file, keyutils or pass.\n";
  return static_cast<int>(exit_code::unavailable);
}

}  // namespace

int run_secret_service_helper(char** argv) { return report_no_helper(exec_secret_service_helper(argv)); }

int run_secret_service_helper(char** argv, std::string_view value) {
  const int fd = value_pipe(value);
  if (fd < 0) return report_no_helper(detail::concat("cannot hand it the secret on a pipe: ", std::strerror(errno)));
  ::setenv(handed_over_value_fd, std::to_string(fd).c_str(), 1);
  const auto why = exec_secret_service_helper(argv);
  ::unsetenv(handed_over_value_fd);
  ::close(fd);
  return report_no_helper(why);
}

#else

bool needs_secret_service_helper(const command_line&) { return false; }
std::string exec_secret_service_helper(char**) { return "this securestore has no Secret Service helper"; }
int run_secret_service_helper(char**) { return static_cast<int>(exit_code::failure); }
int run_secret_service_helper(char**, std::string_view) { return static_cast<int>(exit_code::failure); }

#endif

}  // namespace securestore::tool

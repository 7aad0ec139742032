// tools/securestore/main.cpp: the `securestore` tool: parses its command line (command_line.cpp),
// reports usage errors (usage.hpp), hands what needs the Secret Service to its helper binary
// (secret_service_helper.hpp), takes a secret off its own command line, and runs the command
// that was parsed.
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <botan/locking_allocator.h>
#include <CLI/CLI.hpp>

#include "command_line.hpp"
#include "commands.hpp"
#include "display.hpp"
#include "exit_codes.hpp"
#include "secret_service_helper.hpp"
#include "terminal.hpp"
#include "usage.hpp"

namespace {

using securestore::tool::exit_code;

// A usage error from the parse: the mistake named where it can be (usage.hpp), else CLI11's
// message, on the deepest command that was parsed.
int parse_error(const CLI::App& app, const std::vector<std::string>& args, const std::string& what) {
  const bool json = securestore::tool::asks_for_json(args);
  if (const auto mistake = securestore::tool::find_mistake(app, args)) {
    return static_cast<int>(securestore::tool::usage_error(*mistake->at, mistake->message, json));
  }
  const CLI::App* at = &app;
  for (auto subs = at->get_subcommands(); !subs.empty(); subs = at->get_subcommands()) at = subs.front();
  return static_cast<int>(securestore::tool::usage_error(*at, what, json));
}

// Overwrites a secret given on argv in the process's own argument memory, so /proc/PID/cmdline
// shows it for as short a time as we can make it.
void scrub_argv(int argc, char** argv, const std::string& value) {
  if (value.empty()) return;
  for (int i = 1; i < argc; ++i) {
    if (value == argv[i]) ::explicit_bzero(argv[i], value.size());
  }
}

// Where the parse finds `key save`'s VALUE in `args` (argv): the argument equal to `value` that,
// emptied, leaves VALUE empty. NAME or an option's argument may hold the same text.
std::optional<std::size_t> position_of_value(const std::vector<std::string>& args, const std::string& value,
                                             const std::vector<std::string>& backends) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] != value) continue;
    std::vector<std::string> trial_args(args.begin() + 1, args.end());
    trial_args[i - 1].clear();
    auto trial = securestore::tool::make_command_line(backends);
    try {
      securestore::tool::parse_command_line(*trial, std::move(trial_args));
    } catch (const CLI::ParseError&) {
      continue;
    }
    if (trial->key_save->count("VALUE") > 0 && trial->save.argv_value.empty()) return i;
  }
  return std::nullopt;
}

// Hands `key save NAME VALUE` to the helper with VALUE on a pipe and an empty argument in its
// place: on the helper's command line (/proc/PID/cmdline, readable by every user) the secret
// would stay until the helper had loaded GIO and parsed it, and this one is scrubbed first.
int hand_over_value(int argc, char** argv, const std::vector<std::string>& backends, const std::string& value) {
  std::vector<std::string> args(argv, argv + argc);
  const auto at = position_of_value(args, value, backends);
  scrub_argv(argc, argv, value);
  if (!at) {
    std::cerr << "securestore: cannot take the secret off the command line for the Secret Service part of "
                 "securestore; pipe it on stdin instead\n";
    return static_cast<int>(exit_code::failure);
  }
  args[*at].clear();
  std::vector<char*> helper_argv;
  for (auto& arg : args) helper_argv.push_back(arg.data());
  helper_argv.push_back(nullptr);
  return securestore::tool::run_secret_service_helper(helper_argv.data(), value);
}

// Botan 2 builds its pool of locked memory at the first secure_vector: 512 KiB
// (BOTAN_MLOCK_ALLOCATOR_MAX_LOCKED_KB), one page at a time between guard pages (mmap, mprotect x4,
// mlock, madvise): 128 x 7 system calls, about half of a `key load` through the file (perf stat
// -r 40, CPU: 8.8 ms with 512 KiB, 4.4 ms with 16 KiB). The pool gives each page to one size class
// (16 to 256 bytes; anything larger is never in it), and a run needs few: counted with a
// breakpoint on Botan::allocate_memory, a `key load` makes five secure allocations in two classes
// through the file (32 and 64 bytes) and three in three classes through the Secret Service (16,
// 48, 128), so 4 pages (16 KiB) hold every one of them. (An `exec` of several secrets or an
// import may touch more classes; those allocations get ordinary memory, still wiped when freed.)
// BOTAN_MLOCK_POOL_SIZE is Botan's own setting, in KiB, read once when the pool is built: a value
// the user set wins, and ours is removed as soon as the pool exists, so the command `securestore
// exec` runs never inherits it.
void size_the_locked_memory_pool() {
  constexpr const char* botan_pool_kib = "BOTAN_MLOCK_POOL_SIZE";
  if (std::getenv(botan_pool_kib) != nullptr) return;
  ::setenv(botan_pool_kib, "16", 0);
  (void)Botan::mlock_allocator::instance();
  ::unsetenv(botan_pool_kib);
}

// The whole run; every object it made, and every secret they held, is gone when it returns.
int run(int argc, char** argv) {
  // An ignored SIGCHLD survives exec: the kernel would then reap our children itself, waitpid
  // could not collect `pass`'s or gpg's exit status, and exec's CMD would inherit the setting.
  ::signal(SIGCHLD, SIG_DFL);
  using securestore::tool::exec_secret_service_helper;
  using securestore::tool::has_secret_service_helper;
  using securestore::tool::run_secret_service_helper;
  // Before anything can hold a secret (a VALUE on argv is parsed next): no core file, and no
  // ptrace from other users' processes.
  securestore::tool::disable_core_dumps();
  // A helper that another install's `securestore` ran may not read its command line as meant.
  if (const auto other = securestore::tool::handed_over_by_another_install()) {
    std::cerr << "securestore: securestore " << securestore::tool::printable(*other)
              << " ran securestore-secret-service " << SECURESTORE_VERSION
              << ", which comes from another install; reinstall securestore, or choose --backend file, keyutils or "
                 "pass.\n";
    return static_cast<int>(securestore::tool::exit_code::unavailable);
  }
  // In the helper, `key save`'s VALUE when `securestore` handed it over on a pipe.
  auto handed_value = securestore::tool::take_handed_over_value();
  if (!handed_value) {
    std::cerr << "securestore: " << handed_value.error().what() << "; " << handed_value.error().remediation() << '\n';
    return static_cast<int>(securestore::tool::exit_code::unavailable);
  }

  // The helper's backends are this binary's too, as the helper lists them.
  auto backends = securestore::tool::backend_choices();
  if (has_secret_service_helper()) backends.insert(backends.begin() + 1, "secret-service");
  auto cli = securestore::tool::make_command_line(backends);
  auto& app = cli->app;
  const std::vector<std::string> args(argv + 1, argv + argc);

  // Help and usage errors come from the helper when there is one: its command line has the
  // Secret Service's parts too (--backend secret-service, import keyring), so it may also accept
  // what this binary's parse refused. Without it, this binary's own help and errors still serve.
  try {
    securestore::tool::parse_command_line(*cli, args);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::CallForHelp& e) {
    if (has_secret_service_helper()) (void)exec_secret_service_helper(argv);
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    if (has_secret_service_helper()) (void)exec_secret_service_helper(argv);
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (has_secret_service_helper()) (void)exec_secret_service_helper(argv);
    return parse_error(app, args, e.what());
  }
  const auto& g = cli->g;
  const auto& command = cli->parsed_command();
  const bool saves_argv_value = command.command == cli->key_save && cli->key_save->count("VALUE") > 0;
  if (securestore::tool::needs_secret_service_helper(*cli)) {
    if (saves_argv_value && !cli->save.argv_value.empty()) {
      return hand_over_value(argc, argv, backends, cli->save.argv_value);
    }
    return run_secret_service_helper(argv);
  }

  // Before any secure_vector exists and while the process has one thread.
  size_the_locked_memory_pool();

  auto& save = cli->save;
  if (saves_argv_value) {
    if (handed_value.value()) save.argv_value = std::move(*handed_value.value());  // VALUE's place is empty
    scrub_argv(argc, argv, save.argv_value);
    if (!save.value_from_argv) {
      return static_cast<int>(securestore::tool::usage_error(
          *cli->key_save,
          "a secret on the command line is visible to other users (ps, /proc); pipe it on stdin, or add "
          "--value-from-argv",
          g.json));
    }
    save.value = std::move(save.argv_value);
    if (!g.quiet) {
      std::cerr << "securestore: warning: the secret was on the command line, where other users can see it (ps, "
                   "shell history); prefer stdin\n";
    }
  } else if (command.command == cli->key_save && save.value_from_argv) {
    return static_cast<int>(
        securestore::tool::usage_error(*cli->key_save, "--value-from-argv needs VALUE after NAME", g.json));
  }
  return static_cast<int>(command.run(g));
}

}  // namespace

int main(int argc, char** argv) {
  const int status = run(argc, argv);
  // The secrets of the run were wiped as the objects holding them were destroyed, in run(); what
  // the process still holds is the Secret Service transfer key (in the connection every process
  // keeps for its bus) and stdio's buffers. What exit() would add is static teardown, and most of
  // that is Botan's locked pool: 4 pages scrubbed, unlocked, re-protected and unmapped one call at
  // a time, a tenth of a `key load`. Those pages are locked (never swapped), core dumps are off, and
  // the kernel clears a page before it gives it to anyone else, so the tool skips it. Under a
  // sanitizer, exit() runs its checks (LeakSanitizer's among them), so it stays.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return status;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(leak_sanitizer)
  return status;
#endif
#endif
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(status);
}

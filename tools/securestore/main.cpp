// tools/securestore/main.cpp: the `securestore` command line (CLI11): its subcommands, options,
// help and usage errors; the subcommands themselves are in commands.cpp.
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <botan/locking_allocator.h>

#include "commands.hpp"
#include "completion.hpp"
#include "exit_codes.hpp"
#include "migrate_commands.hpp"
#include "terminal.hpp"

#ifndef SECURESTORE_VERSION
#define SECURESTORE_VERSION "unknown"
#endif

namespace {

using securestore::tool::exit_code;

constexpr const char* examples =
    "Examples:\n"
    "  printf %s \"$TOKEN\" | securestore key save github-token   # from a pipe: no prompt\n"
    "  securestore key save github-token                        # asks twice, without echo\n"
    "  securestore key load github-token | gh auth login --with-token\n"
    "  securestore key show github-token                        # masked value and where it lives\n"
    "  securestore key list --json\n"
    "  securestore exec --env GITHUB_TOKEN=github-token -- gh repo list\n"
    "  securestore status                                       # which keyring, and why\n"
    "  securestore import env ANTHROPIC_API_KEY=anthropic       # environment variables into the store\n"
    "  securestore import config app.json --field apiKey=openai --remove-source\n"
    "  securestore export backup.json                           # plaintext JSON, 0600, never overwritten\n"
    "\n"
    "Environment:\n"
    "  SECURESTORE_BACKEND  the default for --backend (auto, secret-service, keyutils, pass, file)\n"
    "\n";

// A usage error: one line, then the usage of the subcommand it concerns, and exit status 2.
int usage_error(const CLI::App& app, const CLI::Formatter& formatter, const std::string& what) {
  const CLI::App* at = &app;
  std::string path = app.get_name();
  for (auto subs = at->get_subcommands(); !subs.empty(); subs = at->get_subcommands()) {
    at = subs.front();
    path += " " + at->get_name();
  }
  std::cerr << path << ": " << what << '\n'
            << formatter.make_usage(at, path) << "Run '" << path << " --help' for more.\n";
  return static_cast<int>(exit_code::usage);
}

// Overwrites a secret given on argv in the process's own argument memory, so /proc/PID/cmdline
// shows it for as short a time as we can make it.
void scrub_argv(int argc, char** argv, const std::string& value) {
  if (value.empty()) return;
  for (int i = 1; i < argc; ++i) {
    if (value == argv[i]) ::explicit_bzero(argv[i], value.size());
  }
}

// Botan 2 builds its pool of locked memory at the first secure_vector: 512 KiB
// (BOTAN_MLOCK_ALLOCATOR_MAX_LOCKED_KB), one page at a time between guard pages (mmap, mprotect x4,
// mlock, madvise), and takes it down at exit (munlock, munmap): 128 x 8 system calls, which were
// 4.5 of the 8.5 ms of a `key load` through the file (perf stat -r 30: 4.0 ms with a 16 KiB pool,
// 0.88 ms for /bin/true). A run of the tool holds a handful of small secrets, so 16 KiB (4 pages)
// is its pool; what does not fit falls back to calloc'ed memory that Botan still zeroes on free
// (allocate_memory in Botan's mem_ops). BOTAN_MLOCK_POOL_SIZE is Botan's own setting, in KiB, read
// once when the pool is built: a value the user set wins, and ours is removed as soon as the pool
// exists, so the command `securestore exec` runs never inherits it.
void size_the_locked_memory_pool() {
  constexpr const char* botan_pool_kib = "BOTAN_MLOCK_POOL_SIZE";
  if (std::getenv(botan_pool_kib) != nullptr) return;
  ::setenv(botan_pool_kib, "16", 0);
  (void)Botan::mlock_allocator::instance();
  ::unsetenv(botan_pool_kib);
}

}  // namespace

int main(int argc, char** argv) {
  // First, before any secure_vector exists and while the process has one thread.
  size_the_locked_memory_pool();
  // Before anything can hold a secret: no core file, and no ptrace from other users' processes.
  securestore::tool::disable_core_dumps();

  securestore::tool::global_options g;
  securestore::tool::save_options save;
  std::string save_value;
  securestore::tool::load_options load;
  std::string show_name;
  securestore::tool::delete_options remove;
  securestore::tool::exec_options exec;
  std::string shell;

  CLI::App app{
      "Keep secrets in the OS keyring (Secret Service, kernel keyring, pass), or in an encrypted file when there is "
      "none.",
      "securestore"};
  auto formatter = std::make_shared<CLI::Formatter>();
  formatter->column_width(34);
  app.formatter(formatter);
  app.set_version_flag("--version", "securestore " SECURESTORE_VERSION);
  app.fallthrough();  // global options work after the subcommand too
  app.require_subcommand(1);
  app.footer(std::string{examples} + std::string{securestore::tool::exit_status_help});

  app.add_option("--service", g.service, "the application the keys belong to")
      ->type_name("NAME")
      ->capture_default_str();
  app.add_option("--backend", g.backend, "where secrets go (default: $SECURESTORE_BACKEND, else auto)")
      ->type_name("NAME")
      ->check(CLI::IsMember(securestore::tool::backend_choices()));
  app.add_option("--fallback-dir", g.fallback_dir, "the encrypted files' directory (default ~/.local/share/...)")
      ->type_name("DIR");
  app.add_flag("--json", g.json, "print one JSON document on stdout");
  app.add_flag("-q,--quiet", g.quiet, "print only errors and requested values");
  app.add_flag("-y,--yes", g.yes, "answer yes to confirmations (needed without a terminal)");

  auto* key = app.add_subcommand("key", "save, load, show, list and delete secrets");
  key->require_subcommand(1);

  auto* key_save = key->add_subcommand("save", "store a secret: from stdin when piped, else a no-echo prompt");
  key_save->add_option("NAME", save.name, "the key's name")->required();
  key_save->add_option("VALUE", save_value, "the secret itself; refused unless --value-from-argv");
  key_save->add_flag("--value-from-argv", save.value_from_argv,
                     "accept VALUE on the command line (other users can see it in ps)");
  key_save->footer(
      "Reads the secret from stdin when stdin is not a terminal (one trailing newline, or CRLF, is dropped), else\n"
      "asks for it twice without echo. Overwriting a key asks first; without a terminal it needs --yes.\n\n"
      "Examples:\n"
      "  securestore key save openai-key\n"
      "  securestore --yes key save openai-key < key.txt\n");

  auto* key_load = key->add_subcommand("load", "print a secret (masked when stdout is a terminal)");
  key_load->add_option("NAME", load.name, "the key's name")->required();
  key_load->add_flag("--reveal", load.reveal, "print the value on a terminal too");
  key_load->footer(
      "Prints the value and a newline when stdout is a pipe or a file, or with --reveal; on a terminal\n"
      "it prints a masked form.\n\n"
      "Examples:\n"
      "  export OPENAI_API_KEY=\"$(securestore key load openai-key)\"\n"
      "  securestore key load openai-key --reveal\n");

  auto* key_show = key->add_subcommand("show", "where a secret lives, its length and a masked form; never the value");
  key_show->add_option("NAME", show_name, "the key's name")->required();
  key_show->footer("Example:\n  securestore key show openai-key\n");

  auto* key_list = key->add_subcommand("list", "the names of the stored secrets, with where each lives");
  key_list->footer(
      "When the keyring may hold keys it cannot show now, the list shows what it can and warns\n"
      "(--json: \"partial\": true).\n\n"
      "Example:\n  securestore --service my-app key list --json\n");

  auto* key_delete = key->add_subcommand("delete", "remove a secret (asks first on a terminal)");
  key_delete->add_option("NAME", remove.name, "the key's name")->required();
  key_delete->add_flag("-f,--force", remove.force, "succeed when the key is not stored");
  key_delete->footer("Without a terminal it needs --yes.\n\nExample:\n  securestore --yes key delete openai-key\n");

  auto* status = app.add_subcommand("status", "which backends work, which is used and why, and storage warnings");
  status->alias("doctor");
  status->footer("Never prompts.\n\nExample:\n  securestore status --json\n");

  auto* run = app.add_subcommand("exec", "run a command with secrets in its environment");
  run->add_option("--env", exec.env, "set VAR to the secret NAME (repeatable)")
      ->type_name("VAR=NAME")
      ->allow_extra_args(false);  // one VAR=NAME per --env: CMD is never taken for one
  // Everything from CMD on is CMD's, flags included ("-- sh -c ..."), so CLI11 stops there.
  run->prefix_command();
  run->fallthrough(false);
  run->footer(
      "Usage: securestore exec [--env VAR=NAME]... -- CMD [ARGS]...\n\n"
      "Runs CMD directly (execvp, never a shell). Every secret is loaded before CMD starts, so a missing\n"
      "one fails without running it. The exit status is CMD's.\n\n"
      "Example:\n  securestore exec --env OPENAI_API_KEY=openai-key -- python3 app.py --verbose\n");

  // Each source of `import` is wired by its own function (migrate_commands.hpp): a new source is
  // one more entry here.
  auto* import_command = app.add_subcommand("import", "bring in secrets from the environment or a plaintext config");
  import_command->require_subcommand(1);
  import_command->footer(
      "Every import copies, reads the copy back, and only then may remove the original; running it again is a\n"
      "no-op. --dry-run reads no secret and changes nothing. --json prints the report as one JSON document;\n"
      "no value is ever printed. Exit status 1 when any entry was skipped or failed (the report says why).\n\n"
      "Examples:\n"
      "  securestore import env --dry-run ANTHROPIC_API_KEY=anthropic\n"
      "  securestore import config settings.json --field apiKey=anthropic --remove-source --json\n");
  const std::vector<securestore::tool::wired_command> importers {
    securestore::tool::add_import_env(*import_command), securestore::tool::add_import_config(*import_command),
        securestore::tool::add_import_reference(*import_command),
#if defined(SECURESTORE_WITH_SECRET_SERVICE)
        securestore::tool::add_import_keyring(*import_command),
#endif
  };
  const auto export_command = securestore::tool::add_export(app);

  auto* completion = app.add_subcommand("completion", "print a shell completion script");
  completion->group("");  // hidden: the build generates the installed scripts with it
  completion->add_option("SHELL", shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));

  auto* self_check = app.add_subcommand("self-check", "print whether the process is dumpable (for tests)");
  self_check->group("");

  // exec's "--" ends the tool's own arguments: what follows is CMD's, whatever it looks like.
  // CLI11 would hand a subcommand's "--" back to the main command, so it is split off here.
  std::vector<std::string> args(argv + 1, argv + argc);
  std::optional<std::vector<std::string>> command_after_mark;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const bool is_value = i > 0 && (args[i - 1] == "--service" || args[i - 1] == "--backend" ||
                                    args[i - 1] == "--fallback-dir" || args[i - 1] == "--env");
    if (args[i] == "--" && !is_value) break;
    if (args[i] != "exec" || is_value) continue;
    for (std::size_t j = i + 1; j < args.size(); ++j) {
      if (args[j] == "--" && args[j - 1] != "--env") {
        command_after_mark.emplace(args.begin() + static_cast<std::ptrdiff_t>(j) + 1, args.end());
        args.resize(j);
        break;
      }
    }
    break;
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first

  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(app, *formatter, e.what());
  }

  if (key_save->parsed()) {
    if (key_save->count("VALUE") > 0) {
      scrub_argv(argc, argv, save_value);
      if (!save.value_from_argv) {
        return usage_error(app, *formatter,
                           "a secret on the command line is visible to other users (ps, /proc); pipe it on stdin, or "
                           "add --value-from-argv");
      }
      save.value = std::move(save_value);
      if (!g.quiet) {
        std::cerr << "securestore: warning: the secret was on the command line, where other users can see it (ps, "
                     "shell history); prefer stdin\n";
      }
    } else if (save.value_from_argv) {
      return usage_error(app, *formatter, "--value-from-argv needs VALUE after NAME");
    }
    return static_cast<int>(securestore::tool::key_save(g, save));
  }
  if (key_load->parsed()) return static_cast<int>(securestore::tool::key_load(g, load));
  if (key_show->parsed()) return static_cast<int>(securestore::tool::key_show(g, show_name));
  if (key_list->parsed()) return static_cast<int>(securestore::tool::key_list(g));
  if (key_delete->parsed()) return static_cast<int>(securestore::tool::key_delete(g, remove));
  if (status->parsed()) return static_cast<int>(securestore::tool::status(g));
  if (run->parsed()) {
    exec.command = command_after_mark ? *command_after_mark : run->remaining();
    if (exec.command.empty()) return usage_error(app, *formatter, "CMD is required (after --)");
    return static_cast<int>(securestore::tool::exec_command(g, exec));
  }
  for (const auto& importer : importers) {
    if (importer.command->parsed()) return static_cast<int>(importer.run(g));
  }
  if (export_command.command->parsed()) return static_cast<int>(export_command.run(g));
  if (completion->parsed()) {
    std::cout << (shell == "bash" ? securestore::tool::bash_completion(app) : securestore::tool::zsh_completion(app));
    return 0;
  }
  if (self_check->parsed()) {
    std::cout << "dumpable=" << ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) << '\n';
    return 0;
  }
  return usage_error(app, *formatter, "a subcommand is required");
}

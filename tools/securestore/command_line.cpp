// tools/securestore/command_line.cpp: the `securestore` command line (CLI11): its subcommands,
// options and help, and the parse of an argument vector; the subcommands themselves are in
// commands.cpp and migrate_commands.cpp.
#include "command_line.hpp"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "exit_codes.hpp"

#ifndef SECURESTORE_VERSION
#define SECURESTORE_VERSION "unknown"
#endif

namespace securestore::tool {
namespace {

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

}  // namespace

command_line::command_line()
    : app{"Keep secrets in the OS keyring (Secret Service, kernel keyring, pass), or in an encrypted file when "
          "there is none.",
          "securestore"} {}

std::unique_ptr<command_line> make_command_line(const std::vector<std::string>& backends) {
  auto made = std::make_unique<command_line>();
  auto& cli = *made;
  auto& app = cli.app;
  auto& formatter = cli.formatter;
  formatter = std::make_shared<CLI::Formatter>();
  formatter->column_width(34);
  app.formatter(formatter);
  app.set_version_flag("--version", "securestore " SECURESTORE_VERSION);
  app.fallthrough();  // global options work after the subcommand too
  app.require_subcommand(1);
  app.footer(std::string{examples} + std::string{exit_status_help});

  app.add_option("--service", cli.g.service, "the application the keys belong to")
      ->type_name("NAME")
      ->capture_default_str();
  app.add_option("--backend", cli.g.backend, "where secrets go (default: $SECURESTORE_BACKEND, else auto)")
      ->type_name("NAME")
      ->check(CLI::IsMember(backends));
  app.add_option("--fallback-dir", cli.g.fallback_dir, "the encrypted files' directory (default ~/.local/share/...)")
      ->type_name("DIR");
  app.add_flag("--json", cli.g.json, "print one JSON document on stdout");
  app.add_flag("-q,--quiet", cli.g.quiet, "print only errors and requested values");
  app.add_flag("-y,--yes", cli.g.yes, "answer yes to confirmations (needed without a terminal)");

  auto* key = app.add_subcommand("key", "save, load, show, list and delete secrets");
  key->require_subcommand(1);

  auto* key_save = key->add_subcommand("save", "store a secret: from stdin when piped, else a no-echo prompt");
  key_save->add_option("NAME", cli.save.name, "the key's name")->required();
  key_save->add_option("VALUE", cli.save_value, "the secret itself; refused unless --value-from-argv");
  key_save->add_flag("--value-from-argv", cli.save.value_from_argv,
                     "accept VALUE on the command line (other users can see it in ps)");
  key_save->footer(
      "Reads the secret from stdin when stdin is not a terminal (one trailing newline, or CRLF, is dropped), else\n"
      "asks for it twice without echo. Overwriting a key asks first; without a terminal it needs --yes.\n\n"
      "Examples:\n"
      "  securestore key save openai-key\n"
      "  securestore --yes key save openai-key < key.txt\n");

  auto* key_load = key->add_subcommand("load", "print a secret (masked when stdout is a terminal)");
  key_load->add_option("NAME", cli.load.name, "the key's name")->required();
  key_load->add_flag("--reveal", cli.load.reveal, "print the value on a terminal too");
  key_load->footer(
      "Prints the value and a newline when stdout is a pipe or a file, or with --reveal; on a terminal\n"
      "it prints a masked form.\n\n"
      "Examples:\n"
      "  export OPENAI_API_KEY=\"$(securestore key load openai-key)\"\n"
      "  securestore key load openai-key --reveal\n");

  auto* key_show = key->add_subcommand("show", "where a secret lives, its length and a masked form; never the value");
  key_show->add_option("NAME", cli.show_name, "the key's name")->required();
  key_show->footer(
      "For an OAuth token a token store saved, also its type and when it expires.\n\n"
      "Examples:\n"
      "  securestore key show openai-key\n"
      "  securestore --service securestore-oauth-tokens key show github\n");

  auto* key_list = key->add_subcommand("list", "the names of the stored secrets, with where each lives");
  key_list->footer(
      "When the keyring may hold keys it cannot show now, the list shows what it can and warns\n"
      "(--json: \"partial\": true).\n\n"
      "Example:\n  securestore --service my-app key list --json\n");

  auto* key_delete = key->add_subcommand("delete", "remove a secret (asks first on a terminal)");
  key_delete->add_option("NAME", cli.remove.name, "the key's name")->required();
  key_delete->add_flag("-f,--force", cli.remove.force, "succeed when the key is not stored");
  key_delete->footer("Without a terminal it needs --yes.\n\nExample:\n  securestore --yes key delete openai-key\n");

  auto* status = app.add_subcommand("status", "which backends work, which is used and why, and storage warnings");
  status->alias("doctor");
  status->footer("Never prompts.\n\nExample:\n  securestore status --json\n");

  auto* run = app.add_subcommand("exec", "run a command with secrets in its environment");
  run->add_option("--env", cli.exec.env, "set VAR to the secret NAME (repeatable)")
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
  cli.importers = {
    add_import_env(*import_command),
    add_import_config(*import_command),
    add_import_reference(*import_command),
#if defined(SECURESTORE_WITH_SECRET_SERVICE)
    add_import_keyring(*import_command),
#endif
  };
  cli.export_command = add_export(app);

  auto* completion = app.add_subcommand("completion", "print a shell completion script");
  completion->group("");  // hidden: the build generates the installed scripts with it
  completion->add_option("SHELL", cli.shell, "bash or zsh")->required()->check(CLI::IsMember({"bash", "zsh"}));

  auto* self_check = app.add_subcommand("self-check", "print whether the process is dumpable (for tests)");
  self_check->group("");

  cli.key_save = key_save;
  cli.key_load = key_load;
  cli.key_show = key_show;
  cli.key_list = key_list;
  cli.key_delete = key_delete;
  cli.status = status;
  cli.run = run;
  cli.completion = completion;
  cli.self_check = self_check;
  return made;
}

void parse_command_line(command_line& cli, std::vector<std::string> args) {
  // exec's "--" ends the tool's own arguments: what follows is CMD's, whatever it looks like.
  // CLI11 would hand a subcommand's "--" back to the main command, so it is split off here.
  cli.command_after_mark.reset();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const bool is_value = i > 0 && (args[i - 1] == "--service" || args[i - 1] == "--backend" ||
                                    args[i - 1] == "--fallback-dir" || args[i - 1] == "--env");
    if (args[i] == "--" && !is_value) break;
    if (args[i] != "exec" || is_value) continue;
    for (std::size_t j = i + 1; j < args.size(); ++j) {
      if (args[j] == "--" && args[j - 1] != "--env") {
        cli.command_after_mark.emplace(args.begin() + static_cast<std::ptrdiff_t>(j) + 1, args.end());
        args.resize(j);
        break;
      }
    }
    break;
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
  cli.app.parse(args);
}

}  // namespace securestore::tool

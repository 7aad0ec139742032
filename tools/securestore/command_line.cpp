// tools/securestore/command_line.cpp: the `securestore` command line (CLI11): its global
// options, its commands in the order they are tried, and the parse of an argument vector; each
// command is added by its own function (commands.hpp, migrate_commands.hpp).
#include "command_line.hpp"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <securestore/detail/concat.hpp>

#include "exit_codes.hpp"
#include "migrate_commands.hpp"
#include "tool_support.hpp"

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
    "  securestore --app my-app --store provider-keys key list   # the keys my-app keeps with the library\n"
    "  securestore exec --env GITHUB_TOKEN=github-token -- gh repo list\n"
    "  securestore status                                       # which keyring, and why\n"
    "  securestore services                                     # every backend's services, with key counts\n"
    "  securestore unlock                                       # the keyring's password prompt\n"
    "  securestore import env ANTHROPIC_API_KEY=anthropic       # environment variables into the store\n"
    "  securestore import config app.json --field apiKey=openai --remove-source\n"
    "  securestore import pass claude --dry-run                 # what you keep in pass under claude/\n"
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

const wired_command& command_line::parsed_command() const {
  for (const auto& command : commands) {
    if (command.command->parsed()) return command;
  }
  return commands.back();
}

std::unique_ptr<command_line> make_command_line(const std::vector<std::string>& backends) {
  auto made = std::make_unique<command_line>();
  auto& cli = *made;
  auto& app = cli.app;
  cli.formatter = std::make_shared<help_formatter>();
  cli.formatter->column_width(34);
  app.formatter(cli.formatter);  // before any command: each takes its parent's
  app.set_version_flag("--version", "securestore " SECURESTORE_VERSION);
  app.fallthrough();             // global options work after the command too
  app.require_subcommand(0, 1);  // alone, it shows the overview

  app.add_option("--service", cli.g.service, "the application the keys belong to")
      ->type_name("NAME")
      ->capture_default_str();
  app.add_option("--store", cli.g.store,
                 "a library store instead of --service: provider-keys, tool-keys, tokens or extension:NAME, with "
                 "its rules")
      ->type_name("STORE");
  app.add_option("--app", cli.g.app, "whose --store: the application's name (default: the store all share)")
      ->type_name("NAME");
  app.add_option("--backend", cli.g.backend, "where secrets go (default: $SECURESTORE_BACKEND, else auto)")
      ->type_name("NAME")
      ->check(CLI::IsMember(backends));
  app.add_option("--fallback-dir", cli.g.fallback_dir, "the encrypted files' directory (default ~/.local/share/...)")
      ->type_name("DIR");
  app.add_flag("--no-fallback", cli.g.no_fallback,
               "keyring only: fail rather than write the encrypted file when the keyring cannot be used");
  app.add_flag("--json", cli.g.json, "print one JSON document on stdout");
  app.add_flag("-q,--quiet", cli.g.quiet, "print only errors and requested values");
  app.add_flag("-y,--yes", cli.g.yes, "answer yes to confirmations (needed without a terminal)");

  // --store and --app name the service the library's stores use (tool_support.hpp).
  app.parse_complete_callback([&cli] {
    if (auto chosen = choose_store(cli.g, cli.app.count("--service") > 0); !chosen) {
      throw CLI::ValidationError(detail::concat(chosen.error().what(), "; ", chosen.error().remediation()));
    }
  });

  auto& commands = cli.commands;
  commands = add_key_commands(app, cli.save);
  cli.key_save = commands.front().command;
  commands.push_back(add_status(app));
  commands.push_back(add_services(app));
  commands.push_back(add_lock(app));
  commands.push_back(add_unlock(app));
  commands.push_back(add_exec(app, cli.command_after_mark));
  // Each source of `import` is wired by its own function (migrate_commands.hpp): a new source is
  // one more entry here.
  auto* import_command = app.add_subcommand("import");
  import_command->require_subcommand(1);
  import_command->footer(
      "Every import copies, reads the copy back, and only then may remove the original; running it again is a\n"
      "no-op. --dry-run reads no secret and changes nothing. --json prints the report as one JSON document;\n"
      "no value is ever printed. Exit status 1 when any entry was skipped or failed (the report says why).\n\n"
      "Examples:\n"
      "  securestore import env --dry-run ANTHROPIC_API_KEY=anthropic\n"
      "  securestore import config settings.json --field apiKey=anthropic --remove-source --json\n");
  std::string sources;
  for (auto importer : {
         add_import_env(*import_command), add_import_config(*import_command), add_import_export(*import_command),
             add_import_reference(*import_command),
#if defined(SECURESTORE_WITH_SECRET_SERVICE)
             add_import_keyring(*import_command),
#endif
#if defined(SECURESTORE_WITH_PASS)
             add_import_pass(*import_command),
#endif
       }) {
    sources += (sources.empty() ? "" : ", ") + importer.command->get_name();
    commands.push_back(std::move(importer));
  }
  import_command->description("bring in secrets from elsewhere: " + sources);
  commands.push_back(add_export(app));
  commands.push_back(add_help(app));
  commands.push_back(add_completion(app));
  commands.push_back(add_complete_keys(app));
  commands.push_back(add_man_page(app));
  commands.push_back(add_self_check(app));
  commands.push_back(add_overview(app));
  // Last: a command takes its parent's footer when it is added, and this one is the top's alone.
  app.footer(std::string{examples} + std::string{exit_status_help});
  return made;
}

void parse_command_line(command_line& cli, std::vector<std::string> args) {
  // exec's "--" ends the tool's own arguments: what follows is CMD's, whatever it looks like.
  // CLI11 would hand a subcommand's "--" back to the main command, so it is split off here.
  cli.command_after_mark.reset();
  for (std::size_t i = 0; i < args.size(); ++i) {
    const bool is_value =
        i > 0 && (args[i - 1] == "--service" || args[i - 1] == "--store" || args[i - 1] == "--app" ||
                  args[i - 1] == "--backend" || args[i - 1] == "--fallback-dir" || args[i - 1] == "--env");
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

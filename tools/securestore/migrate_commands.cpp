// tools/securestore/migrate_commands.cpp: `import env`, `import config` and `export`, on the
// library's migrate/ API: one report (text, or --json) for every import, and the plaintext
// warning for every export. No value is ever printed.
#include "migrate_commands.hpp"

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <securestore/detail/concat.hpp>
#include <securestore/migrate/environment.hpp>
#include <securestore/migrate/export.hpp>
#include <securestore/migrate/exported_file.hpp>
#include <securestore/migrate/plaintext_config.hpp>
#include <securestore/migrate/reference_files.hpp>
#if defined(SECURESTORE_WITH_SECRET_SERVICE)
#include <securestore/keyring/secret_service/foreign_entries.hpp>
#include <securestore/migrate/secret_service_entries.hpp>
#endif
#if defined(SECURESTORE_WITH_PASS)
#include <securestore/migrate/pass_entries.hpp>
#endif

#include "completion.hpp"
#include "display.hpp"
#include "tool_support.hpp"

namespace securestore::tool {
namespace {

// "LEFT=RIGHT" split at the first '=' (at the last when `last`), both sides non-empty.
std::optional<std::pair<std::string, std::string>> split_pair(const std::string& spec, bool last = false) {
  const auto eq = last ? spec.rfind('=') : spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) return std::nullopt;
  return std::pair{spec.substr(0, eq), spec.substr(eq + 1)};
}

// Each LEFT=RIGHT spec (already checked by pair_check) as a {left, right} aggregate: env_mapping, config_field.
template <class Pair>
std::vector<Pair> pairs_of(const std::vector<std::string>& specs, bool last) {
  std::vector<Pair> out;
  for (const auto& spec : specs) {
    auto pair = split_pair(spec, last).value();
    out.push_back({std::move(pair.first), std::move(pair.second)});
  }
  return out;
}

// A CLI11 check that each value is LEFT=RIGHT: a bad one is a usage error (exit 2).
CLI::Validator pair_check(std::string name, bool last) {
  return CLI::Validator(
      [name, last](std::string& value) -> std::string {
        return split_pair(value, last) ? std::string{} : detail::concat("'", value, "' is not ", name);
      },
      "");  // no description: the option's type name already says FIELD=NAME
}

// --dry-run and --overwrite (every source), and --remove-source where the source can lose a value.
void add_migration_flags(CLI::App& command, migration_options& options, bool can_remove_source) {
  command.add_flag("--dry-run", options.dry_run, "show what would be imported; read no secret, change nothing");
  command.add_flag("--overwrite", options.overwrite, "replace a different value the store already holds");
  if (can_remove_source) {
    command.add_flag("--remove-source", options.remove_source,
                     "remove each original once its copy was read back from the store");
  }
}

// The report as one JSON document (--json) or as text, and its warnings on stderr; exit 0 only
// when nothing was skipped or failed.
exit_code print_report(const global_options& g, const migration_report& report) {
  for (const auto& warning : report.warnings) warn(g, printable(warning));
  if (g.json) {
    std::cout << dump(report.to_json()) << '\n';
  } else if (!g.quiet) {
    std::cout << printable(report).to_text();
  }
  return report.complete() ? exit_code::ok : exit_code::failure;
}

}  // namespace

wired_command add_import_env(CLI::App& import) {
  struct parsed {
    std::vector<std::string> specs;
    migration_options options;
  };
  auto o = std::make_shared<parsed>();
  auto* command = import.add_subcommand("env", "copy secrets from environment variables into the store");
  command->add_option("MAPPING", o->specs, "VAR=NAME: store the variable VAR as the key NAME")
      ->type_name("VAR=NAME")
      ->required()
      ->check(pair_check("VAR=NAME", false));
  add_migration_flags(*command, o->options, false);
  command->footer(
      "Each value is read back from the store before it counts as imported; a key already holding that value\n"
      "is a no-op, one holding another value is skipped unless --overwrite. A key named twice takes the first\n"
      "set variable's value; a later one is skipped. An unset variable is reported, not an error. The\n"
      "variables stay set in your shell: no program can unset them there, so remove them from your shell\n"
      "profile or .env file yourself once the import is done.\n\n"
      "Examples:\n"
      "  securestore import env ANTHROPIC_API_KEY=anthropic OPENAI_API_KEY=openai\n"
      "  securestore import env --dry-run GITHUB_TOKEN=github-token\n");
  return {command,
          [o](const global_options& g) {
            return with_store(g, "import into", g.service, [&](opened& s) {
              return print_report(g, import_from_env(s.store, pairs_of<env_mapping>(o->specs, false), o->options));
            });
          },
          /*needs_every_backend=*/true};
}

wired_command add_import_config(CLI::App& import) {
  struct parsed {
    std::string path;
    std::vector<std::string> specs;
    migration_options options;
  };
  auto o = std::make_shared<parsed>();
  auto* command = import.add_subcommand("config", "move secrets out of a plaintext JSON config into the store");
  complete_with(command->add_option("PATH", o->path, "the JSON config file")->required(), completes::files);
  command->add_option("--field", o->specs, "store FIELD as the key NAME (repeatable)")
      ->type_name("FIELD=NAME")
      ->required()
      ->allow_extra_args(false)
      ->check(pair_check("FIELD=NAME", true));
  add_migration_flags(*command, o->options, true);
  command->footer(
      "FIELD is a top-level member (apiKey) or a JSON pointer (/providers/openai/apiKey); the pair is split at\n"
      "its last '='. With --remove-source the fields whose copy was read back are removed from the config,\n"
      "which is rewritten atomically (other members, order and mode kept) with \"credentialStorage\":\n"
      "\"keyring\" or \"file\". A key named by two fields takes the first one's value; the later one is\n"
      "skipped and stays in the config. Running it again is a no-op; a run that stopped half-way is finished\n"
      "by running it again. A config others can read is imported with a warning to rotate its keys; one\n"
      "others can write, another user's, or a symlink is refused.\n\n"
      "Examples:\n"
      "  securestore import config ~/.myapp/settings.json --field apiKey=anthropic --dry-run\n"
      "  securestore import config ~/.myapp/settings.json --field apiKey=anthropic \\\n"
      "      --field /providers/openai/apiKey=openai --remove-source\n");
  return {command,
          [o](const global_options& g) {
            return with_store(g, "import into", g.service, [&](opened& s) {
              auto report =
                  import_plaintext_config(s.store, o->path, pairs_of<config_field>(o->specs, true), o->options);
              if (!report) return fail(g, "import from", o->path, s.backend, report.error());
              const auto copied = report.value().count(migration_outcome::imported) +
                                  report.value().count(migration_outcome::already_present);
              if (!o->options.remove_source && !o->options.dry_run && copied != 0) {
                warn(g, detail::concat(o->path,
                                       " still holds the values in plain text; run again with --remove-source "
                                       "to take them out of it"));
              }
              return print_report(g, report.value());
            });
          },
          /*needs_every_backend=*/true};
}

wired_command add_import_export(CLI::App& import) {
  struct parsed {
    std::string path;
    migration_options options;
  };
  auto o = std::make_shared<parsed>();
  auto* command = import.add_subcommand("export", "bring back a file `securestore export` wrote");
  complete_with(command->add_option("FILE", o->path, "the JSON file export wrote")->required(), completes::files);
  add_migration_flags(*command, o->options, true);
  command->footer(
      "Every member of the file becomes the key of its name, as `import config` moves a field. With\n"
      "--remove-source the imported members leave the file (rewritten atomically); it then holds only\n"
      "\"credentialStorage\" and can be deleted.\n\n"
      "Examples:\n"
      "  securestore export backup.json && securestore --backend pass import export backup.json\n"
      "  securestore import export backup.json --dry-run\n");
  return {command,
          [o](const global_options& g) {
            return with_store(g, "import into", g.service, [&](opened& s) {
              auto report = import_exported_file(s.store, o->path, o->options);
              if (!report) return fail(g, "import from", o->path, s.backend, report.error());
              return print_report(g, report.value());
            });
          },
          /*needs_every_backend=*/true};
}

namespace {

// `import reference`'s options.
struct reference_request {
  std::string service;
  std::vector<std::string> dirs;
  std::string host;
  std::string user;
  migration_options options;
};

exit_code import_reference(const global_options& g, const reference_request& o, opened& s) {
  auto locations = default_reference_locations(o.service);
  if (!locations) return fail(g, "import from", o.service, s.backend, locations.error());
  reference_import what{o.service, std::move(locations).value(), std::nullopt, std::nullopt};
  if (!o.dirs.empty()) what.locations.envelope_dirs.assign(o.dirs.begin(), o.dirs.end());
  if (!o.host.empty() || !o.user.empty()) {
    auto mine = this_reference_identity();
    if (!mine) return fail(g, "import from", o.service, s.backend, mine.error());
    what.identity = reference_identity{o.host.empty() ? mine.value().hostname : o.host,
                                       o.user.empty() ? mine.value().username : o.user};
  }
#if defined(SECURESTORE_WITH_SECRET_SERVICE)
  // Where its machine secret is in the keyring (never read on a dry run: it is a secret).
  if (!o.options.dry_run) {
    if (auto found = read_keyring_entry("llxprt-code-machine-secret", "default")) {
      what.machine_secret = std::move(found).value();
    }
  }
#endif
  auto report = import_reference_files(s.store, what, o.options);
  if (!report) return fail(g, "import from", o.service, s.backend, report.error());
  return print_report(g, report.value());
}

}  // namespace

wired_command add_import_reference(CLI::App& import) {
  auto o = std::make_shared<reference_request>();
  auto* command = import.add_subcommand(
      "reference", "copy secrets from llxprt-code's encrypted files (v1, v2 and legacy .key) into the store");
  command->add_option("SERVICE", o->service, "its service name, e.g. llxprt-code-provider-keys")->required();
  command->add_option("--dir", o->dirs, "a directory of its <key>.enc files, instead of its default ones (repeatable)")
      ->type_name("DIR")
      ->allow_extra_args(false);
  command->add_option("--host", o->host, "the host name the files were written on, when not this machine's");
  command->add_option("--user", o->user, "the user name they were written by, when not yours");
  add_migration_flags(*command, o->options, true);
  command->footer(
      "Looks in every directory llxprt-code used, newest first ($LLXPRT_DATA_HOME, $LLXPRT_CONFIG_HOME,\n"
      "~/.local/share/llxprt-code, ~/.llxprt): a key found in several is taken from the first, and an\n"
      "older copy with another value is skipped and kept. Its files are sealed with this machine's host\n"
      "and user name; a file made elsewhere fails as corrupt and stays. v2 files need its machine secret:\n"
      "from <dataDir>/machine_secret, else from the Secret Service (service llxprt-code-machine-secret).\n\n"
      "Examples:\n"
      "  securestore import reference llxprt-code-provider-keys --dry-run\n"
      "  securestore --service llxprt import reference llxprt-code-provider-keys --remove-source\n");
  return {command,
          [o](const global_options& g) {
            return with_store(g, "import into", g.service, [&](opened& s) { return import_reference(g, *o, s); });
          },
          /*needs_every_backend=*/true};
}

#if defined(SECURESTORE_WITH_SECRET_SERVICE)
wired_command add_import_keyring(CLI::App& import) {
  struct parsed {
    std::string service;
    migration_options options;
  };
  auto o = std::make_shared<parsed>();
  auto* command = import.add_subcommand(
      "keyring", "copy the Secret Service entries other libraries wrote for a service into the store");
  command->add_option("SERVICE", o->service, "the service name they were stored under")->required();
  add_migration_flags(*command, o->options, true);
  command->footer(
      "Finds what keytar, keyring-rs (@napi-rs/keyring), Python keyring and secret-tool stored under\n"
      "SERVICE and copies each entry to the key named by its account. When several of them stored one\n"
      "account, the first in that order (keyring-rs, keytar, Python keyring, secret-tool) is imported and\n"
      "the others are skipped and kept. With --remove-source an original is deleted only if the store holds\n"
      "its value when the import ends; securestore's own items are never touched.\n\n"
      "Examples:\n"
      "  securestore import keyring my-app --dry-run\n"
      "  securestore --service my-app import keyring my-app --remove-source\n");
  return {command,
          [o](const global_options& g) {
            return with_store(g, "import into", g.service, [&](opened& s) {
              auto report = import_keyring_entries(s.store, o->service, o->options);
              if (!report) return fail(g, "import from", o->service, "secret-service", report.error());
              return print_report(g, report.value());
            });
          },
          /*needs_every_backend=*/true};
}
#endif

#if defined(SECURESTORE_WITH_PASS)
wired_command add_import_pass(CLI::App& import) {
  struct parsed {
    std::string folder;
    migration_options options;
  };
  auto o = std::make_shared<parsed>();
  auto* command = import.add_subcommand("pass", "copy the entries you keep in pass (below a folder) into the store");
  command->add_option("PREFIX", o->folder, "the folder of the password store to import, e.g. claude (default: all)");
  add_migration_flags(*command, o->options, true);
  command->footer(
      "Each entry below PREFIX becomes the key named by the rest of its name: claude/anthropic is the key\n"
      "anthropic, and an entry in a sub-folder keeps it (claude/work/openai is work/openai). Its value is the\n"
      "entry's first line, the password as pass takes it; the other lines (login:, url:, notes) are not\n"
      "imported, and --remove-source keeps such an entry. Without PREFIX the whole store is imported, except\n"
      "the folder securestore writes with --backend pass. The store is $PASSWORD_STORE_DIR, else\n"
      "~/.password-store; gpg may need your key's passphrase in gpg-agent (no prompt is shown).\n\n"
      "Examples:\n"
      "  securestore import pass claude --dry-run\n"
      "  securestore import pass claude --remove-source\n");
  return {command,
          [o](const global_options& g) {
            return with_store(g, "import into", g.service, [&](opened& s) {
              auto report = import_pass_entries(s.store, o->folder, o->options);
              if (!report)
                return fail(g, "import from", o->folder.empty() ? "pass" : o->folder, "pass", report.error());
              return print_report(g, report.value());
            });
          },
          /*needs_every_backend=*/true};
}
#endif

namespace {

// `export`'s options.
struct export_request {
  std::string path;
  bool allow_partial = false;
};

exit_code export_store(const global_options& g, const export_request& o, opened& s) {
  auto summary = export_to_file(s.store, o.path, {.replace_existing = g.yes, .allow_partial = o.allow_partial});
  if (!summary) return fail(g, "export to", o.path, s.backend, summary.error());
  std::cerr << "securestore: warning: " << printable(summary.value().warning) << '\n';
  if (g.json) {
    std::cout << dump(json{{"path", summary.value().path.native()},
                           {"count", summary.value().count},
                           {"partial", summary.value().partial},
                           {"warning", summary.value().warning}})
              << '\n';
  } else {
    say(g, detail::concat("exported ", summary.value().count, " secrets to ", summary.value().path.native()));
  }
  return exit_code::ok;
}

}  // namespace

wired_command add_export(CLI::App& app) {
  auto o = std::make_shared<export_request>();
  auto* command = app.add_subcommand("export", "write every secret to a new plaintext JSON file (0600)");
  complete_with(command->add_option("FILE", o->path, "the new file")->required(), completes::files);
  command->add_flag("--allow-partial", o->allow_partial,
                    "export what can be read when the keyring cannot list everything now");
  command->footer(
      "Writes {\"name\": \"value\", ...} to FILE, created 0600; an existing FILE is refused unless --yes, which\n"
      "replaces it atomically (it holds the old contents or the whole export, never a mix). A warning that the\n"
      "file holds secrets in plain text is printed on stderr, always. When the keyring cannot list every key,\n"
      "nothing is written unless --allow-partial.\n\n"
      "Examples:\n"
      "  securestore export backup.json\n"
      "  securestore --yes export backup.json    # replace an older backup.json\n");
  return {command, [o](const global_options& g) {
            return with_store(g, "export", g.service, [&](opened& s) { return export_store(g, *o, s); });
          }};
}

}  // namespace securestore::tool

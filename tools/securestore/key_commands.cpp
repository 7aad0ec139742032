// tools/securestore/key_commands.cpp: `key save`, `load`, `show`, `list` and `delete`, each with
// the verbs people bring from other tools as aliases (get, set, store, ls, rm, del).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include <botan/mem_ops.h>
#include <botan/secmem.h>

#include <securestore/detail/stores/text.hpp>
#include <securestore/secret.hpp>

#include "commands.hpp"
#include "completion.hpp"
#include "display.hpp"
#include "terminal.hpp"
#include "token_view.hpp"
#include "tool_support.hpp"

namespace securestore::tool {
namespace {

// The file store's limit on a value (1 MiB); the store refuses more, and so does reading it.
inline constexpr std::size_t max_secret_bytes = 1024 * 1024;

std::string_view location_name(location where) { return where == location::keyring ? "keyring" : "file"; }

// The value of `s` as a JSON string, escaped into zeroizing memory and written straight out.
bool write_json_string(int fd, std::string_view value) {
  Botan::secure_vector<char> out;
  out.reserve(value.size() + 2);
  out.push_back('"');
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      constexpr char digits[] = "0123456789abcdef";
      for (const char e : {'\\', 'u', '0', '0', digits[u >> 4], digits[u & 15U]}) out.push_back(e);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return write_all(fd, std::string_view{out.data(), out.size()});
}

// The secret to save: VALUE from argv (already taken off it by main.cpp), stdin, or the prompt;
// nullopt when the user cancelled the prompt.
result<std::optional<secret>> secret_to_save(save_options& o) {
  if (o.value) {
    secret value{*o.value};
    Botan::secure_scrub_memory(o.value->data(), o.value->size());
    o.value.reset();
    return std::optional{std::move(value)};
  }
  if (!is_terminal(STDIN_FILENO)) {
    BOOST_OUTCOME_TRY(piped, read_secret_from_stdin(max_secret_bytes));
    return std::optional{std::move(piped)};
  }
  return prompt_secret_twice(detail::concat("Secret for '", printable(o.name), "' (not shown): "), max_secret_bytes);
}

// The value a domain store keeps: a provider key trimmed (as provider_key_store::save) and never
// empty, a token store's entry a token record it can read.
result<std::string_view> domain_value(const global_options& g, const std::string& name, std::string_view value) {
  if (g.domain == store_domain::provider_keys) {
    const auto trimmed = detail::stores::trim(value);
    if (trimmed.empty()) {
      return error{errc::invalid_argument, "the value is empty or only whitespace", "pass the API key itself"};
    }
    return trimmed;
  }
  if (g.domain == store_domain::tokens && !read_token_record(value, name)) {
    return error{errc::invalid_argument, "a token store's entry is an OAuth token record (JSON), and this is not one",
                 "let the application sign in again, or save it with --service to keep it as it is"};
  }
  return value;
}

exit_code key_save(const global_options& g, save_options& o, opened& s) {
  auto& store = s.store;
  if (auto named = check_domain_name(g, o.name); !named) return fail(g, "save", o.name, s.backend, named.error());
  // Ask before reading the secret: nobody should type it only to be told it cannot be saved.
  if (auto where = store.locate(o.name); where) {
    const auto question =
        detail::concat("'", o.name, "' already exists in ", describe(where.value(), s), ". Overwrite it? [y/N] ");
    if (!agreed(g, question)) {
      if (!g.yes && !is_terminal(STDIN_FILENO)) {
        return refuse(g, detail::concat("'", o.name,
                                        "' already exists; nothing was changed (no terminal to ask on): pass --yes to "
                                        "overwrite it"));
      }
      return refuse(g, detail::concat("'", o.name, "' was left as it was"));
    }
  }
  auto value = secret_to_save(o);
  if (!value) return fail(g, "read the secret for", o.name, s.backend, value.error());
  if (!value.value()) {
    std::cerr << "securestore: cancelled; '" << printable(o.name) << "' was not saved\n";
    return exit_code::cancelled;
  }
  auto kept = domain_value(g, o.name, value.value()->reveal());
  if (!kept) return fail(g, "save", o.name, s.backend, kept.error());
  auto stored = store.set(o.name, kept.value());
  if (!stored && g.no_fallback && stored.error().code() == errc::unavailable) {
    // The library's remedy speaks of its fallback policy; the tool's switch is --no-fallback.
    return fail(g, "save", o.name, s,
                error{errc::unavailable, std::string{stored.error().what()},
                      "make the keyring usable (securestore status says why it is not), or leave out --no-fallback to "
                      "let the value go to the encrypted file"});
  }
  if (!stored) return fail(g, "save", o.name, s, stored.error());
  const auto where = stored.value().where;
  // Why it went to the file comes from the set itself (an outage, a value over the keyring's
  // limit, the kernel's quota), not from a later diagnose(): the keyring may well work for the
  // next, smaller value. The file chosen with --backend file is no fallback.
  const auto& reason = stored.value().fallback_reason;
  const bool fell_back = reason.has_value() && s.backend != "file";
  if (g.json) {
    json doc{{"name", o.name},
             {"location", location_name(where)},
             {"backend", where == location::keyring ? s.backend : "file"},
             {"fallback", fell_back}};
    if (fell_back) doc["fallback_reason"] = std::string{reason->what()};
    std::cout << dump(doc) << '\n';
  } else {
    say(g, detail::concat("saved '", o.name, "' in ", describe(where, s)));
  }
  if (fell_back) {
    warn(g, detail::concat("'", o.name, "' went to the encrypted file, not the ", display_name(s.backend),
                           " keyring: ", reason->what()));
  }
  return exit_code::ok;
}

exit_code key_load(const global_options& g, const std::string& name, bool reveal_asked, opened& s) {
  if (auto named = check_domain_name(g, name); !named) return fail(g, "load", name, s.backend, named.error());
  auto value = s.store.get(name);
  if (!value) return fail(g, "load", name, s, value.error());
  // A value printed on a terminal stays in its scroll-back: mask it unless asked.
  const bool reveal = reveal_asked || !is_terminal(STDOUT_FILENO);
  if (g.json) {
    const auto head = dump(json{{"name", name}, {"masked", !reveal}});
    // {"name":..,"masked":..,"value":"..."}: the value is escaped in zeroizing memory.
    bool ok = write_all(STDOUT_FILENO, std::string_view{head}.substr(0, head.size() - 1)) &&
              write_all(STDOUT_FILENO, ",\"value\":");
    ok = ok && (reveal ? write_json_string(STDOUT_FILENO, value.value().reveal())
                       : write_json_string(STDOUT_FILENO, mask_for_display(value.value())));
    ok = ok && write_all(STDOUT_FILENO, "}\n");
    return ok ? exit_code::ok : exit_code::failure;
  }
  if (!reveal) {
    std::cout << mask_for_display(value.value()) << '\n';
    if (!g.quiet) std::cerr << "securestore: masked because stdout is a terminal; pipe it or add --reveal\n";
    return exit_code::ok;
  }
  std::cout.flush();
  const bool ok = write_all(STDOUT_FILENO, value.value().reveal()) && write_all(STDOUT_FILENO, "\n");
  return ok ? exit_code::ok : exit_code::failure;
}

exit_code key_show(const global_options& g, const std::string& name, opened& s) {
  if (auto named = check_domain_name(g, name); !named) return fail(g, "show", name, s.backend, named.error());
  auto value = s.store.get(name);
  if (!value) return fail(g, "show", name, s, value.error());
  auto where = s.store.locate(name);
  if (!where) return fail(g, "show", name, s, where.error());
  // A token store's record (--service securestore-oauth-tokens): its expiry is what people look
  // for, and its access token, not the record's JSON, is what the mask stands for.
  const auto token = view_token(value.value(), name);
  const auto masked = token ? token->masked_access_token : mask_for_display(value.value());
  const auto bytes = value.value().size();
  const auto now = std::chrono::system_clock::now();
  if (g.json) {
    json doc{{"name", name},
             {"masked", masked},
             {"length_bytes", bytes},
             {"location", location_name(where.value())},
             {"backend", where.value() == location::keyring ? s.backend : "file"}};
    if (token) doc["token"] = token_json(*token, now);
    std::cout << dump(doc) << '\n';
    return exit_code::ok;
  }
  std::cout << "name:     " << printable(name) << "\nvalue:    " << masked << "\nlength:   " << bytes << " bytes\n";
  if (token) {
    std::cout << "kind:     OAuth token (" << printable(token->token_type)
              << (token->refreshable ? ", refreshable" : "") << ")\nexpires:  " << describe_expiry(*token, now) << '\n';
  }
  std::cout << "location: " << describe(where.value(), s) << '\n';
  return exit_code::ok;
}

exit_code key_list(const global_options& g, opened& s) {
  auto listing = s.store.list_reachable();
  if (!listing) return fail(g, "list the keys of", g.service, s.backend, listing.error());
  // Which names are in files: a file-only view of the same directory, which reads no value (a
  // file, when present, holds the key's newest value, so that is where the key lives).
  std::set<std::string> in_files;
  if (auto files = open_file_entries(g)) {
    if (auto names = files.value().store.list()) in_files.insert(names.value().begin(), names.value().end());
  }
  const auto& names = listing.value().names;
  if (g.json) {
    json out{{"names", json::array()}, {"partial", listing.value().partial()}};
    for (const auto& name : names) {
      out["names"].push_back({{"name", name}, {"location", in_files.contains(name) ? "file" : "keyring"}});
    }
    if (listing.value().missing) out["reason"] = in_tool_words(listing.value().missing->message(), g);
    std::cout << dump(out) << '\n';
  } else {
    for (const auto& name : names) {
      std::cout << printable(name) << '\t'
                << (in_files.contains(name) ? "file" : detail::concat("keyring (", display_name(s.backend), ")"))
                << '\n';
    }
  }
  // A partial list never exits 0: a script would read it as "these are all the keys".
  const auto& missing = listing.value().missing;
  if (names.empty() && !missing && !g.quiet && !g.json) {
    // Said on stderr: a script that counts the lines on stdout still counts none.
    const auto place = s.backend == "file" ? detail::concat("file ", home_relative(s.store.fallback_dir()))
                                           : std::string{display_name(s.backend)};
    std::cerr << "securestore: no keys in service '" << printable(g.service) << "' (" << printable(place) << ")\n";
  }
  if (missing) {
    warn(g, detail::concat("the list is partial: the keyring may hold more keys but cannot be read (", missing->what(),
                           "); what to do: ", missing->remediation()));
    return exit_code_for(missing->code());
  }
  return exit_code::ok;
}

exit_code key_delete(const global_options& g, const std::string& name, bool force, opened& s) {
  if (auto named = check_domain_name(g, name); !named) return fail(g, "delete", name, s.backend, named.error());
  auto where = s.store.locate(name);
  if (!where) {
    if (where.error().code() == errc::not_found && force) {
      say(g, detail::concat("'", name, "' was not stored; nothing to delete"));
      if (g.json) std::cout << dump(json{{"name", name}, {"deleted", false}}) << '\n';
      return exit_code::ok;
    }
    // The library's remedy for a missing key is to store it, which is no way to delete it.
    if (where.error().code() == errc::not_found) {
      return fail(g, "delete", name, s,
                  error{errc::not_found, std::string{where.error().what()},
                        "check the name with `securestore key list` (and --service); --force succeeds when it is "
                        "absent"});
    }
    return fail(g, "delete", name, s, where.error());
  }
  const auto place = describe(where.value(), s);
  if (!agreed(g, detail::concat("Delete '", name, "' from ", place, "? [y/N] "))) {
    if (!g.yes && !is_terminal(STDIN_FILENO)) {
      return refuse(g, detail::concat("'", name, "' was not deleted (no terminal to ask on): pass --yes to delete it"));
    }
    return refuse(g, detail::concat("'", name, "' was left as it was"));
  }
  auto removed = s.store.remove(name);
  if (!removed) return fail(g, "delete", name, s, removed.error());
  if (g.json) std::cout << dump(json{{"name", name}, {"deleted", removed.value()}}) << '\n';
  say(g, detail::concat("deleted '", name, "' from ", place));
  return exit_code::ok;
}

// NAME, which the completion scripts complete with the stored keys' names unless it names a new key.
CLI::App* add_name(CLI::App* command, std::string& name, completes what = completes::key_names) {
  complete_with(command->add_option("NAME", name, "the key's name")->required(), what);
  return command;
}

wired_command add_save(CLI::App& key, save_options& o) {
  auto* command = add_name(key.add_subcommand("save", "store a secret: from stdin when piped, else a no-echo prompt"),
                           o.name, completes::nothing);
  command->alias("set")->alias("store");
  command->add_option("VALUE", o.argv_value, "the secret itself; refused unless --value-from-argv");
  command->add_flag("--value-from-argv", o.value_from_argv,
                    "accept VALUE on the command line (other users can see it in ps)");
  command->footer(
      "Reads the secret from stdin when stdin is not a terminal (one trailing newline, or CRLF, is dropped), else\n"
      "asks for it twice without echo. Overwriting a key asks first; without a terminal it needs --yes.\n\n"
      "Examples:\n"
      "  securestore key save openai-key\n"
      "  securestore --yes key save openai-key < key.txt\n");
  return {command, [&o](const global_options& g) {
            return with_store(g, "save", o.name, [&](opened& s) { return key_save(g, o, s); });
          }};
}

wired_command add_load(CLI::App& key) {
  struct parsed {
    std::string name;
    bool reveal = false;
  };
  auto o = std::make_shared<parsed>();
  auto* command = add_name(key.add_subcommand("load", "print a secret (masked when stdout is a terminal)"), o->name);
  command->alias("get");
  command->add_flag("--reveal", o->reveal, "print the value on a terminal too");
  command->footer(
      "Prints the value and a newline when stdout is a pipe or a file, or with --reveal; on a terminal\n"
      "it prints a masked form.\n\n"
      "Examples:\n"
      "  export OPENAI_API_KEY=\"$(securestore key load openai-key)\"\n"
      "  securestore key load openai-key --reveal\n");
  return {command, [o](const global_options& g) {
            return with_store(g, "load", o->name, [&](opened& s) { return key_load(g, o->name, o->reveal, s); });
          }};
}

wired_command add_show(CLI::App& key) {
  auto name = std::make_shared<std::string>();
  auto* command = add_name(
      key.add_subcommand("show", "where a secret lives, its length and a masked form; never the value"), *name);
  command->footer(
      "For an OAuth token a token store saved, also its type and when it expires.\n\n"
      "Examples:\n"
      "  securestore key show openai-key\n"
      "  securestore --service securestore-oauth-tokens key show github\n");
  return {command, [name](const global_options& g) {
            return with_store(g, "show", *name, [&](opened& s) { return key_show(g, *name, s); });
          }};
}

wired_command add_list(CLI::App& key) {
  auto* command = key.add_subcommand("list", "the names of the stored secrets, with where each lives");
  command->alias("ls");
  command->footer(
      "When the keyring may hold keys it cannot show now, the list shows what it can and warns\n"
      "(--json: \"partial\": true).\n\n"
      "Example:\n  securestore --service my-app key list --json\n");
  return {command, [](const global_options& g) {
            return with_store(g, "list the keys of", g.service, [&](opened& s) { return key_list(g, s); });
          }};
}

wired_command add_delete(CLI::App& key) {
  struct parsed {
    std::string name;
    bool force = false;
  };
  auto o = std::make_shared<parsed>();
  auto* command = add_name(key.add_subcommand("delete", "remove a secret (asks first on a terminal)"), o->name);
  command->alias("rm")->alias("del");
  command->add_flag("-f,--force", o->force, "succeed when the key is not stored");
  command->footer("Without a terminal it needs --yes.\n\nExample:\n  securestore --yes key delete openai-key\n");
  return {command, [o](const global_options& g) {
            return with_store(g, "delete", o->name, [&](opened& s) { return key_delete(g, o->name, o->force, s); });
          }};
}

}  // namespace

// Completion runs this on every Tab: it must never prompt (interaction::never) nor make the shell
// wait on a hung keyring or `pass`, so the process ends itself after a short bound, silently (a
// death by SIGALRM would have the shell print "Alarm clock"), and the shell offers nothing. A
// failure prints nothing: there is no one to read it.
namespace {
void end_completion(int) { ::_exit(static_cast<int>(exit_code::timeout)); }
}  // namespace

wired_command add_complete_keys(CLI::App& app) {
  auto* command = app.add_subcommand(complete_keys_command, "print the stored keys' names, for completion");
  command->group("");
  return {command, [](const global_options& g) {
            constexpr unsigned bound_seconds = 2;
            ::signal(SIGALRM, end_completion);
            ::alarm(bound_seconds);
            auto s = open_store(g, requested_backend(g), interaction::never);
            if (!s) return exit_code_for(s.error().code());
            auto listing = s.value().store.list_reachable();
            if (!listing) return exit_code_for(listing.error().code());
            for (const auto& name : listing.value().names) {
              if (name.find('\n') == std::string::npos) std::cout << name << '\n';
            }
            return exit_code::ok;
          }};
}

std::vector<wired_command> add_key_commands(CLI::App& app, save_options& save) {
  auto* key = app.add_subcommand("key", "save, load, show, list and delete secrets");
  key->require_subcommand(0, 1);
  key->footer(
      "Each command also answers to the verb other tools use: get (load), set and store (save), ls (list),\n"
      "rm and del (delete). `securestore key` alone lists them.\n\n"
      "Examples:\n"
      "  securestore key save github-token\n"
      "  securestore key list --json\n");
  std::vector<wired_command> out{add_save(*key, save), add_load(*key), add_show(*key), add_list(*key),
                                 add_delete(*key)};
  out.push_back({key, [key](const global_options& g) { return print_overview(g, *key); }});
  return out;
}

}  // namespace securestore::tool

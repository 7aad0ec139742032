// tools/securestore/commands.cpp: the subcommands, on a store built with any_keyring. Every
// message names the key, the backend and what to do; none holds a value.
#include "commands.hpp"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <string_view>

#include <botan/mem_ops.h>
#include <botan/secmem.h>
#include <nlohmann/json.hpp>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/any.hpp>
#include <securestore/secret.hpp>

#include "display.hpp"
#include "terminal.hpp"
#include "token_view.hpp"
#include "tool_support.hpp"

namespace securestore::tool {
namespace {

// The file store's limit on a value (1 MiB); the store refuses more, and so does reading it.
inline constexpr std::size_t max_secret_bytes = 1024 * 1024;
inline constexpr const char* backend_variable = "SECURESTORE_BACKEND";

// Sets SECURESTORE_BACKEND while a store is built (the store checks it against its keyring), and
// puts the user's own value back afterwards, so `exec` hands the command an untouched environment.
class scoped_backend_variable {
 public:
  explicit scoped_backend_variable(const std::string& value) {
    if (const char* old = std::getenv(backend_variable)) old_ = old;
    ::setenv(backend_variable, value.c_str(), 1);
  }
  ~scoped_backend_variable() {
    if (old_)
      ::setenv(backend_variable, old_->c_str(), 1);
    else
      ::unsetenv(backend_variable);
  }
  scoped_backend_variable(const scoped_backend_variable&) = delete;
  scoped_backend_variable& operator=(const scoped_backend_variable&) = delete;

 private:
  std::optional<std::string> old_;
};

}  // namespace

// The helpers below are shared with the other subcommands' files (tool_support.hpp).

std::string dump(const json& doc) { return doc.dump(-1, ' ', false, json::error_handler_t::replace); }

// The backend the user asked for: --backend, else SECURESTORE_BACKEND, else auto.
std::string requested_backend(const global_options& g) {
  if (!g.backend.empty()) return g.backend;
  if (const char* env = std::getenv(backend_variable); env != nullptr && *env != '\0') return env;
  return "auto";
}

std::string home_relative(const std::filesystem::path& path) {
  const char* home = std::getenv("HOME");
  const std::string text = path.native();
  if (home != nullptr && *home == '/') {
    const std::string prefix = std::string{home} + "/";
    if (text.starts_with(prefix)) return "~/" + text.substr(prefix.size());
  }
  return text;
}

// "Secret Service" for "secret_service": how a person knows the backend.
std::string_view display_name(std::string_view backend) {
  if (backend == "secret_service") return "Secret Service";
  if (backend == "keyutils") return "kernel keyring";
  if (backend == "pass") return "pass";
  if (backend == "none") return "file";
  return backend;
}

std::string_view location_name(location where) { return where == location::keyring ? "keyring" : "file"; }

// A store of g.service on `backend_name` ("auto", "keyutils", "file", ...).
// `--backend file` is the library's SECURESTORE_BACKEND=file: the keyring `auto` chooses is kept
// out but still known, so a key it may hold is `unavailable` (never `not_found`) and a list of
// names is partial, exactly as the library answers. open_file_entries() is the view of the files
// alone.
result<opened> open_store(const global_options& g, const std::string& backend_name, std::optional<interaction> mode) {
  const bool file_override = backend_name == "file";
  auto keyring = any_keyring::named(file_override ? "auto" : backend_name);
  if (!keyring) {
    return error{errc::invalid_argument,
                 detail::concat("securestore: --backend/SECURESTORE_BACKEND: ", keyring.error().what()),
                 "choose one of those with --backend"};
  }
  store_options options;
  options.interaction = mode;
  if (!g.fallback_dir.empty()) {
    std::error_code ignored;
    options.fallback_dir = std::filesystem::absolute(g.fallback_dir, ignored);
  }
  const std::string backend{file_override ? "none" : keyring.value().capabilities().backend};
  const scoped_backend_variable variable{backend_name};
  return opened{tool_store{g.service, std::move(options), std::move(keyring.value())}, backend};
}

result<opened> open_file_entries(const global_options& g) {
  auto none = any_keyring::make(keyring_backend::file);
  if (!none) return none.error();
  store_options options;
  options.interaction = interaction::never;
  if (!g.fallback_dir.empty()) {
    std::error_code ignored;
    options.fallback_dir = std::filesystem::absolute(g.fallback_dir, ignored);
  }
  const scoped_backend_variable variable{"file"};
  return opened{tool_store{g.service, std::move(options), std::move(none.value())}, "none"};
}

std::string describe(location where, opened& s) {
  if (where == location::keyring) return detail::concat("keyring (", display_name(s.backend), ")");
  return detail::concat("file (", printable(home_relative(s.store.fallback_dir())), ")");
}

void warn(const global_options& g, std::string_view text) {
  if (g.quiet) return;
  std::cerr << "securestore: warning: " << printable(text) << '\n';
}

void say(const global_options& g, std::string_view text) {
  if (g.quiet || g.json) return;
  std::cout << printable(text) << '\n';
}

// Reports a failure: one line saying what failed, then what to do. With --json, also one JSON
// document on stdout. Returns the exit status for it. The library's message names the key too,
// so all of the text is printable().
exit_code fail(const global_options& g, std::string_view action, std::string_view key, std::string_view backend,
               const error& e) {
  std::string subject = std::string{action};
  if (!key.empty()) subject += detail::concat(" '", key, "'");
  std::cerr << "securestore: cannot " << printable(subject) << " (backend " << display_name(backend)
            << "): " << printable(e.what()) << "\n  what to do: " << printable(e.remediation()) << '\n';
  if (g.json) {
    std::cout << dump(json{{"error",
                            {{"code", errc_name(e.code())},
                             {"exit_status", static_cast<int>(exit_code_for(e.code()))},
                             {"key", key},
                             {"backend", backend},
                             {"message", std::string{e.what()}},
                             {"remedy", std::string{e.remediation()}}}}})
              << '\n';
  }
  return exit_code_for(e.code());
}

// A refusal that is not an errc: a confirmation declined or impossible.
exit_code refuse(const global_options& g, std::string_view text) {
  std::cerr << "securestore: " << printable(text) << '\n';
  if (g.json) std::cout << dump(json{{"error", {{"code", "refused"}, {"exit_status", 1}, {"message", text}}}}) << '\n';
  return exit_code::failure;
}

// Whether the user agreed to `question`: --yes, or "y" on the terminal. Without a terminal and
// without --yes, nothing is asked and the answer is no (`why` says how to proceed).
bool agreed(const global_options& g, std::string_view question) {
  if (g.yes) return true;
  if (!is_terminal(STDIN_FILENO)) return false;
  return confirm(printable(question));
}

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

std::vector<std::string> backend_choices() {
  std::vector<std::string> out{"auto"};
  for (const auto backend : any_keyring::compiled_backends()) out.emplace_back(backend_name(backend));
  return out;
}

exit_code key_save(const global_options& g, save_options& o) {
  auto s = open_store(g, requested_backend(g));
  if (!s) return fail(g, "save", o.name, "none", s.error());
  auto& store = s.value().store;
  const auto& backend = s.value().backend;

  // Ask before reading the secret: nobody should type it only to be told it cannot be saved.
  if (auto where = store.locate(o.name); where) {
    const auto question = detail::concat("'", o.name, "' already exists in ", describe(where.value(), s.value()),
                                         ". Overwrite it? [y/N] ");
    if (!agreed(g, question)) {
      if (!g.yes && !is_terminal(STDIN_FILENO)) {
        return refuse(g, detail::concat("'", o.name,
                                        "' already exists; nothing was changed (no terminal to ask on): pass --yes to "
                                        "overwrite it"));
      }
      return refuse(g, detail::concat("'", o.name, "' was left as it was"));
    }
  }

  result<secret> value = error{};
  if (o.value) {
    value = secret{*o.value};
    Botan::secure_scrub_memory(o.value->data(), o.value->size());
    o.value.reset();
  } else if (!is_terminal(STDIN_FILENO)) {
    value = read_secret_from_stdin(max_secret_bytes);
  } else {
    value = prompt_secret_twice(detail::concat("Secret for '", printable(o.name), "' (not shown): "), max_secret_bytes);
  }
  if (!value) return fail(g, "read the secret for", o.name, backend, value.error());

  auto stored = store.set(o.name, value.value().reveal());
  if (!stored) return fail(g, "save", o.name, backend, stored.error());
  const auto where = stored.value().where;
  // Why it went to the file comes from the set itself (an outage, a value over the keyring's
  // limit, the kernel's quota), not from a later diagnose(): the keyring may well work for the
  // next, smaller value. The file chosen with --backend file is no fallback.
  const auto& reason = stored.value().fallback_reason;
  const bool fell_back = reason.has_value() && backend != "none";
  if (g.json) {
    json doc{{"name", o.name},
             {"location", location_name(where)},
             {"backend", where == location::keyring ? backend : "file"},
             {"fallback", fell_back}};
    if (fell_back) doc["fallback_reason"] = std::string{reason->what()};
    std::cout << dump(doc) << '\n';
  } else {
    say(g, detail::concat("saved '", o.name, "' in ", describe(where, s.value())));
  }
  if (fell_back) {
    warn(g, detail::concat("'", o.name, "' went to the encrypted file, not the ", display_name(backend),
                           " keyring: ", reason->what()));
  }
  return exit_code::ok;
}

exit_code key_load(const global_options& g, const load_options& o) {
  auto s = open_store(g, requested_backend(g));
  if (!s) return fail(g, "load", o.name, "none", s.error());
  auto value = s.value().store.get(o.name);
  if (!value) return fail(g, "load", o.name, s.value().backend, value.error());

  // A value printed on a terminal stays in its scroll-back: mask it unless asked.
  const bool reveal = o.reveal || !is_terminal(STDOUT_FILENO);
  if (g.json) {
    const auto head = dump(json{{"name", o.name}, {"masked", !reveal}});
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

exit_code key_show(const global_options& g, const std::string& name) {
  auto s = open_store(g, requested_backend(g));
  if (!s) return fail(g, "show", name, "none", s.error());
  auto& store = s.value().store;
  auto value = store.get(name);
  if (!value) return fail(g, "show", name, s.value().backend, value.error());
  auto where = store.locate(name);
  if (!where) return fail(g, "show", name, s.value().backend, where.error());
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
             {"backend", where.value() == location::keyring ? s.value().backend : "file"}};
    if (token) doc["token"] = token_json(*token, now);
    std::cout << dump(doc) << '\n';
    return exit_code::ok;
  }
  std::cout << "name:     " << printable(name) << "\nvalue:    " << masked << "\nlength:   " << bytes << " bytes\n";
  if (token) {
    std::cout << "kind:     OAuth token (" << printable(token->token_type)
              << (token->refreshable ? ", refreshable" : "") << ")\nexpires:  " << describe_expiry(*token, now) << '\n';
  }
  std::cout << "location: " << describe(where.value(), s.value()) << '\n';
  return exit_code::ok;
}

exit_code key_list(const global_options& g) {
  auto s = open_store(g, requested_backend(g));
  if (!s) return fail(g, "list the keys of", g.service, "none", s.error());
  auto listing = s.value().store.list_reachable();
  if (!listing) return fail(g, "list the keys of", g.service, s.value().backend, listing.error());

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
    if (listing.value().missing) out["reason"] = listing.value().missing->message();
    std::cout << dump(out) << '\n';
  } else {
    for (const auto& name : names) {
      std::cout << printable(name) << '\t'
                << (in_files.contains(name) ? "file"
                                            : detail::concat("keyring (", display_name(s.value().backend), ")"))
                << '\n';
    }
  }
  // A partial list never exits 0: a script would read it as "these are all the keys".
  if (const auto& missing = listing.value().missing) {
    warn(g, detail::concat("the list is partial: the keyring may hold more keys but cannot be read (", missing->what(),
                           "); what to do: ", missing->remediation()));
    return exit_code_for(missing->code());
  }
  return exit_code::ok;
}

exit_code key_delete(const global_options& g, const delete_options& o) {
  auto s = open_store(g, requested_backend(g));
  if (!s) return fail(g, "delete", o.name, "none", s.error());
  auto& store = s.value().store;
  auto where = store.locate(o.name);
  if (!where) {
    if (where.error().code() == errc::not_found && o.force) {
      say(g, detail::concat("'", o.name, "' was not stored; nothing to delete"));
      if (g.json) std::cout << dump(json{{"name", o.name}, {"deleted", false}}) << '\n';
      return exit_code::ok;
    }
    return fail(g, "delete", o.name, s.value().backend, where.error());
  }
  const auto place = describe(where.value(), s.value());
  if (!agreed(g, detail::concat("Delete '", o.name, "' from ", place, "? [y/N] "))) {
    if (!g.yes && !is_terminal(STDIN_FILENO)) {
      return refuse(g,
                    detail::concat("'", o.name, "' was not deleted (no terminal to ask on): pass --yes to delete it"));
    }
    return refuse(g, detail::concat("'", o.name, "' was left as it was"));
  }
  auto removed = store.remove(o.name);
  if (!removed) return fail(g, "delete", o.name, s.value().backend, removed.error());
  if (g.json) std::cout << dump(json{{"name", o.name}, {"deleted", removed.value()}}) << '\n';
  say(g, detail::concat("deleted '", o.name, "' from ", place));
  return exit_code::ok;
}

namespace {

std::string_view state_name(keyring_state state) {
  switch (state) {
    case keyring_state::available: return "available";
    case keyring_state::absent: return "absent";
    case keyring_state::busy: return "busy";
    case keyring_state::locked: return "locked";
  }
  return "absent";
}

// The library's default data home ($XDG_DATA_HOME, else ~/.local/share), for the root secret.
std::optional<std::filesystem::path> data_home() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && xdg[0] == '/') return xdg;
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    return std::filesystem::path{home} / ".local" / "share";
  }
  return std::nullopt;
}

struct file_facts {
  bool exists = false;
  unsigned mode = 0;
  bool ours = false;
};

file_facts facts_of(const std::filesystem::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return {};
  return {.exists = true, .mode = static_cast<unsigned>(st.st_mode & 07777), .ours = st.st_uid == ::geteuid()};
}

std::string octal(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode);
  return text;
}

// Every descriptor above stderr closes when exec replaces the process: Botan's /dev/urandom (opened
// without O_CLOEXEC), a bus connection, and any the caller passed, which the tool cannot tell from
// its own. Marked close-on-exec rather than closed, so that a failed exec still has them and GIO's
// thread never polls a closed one; closefrom where the kernel has no CLOSE_RANGE_CLOEXEC (< 5.11).
void close_descriptors_on_exec() noexcept {
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) ::closefrom(3);
}

bool valid_variable_name(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

}  // namespace

namespace {

// status exits non-zero when the chosen keyring cannot be used now (as `gh auth status` does when
// logged out), with the code its state maps to: locked 4, absent 6, busy 7.
exit_code status_verdict(std::string_view chosen_state) {
  if (chosen_state == "available") return exit_code::ok;
  if (chosen_state == "locked") return exit_code_for(errc::locked);
  if (chosen_state == "busy") return exit_code_for(errc::timeout);
  return exit_code_for(errc::unavailable);
}

}  // namespace

exit_code status(const global_options& g) {
  const auto requested = requested_backend(g);
  auto chosen_keyring = any_keyring::named(requested);
  if (!chosen_keyring) return fail(g, "check the backend", {}, requested, chosen_keyring.error());
  const auto chosen = chosen_keyring.value().backend();
  const auto by_default = any_keyring::default_backend();
  const std::string why = g.backend.empty() && requested == "auto"
                              ? "auto: the first keyring this build has (secret-service, keyutils, pass), else file"
                              : detail::concat(g.backend.empty() ? "SECURESTORE_BACKEND=" : "--backend ", requested);

  json backends = json::array();
  std::vector<std::string> warnings;
  std::string chosen_state = "available";
  std::filesystem::path dir;
  for (const auto backend : any_keyring::compiled_backends()) {
    auto s = open_store(g, std::string{backend_name(backend)}, interaction::never);  // status never prompts
    if (!s) return fail(g, "check", {}, backend_name(backend), s.error());
    if (dir.empty()) dir = s.value().store.fallback_dir();
    keyring_status st;
    if (backend == keyring_backend::file) {
      st = {keyring_state::available, "file", ""};
    } else {
      st = s.value().store.diagnose();
    }
    if (backend == chosen) chosen_state = std::string{state_name(st.state)};
    backends.push_back({{"name", backend_name(backend)},
                        {"state", state_name(st.state)},
                        {"reason", st.reason},
                        {"default", backend == by_default},
                        {"chosen", backend == chosen}});
  }

  const auto dir_facts = facts_of(dir);
  std::filesystem::path root_path;
  if (auto home = data_home()) root_path = *home / "securestore" / "root.key";
  const auto root_facts = root_path.empty() ? file_facts{} : facts_of(root_path);
  const bool passphrase = facts_of(dir / ".passphrase").exists;
  const std::string sealed_by = passphrase ? "passphrase" : root_facts.exists ? "root_secret" : "none";

  if (chosen == keyring_backend::file) {
    warnings.emplace_back(
        "every value is in the encrypted file, whose key (root.key) is on the same disk and readable by you: it "
        "protects copies of the store's directory, not against programs running as you");
  } else if (chosen_state == "locked") {
    // A locked keyring still holds its values: saves and loads fail (exit 4) until it is unlocked,
    // and the file cannot stand in for what the keyring holds.
    warnings.emplace_back(detail::concat("the chosen keyring (", backend_name(chosen),
                                         ") is locked: its keys cannot be read and new values cannot be saved "
                                         "until you unlock it (your desktop's keyring or password manager "
                                         "unlocks it at login; Seahorse can unlock it by hand)"));
  } else if (chosen_state != "available") {
    warnings.emplace_back(detail::concat("the chosen keyring (", backend_name(chosen),
                                         ") is not usable: new values go to the encrypted file"));
  }
  if (chosen == keyring_backend::keyutils) {
    warnings.emplace_back("the kernel keyring forgets every value at reboot");
  }
  if (dir_facts.exists && ((dir_facts.mode & 077U) != 0 || !dir_facts.ours)) {
    warnings.emplace_back(detail::concat("the fallback directory ", dir.native(), " has mode ", octal(dir_facts.mode),
                                         dir_facts.ours ? "" : " and is not yours", "; it should be 0700 and yours"));
  }
  if (root_facts.exists && ((root_facts.mode & 077U) != 0 || !root_facts.ours)) {
    warnings.emplace_back(detail::concat("the root secret ", root_path.native(), " has mode ", octal(root_facts.mode),
                                         "; it should be 0600 and yours"));
  }

  if (g.json) {
    std::cout << dump(json{{"service", g.service},
                           {"backends", backends},
                           {"chosen", backend_name(chosen)},
                           {"default", backend_name(by_default)},
                           {"why", why},
                           {"fallback_dir",
                            {{"path", dir.native()},
                             {"exists", dir_facts.exists},
                             {"mode", dir_facts.exists ? octal(dir_facts.mode) : ""},
                             {"private", dir_facts.exists && (dir_facts.mode & 077U) == 0 && dir_facts.ours}}},
                           {"sealed_by", sealed_by},
                           {"root_secret", root_path.native()},
                           {"warnings", warnings}})
              << '\n';
    return status_verdict(chosen_state);
  }
  std::cout << "service:  " << printable(g.service) << "\nbackends:\n";
  for (const auto& b : backends) {
    const auto name = b["name"].get<std::string>();
    std::cout << "  " << name << std::string(16 - std::min<std::size_t>(name.size(), 15), ' ')
              << b["state"].get<std::string>();
    if (b["default"].get<bool>()) std::cout << "  [default]";
    if (b["chosen"].get<bool>()) std::cout << "  [chosen]";
    if (!b["reason"].get<std::string>().empty()) std::cout << "\n      " << printable(b["reason"].get<std::string>());
    std::cout << '\n';
  }
  std::cout << "chosen:   " << backend_name(chosen) << " (" << printable(why) << ")\n";
  std::cout << "fallback: " << printable(home_relative(dir));
  if (dir_facts.exists) {
    std::cout << " (mode " << octal(dir_facts.mode) << (dir_facts.ours ? ", yours)" : ", NOT yours)");
  } else {
    std::cout << " (not created yet; made 0700 on the first value stored there)";
  }
  std::cout << "\nsealed:   "
            << (sealed_by == "passphrase"    ? "by a passphrase (.passphrase record)"
                : sealed_by == "root_secret" ? "by the root secret " + printable(home_relative(root_path))
                                             : std::string{"nothing sealed yet (a root secret is made on first use)"})
            << '\n';
  for (const auto& w : warnings) std::cout << "warning:  " << printable(w) << '\n';
  return status_verdict(chosen_state);
}

exit_code exec_command(const global_options& g, const exec_options& o) {
  if (o.command.empty()) {
    std::cerr << "securestore exec: no command given\nUsage: securestore exec [--env VAR=NAME]... -- CMD [ARGS]...\n";
    return exit_code::usage;
  }
  std::vector<std::pair<std::string, std::string>> wanted;  // VAR, key name
  for (const auto& spec : o.env) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq + 1 == spec.size() ||
        !valid_variable_name(std::string_view{spec}.substr(0, eq))) {
      std::cerr << "securestore exec: --env '" << printable(spec) << "' is not VAR=NAME (VAR: letters, digits, _)\n"
                << "Usage: securestore exec [--env VAR=NAME]... -- CMD [ARGS]...\n";
      return exit_code::usage;
    }
    wanted.emplace_back(spec.substr(0, eq), spec.substr(eq + 1));
  }
  {
    auto s = open_store(g, requested_backend(g));
    if (!s) return fail(g, "load", {}, "none", s.error());
    // Every secret first: a missing one fails before the command starts.
    std::vector<secret> values;
    for (const auto& [variable, name] : wanted) {
      auto value = s.value().store.get(name);
      if (!value) return fail(g, detail::concat("load (for ", variable, ")"), name, s.value().backend, value.error());
      if (value.value().reveal().find('\0') != std::string_view::npos) {
        return fail(g, "pass", name, s.value().backend,
                    error{errc::invalid_argument, detail::concat("exec: the value of '", name, "' contains a NUL byte"),
                          "an environment variable cannot hold it; use 'securestore key load' instead"});
      }
      values.push_back(std::move(value.value()));
    }
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      Botan::secure_vector<char> text(values[i].reveal().begin(), values[i].reveal().end());
      text.push_back('\0');
      ::setenv(wanted[i].first.c_str(), text.data(), 1);  // setenv copies; `text` is scrubbed
    }
  }
  std::vector<char*> argv;
  for (const auto& arg : o.command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::cout.flush();
  std::cerr.flush();
  close_descriptors_on_exec();
  ::execvp(argv[0], argv.data());  // never a shell: the arguments are passed as they are
  const int why = errno;
  std::cerr << "securestore exec: cannot run '" << printable(o.command.front()) << "': " << std::strerror(why)
            << (why == ENOENT ? "; check the name and PATH\n" : "; check its permissions\n");
  return why == ENOENT ? exit_code::command_not_found : exit_code::cannot_execute;
}

}  // namespace securestore::tool

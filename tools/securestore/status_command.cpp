// tools/securestore/status_command.cpp: `status` (alias `doctor`): which backends work, which one
// is used and why, where the encrypted files are and what seals them, and what to worry about.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "display.hpp"
#include "tool_support.hpp"

namespace securestore::tool {
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

// status exits non-zero when the chosen keyring cannot be used now (as `gh auth status` does when
// logged out), with the code its state maps to: locked 4, absent 6, busy 7.
exit_code status_verdict(std::string_view chosen_state) {
  if (chosen_state == "available") return exit_code::ok;
  if (chosen_state == "locked") return exit_code_for(errc::locked);
  if (chosen_state == "busy") return exit_code_for(errc::timeout);
  return exit_code_for(errc::unavailable);
}

// What diagnose() says of `backend` for g.service (the file is always available); never prompts.
// The first store asked also reports where the files are and what seals them.
result<keyring_status> diagnosed(const global_options& g, keyring_backend backend,
                                 std::optional<storage_report>* storage) {
  auto s = open_store(g, std::string{backend_name(backend)}, interaction::never);
  if (!s) return s.error();
  if (storage != nullptr && !*storage) *storage = s.value().store.storage();
  if (backend == keyring_backend::file) return keyring_status{keyring_state::available, "file", ""};
  return s.value().store.diagnose();
}

struct file_facts {
  bool exists = false;
  unsigned mode = 0;
  bool ours = false;
  [[nodiscard]] bool exposed() const { return exists && ((mode & 077U) != 0 || !ours); }
};

file_facts facts_of(const std::filesystem::path& path) {
  struct stat st {};
  if (path.empty() || ::lstat(path.c_str(), &st) != 0) return {};
  return {.exists = true, .mode = static_cast<unsigned>(st.st_mode & 07777), .ours = st.st_uid == ::geteuid()};
}

std::string octal(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode);
  return text;
}

// Everything status reports, gathered once and printed as text or JSON.
struct report {
  keyring_backend chosen{};
  std::string why;
  std::string chosen_state = "available";
  json backends = json::array();
  std::filesystem::path dir, root_path;  // from the store's storage report
  file_facts dir_facts, root_facts;
  std::string sealed_by;  // "passphrase", "root_secret" or "none"
  std::vector<std::string> warnings;
};

std::string why_chosen(const global_options& g, const std::string& requested) {
  if (g.backend.empty() && requested == "auto") {
    // From the backend list: the ones `auto` may choose, in its order, and the ones only a name picks.
    std::string lasting;
    std::string by_name;
    for (const auto& facts : known_backends) {
      auto& list = facts.survives_reboot ? lasting : by_name;
      list.append(list.empty() ? "" : ", ").append(facts.name);
    }
    return detail::concat("auto: the first keyring this build has whose values survive a reboot (", lasting,
                          "), else file", by_name.empty() ? "" : detail::concat("; ", by_name, " only by name"));
  }
  return detail::concat(g.backend.empty() ? "SECURESTORE_BACKEND=" : "--backend ", requested);
}

void add_warnings(report& r) {
  const auto chosen = backend_name(r.chosen);
  if (r.chosen == keyring_backend::file) {
    r.warnings.emplace_back(
        "every value is in the encrypted file, whose key (root.key) is on the same disk and readable by you: it "
        "protects copies of the store's directory, not against programs running as you");
  } else if (r.chosen_state == "locked") {
    // A locked keyring still holds its values: saves and loads fail (exit 4) until it is unlocked,
    // and the file cannot stand in for what the keyring holds.
    r.warnings.emplace_back(detail::concat(
        "the chosen keyring (", chosen,
        ") is locked: its keys cannot be read and new values cannot be saved until you "
        "unlock it",
        r.chosen == keyring_backend::secret_service
            ? " with `securestore unlock`, or in your desktop's password manager (Seahorse), which also unlocks it "
              "at login"
            : " (your desktop's keyring or password manager unlocks it at login)"));
  } else if (r.chosen_state != "available") {
    r.warnings.emplace_back(
        detail::concat("the chosen keyring (", chosen, ") is not usable: new values go to the encrypted file"));
  }
  if (r.chosen == keyring_backend::keyutils)
    r.warnings.emplace_back("the kernel keyring forgets every value at reboot");
  if (r.dir_facts.exposed()) {
    r.warnings.emplace_back(detail::concat("the fallback directory ", r.dir.native(), " has mode ",
                                           octal(r.dir_facts.mode), r.dir_facts.ours ? "" : " and is not yours",
                                           "; it should be 0700 and yours"));
  }
  if (r.root_facts.exposed()) {
    r.warnings.emplace_back(detail::concat("the root secret ", r.root_path.native(), " has mode ",
                                           octal(r.root_facts.mode), "; it should be 0600 and yours"));
  }
}

void print_json(const global_options& g, const report& r) {
  std::cout << dump(json{{"service", g.service},
                         {"backends", r.backends},
                         {"chosen", backend_name(r.chosen)},
                         {"default", backend_name(any_keyring::default_backend())},
                         {"why", r.why},
                         {"fallback_dir",
                          {{"path", r.dir.native()},
                           {"exists", r.dir_facts.exists},
                           {"mode", r.dir_facts.exists ? octal(r.dir_facts.mode) : ""},
                           {"private", r.dir_facts.exists && !r.dir_facts.exposed()}}},
                         {"sealed_by", r.sealed_by},
                         {"root_secret", r.root_path.native()},
                         {"warnings", r.warnings}})
            << '\n';
}

void print_text(const global_options& g, const report& r) {
  std::cout << "service:  " << printable(g.service) << "\nbackends:\n";
  for (const auto& b : r.backends) {
    const auto name = b["name"].get<std::string>();
    std::cout << "  " << name << std::string(16 - std::min<std::size_t>(name.size(), 15), ' ')
              << b["state"].get<std::string>() << (b["default"].get<bool>() ? "  [default]" : "")
              << (b["chosen"].get<bool>() ? "  [chosen]" : "");
    if (!b["reason"].get<std::string>().empty()) std::cout << "\n      " << printable(b["reason"].get<std::string>());
    std::cout << '\n';
  }
  std::cout << "chosen:   " << backend_name(r.chosen) << " (" << printable(r.why) << ")\n";
  std::cout << "fallback: " << printable(home_relative(r.dir));
  if (r.dir_facts.exists) {
    std::cout << " (mode " << octal(r.dir_facts.mode) << (r.dir_facts.ours ? ", yours)" : ", NOT yours)");
  } else {
    std::cout << " (not created yet; made 0700 on the first value stored there)";
  }
  std::cout << "\nsealed:   "
            << (r.sealed_by == "passphrase"    ? "by a passphrase (.passphrase record)"
                : r.sealed_by == "root_secret" ? "by the root secret " + printable(home_relative(r.root_path))
                                               : std::string{"nothing sealed yet (a root secret is made on first use)"})
            << '\n';
  for (const auto& w : r.warnings) std::cout << "warning:  " << printable(w) << '\n';
}

exit_code status(const global_options& g) {
  const auto requested = requested_backend(g);
  auto chosen_keyring = any_keyring::named(requested);
  if (!chosen_keyring) return fail(g, "check the backend", {}, requested, chosen_keyring.error());
  report r;
  r.chosen = chosen_keyring.value().backend();
  r.why = why_chosen(g, requested);
  std::optional<storage_report> storage;
  for (const auto backend : any_keyring::compiled_backends()) {
    auto st = diagnosed(g, backend, &storage);
    if (!st) return fail(g, "check", {}, backend_name(backend), st.error());
    if (backend == r.chosen) r.chosen_state = std::string{state_name(st.value().state)};
    r.backends.push_back({{"name", backend_name(backend)},
                          {"state", state_name(st.value().state)},
                          {"reason", in_tool_words(st.value().reason, g)},
                          {"default", backend == any_keyring::default_backend()},
                          {"chosen", backend == r.chosen}});
  }
  if (storage) {
    r.dir = storage->fallback_dir;
    r.root_path = storage->root_secret_path;
    r.sealed_by = storage->sealing == file_sealing::passphrase    ? "passphrase"
                  : storage->sealing == file_sealing::root_secret ? "root_secret"
                                                                  : "none";
  }
  r.dir_facts = facts_of(r.dir);
  r.root_facts = facts_of(r.root_path);
  add_warnings(r);
  if (g.json) {
    print_json(g, r);
  } else {
    print_text(g, r);
  }
  return status_verdict(r.chosen_state);
}

}  // namespace

std::string short_status(const global_options& g) {
  const auto requested = requested_backend(g);
  auto keyring = any_keyring::named(requested);
  if (!keyring) return detail::concat("securestore: ", keyring.error().what());
  const auto chosen = keyring.value().backend();
  auto st = diagnosed(g, chosen, nullptr);
  const auto state = st ? std::string{state_name(st.value().state)} : std::string{"absent"};
  auto line = detail::concat("securestore: service '", g.service, "', backend ", backend_name(chosen), " (",
                             requested == "auto" ? "auto" : why_chosen(g, requested), "): ", state);
  if (state != "available") line += "; run 'securestore status' to see why";
  return printable(line);
}

wired_command add_status(CLI::App& app) {
  auto* command = app.add_subcommand("status", "which backends work, which is used and why, and storage warnings");
  command->alias("doctor");
  command->footer("Never prompts.\n\nExample:\n  securestore status --json\n");
  return {command, [](const global_options& g) { return status(g); }, /*needs_every_backend=*/true};
}

}  // namespace securestore::tool

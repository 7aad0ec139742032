// tools/securestore/exec_command.cpp: `exec`: runs a command with secrets in its environment,
// every one loaded before it starts.
#include <errno.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <botan/secmem.h>

#include <securestore/secret.hpp>

#include "commands.hpp"
#include "completion.hpp"
#include "display.hpp"
#include "tool_support.hpp"
#include "usage.hpp"

namespace securestore::tool {
namespace {

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

using variables = std::vector<std::pair<std::string, std::string>>;  // VAR, key name

// Sets each VAR to its secret: all loaded first, so a missing one fails before anything is set.
exit_code set_secrets(const global_options& g, const variables& wanted, opened& s) {
  std::vector<secret> values;
  for (const auto& [variable, name] : wanted) {
    auto value = s.store.get(name);
    if (!value) return fail(g, detail::concat("load (for ", variable, ")"), name, s, value.error());
    if (value.value().reveal().find('\0') != std::string_view::npos) {
      return fail(g, "pass", name, s.backend,
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
  return exit_code::ok;
}

// Runs the command: returns only when it cannot be started.
exit_code run_command(const std::vector<std::string>& command) {
  std::vector<char*> argv;
  for (const auto& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::cout.flush();
  std::cerr.flush();
  close_descriptors_on_exec();
  ::execvp(argv[0], argv.data());  // never a shell: the arguments are passed as they are
  const int why = errno;
  std::cerr << "securestore exec: cannot run '" << printable(command.front()) << "': " << std::strerror(why)
            << (why == ENOENT ? "; check the name and PATH\n" : "; check its permissions\n");
  return why == ENOENT ? exit_code::command_not_found : exit_code::cannot_execute;
}

}  // namespace

wired_command add_exec(CLI::App& app, const std::optional<std::vector<std::string>>& after_mark) {
  auto env = std::make_shared<std::vector<std::string>>();
  auto* command = app.add_subcommand("exec", "run a command with secrets in its environment");
  complete_with(command->add_option("--env", *env, "set VAR to the secret NAME (repeatable)"),
                completes::key_assignments)
      ->type_name("VAR=NAME")
      ->allow_extra_args(false);  // one VAR=NAME per --env: CMD is never taken for one
  // Everything from CMD on is CMD's, flags included ("-- sh -c ..."), so CLI11 stops there. A
  // global option after `exec` would be taken for CMD: it is named as a mistake instead.
  command->prefix_command();
  command->fallthrough(false);
  command->footer(
      "Usage: securestore exec [--env VAR=NAME]... -- CMD [ARGS]...\n\n"
      "Runs CMD directly (execvp, never a shell). Every secret is loaded before CMD starts, so a missing\n"
      "one fails without running it. The exit status is CMD's.\n\n"
      "Example:\n  securestore exec --env OPENAI_API_KEY=openai-key -- python3 app.py --verbose\n");
  return {command, [&app, command, env, &after_mark](const global_options& g) {
            const auto left = command->remaining();
            // Before "--", or where CMD would start: an option exec does not have.
            if (!left.empty() && left.front().starts_with("-") && left.front() != "-") {
              const auto name = left.front().substr(0, left.front().find('='));
              return usage_error(*command, misplaced_option(app, *command, name), g.json || name == "--json");
            }
            const auto cmd = after_mark ? *after_mark : left;
            if (cmd.empty()) return usage_error(*command, "CMD is required (after --)", g.json);
            variables wanted;
            for (const auto& spec : *env) {
              const auto eq = spec.find('=');
              if (eq == std::string::npos || eq + 1 == spec.size() ||
                  !valid_variable_name(std::string_view{spec}.substr(0, eq))) {
                return usage_error(
                    *command, detail::concat("--env '", spec, "' is not VAR=NAME (VAR: letters, digits, _)"), g.json);
              }
              wanted.emplace_back(spec.substr(0, eq), spec.substr(eq + 1));
            }
            const auto loaded = with_store(g, "load", {}, [&](opened& s) { return set_secrets(g, wanted, s); });
            return loaded == exit_code::ok ? run_command(cmd) : loaded;
          }};
}

}  // namespace securestore::tool

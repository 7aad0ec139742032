// tools/securestore/help_command.cpp: `help [COMMAND]`, and what `securestore` or `securestore
// key` alone prints: a short status and the commonest commands, not a usage error.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "help_formatter.hpp"
#include "tool_support.hpp"
#include "usage.hpp"

namespace securestore::tool {
namespace {

// What a person types to run `command`: its path, its required arguments (else its optional
// ones, in brackets), and for exec its options and CMD.
std::string typed(const CLI::App& command) {
  auto out = command_path(command);
  const auto positionals = command.get_options([](const CLI::Option* o) { return o->get_positional(); });
  const bool any_required =
      std::any_of(positionals.begin(), positionals.end(), [](const CLI::Option* o) { return o->get_required(); });
  for (const CLI::Option* o : positionals) {
    if (o->get_required()) out += " " + o->get_name();
    if (!any_required) out += " [" + o->get_name() + "]";
  }
  if (!command.get_prefix_command()) return out;
  for (const CLI::Option* o : command.get_options([](const CLI::Option* o) { return o->nonpositional(); })) {
    if (o->get_expected_min() > 0) out += " " + o->get_name() + " " + o->get_type_name();
  }
  return out + " -- CMD";
}

// The commands `securestore` alone names: what people run most.
std::vector<const CLI::App*> commonest(const CLI::App& app) {
  std::vector<const CLI::App*> out;
  for (const auto& path : std::vector<std::vector<std::string>>{
           {"key", "save"}, {"key", "load"}, {"key", "list"}, {"exec"}, {"status"}, {"help"}}) {
    const CLI::App* at = &app;
    for (const auto& word : path) at = at != nullptr ? subcommand_named(*at, word) : nullptr;
    if (at != nullptr) out.push_back(at);
  }
  return out;
}

}  // namespace

exit_code print_overview(const global_options& g, const CLI::App& command) {
  const auto commands = command.get_parent() == nullptr
                            ? commonest(command)
                            : command.get_subcommands(visible);
  const auto status = short_status(g);
  if (g.json) {
    json doc{{"status", status}, {"commands", json::array()}};
    for (const auto* c : commands) doc["commands"].push_back({{"usage", typed(*c)}, {"summary", c->get_description()}});
    std::cout << dump(doc) << '\n';
    return exit_code::ok;
  }
  std::cout << status << "\n\n" << (command.get_parent() == nullptr ? "Common commands:\n" : "Commands:\n");
  for (const auto* c : commands) {
    const auto usage = typed(*c);
    std::cout << "  " << usage << std::string(usage.size() < 32 ? 32 - usage.size() : 1, ' ') << c->get_description()
              << '\n';
  }
  std::cout << "\nRun '" << command_path(command) << " --help' for every command and option.\n";
  return exit_code::ok;
}

wired_command add_overview(CLI::App& app) {
  return {&app, [&app](const global_options& g) { return print_overview(g, app); }};
}

wired_command add_help(CLI::App& app) {
  auto words = std::make_shared<std::vector<std::string>>();
  auto* command = app.add_subcommand("help", "the help of the tool, or of COMMAND");
  command->add_option("COMMAND", *words, "a command: key, key save, import env, ...");
  command->footer("Examples:\n  securestore help key save\n  securestore help exec\n");
  return {command,
          [&app, command, words](const global_options& g) {
            const CLI::App* at = &app;
            for (const auto& word : *words) {
              const auto* sub = subcommand_named(*at, word);
              if (sub == nullptr) return usage_error(*command, unknown_command(app, *at, word), g.json);
              at = sub;
            }
            std::cout << at->get_formatter()->make_help(at, command_path(*at), CLI::AppFormatMode::Normal);
            return exit_code::ok;
          },
          /*needs_every_backend=*/true};  // the helper's command line has every command
}

}  // namespace securestore::tool

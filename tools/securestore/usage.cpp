// tools/securestore/usage.cpp: usage errors that name the mistake (usage.hpp).
#include "usage.hpp"

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include <securestore/detail/concat.hpp>

#include "display.hpp"
#include "help_formatter.hpp"

namespace securestore::tool {
namespace {

// The optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbours ("lod" is 1 from "load", "hlep" 1 from "help").
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// At most this far from a name, a word is taken for a slip of that name.
std::size_t tolerance(std::string_view word) { return word.size() <= 3 ? 1 : 2; }

// "--name" of "--name=value", or "-n" of "-nvalue".
std::string option_name(const std::string& arg) {
  if (arg.starts_with("--")) return arg.substr(0, arg.find('='));
  return arg.substr(0, 2);
}

const CLI::Option* own_option(const CLI::App& app, const std::string& name) {
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_positional()) continue;
    if (name.starts_with("--") ? option->check_lname(name.substr(2)) : option->check_sname(name.substr(1))) {
      return option;
    }
  }
  return nullptr;
}

// The option `name` as `at` reads it: its own, or (fallthrough) one of the commands above it.
const CLI::Option* option_at(const CLI::App& at, const std::string& name) {
  for (const CLI::App* a = &at; a != nullptr; a = a->get_fallthrough() ? a->get_parent() : nullptr) {
    if (const auto* option = own_option(*a, name)) return option;
  }
  return nullptr;
}

// Every command under `app` (itself included) that has the option `name`, as paths.
void owners_of(const CLI::App& app, const std::string& name, std::vector<std::string>& out) {
  if (visible(&app) && own_option(app, name) != nullptr) out.push_back(command_path(app));
  for (const CLI::App* sub : app.get_subcommands(visible)) owners_of(*sub, name, out);
}

bool has_positionals(const CLI::App& app) {
  return !app.get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
}

}  // namespace

std::string misplaced_option(const CLI::App& root, const CLI::App& at, const std::string& name) {
  std::vector<std::string> owners;
  owners_of(root, name, owners);
  if (owners.empty()) return detail::concat(name, " is not an option of `", command_path(at), "`");
  if (owners.front() == root.get_name()) {
    const auto path = command_path(at);
    return detail::concat(name, " is a global option: put it before `", path.substr(root.get_name().size() + 1), "` (",
                          root.get_name(), " ", name, " ", path.substr(root.get_name().size() + 1), " ...)");
  }
  std::string list;
  for (const auto& owner : owners) list += (list.empty() ? "`" : "`, `") + owner;
  const auto root_name = root.get_name();
  const auto where = owners.front().substr(std::min(owners.front().size(), root_name.size() + 1));
  return detail::concat(name, " is an option of ", list, "`, not of `", command_path(at), "`: put it after `", where,
                        "`");
}

namespace {

void collect(const CLI::App& app, std::size_t depth,
             std::vector<std::tuple<std::string, const CLI::App*, std::size_t>>& out) {
  for (const CLI::App* sub : app.get_subcommands(visible)) {
    out.emplace_back(sub->get_name(), sub, depth);
    for (const auto& alias : sub->get_aliases()) out.emplace_back(alias, sub, depth);
    collect(*sub, depth + 1, out);
  }
}

}  // namespace

std::string command_path(const CLI::App& command) {
  std::string path = command.get_name();
  for (const CLI::App* p = command.get_parent(); p != nullptr; p = p->get_parent()) path = p->get_name() + " " + path;
  return path;
}

const CLI::App* subcommand_named(const CLI::App& at, const std::string& word) {
  for (const CLI::App* sub : at.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->check_name(word)) return sub;
  }
  return nullptr;
}

std::string unknown_command(const CLI::App& root, const CLI::App& at, const std::string& word) {
  auto text = detail::concat("'", word, "' is not a command of `", command_path(at), "`");
  if (const auto nearest = nearest_command(root, at, word)) text += detail::concat("; did you mean `", *nearest, "`?");
  return text;
}

std::optional<std::string> nearest_command(const CLI::App& app, const CLI::App& at, std::string_view word) {
  std::vector<std::tuple<std::string, const CLI::App*, std::size_t>> names;
  collect(app, 0, names);
  std::optional<std::tuple<std::size_t, bool, std::size_t>> best_score;
  const CLI::App* best = nullptr;
  for (const auto& [name, command, depth] : names) {
    const auto score = std::tuple{edit_distance(word, name), command->get_parent() != &at, depth};
    if (std::get<0>(score) > tolerance(word) || (best_score && !(score < *best_score))) continue;
    best_score = score;
    best = command;
  }
  if (best == nullptr) return std::nullopt;
  return command_path(*best);
}

std::optional<usage_mistake> find_mistake(const CLI::App& app, const std::vector<std::string>& args) {
  const CLI::App* at = &app;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "--") break;
    if (arg.size() > 1 && arg[0] == '-') {
      const auto name = option_name(arg);
      if (const auto* option = option_at(*at, name)) {
        const bool attached = arg.find('=') != std::string::npos || (!arg.starts_with("--") && arg.size() > 2);
        if (option->get_expected_min() > 0 && !attached) ++i;  // its value
        continue;
      }
      return usage_mistake{at, misplaced_option(app, *at, name)};
    }
    if (const auto* sub = subcommand_named(*at, arg)) {
      at = sub;
      continue;
    }
    if (at->get_prefix_command() || has_positionals(*at)) {
      if (at->get_prefix_command()) break;  // CMD and its arguments
      continue;
    }
    if (!at->get_subcommands(visible).empty()) return usage_mistake{at, unknown_command(app, *at, arg)};
    return std::nullopt;
  }
  return std::nullopt;
}

bool asks_for_json(const std::vector<std::string>& args) {
  for (const auto& arg : args) {
    if (arg == "--") return false;
    if (arg == "--json") return true;
  }
  return false;
}

exit_code usage_error(const CLI::App& at, std::string_view what, bool json) {
  const auto path = command_path(at);
  std::cerr << path << ": " << printable(what) << '\n';
  if (const auto formatter = std::dynamic_pointer_cast<CLI::Formatter>(at.get_formatter())) {
    std::cerr << formatter->make_usage(&at, path);
  }
  std::cerr << "Run '" << path << " --help' for more.\n";
  if (json) {
    const nlohmann::json doc{{"error",
                              {{"code", "invalid_argument"},
                               {"exit_status", static_cast<int>(exit_code::usage)},
                               {"command", path},
                               {"message", std::string{what}},
                               {"remedy", detail::concat("see '", path, " --help'")}}}};
    std::cout << doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  return exit_code::usage;
}

}  // namespace securestore::tool

// tools/securestore/help_formatter.cpp: the tool's --help layout (help_formatter.hpp).
#include "help_formatter.hpp"

#include <string>
#include <vector>

namespace securestore::tool {

std::string help_formatter::make_usage(const CLI::App* app, std::string name) const {
  auto usage = CLI::Formatter::make_usage(app, std::move(name));
  if (!app->get_prefix_command() || usage.empty() || usage.back() != '\n') return usage;
  usage.pop_back();
  return usage + " [--] CMD [ARGS]...\n";
}

std::string help_formatter::make_footer(const CLI::App* app) const {
  const CLI::App* root = app;
  while (root->get_parent() != nullptr) root = root->get_parent();
  if (root == app) return CLI::Formatter::make_footer(app);
  const auto globals = root->get_options([root](const CLI::Option* o) {
    return o->nonpositional() && !o->get_group().empty() && o != root->get_help_ptr() && o != root->get_version_ptr();
  });
  auto group = make_group("Global options (before or after the command)", false, globals);
  if (group.starts_with('\n')) group.erase(0, 1);  // make_help already ends the last section with one
  return group + "\n" + CLI::Formatter::make_footer(app);
}

}  // namespace securestore::tool

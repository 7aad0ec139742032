// migrate/environment.hpp: import secrets from environment variables ($ANTHROPIC_API_KEY ->
// "anthropic"), copy then read back, with a report that names variables and keys, never values.
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <securestore/detail/migrate/copy.hpp>
#include <securestore/migrate/report.hpp>

namespace securestore {

/// One environment variable to import, and the key its value gets in the store.
struct env_mapping {
  std::string variable;  ///< "ANTHROPIC_API_KEY"
  std::string key;       ///< "anthropic"
};

/// The reason an unset or empty variable is skipped (never an error: the report says which).
inline constexpr const char* env_unset_reason =
    "the variable is not set (or empty) in this environment; set it, or leave it out";

/// What remove_source does for the environment: the variable is unset in this process only.
inline constexpr const char* env_remove_reason =
    "unset in this process only (and the programs it starts): no program can remove a variable from the shell that "
    "started it; remove it from your shell profile or .env file yourself";

/// Imports each mapped variable of this process's environment into `store` under its key, with
/// detail::copy_verified (already present: a no-op; a different stored value: skipped unless
/// options.overwrite). Items have origin "environment" and source "$VAR", in the order given,
/// which is also the order of precedence: when two variables map to one key, the first set one
/// is imported and a later one with another value is skipped (and stays set).
/// - An unset or empty variable is a skipped item with env_unset_reason, never an error.
/// - options.dry_run: checks only whether each variable is set (copies no value, writes nothing)
///   and reports `planned` items (a later variable for a planned key: skipped).
/// - options.remove_source: when the run ends, each variable whose value the store still holds
///   is unset in this process (so the programs it starts later do not inherit it). The shell that
///   started the process keeps it: source_removed stays false and the item's reason says so
///   (env_remove_reason).
/// Not thread-safe with other code that reads or changes the environment (getenv/unsetenv).
template <class Store>
[[nodiscard]] migration_report import_from_env(Store& store, const std::vector<env_mapping>& mappings,
                                               const migration_options& options = {}) {
  migration_report report;
  detail::deferred_removals removals;
  for (const auto& [variable, key] : mappings) {
    migration_item item;
    item.origin = "environment";
    item.source = "$" + variable;
    item.target_key = key;
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr || *value == '\0') {
      item.outcome = migration_outcome::skipped;
      item.reason = env_unset_reason;
    } else if (options.dry_run) {
      detail::plan_copy(report, item);
    } else if (detail::copy_in_run(store, key, std::string_view{value}, options, report, item) &&
               options.remove_source) {
      removals.add(report.items.size(), value, [name = variable](migration_item& removed) {
        ::unsetenv(name.c_str());
        removed.reason = env_remove_reason;
      });
    }
    report.items.push_back(std::move(item));
  }
  removals.finish(store, report);
  return report;
}

}  // namespace securestore

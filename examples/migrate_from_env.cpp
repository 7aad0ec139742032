// migrate_from_env: imports an API key from an environment variable into the default store,
// prints the report (names and places, never the value), shows that a re-run is a no-op, and
// removes the key again.
#include <cstdlib>
#include <iostream>
#include <vector>

#include <securestore/migrate.hpp>
#include <securestore/securestore.hpp>

int main() {
  securestore::secure_store store{"securestore-example-migrate"};
  // The example brings its own variable so it runs anywhere; yours would be ANTHROPIC_API_KEY.
  ::setenv("EXAMPLE_API_KEY", "sk-example-0123456789abcdef", 0);

  const std::vector<securestore::env_mapping> wanted{{"EXAMPLE_API_KEY", "example-api-key"},
                                                     {"EXAMPLE_UNSET_KEY", "example-unset"}};

  // A dry run first: it only checks which variables are set.
  std::cout << "dry run:\n" << securestore::import_from_env(store, wanted, {.dry_run = true}).to_text();

  auto report = securestore::import_from_env(store, wanted);
  std::cout << "import:\n" << report.to_text();
  using securestore::migration_outcome;
  // EXAMPLE_UNSET_KEY is reported as skipped (never an error); the other is now in the store.
  if (report.count(migration_outcome::imported) + report.count(migration_outcome::already_present) != 1) return 1;

  // Running it again changes nothing: the store already holds that value.
  auto again = securestore::import_from_env(store, wanted);
  std::cout << "again:\n" << again.to_text();
  if (again.count(migration_outcome::already_present) != 1) return 1;

  if (auto removed = store.remove("example-api-key"); !removed) {
    std::cerr << "remove failed: " << removed.error().message() << "\n";
    return 1;
  }
  return 0;
}

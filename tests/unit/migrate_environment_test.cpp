// unit/migrate_environment_test.cpp: import_from_env on the memory keyring and the file store:
// copies verified, re-runs are no-ops, unset variables are reported, dry runs read nothing.
#include <securestore/migrate/environment.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "support/migrate.hpp"
#include "support/names.hpp"
#include "support/stores.hpp"

namespace securestore::test {

TEST_CASE("import_from_env copies each set variable under its key and reads it back", "[migrate][env]") {
  memory_rig rig;
  auto store = rig.make();
  const scoped_env a{"SECURESTORE_TEST_ANTHROPIC", canary};
  const scoped_env b{"SECURESTORE_TEST_OPENAI", other_canary};

  auto report =
      import_from_env(store, {{"SECURESTORE_TEST_ANTHROPIC", "anthropic"}, {"SECURESTORE_TEST_OPENAI", "openai"}});
  REQUIRE(report.items.size() == 2);
  CHECK(report.items[0].outcome == migration_outcome::imported);
  CHECK(report.items[0].origin == "environment");
  CHECK(report.items[0].source == "$SECURESTORE_TEST_ANTHROPIC");
  CHECK(report.items[0].target_key == "anthropic");
  CHECK(report.items[1].outcome == migration_outcome::imported);
  CHECK(store.get("anthropic").value().reveal() == canary);
  CHECK(store.get("openai").value().reveal() == other_canary);
  CHECK(report.complete());
  CHECK_FALSE(mentions(report, canary));
  CHECK_FALSE(mentions(report, other_canary));

  SECTION("running it again is a no-op that reports already_present") {
    auto again =
        import_from_env(store, {{"SECURESTORE_TEST_ANTHROPIC", "anthropic"}, {"SECURESTORE_TEST_OPENAI", "openai"}});
    CHECK(again.count(migration_outcome::already_present) == 2);
    CHECK(again.count(migration_outcome::imported) == 0);
  }
}

TEST_CASE("import_from_env reports an unset or empty variable as skipped, never as an error", "[migrate][env]") {
  memory_rig rig;
  auto store = rig.make();
  const scoped_env unset{"SECURESTORE_TEST_UNSET", nullptr};
  const scoped_env empty{"SECURESTORE_TEST_EMPTY", ""};

  auto report = import_from_env(store, {{"SECURESTORE_TEST_UNSET", "a"}, {"SECURESTORE_TEST_EMPTY", "b"}});
  REQUIRE(report.items.size() == 2);
  for (const auto& item : report.items) {
    CHECK(item.outcome == migration_outcome::skipped);
    CHECK(item.reason == env_unset_reason);
  }
  CHECK(store.list().value().empty());
  CHECK_FALSE(report.complete());
}

TEST_CASE("a dry run of import_from_env plans what is set and stores nothing", "[migrate][env]") {
  memory_rig rig;
  auto store = rig.make();
  const scoped_env set{"SECURESTORE_TEST_SET", canary};
  const scoped_env unset{"SECURESTORE_TEST_UNSET", nullptr};

  auto report =
      import_from_env(store, {{"SECURESTORE_TEST_SET", "a"}, {"SECURESTORE_TEST_UNSET", "b"}}, {.dry_run = true});
  CHECK(report.items[0].outcome == migration_outcome::planned);
  CHECK(report.items[1].outcome == migration_outcome::skipped);
  CHECK(store.list().value().empty());
  CHECK(rig.keyring.entries().empty());
  CHECK_FALSE(mentions(report, canary));
}

TEST_CASE("import_from_env skips a key the store holds with another value unless told to overwrite", "[migrate][env]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("anthropic", other_canary));
  const scoped_env set{"SECURESTORE_TEST_ANTHROPIC", canary};

  auto kept = import_from_env(store, {{"SECURESTORE_TEST_ANTHROPIC", "anthropic"}});
  CHECK(kept.items[0].outcome == migration_outcome::skipped);
  CHECK(store.get("anthropic").value().reveal() == other_canary);
  CHECK_FALSE(mentions(kept, canary));
  CHECK_FALSE(mentions(kept, other_canary));

  auto replaced = import_from_env(store, {{"SECURESTORE_TEST_ANTHROPIC", "anthropic"}}, {.overwrite = true});
  CHECK(replaced.items[0].outcome == migration_outcome::imported);
  CHECK(store.get("anthropic").value().reveal() == canary);
}

TEST_CASE("remove_source unsets the variable in this process only after a verified copy, and says so",
          "[migrate][env]") {
  memory_rig rig;
  auto store = rig.make();
  const scoped_env set{"SECURESTORE_TEST_ANTHROPIC", canary};

  SECTION("a verified copy: unset here, source_removed stays false, the reason says the shell keeps it") {
    auto report = import_from_env(store, {{"SECURESTORE_TEST_ANTHROPIC", "anthropic"}}, {.remove_source = true});
    CHECK(report.items[0].outcome == migration_outcome::imported);
    CHECK(std::getenv("SECURESTORE_TEST_ANTHROPIC") == nullptr);
    CHECK_FALSE(report.items[0].source_removed);
    CHECK(report.items[0].reason == env_remove_reason);
  }
  SECTION("a copy that reads back different leaves the variable set") {
    mangling_store<memory_store> mangling{store};
    auto report = import_from_env(mangling, {{"SECURESTORE_TEST_ANTHROPIC", "anthropic"}}, {.remove_source = true});
    CHECK(report.items[0].outcome == migration_outcome::failed);
    CHECK(report.items[0].reason.find("differs") != std::string::npos);
    CHECK(std::getenv("SECURESTORE_TEST_ANTHROPIC") != nullptr);
    CHECK_FALSE(report.items[0].source_removed);
    CHECK_FALSE(mentions(report, canary));
  }
  SECTION("a failed copy leaves the variable set") {
    rig.keyring.fail_with(errc::denied);
    auto report = import_from_env(store, {{"SECURESTORE_TEST_ANTHROPIC", "anthropic"}}, {.remove_source = true});
    CHECK(report.items[0].outcome == migration_outcome::failed);
    CHECK(std::getenv("SECURESTORE_TEST_ANTHROPIC") != nullptr);
    CHECK_FALSE(mentions(report, canary));
  }
}

TEST_CASE("import_from_env stores into the encrypted file when there is no keyring", "[migrate][env]") {
  temp_dir dir;
  faulty_file_store store{"svc", options_in(dir)};
  const scoped_env set{"SECURESTORE_TEST_ANTHROPIC", canary};

  auto report = import_from_env(store, {{"SECURESTORE_TEST_ANTHROPIC", "anthropic"}});
  CHECK(report.items[0].outcome == migration_outcome::imported);
  CHECK(store.locate("anthropic").value() == location::file);
  CHECK(store.get("anthropic").value().reveal() == canary);
}

TEST_CASE("two variables for one key: the first is imported, the later one skipped and left set",
          "[migrate][env]") {
  memory_rig rig;
  auto store = rig.make();
  const scoped_env a{"SECURESTORE_TEST_FIRST", canary};
  const scoped_env b{"SECURESTORE_TEST_SECOND", other_canary};

  auto report = import_from_env(store, {{"SECURESTORE_TEST_FIRST", "anthropic"}, {"SECURESTORE_TEST_SECOND", "anthropic"}},
                                {.remove_source = true, .overwrite = true});
  REQUIRE(report.items.size() == 2);
  CHECK(report.items[0].outcome == migration_outcome::imported);
  CHECK(report.items[1].outcome == migration_outcome::skipped);
  CHECK(report.items[1].reason == "another source in this run set it: environment $SECURESTORE_TEST_FIRST");
  CHECK(store.get("anthropic").value().reveal() == canary);
  CHECK(std::getenv("SECURESTORE_TEST_FIRST") == nullptr);
  CHECK(std::getenv("SECURESTORE_TEST_SECOND") != nullptr);  // kept, like any source not imported
}

}  // namespace securestore::test

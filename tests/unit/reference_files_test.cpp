// Importing the reference implementation's (llxprt-code's) files into a store: found in their
// default directories, decrypted, copied and read back, originals removed only when asked and
// verified; and the golden files checked against a fresh run of the script that made them.
#include <securestore/migrate/reference_files.hpp>

#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include <securestore/detail/migrate/reference_legacy_key.hpp>

#include "support/copy_private.hpp"
#include "support/stores.hpp"

namespace fs = std::filesystem;
using namespace securestore;
using securestore::test::scoped_env;
using securestore::test::temp_dir;
using securestore::test::copy_private;

namespace {

const fs::path golden_dir = fs::path{SECURESTORE_TEST_DATA_DIR} / "reference";
const reference_identity golden{"golden-host", "golden-user"};

std::string read_golden_file(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  REQUIRE(in);
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

// A home directory holding the golden files, and the environment pointing the defaults at it.
struct golden_home {
  temp_dir dir;
  fs::path home = dir / "home";
  scoped_env home_env{"HOME", home.c_str()};
  scoped_env xdg{"XDG_DATA_HOME", nullptr};
  scoped_env data{"LLXPRT_DATA_HOME", nullptr};
  scoped_env config{"LLXPRT_CONFIG_HOME", nullptr};
  golden_home() { copy_private(golden_dir / "home", home); }

  [[nodiscard]] reference_import provider_keys() const {
    return {"llxprt-code-provider-keys", default_reference_locations("llxprt-code-provider-keys").value(),
            std::nullopt, golden};
  }
};

std::map<std::string, migration_outcome> outcomes(const migration_report& report) {
  std::map<std::string, migration_outcome> out;
  for (const auto& item : report.items) out[item.target_key] = item.outcome;
  return out;
}

const migration_item& item_for(const migration_report& report, std::string_view key) {
  for (const auto& item : report.items) {
    if (item.target_key == key) return item;
  }
  FAIL("no report item for " << key);
  throw;
}

}  // namespace

TEST_CASE("the default locations follow every base the reference used", "[reference-files]") {
  scoped_env home{"HOME", "/home/u"};
  scoped_env xdg{"XDG_DATA_HOME", "/xdg"};
  scoped_env data{"LLXPRT_DATA_HOME", "/data"};
  scoped_env config{"LLXPRT_CONFIG_HOME", nullptr};
  const auto provider = default_reference_locations("llxprt-code-provider-keys").value();
  CHECK(provider.envelope_dirs ==
        std::vector<fs::path>{"/data/provider-keys", "/data/secure-store/llxprt-code-provider-keys",
                              "/xdg/llxprt-code/provider-keys", "/xdg/llxprt-code/secure-store/llxprt-code-provider-keys",
                              "/home/u/.llxprt/provider-keys", "/home/u/.llxprt/secure-store/llxprt-code-provider-keys"});
  CHECK(provider.machine_secret_files == std::vector<fs::path>{"/data/machine_secret", "/xdg/llxprt-code/machine_secret"});
  CHECK(provider.legacy_key_dirs.empty());
  const auto tools = default_reference_locations("llxprt-code-tool-keys").value();
  CHECK(tools.legacy_key_dirs == std::vector<fs::path>{"/home/u/.llxprt/tools"});
  CHECK(tools.envelope_dirs.back() == "/home/u/.llxprt/secure-store/llxprt-code-tool-keys");
}

TEST_CASE("reference files are imported from their default directories and read back", "[reference-files]") {
  golden_home home;
  test::memory_rig rig;
  auto store = rig.make();
  auto report = import_reference_files(store, home.provider_keys()).value();

  CHECK(outcomes(report) == std::map<std::string, migration_outcome>{{"anthropic", migration_outcome::imported},
                                                                     {"openai", migration_outcome::imported},
                                                                     {"team:prod", migration_outcome::imported},
                                                                     {"gemini", migration_outcome::imported},
                                                                     {"mistral", migration_outcome::imported},
                                                                     {"blank", migration_outcome::skipped},
                                                                     {"spaces", migration_outcome::skipped}});
  CHECK(item_for(report, "anthropic").origin == "reference-v1");
  CHECK(item_for(report, "gemini").origin == "reference-v2");
  CHECK(store.get("anthropic").value().reveal() == "sk-ant-golden-0001");
  CHECK(store.get("openai").value().reveal() == "clé-секрет-🔑-golden");
  CHECK(store.get("team:prod").value().reveal() == "colon-key-golden");
  CHECK(store.get("gemini").value().reveal() == "AIza-golden-v2");
  CHECK(store.get("blank").error().code() == errc::not_found);
  CHECK(fs::exists(home.home / ".llxprt/provider-keys/anthropic.enc"));  // not asked to remove
  const auto json = report.to_json().dump();
  CHECK(json.find("sk-ant-golden") == std::string::npos);
  CHECK(json.find("AIza-golden") == std::string::npos);

  SECTION("a re-run changes nothing: every value is already present") {
    auto again = import_reference_files(store, home.provider_keys()).value();
    CHECK(again.count(migration_outcome::already_present) == 5);
    CHECK(again.count(migration_outcome::imported) == 0);
  }
  SECTION("a different value already stored is kept, unless overwrite") {
    REQUIRE(store.set("anthropic", "newer-value"));
    auto again = import_reference_files(store, home.provider_keys()).value();
    CHECK(item_for(again, "anthropic").outcome == migration_outcome::skipped);
    CHECK(store.get("anthropic").value().reveal() == "newer-value");
    auto forced = import_reference_files(store, home.provider_keys(), {.overwrite = true}).value();
    CHECK(item_for(forced, "anthropic").outcome == migration_outcome::imported);
    CHECK(store.get("anthropic").value().reveal() == "sk-ant-golden-0001");
  }
}

TEST_CASE("remove_source removes only originals whose copy was read back", "[reference-files]") {
  golden_home home;
  const auto provider = home.home / ".llxprt/provider-keys";
  fs::copy_file(provider / "anthropic.enc", provider / "damaged.enc");
  {
    std::fstream f{provider / "damaged.enc", std::ios::in | std::ios::out | std::ios::binary};
    f.seekp(-6, std::ios::end);
    f.put('Q');
  }
  test::memory_rig rig;
  auto store = rig.make();
  auto report = import_reference_files(store, home.provider_keys(), {.remove_source = true}).value();

  CHECK(item_for(report, "anthropic").source_removed);
  CHECK_FALSE(fs::exists(provider / "anthropic.enc"));
  CHECK_FALSE(fs::exists(home.home / ".local/share/llxprt-code/provider-keys/gemini.enc"));
  CHECK(store.get("anthropic").value().reveal() == "sk-ant-golden-0001");
  // Not decrypted, not imported, empty: all kept. The machine secret is never removed.
  CHECK(item_for(report, "damaged").outcome == migration_outcome::failed);
  CHECK_FALSE(item_for(report, "damaged").source_removed);
  CHECK(fs::exists(provider / "damaged.enc"));
  CHECK(fs::exists(provider / "blank.enc"));
  CHECK(fs::exists(home.home / ".local/share/llxprt-code/machine_secret"));

  SECTION("a store that cannot write keeps every original") {
    test::memory_rig failing;
    auto broken = failing.make(fallback_policy::deny);
    failing.keyring.fail_with(errc::unavailable);
    fs::copy_file(golden_dir / "home/.llxprt/provider-keys/anthropic.enc", provider / "anthropic.enc");
    fs::permissions(provider / "anthropic.enc", fs::perms::owner_read | fs::perms::owner_write);
    auto failed = import_reference_files(broken, home.provider_keys(), {.remove_source = true}).value();
    CHECK(item_for(failed, "anthropic").outcome == migration_outcome::failed);
    CHECK(fs::exists(provider / "anthropic.enc"));
  }
}

// The item of `report` that came from the file at `source`.
const migration_item& item_from(const migration_report& report, const fs::path& source) {
  for (const auto& item : report.items) {
    if (item.source == source.string()) return item;
  }
  FAIL("no report item from " << source);
  throw;
}

TEST_CASE("a key in two data directories: the current one's copy wins and only it is removed", "[reference-files]") {
  golden_home home;
  // The files are sealed per service and machine, not per key: anthropic's file, renamed, is an
  // openai.enc with another value. XDG's llxprt-code directory is current, ~/.llxprt the old one.
  const auto current = home.home / ".local/share/llxprt-code/provider-keys/openai.enc";
  const auto stale = home.home / ".llxprt/provider-keys/openai.enc";
  fs::copy_file(home.home / ".llxprt/provider-keys/anthropic.enc", current);
  test::memory_rig rig;
  auto store = rig.make();

  SECTION("with overwrite and remove_source, the stale copy is skipped and kept") {
    auto report = import_reference_files(store, home.provider_keys(), {.remove_source = true, .overwrite = true});
    REQUIRE(report);
    INFO(report.value().to_text());
    const auto& won = item_from(report.value(), current);
    const auto& lost = item_from(report.value(), stale);
    CHECK(won.outcome == migration_outcome::imported);
    CHECK(won.source_removed);
    CHECK(lost.outcome == migration_outcome::skipped);
    CHECK_FALSE(lost.source_removed);
    CHECK(lost.reason == "another source in this run set it: reference-v1 " + current.string());
    CHECK(store.get("openai").value().reveal() == "sk-ant-golden-0001");
    CHECK_FALSE(fs::exists(current));
    CHECK(fs::exists(stale));
  }
  SECTION("a dry run lists the collision") {
    auto plan = import_reference_files(store, home.provider_keys(), {.dry_run = true, .remove_source = true});
    REQUIRE(plan);
    CHECK(item_from(plan.value(), current).outcome == migration_outcome::planned);
    CHECK(item_from(plan.value(), stale).outcome == migration_outcome::skipped);
    CHECK_THAT(item_from(plan.value(), stale).reason, Catch::Contains(current.string()));
  }
}

TEST_CASE("a dry run decrypts nothing and plans every readable file", "[reference-files]") {
  golden_home home;
  test::memory_rig rig;
  auto store = rig.make();
  // A wrong identity and no machine secret: any decryption would fail, so "planned" proves none ran.
  auto what = home.provider_keys();
  what.identity = reference_identity{"nowhere", "nobody"};
  what.locations.machine_secret_files.clear();
  auto report = import_reference_files(store, what, {.dry_run = true, .remove_source = true}).value();
  CHECK(report.count(migration_outcome::planned) == 7);
  CHECK(item_for(report, "gemini").origin == "reference-v2");
  CHECK(store.list().value().empty());
  CHECK(fs::exists(home.home / ".llxprt/provider-keys/anthropic.enc"));
}

TEST_CASE("a wrong identity or a missing machine secret fails those files and keeps them", "[reference-files]") {
  golden_home home;
  test::memory_rig rig;
  auto store = rig.make();
  SECTION("another user: every file fails, saying it was probably made on another account") {
    auto what = home.provider_keys();
    what.identity = reference_identity{"golden-host", "someone-else"};
    auto report = import_reference_files(store, what, {.remove_source = true}).value();
    CHECK(report.count(migration_outcome::failed) == 7);
    CHECK_THAT(item_for(report, "anthropic").reason, Catch::Contains("another machine or account"));
    CHECK(fs::exists(home.home / ".llxprt/provider-keys/anthropic.enc"));
  }
  SECTION("no machine secret file: v2 fails, v1 imports; then the keyring's copy, given, works") {
    fs::remove(home.home / ".local/share/llxprt-code/machine_secret");
    auto report = import_reference_files(store, home.provider_keys()).value();
    CHECK(item_for(report, "gemini").outcome == migration_outcome::failed);
    CHECK_THAT(item_for(report, "gemini").reason, Catch::Contains("llxprt-code-machine-secret"));
    CHECK(item_for(report, "anthropic").outcome == migration_outcome::imported);

    auto what = home.provider_keys();
    what.machine_secret = secret{read_golden_file(golden_dir / "home/.local/share/llxprt-code/machine_secret")};
    auto with_secret = import_reference_files(store, what).value();
    CHECK(item_for(with_secret, "gemini").outcome == migration_outcome::imported);
    CHECK(store.get("mistral").value().reveal() == "пароль-v2-golden");
  }
}

TEST_CASE("tool keys come from the secure-store directory and the legacy .key files", "[reference-files]") {
  golden_home home;
  test::memory_rig rig;
  auto store = rig.make();
  const reference_import what{"llxprt-code-tool-keys", default_reference_locations("llxprt-code-tool-keys").value(),
                              std::nullopt, golden};
  auto report = import_reference_files(store, what, {.remove_source = true}).value();
  CHECK(outcomes(report) == std::map<std::string, migration_outcome>{{"tavily", migration_outcome::imported},
                                                                     {"exa", migration_outcome::imported},
                                                                     {"brave", migration_outcome::imported}});
  CHECK(item_for(report, "exa").origin == "reference-legacy-key");
  CHECK(store.get("exa").value().reveal() == "exa-golden-legacy-key");
  CHECK(store.get("brave").value().reveal() == "brävé-golden-legacy");
  CHECK(store.get("tavily").value().reveal() == "tvly-golden-v1");
  CHECK_FALSE(fs::exists(home.home / ".llxprt/tools/exa.key"));
  CHECK(import_reference_files(store, what).value().items.empty());  // nothing left to find
}

TEST_CASE("a reference file other users can read is refused, not imported", "[reference-files]") {
  golden_home home;
  fs::permissions(home.home / ".llxprt/provider-keys/anthropic.enc", fs::perms::group_read, fs::perm_options::add);
  test::memory_rig rig;
  auto store = rig.make();
  auto report = import_reference_files(store, home.provider_keys()).value();
  CHECK(item_for(report, "anthropic").outcome == migration_outcome::failed);
  CHECK(store.get("anthropic").error().code() == errc::not_found);
}

TEST_CASE("the golden files are what make_golden.py writes, and a fresh run of it reads back",
          "[reference-files][python]") {
  if (std::system("/usr/bin/python3 -c 'import cryptography' 2>/dev/null") != 0) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string_view{ci} == "true") FAIL("python3-cryptography is missing (scripts/install-deps.sh)");
    WARN("skipped: /usr/bin/python3 has no cryptography package (apt-get install python3-cryptography)");
    return;
  }
  temp_dir out;
  const auto command = "/usr/bin/python3 '" + (golden_dir / "make_golden.py").string() + "' '" + out.path().string() + "'";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);

  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out.path())) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const auto relative = fs::relative(entry.path(), out.path());
    INFO(relative.string());
    CHECK(read_golden_file(entry.path()) == read_golden_file(golden_dir / relative));
  }
  CHECK(files == 11);
  CHECK(detail::read_reference_legacy_key(read_golden_file(out / "home/.llxprt/tools/exa.key"), golden, "f").value().reveal() ==
        "exa-golden-legacy-key");
}

// Tests of resolve_api_key (the precedence over all 31 combinations of sources, and the errors
// that never fall through) and get_with_fallback.
#include <securestore/resolve.hpp>

#include <sys/stat.h>

#include <cerrno>
#include <fstream>

#include <catch2/catch.hpp>

#include <securestore/stores/provider_keys.hpp>

#include "support/files.hpp"
#include "support/names.hpp"
#include "support/stores.hpp"

using namespace securestore;
using provider_keys = basic_provider_key_store<test::memory_store>;

namespace {

constexpr const char* env_var = "SECURESTORE_TEST_RESOLVE_KEY";

using securestore::test::write_file;

// The value each source yields in the matrix, so the winner can be told from the value alone.
std::string_view value_of(key_source s) {
  switch (s) {
    case key_source::key_flag: return "canary-flag-1b";
    case key_source::key_name_flag: return "canary-named-2c";
    case key_source::profile_key_name: return "canary-profile-3d";
    case key_source::keyfile_flag: return "canary-file-4e";
    case key_source::environment: return "canary-env-5f";
  }
  return "";
}

}  // namespace

TEST_CASE("resolve_api_key takes the highest source given, over all 31 combinations", "[stores][resolve]") {
  test::memory_rig rig;
  provider_keys keys{rig.make()};
  REQUIRE(keys.save("named", value_of(key_source::key_name_flag)));
  REQUIRE(keys.save("from-profile", value_of(key_source::profile_key_name)));
  const auto keyfile = rig.dir / "key.txt";
  write_file(keyfile, std::string{value_of(key_source::keyfile_flag)} + "\n");

  const int mask = GENERATE(range(1, 32));
  CAPTURE(mask);
  key_inputs in;
  in.env_vars = {"SECURESTORE_TEST_UNSET_VAR", env_var};
  const bool env = (mask & 16) != 0;
  test::scoped_env set_env{env_var, env ? std::string{value_of(key_source::environment)}.c_str() : nullptr};
  if ((mask & 1) != 0) in.key = std::string{value_of(key_source::key_flag)};
  if ((mask & 2) != 0) in.key_name = "named";
  if ((mask & 4) != 0) in.profile_key_name = "from-profile";
  if ((mask & 8) != 0) in.keyfile = keyfile;

  std::vector<key_source> given;
  for (int bit = 0; bit < 5; ++bit) {
    if ((mask & (1 << bit)) != 0) given.push_back(static_cast<key_source>(bit));
  }
  auto got = resolve_api_key(in, keys, rig.fs);
  REQUIRE(got);
  CHECK(got.value().source == given.front());
  CHECK(got.value().value == value_of(given.front()));
  CHECK(got.value().overridden == std::vector<key_source>(given.begin() + 1, given.end()));
  const auto line = describe(got.value());
  CHECK(line.find(source_name(given.front())) != std::string::npos);
  for (auto s : given) CHECK(line.find(value_of(s)) == std::string::npos);
}

TEST_CASE("a named key that is missing is not_found and never falls through", "[stores][resolve]") {
  test::memory_rig rig;
  provider_keys keys{rig.make()};
  const auto keyfile = rig.dir / "key.txt";
  write_file(keyfile, "canary-file-4e");
  test::scoped_env set_env{env_var, "canary-env-5f"};
  key_inputs in;
  in.keyfile = keyfile;
  in.env_vars = {env_var};
  in.save_hint = "save it with 'mytool key save <name>'";
  SECTION("from --key-name") { in.key_name = "absent"; }
  SECTION("from the profile") { in.profile_key_name = "absent"; }
  auto got = resolve_api_key(in, keys, rig.fs);
  REQUIRE_FALSE(got);
  CHECK(got.error() == errc::not_found);
  CHECK(got.error().message().find("'absent'") != std::string::npos);
  CHECK(got.error().message().find("mytool key save") != std::string::npos);
}

TEST_CASE("resolve_api_key reports mistakes and unreadable sources", "[stores][resolve]") {
  test::memory_rig rig;
  provider_keys keys{rig.make()};
  test::scoped_env set_env{env_var, "canary-env-5f"};
  key_inputs in;
  in.env_vars = {env_var};

  SECTION("an empty --key-name= is invalid_argument") {
    in.key_name = GENERATE(std::string{}, std::string{"  "});
    CHECK(resolve_api_key(in, keys, rig.fs).error() == errc::invalid_argument);
  }
  SECTION("an empty --key or --keyfile is invalid_argument, even when a higher source is given") {
    in.key_name = "named";
    in.key = "";
    CHECK(resolve_api_key(in, keys, rig.fs).error() == errc::invalid_argument);
    in.key.reset();
    in.keyfile = std::filesystem::path{};
    CHECK(resolve_api_key(in, keys, rig.fs).error() == errc::invalid_argument);
  }
  SECTION("a blank profile auth-key-name is not set") {
    in.profile_key_name = " ";
    CHECK(resolve_api_key(in, keys, rig.fs).value().source == key_source::environment);
  }
  SECTION("an invalid name is invalid_argument") {
    in.key_name = "bad name";
    CHECK(resolve_api_key(in, keys, rig.fs).error() == errc::invalid_argument);
  }
  SECTION("a locked keyring is reported, not skipped") {
    REQUIRE(keys.save("named", "canary-named-2c"));
    rig.keyring.fail_with(errc::locked);
    in.key_name = "named";
    CHECK(resolve_api_key(in, keys, rig.fs).error() == errc::locked);
  }
  SECTION("a missing, empty or unreadable keyfile is an error, not the environment") {
    in.keyfile = rig.dir / "key.txt";
    CHECK(resolve_api_key(in, keys, rig.fs).error() == errc::invalid_argument);
    write_file(rig.dir / "key.txt", "\n \n");
    CHECK(resolve_api_key(in, keys, rig.fs).error() == errc::invalid_argument);
    write_file(rig.dir / "key.txt", "canary-file-4e", 0644);
    CHECK(resolve_api_key(in, keys, rig.fs).error() == errc::denied);
    write_file(rig.dir / "key.txt", "canary-file-4e", 0600);
    rig.fs.fail_next(fs_op::read, EIO);
    CHECK_FALSE(resolve_api_key(in, keys, rig.fs));
  }
  SECTION("a FIFO at the keyfile's path is named as one") {
    REQUIRE(::mkfifo((rig.dir / "fifo").c_str(), 0600) == 0);
    in.keyfile = rig.dir / "fifo";
    auto got = resolve_api_key(in, keys, rig.fs);
    REQUIRE_FALSE(got);
    CHECK(got.error() == errc::corrupt);
    CHECK(got.error().message().find("a FIFO") != std::string::npos);
    CHECK(got.error().message().find("Is a directory") == std::string::npos);
  }
  SECTION("nothing given is not_found naming the variables") {
    in.env_vars = {"SECURESTORE_TEST_UNSET_VAR"};
    auto got = resolve_api_key(in, keys, rig.fs);
    CHECK(got.error() == errc::not_found);
    CHECK(got.error().message().find("SECURESTORE_TEST_UNSET_VAR") != std::string::npos);
  }
}

TEST_CASE("a keyfile path may start with ~", "[stores][resolve]") {
  test::memory_rig rig;
  provider_keys keys{rig.make()};
  test::scoped_env home{"HOME", rig.dir.path().c_str()};
  write_file(rig.dir / "key.txt", " canary-file-4e \nignored\n");
  key_inputs in;
  in.keyfile = "~/key.txt";
  auto got = resolve_api_key(in, keys, rig.fs);
  REQUIRE(got);
  CHECK(got.value().value == std::string_view{"canary-file-4e"});
  CHECK(got.value().origin == (rig.dir / "key.txt").native());
}

TEST_CASE("get_with_fallback reads the store, then the environment, then the config file", "[stores][resolve]") {
  test::memory_rig rig;
  auto store = rig.make();
  const auto config = rig.dir / "config.json";
  write_file(config, R"({"api": "canary-config-6a", "number": 3})");

  SECTION("the config file answers last") {
    auto got = get_with_fallback(store, "api", env_var, config, rig.fs);
    REQUIRE(got);
    CHECK(got.value().source == value_source::config_file);
    CHECK(got.value().value == std::string_view{"canary-config-6a"});
  }
  SECTION("the environment answers before the config file") {
    test::scoped_env set_env{env_var, "canary-env-5f"};
    auto got = get_with_fallback(store, "api", env_var, config, rig.fs);
    CHECK(got.value().source == value_source::environment);
  }
  SECTION("the store answers first") {
    test::scoped_env set_env{env_var, "canary-env-5f"};
    REQUIRE(store.set("api", "canary-store-7b"));
    auto got = get_with_fallback(store, "api", env_var, config, rig.fs);
    CHECK(got.value().source == value_source::store);
    CHECK(got.value().value == std::string_view{"canary-store-7b"});
  }
  SECTION("none of them is not_found; a broken config is corrupt") {
    CHECK(get_with_fallback(store, "other", env_var, config, rig.fs).error() == errc::not_found);
    CHECK(get_with_fallback(store, "api", "", rig.dir / "absent.json", rig.fs).error() == errc::not_found);
    CHECK(get_with_fallback(store, "number", env_var, config, rig.fs).error() == errc::corrupt);
    write_file(config, "null");
    CHECK(get_with_fallback(store, "api", env_var, config, rig.fs).error() == errc::corrupt);
  }
}

// Issue 28.6: the application names its own flags, and a message gives one remedy, once.
TEST_CASE("resolve_api_key speaks in the application's own flag names, with one remedy apart from what happened",
          "[stores][resolve]") {
  test::memory_rig rig;
  provider_keys keys{rig.make()};
  key_inputs in;
  in.names.key = "--api-key";
  in.names.key_name = "--api-key-name";
  in.names.keyfile = "--api-key-file";
  SECTION("no source at all") {
    auto got = resolve_api_key(in, keys, rig.fs);
    REQUIRE_FALSE(got);
    CHECK(got.error() == errc::not_found);
    CHECK(got.error().remediation().find("--api-key, --api-key-name or --api-key-file") != std::string::npos);
    CHECK(got.error().message().find("--key,") == std::string::npos);
    CHECK(got.error().message().find("--keyfile") == std::string::npos);
  }
  SECTION("a named key that is missing: what happened once, then one remedy") {
    in.key_name = "work";
    auto got = resolve_api_key(in, keys, rig.fs);
    REQUIRE_FALSE(got);
    CHECK(got.error().what().find("'work' (from --api-key-name)") != std::string::npos);
    CHECK(got.error().what().find("pass the key") == std::string::npos);  // the remedy is not glued into what()
    CHECK(got.error().what().find("your application") == std::string::npos);
    CHECK(got.error().remediation().find("pass the key with --api-key") != std::string::npos);
    CHECK(got.error().remediation().find("provider_key_store") == std::string::npos);  // no API names
  }
  SECTION("a named key the keyring cannot read: the store's one remedy, not three") {
    REQUIRE(keys.save("work", "sk-value"));
    rig.keyring.fail_with(errc::locked);
    in.key_name = "work";
    auto got = resolve_api_key(in, keys, rig.fs);
    REQUIRE_FALSE(got);
    CHECK(got.error() == errc::locked);
    CHECK(got.error().what().find("(from --api-key-name)") != std::string::npos);
    CHECK(got.error().message().find("fix that") == std::string::npos);
    rig.keyring.heal();
  }
  SECTION("describe uses the same names") {
    in.key = "sk-flag";
    auto got = resolve_api_key(in, keys, rig.fs);
    REQUIRE(got);
    CHECK(describe(got.value(), in.names) == "using the API key from --api-key");
  }
}

// Tests of extension_settings: the .env round trip (a table and a seeded property test), the
// service name, and where each setting goes.
#include <securestore/stores/extension_settings.hpp>

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <random>
#include <set>

#include <catch2/catch.hpp>

#include "support/names.hpp"
#include "support/stores.hpp"

using namespace securestore;
using detail::stores::parse_env;
using detail::stores::write_env;
using securestore::test::canary;
using settings_type = basic_extension_settings<test::memory_store>;

namespace {

std::map<std::string, std::string> round_trip(const std::vector<std::pair<std::string, std::string>>& entries) {
  auto parsed = parse_env(write_env(entries), "test");
  REQUIRE(parsed);
  return parsed.value();
}

}  // namespace

TEST_CASE("the .env writer and parser round-trip awkward values", "[stores][extension-settings][dotenv]") {
  const std::string value =
      GENERATE(as<std::string>{}, "", "plain", " leading and trailing ", "say \"hi\"", "it's", "back\\slash\\", "a#b",
               " #not a comment", "k=v=w", "line1\nline2\n", "cr\r\nlf", "tab\there", "$HOME and `cmd`",
               "caf\xC3\xA9 \xF0\x9F\x94\x91", std::string{"nul\0byte", 8}, "\x7F\x01\x1F", "\\x41", "\"", "'", "=");
  CAPTURE(value);
  CHECK(round_trip({{"KEY", value}}).at("KEY") == value);
}

TEST_CASE("the .env round trip holds for random values", "[stores][extension-settings][dotenv]") {
  const auto seed = std::random_device{}();
  CAPTURE(seed);  // printed when a check fails: rerun with this seed to reproduce
  std::mt19937 rng{seed};
  const std::vector<std::string> pieces{"a",
                                        "Z",
                                        "0",
                                        " ",
                                        "\t",
                                        "\n",
                                        "\r",
                                        "\"",
                                        "'",
                                        "\\",
                                        "#",
                                        "=",
                                        "$",
                                        "`",
                                        "\xC3\xA9",
                                        "\xF0\x9F\x94\x91",
                                        std::string{"\0", 1},
                                        "\x7F",
                                        "export ",
                                        "x"};
  for (int round = 0; round < 500; ++round) {
    std::vector<std::pair<std::string, std::string>> entries;
    const auto count = std::uniform_int_distribution<int>{1, 6}(rng);
    for (int i = 0; i < count; ++i) {
      std::string value;
      const auto length = std::uniform_int_distribution<int>{0, 24}(rng);
      for (int j = 0; j < length; ++j) {
        if (std::uniform_int_distribution<int>{0, 9}(rng) == 0) {
          value += static_cast<char>(std::uniform_int_distribution<int>{0, 255}(rng));  // any byte
        } else {
          value += pieces[std::uniform_int_distribution<std::size_t>{0, pieces.size() - 1}(rng)];
        }
      }
      entries.emplace_back("VAR_" + std::to_string(i), value);
    }
    auto parsed = round_trip(entries);
    REQUIRE(parsed.size() == entries.size());
    for (const auto& [key, value] : entries) REQUIRE(parsed.at(key) == value);
  }
}

TEST_CASE("the .env parser reads hand-written files and rejects broken quotes",
          "[stores][extension-settings][dotenv]") {
  auto parsed = parse_env(
      "# comment\n\nexport A=1\nB = two words # note\nC='single \\n kept'\nD=\"x\" # after\nno equals sign\r\nE=\r\n",
      "test");
  REQUIRE(parsed);
  CHECK(parsed.value() == std::map<std::string, std::string>{
                              {"A", "1"}, {"B", "two words"}, {"C", "single \\n kept"}, {"D", "x"}, {"E", ""}});
  const std::string broken =
      GENERATE(as<std::string>{}, "A=\"open", "A='open", "A=\"x\" tail", "A=\"\\q\"", "A=\"\\x4\"", "1A=x");
  CAPTURE(broken);
  auto bad = parse_env(broken, "test");
  REQUIRE_FALSE(bad);
  CHECK(bad.error() == errc::corrupt);
  CHECK(bad.error().message().find("line 1") != std::string::npos);
}

TEST_CASE("extension service names never collide and stay within 255 bytes", "[stores][extension-settings]") {
  const std::vector<std::string> names{"my-extension@1.0.0",
                                       "my-extension100",
                                       "my-extension%401.0.0",
                                       "a b",
                                       "a_b",
                                       "a%20b",
                                       std::string(300, 'x'),
                                       std::string(300, 'x') + "y",
                                       std::string(100, '@'),
                                       std::string(100, '@') + "@"};
  std::set<std::string> services;
  for (const auto& n : names) {
    const auto s = extension_service_name(n);
    CAPTURE(n, s);
    CHECK(s.size() <= max_extension_service_bytes);
    CHECK(s.starts_with(extension_service_prefix));
    services.insert(s);
  }
  CHECK(services.size() == names.size());
  CHECK(extension_service_name("my-extension@1.0.0") == "securestore-extension-my-extension%401.0.0");
}

TEST_CASE("sensitive settings go to the store and the rest to a private .env", "[stores][extension-settings]") {
  test::memory_rig rig;
  const auto dir = rig.dir / "ext";
  settings_type settings{"my-app", "weather@2", dir,
                         [&](std::string service) {
                           return test::memory_store{
                               std::move(service), test::options_in(rig.dir), rig.keyring, {}, rig.fs, rig.clock};
                         },
                         rig.fs};
  const std::vector<extension_setting> declared{
      {"API_KEY", true, "the service's key"}, {"CITY", false, ""}, {"UNITS", false, ""}, {"TOKEN", true, ""}};
  REQUIRE(settings.save(declared, {{"API_KEY", canary}, {"CITY", "New \"York\"\n#1"}, {"TOKEN", "t-1"}}));

  const auto service = extension_service_name("my-app", "weather@2");
  auto entries = rig.keyring.entries();
  CHECK(entries.at({service, "API_KEY"}) == canary);
  CHECK(entries.at({service, "TOKEN"}) == "t-1");
  std::ifstream env{settings.env_file()};
  const std::string text{std::istreambuf_iterator<char>{env}, {}};
  CHECK(text.find(canary) == std::string::npos);
  struct stat st {};
  REQUIRE(::stat(settings.env_file().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  auto loaded = settings.load(declared);
  REQUIRE(loaded);
  CHECK(loaded.value().values == std::map<std::string, std::string>{{"CITY", "New \"York\"\n#1"}});
  CHECK(loaded.value().secrets.at("API_KEY") == std::string_view{canary});
  CHECK(loaded.value().failures.empty());
  CHECK(settings.has_settings().value());

  SECTION("a sensitive setting without a value is removed, and no plain values remove the .env") {
    REQUIRE(settings.save(declared, {{"API_KEY", canary}}));
    CHECK_FALSE(std::filesystem::exists(settings.env_file()));
    CHECK(rig.keyring.entries().count({service, "TOKEN"}) == 0);
  }
  SECTION("an undeclared value or a bad name is refused before anything is written") {
    CHECK(settings.save(declared, {{"OTHER", "x"}}).error() == errc::invalid_argument);
    const std::vector<extension_setting> bad{{"NOT-A-NAME", false, ""}};
    CHECK(settings.save(bad, {}).error() == errc::invalid_argument);
    CHECK(settings.load(declared).value().values.at("CITY") == "New \"York\"\n#1");
  }
  SECTION("a failing sensitive setting is reported by name and the others are saved") {
    rig.keyring.fail_with(errc::denied);  // refused: never a silent move to the file
    auto saved = settings.save(declared, {{"API_KEY", "k2"}, {"CITY", "Paris"}});
    REQUIRE_FALSE(saved);
    CHECK(saved.error().message().find("API_KEY") != std::string::npos);
    CHECK(saved.error().message().find("TOKEN") != std::string::npos);
    rig.keyring.heal();
    settings.store().retry_keyring();
    CHECK(settings.load(declared).value().values.at("CITY") == "Paris");
  }
  SECTION("a failed .env write leaves the old file and touches no secret") {
    rig.fs.fail_next(fs_op::rename, ENOSPC);
    CHECK_FALSE(settings.save(declared, {{"API_KEY", "other"}, {"CITY", "Paris"}}));
    CHECK(settings.load(declared).value().values.at("CITY") == "New \"York\"\n#1");
    CHECK(rig.keyring.entries().at({service, "API_KEY"}) == canary);
  }
  SECTION("remove_all removes the .env and every entry of the service") {
    auto raw = test::memory_store{service, test::options_in(rig.dir), rig.keyring, {}, rig.fs, rig.clock};
    REQUIRE(raw.set("UNDECLARED", "x"));
    REQUIRE(settings.remove_all());
    CHECK_FALSE(std::filesystem::exists(settings.env_file()));
    CHECK(raw.list().value().empty());
    CHECK_FALSE(settings.has_settings().value());
  }
}

TEST_CASE("extension settings are built from store_options like the core", "[stores][extension-settings]") {
  test::temp_dir dir;
  basic_extension_settings<file_store> settings{"my-app", "ext", dir / "ext", test::options_in(dir)};
  const std::vector<extension_setting> declared{{"KEY", true, ""}, {"MODE", false, ""}};
  REQUIRE(settings.save(declared, {{"KEY", canary}, {"MODE", "fast"}}));
  auto loaded = settings.load(declared);
  REQUIRE(loaded);
  CHECK(loaded.value().secrets.at("KEY") == std::string_view{canary});
  CHECK(loaded.value().values.at("MODE") == "fast");
}

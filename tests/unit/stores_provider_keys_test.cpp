// Tests of provider_key_store: names, trimming, listing with stray entries, and the fallback.
#include <securestore/stores/provider_keys.hpp>

#include <catch2/catch.hpp>

#include "support/names.hpp"
#include "support/stores.hpp"

using namespace securestore;
using securestore::test::canary;
using provider_keys = basic_provider_key_store<test::memory_store>;

TEST_CASE("a provider key name must match ^[A-Za-z0-9._-]{1,64}$", "[stores][provider-keys]") {
  const auto [name, valid] = GENERATE(table<std::string, bool>({
      {"openai", true},
      {"My.Key_2-x", true},
      {std::string(64, 'a'), true},
      {std::string(65, 'a'), false},
      {"", false},
      {"has space", false},
      {"slash/name", false},
      {"caf\xC3\xA9", false},
      {"colon:name", false},
  }));
  CAPTURE(name);
  CHECK(is_valid_provider_key_name(name) == valid);

  test::memory_rig rig;
  provider_keys keys{rig.make()};
  auto saved = keys.save(name, canary);
  CHECK(bool(saved) == valid);
  if (!valid) {
    CHECK(saved.error() == errc::invalid_argument);
    CHECK(saved.error().message().find("A-Z a-z 0-9") != std::string::npos);
    CHECK(keys.get(name).error() == errc::invalid_argument);
    CHECK(keys.has(name).error() == errc::invalid_argument);
    CHECK(keys.remove(name).error() == errc::invalid_argument);
  }
}

TEST_CASE("a provider key is stored trimmed, with inner newlines kept", "[stores][provider-keys]") {
  test::memory_rig rig;
  provider_keys keys{rig.make()};
  const auto [input, stored] = GENERATE(table<std::string, std::string>({
      {"  sk-abc  ", "sk-abc"},
      {"sk-abc\n123\n", "sk-abc\n123"},
      {"\xEF\xBB\xBFsk-bom\r\n", "sk-bom"},
      {"\xC2\xA0sk-nbsp\xE3\x80\x80", "sk-nbsp"},
      {"\tsk\tinner\t", "sk\tinner"},
  }));
  REQUIRE(keys.save("openai", input));
  auto got = keys.get("openai");
  REQUIRE(got);
  CHECK(got.value() == std::string_view{stored});
  CHECK(rig.keyring.entries().begin()->second == stored);
}

TEST_CASE("an empty or blank provider key is rejected and the old one kept", "[stores][provider-keys]") {
  test::memory_rig rig;
  provider_keys keys{rig.make()};
  REQUIRE(keys.save("openai", canary));
  auto blank = GENERATE(std::string{}, std::string{" \t\r\n"}, std::string{"\xC2\xA0\n"});
  auto saved = keys.save("openai", blank);
  REQUIRE_FALSE(saved);
  CHECK(saved.error() == errc::invalid_argument);
  CHECK(keys.get("openai").value() == std::string_view{canary});
}

TEST_CASE("provider keys are case-sensitive and removed once", "[stores][provider-keys]") {
  test::memory_rig rig;
  provider_keys keys{rig.make()};
  REQUIRE(keys.save("MyKey", "upper-value"));
  REQUIRE(keys.save("mykey", "lower-value"));
  CHECK(keys.get("MyKey").value() == std::string_view{"upper-value"});
  CHECK(keys.get("mykey").value() == std::string_view{"lower-value"});
  CHECK(keys.has("MyKey").value());
  CHECK(keys.remove("MyKey").value());
  CHECK_FALSE(keys.remove("MyKey").value());
  CHECK_FALSE(keys.has("MyKey").value());
  CHECK(keys.get("MyKey").error() == errc::not_found);
}

TEST_CASE("list reports names sorted and stray entries apart", "[stores][provider-keys]") {
  test::memory_rig rig;
  auto raw = rig.make();
  REQUIRE(raw.set("not a valid name", "x1"));
  REQUIRE(raw.set("a/b", "x2"));
  provider_keys keys{std::move(raw)};
  REQUIRE(keys.save("zeta", "v"));
  REQUIRE(keys.save("Alpha", "v"));
  REQUIRE(keys.save("beta", "v"));
  auto listed = keys.list();
  REQUIRE(listed);
  CHECK(listed.value().names == std::vector<std::string>{"Alpha", "beta", "zeta"});
  CHECK(listed.value().invalid_names == std::vector<std::string>{"a/b", "not a valid name"});
}

TEST_CASE("provider keys go to the encrypted file when the keyring is down", "[stores][provider-keys]") {
  test::memory_rig rig;
  rig.keyring.fail_with(errc::unavailable);
  provider_keys keys{rig.make()};
  REQUIRE(keys.save("openai", canary));
  CHECK(keys.store().locate("openai").value() == location::file);
  CHECK(keys.get("openai").value() == std::string_view{canary});
  CHECK(rig.keyring.entries().empty());
}

TEST_CASE("a provider key store is built from store_options like the core", "[stores][provider-keys]") {
  test::temp_dir dir;
  basic_provider_key_store<file_store> keys{app_name{"my-app"}, test::options_in(dir)};
  REQUIRE(keys.save("openai", canary));
  CHECK(keys.store().fallback_dir() == dir / "entries" / "my-app%3Aprovider-keys");
  auto other = basic_provider_key_store<file_store>::with_service("custom-service", test::options_in(dir));
  CHECK(other.get("openai").error() == errc::not_found);
}

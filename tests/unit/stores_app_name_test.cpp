// Tests of the application names the domain stores take: one application's entries are its own,
// the shared stores keep the service every application used before, and a bad name is refused.
#include <securestore/stores/app_name.hpp>
#include <securestore/stores/extension_settings.hpp>
#include <securestore/stores/provider_keys.hpp>
#include <securestore/stores/tokens.hpp>
#include <securestore/stores/tool_keys.hpp>

#include <set>

#include <catch2/catch.hpp>

#include "support/names.hpp"
#include "support/stores.hpp"

using namespace securestore;
using securestore::test::canary;

namespace {

oauth_credentials app_test_record(std::string server) {
  oauth_credentials c;
  c.server_name = std::move(server);
  c.token.access_token = secret{canary};
  c.token.token_type = "Bearer";
  return c;
}

const std::vector<tool_info> app_test_tools{{"exa", "Exa Search", ""}};
const std::vector<extension_setting> app_test_settings{{"API_KEY", true, ""}};

}  // namespace

TEST_CASE("two applications' provider keys are their own", "[stores][app-name]") {
  test::temp_dir dir;
  basic_provider_key_store<file_store> a{app_name{"app-a"}, test::options_in(dir)};
  basic_provider_key_store<file_store> b{app_name{"app-b"}, test::options_in(dir)};
  REQUIRE(a.save("openai", canary));
  CHECK(b.get("openai").error() == errc::not_found);
  CHECK(b.list().value().names.empty());
  REQUIRE(b.save("openai", "sk-of-b"));
  CHECK(a.get("openai").value() == std::string_view{canary});  // b did not overwrite it
  CHECK(b.get("openai").value() == std::string_view{"sk-of-b"});
}

TEST_CASE("two applications' tokens, tool keys and extension settings are their own", "[stores][app-name]") {
  test::temp_dir dir;
  basic_token_store<file_store> tokens_a{app_name{"app-a"}, test::options_in(dir)};
  basic_token_store<file_store> tokens_b{app_name{"app-b"}, test::options_in(dir)};
  REQUIRE(tokens_a.save(app_test_record("mcp.example.com")));
  CHECK(tokens_b.get("mcp.example.com").error() == errc::not_found);
  CHECK(tokens_b.list().value().empty());

  basic_tool_key_store<file_store> tools_a{"app-a", app_test_tools, test::options_in(dir)};
  basic_tool_key_store<file_store> tools_b{"app-b", app_test_tools, test::options_in(dir)};
  REQUIRE(tools_a.save("exa", canary));
  REQUIRE(tools_a.set_keyfile("exa", "/keys/exa"));
  CHECK(tools_b.get("exa").error() == errc::not_found);
  CHECK_FALSE(tools_b.keyfile("exa").value().has_value());  // the keyfile map is the app's too

  basic_extension_settings<file_store> ext_a{"app-a", "weather", dir / "a", test::options_in(dir)};
  basic_extension_settings<file_store> ext_b{"app-b", "weather", dir / "b", test::options_in(dir)};
  REQUIRE(ext_a.save(app_test_settings, {{"API_KEY", canary}}));
  CHECK(ext_b.load(app_test_settings).value().secrets.empty());
  CHECK_FALSE(ext_b.has_settings().value());
}

TEST_CASE("one application's domains never share a service", "[stores][app-name]") {
  test::temp_dir dir;
  basic_provider_key_store<file_store> keys{app_name{"my-app"}, test::options_in(dir)};
  basic_tool_key_store<file_store> tools{"my-app", {{"openai", "OpenAI", ""}}, test::options_in(dir)};
  basic_token_store<file_store> tokens{app_name{"my-app"}, test::options_in(dir)};
  REQUIRE(keys.save("openai", canary));
  CHECK(tools.get("openai").error() == errc::not_found);
  CHECK(tokens.get("openai").error() == errc::not_found);

  CHECK(app_service_name("my-app", provider_keys_domain) == "my-app:provider-keys");
  CHECK(app_service_name("my-app", tool_keys_domain) == "my-app:tool-keys");
  CHECK(app_service_name("my-app", tokens_domain) == "my-app:oauth-tokens");
  CHECK(extension_service_name("my-app", "weather@1") == "my-app:extension-weather%401");
  // An extension's name can hold anything, but ':' is escaped and never in an app name, so
  // (app "a", extension "b:provider-keys") and (app "a:extension-b", provider keys) cannot meet.
  CHECK(extension_service_name("a", "b:provider-keys") == "a:extension-b%3Aprovider-keys");
  CHECK_FALSE(is_valid_app_name("a:extension-b"));
  // Nor does any application's service meet a shared one.
  std::set<std::string> services{std::string{provider_keys_service}, std::string{tool_keys_service},
                                 std::string{tokens_service}, extension_service_name("weather")};
  for (const std::string app : {"a", "securestore", "securestore-provider", "my.app"}) {
    for (const auto domain : {provider_keys_domain, tool_keys_domain, tokens_domain}) {
      CHECK(services.insert(app_service_name(app, domain)).second);
    }
    CHECK(services.insert(extension_service_name(app, "weather")).second);
  }
}

TEST_CASE("the shared stores read what every application kept under the old services", "[stores][app-name]") {
  test::temp_dir dir;
  // Entries as a release before application names wrote them.
  file_store old_keys{std::string{provider_keys_service}, test::options_in(dir)};
  REQUIRE(old_keys.set("openai", canary));
  file_store old_tools{std::string{tool_keys_service}, test::options_in(dir)};
  REQUIRE(old_tools.set("exa", canary));
  file_store old_tokens{std::string{tokens_service}, test::options_in(dir)};
  REQUIRE(old_tokens.set("srv", detail::stores::encode_credentials(app_test_record("srv"))));
  file_store old_ext{extension_service_name("weather"), test::options_in(dir)};
  REQUIRE(old_ext.set("API_KEY", canary));

  auto keys = basic_provider_key_store<file_store>::shared(test::options_in(dir));
  CHECK(keys.get("openai").value() == std::string_view{canary});
  auto tools = basic_tool_key_store<file_store>::shared(app_test_tools, test::options_in(dir));
  CHECK(tools.get("exa").value() == std::string_view{canary});
  auto tokens = basic_token_store<file_store>::shared(test::options_in(dir));
  CHECK(tokens.get("srv").value().token.access_token == std::string_view{canary});
  auto ext = basic_extension_settings<file_store>::shared("weather", dir / "ext", test::options_in(dir));
  CHECK(ext.load(app_test_settings).value().secrets.at("API_KEY") == std::string_view{canary});

  // An application's own stores do not see them: sharing is a choice.
  basic_provider_key_store<file_store> own{app_name{"my-app"}, test::options_in(dir)};
  CHECK(own.get("openai").error() == errc::not_found);
  basic_token_store<file_store> own_tokens{app_name{"my-app"}, test::options_in(dir)};
  CHECK(own_tokens.list().value().empty());
}

TEST_CASE("an application name must match ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", "[stores][app-name]") {
  const auto [name, valid] = GENERATE(table<std::string, bool>({
      {"my-app", true},
      {"com.example.App_2", true},
      {"7", true},
      {std::string(64, 'a'), true},
      {std::string(65, 'a'), false},
      {"", false},
      {"-app", false},
      {".app", false},
      {"my app", false},
      {"my:app", false},
      {"my/app", false},
      {"caf\xC3\xA9", false},
      {std::string{"a\0b", 3}, false},
  }));
  CAPTURE(name);
  CHECK(is_valid_app_name(name) == valid);
  CHECK(bool(check_app_name(name)) == valid);
}

TEST_CASE("a refused application name is told where it goes wrong, without echoing it", "[stores][app-name]") {
  const auto [name, says] = GENERATE(table<std::string, std::string>({
      {"", "(this one has 0 bytes)"},
      {std::string(65, 'a'), "(this one has 65 bytes)"},
      {"-x1", "(byte 1 cannot start one)"},
      {"my app", "(byte 3 is not one of them)"},
  }));
  CAPTURE(name);
  const auto e = check_app_name(name).error();
  CHECK(e == errc::invalid_argument);
  CHECK(e.message().find(says) != std::string::npos);
  if (!name.empty()) CHECK(e.message().find(name) == std::string::npos);
}

TEST_CASE("a store for a bad application name refuses every operation and writes nothing", "[stores][app-name]") {
  test::temp_dir dir;
  const std::string bad = GENERATE(std::string{}, std::string{"my app"}, std::string{"a:b"}, std::string(65, 'x'));
  CAPTURE(bad);
  const auto refused = [](const error& e) {
    CHECK(e == errc::invalid_argument);
    CHECK(e.message().find("application name") != std::string::npos);
  };
  basic_provider_key_store<file_store> keys{app_name{bad}, test::options_in(dir)};
  refused(keys.save("openai", canary).error());
  refused(keys.get("openai").error());
  refused(keys.has("openai").error());
  refused(keys.remove("openai").error());
  refused(keys.list().error());

  basic_token_store<file_store> tokens{app_name{bad}, test::options_in(dir)};
  refused(tokens.save(app_test_record("srv")).error());
  refused(tokens.get("srv").error());
  refused(tokens.remove("srv").error());
  refused(tokens.list().error());
  refused(tokens.get_all().error());

  basic_tool_key_store<file_store> tools{bad, app_test_tools, test::options_in(dir)};
  refused(tools.save("exa", canary).error());
  refused(tools.set_keyfile("exa", "/keys/exa").error());
  refused(tools.resolve("exa").error());

  basic_extension_settings<file_store> ext{bad, "weather", dir / "ext", test::options_in(dir)};
  refused(ext.save(app_test_settings, {{"API_KEY", canary}}).error());
  refused(ext.load(app_test_settings).error());
  refused(ext.has_settings().error());
  refused(ext.remove_all().error());

  // Nothing went anywhere: no service directory, no .env.
  CHECK_FALSE(std::filesystem::exists(dir / "entries"));
  CHECK_FALSE(std::filesystem::exists(dir / "ext"));
}

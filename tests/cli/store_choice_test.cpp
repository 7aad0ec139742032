// cli/store_choice_test.cpp: --store and --app reach the library's domain stores under the
// library's service names, with their rules; an empty list says so.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "cli/tool.hpp"
#include "support/names.hpp"

namespace securestore::test {

TEST_CASE("the tool's --app and --store reach an application's own provider keys, as the library names them",
          "[cli][store-choice]") {
  const tool_home t;
  auto saved = t.run({"--app", "my-app", "--store", "provider-keys", "key", "save", "openai"}, std::string{canary});
  REQUIRE(saved.status == 0);
  // The library's provider_key_store{"my-app"} keeps its keys under "my-app:provider-keys".
  CHECK(std::filesystem::exists(t.store_dir("my-app%3Aprovider-keys")));
  auto loaded = t.run({"--service", "my-app:provider-keys", "key", "load", "openai"});
  CHECK(loaded.status == 0);
  CHECK(loaded.out == std::string{canary} + "\n");

  // Another application's keys, and the shared store, are other services.
  auto other = t.run({"--app", "other-app", "--store", "provider-keys", "key", "list"});
  CHECK(other.status == 0);
  CHECK(other.out.empty());
  auto shared = t.run({"--store", "provider-keys", "key", "list"});
  CHECK(shared.status == 0);
  CHECK(shared.out.empty());
  REQUIRE(t.run({"--store", "provider-keys", "key", "save", "openai"}, std::string{"sk-shared"}).status == 0);
  CHECK(std::filesystem::exists(t.store_dir("securestore-provider-keys")));

  // The other stores follow the same naming.
  REQUIRE(t.run({"--app", "my-app", "--store", "tool-keys", "key", "save", "exa"}, std::string{canary}).status == 0);
  CHECK(std::filesystem::exists(t.store_dir("my-app%3Atool-keys")));
  REQUIRE(t.run({"--app", "my-app", "--store", "extension:weather@1", "key", "save", "API_KEY"}, std::string{canary})
              .status == 0);
  CHECK(std::filesystem::exists(t.store_dir("my-app%3Aextension-weather%25401")));
}

TEST_CASE("key save into provider keys checks the name rule and trims the value, as the library does",
          "[cli][store-choice]") {
  const tool_home t;
  const std::vector<std::string> keys{"--app", "my-app", "--store", "provider-keys"};
  auto with = [&](std::vector<std::string> rest) {
    auto args = keys;
    args.insert(args.end(), rest.begin(), rest.end());
    return args;
  };
  auto bad = t.run(with({"key", "save", "has space"}), std::string{canary});
  CHECK(bad.status == 9);
  CHECK(contains(bad.err, "provider key name is 1 to 64 characters"));
  CHECK_FALSE(contains(bad.err + bad.out, canary));
  CHECK_FALSE(std::filesystem::exists(t.store_dir("my-app%3Aprovider-keys")));

  auto blank = t.run(with({"key", "save", "openai"}), std::string{" \t\n"});
  CHECK(blank.status == 9);
  CHECK(contains(blank.err, "empty or only whitespace"));

  REQUIRE(t.run(with({"key", "save", "openai"}), "  " + std::string{canary} + " \n").status == 0);
  auto loaded = t.run(with({"key", "load", "openai"}));
  CHECK(loaded.out == std::string{canary} + "\n");

  // A token store's entry is a token record, or it would be corrupt to the library.
  auto not_a_record = t.run({"--app", "my-app", "--store", "tokens", "key", "save", "srv"}, std::string{canary});
  CHECK(not_a_record.status == 9);
  CHECK(contains(not_a_record.err, "OAuth token record"));
  CHECK_FALSE(contains(not_a_record.err + not_a_record.out, canary));

  // --service takes the value as it is: no rule there.
  REQUIRE(t.run({"key", "save", "has space"}, std::string{" spaced "}).status == 0);
}

TEST_CASE("the tool's --store refuses an unknown store, a bad --app, --app alone and --service beside it",
          "[cli][store-choice]") {
  const tool_home t;
  const auto [args, says] = GENERATE(table<std::vector<std::string>, std::string>({
      {{"--store", "provider_keys", "key", "list"}, "'provider_keys' is not a store"},
      {{"--store", "extension:", "key", "list"}, "'extension:' is not a store"},
      {{"--app", "my:app", "--store", "tokens", "key", "list"}, "an application name is 1 to 64 characters"},
      {{"--app", "my-app", "key", "list"}, "no --store says which"},
      {{"--service", "x", "--store", "tokens", "key", "list"}, "--store and --service both name the service"},
  }));
  CAPTURE(args);
  auto refused = t.run(args);
  CHECK(refused.status == 2);
  CHECK(contains(refused.err, says));
}

TEST_CASE("an empty key list says which service and backend it looked in", "[cli][store-choice]") {
  const tool_home t;
  auto listed = t.run({"key", "list"});
  CHECK(listed.status == 0);
  CHECK(listed.out.empty());  // a script counting lines still counts none
  CHECK(contains(listed.err, "no keys in service 'securestore' (file "));

  auto app = t.run({"--app", "my-app", "--store", "tokens", "key", "list"});
  CHECK(app.status == 0);
  CHECK(contains(app.err, "no keys in service 'my-app:oauth-tokens'"));

  auto quiet = t.run({"--quiet", "key", "list"});
  CHECK(quiet.err.empty());
}

}  // namespace securestore::test

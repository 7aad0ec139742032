// cli/pass_tool_test.cpp: the tool over pass, end to end (--backend pass), in the throw-away store
// and GPG key of scripts/with-pass-store.sh.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/pass_store.hpp"
#include "cli/tool.hpp"
#include "support/names.hpp"

namespace securestore::test {

TEST_CASE("the tool saves, lists, shows, loads and deletes through pass", "[cli]") {
  using nlohmann::json;
  if (!have_pass_store()) return;
  tool_home t;
  const auto service = unique_service_name("securestore-cli");
  auto run = [&](std::vector<std::string> args, const std::optional<std::string>& input = std::nullopt) {
    args.insert(args.begin(), {"--backend", "pass", "--service", service});
    return t.run(args, input);
  };
  auto saved = run({"--json", "key", "save", "api"}, std::string{canary});
  REQUIRE(saved.status == 0);
  CHECK(json::parse(saved.out)["location"] == "keyring");
  CHECK(json::parse(saved.out)["backend"] == "pass");
  CHECK(json::parse(run({"--json", "key", "list"}).out)["names"] ==
        json::array({json{{"name", "api"}, {"location", "keyring"}}}));
  CHECK(json::parse(run({"--json", "key", "show", "api"}).out)["backend"] == "pass");
  CHECK(run({"key", "load", "api"}).out == std::string{canary} + "\n");
  CHECK(run({"--yes", "key", "delete", "api"}).status == 0);
  CHECK(run({"key", "load", "api"}).status == 3);  // not_found
}

}  // namespace securestore::test

// cli/keyutils_tool_test.cpp: the tool over the kernel keyring, end to end (--backend keyutils).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/tool.hpp"
#include "support/names.hpp"

namespace securestore::test {

TEST_CASE("the tool saves, lists, shows, loads and deletes through the kernel keyring", "[cli]") {
  using nlohmann::json;
  tool_home t;
  const auto service = unique_service_name("securestore-cli");
  auto run = [&](std::vector<std::string> args, const std::optional<std::string>& input = std::nullopt) {
    args.insert(args.begin(), {"--backend", "keyutils", "--service", service});
    return t.run(args, input);
  };
  auto saved = run({"--json", "key", "save", "api"}, std::string{canary});
  REQUIRE(saved.status == 0);
  CHECK(json::parse(saved.out)["location"] == "keyring");
  CHECK(json::parse(saved.out)["backend"] == "keyutils");
  CHECK(json::parse(run({"--json", "key", "list"}).out)["names"] ==
        json::array({json{{"name", "api"}, {"location", "keyring"}}}));
  CHECK(json::parse(run({"--json", "key", "show", "api"}).out)["backend"] == "keyutils");
  CHECK(run({"key", "load", "api"}).out == std::string{canary} + "\n");
  CHECK(run({"--yes", "key", "delete", "api"}).status == 0);
  CHECK(run({"key", "load", "api"}).status == 3);  // not_found
  CHECK_FALSE(std::filesystem::exists(t.store_dir(service) / "api.enc"));
}

}  // namespace securestore::test

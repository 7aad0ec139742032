// cli/services_tool_test.cpp: `services`, end to end: each backend's services with their key
// counts, from keys saved through the real Secret Service (scripts/with-secret-service.sh), pass
// (scripts/with-pass-store.sh), the kernel keyring and the encrypted files.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/pass_store.hpp"
#include "cli/tool.hpp"
#include "support/names.hpp"
#include "support/test_keyring.hpp"

namespace securestore::test {
namespace {

// The services `backend` reported, as service -> keys; nullopt when the backend is not in `doc`.
std::optional<std::map<std::string, std::size_t>> services_of(const nlohmann::json& doc, const std::string& backend) {
  for (const auto& b : doc["backends"]) {
    if (b["name"] != backend) continue;
    std::map<std::string, std::size_t> out;
    for (const auto& s : b["services"]) out[s["service"].get<std::string>()] = s["keys"].get<std::size_t>();
    return out;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("services lists what every backend holds, per service, with the number of keys", "[cli][services]") {
  using nlohmann::json;
  if (required_keyring_ctl().empty()) return;
  if (!have_pass_store()) return;
  tool_home t;
  const auto service = unique_service_name("services-cli");
  const std::vector<std::string> backends{"secret-service", "pass", "keyutils", "file"};
  const auto save = [&](const std::string& backend, const std::string& key) {
    return t.run({"--backend", backend, "--service", service + "-" + backend, "key", "save", key}, std::string{canary})
        .status;
  };
  for (const auto& backend : backends) {
    REQUIRE(save(backend, "one") == 0);
    if (backend != "file") REQUIRE(save(backend, "two") == 0);
  }

  auto listed = t.run({"--json", "services"});
  CHECK(listed.status == 0);
  CHECK_FALSE(contains(listed.all(), canary));
  const auto doc = json::parse(listed.out);
  for (const auto& backend : backends) {
    INFO(backend);
    auto services = services_of(doc, backend);
    REQUIRE(services);
    CHECK(services->count(service + "-" + backend) == 1);
    CHECK((*services)[service + "-" + backend] == (backend == "file" ? 1u : 2u));
    CHECK(services->count(service + "-nothing") == 0);
  }
  auto text = t.run({"services"});
  CHECK(text.status == 0);
  CHECK(contains(text.out, service + "-pass\t2 keys"));
  CHECK(contains(text.out, service + "-file\t1 key\n"));

  for (const auto& backend : backends) {
    for (const std::string key : {"one", "two"}) {
      (void)t.run(
          {"--backend", backend, "--service", service + "-" + backend, "--yes", "key", "delete", "--force", key});
    }
  }
  auto after = json::parse(t.run({"--json", "services"}).out);
  for (const auto& backend : backends) CHECK(services_of(after, backend)->count(service + "-" + backend) == 0);
}

}  // namespace securestore::test

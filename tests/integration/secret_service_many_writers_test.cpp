// integration/secret_service_many_writers_test.cpp: 4 processes x 4 threads write, read, list and
// remove over 64 keys through the real Secret Service (gnome-keyring on the private bus of
// scripts/with-secret-service.sh); the checks of many_writers_test.cpp hold there too.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/secret_service.hpp>

#include "support/many_writers.hpp"
#include "support/names.hpp"
#include "support/reliability_log.hpp"
#include "support/stores.hpp"

namespace securestore::test {
namespace {

using ss_store = basic_secure_store<secret_service_keyring, aes_gcm_cipher, posix_fs>;

TEST_CASE("many processes and threads over the Secret Service leave every key as a writer acknowledged it last",
          "[integration][secret-service][many-writers][slow]") {
  if (std::getenv("SECURESTORE_TEST_KEYRING_CTL") == nullptr) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string_view{ci} == "true") FAIL("no test keyring: run inside scripts/with-secret-service.sh");
    WARN("skipped: no test keyring: run inside scripts/with-secret-service.sh");
    return;
  }
  const auto seed = std::random_device{}();
  INFO("seed " << seed);
  const temp_dir dir;
  const temp_dir logs;
  const auto service = unique_service_name("many-ss");
  const auto options = options_in(dir);
  const many_writers_shape shape{.ops_per_thread = 40, .seed = seed};
  std::vector<std::string> failures;
  const op_history history{run_many_writers("secret_service", service, options, logs, shape, failures)};

  ss_store store{service, options, secret_service_keyring{{.timeout = std::chrono::milliseconds{10000}}}};
  REQUIRE(store.keyring_available());
  auto final_value = [&](const std::string& key) -> std::optional<std::string> {
    auto got = store.get(key);
    if (!got) {
      if (got.error().code() != errc::not_found) failures.push_back("the final get of " + key + " failed");
      return std::nullopt;
    }
    return tag_of(key, got.value().reveal()).value_or("garbage");
  };
  const auto keys = many_writers_keys(shape);
  for (auto& v : history.violations(keys, final_value)) failures.push_back(std::move(v));
  for (const auto& key : keys) (void)store.remove(key);
  for (const auto& f : failures) UNSCOPED_INFO(f);
  CHECK(failures.empty());
  CHECK(history.size() >= static_cast<std::size_t>(shape.processes * shape.threads * shape.ops_per_thread));
  record_figure("many writers", "secret service: processes x threads", "4 x 4");
  record_figure("many writers", "secret service: operations (set/get/list/remove + gets of listed names)",
                std::to_string(history.size()) + " (" + std::to_string(history.count("set")) + "/" +
                    std::to_string(history.count("get")) + "/" + std::to_string(history.count("list")) + "/" +
                    std::to_string(history.count("remove")) + " + " + std::to_string(history.count("listed-get")) +
                    ")");
  record_figure("many writers", "secret service: violations", failures.size());
}

}  // namespace
}  // namespace securestore::test

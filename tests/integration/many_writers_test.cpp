// integration/many_writers_test.cpp: 4 processes x 4 threads write, read, list and remove over 64
// keys through one directory of the file store; every read decodes (or proves absence a remove
// explains), every listed name can be read, and each key ends as some writer acknowledged last.
// (The same through the Secret Service: secret_service_many_writers_test.cpp.)
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include <securestore/file_store.hpp>

#include "support/many_writers.hpp"
#include "support/names.hpp"
#include "support/reliability_log.hpp"
#include "support/stores.hpp"
#include "support/temp_files.hpp"

namespace securestore::test {
namespace {

TEST_CASE("many processes and threads over one file store leave every key as a writer acknowledged it last",
          "[integration][many-writers][slow]") {
  const auto seed = std::random_device{}();
  INFO("seed " << seed);
  const temp_dir dir;
  const temp_dir logs;
  const auto service = unique_service_name("many");
  const auto options = options_in(dir);
  const many_writers_shape shape{.ops_per_thread = 60, .seed = seed};
  std::vector<std::string> failures;
  const op_history history{run_many_writers("file", service, options, logs, shape, failures)};
  file_store store{service, options};
  auto final_value = [&](const std::string& key) -> std::optional<std::string> {
    auto got = store.get(key);
    if (!got) {
      if (got.error().code() != errc::not_found) failures.push_back("the final get of " + key + " failed");
      return std::nullopt;
    }
    return tag_of(key, got.value().reveal()).value_or("garbage");
  };
  for (auto& v : history.violations(many_writers_keys(shape), final_value)) failures.push_back(std::move(v));
  for (const auto& f : failures) UNSCOPED_INFO(f);
  CHECK(failures.empty());
  const auto expected = static_cast<std::size_t>(shape.processes * shape.threads * shape.ops_per_thread);
  CHECK(history.size() >= expected);  // every worker's log arrived (listed-gets add more)
  CHECK(temp_files_in(entries_of(dir, service)) == 0);
  record_figure("many writers", "file store: processes x threads", "4 x 4");
  record_figure("many writers", "file store: operations (set/get/list/remove + gets of listed names)",
                std::to_string(history.size()) + " (" + std::to_string(history.count("set")) + "/" +
                    std::to_string(history.count("get")) + "/" + std::to_string(history.count("list")) + "/" +
                    std::to_string(history.count("remove")) + " + " + std::to_string(history.count("listed-get")) +
                    ")");
  record_figure("many writers", "file store: violations", failures.size());
}

}  // namespace
}  // namespace securestore::test

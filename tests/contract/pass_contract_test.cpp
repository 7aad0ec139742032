// contract/pass_contract_test.cpp: pass_keyring against the keyring contract, and against
// writers that share its store.
#include <securestore/keyring/pass.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "contract/through_any.hpp"

namespace securestore::test {

TEST_CASE("pass_keyring meets the keyring contract", "[contract][keyring][pass]") {
  check_keyring_contract<pass_keyring>();
}

TEST_CASE("any_keyring over pass meets the keyring contract", "[contract][keyring][pass][any]") {
  check_keyring_contract_through_any<pass_keyring>();
}

// `pass rm` removes the folders it empties (rmdir -p), so a remove in one folder could take the
// common parent away between another writer's `mkdir -p` and gpg's write of its entry: "mkdir:
// cannot create directory ... No such file or directory". Two processes of one application, or
// two applications, writing and removing keys is ordinary use.
TEST_CASE("writers in sibling folders of one pass store never fail each other", "[contract][pass]") {
  auto keyring = make_keyring<pass_keyring>();
  if (!pass_store_ready() || !backend_ready(keyring)) return;
  constexpr int writers = 4;
  constexpr int rounds = 30;
  std::atomic<int> failed_sets{0};
  std::atomic<int> failed_removes{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      const auto service = unique_service_name("securestore-pass-race") + "-" + std::to_string(w);
      for (int i = 0; i < rounds; ++i) {
        const auto account = "k" + std::to_string(i);
        if (!keyring.set(service, account, "value")) ++failed_sets;
        auto removed = keyring.remove(service, account);
        if (!removed || !removed.value()) ++failed_removes;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failed_sets == 0);
  CHECK(failed_removes == 0);
}

}  // namespace securestore::test

// Concurrency: threads sharing one store, and two processes writing one key, never tear an entry
// or lose an acknowledged write.
#include <securestore/basic_secure_store.hpp>

#include <catch2/catch.hpp>

#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "support/names.hpp"
#include "support/stores.hpp"

extern char** environ;

using securestore::errc;

TEST_CASE("eight threads hammering one store see only whole values and lose no write", "[concurrency]") {
  securestore::test::memory_rig rig;
  auto store = rig.make();
  constexpr int threads = 8;
  constexpr int rounds = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const auto own = "own-" + std::to_string(t);
      for (int i = 0; i < rounds; ++i) {
        // Half the time the keyring is down, so writes move between keyring and file.
        const auto value = "thread-" + std::to_string(t) + "-" + std::to_string(i);
        // A read may meet the keyring down while it holds the value (errc::unavailable, the
        // honest answer); anything else must be the exact, whole value.
        auto acceptable = [](const auto& r) { return r || r.error().code() == errc::unavailable; };
        if (!store.set(own, value)) ++failures;
        auto got = store.get(own);
        if (!acceptable(got) || (got && !(got.value() == std::string_view{value}))) ++failures;
        if (!store.set("shared", value)) ++failures;
        auto shared = store.get("shared");
        if (!acceptable(shared) || (shared && !shared.value().reveal().starts_with("thread-"))) ++failures;
        if (!acceptable(store.list())) ++failures;
      }
    });
  }
  std::thread flapper{[&] {
    for (int i = 0; i < 50; ++i) {
      rig.keyring.fail_with(errc::unavailable);
      rig.clock.advance(std::chrono::minutes{2});
      std::this_thread::sleep_for(std::chrono::milliseconds{2});
      rig.keyring.heal();
      rig.clock.advance(std::chrono::minutes{2});
      std::this_thread::sleep_for(std::chrono::milliseconds{2});
    }
  }};
  for (auto& w : workers) w.join();
  flapper.join();
  CHECK(failures == 0);
  rig.keyring.heal();
  rig.clock.advance(std::chrono::minutes{2});
  for (int t = 0; t < threads; ++t) {
    CHECK(store.get("own-" + std::to_string(t)).value() ==
          std::string_view{"thread-" + std::to_string(t) + "-" + std::to_string(rounds - 1)});
  }
}

TEST_CASE("two processes writing one key 500 times each leave a value that decodes", "[concurrency][process]") {
  securestore::test::temp_dir dir;
  const auto entries = (dir / "entries").string();
  const auto root = (dir / "root.key").string();
  std::vector<pid_t> children;
  for (const char* id : {"a", "b"}) {
    std::vector<std::string> args = {SECURESTORE_WRITER_CHILD, entries, root, "contended", id, "500"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    REQUIRE(::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) == 0);
    children.push_back(pid);
  }
  for (const auto pid : children) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);  // every one of its 500 reads decoded
  }
  securestore::file_store store{"two-process", securestore::test::options_in(dir)};
  auto last = store.get("contended");
  REQUIRE(last);
  CHECK(last.value().reveal().ends_with("-value-499"));  // the last acknowledged write of one of them
  CHECK(store.list().value() == std::vector<std::string>{"contended"});
  for (const auto& entry : std::filesystem::directory_iterator(securestore::test::entries_of(dir, "two-process"))) {
    const auto name = entry.path().filename().string();
    CHECK((name.ends_with(".enc") || name == ".lock"));  // no temp file left behind
  }
}

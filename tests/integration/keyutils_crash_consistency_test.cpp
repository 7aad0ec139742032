// integration/keyutils_crash_consistency_test.cpp: a writer through the kernel keyring store with
// the file fallback, killed with SIGKILL at random moments (during a file write, a promotion of
// the file into the keyring, and a keyring write that must remove the file): the keyring outlives
// the writer, and afterwards the two stores never disagree — a read returns the last
// acknowledged value or the one in flight, and leaves the keyring holding it with no file beside.
#include <securestore/keyring/keyutils.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/file_store.hpp>
#include <securestore/fs/posix.hpp>

#include "support/kill_loop.hpp"
#include "support/names.hpp"
#include "support/reliability_log.hpp"
#include "support/sequenced_values.hpp"
#include "support/stores.hpp"

namespace securestore::test {
namespace {

using keyutils_store = basic_secure_store<keyutils_keyring, aes_gcm_cipher, posix_fs>;

TEST_CASE("a keyring-store writer killed at random moments leaves keyring and file agreeing on its newest value",
          "[integration][crash][keyutils][slow]") {
  const auto seed = seed_for_run();
  INFO("replay with SECURESTORE_CRASH_SEED=" << seed);
  std::mt19937 rng{seed};
  const temp_dir dir;
  const auto service = unique_service_name("crash-keyutils");
  const auto options = options_in(dir);
  const std::string key = "overwritten";
  long acked = 1;
  {
    keyutils_store first{service, options};
    REQUIRE(first.keyring_available());
    REQUIRE(first.set(key, sequenced_value(acked)));
    REQUIRE(first.locate(key).value() == location::keyring);
  }

  const int kills = kills_for_run();
  int mid_write = 0;
  int mid_promotion = 0;      // killed between "promoting" and "promoted"
  int mid_keyring_write = 0;  // killed in the keyring write that must remove the file
  int files_found = 0;
  int lost = 0;
  std::vector<std::string> failures;
  keyutils_keyring keyring;
  // Whether the key has a file (an error counts as one: it is not the proven absence we want).
  auto file_holds_key = [&] {
    auto held = file_store{service, options}.has(key);
    return !held || held.value();
  };
  for (int i = 0; i < kills && failures.size() < 5; ++i) {
    const long first = acked + 1;  // the child's cycle: file write, promotion, file write, keyring write
    const auto at = write_until_killed({SECURESTORE_CRASH_WRITER_CHILD, "keyutils", options.fallback_dir.native(),
                                        options.root_secret_path.native(), service, key, std::to_string(first)},
                                       first, std::chrono::milliseconds{45}, rng);
    const auto where = "kill " + std::to_string(i) + " (acked " + std::to_string(at.acked) + ", writing " +
                       std::to_string(at.writing) + "): ";
    if (!at.killed) {
      failures.push_back(where + "the child ended before the kill (see its stderr)");
      break;
    }
    mid_write += at.writing > at.acked ? 1 : 0;
    mid_promotion += at.last_line.starts_with("promoting ") ? 1 : 0;
    mid_keyring_write += at.last_line.starts_with("writing ") && (at.writing - first) % 3 == 2 ? 1 : 0;
    files_found += file_holds_key() ? 1 : 0;

    keyutils_store check{service, options};  // a fresh store, as after a restart
    auto got = check.get(key);
    const auto seq = got ? sequence_of(got.value().reveal()) : std::nullopt;
    if (!got || !seq || (*seq != at.acked && *seq != at.writing)) {
      ++lost;
      failures.push_back(
          where + "read " +
          (got ? (seq ? std::to_string(*seq) : std::string{"a value that is not whole"}) : got.error().message()));
      continue;
    }
    // That read moved any file into the keyring: now both hold the same, and no file is left.
    auto in_keyring = keyring.get(service, key);
    if (!in_keyring || sequence_of(in_keyring.value().reveal()) != seq) {
      failures.push_back(where + "the keyring disagrees with the store after a read");
    }
    if (file_holds_key()) failures.push_back(where + "a file stayed after a read");

    acked = std::max(at.acked, at.writing) + 1;
    REQUIRE(check.set(key, sequenced_value(acked)));
    if (temp_files_in(entries_of(dir, service)) != 0) {
      failures.push_back(where + "a temp file survived the next successful write");
    }
    if (auto again = keyring.get(service, key); !again || sequence_of(again.value().reveal()) != acked) {
      failures.push_back(where + "the write after the kill is not in the keyring");
    }
  }
  (void)keyutils_store{service, options}.remove(key);
  for (const auto& f : failures) UNSCOPED_INFO(f);
  CHECK(failures.empty());
  CHECK(mid_write > 0);
  CHECK(files_found > 0);  // some kills left the newest value in the file: promotion was exercised
  CHECK(mid_promotion > 0);
  CHECK(mid_keyring_write > 0);
  record_figure("crash consistency (SIGKILL)", "keyutils store: kills survived", failures.empty() ? kills : 0);
  record_figure("crash consistency (SIGKILL)", "keyutils store: kills during an unacknowledged write", mid_write);
  record_figure("crash consistency (SIGKILL)", "keyutils store: kills during a promotion of the file", mid_promotion);
  record_figure("crash consistency (SIGKILL)", "keyutils store: kills during a keyring write that removes the file",
                mid_keyring_write);
  record_figure("crash consistency (SIGKILL)", "keyutils store: kills that left the newest value in the file",
                files_found);
  record_figure("crash consistency (SIGKILL)", "keyutils store: acknowledged values lost", lost);
}

}  // namespace
}  // namespace securestore::test

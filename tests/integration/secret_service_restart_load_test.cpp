// integration/secret_service_restart_load_test.cpp: 1,000 operations from 4 threads through a
// Secret Service store with the file fallback while gnome-keyring is killed and restarted every
// few hundred ms, and once locked and unlocked: nothing acknowledged is lost, the newest value wins
// after recovery, no call blocks past its bound, and no thread is left blocked. Run inside
// scripts/with-secret-service.sh (it exports SECURESTORE_TEST_KEYRING_CTL).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/secret_service.hpp>

#include "support/fault_load.hpp"
#include "support/names.hpp"
#include "support/reliability_log.hpp"
#include "support/stores.hpp"

namespace securestore::test {
namespace {

using ss_store = basic_secure_store<secret_service_keyring, aes_gcm_cipher, posix_fs>;
using std::chrono::milliseconds;

constexpr int threads = 4;
constexpr load_shape shape{.ops = 250, .keys = 4, .write_percent = 60, .max_pause_ms = 30};
constexpr milliseconds call_bound{1000};  // secret_service_keyring::options::timeout
// One store call makes at most a probe (connect, open a session, read the collection: 3 bounded
// calls) and its own calls (search, then read/write/delete, or create: 3), each bounded by
// call_bound. A writer may also wait for the write lock behind another thread's call; with the
// daemon dead the bus answers at once (no owner), so that wait is short, and a call that waited
// out D-Bus's own 25 s default on a dead daemon would fail this bound.
constexpr milliseconds store_call_bound = call_bound * 6;
constexpr milliseconds margin{2000};

[[nodiscard]] std::string keyring_ctl_if_any() {
  const char* ctl = std::getenv("SECURESTORE_TEST_KEYRING_CTL");
  return ctl != nullptr ? ctl : "";
}

bool try_control(const std::string& ctl, const std::string& what) {
  return std::system((ctl + " " + what + " >/dev/null 2>&1").c_str()) == 0;
}

// Service.Lock on the login collection (the default one scripts/with-secret-service.sh creates),
// as a user locking the keyring would; `restart` unlocks it again (the daemon starts with --unlock).
bool lock_collection() {
  return std::system("dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets "
                     "org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login "
                     ">/dev/null 2>&1") == 0;
}

TEST_CASE("a store under load while its Secret Service dies and restarts loses nothing acknowledged",
          "[integration][secret-service][restart-load][slow]") {
  const auto ctl = keyring_ctl_if_any();
  if (ctl.empty()) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string_view{ci} == "true") FAIL("no test keyring: run inside scripts/with-secret-service.sh");
    WARN("skipped: no test keyring: run inside scripts/with-secret-service.sh");
    return;
  }
  const temp_dir dir;
  const auto service = unique_service_name("restart-load");
  auto options = options_in(dir);
  options.probe_ttl = std::chrono::seconds{1};
  write_counts writes;
  writes.count_in(options);
  ss_store store{service, options, secret_service_keyring{{.timeout = call_bound}}};
  REQUIRE(store.keyring_available());

  load_tally out;
  std::vector<std::map<std::string, key_state>> states(threads);
  std::atomic<int> finished{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      run_load_thread(store, t, shape, states[static_cast<std::size_t>(t)], out);
      ++finished;
    });
  }
  int restarts = 0;
  bool locked_once = false;
  int control_failures = 0;
  std::mt19937 rng{std::random_device{}()};
  // Bursts of three crashes a few hundred ms apart, each burst followed by a calm longer than the
  // probe's TTL so the store goes back to the keyring (and moves the outage's files into it) under
  // load; once, the collection is locked for longer than the TTL, so the store meets it.
  while (finished < threads) {
    const bool calm = restarts % 3 == 2;
    std::this_thread::sleep_for(milliseconds{calm ? 1200 : std::uniform_int_distribution<int>{150, 400}(rng)});
    if (finished == threads) break;
    if (restarts == 5 && !locked_once) {
      locked_once = true;
      control_failures += lock_collection() ? 0 : 1;
      std::this_thread::sleep_for(milliseconds{1300});  // callers meet a locked keyring
    }
    control_failures += try_control(ctl, "restart") ? 0 : 1;  // a crash (SIGKILL), then a fresh daemon, unlocked
    ++restarts;
  }
  // Every thread finished above (the loop ends only then), so none is left blocked; a hang would
  // have kept the loop running until CTest's timeout.
  for (auto& w : workers) w.join();
  control_failures += try_control(ctl, "start") ? 0 : 1;

  // Recovery: after the probe's TTL the store uses the keyring again and moves the files into it.
  std::this_thread::sleep_for(std::chrono::milliseconds{1100});
  REQUIRE(store.keyring_available());
  const int lost = check_recovered(store, states, out, "the keyring");
  for (const auto& v : out.violations) UNSCOPED_INFO(v);
  CHECK(out.violations.empty());
  CHECK(lost == 0);
  CHECK(control_failures == 0);
  CHECK(locked_once);
  CHECK(out.failures_by_code[static_cast<int>(errc::locked)] > 0);  // the lock was met, and surfaced as locked
  CHECK(restarts >= 3);
  CHECK(writes.keyring > 0);
  CHECK(writes.file > 0);  // the outages were met: writes fell back to the file
  CHECK(out.max_latency < store_call_bound + margin);
  const std::string section = "dying daemon (gnome-keyring killed under load)";
  record_figure(section, "operations (4 threads)", threads * shape.ops);
  record_figure(section, "acknowledged writes / reads", std::to_string(out.acked_writes) + " / " +
                                                            std::to_string(out.reads));
  record_figure(section, "daemon restarts (SIGKILL + start), plus one lock", restarts);
  record_figure(section, "acknowledged writes to the keyring / to the file",
                std::to_string(writes.keyring) + " / " + std::to_string(writes.file));
  record_figure(section, "files moved back into the keyring (promotions)", writes.promotions.load());
  record_figure(section, "failed calls by code", out.failures());
  record_figure(section, "max call latency (ms)", out.max_latency.count());
  record_figure(section, "acknowledged values lost", lost);
}

}  // namespace
}  // namespace securestore::test

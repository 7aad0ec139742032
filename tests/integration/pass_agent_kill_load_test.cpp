// integration/pass_agent_kill_load_test.cpp: at least 1,000 operations from 4 threads through a
// pass store with the file fallback while its gpg-agent is killed every few hundred ms (in turn
// `gpgconf --kill gpg-agent` and a SIGKILL of its pid; gpg starts a fresh one on its next use):
// nothing acknowledged is lost, the newest value wins after recovery, no call blocks past its
// bound, and no thread is left blocked. Run inside scripts/with-pass-store.sh (GNUPGHOME,
// PASSWORD_STORE_DIR and SECURESTORE_TEST_GPG_KEY); [serial], since it kills the shared agent.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/pass.hpp>

#include "contract/make_keyring.hpp"
#include "support/fault_load.hpp"
#include "support/names.hpp"
#include "support/reliability_log.hpp"
#include "support/stores.hpp"

namespace securestore::test {
namespace {

using pass_store = basic_secure_store<pass_keyring, aes_gcm_cipher, posix_fs>;
using std::chrono::milliseconds;

constexpr int agent_threads = 4;
constexpr load_shape agent_load{.ops = 250, .keys = 3, .write_percent = 50, .max_pause_ms = 20};
constexpr milliseconds agent_run_bound{3000};  // pass_keyring::options::timeout: each run of pass or gpg
// One store call runs at most a probe (gpg --list-keys), its own pass run and a diagnosing gpg
// (3 runs); a writer may first wait for the write lock behind the 3 other threads' calls, each of
// which holds it for at most a probe and a pass run. A run that hung on a dead agent until
// gpg's own timeouts would break this bound.
constexpr milliseconds agent_call_bound = agent_run_bound * 3 + agent_run_bound * 2 * (agent_threads - 1);
constexpr milliseconds agent_margin{2000};
constexpr int agent_min_kills = 8;

// The pid of this GNUPGHOME's gpg-agent, or nullopt when none runs (never starts one).
[[nodiscard]] std::optional<pid_t> agent_pid() {
  FILE* out = ::popen("gpg-connect-agent --no-autostart 'getinfo pid' /bye 2>/dev/null", "r");
  if (out == nullptr) return std::nullopt;
  std::optional<pid_t> pid;
  char line[128];
  while (std::fgets(line, sizeof line, out) != nullptr) {
    if (line[0] == 'D' && line[1] == ' ') pid = static_cast<pid_t>(std::atol(line + 2));
  }
  ::pclose(out);
  if (pid && *pid <= 1) return std::nullopt;
  return pid;
}

// Kills the agent: even kills ask it to stop (gpgconf), odd ones SIGKILL it (a crash). True if
// an agent was running and was told to die.
bool kill_agent(int n) {
  if (n % 2 == 0) return std::system("gpgconf --kill gpg-agent >/dev/null 2>&1") == 0;
  const auto pid = agent_pid();
  return pid && ::kill(*pid, SIGKILL) == 0;
}

TEST_CASE("a pass store under load while its gpg-agent is killed loses nothing acknowledged",
          "[integration][pass][agent-kill-load][slow][serial]") {
  if (!pass_store_ready()) return;
  const temp_dir dir;
  const auto service = unique_service_name("agent-kill");
  auto options = options_in(dir);
  options.probe_ttl = std::chrono::seconds{1};
  write_counts writes;
  writes.count_in(options);
  pass_store store{service, options, pass_keyring{{.timeout = agent_run_bound}}};
  REQUIRE(store.keyring_available());
  REQUIRE(store.set("warm-up", "value"));  // the agent runs (a decryption starts it)
  REQUIRE(store.get("warm-up"));
  REQUIRE(agent_pid());

  load_tally out;
  std::vector<std::map<std::string, key_state>> states(agent_threads);
  std::atomic<int> finished{0};
  // The threads go on past their calls until the agent was killed enough times (or a minute
  // passed): on a fast, idle machine the calls alone can end before that.
  std::atomic<bool> more{true};
  const auto began = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < agent_threads; ++t) {
    workers.emplace_back([&, t] {
      run_load_thread(store, t, agent_load, states[static_cast<std::size_t>(t)], out, &more);
      ++finished;
    });
  }
  int kills = 0;
  int kills_missed = 0;  // no agent to kill: none had been started since the last kill
  std::mt19937 rng{std::random_device{}()};
  // Bursts of three kills a few hundred ms apart, each followed by a calm longer than the probe's
  // TTL, so the store goes back to pass (and moves the outage's files into it) under load.
  while (finished < agent_threads) {
    if (kills >= agent_min_kills || std::chrono::steady_clock::now() - began > std::chrono::seconds{60}) more = false;
    const bool calm = (kills + kills_missed) % 3 == 2;
    std::this_thread::sleep_for(milliseconds{calm ? 1200 : std::uniform_int_distribution<int>{150, 400}(rng)});
    if (finished == agent_threads) break;
    ++(kill_agent(kills + kills_missed) ? kills : kills_missed);
  }
  // The loop ends only when every thread has finished, so none is left blocked; a hang would have
  // kept it running until CTest's timeout.
  for (auto& w : workers) w.join();
  const auto load_took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - began);

  // Recovery: after the probe's TTL the store uses pass again (gpg starts an agent) and moves the
  // files into it.
  std::this_thread::sleep_for(milliseconds{1100});
  REQUIRE(store.keyring_available());
  const int lost = check_recovered(store, states, out, "pass");
  (void)store.remove("warm-up");
  for (const auto& v : out.violations) UNSCOPED_INFO(v);
  CHECK(out.violations.empty());
  CHECK(lost == 0);
  // Each kill found an agent running, so gpg started a new one between kills while the load ran.
  // Whether a call failed meanwhile depends on timing (on an idle machine gpg restarts the agent
  // within the call), so failures are a figure below, not a condition.
  CHECK(kills >= agent_min_kills);
  CHECK(out.acked_writes > 0);
  CHECK(writes.keyring > 0);
  CHECK(out.max_latency < agent_call_bound + agent_margin);
  const std::string section = "dying gpg-agent (pass, agent killed under load)";
  record_figure(section, "operations (4 threads)", out.calls);
  record_figure(section, "acknowledged writes / reads",
                std::to_string(out.acked_writes) + " / " + std::to_string(out.reads));
  record_figure(section, "agent kills (gpgconf --kill and SIGKILL in turn)", kills);
  record_figure(section, "acknowledged writes to pass / to the file",
                std::to_string(writes.keyring) + " / " + std::to_string(writes.file));
  record_figure(section, "files moved back into pass (promotions)", writes.promotions.load());
  record_figure(section, "failed calls by code", out.failures());
  record_figure(section, "max call latency (ms)", out.max_latency.count());
  record_figure(section, "load phase (ms)", load_took.count());
  record_figure(section, "acknowledged values lost", lost);
}

}  // namespace
}  // namespace securestore::test

// support/fault_load.hpp: the load of the dying-daemon tests (Secret Service restarted, gpg-agent
// killed): threads that each write and read their own keys through one store, and check every
// read against what they know was acknowledged.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <securestore/error.hpp>
#include <securestore/store_options.hpp>
#include <securestore/store_types.hpp>

namespace securestore::test {

/// What one thread knows of one of its keys: the value it had acknowledged last, and the values
/// of writes that failed since (a failed write may still have landed: a reply lost with the daemon).
struct key_state {
  std::string acked;
  std::set<std::string> maybe;
  [[nodiscard]] bool accepts(std::string_view v) const { return v == acked || maybe.count(std::string{v}) != 0; }
};

/// What the threads saw, together.
struct load_tally {
  std::mutex mutex;
  std::vector<std::string> violations;  ///< the first 10
  std::map<int, int> failures_by_code;  ///< errc -> failed calls
  int acked_writes = 0;
  int reads = 0;
  int calls = 0;  ///< every call made, reads and writes, failed or not
  std::chrono::milliseconds max_latency{0};

  void add(const std::string& v) {
    std::lock_guard lock{mutex};
    if (violations.size() < 10) violations.push_back(v);
  }

  /// The failed calls, "<code message> <count>, ...", or "none".
  [[nodiscard]] std::string failures() {
    std::lock_guard lock{mutex};
    std::string text;
    for (const auto& [code, n] : failures_by_code) {
      text += (text.empty() ? "" : ", ") + std::string{make_error_code(static_cast<errc>(code)).message()} + " " +
              std::to_string(n);
    }
    return text.empty() ? "none" : text;
  }

  [[nodiscard]] int failed_calls() {
    std::lock_guard lock{mutex};
    int n = 0;
    for (const auto& [code, count] : failures_by_code) n += count;
    return n;
  }
};

/// Where a store's acknowledged writes went and how often a file was moved back into the keyring,
/// counted from its log.
struct write_counts {
  std::atomic<int> keyring{0};
  std::atomic<int> file{0};
  std::atomic<int> promotions{0};

  /// Sets `options.log` to count into this, which must outlive the store.
  void count_in(store_options& options) {
    options.log = [this](const log_event& e) {
      if (e.operation == "set" && !e.outcome) ++(e.backend == "file" ? file : keyring);
      if (e.operation == "promote") ++promotions;
    };
  }
};

/// How one thread loads the store.
struct load_shape {
  int ops = 250;           ///< calls of each thread
  int keys = 4;            ///< keys of each thread
  int write_percent = 60;  ///< the share of writes (a key not yet acknowledged is always written)
  int max_pause_ms = 30;   ///< a random pause of 0 to this after each call, like an application
};

/// Thread `t`'s calls on its own keys ("t<t>-k<n>") through `store`: a read older than the last
/// acknowledged write, or not_found after one, is a violation; other failures are counted. It
/// makes shape.ops calls, and goes on while `more` (when given) is true, so a fault injector
/// that needs more time than the calls take on a fast machine gets it.
template <class Store>
void run_load_thread(Store& store, int t, const load_shape& shape, std::map<std::string, key_state>& mine,
                     load_tally& out, const std::atomic<bool>* more = nullptr) {
  std::mt19937 rng{static_cast<unsigned>(t) * 7919U + 17U};
  for (int i = 0; i < shape.ops || (more != nullptr && more->load()); ++i) {
    const auto key = "t" + std::to_string(t) + "-k" + std::to_string(i % shape.keys);
    auto& state = mine[key];
    const bool write = state.acked.empty() || std::uniform_int_distribution<int>{0, 99}(rng) < shape.write_percent;
    const auto started = std::chrono::steady_clock::now();
    if (write) {
      const auto value = key + "-v" + std::to_string(i);
      if (auto stored = store.set(key, value)) {
        state = {value, {}};
        std::lock_guard lock{out.mutex};
        ++out.acked_writes;
      } else {
        state.maybe.insert(value);
        std::lock_guard lock{out.mutex};
        ++out.failures_by_code[static_cast<int>(stored.error().code())];
      }
    } else {
      auto got = store.get(key);
      if (got && !state.accepts(got.value().reveal())) {
        out.add("read " + key + " as a value older than its last acknowledged write");
      } else if (!got && got.error().code() == errc::not_found) {
        out.add("read " + key + " as not_found after a write was acknowledged");
      } else if (!got) {
        std::lock_guard lock{out.mutex};
        ++out.failures_by_code[static_cast<int>(got.error().code())];
      }
      std::lock_guard lock{out.mutex};
      ++out.reads;
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    {
      std::lock_guard lock{out.mutex};
      out.max_latency = std::max(out.max_latency, took);
      ++out.calls;
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds{std::uniform_int_distribution<int>{0, shape.max_pause_ms}(rng)});
  }
}

/// After recovery: each thread's keys must hold their last acknowledged value and sit in the
/// keyring (the outage's files moved back). Removes them. Returns how many values were lost.
template <class Store>
int check_recovered(Store& store, const std::vector<std::map<std::string, key_state>>& states, load_tally& out,
                    std::string_view keyring) {
  int lost = 0;
  for (const auto& mine : states) {
    for (const auto& [key, state] : mine) {
      auto got = store.get(key);
      if (!got || !state.accepts(got.value().reveal())) {
        ++lost;
        out.add("after recovery " + key + " does not hold its last acknowledged value" +
                (got ? std::string{} : " (" + got.error().message() + ")"));
      } else if (auto where = store.locate(key); !where || where.value() != location::keyring) {
        out.add("after recovery " + key + " was not moved back into " + std::string{keyring});
      }
      (void)store.remove(key);
    }
  }
  return lost;
}

}  // namespace securestore::test

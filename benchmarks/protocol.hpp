// benchmarks/protocol.hpp: the measurement protocol of /work/shared/reference/measurements.md
// (issue 14), shared by the per-backend protocol benchmarks: a subject is four operations; the
// harness times N sets of new keys over a window of 10 live keys, N overwrites and N gets cycling
// over the window, N gets of absent keys, and N removes (each after an untimed set), interleaving
// the subjects (subject, floor, subject, ...) so a machine that gets busier mid-run weighs on both.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <string>
#include <vector>

extern char** environ;

namespace bench {

using clock_type = std::chrono::steady_clock;

/// One subject: what the protocol calls on it. Each returns whether the call did what it should.
struct subject {
  std::string name;
  std::function<bool(const std::string&, const std::string&)> set;
  std::function<bool(const std::string&)> get;  // true when found
  std::function<bool(const std::string&)> remove;
  std::function<std::size_t()> list;
};

/// A securestore store as a subject.
template <class Store>
subject store_subject(Store& store) {
  return {"securestore", [&store](const std::string& key, const std::string& v) { return bool(store.set(key, v)); },
          [&store](const std::string& key) { return bool(store.get(key)); },
          [&store](const std::string& key) { return bool(store.remove(key)); },
          [&store] { return store.list().value().size(); }};
}

struct stats {
  double median_ms = 0;
  double p90_ms = 0;
};

inline stats summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  if (ms.empty()) return {};
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 9 / 10)]};
}

/// The wall time of f() in ms; a failed operation ends the run (a figure over failures would lie).
template <class F>
double time_ms(F&& f) {
  const auto start = clock_type::now();
  if (!f()) {
    std::fprintf(stderr, "an operation failed\n");
    std::exit(1);
  }
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

struct row {
  std::string what;
  stats subject;
  stats floor;
};

/// The five timed operations for one value size, on every subject, interleaved. Per subject, per
/// operation (set new, overwrite, get, get miss, remove): the medians and p90s.
inline std::vector<std::vector<stats>> run_ops(const std::vector<subject*>& subjects, std::size_t size, int n,
                                               int& counter) {
  const std::string value(size, 'v');
  const auto k = subjects.size();
  std::vector<std::deque<std::string>> live(k);
  std::vector<std::vector<std::vector<double>>> times(k, std::vector<std::vector<double>>(5));
  const auto fresh = [&] { return "key-" + std::to_string(size) + "-" + std::to_string(counter++); };
  for (int i = 0; i < n; ++i) {
    for (std::size_t s = 0; s < k; ++s) {
      const auto key = fresh();
      times[s][0].push_back(time_ms([&] { return subjects[s]->set(key, value); }));
      live[s].push_back(key);
      if (live[s].size() > 10) {
        (void)subjects[s]->remove(live[s].front());
        live[s].pop_front();
      }
    }
  }
  for (int i = 0; i < n; ++i) {
    for (std::size_t s = 0; s < k; ++s) {
      const auto& key = live[s][static_cast<std::size_t>(i) % live[s].size()];
      times[s][1].push_back(time_ms([&] { return subjects[s]->set(key, value); }));
    }
  }
  for (int i = 0; i < n; ++i) {
    for (std::size_t s = 0; s < k; ++s) {
      const auto& key = live[s][static_cast<std::size_t>(i) % live[s].size()];
      times[s][2].push_back(time_ms([&] { return subjects[s]->get(key); }));
    }
  }
  for (int i = 0; i < n; ++i) {
    for (std::size_t s = 0; s < k; ++s) {
      const auto key = "absent-" + std::to_string(counter++);
      times[s][3].push_back(time_ms([&] { return !subjects[s]->get(key); }));
    }
  }
  for (int i = 0; i < n; ++i) {
    for (std::size_t s = 0; s < k; ++s) {
      const auto key = fresh();
      (void)subjects[s]->set(key, value);
      times[s][4].push_back(time_ms([&] { return subjects[s]->remove(key); }));
    }
  }
  std::vector<std::vector<stats>> out(k);
  for (std::size_t s = 0; s < k; ++s) {
    for (const auto& key : live[s]) (void)subjects[s]->remove(key);
    for (auto& t : times[s]) out[s].push_back(summarize(t));
  }
  return out;
}

/// Appends the five rows of one value size (from run_ops over {subject, floor}) to `rows`.
inline void add_rows(std::vector<row>& rows, const std::vector<std::vector<stats>>& both, std::size_t size) {
  const char* names[] = {"set, new key", "overwrite", "get", "get miss", "remove"};
  for (std::size_t i = 0; i < 5; ++i) {
    rows.push_back({std::string{names[i]} + (size == 40 ? " (40 B)" : " (4 KiB)"), both[0][i], both[1][i]});
  }
}

/// The wall time of one run of `argv` (stdout on /dev/null), in ms; a failed child ends the run.
inline double spawn_ms(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  const auto start = clock_type::now();
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) std::exit(1);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
  posix_spawn_file_actions_destroy(&actions);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "%s failed\n", args[0].c_str());
    std::exit(1);
  }
  return ms;
}

/// The rows as a Markdown table; `unit` is "ms" or "us" (times are kept in ms).
inline void print_table(const std::vector<row>& rows, const char* floor_name, const char* unit) {
  const double scale = std::string{unit} == "us" ? 1000.0 : 1.0;
  std::printf("| operation | securestore | %s | ratio |\n|---|---|---|---|\n", floor_name);
  for (const auto& r : rows) {
    std::printf("| %s | %.2f %s (%.2f) | %.2f %s (%.2f) | %.2fx |\n", r.what.c_str(), r.subject.median_ms * scale,
                unit, r.subject.p90_ms * scale, r.floor.median_ms * scale, unit, r.floor.p90_ms * scale,
                r.subject.median_ms / r.floor.median_ms);
  }
}

}  // namespace bench

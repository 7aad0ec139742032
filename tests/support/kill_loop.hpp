// support/kill_loop.hpp: runs the crash writer child and SIGKILLs it at a random moment, for the
// crash-consistency tests: what the child acknowledged before the kill and what it was writing.
#pragma once

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/child_process.hpp"
#include "support/temp_files.hpp"

namespace securestore::test {

/// How many kills a crash test runs: $SECURESTORE_CRASH_KILLS, else `fallback`.
[[nodiscard]] inline int kills_for_run(int fallback = 300) {
  const char* text = std::getenv("SECURESTORE_CRASH_KILLS");
  return text != nullptr && std::atoi(text) > 0 ? std::atoi(text) : fallback;
}

/// The seed of a run: $SECURESTORE_CRASH_SEED (to replay a failure), else a random one.
[[nodiscard]] inline unsigned seed_for_run() {
  const char* text = std::getenv("SECURESTORE_CRASH_SEED");
  return text != nullptr && *text != '\0' ? static_cast<unsigned>(std::strtoul(text, nullptr, 10))
                                          : std::random_device{}();
}

/// What a killed writer had done: the last write the store acknowledged, and the last it began
/// (in flight when larger than `acked`).
struct writes_at_kill {
  long acked = 0;
  long writing = 0;
  bool killed = false;      ///< it died of the SIGKILL (not of a failure of its own)
  std::string last_line{};  ///< the last line it said: what it was doing when it died
};

/// Starts the child (whose first write is number `first`, and whose last acknowledged one before
/// it is `first - 1`), waits until it is ready, lets it write for a random 0 to `longest` and
/// kills it. (A durable write takes a few ms to tens of ms, mostly fsync: `longest` should span
/// the child's cycle of writes so the kills land anywhere in it.)
[[nodiscard]] inline writes_at_kill write_until_killed(const std::vector<std::string>& args, long first,
                                                       std::chrono::microseconds longest, std::mt19937& rng) {
  child_process child{args};
  writes_at_kill at{.acked = first - 1, .writing = first - 1};
  if (!child.wait_for_line("ready " + std::to_string(first), std::chrono::seconds{20})) return at;
  std::this_thread::sleep_for(std::chrono::microseconds{std::uniform_int_distribution<long>{0, longest.count()}(rng)});
  child.kill();
  const int status = child.wait();
  const auto& output = child.read_all();
  at.acked = last_number_after(output, "acked ").value_or(first - 1);
  at.writing = last_number_after(output, "writing ").value_or(first - 1);
  at.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  if (const auto end = output.find_last_not_of('\n'); end != std::string::npos) {
    const auto newline = output.rfind('\n', end);
    const auto from = newline == std::string::npos ? 0 : newline + 1;
    at.last_line = output.substr(from, end + 1 - from);
  }
  return at;
}

}  // namespace securestore::test

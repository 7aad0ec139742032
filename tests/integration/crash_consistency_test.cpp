// integration/crash_consistency_test.cpp: a writer killed with SIGKILL at random moments never
// leaves its key corrupt, absent or older than its last acknowledged write, and the next write
// leaves no temp file behind; and with the file system failing fsync, rename or the directory
// fsync at every step of a write, each failure is an errc and the previous value stays readable.
// (The same kills through the kernel keyring store: keyutils_crash_consistency_test.cpp.)
#include <catch2/catch.hpp>

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include <securestore/file_store.hpp>

#include "support/kill_loop.hpp"
#include "support/names.hpp"
#include "support/reliability_log.hpp"
#include "support/sequenced_values.hpp"
#include "support/stores.hpp"

namespace securestore::test {
namespace {

std::string fs_op_name(fs_op op) {
  switch (op) {
    case fs_op::write: return "write";
    case fs_op::fsync: return "fsync";
    case fs_op::rename: return "rename";
    case fs_op::fsync_dir: return "directory fsync";
    case fs_op::unlink: return "unlink";
    default: return "fs_op " + std::to_string(static_cast<int>(op));
  }
}

TEST_CASE("a file-store writer killed at random moments leaves its last acknowledged or in-flight value",
          "[integration][crash][slow]") {
  const auto seed = seed_for_run();
  INFO("replay with SECURESTORE_CRASH_SEED=" << seed);
  std::mt19937 rng{seed};
  const temp_dir dir;
  const auto service = unique_service_name("crash");
  const auto options = options_in(dir);
  const std::string key = "overwritten";
  long acked = 1;
  REQUIRE(file_store{service, options}.set(key, sequenced_value(acked)));  // "never absent once written"

  const int kills = kills_for_run();
  int mid_write = 0;
  int temp_files_left_by_kills = 0;
  int lost = 0;
  std::vector<std::string> failures;
  for (int i = 0; i < kills && failures.size() < 5; ++i) {
    const auto at = write_until_killed({SECURESTORE_CRASH_WRITER_CHILD, "file", options.fallback_dir.native(),
                                        options.root_secret_path.native(), service, key, std::to_string(acked + 1)},
                                       acked + 1, std::chrono::milliseconds{20}, rng);
    if (!at.killed) {
      failures.push_back("kill " + std::to_string(i) + ": the child ended before the kill (see its stderr)");
      break;
    }
    mid_write += at.writing > at.acked ? 1 : 0;
    file_store check{service, options};  // a fresh store, as after a restart: its first write sweeps leftovers
    auto got = check.get(key);
    const auto seq = got ? sequence_of(got.value().reveal()) : std::nullopt;
    if (!got || !seq || (*seq != at.acked && *seq != at.writing)) {
      ++lost;
      failures.push_back("kill " + std::to_string(i) + ": acked " + std::to_string(at.acked) + ", writing " +
                         std::to_string(at.writing) + ", read " +
                         (got ? (seq ? std::to_string(*seq) : std::string{"a value that is not whole"})
                              : got.error().message()));
    }
    temp_files_left_by_kills += temp_files_in(entries_of(dir, service));

    acked = std::max(at.acked, at.writing) + 1;
    REQUIRE(check.set(key, sequenced_value(acked)));
    if (temp_files_in(entries_of(dir, service)) != 0) {
      failures.push_back("kill " + std::to_string(i) + ": a temp file survived the next successful write");
    }
    if (auto again = check.get(key); !again || sequence_of(again.value().reveal()) != acked) {
      failures.push_back("kill " + std::to_string(i) + ": the write after the kill does not read back");
    }
  }
  for (const auto& f : failures) UNSCOPED_INFO(f);
  CHECK(failures.empty());
  // The kills must have hit writes, or the test proved nothing.
  CHECK(mid_write > 0);
  record_figure("crash consistency (SIGKILL)", "file store: kills survived", failures.empty() ? kills : 0);
  record_figure("crash consistency (SIGKILL)", "file store: kills during an unacknowledged write", mid_write);
  record_figure("crash consistency (SIGKILL)", "file store: temp files left by kills (swept by the next write)",
                temp_files_left_by_kills);
  record_figure("crash consistency (SIGKILL)", "file store: acknowledged values lost", lost);
}

// Every call of `op` in one write, one at a time: the fault fires on the (skip+1)-th call.
TEST_CASE("a write whose fsync, rename or directory fsync fails at any step leaves the previous value readable",
          "[integration][crash]") {
  const auto op = GENERATE(fs_op::write, fs_op::fsync, fs_op::rename, fs_op::fsync_dir);
  const temp_dir dir;
  faulty_fs fs;
  const auto options = options_in(dir);
  REQUIRE(faulty_file_store("svc", options, {}, {}, fs).set("key", "previous-value"));
  int steps = 0;
  for (int skip = 0;; ++skip) {
    faulty_file_store store{"svc", options, {}, {}, fs};  // a fresh store each time, as after a restart
    const int fired_before = fs.faults_fired();
    fs.fail_next(op, EIO, skip);
    auto written = store.set("key", "next-value");
    if (fs.faults_fired() == fired_before) {
      fs.fail_next(op, 0, 0);  // replaces the unfired fault with one that injects nothing (errno 0)
      REQUIRE(written);
      break;
    }
    ++steps;
    INFO(fs_op_name(op) << " failing at call " << skip + 1);
    auto got = store.get("key");
    REQUIRE(got);  // readable, never corrupt, never absent
    if (written) {
      CHECK(got.value() == std::string_view{"next-value"});
    } else {
      CHECK(written.error().code() == errc::unavailable);  // EIO, from the taxonomy
      // Before the rename the previous value stays; after it (a failed directory fsync) the new
      // one is in place and the error says so.
      if (op == fs_op::fsync_dir) {
        CHECK((got.value() == std::string_view{"previous-value"} || got.value() == std::string_view{"next-value"}));
      } else {
        CHECK(got.value() == std::string_view{"previous-value"});
      }
    }
    CHECK(temp_files_in(entries_of(dir)) == 0);
    REQUIRE(store.set("key", "previous-value"));
  }
  CHECK(steps > 0);
  record_figure("crash consistency (faulty fs)", "file store: calls of " + fs_op_name(op) + " failed in one write",
                steps);
}

// The keyring write that must remove the file, with that removal failing (and then the rewrite
// of the file that replaces it failing too, at each step): the keyring holds the new value, and
// whatever the file keeps, a later read never returns a value older than the file's.
TEST_CASE("a keyring write whose file removal fails at any step never lets an older value come back",
          "[integration][crash]") {
  struct fault_pair {
    fs_op removal;
    std::optional<fs_op> rewrite;
  };
  const auto faults = GENERATE(values<fault_pair>({{fs_op::unlink, std::nullopt},
                                                   {fs_op::unlink, fs_op::write},
                                                   {fs_op::unlink, fs_op::fsync},
                                                   {fs_op::unlink, fs_op::rename},
                                                   {fs_op::unlink, fs_op::fsync_dir},
                                                   {fs_op::fsync_dir, std::nullopt},
                                                   {fs_op::fsync_dir, fs_op::rename}}));
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("key", "older-keyring-value"));
  rig.keyring.fail_with(errc::unavailable);  // an outage: the next write goes to the file
  rig.clock.advance(std::chrono::minutes{2});
  REQUIRE(store.set("key", "file-value"));
  REQUIRE(store.locate("key").value() == location::file);
  rig.keyring.heal();
  rig.clock.advance(std::chrono::minutes{2});

  const int fired_before = rig.fs.faults_fired();
  rig.fs.fail_next(faults.removal, EIO);
  if (faults.rewrite) rig.fs.fail_next(*faults.rewrite, EIO);
  auto written = store.set("key", "newest-value");
  CHECK(rig.fs.faults_fired() - fired_before == (faults.rewrite ? 2 : 1));  // each fault was reached
  INFO("removal failing at " << fs_op_name(faults.removal));
  auto got = store.get("key");
  REQUIRE(got);
  if (written) {
    CHECK(got.value() == std::string_view{"newest-value"});
  } else {
    CHECK(written.error().code() == errc::unavailable);
    CHECK((got.value() == std::string_view{"file-value"} || got.value() == std::string_view{"newest-value"}));
  }
  CHECK(temp_files_in(rig.dir / "entries" / "svc") == 0);
  record_figure("crash consistency (faulty fs)",
                "keyring store: removal fails at " + fs_op_name(faults.removal) +
                    (faults.rewrite ? ", rewrite at " + fs_op_name(*faults.rewrite) : std::string{}),
                "no older value came back");
}

}  // namespace
}  // namespace securestore::test

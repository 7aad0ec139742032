// Tests of the store's shortcut for keyring entries: while the fallback directory's timestamps
// prove it unchanged, "no file for this key" costs one stat, so a read opens nothing and a keyring
// write (still under the lock) neither unlinks nor sweeps. The shortcut must never hide a file
// another writer made, never skip a crash leftover, and never change what a failure leaves. The
// directory must have been left alone for 2 s before its stamp proves anything, so these sleep.
#include <securestore/basic_secure_store.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <securestore/fs/posix/directory_stamp.hpp>

#include "support/names.hpp"
#include "support/stores.hpp"

using namespace std::chrono_literals;
using securestore::fs_op;
using securestore::location;
using securestore::test::faulty_file_store;
using securestore::test::memory_rig;
using securestore::test::options_in;

namespace {

// Past the 2 s a directory's stamp needs to settle (fs/posix/directory_stamp.hpp).
void let_directory_settle() { std::this_thread::sleep_for(2100ms); }

// A second writer on the same directory that can only write files (a process whose keyring is down).
faulty_file_store file_writer(const memory_rig& rig) { return faulty_file_store{"svc", options_in(rig.dir), {}, {}, rig.fs, rig.clock}; }

bool local_timestamps(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool local = fd >= 0 && securestore::detail::has_local_timestamps(fd);
  if (fd >= 0) ::close(fd);
  return local;
}

}  // namespace

TEST_CASE("a settled directory lets a keyring write skip the file removal, and only then", "[store][stamp]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("first", "one"));  // makes the directory and leaves the keyring marker
  if (!local_timestamps(securestore::test::entries_of(rig.dir))) {
    WARN("the temp directory is not on a local file system with timestamps: the shortcut is off here");
    return;
  }
  // Not settled yet: the write unlinks the key's (absent) file, so a failing unlink is reached.
  rig.fs.fail_next(fs_op::unlink, EIO, 0);
  (void)store.set("early", "v");
  CHECK(rig.fs.faults_fired() == 1);
  let_directory_settle();
  // Settled: the stamp proves there is no file, so neither set nor remove unlinks anything ...
  rig.fs.fail_next(fs_op::unlink, EIO, 0);
  REQUIRE(store.set("late", "v"));
  CHECK(store.get("late").value() == "v");
  REQUIRE(store.remove("late").value());
  CHECK(store.get("late").error().code() == securestore::errc::not_found);
  CHECK(rig.keyring.entries().count({"svc", "late"}) == 0);
  CHECK(rig.fs.faults_fired() == 1);  // the unlink failure is still pending
}

TEST_CASE("with the shortcut, a write that cannot take the lock changes nothing", "[store][stamp]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("first", "one"));
  let_directory_settle();
  rig.fs.fail_next(fs_op::lock, EIO, 0);
  CHECK_FALSE(store.set("key", "v"));
  CHECK(rig.keyring.entries().count({"svc", "key"}) == 0);
  rig.fs.fail_next(fs_op::lock, EIO, 0);
  CHECK_FALSE(store.remove("first"));
  CHECK(store.get("first").value() == "one");
}

TEST_CASE("a file another writer made after the directory settled is read, never proven absent", "[store][stamp]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("first", "one"));
  let_directory_settle();
  CHECK(store.get("written-later").error().code() == securestore::errc::not_found);  // the snapshot is taken
  auto other = file_writer(rig);
  REQUIRE(other.set("written-later", "from the file"));
  // Right after the change (stamp not settled) and once the changed stamp settled (a new snapshot).
  CHECK(store.get("written-later").value() == "from the file");
  REQUIRE(other.set("written-later-2", "also from the file"));
  let_directory_settle();
  CHECK(store.get("written-later-2").value() == "also from the file");
}

TEST_CASE("a crash leftover in the directory sends a keyring write to the locked path that sweeps it", "[store][stamp]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("first", "one"));  // the store's first lock already swept the directory
  const auto leftover = securestore::test::entries_of(rig.dir) / ".key.enc.tmp.0123456789abcdef";
  std::ofstream{leftover} << "a half-written value";
  let_directory_settle();
  REQUIRE(store.set("key", "v"));
  CHECK_FALSE(std::filesystem::exists(leftover));
}

TEST_CASE("a file written while a keyring write is in flight never outlives it: the stores agree after",
          "[store][stamp]") {
  memory_rig rig;
  auto store = rig.make();
  REQUIRE(store.set("first", "one"));
  let_directory_settle();
  rig.keyring.hang_for(400ms);  // the keyring write is slow (below the keyring's 2 s timeout)
  std::thread racing_writer{[&] {
    std::this_thread::sleep_for(100ms);
    auto other = file_writer(rig);
    REQUIRE(other.set("key", "from the file"));  // waits for the lock the keyring write holds
  }};
  REQUIRE(store.set("key", "from the keyring"));
  racing_writer.join();
  rig.keyring.heal();
  // The file write came after the keyring write (the lock ordered them), so it holds the newest
  // value, and a read says so and moves it into the keyring: one value through every path.
  CHECK(store.get("key").value() == "from the file");
  CHECK(store.locate("key").value() == location::keyring);
  CHECK_FALSE(std::filesystem::exists(rig.file_of("key")));
  CHECK(rig.keyring.entries().at({"svc", "key"}) == "from the file");
}

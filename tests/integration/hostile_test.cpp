// Hostile files: what another user, a careless script or an attacker can plant in or around a file
// store (foreign owners, loose modes, symlinks at the entry, lock, temp and root-key names, FIFOs,
// directories where files go, a 2 GiB file, files changed between the check and the read). Each
// case stores a value first, then makes the change, and asserts the code from the taxonomy, a
// message that says what to do, that nothing outside the store was read or written, and that the
// held value is still there once the change is undone (or was never touched).
#include <securestore/file_store.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

#include "support/hostile.hpp"
#include "support/stores.hpp"

namespace fs = std::filesystem;
using securestore::errc;
using securestore::file_store;
using securestore::test::entries_of;
using securestore::test::held_value;
using securestore::test::options_in;
using securestore::test::outcome;
using securestore::test::record_hostile_case;
using securestore::test::temp_dir;

namespace {

// A directory with a store of service "svc" holding held_value under "api".
struct held_store {
  temp_dir dir;
  fs::path entries = entries_of(dir);
  fs::path api = entries / "api.enc";
  held_store() {
    file_store store{"svc", options_in(dir)};
    REQUIRE(store.set("api", held_value));
  }
  // A fresh store each time: nothing cached from before the hostile change.
  [[nodiscard]] file_store open() const { return file_store{"svc", options_in(dir)}; }
  void require_held() const {
    auto got = open().get("api");
    REQUIRE(got);
    REQUIRE(got.value() == held_value);
  }
};

std::string contents(const fs::path& file) {
  std::ifstream in{file, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

// A file outside the store that a planted symlink points at: it must be neither read nor changed.
struct victim {
  fs::path path;
  static constexpr std::string_view text = "not the store's: someone else's file";
  explicit victim(const temp_dir& dir) : path{dir / "victim.txt"} { std::ofstream{path} << text; }
  void require_untouched() const { REQUIRE(contents(path) == text); }
};

}  // namespace

TEST_CASE("hostile: the store directory owned by another user", "[hostile]") {
  if (!securestore::test::can_act_as_root("chown to another user")) return;
  held_store s;
  REQUIRE(::chown(s.entries.c_str(), securestore::test::nobody, securestore::test::nobody) == 0);
  require_refusal(outcome::of(s.open().get("api")), errc::denied, "choose a fallback_dir whose every directory is yours");
  require_refusal(outcome::of(s.open().set("api", "new")), errc::denied, "belongs to another user");
  REQUIRE(::chown(s.entries.c_str(), 0, 0) == 0);
  s.require_held();
  record_hostile_case("store directory owned by another user");
}

TEST_CASE("hostile: an entry file owned by another user", "[hostile]") {
  if (!securestore::test::can_act_as_root("chown to another user")) return;
  held_store s;
  REQUIRE(::chown(s.api.c_str(), securestore::test::nobody, securestore::test::nobody) == 0);
  require_refusal(outcome::of(s.open().get("api")), errc::denied, "delete it");
  REQUIRE(::chown(s.api.c_str(), 0, 0) == 0);
  s.require_held();
  record_hostile_case("entry file owned by another user");
}

TEST_CASE("hostile: the root key owned by another user", "[hostile]") {
  if (!securestore::test::can_act_as_root("chown to another user")) return;
  held_store s;
  const auto root_key = s.dir / "root.key";
  REQUIRE(::chown(root_key.c_str(), securestore::test::nobody, securestore::test::nobody) == 0);
  require_refusal(outcome::of(s.open().get("api")), errc::denied, "belongs to another user");
  require_refusal(outcome::of(s.open().set("other", "x")), errc::denied, "delete it");
  REQUIRE(::chown(root_key.c_str(), 0, 0) == 0);
  s.require_held();
  record_hostile_case("root key owned by another user");
}

TEST_CASE("hostile: a group-writable directory above the store", "[hostile]") {
  held_store s;
  const auto above = s.dir / "entries";
  ::chmod(above.c_str(), 0770);
  require_refusal(outcome::of(s.open().get("api")), errc::denied, "chmod go-w");
  ::chmod(above.c_str(), 0700);
  s.require_held();
  record_hostile_case("group-writable directory above the store");
}

TEST_CASE("hostile: a world-writable entry file", "[hostile]") {
  held_store s;
  ::chmod(s.api.c_str(), 0666);
  require_refusal(outcome::of(s.open().get("api")), errc::denied, "chmod 600");
  ::chmod(s.api.c_str(), 0600);
  s.require_held();
  record_hostile_case("world-writable entry file");
}

TEST_CASE("hostile: a symlink planted at an entry file", "[hostile]") {
  held_store s;
  victim v{s.dir};
  fs::create_symlink(v.path, s.entries / "other.enc");
  require_refusal(outcome::of(s.open().get("other")), errc::denied, "a symlink stands where securestore keeps its files");
  // A write replaces the link itself, never what it points at.
  REQUIRE(s.open().set("other", "mine"));
  REQUIRE_FALSE(fs::is_symlink(s.entries / "other.enc"));
  v.require_untouched();
  s.require_held();
  record_hostile_case("symlink at an entry file");
}

TEST_CASE("hostile: a symlink planted at the root key", "[hostile]") {
  held_store s;
  const auto root_key = s.dir / "root.key";
  fs::rename(root_key, s.dir / "root.key.saved");
  victim v{s.dir};
  fs::create_symlink(v.path, root_key);
  require_refusal(outcome::of(s.open().get("api")), errc::denied, "remove it");
  v.require_untouched();
  fs::remove(root_key);
  fs::rename(s.dir / "root.key.saved", root_key);
  s.require_held();
  record_hostile_case("symlink at the root key");
}

TEST_CASE("hostile: a symlink planted at the lock file", "[hostile]") {
  held_store s;
  const auto target = s.dir / "created-by-the-store";
  fs::remove(s.entries / ".lock");
  fs::create_symlink(target, s.entries / ".lock");
  require_refusal(outcome::of(s.open().set("api", "new")), errc::denied, "remove it");
  REQUIRE_FALSE(fs::exists(target));  // the lock was not created through the link
  s.require_held();
  record_hostile_case("symlink at the lock file");
}

TEST_CASE("hostile: a symlink planted at a temporary file's name", "[hostile]") {
  held_store s;
  victim v{s.dir};
  // An old leftover-looking name, so the sweep under the lock removes it: the link, not its target.
  const auto planted = s.entries / ".api.enc.tmp.0123456789abcdef";
  fs::create_symlink(v.path, planted);
  const timespec old[2] = {{0, 0}, {0, 0}};
  REQUIRE(::utimensat(AT_FDCWD, planted.c_str(), old, AT_SYMLINK_NOFOLLOW) == 0);
  REQUIRE(s.open().set("other", "x"));
  REQUIRE_FALSE(fs::is_symlink(planted));
  v.require_untouched();
  s.require_held();
  record_hostile_case("symlink at a temporary file name");
}

TEST_CASE("hostile: a FIFO where an entry file should be", "[hostile]") {
  held_store s;
  REQUIRE(::mkfifo((s.entries / "other.enc").c_str(), 0600) == 0);
  const auto start = std::chrono::steady_clock::now();
  require_refusal(outcome::of(s.open().get("other")), errc::corrupt, "remove it");
  REQUIRE(std::chrono::steady_clock::now() - start < std::chrono::seconds{2});  // never blocks on the pipe
  s.require_held();
  record_hostile_case("FIFO at an entry file");
}

TEST_CASE("hostile: a FIFO where the lock file should be", "[hostile]") {
  held_store s;
  fs::remove(s.entries / ".lock");
  REQUIRE(::mkfifo((s.entries / ".lock").c_str(), 0600) == 0);
  require_refusal(outcome::of(s.open().set("api", "new")), errc::corrupt, "remove it");
  s.require_held();
  record_hostile_case("FIFO at the lock file");
}

TEST_CASE("hostile: a directory where an entry file is written", "[hostile]") {
  held_store s;
  fs::create_directories(s.entries / "other.enc" / "inside");
  require_refusal(outcome::of(s.open().set("other", "x")), errc::corrupt, "remove it");
  for (const auto& e : fs::directory_iterator{s.entries}) {
    REQUIRE(e.path().filename().native().find(".tmp.") == std::string::npos);  // no temp file left
  }
  s.require_held();
  record_hostile_case("directory at an entry file");
}

TEST_CASE("hostile: a file where a store's directory should be", "[hostile]") {
  held_store s;
  std::ofstream{s.dir / "entries" / "other-service"} << "a file, not a directory";
  file_store other{"other-service", options_in(s.dir)};
  require_refusal(outcome::of(other.set("api", "x")), errc::corrupt, "remove it");
  s.require_held();
  record_hostile_case("file at a store directory");
}

TEST_CASE("hostile: a 2 GiB entry file is refused without being read", "[hostile]") {
  held_store s;
  const auto big = s.entries / "other.enc";
  {
    std::ofstream{big} << "";
  }
  ::chmod(big.c_str(), 0600);
  fs::resize_file(big, std::uintmax_t{2} << 30U);  // sparse: no disk used
  const auto start = std::chrono::steady_clock::now();
  require_refusal(outcome::of(s.open().get("other")), errc::corrupt, "too large to be an entry");
  REQUIRE(std::chrono::steady_clock::now() - start < std::chrono::seconds{1});
  s.require_held();
  record_hostile_case("2 GiB entry file");
}

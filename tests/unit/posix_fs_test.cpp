// Tests of fs/posix.hpp through faulty_fs and a file store: a failed write of any syscall keeps the
// old value and leaves no temp file; reads refuse symlinks and files other users can touch.
#include <securestore/fs/posix.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "support/names.hpp"
#include "support/stores.hpp"

using securestore::errc;
using securestore::fs_op;

namespace {

// Names in the entries directory other than entries and the lock file: temp files.
std::vector<std::string> stray_files(const std::filesystem::path& dir) {
  std::vector<std::string> stray;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (!name.ends_with(".enc") && name != ".lock") stray.push_back(name);
  }
  return stray;
}

bool is_taxonomy_code(errc c) { return c >= errc::unavailable && c <= errc::invalid_argument; }

}  // namespace

TEST_CASE("a failure of any syscall of the atomic write keeps the old value and leaves no temp file", "[fs][faults]") {
  securestore::test::temp_dir dir;
  securestore::faulty_fs fs;
  securestore::test::faulty_file_store store{"svc", securestore::test::options_in(dir), {}, {}, fs};
  REQUIRE(store.set("api", "old-value"));

  const auto op = GENERATE(fs_op::open, fs_op::write, fs_op::fsync, fs_op::rename);
  const int err = GENERATE(ENOSPC, EIO, EACCES);
  fs.fail_next(op, err);
  auto stored = store.set("api", "new-value");

  INFO("op " << static_cast<int>(op) << " errno " << err);
  REQUIRE(fs.faults_fired() == 1);
  REQUIRE_FALSE(stored);
  CHECK(is_taxonomy_code(stored.error().code()));
  CHECK(stored.error().code() == (err == EACCES ? errc::denied : errc::unavailable));
  CHECK(stored.error().message().find("new-value") == std::string::npos);
  CHECK(store.get("api").value() == std::string_view{"old-value"});
  CHECK(stray_files(securestore::test::entries_of(dir)).empty());
}

TEST_CASE("a failed directory fsync is reported, and the entry then holds a whole value", "[fs][faults]") {
  securestore::test::temp_dir dir;
  securestore::faulty_fs fs;
  securestore::test::faulty_file_store store{"svc", securestore::test::options_in(dir), {}, {}, fs};
  REQUIRE(store.set("api", "old-value"));
  fs.fail_next(fs_op::fsync_dir, EIO);
  auto stored = store.set("api", "new-value");
  REQUIRE_FALSE(stored);
  CHECK(stored.error().code() == errc::unavailable);
  // The rename happened, so the new value is visible but its durability was not confirmed.
  CHECK(store.get("api").value() == std::string_view{"new-value"});
  CHECK(stray_files(securestore::test::entries_of(dir)).empty());
}

TEST_CASE("read failures map onto the taxonomy and never lose the entry", "[fs][faults]") {
  securestore::test::temp_dir dir;
  securestore::faulty_fs fs;
  securestore::test::faulty_file_store store{"svc", securestore::test::options_in(dir), {}, {}, fs};
  REQUIRE(store.set("api", "value"));
  const auto op = GENERATE(fs_op::open, fs_op::stat, fs_op::read);
  const int err = GENERATE(EACCES, EIO);
  fs.fail_next(op, err);
  auto got = store.get("api");
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == (err == EACCES ? errc::denied : errc::unavailable));
  CHECK(store.get("api").value() == std::string_view{"value"});
}

TEST_CASE("a failed remove or list is reported, not swallowed", "[fs][faults]") {
  securestore::test::temp_dir dir;
  securestore::faulty_fs fs;
  securestore::test::faulty_file_store store{"svc", securestore::test::options_in(dir), {}, {}, fs};
  REQUIRE(store.set("api", "value"));
  SECTION("remove") {
    fs.fail_next(fs_op::unlink, EACCES);
    CHECK(store.remove("api").error().code() == errc::denied);
    CHECK(store.get("api").value() == std::string_view{"value"});
  }
  SECTION("list") {
    fs.fail_next(fs_op::list, EIO);
    CHECK(store.list().error().code() == errc::unavailable);
  }
  SECTION("the lock") {
    fs.fail_next(fs_op::lock, EACCES);
    CHECK(store.set("api", "other").error().code() == errc::denied);
    CHECK(store.get("api").value() == std::string_view{"value"});
  }
}

TEST_CASE("files and the directory are created owner-only", "[fs][permissions]") {
  securestore::test::temp_dir dir;
  securestore::file_store store{"svc", securestore::test::options_in(dir)};
  REQUIRE(store.set("api", "value"));
  struct stat st {};
  REQUIRE(::stat((dir / "entries").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  REQUIRE(::stat(securestore::test::entries_of(dir).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  REQUIRE(::stat((securestore::test::entries_of(dir) / "api.enc").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((dir / "root.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(std::filesystem::file_size(dir / "root.key") == 32);
}

TEST_CASE("reads refuse a symlink and a file other users can read or write", "[fs][permissions]") {
  securestore::test::temp_dir dir;
  securestore::file_store store{"svc", securestore::test::options_in(dir)};
  REQUIRE(store.set("api", "value"));
  REQUIRE(store.set("other", "value-2"));
  const auto entry = securestore::test::entries_of(dir) / "api.enc";

  SECTION("group- or world-readable") {
    std::filesystem::permissions(entry, std::filesystem::perms::group_read, std::filesystem::perm_options::add);
    auto got = store.get("api");
    REQUIRE_FALSE(got);
    CHECK(got.error().code() == errc::denied);
    CHECK(got.error().message().find("chmod 600") != std::string::npos);
  }
  SECTION("a symlink to another entry") {
    std::filesystem::remove(entry);
    std::filesystem::create_symlink(securestore::test::entries_of(dir) / "other.enc", entry);
    CHECK(store.get("api").error().code() == errc::denied);
  }
  SECTION("a directory where the entry should be") {
    std::filesystem::remove(entry);
    std::filesystem::create_directory(entry);
    CHECK(store.get("api").error().code() == errc::corrupt);
    CHECK(store.get("api").error().message().find("a directory, not a regular file") != std::string::npos);
  }
  SECTION("a FIFO where the entry should be, named as one") {
    std::filesystem::remove(entry);
    REQUIRE(::mkfifo(entry.c_str(), 0600) == 0);
    auto got = store.get("api");
    REQUIRE_FALSE(got);
    CHECK(got.error().code() == errc::corrupt);
    CHECK(got.error().message().find("a FIFO, not a regular file") != std::string::npos);
    CHECK(got.error().message().find("Is a directory") == std::string::npos);
  }
}

TEST_CASE("a fallback directory that others can enter is tightened to 0700", "[fs][permissions]") {
  securestore::test::temp_dir dir;
  std::filesystem::create_directories(securestore::test::entries_of(dir));
  using std::filesystem::perms;
  std::filesystem::permissions(securestore::test::entries_of(dir), perms::owner_all | perms::group_read |
                                                                       perms::group_exec | perms::others_read |
                                                                       perms::others_exec);
  securestore::file_store store{"svc", securestore::test::options_in(dir)};
  REQUIRE(store.set("api", "value"));
  CHECK((std::filesystem::status(securestore::test::entries_of(dir)).permissions() & std::filesystem::perms::all) ==
        std::filesystem::perms::owner_all);
}

TEST_CASE("a store directory that others could write is refused, not tightened: they may have hidden entries",
          "[fs][permissions]") {
  securestore::test::temp_dir dir;
  const auto entries = securestore::test::entries_of(dir);
  {
    securestore::file_store store{"svc", securestore::test::options_in(dir)};
    REQUIRE(store.set("api", "value"));
  }
  const auto mode =
      GENERATE(std::filesystem::perms::all, std::filesystem::perms::owner_all | std::filesystem::perms::group_all);
  std::filesystem::permissions(entries, mode);
  securestore::file_store store{"svc", securestore::test::options_in(dir)};
  auto got = store.get("api");
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == errc::denied);
  CHECK(got.error().message().find(entries.native()) != std::string::npos);
  CHECK(got.error().message().find("chmod go-w") != std::string::npos);
  CHECK(store.set("api", "other").error().code() == errc::denied);
  CHECK((std::filesystem::status(entries).permissions() & std::filesystem::perms::all) == mode);
}

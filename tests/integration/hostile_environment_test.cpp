// Hostile environments: a file changed between the store's check and its read, a read-only file
// system, a full disk, a directory without permission, the open-file limit exhausted, no home
// directory, a relative XDG_DATA_HOME, and a Secret Service that sends malformed replies. Each case
// asserts the code, a message that says what to do, and that a value held before is still there.
#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/detail/platform.hpp>
#include <securestore/file_store.hpp>
#include <securestore/fs/posix.hpp>
#include <securestore/keyring/null.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#if SECURESTORE_WITH_SECRET_SERVICE
#include <securestore/keyring/secret_service/client.hpp>
#endif

#include "support/hostile.hpp"
#include "support/stores.hpp"

namespace fs = std::filesystem;
using securestore::errc;
using securestore::file_store;
using securestore::test::held_value;
using securestore::test::in_child;
using securestore::test::options_under;
using securestore::test::outcome;
using securestore::test::record_hostile_case;
using securestore::test::temp_dir;

namespace {

// "ok" when `store` reads held_value under "api", else what it said.
std::string held_in(file_store& store) {
  auto got = store.get("api");
  if (got && got.value() == held_value) return "ok";
  return got ? "another value" : got.error().message();
}

// A fault hook that runs `action` once, just before the store's read(2) of an entry: after the
// file was opened and checked (fstat), the moment an attacker would aim for.
struct tamper_before_read {
  std::shared_ptr<std::function<void()>> action = std::make_shared<std::function<void()>>();
  int take(securestore::fs_op op) {
    if (op == securestore::fs_op::read && *action) std::exchange(*action, nullptr)();
    return 0;
  }
};
using tampered_store = securestore::basic_secure_store<securestore::null_keyring, securestore::aes_gcm_cipher,
                                                       securestore::basic_posix_fs<tamper_before_read>>;

struct tamper_rig {
  temp_dir dir;
  fs::path api = dir / "entries" / "svc" / "api.enc";
  tamper_before_read hook;
  tamper_rig() {
    file_store store{"svc", options_under(dir.path())};
    REQUIRE(store.set("api", held_value));
    REQUIRE(store.set("other", "the other key's value"));
  }
  outcome get_with(std::function<void()> action) {
    *hook.action = std::move(action);
    tampered_store store{"svc", options_under(dir.path()), {}, {}, securestore::basic_posix_fs{hook}};
    auto got = store.get("api");
    if (got && got.value() != held_value) return {false, errc::corrupt, "another value was returned"};
    return outcome::of(got);
  }
};

}  // namespace

TEST_CASE("hostile: an entry replaced between the check and the read", "[hostile]") {
  tamper_rig rig;
  // The store reads the file it opened and checked, never the one renamed over it.
  const auto got = rig.get_with([&] { fs::rename(rig.api.parent_path() / "other.enc", rig.api); });
  REQUIRE(got.ok);
  record_hostile_case("entry replaced between check and read");
}

TEST_CASE("hostile: an entry that grows between the check and the read", "[hostile]") {
  tamper_rig rig;
  // Only the size checked is read: bytes appended later cannot make the read unbounded.
  const auto got = rig.get_with([&] { std::ofstream{rig.api, std::ios::app} << std::string(1 << 20, 'x'); });
  REQUIRE(got.ok);
  record_hostile_case("entry grown between check and read");
}

TEST_CASE("hostile: an entry truncated between the check and the read", "[hostile]") {
  tamper_rig rig;
  const auto saved = fs::temp_directory_path() / rig.dir.path().filename().concat(".saved");
  fs::copy_file(rig.api, saved);
  const auto got = rig.get_with([&] { fs::resize_file(rig.api, 10); });
  require_refusal(got, errc::corrupt, "store it again");
  fs::copy_file(saved, rig.api, fs::copy_options::overwrite_existing);  // the store changed nothing
  fs::remove(saved);
  file_store store{"svc", options_under(rig.dir.path())};
  REQUIRE(held_in(store) == "ok");
  record_hostile_case("entry truncated between check and read");
}

TEST_CASE("hostile: a read-only file system", "[hostile]") {
  if (!securestore::test::can_act_as_root("mount a tmpfs")) return;
  temp_dir dir;
  securestore::test::tmpfs_mount mnt{dir, 1024};
  file_store store{"svc", options_under(mnt.path())};
  REQUIRE(store.set("api", held_value));
  mnt.set_read_only(true);
  file_store after{"svc", options_under(mnt.path())};
  require_refusal(outcome::of(after.set("api", "new")), errc::denied, "read-only");
  REQUIRE(held_in(after) == "ok");
  record_hostile_case("read-only file system");
}

TEST_CASE("hostile: a full disk", "[hostile]") {
  if (!securestore::test::can_act_as_root("mount a size-limited tmpfs")) return;
  temp_dir dir;
  securestore::test::tmpfs_mount mnt{dir, 256};
  file_store store{"svc", options_under(mnt.path())};
  REQUIRE(store.set("api", held_value));
  {  // fill every block
    std::ofstream filler{mnt.path() / "filler", std::ios::binary};
    const std::string block(4096, 'f');
    while (filler.write(block.data(), static_cast<std::streamsize>(block.size())) && filler.flush()) {
    }
  }
  require_refusal(outcome::of(store.set("api", std::string(16384, 'n'))), errc::unavailable, "free some disk space");
  for (const auto& e : fs::directory_iterator{mnt.path() / "entries" / "svc"}) {
    REQUIRE(e.path().filename().native().find(".tmp.") == std::string::npos);  // no temp file left
  }
  REQUIRE(held_in(store) == "ok");
  record_hostile_case("full disk");
}

TEST_CASE("hostile: no permission to the store directory", "[hostile]") {
  // Root ignores modes: the case runs as nobody (when root) in a directory nobody owns.
  const bool root = ::geteuid() == 0;
  char pattern[] = "/tmp/securestore-hostile-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const fs::path base{pattern};
  if (root) REQUIRE(::chown(pattern, securestore::test::nobody, securestore::test::nobody) == 0);
  const auto report = in_child(
      [&] {
        file_store store{"svc", options_under(base)};
        if (!store.set("api", held_value)) return std::string{"setup failed"};
        const auto dir = base / "entries" / "svc";
        ::chmod(dir.c_str(), 0);
        const auto refused = outcome::of(file_store{"svc", options_under(base)}.get("api")).encode();
        ::chmod(dir.c_str(), 0700);
        file_store again{"svc", options_under(base)};
        return held_in(again) + "\n" + refused;
      },
      root ? std::optional<uid_t>{securestore::test::nobody} : std::nullopt);
  fs::remove_all(base);
  REQUIRE(report.substr(0, 3) == "ok\n");
  require_refusal(outcome::decode(report.substr(3)), errc::denied, "check the owner and permissions");
  record_hostile_case("no permission to the store directory");
}

TEST_CASE("hostile: the open-file limit exhausted", "[hostile]") {
  temp_dir dir;
  {
    file_store store{"svc", options_under(dir.path())};
    REQUIRE(store.set("api", held_value));
  }
  const auto report = in_child([&] {
    file_store store{"svc", options_under(dir.path())};
    rlimit saved{};
    ::getrlimit(RLIMIT_NOFILE, &saved);
    const int lowest_free = ::dup(0);  // every descriptor below it is in use
    ::close(lowest_free);
    rlimit exhausted = saved;
    exhausted.rlim_cur = static_cast<rlim_t>(lowest_free);
    ::setrlimit(RLIMIT_NOFILE, &exhausted);
    const auto refused = outcome::of(store.get("api")).encode();
    ::setrlimit(RLIMIT_NOFILE, &saved);
    return held_in(store) + "\n" + refused;
  });
  REQUIRE(report.substr(0, 3) == "ok\n");
  require_refusal(outcome::decode(report.substr(3)), errc::unavailable, "too many open files");
  record_hostile_case("open-file limit exhausted");
}

TEST_CASE("hostile: no home directory at all", "[hostile]") {
  if (!securestore::test::can_act_as_root("become a user without a passwd entry")) return;
  temp_dir dir;
  ::chmod(dir.path().c_str(), 0777);
  // A user with no passwd entry, no HOME and no XDG_DATA_HOME: the store must refuse, and not
  // fall back on the working directory.
  const auto report = in_child(
      [&] {
        ::unsetenv("HOME");
        ::unsetenv("XDG_DATA_HOME");
        if (::chdir(dir.path().c_str()) != 0) return std::string{"chdir failed"};
        file_store store{"svc", {}};
        return outcome::of(store.set("api", held_value)).encode();
      },
      uid_t{54321});
  require_refusal(outcome::decode(report), errc::unavailable, "set store_options.fallback_dir");
  REQUIRE(fs::is_empty(dir.path()));
  record_hostile_case("HOME unset");
}

TEST_CASE("hostile: a relative XDG_DATA_HOME", "[hostile]") {
  temp_dir dir;
  fs::create_directories(dir / "home");
  fs::create_directories(dir / "cwd");
  const auto report = in_child([&] {
    ::setenv("XDG_DATA_HOME", "relative/data", 1);
    ::setenv("HOME", (dir / "home").c_str(), 1);
    if (::chdir((dir / "cwd").c_str()) != 0) return std::string{"chdir failed"};
    auto home = securestore::detail::platform::data_home();
    return home ? home.value().native() : home.error().message();
  });
  // The XDG Base Directory spec: a relative path is invalid and ignored, never resolved against
  // the working directory.
  REQUIRE(report == (dir / "home" / ".local" / "share").native());
  REQUIRE(fs::is_empty(dir / "cwd"));
  if (!securestore::test::can_act_as_root("become a user without a passwd entry")) return;
  ::chmod(dir.path().c_str(), 0755);
  ::chmod((dir / "cwd").c_str(), 0777);
  const auto refused = in_child(
      [&] {
        ::setenv("XDG_DATA_HOME", "relative/data", 1);
        ::unsetenv("HOME");
        if (::chdir((dir / "cwd").c_str()) != 0) return std::string{"chdir failed"};
        file_store store{"svc", {}};
        return outcome::of(store.set("api", held_value)).encode();
      },
      uid_t{54321});
  require_refusal(outcome::decode(refused), errc::unavailable, "set store_options.fallback_dir");
  REQUIRE(fs::is_empty(dir / "cwd"));
  record_hostile_case("XDG_DATA_HOME relative");
}

#if SECURESTORE_WITH_SECRET_SERVICE
TEST_CASE("hostile: a Secret Service peer that sends malformed secrets", "[hostile]") {
  using namespace securestore::detail;
  const std::array<std::uint8_t, 16> key{};
  const ss_session_key session{"/s", {key.begin(), key.end()}};
  const auto reply = [&](std::span<const std::uint8_t> iv, std::span<const std::uint8_t> ciphertext) {
    return gvariant_ptr{g_variant_ref_sink(
        g_variant_new("(o@ay@ays)", "/s", g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, iv.data(), iv.size(), 1),
                      g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, ciphertext.data(), ciphertext.size(), 1),
                      "text/plain"))};
  };
  const std::array<std::uint8_t, 3> short_iv{1, 2, 3};
  const std::array<std::uint8_t, 16> block{};
  auto bad_iv = reply(short_iv, block);
  require_refusal(outcome::of(ss_decode_secret(session, bad_iv.get())), errc::unavailable, "retry");
  const auto empty = ss_seal(key, "");
  auto empty_value = reply(empty.iv, empty.ciphertext);
  require_refusal(outcome::of(ss_decode_secret(session, empty_value.get())), errc::corrupt, "store it again");
  const gvariant_ptr wrong_type{g_variant_ref_sink(g_variant_new("(s)", "not a secret"))};
  require_refusal(outcome::of(ss_decode_secret(session, wrong_type.get())), errc::unavailable, "retry");
  // A search reply of the right type with no paths finds nothing; its paths are object paths.
  const gvariant_ptr search{g_variant_ref_sink(g_variant_new("(@ao@ao)", g_variant_new_array(G_VARIANT_TYPE_OBJECT_PATH, nullptr, 0),
                                                             g_variant_new_array(G_VARIANT_TYPE_OBJECT_PATH, nullptr, 0)))};
  REQUIRE(ss_read_found(search.get()).unlocked.empty());
  // Attributes that are not ours (no schema, a bad hex name) are never taken for an item.
  const gvariant_ptr foreign{g_variant_ref_sink(g_variant_new("(v)", g_variant_new_boolean(TRUE)))};
  REQUIRE_FALSE(ss_names_in_reply(foreign.get()));
  record_hostile_case("malformed Secret Service replies");
}
#endif

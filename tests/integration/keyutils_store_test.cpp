// integration/keyutils_store_test.cpp: a store over the kernel keyring in the states a login
// meets: the user's real key quota (one value too big for it goes to the file, and the keyring
// stays on), and a fresh session keyring that does not link the user keyring (`keyctl session -`).
// Each case runs in a forked child (another uid, another session keyring) that reports each
// failed check through a pipe.
#include <securestore/keyring/keyutils.hpp>

#include <grp.h>
#include <keyutils.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>

#include "support/names.hpp"
#include "support/stores.hpp"
#include "support/temp_dir.hpp"

namespace securestore::test {
namespace {

using keyutils_store = basic_secure_store<keyutils_keyring, aes_gcm_cipher, posix_fs>;

// Runs `body` in a forked child; returns what it reported (one line per failed check), or why
// the child did not finish. `body` writes its failures with the `fail` it is given.
std::string in_child(const std::function<void(const std::function<void(const std::string&)>&)>& body) {
  int report[2];
  REQUIRE(::pipe(report) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(report[0]);
    auto fail = [&](const std::string& what) {
      const std::string line = what + "\n";
      (void)!::write(report[1], line.data(), line.size());
    };
    body(fail);
    ::_exit(0);
  }
  ::close(report[1]);
  std::string out;
  char buffer[512];
  for (ssize_t n; (n = ::read(report[0], buffer, sizeof buffer)) != 0;) {
    if (n > 0) out.append(buffer, static_cast<std::size_t>(n));
    if (n < 0 && errno != EINTR) break;
  }
  ::close(report[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) out += "the child did not exit cleanly\n";
  return out;
}

std::size_t kernel_maxbytes() {
  std::size_t maxbytes = 0;
  std::ifstream{"/proc/sys/kernel/keys/maxbytes"} >> maxbytes;
  return maxbytes;
}

TEST_CASE("a value past the user's key quota goes to the file and the keyring stays on",
          "[integration][keyring][keyutils]") {
  const std::size_t maxbytes = kernel_maxbytes();
  if (maxbytes == 0 || maxbytes >= 32767) {
    WARN("skipped: kernel.keys.maxbytes must be below 32767 (a user key's largest value) to exceed it");
    return;
  }
  // The quota binds non-root users only: as root, the child runs as nobody in a directory of its own.
  const uid_t uid = ::getuid() == 0 ? 65534 : ::getuid();
  const gid_t gid = ::getuid() == 0 ? 65534 : ::getgid();
  const temp_dir dir;
  // The store checks every ancestor through a descriptor it opens: they must be readable.
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                               std::filesystem::perms::group_exec |
                                               std::filesystem::perms::others_read |
                                               std::filesystem::perms::others_exec);
  const auto home = dir / "home";
  std::filesystem::create_directory(home);
  REQUIRE(::chown(home.c_str(), uid, gid) == 0);
  std::filesystem::permissions(home, std::filesystem::perms::owner_all);
  const auto service = unique_service_name();
  const std::string big(maxbytes + 1, 'q');

  const auto failures = in_child([&](const auto& fail) {
    if (::getuid() == 0 &&
        (::setgroups(0, nullptr) != 0 || ::setresgid(gid, gid, gid) != 0 || ::setresuid(uid, uid, uid) != 0)) {
      return fail("cannot drop to uid 65534");
    }
    store_options options;
    options.fallback_dir = home / "entries";
    options.root_secret_path = home / "root.key";
    options.interaction = interaction::never;
    keyutils_store store{service, options};
    if (auto set = store.set("big", big); !set) return fail("set of the big value failed: " + set.error().message());
    if (auto where = store.locate("big"); !where || where.value() != location::file)
      fail("the big value is not in the file");
    if (!store.keyring_available()) fail("the keyring was turned off by one value it could not hold");
    if (!store.set("small", canary)) fail("set of the small value failed");
    if (auto where = store.locate("small"); !where || where.value() != location::keyring) {
      fail("the small value is not in the keyring");
    }
    if (auto got = store.get("big"); !got || !(got.value() == std::string_view{big})) fail("the big value is lost");
    (void)store.remove("small");
    (void)store.remove("big");

    options.fallback = fallback_policy::deny;
    keyutils_store strict{service, options};
    auto refused = strict.set("big", big);
    if (refused) {
      fail("under deny the big value was stored");
    } else {
      if (refused.error().code() != errc::invalid_argument)
        fail("under deny: not invalid_argument: " + refused.error().message());
      if (refused.error().message().find("maxbytes") == std::string::npos) fail("under deny: maxbytes not named");
    }
    if (!strict.keyring_available()) fail("under deny the keyring was turned off");
  });
  CHECK(failures == "");
}

TEST_CASE("a store over keyutils works in a fresh session keyring that does not link the user keyring",
          "[integration][keyring][keyutils]") {
  const temp_dir dir;
  const auto service = unique_service_name();
  const auto failures = in_child([&](const auto& fail) {
    // What `keyctl session -` does: a new anonymous session keyring, with nothing linked in it.
    if (::keyctl_join_session_keyring(nullptr) < 0) return fail("cannot join a new session keyring");
    keyutils_store store{service, options_in(dir)};
    if (!store.keyring_available()) return fail("the keyring is unavailable in a fresh session");
    if (auto set = store.set("api", canary); !set) return fail("set failed: " + set.error().message());
    if (auto where = store.locate("api"); !where || where.value() != location::keyring) {
      fail("the value is not in the keyring");
    }
    keyutils_keyring keyring;
    if (auto got = keyring.get(service, "api"); !got || !(got.value() == std::string_view{canary})) {
      fail("the keyring does not return the value");
    }
    if (auto names = keyring.list(service); !names || names.value() != std::vector<std::string>{"api"}) {
      fail("the keyring does not list the value");
    }
    if (auto removed = store.remove("api"); !removed || !removed.value()) fail("remove failed");
  });
  CHECK(failures == "");
}

}  // namespace
}  // namespace securestore::test

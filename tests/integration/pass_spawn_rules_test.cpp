// integration/pass_spawn_rules_test.cpp: pass_keyring and a store over it with a real pass store
// and gpg, in a hostile host: SIGCHLD ignored or reaped by the host, an empty PATH element with a
// planted `pass` and `gpg` in the current directory.
// Run inside scripts/with-pass-store.sh (GNUPGHOME and PASSWORD_STORE_DIR).
#include <securestore/keyring/pass.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <securestore/basic_secure_store.hpp>
#include <securestore/cipher/aead.hpp>
#include <securestore/fs/posix.hpp>

#include "contract/make_keyring.hpp"
#include "support/names.hpp"
#include "support/stores.hpp"
#include "support/temp_dir.hpp"

namespace securestore::test {
namespace {

using pass_store = basic_secure_store<pass_keyring, aes_gcm_cipher, posix_fs>;

// Writes an executable shell script.
void write_script(const std::filesystem::path& file, const std::string& body) {
  std::ofstream{file} << "#!/bin/sh\n" << body;
  std::filesystem::permissions(file, std::filesystem::perms::owner_all);
}

class scoped_sigchld {
 public:
  explicit scoped_sigchld(void (*handler)(int)) {
    struct sigaction wanted {};
    wanted.sa_handler = handler;
    sigemptyset(&wanted.sa_mask);
    wanted.sa_flags = SA_RESTART;
    ::sigaction(SIGCHLD, &wanted, &previous_);
  }
  ~scoped_sigchld() { ::sigaction(SIGCHLD, &previous_, nullptr); }
  scoped_sigchld(const scoped_sigchld&) = delete;
  scoped_sigchld& operator=(const scoped_sigchld&) = delete;

 private:
  struct sigaction previous_ {};
};

extern "C" void reap_all_children(int) {
  const int saved = errno;
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  errno = saved;
}

class scoped_cwd {
 public:
  explicit scoped_cwd(const std::filesystem::path& dir) : previous_{std::filesystem::current_path()} {
    std::filesystem::current_path(dir);
  }
  ~scoped_cwd() {
    std::error_code ignored;
    std::filesystem::current_path(previous_, ignored);
  }
  scoped_cwd(const scoped_cwd&) = delete;
  scoped_cwd& operator=(const scoped_cwd&) = delete;

 private:
  std::filesystem::path previous_;
};

TEST_CASE("a failed pass insert whose exit status is lost is not ok, and the file keeps the value",
          "[integration][pass]") {
  if (!pass_store_ready()) return;
  const temp_dir dir;
  // The real pass, except that storing a key named "doomed" fails (as when gpg cannot encrypt).
  const auto wrapper = dir / "pass-failing-doomed";
  write_script(wrapper, "for a; do case $a in *doomed*) exit 1;; esac; done\nexec pass \"$@\"\n");
  const pass_keyring::options keyring_options{.program = wrapper.native()};
  const auto service = unique_service_name();
  {
    pass_store first{service, options_in(dir), pass_keyring{keyring_options}};
    REQUIRE(first.set("doomed", "canary-first-5e1f"));  // the keyring refuses it: the file holds it
    REQUIRE(first.locate("doomed").value() == location::file);
  }
  auto handler = GENERATE(as<void (*)(int)>{}, SIG_IGN, reap_all_children);
  const scoped_sigchld host{handler};
  pass_store store{service, options_in(dir), pass_keyring{keyring_options}};
  REQUIRE(store.set("doomed", canary));
  auto got = store.get("doomed");
  REQUIRE(got);
  CHECK(got.value() == std::string_view{canary});
  CHECK(store.locate("doomed").value() == location::file);
  (void)store.remove("doomed");
}

TEST_CASE("an empty PATH element does not run a pass or gpg planted in the current directory", "[integration][pass]") {
  if (!pass_store_ready()) return;
  const temp_dir dir;
  const auto ran = dir / "planted-program-ran";
  for (const char* name : {"pass", "gpg", "gpg2"}) write_script(dir / name, "touch '" + ran.native() + "'\nexit 0\n");
  const scoped_cwd cwd{dir.path()};
  const scoped_env path{"PATH", ":/usr/bin:/bin"};
  pass_keyring keyring;
  const auto service = unique_service_name();
  const service_cleanup cleanup{keyring, service};

  REQUIRE(keyring.set(service, "api", canary));
  auto got = keyring.get(service, "api");
  REQUIRE(got);
  CHECK(got.value() == std::string_view{canary});
  CHECK_FALSE(std::filesystem::exists(ran));
}

}  // namespace
}  // namespace securestore::test
